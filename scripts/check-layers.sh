#!/usr/bin/env bash
# The layering check: every quoted #include of every .c, .h and .S in the
# hypervisor's folders against the rules below (docs/architecture.md,
# "Which folder may include which").  One result line per rule:
#   PASS: layers:RULE
#   FAIL: layers:RULE: FILE:LINE includes HEADER (N in all)
# followed, on a FAIL, by every offending include on its own indented line.
# Exits non-zero on any FAIL.
#   scripts/check-layers.sh           check the tree
#   scripts/check-layers.sh --table   print the rules as docs/architecture.md's table
#
# Only direct includes count.  Angle-bracket includes are the compiler's
# freestanding headers (the kernel builds with -nostdinc) or, in host-only
# branches, the host's: they belong to no layer and are not checked.
set -u
cd "$(dirname "$0")/.."
set -f	# "*" in the rules is a word, not a file name

# ---- the rules: the one place they are written -------------------------------
#
# RULE | FILES IT COVERS (path prefixes) | MAY INCLUDE (layers)
#
# A layer is where the included header lies: lib is include/lib/ and lib/,
# arch is the generic arch contract include/arch/*.h, arch/x86 is
# include/arch/x86/ and arch/x86/, tests is anything under tests/, and a
# name with ".h" (vmx/vcpu.h, run_mode.h) is that one header.  "*" is every
# layer but those named "!layer".  compiler.h and types.h may be included
# everywhere.
ALWAYS="compiler.h types.h"
RULES="
base    | include/compiler.h include/types.h | -
lib     | lib/ include/lib/                  | lib arch
mm      | mm/ include/mm/                    | lib mm arch
arch    | arch/x86/ include/arch/            | arch arch/x86 boot lib mm
boot    | boot/ include/boot/                | arch arch/x86 boot lib mm
kvm     | include/kvm/                       | lib mm arch kvm memslot
memslot | memslot/ include/memslot/          | lib mm arch kvm memslot
ept     | ept/ include/ept/                  | lib mm arch arch/x86 kvm memslot ept
emulate | emulate/ include/emulate/          | lib arch emulate
vmx     | vmx/ include/vmx/                  | lib mm arch arch/x86 kvm memslot ept emulate vmx irq
irq     | irq/ include/irq/                  | lib arch arch/x86 kvm irq vmx/vcpu.h
devices | devices/ include/devices/          | lib arch arch/x86 kvm memslot irq devices vmx/vcpu.h
vm      | vm/ include/vm/                    | * !loader !console !tests
loader  | loader/ include/loader/            | lib mm arch arch/x86 boot kvm vmx/vcpu.h vm loader
console | console/ include/console/          | * !tests
main    | main.c include/run_mode.h          | * !tests
"
# Files no rule covers, on purpose: the host tests' stand-ins for arch/x86
# and the host library's header, the guests (built apart, with their own
# headers), and the tests themselves.  Any other .c/.h/.S is a FAIL of
# layers:coverage, so that a new folder gets a rule.
UNCHECKED="arch/fake/ include/slotvisor/ guests/ tests/"
DOC=docs/architecture.md

rule_field() {	# rule_field N: field N (1-3) of every rule, one rule a line
	printf '%s\n' "$RULES" | awk -F'|' -v n="$1" 'NF == 3 {
		f = $n; gsub(/^[ \t]+|[ \t]+$/, "", f); gsub(/[ \t]+/, " ", f); print f }'
}

print_table() {
	echo "| rule | covers | may include (and always compiler.h, types.h) |"
	echo "|---|---|---|"
	printf '%s\n' "$RULES" | awk -F'|' 'NF == 3 {
		for (i = 1; i <= 3; i++) { gsub(/^[ \t]+|[ \t]+$/, "", $i); gsub(/[ \t]+/, " ", $i) }
		n = split($2, c, " "); covers = ""
		for (i = 1; i <= n; i++) covers = covers (i > 1 ? ", " : "") "`" c[i] "`"
		may = $3
		if (may == "-") may = "nothing else"
		else if (may ~ /^\*/) {
			n = split(may, m, " "); may = "anything but "
			for (i = 2; i <= n; i++) { sub(/^!/, "", m[i]); may = may (i > 2 ? ", " : "") m[i] }
		} else gsub(/ /, ", ", may)
		printf "| %s | %s | %s |\n", $1, covers, may }'
}

if [ "${1:-}" = --table ]; then
	print_table
	exit 0
fi

# ---- the files and their includes -------------------------------------------

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	files=$(git ls-files --cached --others --exclude-standard -- '*.c' '*.h' '*.S' | sort -u)
else
	files=$(find . -path ./build -prune -o -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \) \
		-print | sed 's|^\./||' | sort)
fi

rule_of() {	# rule_of FILE: the rule that covers FILE, "-" for an unchecked one, "" for none
	local f=$1 rule prefixes p
	for p in $UNCHECKED; do
		case $f in "$p"*) echo -; return ;; esac
	done
	while IFS='|' read -r rule prefixes _; do
		for p in $prefixes; do
			if [ "$f" = "$p" ] || { [ "${p%/}" != "$p" ] && [ "${f#"$p"}" != "$f" ]; }; then
				echo "${rule// /}"
				return
			fi
		done
	done < <(printf '%s\n' "$RULES" | grep '|')
	echo
}

# resolve FILE NAME: the file "#include NAME" in FILE reads, as the three
# builds search (the including file's folder; include/; the test image's
# tests/kernel/ and guests/lib/; the host tests' arch/fake/ and tests/unit/),
# or NAME itself when there is none.
resolve() {
	local dir d
	dir=$(dirname "$1")
	for d in "$dir" include tests/kernel guests/lib arch/fake tests/unit; do
		if [ -f "$d/$2" ]; then
			realpath -m --relative-to=. "$d/$2"
			return
		fi
	done
	echo "$2"
}

# layer PATH: the layer of a header (see the rules' comment), and its name
# as the rules spell it (PATH without include/).
layer() {
	local n=${1#include/}
	case $n in
	tests/*) echo tests ;;
	guests/*) echo guests ;;
	arch/x86/*) echo arch/x86 ;;
	arch/fake/*) echo arch/fake ;;
	arch/*/*) echo "${n%/*}" ;;
	arch/*) echo arch ;;
	*/*) echo "${n%%/*}" ;;
	*) echo "$n" ;;
	esac
}

allowed() {	# allowed MAYLIST LAYER NAME
	local m ok=1
	for m in $ALWAYS; do
		[ "$3" = "$m" ] && return 0
	done
	for m in $1; do
		case $m in
		'*') ok=0 ;;
		'!'*) [ "$2" = "${m#!}" ] && return 1 ;;
		*.h) [ "$3" = "$m" ] && return 0 ;;
		*) [ "$2" = "$m" ] && return 0 ;;
		esac
	done
	return $ok
}

declare -A may viol nviol
while IFS='|' read -r rule _ list; do
	rule=${rule// /}
	may[$rule]=$list
	viol[$rule]=
	nviol[$rule]=0
done < <(printf '%s\n' "$RULES" | grep '|')
uncovered=
all=

for f in $files; do
	r=$(rule_of "$f")
	[ "$r" = - ] && continue
	if [ -z "$r" ]; then
		uncovered+="$f"$'\n'
		continue
	fi
	while IFS=: read -r line name; do
		target=$(resolve "$f" "$name")
		name=${target#include/}
		if ! allowed "${may[$r]}" "$(layer "$target")" "$name"; then
			viol[$r]+="$f:$line includes $name"$'\n'
			all+="$f:$line includes $name"$'\n'
			nviol[$r]=$((nviol[$r] + 1))
		fi
	done < <(awk '/^[ \t]*#[ \t]*include[ \t]*"/ {
		split($0, q, "\""); print FNR ":" q[2] }' "$f")
done

# ---- the results --------------------------------------------------------------

fails=0
result() {	# result RULE COUNT LINES
	if [ "$2" -eq 0 ]; then
		echo "PASS: layers:$1"
		return
	fi
	fails=$((fails + 1))
	echo "FAIL: layers:$1: $(printf '%s' "$3" | head -n 1) ($2 in all)"
	printf '%s' "$3" | sed 's/^/    /'
}

for r in $(rule_field 1); do
	result "$r" "${nviol[$r]}" "${viol[$r]}"
done

# No production file may include anything from tests/ (each rule above says
# so too; this line names the breach on its own).
tv=$(printf '%s' "$all" | grep ' includes tests/')$'\n'
result no-tests "$(printf '%s' "$tv" | grep -c .)" "$tv"

result coverage "$(printf '%s' "$uncovered" | grep -c .)" \
	"$(printf '%s' "$uncovered" | sed 's/$/ belongs to no rule (scripts\/check-layers.sh)/')"$'\n'

# The table in the docs is this script's, word for word.
if [ -f "$DOC" ] && diff <(print_table) \
	<(sed -n '/^<!-- layers:begin/,/^<!-- layers:end/p' "$DOC" | grep '^|') >/dev/null; then
	echo "PASS: layers:docs-table"
else
	fails=$((fails + 1))
	echo "FAIL: layers:docs-table: $DOC's table between <!-- layers:begin --> and" \
		"<!-- layers:end --> differs from scripts/check-layers.sh --table"
fi

[ "$fails" -eq 0 ]
