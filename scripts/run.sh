#!/usr/bin/env bash
# make run: boot slotvisor with its console live on this terminal.
#   scripts/run.sh ISO
# Picks QEMU with KVM and nested VT-x when this host offers them (an Intel
# CPU, /dev/kvm usable, kvm_intel nested=Y), else Bochs, which emulates
# VT-x with EPT everywhere.  EMU=bochs|qemu-kvm|qemu-tcg forces a choice
# (qemu-tcg has no VT-x: it shows the "VT-x not available" path).
# In Bochs, when this runs on a terminal, COM1 is that terminal both ways:
# the interactive console after the demo (docs/monitor.md) reads from it.
set -u
iso=${1:-build/slotvisor.iso}
out=build/run
limit=600

nested_vmx() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qw vmx /proc/cpuinfo &&
		grep -qi '^[y1]' /sys/module/kvm_intel/parameters/nested 2>/dev/null
}

emu=${EMU:-}
if [ -z "$emu" ]; then
	if nested_vmx; then emu=qemu-kvm; else emu=bochs; fi
fi
echo "run: booting $iso in $emu (console below; logs in $out/)"
case $emu in
bochs)
	echo "run: Bochs emulates a Skylake-X with VT-x, EPT and 512 MiB of RAM"
	if [ -t 0 ] && term=$(tty); then
		echo "run: COM1 is this terminal; after the demo, type to the guest;" \
			"Ctrl-A c: the monitor, Ctrl-A x: power off (docs/monitor.md)"
		limit=3600
		saved=$(stty -g)
		scripts/bochs.sh "$iso" "$out" --serial-tty "$term" --live --timeout $limit
		rc=$?
		stty "$saved" 2>/dev/null	# Bochs leaves the terminal raw when the timeout kills it
		( exit $rc )
	else
		scripts/bochs.sh "$iso" "$out" --live --timeout $limit
	fi ;;
qemu-kvm)
	scripts/qemu.sh "$iso" "$out" --accel kvm-vmx --mem 1024 --live --timeout $limit ;;
qemu-tcg)
	scripts/qemu.sh "$iso" "$out" --accel tcg --mem 1024 --live --timeout $limit ;;
*)
	echo "run: unknown EMU=$emu (bochs, qemu-kvm or qemu-tcg)" >&2; exit 2 ;;
esac
rc=$?
case $emu:$rc in
bochs:1|qemu-*:1) echo "run: slotvisor powered off" ;;
qemu-*:5) echo "run: slotvisor stopped: no VT-x on this virtual CPU" ;;
*:124) echo "run: timed out after $limit s" ;;
*) echo "run: emulator exited with status $rc" ;;
esac
