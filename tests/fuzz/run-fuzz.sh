#!/usr/bin/env bash
# Run libFuzzer harnesses (build/fuzz/fuzz_NAME, from tests/fuzz/fuzz_NAME.c)
# and print one result line each:
#   PASS: fuzz.NAME: N runs, M s
#   FAIL: fuzz.NAME: CRASH-FILE          (and how to reproduce it, and the report's top)
#
#   tests/fuzz/run-fuzz.sh long BIN...   FUZZ_TIME seconds each (default 60): the
#       seeds in tests/fuzz/corpus/NAME/ and the work corpus build/fuzz/corpus/NAME/,
#       where new interesting inputs are kept between runs (never in the repo)
#   tests/fuzz/run-fuzz.sh short BIN...  make test's fixed run: every seed, then
#       FUZZ_RUNS (default 4000) inputs mutated with -seed=1, new ones kept only
#       in a scratch directory emptied first
# Crash reproducers go to build/fuzz/crashes/NAME/.  Exits non-zero if any failed.
set -u
cd "$(dirname "$0")/../.."
mode=${1:-}
shift || true
case $mode in
long | short) ;;
*) echo "usage: $0 long|short BIN..." >&2; exit 2 ;;
esac

status=0
for bin in "$@"; do
	name=$(basename "$bin"); name=${name#fuzz_}
	seeds=tests/fuzz/corpus/$name
	crashes=build/fuzz/crashes/$name
	mkdir -p "$crashes"
	args=(-artifact_prefix="$crashes/" -print_final_stats=1)
	[ -f "tests/fuzz/$name.dict" ] && args+=(-dict="tests/fuzz/$name.dict")
	if [ "$mode" = long ]; then
		work=build/fuzz/corpus/$name
		mkdir -p "$work"
		args+=(-max_total_time="${FUZZ_TIME:-60}" -timeout=10)
	else
		work=build/fuzz/short/$name
		rm -rf "$work"
		mkdir -p "$work"
		# -max_total_time only bounds a slow machine: the runs are the test.
		args+=(-runs="${FUZZ_RUNS:-4000}" -seed=1 -max_total_time=60 -timeout=10)
	fi
	dirs=("$work")
	[ -d "$seeds" ] && dirs+=("$seeds")
	log=build/fuzz/$name.$mode.log
	t0=$SECONDS
	"$bin" "${args[@]}" "${dirs[@]}" >"$log" 2>&1
	rc=$?
	secs=$((SECONDS - t0))
	crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ $rc -eq 0 ] && [ -z "$crash" ] && [ -n "$runs" ]; then
		echo "PASS: fuzz.$name: $runs runs, $secs s"
		continue
	fi
	status=1
	echo "FAIL: fuzz.$name: ${crash:-exited with status $rc, no reproducer written}"
	[ -n "$crash" ] && echo "    reproduce: $bin $crash"
	echo "    log: $log; its report:"
	grep -m 1 -B 3 -A 10 -E '^==[0-9]+==ERROR|runtime error|invariant failed|^panic:|ERROR: libFuzzer' \
		"$log" | sed 's/^/    /'
done
exit $status
