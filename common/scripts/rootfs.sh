#!/bin/sh
# rootfs.sh DEST - a minimal root filesystem made of busybox.
#
# One static binary (Debian's busybox-static: it needs no libraries, so it
# runs in any root filesystem) and a symbolic link per applet, the way
# busybox-based images such as alpine start. Built in DEST.tmp and renamed
# into place, so DEST is never half made.
set -eu

dest=${1:?usage: rootfs.sh DEST}
busybox=/bin/busybox

if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed'; then
	echo "rootfs: busybox-static is not installed (run: sudo make deps)" >&2
	exit 1
fi
if [ -x "$dest/bin/busybox" ] && cmp -s "$busybox" "$dest/bin/busybox"; then
	echo "rootfs: $dest is up to date"
	exit 0
fi

tmp="$dest.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
for dir in bin sbin usr/bin usr/sbin etc proc sys dev tmp root run var/log home; do
	mkdir -p "$tmp/$dir"
done
chmod 1777 "$tmp/tmp"
chmod 0700 "$tmp/root"
cp "$busybox" "$tmp/bin/busybox"

# One relative link per applet: usr/bin/env -> ../../bin/busybox, so the
# links are right both inside the container and seen from the host.
count=0
for applet in $("$busybox" --list-full); do
	[ -e "$tmp/$applet" ] && continue
	up=$(dirname "$applet" | sed 's|[^/][^/]*|..|g')
	ln -s "$up/bin/busybox" "$tmp/$applet"
	count=$((count + 1))
done

cat > "$tmp/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > "$tmp/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
echo boxlab > "$tmp/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' > "$tmp/etc/hosts"

rm -rf "$dest"
mv "$tmp" "$dest"
version=$("$busybox" | head -1 | awk '{ print $2 }')
echo "rootfs: $dest (busybox $version, $count applets)"
