#!/usr/bin/env bash
# kvm-unit-tests, driven by its own runner, under slotvisor in Bochs:
#   scripts/kut.sh [TEST...]      run those tests (default: every x86 test
#                                 run_tests.sh runs by default)
#   scripts/kut.sh --table        every x86 test of unittests.cfg (run_tests.sh
#                                 -a: the nodefault ones too), and its table
#                                 written into docs/guests.md between the
#                                 kut-table markers (hours in Bochs)
#   scripts/kut.sh --fetch        only get and build kvm-unit-tests
#   scripts/kut.sh --write-table RESULTS SECONDS
#                                 only write the table, from the lines of an
#                                 earlier run (build/kut-results.txt; e.g. one
#                                 cut short), KUT_TABLE_NOTE saying so
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

table=0 fetch_only=0 write_only=0
case ${1:-} in
--table) table=1; shift ;;
--fetch) fetch_only=1; shift ;;
--write-table) write_only=1; shift ;;
-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
-*) echo "kut: unknown option $1 (--table, --fetch, or test names)" >&2; exit 2 ;;
esac

# write_table RESULTS SECONDS: the table of run_tests.sh's lines in RESULTS
# into build/kut-table.md and docs/guests.md (between the kut-table markers).
write_table() {
	local out=$1 secs=$2 rows dirty
	rows=$(awk '$1 ~ /^(PASS|FAIL|SKIP)$/ {
		name = $2; $1 = $1; rest = $0; sub(/^[A-Z]+ [^ ]+ ?/, "", rest)
		sub(/^\(/, "", rest); sub(/\)$/, "", rest); gsub(/\|/, "\\|", rest)
		st = $1 == "PASS" ? "PASS" : $1 == "FAIL" ? "**FAIL**" : "SKIP"
		printf "| `%s` | %s | %s |\n", name, st, rest }' "$out")
	dirty=$(git status --porcelain --untracked-files=no | grep -q . && echo " (with local changes)")
	{
		echo "<!-- kut-table begin: written by scripts/kut.sh --table; do not edit by hand -->"
		echo "slotvisor $(git rev-parse --short HEAD)$dirty, kvm-unit-tests $(git -C "$kut" rev-parse --short HEAD)," \
			"run_tests.sh -a with unittests.cfg's timeouts${TIMEOUT:+ (TIMEOUT=$TIMEOUT for all)}," \
			"Bochs 2.7 ${CPU_MODEL:-corei7_skylake_x}, $(date -u +%Y-%m-%d), $((secs / 60)) min:" \
			"${KUT_TABLE_NOTE:+$KUT_TABLE_NOTE }$(grep -c '^PASS ' "$out") PASS, $(grep -c '^FAIL ' "$out") FAIL, $(grep -c '^SKIP ' "$out") SKIP."
		echo
		echo "| test | under slotvisor | run_tests.sh's summary, or its reason |"
		echo "|---|---|---|"
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
	write_table "$1" "${2:-0}"
	exit 0
fi

# The front end boots the production image.
make -s >>"$log" 2>&1 || { echo "kut: make failed: $(tail -n 1 "$log")" >&2; exit 2; }

args=(-j "${KUT_JOBS:-1}")
[ $table = 1 ] && args+=(-a)
out=$root/build/kut-results.txt
start=$(date +%s)
( cd "$kut" && QEMU=$root/scripts/qemu-system-x86_64 KUT_LOGS=$root/build/kut-qemu \
	./run_tests.sh "${args[@]}" "$@" ) 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g' | tee "$out"
secs=$(( $(date +%s) - start ))

[ $table = 1 ] && write_table "$out" "$secs"
! grep -q '^FAIL ' "$out"
