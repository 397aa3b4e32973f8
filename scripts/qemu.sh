#!/usr/bin/env bash
# Boot an ISO in QEMU.
#   scripts/qemu.sh ISO OUTDIR [--accel tcg|kvm|kvm-vmx] [--mem MiB] [--cpus N]
#                   [--timeout SECONDS] [--no-debug-exit] [--live] [--gdb]
#                   [--serial2 FILE] [--acpitable FILE]
#                   [--screendump FILE.ppm] [--keys-after TEXT "KEY KEY..."] [--uefi]
#                   [--as-disk] [--machine pc|q35]
# kvm uses /dev/kvm with -cpu host; kvm-vmx adds +vmx (nested VT-x, needs an
# Intel host with kvm_intel nested=1).  COM1 goes to OUTDIR/serial.txt (or
# the terminal with --live).  --serial2 FILE gives the machine a COM2 (0x2f8)
# writing to FILE; --acpitable FILE adds FILE (a whole ACPI table, header
# included) to QEMU's tables, as an SPCR from tests/mkspcr.py.
# --gdb waits for GDB on localhost:1234.  With isa-debug-exit at 0xf4, QEMU's exit
# status is (slotvisor's status << 1) | 1; 124 means the timeout hit.
# --screendump gives the machine a standard VGA card (GRUB sets a graphics
# mode on it and slotvisor draws its console there), leaves out
# isa-debug-exit so that power-off is ACPI's, keeps QEMU with the stopped
# guest (-no-shutdown) and writes its screen to FILE.ppm through the
# monitor (OUTDIR/monitor.sock); the status is then 0, or 124 if the guest
# still ran at the timeout (the screen is dumped anyway).
# --uefi boots through UEFI firmware (OVMF, from Debian's ovmf package:
# its code read-only, a private copy of its variable store in OUTDIR)
# instead of SeaBIOS's legacy BIOS; the ISO carries both boot paths.
# --as-disk attaches a copy of the ISO as a raw hard disk instead of a CD,
# as a USB stick written with dd is (grub-mkrescue's ISO is hybrid: an MBR
# and an EFI system partition besides the ISO 9660 volume).
# --machine picks QEMU's machine type (default pc; q35 takes up to 255 CPUs).
# --keys-after types KEYs (QEMU's sendkey names: shift-a, ctrl-a, spc, ret)
# on the PS/2 keyboard once the serial log holds TEXT.
set -u
iso=$1; out=$2; shift 2
accel=tcg; mem=512; cpus=1; limit=120; debug_exit=1; live=0; gdb=0
serial2=
acpitables=()
screendump=; keys_after=; keys=
uefi=0; as_disk=0; machine=pc
while [ $# -gt 0 ]; do
	case $1 in
	--accel) accel=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--timeout) limit=$2; shift 2 ;;
	--no-debug-exit) debug_exit=0; shift ;;
	--live) live=1; shift ;;
	--gdb) gdb=1; live=1; limit=0; shift ;;
	--serial2) serial2=$2; shift 2 ;;
	--acpitable) acpitables+=(-acpitable "file=$2"); shift 2 ;;
	--screendump) screendump=$2; debug_exit=0; shift 2 ;;
	--uefi) uefi=1; shift ;;
	--as-disk) as_disk=1; shift ;;
	--machine) machine=$2; shift 2 ;;
	--keys-after) keys_after=$2; keys=$3; shift 3 ;;
	*) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
mkdir -p "$out"
media=(-cdrom "$iso" -boot d)
if [ $as_disk = 1 ]; then
	# A copy: the firmware or GRUB may write to a disk, never to the ISO.
	cp "$iso" "$out/disk.img"
	media=(-drive "file=$out/disk.img,format=raw,if=ide" -boot c)
fi
args=(-nodefaults -machine "$machine" -m "$mem" -smp "$cpus" "${media[@]}"
      -display none -no-reboot -vga none)
case $accel in
tcg) args+=(-accel tcg) ;;	# default CPU: no 1 GiB pages, so the 2 MiB direct map is tested
kvm) args+=(-accel kvm -cpu host) ;;
kvm-vmx) args+=(-accel kvm -cpu host,+vmx) ;;
*) echo "qemu.sh: unknown accelerator $accel" >&2; exit 2 ;;
esac
[ $debug_exit = 1 ] && args+=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
[ $gdb = 1 ] && args+=(-s -S)
args+=("${acpitables[@]}")
if [ $uefi = 1 ]; then
	ovmf=/usr/share/OVMF
	[ -r $ovmf/OVMF_CODE_4M.fd ] || { echo "qemu.sh: no $ovmf/OVMF_CODE_4M.fd: install ovmf (scripts/deps.sh)" >&2; exit 2; }
	cp $ovmf/OVMF_VARS_4M.fd "$out/ovmf-vars.fd"
	args+=(-drive "if=pflash,format=raw,readonly=on,file=$ovmf/OVMF_CODE_4M.fd"
	       -drive "if=pflash,format=raw,file=$out/ovmf-vars.fd")
fi
# COM2 is the second -serial, so it comes after COM1's in both branches below.
com2=()
[ -n "$serial2" ] && rm -f "$serial2" && com2=(-serial "file:$serial2")
if [ $live = 1 ]; then
	exec timeout --foreground "$limit" qemu-system-x86_64 "${args[@]}" -serial stdio "${com2[@]}"
fi
rm -f "$out/serial.txt"
if [ -n "$screendump" ]; then
	sock=$out/monitor.sock
	rm -f "$sock" "$screendump"
	args+=(-vga std -no-shutdown -monitor "unix:$sock,server=on,wait=off")
	timeout "$limit" qemu-system-x86_64 "${args[@]}" -serial "file:$out/serial.txt" \
		"${com2[@]}" >"$out/qemu.out" 2>&1 &
	qemu=$!
	scripts/qemu-monitor.py "$sock" "$limit" "screendump $screendump" quit \
		>"$out/monitor.out" 2>&1
	rc=$?
	wait "$qemu"
	[ -s "$screendump" ] || rc=1
	exit "$rc"
fi
if [ -n "$keys_after" ]; then
	sock=$out/monitor.sock
	rm -f "$sock"
	timeout "$limit" qemu-system-x86_64 "${args[@]}" -serial "file:$out/serial.txt" \
		"${com2[@]}" -monitor "unix:$sock,server=on,wait=off" >"$out/qemu.out" 2>&1 &
	qemu=$!
	read -r -a key_list <<<"$keys"
	scripts/qemu-monitor.py --when-serial "$out/serial.txt" "$keys_after" "$sock" "$limit" \
		"${key_list[@]/#/sendkey }" >"$out/monitor.out" 2>&1
	wait "$qemu"
	exit $?
fi
timeout "$limit" qemu-system-x86_64 "${args[@]}" -serial "file:$out/serial.txt" \
	"${com2[@]}" >"$out/qemu.out" 2>&1
