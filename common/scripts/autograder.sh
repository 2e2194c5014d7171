#!/bin/sh
# autograder.sh - build build/autograder.zip, boxlab's Gradescope autograder
# (`make autograder`), in the layout Gradescope unpacks into
# /autograder/source: setup.sh and run_autograder (from
# common/autograder/) at the top, the lab in boxlab/ (without build/ and
# .git, its exercises/ regenerated as stubs), and in boxlab/build/vm/ the
# guest's kernel package name, its vmlinuz and the base archive, made
# here once (vm.sh prepare: Debian's kernel, fetched with apt-get), so
# that the image needs no Debian archive.
set -eu

cd "$(dirname "$0")/../.."
top=$(pwd)
VM_DIR=build/vm sh common/scripts/vm.sh prepare >/dev/null
vmlinuz=""
for file in build/vm/kernel/boot/vmlinuz-*; do
	[ -f "$file" ] && vmlinuz=$file
done
[ -n "$vmlinuz" ] || { echo "autograder: no kernel in build/vm" >&2; exit 1; }
kver=${vmlinuz##*/vmlinuz-}

stage=$(mktemp -d build/autograder.XXXXXX)
trap 'rm -rf "$stage"' EXIT INT TERM
cp -p common/autograder/setup.sh common/autograder/run_autograder "$stage/"
mkdir "$stage/boxlab"
tar -C "$top" --exclude=./build --exclude=./.git --exclude=./slides/node_modules \
	-cf - . | tar -C "$stage/boxlab" -xf -
# The stubs, whatever this checkout's exercises/ holds.
make -s -C "$stage/boxlab" exercises FORCE=1 >/dev/null
mkdir -p "$stage/boxlab/build/vm/kernel/boot"
cp -p build/vm/kernel/PACKAGE "$stage/boxlab/build/vm/kernel/"
cp -p "$vmlinuz" "$stage/boxlab/build/vm/kernel/boot/"
cp -p "build/vm/base-$kver.cpio" "$stage/boxlab/build/vm/"
# Newer than vm.sh and busybox wherever it lands (zip keeps times to the
# second), or vm.sh would make it again, without the modules it holds.
touch "$stage/boxlab/build/vm/base-$kver.cpio"
rm -f build/autograder.zip.tmp
# -y: links stay links (the test fixtures have links that must not be
# followed, rootfs-init/escape's among them).
(cd "$stage" && zip -q -r -y -X ../autograder.zip.tmp .)
mv build/autograder.zip.tmp build/autograder.zip
echo "autograder: build/autograder.zip ($(du -h build/autograder.zip | cut -f1); kernel $kver)"
