# shellcheck shell=bash disable=SC2034
# Sourced by scripts/linux-guest.sh and scripts/mkdisk.sh: the Debian
# packages the Linux guest is built from, downloaded once with apt-get into
# build/linux/debs/ under a lock, so that runs side by side (make test)
# share them.
#   linux_debs: sets kpkg (e.g. linux-image-6.1.0-56-cloud-amd64, the
#   versioned package linux-image-cloud-amd64 points at), kdeb and bdeb
#   (the paths of its .deb and busybox-static's); returns 3 when the
#   packages cannot be downloaded (no network, no apt sources).
debs=build/linux/debs

linux_debs_fetch() {	# PACKAGE: its .deb in $debs, downloaded once (caller holds the lock)
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

linux_debs() {
	mkdir -p "$debs"
	kpkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1)
	[ -n "$kpkg" ] || { echo "linux-guest: apt knows no linux-image-cloud-amd64 (apt-get update?)" >&2; return 3; }
	exec 9>"$debs/.lock"
	flock 9
	kdeb=$(linux_debs_fetch "$kpkg") || { flock -u 9; return 3; }
	bdeb=$(linux_debs_fetch busybox-static) || { flock -u 9; return 3; }
	flock -u 9
}
