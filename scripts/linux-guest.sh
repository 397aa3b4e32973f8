#!/usr/bin/env bash
# A Linux guest from Debian's own packages: the kernel of
# linux-image-cloud-amd64 (Debian's kernel for virtual machines: the same
# source as linux-image-amd64, fewer drivers, so it boots sooner) and an
# initramfs built here from busybox-static, guests/linux/debug-exit.c (ends
# the VM through isa-debug-exit: this kernel has no /dev/port),
# guests/linux/smp-work.c (a worker pinned to each CPU) and an init script.
#   scripts/linux-guest.sh OUTDIR [INIT]
# leaves OUTDIR/vmlinuz and OUTDIR/initrd.gz; INIT (default
# scripts/linux-init/shell) becomes /init.  The .deb files are downloaded
# once with apt-get into build/linux/debs/ (scripts/deps.sh installs cpio),
# under a lock, so that runs side by side (make test) share them.
# Exit status 3: the packages could not be downloaded (no network, no apt
# sources); 1: anything else.
set -eu
out=$1
init=${2:-scripts/linux-init/shell}
debs=build/linux/debs
mkdir -p "$out" "$debs"

# The versioned package the metapackage points at, e.g. linux-image-6.1.0-56-cloud-amd64.
kpkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1)
[ -n "$kpkg" ] || { echo "linux-guest: apt knows no linux-image-cloud-amd64 (apt-get update?)" >&2; exit 3; }

fetch() {	# fetch PACKAGE: its .deb in $debs, downloaded once (caller holds the lock)
	local deb part
	deb=$(ls "$debs/$1"_*.deb 2>/dev/null | head -1)
	if [ -z "$deb" ]; then
		# Into a scratch directory first: a .deb in $debs is always whole.
		part=$(mktemp -d "$debs/.part.XXXXXX")
		(cd "$part" && apt-get download -q "$1" >/dev/null 2>&1) ||
			{ rm -rf "$part"; echo "linux-guest: apt-get download $1 failed" >&2; return 3; }
		mv "$part"/*.deb "$debs/" && rmdir "$part"
		deb=$(ls "$debs/$1"_*.deb | head -1)
	fi
	echo "$deb"
}

exec 9>"$debs/.lock"
flock 9
kdeb=$(fetch "$kpkg") || exit $?
bdeb=$(fetch busybox-static) || exit $?
flock -u 9
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*'
cp "$tmp"/boot/vmlinuz-* "$out/vmlinuz"
echo "$kpkg" >"$out/kernel-package"

root=$tmp/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp}
dpkg-deb --fsys-tarfile "$bdeb" | tar -x -C "$tmp" ./bin/busybox
cp "$tmp/bin/busybox" "$root/bin/busybox"
for applet in sh mount cat grep echo ls poweroff dd printf sleep uname head nproc wc; do
	ln -s busybox "$root/bin/$applet"
done
for prog in debug-exit smp-work; do
	gcc -static -nostdlib -O2 -fno-pic -no-pie -fno-stack-protector -Wall -Wextra -Werror \
		-o "$root/bin/$prog" "guests/linux/$prog.c"
done
cp "$init" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -9 >"$out/initrd.gz"
echo "linux-guest: $out/vmlinuz ($kpkg), $out/initrd.gz (busybox, /init from $init)"
