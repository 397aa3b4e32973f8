#!/usr/bin/env bash
# make test-models: slotvisor on every Bochs CPU model that has VT-x, as on
# the generations of real machines they model.  For each model:
#   1. the one-CPU in-hypervisor suite (the test image, as the bochs_tests
#      case runs it): its PASS/FAIL/SKIP counts and each reason for a SKIP;
#   2. a Linux boot as `make run` does it (Debian's kernel and the test
#      initramfs, 1 vCPU, 256M, CPU_MODEL=that model) to /init and its checks;
#   3. the VT-x features slotvisor saw (its "vmx: EPT ..." boot line),
#      whether the CPU has XSAVE (the guest's /proc/cpuinfo) and the TSC
#      frequency slotvisor measured (Bochs' TSC runs at 100 MHz on all).
# Prints one Markdown table row per model and a last line "N passed, N
# failed": a model passes when the suite has no FAIL and Linux's checks pass,
# or when it lacks what slotvisor needs and both runs stop with the one line
# that names it.  --docs writes the table into docs/running.md between its
# markers, with the commit it was measured on.  It takes about an hour: it is
# not part of make test, which runs the Haswell, Westmere and Penryn cases.
#   scripts/test-models.sh [--docs] [MODEL...]
set -u
cd "$(dirname "$0")/.."
. tests/boot-cases.sh	# ONE_CPU_TESTS

docs=0
[ "${1:-}" = --docs ] && { docs=1; shift; }
MODELS=(core2_penryn_t9600 corei5_lynnfield_750 corei5_arrandale_m520 corei7_sandy_bridge_2600k
	corei7_ivy_bridge_3770k corei7_haswell_4770 broadwell_ult corei7_skylake_x corei3_cnl
	corei7_icelake_u tigerlake)
[ $# -gt 0 ] && MODELS=("$@")
out=build/test-models
mkdir -p "$out"
make --no-print-directory all >/dev/null || exit 1
scripts/linux-guest.sh build/linux/test scripts/linux-init/test >"$out/linux-guest.txt" 2>&1 || {
	echo "test-models: scripts/linux-guest.sh failed: $(tail -1 "$out/linux-guest.txt")" >&2
	exit 1
}

# yes/no for "NAME yes" in the vmx: EPT line.
feature() {
	sed -n "s#.*[ (]$1 \(yes\|no\).*#\1#p" "$2" | head -1
}

# The "lacks what slotvisor needs" line of a run, if it has one.
lacks() {
	tr -d '\r' <"$1" 2>/dev/null | grep -m1 -o "this CPU's VT-x lacks what slotvisor needs: .*"
}

rows=()
passed=0
failed=0
for m in "${MODELS[@]}"; do
	d=$out/$m
	mkdir -p "$d/suite" "$d/linux"
	ELF=build/slotvisor-test.elf scripts/mkiso.sh "$d/suite/slotvisor.iso" \
		"slotvisor.test=$ONE_CPU_TESTS" --test-module
	scripts/bochs.sh "$d/suite/slotvisor.iso" "$d/suite" --megs 2048 --timeout 900 --model "$m"
	s=$(tr -d '\r' <"$d/suite/serial.txt")
	np=$(grep -c '^PASS: ' <<<"$s"); nf=$(grep -c '^FAIL: ' <<<"$s"); ns=$(grep -c '^SKIP: ' <<<"$s")
	grep -q '^SUMMARY: ' <<<"$s" || nf="$nf (no SUMMARY: the run stopped)"
	skips=$(grep '^SKIP: ' <<<"$s" | sed 's/^SKIP: [^:]*: //' | sort | uniq -c |
		sed 's/^ *\([0-9]*\) \(.*\)/\1 × \2/' | grep -v 'one CPU online' | paste -sd ';' | sed 's/;/; /g')
	RUN_OUT=$d/linux EMU=bochs CPU_MODEL=$m KERNEL=build/linux/test/vmlinuz \
		INITRD=build/linux/test/initrd.gz MEM=256M \
		APPEND="console=ttyS0 nokaslr slotvisor_mem_mib=256" \
		timeout 1200 scripts/run.sh </dev/null >"$d/linux/run.txt" 2>&1
	lrc=$?
	run=$(tr -d '\r' <"$d/linux/run.txt")
	if grep -q "^run: the guest's exit status: 1$" <<<"$run" &&
	   grep -q '^linux-test: PASS: MemTotal' <<<"$run" && ! grep -q '^linux-test: FAIL' <<<"$run"; then
		linux="boots to /init, its checks pass"
	elif [ -n "$(lacks "$d/linux/run.txt")" ]; then
		linux="stops with the line"
	else
		linux="FAILED (status $lrc; $(grep -m1 '^linux-test: FAIL\|^vmx:.*fail\|^run: ' <<<"$run" | tail -1))"
	fi
	caps=$d/linux/serial.txt
	if grep -q 'vmx: EPT ' "$caps" 2>/dev/null; then
		feats="EPT 2M $(feature 2M "$caps"), 1G $(feature 1G "$caps"), A/D $(feature A/D "$caps"), PML $(feature PML "$caps")"
	else
		feats="(refused before VMXON: see the result)"
	fi
	if grep -q '^linux-test: flags: .* xsave' <<<"$run"; then
		feats="$feats, XSAVE yes"
	elif grep -q '^linux-test: flags:' <<<"$run"; then
		feats="$feats, XSAVE no"
	fi
	# Bochs' TSC counts instructions: 100 MHz at ips=100000000 on every model.
	khz=$(tr -d '\r' <"$d/suite/serial.txt" | sed -n 's/^tsc: \([0-9]*\) kHz.*/\1/p' | head -1)
	feats="$feats, TSC ${khz:-?} kHz"
	if [ -z "$khz" ] || [ "$khz" -lt 99000 ] || [ "$khz" -gt 101000 ]; then
		linux="$linux; TSC measured as ${khz:-nothing}, not 100000 kHz"
	fi
	why=$(lacks "$d/suite/serial.txt")
	if [ -n "$why" ] && [ "$linux" = "stops with the line" ] && [ "$nf" = 0 ]; then
		result="PASS: stops cleanly, naming what it lacks (\"${why#*needs: }\"); suite $np passed, $ns skipped"
		passed=$((passed + 1))
	elif [ "$nf" = 0 ] && [ "$linux" = "boots to /init, its checks pass" ]; then
		result="PASS: suite $np passed, 0 failed, $ns skipped${skips:+ ($skips)}; Linux $linux"
		passed=$((passed + 1))
	else
		result="FAIL: suite $np passed, $nf failed, $ns skipped; Linux $linux"
		failed=$((failed + 1))
	fi
	rows+=("| \`$m\` | $feats | $result |")
	echo "${rows[-1]}"
done

table() {
	echo "Measured by \`make test-models\` at commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!docs' || echo ' (with uncommitted changes)'), Bochs 2.7."
	echo
	echo "| Bochs CPU model | VT-x features slotvisor sees | result |"
	echo "|---|---|---|"
	printf '%s\n' "${rows[@]}"
}
if [ "$docs" = 1 ]; then
	table >"$out/table.md"
	python3 - "$out/table.md" <<'EOF'
import sys
p = 'docs/running.md'
s = open(p).read()
begin, end = '<!-- test-models: begin -->\n', '<!-- test-models: end -->\n'
if begin not in s or end not in s:
    sys.exit('test-models: docs/running.md has no test-models markers')
head, rest = s.split(begin, 1)
_, tail = rest.split(end, 1)
open(p, 'w').write(head + begin + open(sys.argv[1]).read() + end + tail)
EOF
	echo "test-models: table written into docs/running.md"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
