#!/usr/bin/env bash
# make run: boot slotvisor with its console live on this terminal.
#   scripts/run.sh ISO
#   KERNEL=FILE [INITRD=FILE] [ENVFILE=FILE] [MODULES="FILE..."] [APPEND="ARGS"] [MEM=SIZE]
#     [CPUS=N] [CPUID=FLAGS] [DISK=FILE] [HOTPLUG=SIZE [HOTPLUG_REQUEST=SIZE]] scripts/run.sh
# UEFI=1 boots the ISO through OVMF (UEFI) instead of the legacy BIOS; QEMU
# only (EMU=qemu-tcg or qemu-kvm): Bochs here has only its legacy BIOS.
# With KERNEL (a Linux bzImage or a multiboot v1 kernel such as a
# kvm-unit-tests .flat), slotvisor boots that guest instead of its demo:
# an ISO is built that carries the files as multiboot2 modules, the guest's
# COM1 is the console, and this script exits with the guest's status as
# QEMU would (isa-debug-exit: (value << 1) | 1; printed whole, the exit
# status its low 8 bits).  MEM is the guest's RAM
# (MiB, or with an M or G suffix; default 256M).  CPUS is the guest's
# vCPUs (default 1, at most 8): one shares CPU 0 with the console; more
# run each on an emulated CPU of its own, so the emulator gets CPUS + 1
# (docs/smp.md).  Without KERNEL, CPUS is the emulated CPUs for the demo
# and slotvisor's own SMP work.  CPUID is the guest's CPUID flags against
# slotvisor's default, as QEMU's -cpu flags: +FLAG shows, -FLAG hides,
# comma-separated, FLAG x2apic, pcid or invpcid (slotvisor.cpuid=, which
# refuses anything else by name; docs/guests.md "What a guest gets").
# ENVFILE and MODULES are a multiboot
# kernel's modules, ENVFILE first: kvm-unit-tests reads its environment
# (KEY=VALUE lines, e.g. NR_CPUS=1 MEMSIZE=256 TEST_DEVICE=0) from module
# 0, what QEMU's -initrd gives it.  (Not ENV: POSIX shells read that one.)
# DISK is a raw disk image (a multiple of 512 bytes) that a Linux guest
# sees as a virtio-blk disk, /dev/vda (docs/devices.md): carried as a
# module and kept in memory, so the guest reads and writes it, but its
# writes are lost when slotvisor stops; the file itself never changes.
# HOTPLUG gives a Linux guest a virtio-mem region of that size (a
# multiple of 128M) for memory hot-plug; HOTPLUG_REQUEST is how much of it
# the guest is asked to plug at boot (default 0), and the monitor's
# `hotplug SIZE` asks for more or less while it runs (docs/devices.md).
# Picks QEMU with KVM and nested VT-x when this host offers them (an Intel
# CPU, /dev/kvm usable, kvm_intel nested=Y), else Bochs, which emulates
# VT-x with EPT everywhere.  EMU=bochs|qemu-kvm|qemu-tcg forces a choice
# (qemu-tcg has no VT-x: it shows the "VT-x not available" path).
# RUN_TIMEOUT bounds the run in seconds (default 600; 3600 on a terminal;
# scripts/qemu-system-x86_64 leaves it to its caller's timeout); the
# script then exits 124.  A guest's status is believed only from the
# hypervisor's line with this run's token (console/guest_boot.c); without
# one the script exits 124 (timed out) or 125, never a guest's 1 ("passed").
# CPU_MODEL is Bochs' CPU model (default corei7_skylake_x, which has every
# VT-x feature slotvisor uses; docs/running.md has the table of the others).
# In Bochs, when this runs on a terminal, COM1 is that terminal both ways:
# the interactive console after the demo (docs/monitor.md) reads from it.
set -u
iso=${1:-build/slotvisor.iso}
out=${RUN_OUT:-build/run}
limit=${RUN_TIMEOUT:-600}
cpus=${CPUS:-1}
megs=512
model=${CPU_MODEL:-corei7_skylake_x}

# MEM as MiB: 256, 256M, 1G.
mem_mib() {
	case $1 in
	*[Gg]) echo $(( ${1%[Gg]} * 1024 )) ;;
	*[Mm]) echo "${1%[Mm]}" ;;
	*) echo "$1" ;;
	esac
}

if [ -n "${KERNEL:-}" ]; then
	for f in "$KERNEL" ${INITRD:+"$INITRD"} ${ENVFILE:+"$ENVFILE"} ${MODULES:-} ${DISK:+"$DISK"}; do
		[ -r "$f" ] || { echo "run: cannot read $f" >&2; exit 2; }
	done
	mib=$(mem_mib "${MEM:-256M}")
	case $mib in ''|*[!0-9]*) echo "run: MEM=$MEM is not a size (256, 512M, 1G)" >&2; exit 2 ;; esac
	# Bochs' own RAM: room for an aligned block of the guest's size beside
	# slotvisor (one memslot, the largest EPT leaves; without one, guest RAM
	# is backed in pieces, docs/guests.md); at most 2048 MiB (docs/bochs.md).
	disk_mib=0
	if [ -n "${DISK:-}" ]; then
		bytes=$(stat -L -c %s "$DISK")
		if [ "$bytes" -eq 0 ] || [ $(( bytes % 512 )) -ne 0 ]; then
			echo "run: DISK=$DISK is $bytes bytes: a disk image is a non-zero multiple of 512 bytes" >&2
			exit 2
		fi
		disk_mib=$(( (bytes + (1 << 20) - 1) >> 20 ))
		echo "run: DISK=$DISK is the guest's /dev/vda; its writes stay in memory and are not saved to the file"
	fi
	hotplug_mib=0
	if [ -n "${HOTPLUG:-}" ]; then
		hotplug_mib=$(mem_mib "$HOTPLUG")
		case $hotplug_mib in ''|*[!0-9]*) echo "run: HOTPLUG=$HOTPLUG is not a size (128M, 1G)" >&2; exit 2 ;; esac
		if [ "$hotplug_mib" -eq 0 ] || [ $(( hotplug_mib % 128 )) -ne 0 ]; then
			echo "run: HOTPLUG=$HOTPLUG: a hot-plug region is a non-zero multiple of 128M" >&2
			exit 2
		fi
		hotplug_args="slotvisor.hotplug=${hotplug_mib}M"
		if [ -n "${HOTPLUG_REQUEST:-}" ]; then
			req=$(mem_mib "$HOTPLUG_REQUEST")
			case $req in ''|*[!0-9]*) echo "run: HOTPLUG_REQUEST=$HOTPLUG_REQUEST is not a size" >&2; exit 2 ;; esac
			hotplug_args="$hotplug_args slotvisor.hotplug_request=${req}M"
		fi
	elif [ -n "${HOTPLUG_REQUEST:-}" ]; then
		echo "run: HOTPLUG_REQUEST needs HOTPLUG (the region's size)" >&2
		exit 2
	fi
	megs=$(( 2 * mib + 128 + disk_mib + 2 * hotplug_mib ))
	megs=$(( megs < 512 ? 512 : megs > 2048 ? 2048 : megs ))
	case $cpus in ''|*[!0-9]*|0) echo "run: CPUS=$cpus is not a number of vCPUs (1-8)" >&2; exit 2 ;; esac
	[ "$cpus" -le 8 ] || { echo "run: CPUS=$cpus: slotvisor gives a guest at most 8 vCPUs" >&2; exit 2; }
	vcpus=$cpus
	[ "$vcpus" -gt 1 ] && cpus=$(( vcpus + 1 ))
	iso=$out/guest.iso
	mods=(--module "$KERNEL" "kernel $(basename "$KERNEL") ${APPEND:-}")
	[ -n "${INITRD:-}" ] && mods+=(--module "$INITRD" "initrd")
	[ -n "${DISK:-}" ] && mods+=(--module "$DISK" "disk $(basename "$DISK")")
	for f in ${ENVFILE:+"$ENVFILE"} ${MODULES:-}; do
		mods+=(--module "$f" "module $(basename "$f")")
	done
	# The guest's COM1 shares the console, so it can print "slotvisor: guest
	# exit status N" itself; the status is believed only from the line that
	# carries this boot's token, which only the hypervisor knows (its own
	# command line, which no guest can read; console/guest_boot.c).
	# A caller that reads the console itself (scripts/qemu-system-x86_64)
	# passes its own token in STATUS_TOKEN.
	token=${STATUS_TOKEN:-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')}
	if ! [[ $token =~ ^[0-9a-f]{8,32}$ ]]; then
		echo "run: STATUS_TOKEN=$token: want 8 to 32 lowercase hex digits (slotvisor.status_token takes at most 32)" >&2
		exit 2
	fi
	case ${CPUID:-} in *[[:space:]]*) echo "run: CPUID=$CPUID: flags are comma-separated, no blanks" >&2; exit 2 ;; esac
	scripts/mkiso.sh "$iso" "slotvisor.guest_mem=$mib slotvisor.cpus=$vcpus slotvisor.status_token=$token ${hotplug_args:-} ${CPUID:+slotvisor.cpuid=$CPUID}" "${mods[@]}" || exit 2
fi

nested_vmx() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qw vmx /proc/cpuinfo &&
		grep -qi '^[y1]' /sys/module/kvm_intel/parameters/nested 2>/dev/null
}

emu=${EMU:-}
if [ -z "$emu" ]; then
	if nested_vmx; then emu=qemu-kvm; else emu=bochs; fi
fi
if [ -n "${CPU_MODEL:-}" ] && [ "$emu" != bochs ]; then
	echo "run: CPU_MODEL=$CPU_MODEL is a Bochs CPU model; EMU=$emu cannot use it" >&2
	exit 2
fi
uefi=()
if [ "${UEFI:-0}" = 1 ]; then
	case $emu in
	qemu-*) uefi=(--uefi) ;;
	*) echo "run: UEFI=1 needs QEMU (EMU=qemu-tcg, or qemu-kvm on an Intel host with nested VT-x); $emu boots with a legacy BIOS only" >&2; exit 2 ;;
	esac
fi
echo "run: booting $iso in $emu${uefi:+ under UEFI (OVMF)} (console below; logs in $out/)"
case $emu in
bochs)
	echo "run: Bochs emulates $cpus CPU(s) of model $model and $megs MiB of RAM"
	if [ -t 0 ] && term=$(tty); then
		echo "run: COM1 is this terminal; after the demo, type to the guest;" \
			"Ctrl-A c: the monitor, Ctrl-A x: power off (docs/monitor.md)"
		limit=${RUN_TIMEOUT:-3600}
		saved=$(stty -g)
		scripts/bochs.sh "$iso" "$out" --serial-tty "$term" --live --timeout $limit \
			--cpus "$cpus" --megs "$megs" --model "$model"
		rc=$?
		stty "$saved" 2>/dev/null	# Bochs leaves the terminal raw when the timeout kills it
		( exit $rc )
	else
		scripts/bochs.sh "$iso" "$out" --live --timeout $limit --cpus "$cpus" --megs "$megs" \
			--model "$model"
	fi ;;
qemu-kvm)
	scripts/qemu.sh "$iso" "$out" --accel kvm-vmx --mem $(( megs > 1024 ? megs : 1024 )) \
		--cpus "$cpus" --live --timeout $limit "${uefi[@]}" ;;
qemu-tcg)
	scripts/qemu.sh "$iso" "$out" --accel tcg --mem 1024 --live --timeout $limit "${uefi[@]}" ;;
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

# A guest's status, as QEMU would have reported it (console/guest_boot.c prints it).
if [ -n "${KERNEL:-}" ]; then
	status=$(cat "$out/serial.txt" "$out/bochs.out" "$out/qemu.out" 2>/dev/null | tr -d '\r' |
		sed -n "s/^slotvisor: status $token: guest exit status \([0-9]*\)\$/\1/p" | tail -1)
	if [ -n "$status" ]; then
		# A 32-bit isa-debug-exit value makes up to 33 bits; a process
		# status holds 8: the low ones (still odd, as QEMU's always are).
		echo "run: the guest's exit status: $status"
		exit $(( status % 256 ))
	fi
	# Not 1, which is a guest's "passed" (isa-debug-exit 0).
	echo "run: the guest reported no exit status" >&2
	[ "$rc" = 124 ] && exit 124
	exit 125
fi
