#!/usr/bin/env bash
# Run host unit test binaries (cmocka, TAP output) and print one result line
# per test case in the harness's form: "PASS: unit.<binary>.<case>" or
# "FAIL: unit.<binary>.<case>: <cmocka's message>".  A binary that crashes
# (a sanitizer report, say) is a failure naming it, with its last lines.
set -u
status=0
for bin in "$@"; do
	name=$(basename "$bin"); name=${name#test_}
	log=$(mktemp)
	CMOCKA_MESSAGE_OUTPUT=TAP timeout "${UNIT_TIMEOUT:-600}" "$bin" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 124 ]; then
		echo "FAIL: unit.$name: timed out after ${UNIT_TIMEOUT:-600} s; last lines:"
		tail -n 15 "$log" | sed 's/^/    /'
		status=1
		rm -f "$log"
		continue
	fi
	# cmocka prints a failure's details as "# ..." lines around "not ok":
	# keep those that follow it (or, failing that, precede it) as the message.
	awk -v suite="unit.$name" '
		function flush() {
			if (pending != "") print "FAIL: " suite "." pending ": " (after != "" ? after : (before != "" ? before : "failed"))
			pending = ""; after = ""
		}
		/^ok [0-9]+ - / { flush(); sub(/^ok [0-9]+ - /, ""); print "PASS: " suite "." $0; n++; before = ""; next }
		/^not ok [0-9]+ # SKIP / { flush(); sub(/^not ok [0-9]+ # SKIP /, ""); print "SKIP: " suite "." $0 ": " (before != "" ? before : "skipped"); n++; before = ""; next }
		/^not ok [0-9]+ - / { flush(); sub(/^not ok [0-9]+ - /, ""); pending = $0; n++; next }
		/^#/ { m = $0; sub(/^#[ \t]*/, "", m); if (m == "") next
			if (pending != "") after = after (after != "" ? "; " : "") m
			else before = before (before != "" ? "; " : "") m
			next }
		END { flush(); exit n == 0 }' "$log"
	parsed=$?
	if [ $rc -ne 0 ] && ! grep -q '^not ok [0-9]* - ' "$log" || [ $parsed -ne 0 ]; then
		echo "FAIL: unit.$name: exited with status $rc; last lines:"
		tail -n 15 "$log" | sed 's/^/    /'
		status=1
	elif [ $rc -ne 0 ]; then
		status=1
		grep -A8 '^not ok' "$log" | sed 's/^/    /'
	fi
	rm -f "$log"
done
exit $status
