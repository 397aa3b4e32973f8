#!/usr/bin/env bash
# make test: host unit tests, a short run of each fuzz harness (tests/fuzz/),
# the harness's own self-test, the layering check (scripts/check-layers.sh),
# then the boot tests in QEMU and Bochs, JOBS at a time (default: nproc;
# tests/boot-cases.sh).  Every result line is "PASS: name", "FAIL: name: ...", or "SKIP: name: ...";
# the last line is "N passed, N failed" (", N skipped" when any were).
# Logs of each boot are kept in build/tests/<case>/.
#   CASES_ONLY="qemu_tests bochs_boot" tests/run-all.sh   only those boot cases
#   UNIT=0 tests/run-all.sh                          skips the host unit tests
#   FUZZ=0 tests/run-all.sh                          skips the short fuzz run
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
. tests/boot-cases.sh

out=build/tests
rm -rf "$out"
mkdir -p "$out"
results=$out/results.txt
: >"$results"
jobs=${JOBS:-$(nproc)}
[ -n "${CASES_ONLY:-}" ] && read -r -a CASES <<<"$CASES_ONLY"
start=$SECONDS

report() {	# show a finished part's lines and keep them for the tally
	tee -a "$results" <"$1"
}

if [ "${UNIT:-1}" = 1 ]; then
	echo "== host unit tests (sanitizers)"
	# The Makefile passes the binaries it built; by hand, take what is there.
	if [ -n "${UNIT_BINS:-}" ]; then
		read -r -a bins <<<"$UNIT_BINS"
	else
		mapfile -t bins < <(ls build/unit/test_* 2>/dev/null | grep -v '\.d$')
	fi
	tests/run-unit.sh "${bins[@]}" >"$out/unit.txt" 2>&1
	report "$out/unit.txt"
fi

if [ "${FUZZ:-1}" = 1 ]; then
	echo "== host fuzzing: each harness over its seeds plus a fixed run (tests/fuzz/)"
	if [ -n "${FUZZ_BINS:-}" ]; then
		read -r -a bins <<<"$FUZZ_BINS"
	else
		mapfile -t bins < <(ls build/fuzz/fuzz_* 2>/dev/null | grep -v '\.d$')
	fi
	if [ ${#bins[@]} -eq 0 ]; then
		echo "FAIL: fuzz: no harness built (make fuzz-build)" >"$out/fuzz.txt"
	else
		tests/fuzz/run-fuzz.sh short "${bins[@]}" >"$out/fuzz.txt" 2>&1
	fi
	report "$out/fuzz.txt"
fi

echo "== harness self-test"
tests/harness-selftest.sh >"$out/selftest.txt" 2>&1
report "$out/selftest.txt"

echo "== layering (scripts/check-layers.sh, docs/architecture.md)"
scripts/check-layers.sh >"$out/layers.txt" 2>&1 ||
	grep -q '^FAIL: layers:' "$out/layers.txt" ||
	echo "FAIL: layers: scripts/check-layers.sh failed without a result line" >>"$out/layers.txt"
report "$out/layers.txt"

echo "== boot tests (QEMU and Bochs, $jobs at a time)"
running=0
for c in "${CASES[@]}"; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	(
		dir=$out/$c
		mkdir -p "$dir"
		t0=$SECONDS
		"case_$c" >"$dir/results.txt" 2>&1
		echo "   ($c: $((SECONDS - t0)) s)" >>"$dir/results.txt"
		cat "$dir/results.txt"
	) &
	running=$((running + 1))
done
wait
for c in "${CASES[@]}"; do
	if ! grep -qE '^(PASS|FAIL|SKIP): ' "$out/$c/results.txt" 2>/dev/null; then
		# A typo in CASES_ONLY, or a case killed before it reported.
		echo "FAIL: $c: the boot case produced no result line" | tee -a "$results"
		continue
	fi
	grep -E '^(PASS|FAIL|SKIP): ' "$out/$c/results.txt" >>"$results"
done

passed=$(grep -c '^PASS: ' "$results")
failed=$(grep -c '^FAIL: ' "$results")
skipped=$(grep -c '^SKIP: ' "$results")
echo "== $((SECONDS - start)) s; logs in $out/"
if [ "$failed" -gt 0 ]; then
	echo "failed:"
	grep '^FAIL: ' "$results" | sed 's/^/  /'
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
