#!/usr/bin/env bash
# The disk of the Linux guest's virtio-blk checks: an ext4 image built
# without root (mke2fs -d) from files of the Debian packages the guest is
# made of (scripts/linux-debs.sh downloads them once): busybox-static's
# whole tree (the 1.9 MiB busybox binary, its documentation and examples)
# and the kernel package's NLS modules (kernel/fs/nls: about 50 files),
# about 3 MiB in 70-odd files in nested directories.
#   scripts/mkdisk.sh OUT.img [MIB]
# leaves OUT.img (MIB MiB, default 16) and OUT.img.sha256: the sha256 of
# every file, "HASH  ./PATH" as sha256sum prints, sorted by path; the
# guest's scripts/linux-init/virtio-check compares the mounted disk with
# it (scripts/linux-guest.sh OUTDIR INIT OUT.img puts it in the initramfs).
# The same packages give the same image byte for byte: fixed UUID, hash
# seed, timestamps and features (no mke2fs.conf), files added in a fixed
# order with the packages' own modification times.
# Exit status 3: the packages could not be downloaded; 1: anything else.
set -eu
img=$1
mib=${2:-16}
command -v mke2fs >/dev/null || PATH=$PATH:/sbin:/usr/sbin
command -v mke2fs >/dev/null || { echo "mkdisk: no mke2fs (scripts/deps.sh installs e2fsprogs)" >&2; exit 1; }

. scripts/linux-debs.sh
linux_debs || exit $?
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

src=$tmp/src
mkdir -p "$src"
dpkg-deb --fsys-tarfile "$bdeb" | tar -x -C "$src"
kver=${kpkg#linux-image-}
dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$src" --wildcards "./lib/modules/$kver/kernel/fs/nls/*"
(cd "$src" && find . -type f | LC_ALL=C sort | xargs sha256sum) >"$tmp/sha256"

mkdir -p "$(dirname "$img")"
rm -f "$img"
truncate -s "${mib}M" "$img"
# The host's /etc/mke2fs.conf does not decide the features.
cat >"$tmp/mke2fs.conf" <<'CONF'
[defaults]
	base_features = sparse_super,large_file,filetype,resize_inode,dir_index
	blocksize = 4096
	inode_size = 256
	inode_ratio = 8192
[fs_types]
	ext4 = {
		features = has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,dir_nlink,extra_isize
	}
	small = {
		inode_ratio = 8192
	}
CONF
uuid=736c6f74-7669-736f-722d-6469736b0001
when=1700000000
MKE2FS_CONFIG=$tmp/mke2fs.conf E2FSPROGS_FAKE_TIME=$when \
	mke2fs -q -F -t ext4 -L slotvisor -U "$uuid" -m 0 \
	-E "hash_seed=$uuid,root_owner=0:0,lazy_itable_init=0,lazy_journal_init=0" \
	-d "$src" "$img"
# mke2fs -d copies each file's owner, access and change times (this run's),
# and directories' modification times (those the extraction made): fixed
# here with debugfs.  Files keep the packages' modification times.
stamp=$(date -u -d "@$when" +%Y%m%d%H%M%S)
(cd "$src" && find . | LC_ALL=C sort) | while read -r f; do
	f=${f#.}
	f=${f:-/}
	for field in atime ctime atime_extra ctime_extra uid gid; do
		case $field in
		*time) v=$stamp ;;
		*) v=0 ;;
		esac
		echo "sif $f $field $v"
	done
	[ ! -d "$src$f" ] || echo "sif $f mtime $stamp"
done >"$tmp/debugfs"
E2FSPROGS_FAKE_TIME=$when debugfs -w -f "$tmp/debugfs" "$img" >"$tmp/debugfs.out" 2>&1
if grep -v '^debugfs' "$tmp/debugfs.out" | grep -q .; then
	echo "mkdisk: debugfs: $(grep -v '^debugfs' "$tmp/debugfs.out" | head -1)" >&2
	exit 1
fi
cp "$tmp/sha256" "$img.sha256"
echo "mkdisk: $img ($mib MiB ext4, $(wc -l <"$img.sha256") files, $(du -sk "$src" | cut -f1) KiB, from $(basename "$bdeb") and $kpkg)"
