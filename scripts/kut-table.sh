#!/usr/bin/env bash
# Run kvm-unit-tests x86 tests under slotvisor (in Bochs, through
# scripts/run.sh) and print one Markdown table row per test:
#   scripts/kut-table.sh KUT_DIR [TEST...]
# KUT_DIR is a kvm-unit-tests tree that was configured and built for
# x86_64 (its x86/*.flat files exist; this script builds nothing).  Each
# TEST is a section name of KUT_DIR/x86/unittests.cfg; its file, smp and
# test_args come from there, as kvm-unit-tests' own runner reads them.
# Without TESTs: the SMP tests of docs/smp.md.  No environment module is
# given: the CPU count comes from fw_cfg, as under QEMU.  A test's console
# is kept in build/kut/NAME.log.  KUT_TIMEOUT (seconds, default 900) bounds
# each run.  The exit status is QEMU's: 1 = every report() passed, 3 = a
# failure, 77 = skipped, 127 = abort; 124 = timed out.
set -u
kut=${1:?usage: scripts/kut-table.sh KUT_DIR [TEST...]}
shift
cfg=$kut/x86/unittests.cfg
[ -r "$cfg" ] || { echo "kut-table: $cfg not found (a kvm-unit-tests tree?)" >&2; exit 2; }
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(smptest smptest3 ioapic vmexit_ipi vmexit_ipi_halt x2apic hypercall)
out=build/kut
mkdir -p "$out"

# The value of KEY in section NAME of unittests.cfg (quotes removed), or DEFAULT.
cfg_get() {
	awk -v sec="[$1]" -v key="$2" -v def="$3" '
		$0 == sec { in_sec = 1; next }
		/^\[/ { in_sec = 0 }
		in_sec && $1 == key {
			sub(/^[^=]*=[ \t]*/, ""); gsub(/^'\''|'\''$/, ""); print; found = 1; exit
		}
		END { if (!found) print def }' "$cfg"
}

echo "| test | vCPUs | args | exit | summary | time |"
echo "|---|---|---|---|---|---|"
for t in "${tests[@]}"; do
	if ! grep -qx "\[$t\]" "$cfg"; then
		echo "kut-table: no test [$t] in $cfg" >&2
		exit 2
	fi
	file=$(cfg_get "$t" file "")
	smp=$(cfg_get "$t" smp 1)
	args=$(cfg_get "$t" test_args "")
	flat=$kut/x86/$file
	[ -r "$flat" ] || { echo "kut-table: $flat not built" >&2; exit 2; }
	start=$(date +%s)
	KERNEL=$flat CPUS=$smp APPEND=$args RUN_OUT=$out/$t timeout "${KUT_TIMEOUT:-900}" \
		scripts/run.sh </dev/null >"$out/$t.log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	summary=$(tr -d '\r' <"$out/$t.log" | grep -a '^SUMMARY:' | tail -1 | sed 's/^SUMMARY: //')
	fails=$(tr -d '\r' <"$out/$t.log" | grep -a -c '^FAIL: ')
	# vmexit's benchmarks report no SUMMARY: their "name cycles" lines instead.
	[ -n "$summary" ] || summary=$(tr -d '\r' <"$out/$t.log" | grep -a -E '^[a-z_0-9]+ [0-9]+$' |
		paste -sd ',' | sed 's/,/, /g')
	[ -n "$summary" ] || summary="no SUMMARY line"
	[ "$fails" -gt 0 ] && summary="$summary; FAIL: $(tr -d '\r' <"$out/$t.log" |
		grep -a '^FAIL: ' | sed 's/^FAIL: //' | paste -sd ',' | sed 's/,/, /g')"
	echo "| \`$t\` | $smp | ${args:+\`$args\`} | $rc | $summary | ${secs} s |"
done
