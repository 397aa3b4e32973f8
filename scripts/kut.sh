#!/usr/bin/env bash
# kvm-unit-tests, driven by its own runner, under slotvisor in Bochs:
#   scripts/kut.sh [TEST...]      run those tests (default: every x86 test
#                                 run_tests.sh runs by default)
#   scripts/kut.sh --table        every x86 test of unittests.cfg (run_tests.sh
#                                 -a: the nodefault ones too), and its table
#                                 written into docs/guests.md between the
#                                 kut-table markers (hours in Bochs)
#                                 (KUT_BARE_RESULTS=FILE: the bare column
#                                 from FILE, an earlier --bare run's lines,
#                                 instead of running it again)
#                                 (its last column: scripts/kut-reasons.txt,
#                                 a reason for every row whose statuses
#                                 differ or that FAILs; kut.sh warns of a
#                                 missing or unneeded one)
#   scripts/kut.sh --bare [TEST...]
#                                 those tests (default: all, as --table) in
#                                 bare Bochs, with no hypervisor (the ceiling
#                                 a pass-through design would have; --table
#                                 runs it too), into build/kut-bare-results.txt
#   scripts/kut.sh --fetch        only get and build kvm-unit-tests
#   scripts/kut.sh --write-table RESULTS SECONDS [BARE_RESULTS]
#                                 only write the table, from the lines of an
#                                 earlier run (build/kut-results.txt; e.g. one
#                                 cut short) and of a bare one
#                                 (build/kut-bare-results.txt), KUT_TABLE_NOTE
#                                 saying so; KUT_RESULTS_COMMIT names the
#                                 slotvisor commit RESULTS came from when it
#                                 is not this one
# kvm-unit-tests is cloned at commit $KUT_COMMIT (the one docs/guests.md was
# written against) into build/kvm-unit-tests (KUT_DIR), from KUT_MIRROR (a
# local clone or any git URL) when it is set, else from gitlab.com, else
# from its GitHub mirror; then `./configure --arch=x86_64 && make` there.
# Nothing of it is committed here.  The tests run as
#   QEMU=<this tree>/scripts/qemu-system-x86_64 ./run_tests.sh [TEST...]
# in that tree, unchanged: unittests.cfg's own arguments, smp counts,
# timeouts (TIMEOUT= overrides them all, as run_tests.sh documents) and
# SKIP rules.  run_tests.sh's result lines are printed without their colour
# codes (PASS NAME (SUMMARY), FAIL NAME (...), SKIP NAME (reason)); each
# test's output is in KUT_DIR/logs/NAME.log and slotvisor's whole console in
# build/kut-qemu/NAME/.  KUT_JOBS is run_tests.sh's -j (default 1: Bochs
# is one CPU-bound process per vCPU).
# The bare runs use a second tree, KUT_DIR-bare, built from the same commit
# with two changes made by this script (nothing is committed): exit()
# prints its "--- DONE: CODE ---" before it powers Bochs off, and reset_apic()
# in lib/x86/apic.c no longer clears IA32_APIC_BASE.EN (it clears EXTD and
# takes the xAPIC's accessors, the rest of what disable_apic() does), because Bochs never
# re-enables a local APIC that was disabled (docs/bochs.md) and every test
# would hang there.  The front end boots those tests with KUT_BARE=1
# (scripts/qemu-system-x86_64: GRUB, multiboot v1, the CPU count and RAM
# size in the environment instead of fw_cfg, no pc-testdev).
# Exit status: 0 when no test failed, 1 when one did, 2 for a usage or
# build error of slotvisor, 3 when kvm-unit-tests could not be downloaded
# (no network and no KUT_MIRROR), 4 when it did not build.
set -u
cd "$(dirname "$0")/.."
root=$PWD
KUT_COMMIT=${KUT_COMMIT:-1da1819e49fc4938985edca67df669099b4c87a7}
kut=${KUT_DIR:-build/kvm-unit-tests}
case $kut in /*) ;; *) kut=$root/$kut ;; esac
log=$root/build/kut-build.txt

table=0 fetch_only=0 write_only=0 bare_only=0
case ${1:-} in
--table) table=1; shift ;;
--bare) bare_only=1; shift ;;
--fetch) fetch_only=1; shift ;;
--write-table) write_only=1; shift ;;
-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
-*) echo "kut: unknown option $1 (--table, --bare, --fetch, --write-table, or test names)" >&2; exit 2 ;;
esac

# results_rows RESULTS: "NAME STATUS SUMMARY" tab-separated, one per
# run_tests.sh result line (PASS NAME (SUMMARY), FAIL ..., SKIP ...).
results_rows() {
	awk '$1 ~ /^(PASS|FAIL|SKIP)$/ {
		name = $2; st = $1; $1 = $1; rest = $0; sub(/^[A-Z]+ [^ ]+ ?/, "", rest)
		sub(/^\(/, "", rest); sub(/\)$/, "", rest); gsub(/\|/, "\\|", rest)
		printf "%s\t%s\t%s\n", name, st, rest }' "$1"
}

# write_table RESULTS SECONDS [BARE_RESULTS]: the table of run_tests.sh's
# lines in RESULTS (and, beside them, BARE_RESULTS') into
# build/kut-table.md and docs/guests.md (between the kut-table markers).
write_table() {
	local out=$1 secs=$2 bare=${3:-} rows dirty bare_note=""
	[ -n "$bare" ] && [ -r "$bare" ] || bare=/dev/null
	rows=$(awk -F '\t' -v OFS='\t' -v reasons="$root/scripts/kut-reasons.txt" '
		function show(st) { return st == "FAIL" ? "**FAIL**" : st == "" ? "—" : st }
		BEGIN {
			while ((getline l <reasons) > 0)
				if (l !~ /^#/ && split(l, f, "\t") == 2) { why[f[1]] = f[2]; gsub(/\|/, "\\|", why[f[1]]) }
		}
		FNR == NR { bst[$1] = $2; bsum[$1] = $3; next }
		{
			need = bst[$1] != $2 || bst[$1] == "FAIL" || $2 == "FAIL"
			r = ""
			if (need && ($1 in why)) r = why[$1]
			else if (need) { r = "(no reason in scripts/kut-reasons.txt)"; print "kut: no reason for " $1 " in scripts/kut-reasons.txt" >"/dev/stderr" }
			else if ($1 in why) print "kut: scripts/kut-reasons.txt has a reason for " $1 ", whose row needs none" >"/dev/stderr"
			printf "| `%s` | %s | %s | %s | %s | %s |\n", $1, show(bst[$1]), show($2), $3, bsum[$1], r
		}
		' <(results_rows "$bare") <(results_rows "$out"))
	[ "$bare" != /dev/null ] && bare_note=" Bare Bochs (no hypervisor, the same tests through the front end's KUT_BARE=1, kvm-unit-tests' reset_apic() kept from disabling the APIC): $(grep -c '^PASS ' "$bare") PASS, $(grep -c '^FAIL ' "$bare") FAIL, $(grep -c '^SKIP ' "$bare") SKIP."
	dirty=$(git status --porcelain --untracked-files=no | grep -q . && echo " (with local changes)")
	{
		echo "<!-- kut-table begin: written by scripts/kut.sh --table; do not edit by hand -->"
		echo "slotvisor ${KUT_RESULTS_COMMIT:-$(git rev-parse --short HEAD)$dirty}, kvm-unit-tests $(git -C "$kut" rev-parse --short HEAD)," \
			"run_tests.sh -a with unittests.cfg's timeouts${TIMEOUT:+ (TIMEOUT=$TIMEOUT for all)}," \
			"Bochs 2.7 ${CPU_MODEL:-corei7_skylake_x}, $(date -u +%Y-%m-%d), $((secs / 60)) min:" \
			"${KUT_TABLE_NOTE:+$KUT_TABLE_NOTE }Under slotvisor: $(grep -c '^PASS ' "$out") PASS, $(grep -c '^FAIL ' "$out") FAIL, $(grep -c '^SKIP ' "$out") SKIP.$bare_note"
		echo
		echo "| test | bare Bochs | under slotvisor | run_tests.sh's summary under slotvisor, or its reason | bare Bochs' summary | why they differ, or what is missing (scripts/kut-reasons.txt) |"
		echo "|---|---|---|---|---|---|"
		printf '%s\n' "$rows"
		echo "<!-- kut-table end -->"
	} >build/kut-table.md
	if grep -q '^<!-- kut-table begin' docs/guests.md && grep -q '^<!-- kut-table end' docs/guests.md; then
		awk -v f=build/kut-table.md '
			/^<!-- kut-table begin/ { while ((getline l <f) > 0) print l; skip = 1; next }
			/^<!-- kut-table end/ { skip = 0; next }
			!skip' docs/guests.md >build/guests.md.new && mv build/guests.md.new docs/guests.md
		echo "kut: the table is in docs/guests.md (and build/kut-table.md)"
	else
		echo "kut: docs/guests.md has no kut-table markers; the table is in build/kut-table.md" >&2
	fi
}

# bare_tree: KUT_DIR-bare, the pinned commit with reset_apic() kept from
# clearing IA32_APIC_BASE.EN (see the top of this file), built.
bare_tree() {
	local bare=$kut-bare
	if [ "$(git -C "$bare" rev-parse HEAD 2>/dev/null)" != "$KUT_COMMIT" ]; then
		rm -rf "$bare"
		git clone -q "$kut" "$bare" >>"$log" 2>&1 &&
			git -C "$bare" checkout -q --detach "$KUT_COMMIT" >>"$log" 2>&1 || return 1
	fi
	if ! grep -q 'slotvisor: bare Bochs' "$bare/lib/x86/apic.c"; then
		awk '/^void reset_apic\(void\)/ { inside = 1 }
		     inside && /disable_apic\(\);/ {
			sub(/disable_apic\(\);/, "/* slotvisor: bare Bochs never re-enables a disabled APIC */ wrmsr(MSR_IA32_APICBASE, rdmsr(MSR_IA32_APICBASE) \\& ~APIC_EXTD); this_cpu_write_apic_ops((void *)\\&xapic_ops);")
			inside = 0 }
		     { print }' "$bare/lib/x86/apic.c" >"$bare/lib/x86/apic.c.new" &&
			mv "$bare/lib/x86/apic.c.new" "$bare/lib/x86/apic.c"
		grep -q 'slotvisor: bare Bochs' "$bare/lib/x86/apic.c" || return 1
		rm -f "$bare/config.mak"
	fi
	# exit() tries isa-debug-exit, then Bochs' shutdown port, which powers
	# Bochs off before exit()'s "--- DONE: CODE ---" is printed (it is meant
	# for machines with neither): print it first, so that the front end
	# reads the test's own exit code (bare_status in scripts/qemu-system-x86_64).
	if ! grep -q 'slotvisor: bare Bochs' "$bare/lib/x86/io.c"; then
		awk '/^void exit\(int code\)/ { inside = 1 }
		     { print }
		     inside && /^{/ {
			print "\t/* slotvisor: bare Bochs powers off at 0x8900 before the line below */ if (no_test_device) printf(\"--- DONE: %d ---\\n\", code);"
			inside = 0 }' "$bare/lib/x86/io.c" >"$bare/lib/x86/io.c.new" &&
			mv "$bare/lib/x86/io.c.new" "$bare/lib/x86/io.c"
		grep -q 'slotvisor: bare Bochs' "$bare/lib/x86/io.c" || return 1
		rm -f "$bare/config.mak"
	fi
	if [ ! -f "$bare/config.mak" ] || [ ! -f "$bare/x86/hypercall.flat" ]; then
		( cd "$bare" && ./configure --arch=x86_64 && make -j"${JOBS:-$(nproc)}" ) >>"$log" 2>&1
	fi
}

# run_suite TREE RESULTS BARE [TEST...]: run_tests.sh in TREE through the
# front end (KUT_BARE=BARE), its lines into RESULTS.
run_suite() {
	local tree=$1 res=$2 bare=$3 logs=$root/build/kut-qemu
	shift 3
	[ "$bare" = 1 ] && logs=$root/build/kut-qemu-bare
	( cd "$tree" && KUT_BARE=$bare QEMU=$root/scripts/qemu-system-x86_64 \
		KUT_LOGS=$logs ./run_tests.sh "${args[@]}" "$@" ) 2>&1 |
		sed -u 's/\x1b\[[0-9;]*m//g' | tee "$res"
}

mkdir -p build
# Get the pinned commit: an existing clone that has it, or a new one.
if ! git -C "$kut" cat-file -e "$KUT_COMMIT^{commit}" 2>/dev/null; then
	rm -rf "$kut"
	ok=0
	for src in ${KUT_MIRROR:-https://gitlab.com/kvm-unit-tests/kvm-unit-tests.git https://github.com/kvm-unit-tests/kvm-unit-tests.git}; do
		echo "kut: cloning kvm-unit-tests from $src"
		if timeout 600 git clone -q "$src" "$kut" >>"$log" 2>&1 &&
			git -C "$kut" cat-file -e "$KUT_COMMIT^{commit}" 2>/dev/null; then
			ok=1
			break
		fi
		rm -rf "$kut"
	done
	if [ $ok = 0 ]; then
		echo "kut: kvm-unit-tests could not be downloaded (commit $KUT_COMMIT; set KUT_MIRROR to a local clone): $(tail -n 1 "$log")" >&2
		exit 3
	fi
fi
if [ "$(git -C "$kut" rev-parse HEAD)" != "$KUT_COMMIT" ]; then
	git -C "$kut" checkout -q --detach "$KUT_COMMIT" >>"$log" 2>&1 || {
		echo "kut: cannot check out $KUT_COMMIT in $kut (local changes?): $(tail -n 1 "$log")" >&2
		exit 4
	}
	rm -f "$kut/config.mak"	# rebuild at the new commit
fi
if [ ! -f "$kut/config.mak" ] || [ ! -f "$kut/x86/hypercall.flat" ]; then
	echo "kut: building kvm-unit-tests $(git -C "$kut" rev-parse --short HEAD) for x86_64 (log: $log)"
	( cd "$kut" && ./configure --arch=x86_64 && make -j"${JOBS:-$(nproc)}" ) >>"$log" 2>&1 || {
		echo "kut: kvm-unit-tests did not build: $(tail -n 1 "$log")" >&2
		exit 4
	}
fi
[ $fetch_only = 1 ] && exit 0
if [ $write_only = 1 ]; then
	[ -r "${1:-}" ] || { echo "kut: --write-table RESULTS SECONDS: no results file ${1:-}" >&2; exit 2; }
	write_table "$1" "${2:-0}" "${3:-}"
	exit 0
fi

# The front end boots the production image.
make -s >>"$log" 2>&1 || { echo "kut: make failed: $(tail -n 1 "$log")" >&2; exit 2; }

args=(-j "${KUT_JOBS:-1}")
if [ $table = 1 ] || { [ $bare_only = 1 ] && [ $# = 0 ]; }; then
	args+=(-a)
fi
out=$root/build/kut-results.txt
bare_out=$root/build/kut-bare-results.txt
if [ $table = 1 ] && [ -n "${KUT_BARE_RESULTS:-}" ]; then
	[ -r "$KUT_BARE_RESULTS" ] || { echo "kut: KUT_BARE_RESULTS: no file $KUT_BARE_RESULTS" >&2; exit 2; }
elif [ $table = 1 ] || [ $bare_only = 1 ]; then
	echo "kut: building the bare-Bochs tree $kut-bare (log: $log)"
	bare_tree || { echo "kut: the bare-Bochs tree did not build: $(tail -n 1 "$log")" >&2; exit 4; }
fi
start=$(date +%s)
if [ $bare_only = 1 ]; then
	run_suite "$kut-bare" "$bare_out" 1 "$@"
	! grep -q '^FAIL ' "$bare_out"
	exit
fi
run_suite "$kut" "$out" 0 "$@"
secs=$(( $(date +%s) - start ))
if [ $table = 1 ]; then
	if [ -n "${KUT_BARE_RESULTS:-}" ]; then
		echo "kut: the bare column from $KUT_BARE_RESULTS"
		[ "$KUT_BARE_RESULTS" -ef "$bare_out" ] || cp "$KUT_BARE_RESULTS" "$bare_out"
	else
		echo "kut: the same tests in bare Bochs"
		run_suite "$kut-bare" "$bare_out" 1 "$@"
	fi
	write_table "$out" "$secs" "$bare_out"
fi
! grep -q '^FAIL ' "$out"
