#!/usr/bin/env bash
# Build a bootable GRUB ISO around the slotvisor ELF: one image that boots
# under legacy BIOS (GRUB i386-pc, El Torito and the MBR of the hybrid image)
# and under UEFI (GRUB x86_64-efi, the EFI El Torito entry and the GPT/EFI
# system partition).  Both platforms' GRUB modules must be installed
# (grub-pc-bin, grub-efi-amd64-bin: scripts/deps.sh).
#   scripts/mkiso.sh OUT.iso "KERNEL COMMAND LINE" [--test-module] [--module FILE ARGS]...
# --test-module adds the small module the boot.module test looks for.
# ELF=path overrides build/slotvisor.elf.  MULTIBOOT=1 boots ELF with
# multiboot v1 instead (GRUB's multiboot and module commands): a
# kvm-unit-tests .flat in bare Bochs, with no hypervisor
# (scripts/qemu-system-x86_64's KUT_BARE=1).  LINUX=1 boots ELF as a Linux
# bzImage (GRUB's linux command) and the one --module as its initrd: the
# same kernel in bare Bochs, for make bench's boot-time ratio
# (scripts/bench-linux.sh).
set -eu
out=$1; cmdline=${2:-}; shift 2 || shift $#
elf=${ELF:-build/slotvisor.elf}
boot_cmd=multiboot2 module_cmd=module2
[ "${MULTIBOOT:-0}" = 1 ] && boot_cmd=multiboot module_cmd=module
[ "${LINUX:-0}" = 1 ] && boot_cmd=linux module_cmd=initrd
[ -f "$elf" ] || { echo "mkiso: $elf not found; run make" >&2; exit 1; }
# grub-mkrescue quietly leaves out a platform whose modules are missing;
# an ISO that boots only one way must not be built by accident.
grub_lib=${GRUB_LIB:-/usr/lib/grub}
for plat in i386-pc:grub-pc-bin:BIOS x86_64-efi:grub-efi-amd64-bin:UEFI; do
	IFS=: read -r d pkg what <<<"$plat"
	if ! [ -f "$grub_lib/$d/moddep.lst" ]; then
		echo "mkiso: GRUB's $d modules are missing ($grub_lib/$d/moddep.lst): the ISO would not boot under $what; install $pkg (scripts/deps.sh)" >&2
		exit 1
	fi
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/slotvisor-iso.XXXXXX")
log=$(mktemp "${TMPDIR:-/tmp}/slotvisor-iso-log.XXXXXX")
trap 'rm -rf "$dir" "$log"' EXIT
mkdir -p "$dir/boot/grub"
cp "$elf" "$dir/boot/slotvisor.elf"
modules=""
n=0
while [ $# -gt 0 ]; do
	case $1 in
	--test-module)
		printf 'slotvisor test module\n' >"$dir/boot/test-module.txt"
		modules+="	$module_cmd /boot/test-module.txt slotvisor-test-module"$'\n'
		shift ;;
	--module)
		n=$((n + 1))
		cp "$2" "$dir/boot/module$n"
		if [ "$module_cmd" = initrd ]; then
			[ $n = 1 ] || { echo "mkiso: LINUX=1 takes one --module, the initrd" >&2; exit 2; }
			modules+="	initrd /boot/module$n"$'\n'
		else
			modules+="	$module_cmd /boot/module$n $3"$'\n'
		fi
		shift 3 ;;
	*) echo "mkiso: unknown option $1" >&2; exit 2 ;;
	esac
done

# The video drivers let GRUB set the graphics mode that slotvisor's optional
# framebuffer tag asks for: VBE under BIOS, GOP (or UGA) under UEFI.
# gfxpayload=auto picks a mode; where there is none (no VBE BIOS, as in
# Bochs' 'vga: extension=none'), GRUB stays in text mode and passes an EGA
# text framebuffer.  Not all_video: its 'vga' driver leaves a 16-colour
# planar mode no console can use, and its 'bochs' driver and GRUB's VBE
# path triple-fault in Bochs' VGABIOS-lgpl (docs/running.md).
cat >"$dir/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
if [ "\$grub_platform" = efi ]; then
	insmod efi_gop
	insmod efi_uga
else
	insmod vbe
fi
set gfxpayload=auto
menuentry "slotvisor" {
	$boot_cmd /boot/slotvisor.elf $cmdline
$modules	boot
}
CFG
mkdir -p "$(dirname "$out")"
if ! grub-mkrescue -o "$out" "$dir" >"$log" 2>&1; then
	cat "$log" >&2
	exit 1
fi
# Both El Torito boot images must be there (BIOS: i386-pc's eltorito.img,
# UEFI: the EFI system partition image).
report=$(xorriso -indev "$out" -report_el_torito plain 2>/dev/null)
for what in BIOS UEFI; do
	if ! grep -q "^El Torito boot img : .* $what " <<<"$report"; then
		echo "mkiso: $out has no $what El Torito boot image; grub-mkrescue said:" >&2
		cat "$log" >&2
		exit 1
	fi
done
