#!/usr/bin/env bash
# Install the Debian packages slotvisor needs to build, run and test.
# Idempotent: installs only what is missing.  Needs root (or sudo) for apt-get.
set -eu

# libc6-dev and linux-libc-dev: the host unit tests (stdio.h, <linux/kvm.h>);
# gcc only recommends them.  python3: the monitor's boot test drives COM1
# through a pty (tests/monitor-session.py).  e2fsprogs: mke2fs -d and
# debugfs make the Linux guest's disk (scripts/mkdisk.sh).  grub-pc-bin and
# grub-efi-amd64-bin: the ISO boots under both legacy BIOS and UEFI
# (scripts/mkiso.sh refuses to build it without either); ovmf: QEMU's UEFI
# firmware, for the UEFI boot tests (scripts/qemu.sh --uefi).  git:
# scripts/kut.sh clones kvm-unit-tests (whose build needs only gcc, binutils
# and make).  libcapstone-dev: the emulator decoder's oracle in the host tests
# (tests/unit/test_emulate_oracle.c).  clang and libclang-rt-14-dev: the fuzz
# harnesses (make fuzz, tests/fuzz/); clang-14 only recommends
# libclang-rt-14-dev, which ships libFuzzer (libclang_rt.fuzzer-x86_64.a) and
# the sanitizer runtimes.
PKGS=(gcc binutils make libc6-dev linux-libc-dev grub-pc-bin grub-efi-amd64-bin ovmf grub-common xorriso mtools
      bochs bochsbios vgabios qemu-system-x86 libcmocka-dev libcapstone-dev cpio python3 e2fsprogs git
      clang libclang-rt-14-dev)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO=sudo
else
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run as root:  apt-get install -y ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
