#!/usr/bin/env bash
# The hostile suite's randomized variant (hostile.fuzz: random instruction
# streams in fresh VMs, tests/kernel/test_hostile_fuzz.c) in Bochs, in the
# shape of run-fuzz.sh's results:
#   PASS: fuzz.hostile: N VMs, M streams, T s (seeds S1 S2 ...)
#   FAIL: fuzz.hostile: seed S vm K: WHAT   (and the command that replays it)
#
#   tests/fuzz/run-hostile-fuzz.sh long           boots with a fresh random seed each
#       (FUZZ_HOSTILE_VMS VMs a boot, default 40) until FUZZ_TIME seconds (default
#       60) have passed; at least one boot
#   tests/fuzz/run-hostile-fuzz.sh replay S [K]   one boot: seed S, VM K alone
#       (all of the default count when K is not given)
# Needs build/slotvisor-test.elf (make).  Each boot's output is kept in
# build/fuzz/hostile/SEED/ (serial.txt).  Exits non-zero if a boot failed.
set -u
cd "$(dirname "$0")/../.."
mode=${1:-}
case $mode in
long) ;;
replay) [ $# -ge 2 ] || { echo "usage: $0 replay SEED [VM]" >&2; exit 2; } ;;
*) echo "usage: $0 long | replay SEED [VM]" >&2; exit 2 ;;
esac
vms=${FUZZ_HOSTILE_VMS:-40}
passed='SUMMARY: 1 tests, 0 unexpected failures, 0 skipped'

# boot SEED CMDLINE-TAIL: one Bochs run; prints a FAIL line and returns 1 on a failure.
boot() {
	local seed=$1 tail=$2 dir=build/fuzz/hostile/$1 rc vm what
	mkdir -p "$dir"
	ELF=build/slotvisor-test.elf scripts/mkiso.sh "$dir/slotvisor.iso" \
		"slotvisor.test=hostile.fuzz slotvisor.seed=$seed $tail" --test-module >/dev/null ||
		return 1
	scripts/bochs.sh "$dir/slotvisor.iso" "$dir" --megs 2048 --timeout $((vms * 10 + 120)) \
		>/dev/null 2>&1
	rc=$?
	tr -d '\r' <"$dir/serial.txt" >"$dir/serial.unix.txt"
	if [ $rc -eq 1 ] && grep -q "^$passed\$" "$dir/serial.unix.txt"; then
		return 0
	fi
	# The failing VM: the one a FAIL line names, or the one after the last verdict.
	vm=$(sed -n 's/^FAIL: hostile.fuzz: fuzz: seed [0-9]* vm \([0-9]*\).*/\1/p' \
		"$dir/serial.unix.txt" | head -n 1)
	if [ -z "$vm" ]; then
		vm=$(sed -n 's/^hostile: fuzz: seed [0-9]* vm \([0-9]*\):.*/\1/p' \
			"$dir/serial.unix.txt" | tail -n 1)
		vm=$(( ${vm:--1} + 1 ))
	fi
	what=$(grep -m 1 -E '^FAIL: |^panic|^exception' "$dir/serial.unix.txt" ||
		echo "Bochs exited with status $rc, no verdict")
	echo "FAIL: fuzz.hostile: seed $seed vm $vm: $what"
	echo "    reproduce: tests/fuzz/run-hostile-fuzz.sh replay $seed $vm"
	echo "    log: $dir/serial.txt"
	return 1
}

t0=$SECONDS
if [ "$mode" = replay ]; then
	seed=$2
	if [ $# -ge 3 ]; then
		vms=1
		boot "$seed" "slotvisor.fuzz_vm=$3 slotvisor.fuzz_vms=1" || exit 1
	else
		boot "$seed" "slotvisor.fuzz_vms=$vms" || exit 1
	fi
	seeds=" $seed"
else
	seeds=
	while :; do
		seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
		seeds="$seeds $seed"
		boot "$seed" "slotvisor.fuzz_vms=$vms" || exit 1
		[ $((SECONDS - t0)) -ge "${FUZZ_TIME:-60}" ] && break
	done
fi
n=0; streams=0
for s in $seeds; do
	# "? streams" where a stream overwrote the guest's count: a VM, no streams counted.
	while read -r k; do
		n=$((n + 1)); [ "$k" != "?" ] && streams=$((streams + k))
	done < <(sed -n 's/^hostile: fuzz: seed [0-9]* vm [0-9]*: \([0-9?]*\) streams.*/\1/p' \
		"build/fuzz/hostile/$s/serial.unix.txt")
done
echo "PASS: fuzz.hostile: $n VMs, $streams streams, $((SECONDS - t0)) s (seeds$seeds)"
