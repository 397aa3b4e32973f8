#!/usr/bin/env bash
# A Linux guest from Debian's own packages: the kernel of
# linux-image-cloud-amd64 (Debian's kernel for virtual machines: the same
# source as linux-image-amd64, fewer drivers, so it boots sooner) and an
# initramfs built here from busybox-static, guests/linux/debug-exit.c (ends
# the VM through isa-debug-exit: this kernel has no /dev/port),
# guests/linux/smp-work.c (a worker pinned to each CPU),
# guests/linux/mem-fill.c (fills and checks memory), the virtio modules of
# the same kernel package, scripts/linux-init/virtio-check (the checks of
# the virtio devices, as /bin/virtio-check, and its optional virtio-mem
# part, /bin/virtio-mem-check) and an init script.
#   scripts/linux-guest.sh OUTDIR [INIT [DISK]]
# leaves OUTDIR/vmlinuz and OUTDIR/initrd.gz; INIT (default
# scripts/linux-init/shell) becomes /init.  DISK, an image made by
# scripts/mkdisk.sh: its checksum list DISK.sha256 becomes /etc/disk.sha256
# and its size in bytes /etc/disk.bytes, what virtio-check expects of the
# virtio-blk disk.  The virtio modules (virtio_mmio, virtio_blk,
# virtio_rng, virtio_mem and what their .modinfo says they depend on) go
# to /lib/modules/VERSION/kernel/..., with a modules.dep (busybox
# modprobe) and virtio.order: their paths there, dependencies first, for
# insmod.  The .deb files are downloaded once with apt-get into
# build/linux/debs/ (scripts/linux-debs.sh; scripts/deps.sh installs cpio),
# under a lock, so that runs side by side (make test) share them.
# Exit status 3: the packages could not be downloaded (no network, no apt
# sources); 1: anything else.
set -eu
out=$1
init=${2:-scripts/linux-init/shell}
disk=${3:-}
[ -z "$disk" ] || [ -f "$disk.sha256" ] ||
	{ echo "linux-guest: $disk.sha256 missing (make the disk with scripts/mkdisk.sh)" >&2; exit 1; }
mkdir -p "$out"

. scripts/linux-debs.sh
linux_debs || exit $?
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*'
cp "$tmp"/boot/vmlinuz-* "$out/vmlinuz"
echo "$kpkg" >"$out/kernel-package"

root=$tmp/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,mnt}
dpkg-deb --fsys-tarfile "$bdeb" | tar -x -C "$tmp" ./bin/busybox
cp "$tmp/bin/busybox" "$root/bin/busybox"
for applet in sh mount cat grep echo ls poweroff dd printf sleep uname head nproc wc \
	insmod modprobe lsmod sha256sum umount sync blockdev stat cmp sed cut tr mkdir rm \
	awk xxd od sort find dmesg tail test [ free true false seq basename cp \
	readlink dirname timeout mkfifo; do
	ln -s busybox "$root/bin/$applet"
done
for prog in debug-exit smp-work mem-fill; do
	gcc -static -nostdlib -O2 -fno-pic -no-pie -fno-stack-protector -Wall -Wextra -Werror \
		-o "$root/bin/$prog" "guests/linux/$prog.c"
done
cp "$init" "$root/init"
cp scripts/linux-init/virtio-check scripts/linux-init/virtio-mem-check "$root/bin/"
chmod +x "$root/init" "$root/bin/virtio-check" "$root/bin/virtio-mem-check"
if [ -n "$disk" ]; then
	mkdir -p "$root/etc"
	cp "$disk.sha256" "$root/etc/disk.sha256"
	stat -c %s "$disk" >"$root/etc/disk.bytes"
fi

# The virtio modules and their dependencies, from the kernel's own package
# (Debian's modules are not compressed; the .deb has no modules.dep:
# depmod makes it at install time, so the dependencies come from each
# module's .modinfo).
kver=${kpkg#linux-image-}
mods=lib/modules/$kver
kos=$(dpkg-deb --fsys-tarfile "$kdeb" | tar -t | sed -n "s|^\./\($mods/kernel/.*\.ko\)$|\1|p")
declare -A ko_path ko_deps ko_done
for p in $kos; do
	n=$(basename "$p" .ko)
	ko_path[${n//-/_}]=$p
done
want=(virtio_ring virtio virtio_mmio virtio_blk virtio_rng virtio_mem)
order=()
extract_modules() {	# extract_modules NAME...: into $root, with their dependencies
	local n d missing=()
	for n in "$@"; do
		[ -n "${ko_path[$n]:-}" ] || { echo "linux-guest: $kpkg has no module $n" >&2; exit 1; }
		[ -f "$root/${ko_path[$n]}" ] || missing+=("./${ko_path[$n]}")
	done
	[ ${#missing[@]} -eq 0 ] || dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$root" "${missing[@]}"
	for n in "$@"; do
		[ -z "${ko_deps[$n]+set}" ] || continue
		objcopy -O binary --only-section=.modinfo "$root/${ko_path[$n]}" "$tmp/modinfo"
		ko_deps[$n]=$(tr '\0' '\n' <"$tmp/modinfo" | sed -n 's/^depends=//p' | tr ',' ' ')
		for d in ${ko_deps[$n]}; do
			[ -n "${ko_deps[$d]+set}" ] || extract_modules "$d"
		done
	done
}
visit() {	# visit NAME: NAME after its dependencies in $order
	local d
	[ -z "${ko_done[$1]:-}" ] || return 0
	ko_done[$1]=1
	for d in ${ko_deps[$1]}; do visit "$d"; done
	order+=("$1")
}
extract_modules "${want[@]}"
for n in "${want[@]}"; do visit "$n"; done
: >"$root/$mods/modules.dep"
: >"$root/$mods/virtio.order"
closure() {	# closure NAME: sets in_closure[D] for every module NAME needs, directly or not
	local d
	for d in ${ko_deps[$1]}; do
		[ -n "${in_closure[$d]:-}" ] || { in_closure[$d]=1; closure "$d"; }
	done
}
for n in "${order[@]}"; do
	# modules.dep, as depmod writes it: every module NAME needs, the one
	# to load first last.
	declare -A in_closure=()
	closure "$n"
	line="${ko_path[$n]#$mods/}:"
	for ((i = ${#order[@]} - 1; i >= 0; i--)); do
		d=${order[i]}
		[ -z "${in_closure[$d]:-}" ] || line+=" ${ko_path[$d]#$mods/}"
	done
	unset in_closure
	echo "$line" >>"$root/$mods/modules.dep"
	echo "${ko_path[$n]#$mods/}" >>"$root/$mods/virtio.order"
done
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -9 >"$out/initrd.gz"
echo "linux-guest: $out/vmlinuz ($kpkg), $out/initrd.gz (busybox, ${#order[@]} virtio modules${disk:+, the checksums of $disk}, /init from $init)"
