#!/usr/bin/env bash
# The kvm-unit-tests part of `make bench` (issue 16's table): vmexit.flat,
# kvm-unit-tests' own exit benchmark, under slotvisor in Bochs through the
# QEMU-compatible front end (scripts/qemu-system-x86_64), one vCPU, with
# three of its tests on one command line:
#   cpuid              an exit round trip with its loop (call, CPUID, ret,
#                      the count): the exit fast path (docs/vmx.md)
#   mov_to_cr8         no exit with the TPR shadow
#   wr_kernel_gs_base  no exit with the MSR bitmap
# Each runs its loop, doubling the count, until 2^30 TSC ticks pass and
# prints the mean ticks of one iteration: Bochs' ticks are instructions
# (docs/performance.md), so the figures repeat from run to run.  cpuid
# takes the longest: some 17 million exits, a few minutes of Bochs.
# kvm-unit-tests comes from scripts/kut.sh --fetch (KUT_MIRROR=/path/to/a
# clone where gitlab.com cannot be reached).  Exit status 0, 1 when a
# figure is missing, 3 (SKIP) when kvm-unit-tests cannot be downloaded.
set -u
cd "$(dirname "$0")/.."
out=build/bench-kut
tests="cpuid mov_to_cr8 wr_kernel_gs_base"
mkdir -p "$out"
scripts/kut.sh --fetch >"$out/fetch.txt" 2>&1
case $? in
0) ;;
3) echo "bench-kut: SKIP: kvm-unit-tests could not be downloaded (KUT_MIRROR=/path/to/a/clone): $(tail -1 "$out/fetch.txt")"; exit 3 ;;
*) echo "bench-kut: scripts/kut.sh --fetch failed: $(tail -1 "$out/fetch.txt")" >&2; exit 1 ;;
esac
kut=${KUT_DIR:-build/kvm-unit-tests}
# The front end keeps slotvisor's console (its exit histogram) in $out/vmexit/console.txt.
KUT_LOGS=$PWD/$out TESTNAME=vmexit RUN_TIMEOUT=1800 \
	scripts/qemu-system-x86_64 -nodefaults -display none -serial stdio \
	-device isa-debug-exit,iobase=0xf4,iosize=0x4 -smp 1 -m 256 \
	-kernel "$kut/x86/vmexit.flat" -append "$tests" </dev/null >"$out/vmexit.txt" 2>&1
echo "bench: Bochs 2.7, cpu model corei7_skylake_x, 1 vCPU, kvm-unit-tests $(git -C "$kut" rev-parse --short HEAD 2>/dev/null) vmexit.flat"
rc=0
# figure TEST GOAL: vmexit.flat's "TEST N" line as a bench figure.
figure() {
	local n
	n=$(tr -d '\r' <"$out/vmexit.txt" | sed -n "s/^$1 \([0-9][0-9]*\)\$/\1/p" | head -1)
	if [ -z "$n" ]; then
		echo "bench-kut: no \"$1\" figure in $out/vmexit.txt" >&2
		rc=1
		return
	fi
	echo "bench: kvm-unit-tests vmexit.flat $1 (its loop, mean per iteration): $n ticks ($2)"
}
figure cpuid "goal: at most 170; KVM 6.1 in the same model: 1066 for the round trip alone"
figure mov_to_cr8 "goal: no exit; KVM 6.1: 8"
figure wr_kernel_gs_base "goal: no exit; KVM 6.1: 10"
tr -d '\r' <"$out/vmexit/console.txt" |
	sed -n 's/^console: \([0-9]*\) exits on 1 vCPU(s): \(.*\)/bench: vmexit.flat exits: \1: \2/p'
exit $rc
