#!/bin/sh
# leftovers.sh - is anything the lab creates still on this host?
#
# Everything the lab makes carries its prefix: mounts under boxlab paths,
# cgroups named boxlab*, network namespaces boxlab-*, links bx*, the
# nftables table boxlab, state in /run/boxlab and /var/lib/boxlab, scratch
# directories /tmp/boxlab-*; and no process may
# still run one of its programs. A student's machine
# must look the same after the lab as before it; `make test` fails if not.
set -u

list_leftovers() {
	# Mount points (field 5 of mountinfo) with the prefix in their path.
	awk '$5 ~ /boxlab/ { print "mount " $5 }' /proc/self/mountinfo
	# cgroups, in every hierarchy: v1 controllers and the v2 tree alike.
	find /sys/fs/cgroup -mindepth 1 -maxdepth 5 -type d -name 'boxlab*' \
		-printf 'cgroup %p\n' 2>/dev/null
	# Processes still running one of the lab's programs.
	for exe in /proc/[0-9]*/exe; do
		case $(readlink "$exe" 2>/dev/null) in
		*/build/*/bin/* | */build/*/grade/*)
			pid=${exe#/proc/}
			echo "process ${pid%/exe} $(cat "/proc/${pid%/exe}/comm" 2>/dev/null)" ;;
		esac
	done
	# The nftables table the lab keeps its rules in (chapter 09).
	if command -v nft >/dev/null 2>&1; then
		nft list tables 2>/dev/null | awk '$3 ~ /^boxlab/ { print "nftables table " $2 " " $3 }'
	fi
	for path in /run/netns/boxlab-* /sys/class/net/bx* /run/boxlab /var/lib/boxlab /tmp/boxlab-*; do
		[ -e "$path" ] && echo "path $path"
	done
}

left=$(list_leftovers)
if [ -n "$left" ]; then
	printf '%s\n' "$left" | sed 's/^/leftover: /'
	echo "leftovers: $(printf '%s\n' "$left" | wc -l) thing(s) with the lab's prefix are left on this host" >&2
	exit 1
fi
echo "leftovers: none"
