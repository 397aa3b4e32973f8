#!/usr/bin/env bash
# The runner's own test: feed ktest_parse and expect_lines console logs
# with a failure, a hang and a crash, and check that each is reported as a
# failure naming the test; a harness that cannot fail proves nothing.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {	# check NAME OUTPUT REGEX: OUTPUT must contain a line matching REGEX
	if printf '%s\n' "$2" | grep -q -- "$3"; then
		echo "PASS: harness:$1"
	else
		echo "FAIL: harness:$1: expected a line matching '$3', saw:"
		printf '%s\n' "$2" | sed 's/^/    | /'
	fi
}

printf 'ktest: running mm.alloc.align\r\nFAIL: mm.alloc.align: expected alignment 0x200000, saw 0x201000\r\nPASS: mm.kmalloc\r\nSUMMARY: 2 tests, 1 unexpected failures, 0 skipped\r\n' >"$tmp/fail.log"
o=$(ktest_parse emu "$tmp/fail.log" 3 1 3)
check reports-a-failing-test "$o" '^FAIL: emu:mm.alloc.align: expected alignment 0x200000, saw 0x201000$'
check reports-a-passing-test "$o" '^PASS: emu:mm.kmalloc$'
o=$(ktest_parse emu "$tmp/fail.log" 1 1 3)
check exit-status-must-match-summary "$o" '^FAIL: emu:exit-status: expected 3'

printf 'PASS: boot.info\nktest: running mm.alloc.exhaust\n' >"$tmp/hang.log"
o=$(ktest_parse emu "$tmp/hang.log" 124)
check a-hang-names-the-running-test "$o" '^FAIL: emu: expected a SUMMARY line, saw a timeout while running mm.alloc.exhaust$'
check a-hang-shows-the-console "$o" '^      | ktest: running mm.alloc.exhaust$'

printf 'ktest: running exc.ud\nexception: #UD invalid opcode (vector 6) error 0x0\n  stack trace:\n    #0  ffffffff80200000\n' >"$tmp/crash.log"
o=$(ktest_parse emu "$tmp/crash.log" 7)
check a-crash-is-a-failure "$o" '^FAIL: emu: expected a SUMMARY line, saw the machine stop (status 7) while running exc.ud$'

printf 'vmx: something else\n' >"$tmp/novmx.log"
o=$(expect_lines emu:no-vmx "$tmp/novmx.log" 5 5 '^vmx: VT-x not available')
check a-missing-line-is-a-failure "$o" "^FAIL: emu:no-vmx: expected a console line matching '^vmx: VT-x not available', saw none$"
printf 'vmx: VT-x not available: x\n' >"$tmp/novmx.log"
o=$(expect_lines emu:no-vmx "$tmp/novmx.log" 1 5 '^vmx: VT-x not available')
check a-wrong-exit-status-is-a-failure "$o" '^FAIL: emu:no-vmx: expected exit status 5, saw 1$'
o=$(expect_lines emu:no-vmx "$tmp/novmx.log" 5 5 '^vmx: VT-x not available')
check a-match-passes "$o" '^PASS: emu:no-vmx$'

# The fuzz runner (tests/fuzz/run-fuzz.sh): a harness that crashes is a
# failure naming its reproducer, one that does not passes with its run count.
# Two throwaway harnesses, built here with the fuzz build's compiler.
for h in crash ok; do
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' '#include <stdlib.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);' \
		'int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)' \
		"{ if (CRASH && size) abort(); return 0; }" >"$tmp/fuzz_selftest_$h.c"
	"${FUZZCC:-clang}" -fsanitize=fuzzer -DCRASH=$([ $h = crash ] && echo 1 || echo 0) \
		-o "$tmp/fuzz_selftest_$h" "$tmp/fuzz_selftest_$h.c" 2>"$tmp/cc_$h.txt" ||
		echo "FAIL: harness:fuzz-selftest-build: $(head -1 "$tmp/cc_$h.txt")"
done
o=$(FUZZ_RUNS=200 tests/fuzz/run-fuzz.sh short "$tmp/fuzz_selftest_crash" "$tmp/fuzz_selftest_ok")
check a-fuzz-crash-is-a-failure "$o" '^FAIL: fuzz.selftest_crash: build/fuzz/crashes/selftest_crash/crash-'
check a-fuzz-crash-names-its-reproducer "$o" \
	"^    reproduce: $tmp/fuzz_selftest_crash build/fuzz/crashes/selftest_crash/crash-"
check a-clean-fuzz-run-passes "$o" '^PASS: fuzz.selftest_ok: 200 runs, [0-9]* s$'
rm -rf build/fuzz/crashes/selftest_crash build/fuzz/crashes/selftest_ok build/fuzz/short/selftest_* \
	build/fuzz/selftest_*.short.log
