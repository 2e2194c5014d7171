#!/bin/sh
# doctor.sh [--strict] - what this machine offers the lab, chapter by chapter.
#
# `make doctor` runs this. It prints one row per kernel feature, tool and
# library the lab uses, then says for each chapter in chapters/ whether it
# can run here and, when not, what to do about it.
#
# Every probe only reads: files under /proc and /sys, `stat`, `pkg-config`,
# and `unshare -U true` (a user namespace that vanishes when `true` exits).
# Nothing on the host is mounted, created or changed. A missing tool is
# never an error: the row says "unknown" and the report goes on.
#
# Exit status: 0 (it is a report); with --strict, 1 if a chapter cannot
# run; 2 for an unknown option.
set -u

strict=no
case "${1:-}" in
"") ;;
--strict) strict=yes ;;
-h | --help)
	echo "usage: doctor.sh [--strict]"
	exit 0
	;;
*)
	echo "usage: doctor.sh [--strict]" >&2
	exit 2
	;;
esac

# --- helpers ----------------------------------------------------------------

# row NAME VALUE STATUS: one aligned line, "  name ...... value   [status]".
# STATUS is ok, missing, warn or info (a fact, neither good nor bad).
row() {
	name="$1 "
	while [ ${#name} -lt 28 ]; do
		name="$name."
	done
	printf '  %s %-40s [%s]\n' "$name" "$2" "$3"
}
ok() { row "$1" "$2" ok; }
missing() { row "$1" "$2" missing; }
warn() { row "$1" "$2" warn; }
info() { row "$1" "$2" info; }

section() {
	printf '\n%s\n' "$1"
}

have() {
	command -v "$1" >/dev/null 2>&1
}

# find_tool NAME: print the path of the program NAME. PATH first (where
# `command -v` may also name a shell builtin: those do not count), then the
# sbin directories, which an unprivileged user's PATH often lacks (ip, nft).
find_tool() {
	found=$(command -v "$1" 2>/dev/null)
	case "$found" in
	/*)
		echo "$found"
		return 0
		;;
	esac
	for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
		if [ -x "$dir/$1" ]; then
			echo "$dir/$1"
			return 0
		fi
	done
	return 1
}

# contains "LIST" WORD: is WORD one of the space-separated words of LIST?
contains() {
	case " $1 " in
	*" $2 "*) return 0 ;;
	*) return 1 ;;
	esac
}

# read_first FILE: the first line of FILE, or nothing if it cannot be read.
# Not the shell's `read`: it reads one byte per read(2), and the kernel's
# sysctl files (/proc/sys/...) answer a read at offset 1 with end of file,
# so "96365" would come back as "9".
read_first() {
	[ -r "$1" ] && head -n 1 "$1" 2>/dev/null
}

# status_field KEY N: the Nth value of the "KEY:" line of /proc/self/status
# ("Uid:  real effective saved fs", "Seccomp:  mode").
status_field() {
	while read -r key v1 v2 rest; do
		if [ "$key" = "$1:" ]; then
			case "$2" in
			1) echo "$v1" ;;
			*) echo "$v2" ;;
			esac
			return 0
		fi
	done </proc/self/status 2>/dev/null
	return 1
}

echo "boxlab doctor: what this machine offers the lab"

# --- privileges and kernel --------------------------------------------------
# The kernel chapters (namespaces, cgroups, mounts, network) call system
# calls that need CAP_SYS_ADMIN or CAP_NET_ADMIN in the initial user
# namespace: in practice, root. The effective uid is what the kernel
# checks; /proc/self/status has it (second field of Uid:) if `id` is absent.
section "Privileges and kernel"

euid=$(id -u 2>/dev/null) || euid=$(status_field Uid 2)
euid=${euid:-unknown}
if [ "$euid" = 0 ]; then
	is_root=yes
	ok "root" "yes (euid 0)"
else
	is_root=no
	warn "root" "no (euid $euid; kernel chapters need it)"
fi

# The lab is written against Linux 5.10 or later (cgroup v2 features,
# clone3, pidfd, overlayfs in user namespaces, time namespaces).
kernel=$(uname -r 2>/dev/null) || kernel=$(read_first /proc/sys/kernel/osrelease)
kernel=${kernel:-unknown}
major=${kernel%%.*}
minor=${kernel#*.}
minor=${minor%%[!0-9]*}
case "$major$minor" in
"" | *[!0-9]*)
	warn "kernel" "$kernel (cannot tell if >= 5.10)"
	;;
*)
	if [ "$major" -gt 5 ] || { [ "$major" -eq 5 ] && [ "$minor" -ge 10 ]; }; then
		ok "kernel" "$kernel (>= 5.10)"
	else
		warn "kernel" "$kernel (older than the lab's 5.10)"
	fi
	;;
esac

# Chapter 01 reads the process tree from /proc; nearly everything else
# does too.
if [ -r /proc/self/stat ]; then
	proc_ok=yes
	ok "/proc" "mounted"
else
	proc_ok=no
	missing "/proc" "not mounted"
fi

# Which program is PID 1 (chapter 02's subject). Never assume systemd.
pid1=$(read_first /proc/1/comm)
info "pid 1" "${pid1:-unknown}"

# --- namespaces -------------------------------------------------------------
# The kernel lists one file per namespace type it was built with in
# /proc/PID/ns/ (CONFIG_UTS_NS, CONFIG_PID_NS, ...). A file there means
# clone(CLONE_NEWxxx) is available for that type.
section "Namespaces (/proc/self/ns)"

namespaces=""
for ns in mnt uts ipc pid net user cgroup time; do
	if [ -e "/proc/self/ns/$ns" ] || [ -L "/proc/self/ns/$ns" ]; then
		namespaces="$namespaces $ns"
		ok "$ns" "present"
	else
		missing "$ns" "absent (kernel built without it)"
	fi
done

# --- user namespaces --------------------------------------------------------
# A user namespace can be compiled in and still be refused: the sysctl
# user.max_user_namespaces may be 0, Debian's older kernels had
# kernel.unprivileged_userns_clone, and Ubuntu's AppArmor can restrict
# them. The only sure answer is to try: `unshare -U true` makes a user
# namespace that disappears as soon as `true` exits.
section "User namespaces"

max_userns=$(read_first /proc/sys/user/max_user_namespaces)
case "$max_userns" in
"") warn "max_user_namespaces" "unknown (cannot read it)" ;;
0) missing "max_user_namespaces" "0 (user namespaces disabled)" ;;
*) ok "max_user_namespaces" "$max_userns" ;;
esac

clone_knob=$(read_first /proc/sys/kernel/unprivileged_userns_clone)
if [ ! -e /proc/sys/kernel/unprivileged_userns_clone ]; then
	info "unprivileged_userns_clone" "not present (upstream kernel)"
else
	case "$clone_knob" in
	"") warn "unprivileged_userns_clone" "unknown (cannot read it)" ;;
	0) warn "unprivileged_userns_clone" "0 (only root may create them)" ;;
	*) ok "unprivileged_userns_clone" "$clone_knob" ;;
	esac
fi

apparmor_knob=$(read_first /proc/sys/kernel/apparmor_restrict_unprivileged_userns)
case "$apparmor_knob" in
"") ;;
0) ok "apparmor userns restriction" "0 (off)" ;;
*) warn "apparmor userns restriction" "$apparmor_knob (on: unprivileged use refused)" ;;
esac

# try_userns: does `unshare -U true` work? ($unshare is its path; bounded
# by timeout(1) when present, in case a security module makes it hang.)
try_userns() {
	true_cmd=$(find_tool true) || true_cmd=/bin/true
	if timeout=$(find_tool timeout); then
		"$timeout" 10 "$unshare" -U "$true_cmd" >/dev/null 2>&1
	else
		"$unshare" -U "$true_cmd" >/dev/null 2>&1
	fi
}

# userns: yes, no or unknown (when it cannot be tried).
if ! contains "$namespaces" user; then
	userns=no
	missing "user namespaces usable" "no (kernel without CONFIG_USER_NS)"
elif [ "$max_userns" = 0 ]; then
	userns=no
	missing "user namespaces usable" "no (max_user_namespaces is 0)"
elif ! unshare=$(find_tool unshare); then
	userns=unknown
	warn "user namespaces usable" "unknown (no unshare to try)"
else
	if try_userns; then
		userns=yes
		ok "user namespaces usable" "yes (unshare -U true works)"
	else
		userns=no
		missing "user namespaces usable" "no (unshare -U true failed)"
	fi
fi

# Root may always make a user namespace; chapter 04 is about an ordinary
# user making one. As root, ask for nobody (65534) through setpriv(1),
# which changes the IDs of `unshare -U true` and nothing else.
if [ "$userns" = yes ] && [ "$is_root" = yes ] && setpriv=$(find_tool setpriv); then
	if "$setpriv" --reuid=65534 --regid=65534 --clear-groups "$unshare" -U "$true_cmd" >/dev/null 2>&1; then
		unprivileged_userns=yes
		ok "userns as an ordinary user" "yes (as uid 65534)"
	else
		unprivileged_userns=no
		if [ "$clone_knob" = 0 ]; then
			why="kernel.unprivileged_userns_clone is 0"
		elif [ -n "$apparmor_knob" ] && [ "$apparmor_knob" != 0 ]; then
			why="kernel.apparmor_restrict_unprivileged_userns is $apparmor_knob"
		else
			why="refused; see the rows above"
		fi
		warn "userns as an ordinary user" "no ($why)"
	fi
fi

# newuidmap and newgidmap (package uidmap) map subordinate ranges for
# rootless --subids; /etc/subuid lists who may use which.
if find_tool newuidmap >/dev/null && find_tool newgidmap >/dev/null; then
	ok "newuidmap, newgidmap" "installed (uidmap)"
else
	missing "newuidmap, newgidmap" "not found (uidmap: rootless --subids)"
fi

# --- cgroups ----------------------------------------------------------------
# Two kernel interfaces share the name. cgroup v1 mounts one filesystem of
# type "cgroup" per hierarchy, each with its controllers named in the mount
# options (cpu,cpuacct / memory / pids / name=systemd for a hierarchy with
# no controller). cgroup v2 mounts one filesystem of type "cgroup2", whose
# root lists its controllers in cgroup.controllers. A controller belongs to
# one of them at a time.
#
# The layout is told apart by what /sys/fs/cgroup itself is. statfs(2)
# reports a filesystem's magic number, which `stat -f -c %T` names:
# "cgroup2fs" means the unified v2 tree is mounted right there (v2); "tmpfs"
# means a directory of v1 hierarchies (v1), and if a cgroup2 is mounted
# somewhere too, e.g. /sys/fs/cgroup/unified, the layout is hybrid.
section "cgroups"

mounts=/proc/self/mounts
cg_fstype=$(stat -f -c %T /sys/fs/cgroup 2>/dev/null) ||
	cg_fstype=$(awk '$2 == "/sys/fs/cgroup" { t = $3 } END { print t }' "$mounts" 2>/dev/null)
cg_fstype=${cg_fstype:-unknown}

# v1_hierarchies: "MOUNTPOINT CONTROLLERS" per cgroup v1 mount, with the
# controllers (and name=...) picked out of the mount options.
v1_hierarchies() {
	awk 'BEGIN {
		n = split("cpu cpuacct cpuset memory devices freezer net_cls net_prio blkio perf_event hugetlb pids rdma misc debug", k, " ")
		for (i = 1; i <= n; i++) known[k[i]] = 1
	}
	$3 == "cgroup" {
		n = split($4, opt, ",")
		c = ""
		for (i = 1; i <= n; i++)
			if (opt[i] in known || opt[i] ~ /^name=/)
				c = c (c == "" ? "" : ",") opt[i]
		print $2, (c == "" ? "(none)" : c)
	}' "$mounts" 2>/dev/null
}

# v2_mounts: the mount point of each cgroup2 filesystem.
v2_mounts() {
	awk '$3 == "cgroup2" { print $2 }' "$mounts" 2>/dev/null
}

v1_list=$(v1_hierarchies)
v2_list=$(v2_mounts)

if [ ! -r "$mounts" ] || ! have awk; then
	cg_layout=unknown
	warn "cgroup layout" "unknown (cannot read $mounts with awk)"
elif [ "$cg_fstype" = cgroup2fs ]; then
	cg_layout=v2
	ok "cgroup layout" "v2 (unified at /sys/fs/cgroup)"
elif [ -n "$v1_list" ] && [ -n "$v2_list" ]; then
	cg_layout=hybrid
	ok "cgroup layout" "hybrid (v1 + a cgroup2 beside)"
elif [ -n "$v1_list" ]; then
	cg_layout=v1
	ok "cgroup layout" "v1 (legacy hierarchies)"
elif [ -n "$v2_list" ]; then
	cg_layout=v2
	ok "cgroup layout" "v2 (unified at $(echo "$v2_list" | head -n 1))"
else
	cg_layout=none
	missing "cgroup layout" "none (no cgroup filesystem mounted)"
fi
info "/sys/fs/cgroup statfs type" "$cg_fstype"

# Every controller seen in either version, for chapter 05's check.
cg_controllers=""
add_controllers() {
	for c in $(echo "$1" | tr ',' ' '); do
		contains "$cg_controllers" "$c" || cg_controllers="$cg_controllers $c"
	done
}

while read -r mountpoint controllers; do
	[ -n "$mountpoint" ] || continue
	info "v1 $mountpoint" "$controllers"
	add_controllers "$controllers"
done <<EOF
$v1_list
EOF

while read -r mountpoint; do
	[ -n "$mountpoint" ] || continue
	if [ -r "$mountpoint/cgroup.controllers" ]; then
		controllers=$(read_first "$mountpoint/cgroup.controllers")
		info "v2 $mountpoint" "${controllers:-(no controllers)}"
		add_controllers "$(echo "$controllers" | tr ' ' ',')"
	else
		warn "v2 $mountpoint" "unknown (cgroup.controllers unreadable)"
	fi
done <<EOF
$v2_list
EOF

for c in memory pids cpu; do
	if contains "$cg_controllers" "$c"; then
		ok "controller $c" "available"
	elif [ "$cg_layout" = unknown ]; then
		warn "controller $c" "unknown"
	else
		missing "controller $c" "not in any hierarchy"
	fi
done

# --- filesystems ------------------------------------------------------------
# /proc/filesystems lists the filesystem types the running kernel knows
# now. overlayfs is often a module that mount(2) loads on first use, so a
# module on disk counts too ("loadable").
section "Filesystems"

# in_filesystems TYPE: is TYPE a line of /proc/filesystems ("nodev overlay")?
in_filesystems() {
	while read -r first second; do
		[ "$first" = "$1" ] || [ "$second" = "$1" ] && return 0
	done </proc/filesystems 2>/dev/null
	return 1
}

if in_filesystems overlay; then
	overlay=yes
	ok "overlayfs" "in /proc/filesystems"
elif modinfo=$(find_tool modinfo) && "$modinfo" overlay >/dev/null 2>&1; then
	overlay=yes
	ok "overlayfs" "loadable (module overlay)"
elif [ -d "/lib/modules/$kernel/kernel/fs/overlayfs" ]; then
	overlay=yes
	ok "overlayfs" "loadable (/lib/modules/$kernel)"
else
	overlay=no
	missing "overlayfs" "not in the kernel, no module found"
fi

# Mount propagation of /, from the optional fields of its mountinfo line
# (between the mount options and the "-"): shared:N means mounts made under
# / spread to peer namespaces, master:N that it receives them (slave), none
# that it is private. systemd makes / shared; the lab's programs make their
# own mount namespace private before they mount, so any answer is fine.
propagation=$(awk '$5 == "/" {
		opt = ""
		for (i = 7; i <= NF && $i != "-"; i++) opt = opt " " $i
		last = opt; found = 1
	}
	END { if (found) print (last == "" ? "none" : substr(last, 2)) }' \
	/proc/self/mountinfo 2>/dev/null)
kinds=""
for field in $propagation; do
	case "$field" in
	shared:*) kind=shared ;;
	master:*) kind=slave ;;
	unbindable) kind=unbindable ;;
	none) kind=private ;;
	*) continue ;;
	esac
	kinds="${kinds:+$kinds+}$kind"
done
if [ -z "$propagation" ]; then
	warn "propagation of /" "unknown (no / in mountinfo)"
else
	info "propagation of /" "${kinds:-private} ($propagation)"
fi

# --- security ---------------------------------------------------------------
# A kernel with CONFIG_SECCOMP shows a "Seccomp:" line in /proc/PID/status
# (0 = no filter on this process, 2 = filtered). actions_avail lists the
# filter return actions it supports.
section "Security"

seccomp_mode=$(status_field Seccomp 1)
if [ -n "$seccomp_mode" ]; then
	seccomp=yes
	ok "seccomp" "supported (this shell: mode $seccomp_mode)"
else
	seccomp=no
	missing "seccomp" "no Seccomp: line in /proc/self/status"
fi
actions=$(read_first /proc/sys/kernel/seccomp/actions_avail)
if [ -n "$actions" ]; then
	info "seccomp actions" "$actions"
else
	info "seccomp actions" "unknown (no actions_avail)"
fi

# --- tools ------------------------------------------------------------------
# Programs the later chapters and make targets run. Only busybox-static is
# required (the root filesystem); the others are for comparisons, the VM
# tests, the engine's docker client and the slides.
section "Tools"

# busybox must be the static build: it is copied into a root filesystem
# that has no libraries. Debian's busybox-static package installs it as
# /bin/busybox (the dynamic "busybox" package uses the same path).
# Ask dpkg first (what rootfs.sh checks), then file(1); else say unknown.
busybox_static=no
if [ -x /bin/busybox ]; then
	if dpkg_query=$(find_tool dpkg-query); then
		# shellcheck disable=SC2016 # ${Status} is dpkg-query's, not ours
		case "$("$dpkg_query" -W -f='${Status}' busybox-static 2>/dev/null)" in
		*"ok installed") busybox_static=yes ;;
		esac
	elif file=$(find_tool file); then
		case "$("$file" -L /bin/busybox 2>/dev/null)" in
		*"statically linked"*) busybox_static=yes ;;
		esac
	else
		busybox_static=unknown
	fi
	case "$busybox_static" in
	yes) ok "busybox" "/bin/busybox (static)" ;;
	no) warn "busybox" "/bin/busybox (not busybox-static)" ;;
	*) warn "busybox" "/bin/busybox (static? unknown)" ;;
	esac
else
	missing "busybox" "not found (busybox-static: rootfs)"
fi

# tool NAME USE: a row with the tool's path, or what it would be used for.
tool() {
	if path=$(find_tool "$1"); then
		ok "$1" "$path"
	else
		missing "$1" "not found (for $2)"
	fi
}
tool qemu-system-x86_64 "make test-vm"
tool crun "make bench"
tool runc "comparison with boxrun"
tool podman "podman --runtime boxrun"
tool tini "init comparison, ch 02"
tool nft "NAT, ch 09"
tool ip "network inspection, ch 09"
tool docker "driving boxd, ch 12"
tool node "make slides"
tool npm "make slides"

# --- libraries --------------------------------------------------------------
# The C libraries the programs and tests link, found the way the Makefile
# finds them: pkg-config (which comes with the -dev packages' .pc files).
section "Libraries (pkg-config)"

libs_found=""
if have pkg-config; then
	for lib in check jansson libcap libseccomp libarchive libmnl; do
		if pkg-config --exists "$lib" 2>/dev/null; then
			libs_found="$libs_found $lib"
			ok "$lib" "$(pkg-config --modversion "$lib" 2>/dev/null)"
		else
			missing "$lib" "not found"
		fi
	done
else
	warn "pkg-config" "not found: libraries unknown (sudo make deps)"
fi

# --- chapters ---------------------------------------------------------------
# Each chapter's needs, checked against the facts gathered above. need_*
# adds a reason and its fix to the chapter's lists; a chapter with no
# reason can run.
section "Chapters"

reasons=""
fixes=""
blocked() {
	case ", $reasons, " in
	*", $1, "*) ;;
	*) reasons="${reasons:+$reasons, }$1" ;;
	esac
	case "; $fixes; " in
	*"; $2; "*) ;;
	*) fixes="${fixes:+$fixes; }$2" ;;
	esac
}

need_proc() {
	[ "$proc_ok" = yes ] || blocked "/proc not mounted" "mount -t proc proc /proc"
}
need_root() {
	[ "$is_root" = yes ] || blocked "not root" "run as root (sudo make ...)"
}
need_ns() {
	for ns in "$@"; do
		contains "$namespaces" "$ns" && continue
		case "$ns" in
		mnt) option=CONFIG_NAMESPACES ;;
		cgroup) option=CONFIG_CGROUPS ;;
		*) option=CONFIG_$(echo "$ns" | tr '[:lower:]' '[:upper:]')_NS ;;
		esac
		blocked "no $ns namespace" "a kernel with $option"
	done
}
need_userns() {
	[ "$userns" = no ] || [ "${unprivileged_userns:-}" = no ] || return 0
	if ! contains "$namespaces" user; then
		blocked "no user namespaces" "a kernel with CONFIG_USER_NS"
	elif [ "$max_userns" = 0 ]; then
		blocked "user namespaces disabled" "sysctl -w user.max_user_namespaces=15000"
	elif [ "$clone_knob" = 0 ] && { [ "$is_root" = no ] || [ "${unprivileged_userns:-}" = no ]; }; then
		blocked "unprivileged user namespaces disabled" "sysctl -w kernel.unprivileged_userns_clone=1, or run as root"
	elif [ -n "$apparmor_knob" ] && [ "$apparmor_knob" != 0 ] && { [ "$is_root" = no ] || [ "${unprivileged_userns:-}" = no ]; }; then
		blocked "AppArmor restricts user namespaces" "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or run as root"
	else
		blocked "unshare -U true fails" "check seccomp/LSM policy of this machine or container"
	fi
}
need_cgroups() {
	case "$cg_layout" in
	none)
		blocked "no cgroup filesystem" "mount -t cgroup2 none /sys/fs/cgroup"
		return
		;;
	unknown)
		blocked "cgroup layout unknown" "make /proc/self/mounts and awk available"
		return
		;;
	esac
	for c in memory pids cpu; do
		contains "$cg_controllers" "$c" ||
			blocked "no $c controller" "$(controller_fix "$c")"
	done
}
# controller_fix NAME: why a controller is not where we looked, from
# /proc/cgroups (name, v1 hierarchy id or 0, number of cgroups, enabled).
controller_fix() {
	line=$(awk -v c="$1" '$1 == c { print $2, $4 }' /proc/cgroups 2>/dev/null)
	hierarchy=${line%% *}
	enabled=${line#* }
	if [ -z "$line" ]; then
		case "$1" in
		memory) echo "a kernel with CONFIG_MEMCG" ;;
		pids) echo "a kernel with CONFIG_CGROUP_PIDS" ;;
		*) echo "a kernel with CONFIG_CGROUP_SCHED" ;;
		esac
	elif [ "$enabled" = 0 ]; then
		echo "boot without cgroup_disable=$1"
	elif [ "$hierarchy" != 0 ] && [ "$cg_layout" = v2 ]; then
		echo "unmount v1 hierarchy $hierarchy, which holds $1"
	elif [ "$cg_layout" = v2 ]; then
		echo "enable $1 in the parent cgroup's cgroup.subtree_control"
	else
		echo "mount -t cgroup -o $1 cgroup /sys/fs/cgroup/$1"
	fi
}
need_busybox() {
	[ "$busybox_static" != no ] || blocked "no busybox-static" "sudo make deps"
}
need_overlay() {
	[ "$overlay" = yes ] || blocked "no overlayfs" "modprobe overlay (or a kernel with CONFIG_OVERLAY_FS)"
}
need_lib() {
	for lib in "$@"; do
		contains "$libs_found" "$lib" || blocked "no $lib" "sudo make deps"
	done
}
need_seccomp() {
	[ "$seccomp" = yes ] || blocked "no seccomp" "a kernel with CONFIG_SECCOMP_FILTER"
}

# needs NN: check what chapter NN needs; returns 1 for a chapter number
# this script does not know (a later chapter: no special needs).
needs() {
	case "$1" in
	01) need_proc ;;
	02) need_proc; need_root; need_ns pid ;;
	03) need_root; need_ns mnt uts ipc pid net cgroup ;;
	04) need_userns; need_lib libcap ;;
	05) need_root; need_cgroups ;;
	06) need_root; need_ns mnt pid uts ipc; need_busybox ;;
	07) need_root; need_overlay ;;
	08) need_overlay; need_lib libarchive jansson ;;
	09) need_root; need_ns net ;;
	10) need_seccomp; need_lib libseccomp libcap ;;
	11 | 12)
		needs 03
		needs 05
		needs 06
		needs 07
		need_lib jansson
		;;
	*) return 1 ;;
	esac
	return 0
}

# The repository root is two levels above this script (common/scripts/),
# wherever it is run from. (CDPATH is cleared: with it, cd prints a path.)
case "$0" in
*/*) here=${0%/*} ;;
*) here=. ;;
esac
root=$(CDPATH='' cd -- "$here/../.." && pwd -P)

total=0
runnable=0
for dir in "$root"/chapters/[0-9][0-9]-*/; do
	[ -d "$dir" ] || continue
	slug=${dir%/}
	slug=${slug##*/}
	reasons=""
	fixes=""
	known=yes
	needs "${slug%%-*}" || known=no
	total=$((total + 1))
	if [ -z "$reasons" ]; then
		runnable=$((runnable + 1))
		if [ "$known" = yes ]; then
			printf '  %-20s can run\n' "$slug"
		else
			printf '  %-20s can run (no special needs)\n' "$slug"
		fi
	else
		printf '  %-20s cannot run here: %s; fix: %s\n' "$slug" "$reasons" "$fixes"
	fi
done
[ "$total" -gt 0 ] || echo "  (no chapters/NN-*/ directories under $root)"

echo
echo "doctor: $runnable of $total chapters can run here"

if [ "$strict" = yes ] && [ "$runnable" -lt "$total" ]; then
	exit 1
fi
exit 0
