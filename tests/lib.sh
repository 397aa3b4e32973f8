# Shared helpers of the boot-test runner (sourced by tests/run-all.sh and
# tests/harness-selftest.sh).  Every check prints result lines in the
# kvm-unit-tests form the final tally counts: "PASS: name",
# "FAIL: name: what was expected, what was seen", "SKIP: name: why".

ELF=${ELF:-build/slotvisor-test.elf}

# Resolve the stack-trace addresses of a console log to functions and lines.
symbolize() {
	local log=$1 addrs
	addrs=$(grep -o '#[0-9]\+ \+ffffffff[0-9a-f]\{8\}' "$log" | awk '{print $2}' | head -n 16)
	[ -n "$addrs" ] && [ -f "$ELF" ] || return 0
	echo "    stack trace, resolved:"
	# shellcheck disable=SC2086
	addr2line -f -p -e "$ELF" $addrs 2>/dev/null | sed 's/^/      /'
}

# Print the last lines of a console log, indented, for a failure report.
last_lines() {
	local log=$1
	echo "    last console lines ($log):"
	if [ -s "$log" ]; then
		tail -n "${2:-15}" "$log" | tr -d '\r' | sed 's/^/      | /'
	else
		echo "      (empty)"
	fi
	symbolize "$log"
}

# ktest_parse PREFIX LOG RC [EXPECT_RC_OK EXPECT_RC_FAIL]
# Turn the in-kernel result lines of one boot into runner result lines
# named PREFIX:test.  A run without a SUMMARY line (a hang, a crash, a
# timeout) is a failure naming the test that was running.
ktest_parse() {
	local prefix=$1 log=$2 rc=$3 rc_ok=${4:-} rc_fail=${5:-}
	local clean summary running
	clean=$(tr -d '\r' <"$log" 2>/dev/null)
	printf '%s\n' "$clean" | sed -n \
		-e "s/^PASS: \(.*\)$/PASS: $prefix:\1/p" \
		-e "s/^FAIL: \(.*\)$/FAIL: $prefix:\1/p" \
		-e "s/^SKIP: \(.*\)$/SKIP: $prefix:\1/p"
	summary=$(printf '%s\n' "$clean" | grep '^SUMMARY: ' | tail -n 1)
	if [ -z "$summary" ]; then
		running=$(printf '%s\n' "$clean" | sed -n 's/^ktest: running //p' | tail -n 1)
		if [ "$rc" = 124 ]; then
			echo "FAIL: $prefix: expected a SUMMARY line, saw a timeout${running:+ while running $running}"
		else
			echo "FAIL: $prefix: expected a SUMMARY line, saw the machine stop (status $rc)${running:+ while running $running}"
		fi
		last_lines "$log"
		return
	fi
	if printf '%s\n' "$clean" | grep -q '^ktest: no test matches'; then
		echo "FAIL: $prefix: expected tests to run, saw none match"
	fi
	if [ -n "$rc_ok" ]; then
		local want=$rc_ok
		printf '%s\n' "$summary" | grep -q ' 0 unexpected failures' || want=$rc_fail
		[ "$rc" = "$want" ] ||
			echo "FAIL: $prefix:exit-status: expected $want after \"$summary\", saw $rc"
	fi
}

# expect_lines NAME LOG RC EXPECTED_RC REGEX... : one result for the whole set.
expect_lines() {
	local name=$1 log=$2 rc=$3 want_rc=$4 re
	shift 4
	if [ "$rc" = 124 ]; then
		echo "FAIL: $name: expected the machine to power off, saw a timeout"
		last_lines "$log"
		return
	fi
	for re in "$@"; do
		if ! tr -d '\r' <"$log" | grep -q -- "$re"; then
			echo "FAIL: $name: expected a console line matching '$re', saw none"
			last_lines "$log"
			return
		fi
	done
	if [ -n "$want_rc" ] && [ "$rc" != "$want_rc" ]; then
		echo "FAIL: $name: expected exit status $want_rc, saw $rc"
		last_lines "$log"
		return
	fi
	echo "PASS: $name"
}
