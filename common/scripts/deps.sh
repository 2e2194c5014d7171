#!/bin/sh
# deps.sh - install the Debian packages the lab needs, when missing.
#
# `make deps` runs this; `make test` and `make demo` run it first, so both
# work on a fresh Debian 12 machine that has only git, make and a C
# compiler. As root it installs with apt-get; otherwise it prints the one
# command to run. Each chapter adds its packages to the list below.
set -eu

# package          why
packages="
pkg-config         finds the libraries' compiler flags
check              the Check unit-test framework (tests/)
libjansson-dev     JSON: the grader's results (later: OCI config, API)
libcap-dev         capabilities through libcap (capls, rootless; ch 04)
uidmap             newuidmap/newgidmap: subordinate IDs (rootless --subids)
libarchive-dev     tar and gzip: image layers (boximg; ch 08)
libssl-dev         libcrypto's sha256: content addresses (boximg; ch 08)
skopeo             reads and writes OCI image layouts: interop tests (ch 08)
umoci              unpacks OCI image layouts: interop tests (ch 08)
libmnl-dev         netlink messages: links, addresses, routes (boxnet; ch 09)
libnftables-dev    nftables rules from C: NAT and published ports (ch 09)
nftables           the nft command, to look at the lab's table (ch 09)
libseccomp-dev     seccomp filters from a profile (secbox; ch 10)
crun               the peer boxrun is measured against (ch 11)
runc               the other peer (ch 11)
podman             a real client of boxrun (ch 11)
golang-go          builds the OCI runtime-tools suite (make conformance)
libmicrohttpd-dev  boxd's HTTP server, with connection upgrade (ch 12)
libcurl4-openssl-dev  box's HTTP client over a unix socket (ch 12)
busybox-static     the root filesystem of the container chapters
tini               the peer miniinit is measured against (make bench)
hyperfine          times the benchmarks (make bench)
jq                 edits the benchmark bundle's config.json (make bench)
time               GNU time: the runtimes' peak RSS (make bench)
qemu-system-x86    the throwaway guests of make test-vm and make vm
cpio               packs the guests' initramfs (make test-vm)
xz-utils           decompresses the guest's kernel (make test-vm)
zstd               decompresses zstd kernels and modules (make test-vm)
zip                packs the Gradescope autograder (make autograder)
unzip              unpacks it, to test it (make test)
"

# DEPS=grading: only what grading a submission needs (building the lab,
# its graded tests, the guest), as a Gradescope image's setup.sh asks.
if [ "${DEPS:-}" = grading ]; then
	packages=$(printf '%s\n' "$packages" | awk '$1 ~ /^(pkg-config|check|libjansson-dev|libcap-dev|uidmap|libarchive-dev|libssl-dev|umoci|libmnl-dev|libnftables-dev|libseccomp-dev|libmicrohttpd-dev|libcurl4-openssl-dev|busybox-static|qemu-system-x86|cpio|xz-utils|zstd)$/')
fi

names=$(printf '%s\n' "$packages" | awk 'NF { print $1 }')

# dpkg-query prints "install ok installed" for an installed package.
installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}

missing=""
for name in $names; do
	installed "$name" || missing="$missing $name"
done

if [ -z "$missing" ]; then
	echo "deps: all $(echo "$names" | wc -w) packages are installed"
	exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing:$missing (no apt-get here: install them with your package manager)" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing; run: sudo apt-get install -y$missing" >&2
	exit 1
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # one word per package is what we want
if ! apt-get install -y -q --no-install-recommends $missing >/tmp/boxlab-deps.log 2>&1; then
	# A fresh machine has no package lists yet.
	apt-get update -q >>/tmp/boxlab-deps.log 2>&1
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >>/tmp/boxlab-deps.log 2>&1 || {
		tail -5 /tmp/boxlab-deps.log >&2
		echo "deps: apt-get failed (full log: /tmp/boxlab-deps.log)" >&2
		exit 1
	}
fi
rm -f /tmp/boxlab-deps.log
echo "deps: installed$missing"
