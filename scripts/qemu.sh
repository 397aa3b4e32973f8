#!/usr/bin/env bash
# Boot an ISO in QEMU.
#   scripts/qemu.sh ISO OUTDIR [--accel tcg|kvm|kvm-vmx] [--mem MiB] [--cpus N]
#                   [--timeout SECONDS] [--no-debug-exit] [--live] [--gdb] [--uefi]
# kvm uses /dev/kvm with -cpu host; kvm-vmx adds +vmx (nested VT-x, needs an
# Intel host with kvm_intel nested=1).  COM1 goes to OUTDIR/serial.txt (or
# the terminal with --live).  --gdb waits for GDB on localhost:1234.  With isa-debug-exit at 0xf4, QEMU's exit
# status is (slotvisor's status << 1) | 1; 124 means the timeout hit.
# --uefi boots through OVMF (UEFI firmware; package ovmf) on the q35 machine
# instead of SeaBIOS on pc: the firmware code read-only, its variable store
# a private copy in OUTDIR/OVMF_VARS.fd.  OVMF=DIR overrides /usr/share/OVMF.
set -u
iso=$1; out=$2; shift 2
accel=tcg; mem=512; cpus=1; limit=120; debug_exit=1; live=0; gdb=0; uefi=0
while [ $# -gt 0 ]; do
	case $1 in
	--accel) accel=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--timeout) limit=$2; shift 2 ;;
	--no-debug-exit) debug_exit=0; shift ;;
	--live) live=1; shift ;;
	--gdb) gdb=1; live=1; limit=0; shift ;;
	--uefi) uefi=1; shift ;;
	*) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
mkdir -p "$out"
if [ $uefi = 1 ]; then
	ovmf=${OVMF:-/usr/share/OVMF}
	for f in OVMF_CODE_4M.fd OVMF_VARS_4M.fd; do
		[ -f "$ovmf/$f" ] || { echo "qemu.sh: --uefi needs $ovmf/$f (install ovmf: scripts/deps.sh)" >&2; exit 2; }
	done
	cp "$ovmf/OVMF_VARS_4M.fd" "$out/OVMF_VARS.fd"	# fresh each run: no boot entries left over
	args=(-nodefaults -machine q35 -m "$mem" -smp "$cpus" -cdrom "$iso"
	      -drive "if=pflash,format=raw,unit=0,readonly=on,file=$ovmf/OVMF_CODE_4M.fd"
	      -drive "if=pflash,format=raw,unit=1,file=$out/OVMF_VARS.fd"
	      -display none -no-reboot -vga none)
else
	args=(-nodefaults -machine pc -m "$mem" -smp "$cpus" -cdrom "$iso" -boot d
	      -display none -no-reboot -vga none)
fi
case $accel in
tcg) args+=(-accel tcg) ;;	# default CPU: no 1 GiB pages, so the 2 MiB direct map is tested
kvm) args+=(-accel kvm -cpu host) ;;
kvm-vmx) args+=(-accel kvm -cpu host,+vmx) ;;
*) echo "qemu.sh: unknown accelerator $accel" >&2; exit 2 ;;
esac
[ $debug_exit = 1 ] && args+=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
[ $gdb = 1 ] && args+=(-s -S)
if [ $live = 1 ]; then
	exec timeout --foreground "$limit" qemu-system-x86_64 "${args[@]}" -serial stdio
fi
rm -f "$out/serial.txt"
timeout "$limit" qemu-system-x86_64 "${args[@]}" -serial "file:$out/serial.txt" \
	>"$out/qemu.out" 2>&1
