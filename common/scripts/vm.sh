#!/bin/sh
# vm.sh - the lab's kernel-facing suites in a throwaway qemu guest.
#
#	vm.sh test LAYOUT IMPL CHAPTER...	(make test-vm)
#	vm.sh grade LAYOUT IMPL CHAPTER...	(make grade VM=1)
#	vm.sh shell LAYOUT			(make vm)
#	vm.sh prepare				(the kernel and base, no boot)
#
# LAYOUT is v2 (cgroup2 alone on /sys/fs/cgroup; the kernel is booted with
# cgroup_no_v1=all) or v1 (one v1 hierarchy per controller under a tmpfs
# on /sys/fs/cgroup, and no cgroup2 anywhere). The host's own layout (often
# hybrid) is what `make check` sees; the guests cover the other two.
#
# The guest is Debian's own 6.1 kernel, fetched once with apt-get download
# and unpacked under build/vm/kernel/ (the host's /boot and package state
# are not touched), booted under software emulation (KVM is not assumed)
# from two concatenated cpio archives:
#   - build/vm/base-KVER.cpio, cached: busybox-static with a link per
#     applet, a minimal /etc, and the modules overlay veth llc stp bridge
#     from the same kernel package;
#   - one made anew on each run: /init (this run's mode, layout and
#     chapters), the built test runners and programs, tests/fixtures and
#     every shared library they load, each at the same absolute path as on
#     the host, so absolute symlinks and compiled-in paths still hold.
# /init copies the initramfs into a tmpfs and switch_roots there (nothing
# can pivot_root away from the initramfs itself), mounts the layout's
# cgroups, runs each chapter's run-tests and the grade tool, prints a
# result marker and powers off. This script echoes the tables, keeps the
# whole serial console in build/vm/LAYOUT-console.log and the guest's
# grade.json in build/vm/LAYOUT-IMPL-grade.json, and exits with the
# guest's status: 1 when the marker never came (a panic, a timeout).
#
# grade is test for a submission (common/scripts/grade-submission.sh
# with VM=1): the guest also sends back each chapter's results and log,
# base64-encoded between markers, which land in VM_OUT as CHAPTER.results
# .json and CHAPTER.log; only the chapters asked for are written, and
# nothing else the guest prints can name a file. The guest has no network
# (-nic none), and the console log is cut at 20 MB.
#
# Environment: BUILD (default build) is the build tree the binaries come
# from; VM_TIMEOUT bounds a test run in seconds (default: 60, plus 120 per
# chapter); VM_CPUS is the guest's CPUs (default 2; `make test` boots two
# guests of one CPU side by side, as the tests in a guest run one at a
# time anyway). VM_DIR (default build/vm) keeps the kernel and the base
# archive, shared by every run (a submission graded in a scratch copy of
# the lab uses the lab's); VM_OUT (default VM_DIR) gets the console log
# and the grades; VM_GRADED=1 runs only the tests that carry points.
# rm -rf build/vm fetches the newest kernel again.
set -eu

self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/../.."
top=$(pwd)
build=${BUILD:-build}
vmdir=${VM_DIR:-build/vm}
# Modules the chapters need, in dependency order (bridge needs stp and
# llc): the kernel package builds them as modules, not in.
# nftables's NAT for chapter 09: conntrack needs the defrag modules and
# libcrc32c (which wants a crc32c), NAT needs conntrack, and the nft
# expressions need nf_tables, which needs nfnetlink.
modules="overlay veth llc stp bridge crc32c_generic libcrc32c nf_defrag_ipv4
nf_defrag_ipv6 nf_conntrack nf_nat nfnetlink nf_tables nft_chain_nat nft_nat
nft_masq nft_ct"

die() {
	echo "vm: $*" >&2
	exit 1
}

warn() {
	echo "vm: warning: $*" >&2
}

usage() {
	echo "usage: vm.sh test|grade v2|v1 solutions|exercises CHAPTER..." >&2
	echo "       vm.sh shell v2|v1" >&2
	echo "       vm.sh prepare" >&2
	exit 2
}

# --- the kernel ----------------------------------------------------------

# The newest linux-image-6.1.*-amd64 package that apt can install, the
# unsigned build when there is one (the same kernel without the Secure
# Boot signature, which qemu does not need).
kernel_package() {
	names=$(apt-cache pkgnames linux-image-6.1 2>/dev/null |
		grep -E '^linux-image-6\.1\.[0-9]+-[0-9]+-amd64(-unsigned)?$' || true)
	[ -n "$names" ] || return 0
	# shellcheck disable=SC2086 # one word per package
	apt-cache policy $names 2>/dev/null | awk '
		/^[^ ].*:$/ { name = substr($0, 1, length($0) - 1) }
		/^ *Candidate:/ && $2 != "(none)" { print name }' |
		sed 's/-unsigned$/ &/' | sort -V -k1,1 -k2,2 | tail -n 1 | tr -d ' '
}

# Decompress the bzImage's payload to a plain vmlinux (the ELF kernel,
# which qemu boots through its PVH entry point): under software emulation
# that saves the seconds the kernel takes to decompress itself. The
# boot protocol header says where the payload is: setup_sects at 0x1f1,
# payload_offset and payload_length at 0x248 (protocol 2.08 and later);
# the payload ends with 4 bytes of decompressed size, not part of the
# compressed stream. Fails (leaving no file) if anything looks wrong.
extract_vmlinux() {
	img=$1
	out=$2
	[ "$(od -A n -t x1 -j 514 -N 4 "$img" | tr -d ' ')" = 48647253 ] || return 1 # "HdrS"
	version=$(od -A n -t u2 -j 518 -N 2 "$img" | tr -d ' ')
	[ "$version" -ge 520 ] || return 1 # 2.08
	setup_sects=$(od -A n -t u1 -j 497 -N 1 "$img" | tr -d ' ')
	[ "$setup_sects" -ne 0 ] || setup_sects=4
	payload_offset=$(od -A n -t u4 -j 584 -N 4 "$img" | tr -d ' ')
	payload_length=$(od -A n -t u4 -j 588 -N 4 "$img" | tr -d ' ')
	offset=$(((setup_sects + 1) * 512 + payload_offset))
	length=$((payload_length - 4))
	magic=$(od -A n -t x1 -j "$offset" -N 6 "$img" | tr -d ' ')
	case $magic in
	fd377a585a00) decompress="xz -dc" ;;
	1f8b*) decompress="gzip -dc" ;;
	28b52ffd*) decompress="zstd -dcq" ;;
	*) return 1 ;;
	esac
	tail -c +$((offset + 1)) "$img" | head -c "$length" | $decompress >"$out.tmp" 2>/dev/null || {
		rm -f "$out.tmp"
		return 1
	}
	if [ "$(od -A n -t x1 -N 4 "$out.tmp" | tr -d ' ')" != 7f454c46 ]; then # ELF
		rm -f "$out.tmp"
		return 1
	fi
	mv "$out.tmp" "$out"
}

# Fetch and unpack the kernel package once; later runs use build/vm/kernel.
ensure_kernel() {
	if [ -f "$vmdir/kernel/PACKAGE" ]; then
		return 0
	fi
	pkg=$(kernel_package)
	if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
		# A fresh machine has no package lists yet.
		apt-get update -q >/dev/null 2>&1 || true
		pkg=$(kernel_package)
	fi
	[ -n "$pkg" ] || die "apt knows no linux-image-6.1.*-amd64 package (run: sudo apt-get update)"
	echo "vm: fetching $pkg (once; kept in $vmdir/kernel)"
	rm -rf "$vmdir/kernel" "$vmdir/kernel.tmp" "$vmdir/download"
	mkdir -p "$vmdir/download"
	# As root, apt drops to the _apt user to download, who may not write
	# here: stay root for this one file instead.
	sandbox=""
	[ "$(id -u)" -ne 0 ] || sandbox="-o APT::Sandbox::User=root"
	# shellcheck disable=SC2086 # no option or one
	(cd "$vmdir/download" && apt-get download -q $sandbox "$pkg" >download.log 2>&1) || {
		tail -5 "$vmdir/download/download.log" >&2
		die "apt-get download $pkg failed"
	}
	for deb in "$vmdir"/download/*.deb; do :; done
	dpkg-deb -x "$deb" "$vmdir/kernel.tmp"
	dpkg-deb -f "$deb" Package Version | awk '{ printf "%s%s", sep, $2; sep = " " } END { print "" }' \
		>"$vmdir/kernel.tmp/PACKAGE"
	rm -rf "$vmdir/download"
	mv "$vmdir/kernel.tmp" "$vmdir/kernel"
}

# Sets kver and kernel, the image to boot: the vmlinux made from the
# bzImage, or the bzImage.
find_kernel() {
	bzimage=""
	for file in "$vmdir"/kernel/boot/vmlinuz-*; do
		[ -f "$file" ] && bzimage=$file
	done
	[ -n "$bzimage" ] || die "no vmlinuz in $vmdir/kernel/boot (rm -rf $vmdir and retry)"
	kver=${bzimage##*/vmlinuz-}
	kernel=$vmdir/vmlinux-$kver
	if [ ! -f "$kernel" ] && [ ! -f "$kernel.failed" ]; then
		extract_vmlinux "$bzimage" "$kernel" || {
			warn "could not decompress $bzimage; booting it as it is (slower)"
			: >"$kernel.failed"
		}
	fi
	[ -f "$kernel" ] || kernel=$bzimage
}

# --- the initramfs -------------------------------------------------------

# build/vm/base-KVER.cpio: busybox, /etc, modules; rebuilt when busybox or
# this script changes.
ensure_base() {
	base=$vmdir/base-$kver.cpio
	busybox=$(command -v busybox || true)
	[ -n "$busybox" ] || die "busybox is not installed (run: sudo make deps)"
	busybox=$(readlink -f "$busybox")
	if ldd "$busybox" >/dev/null 2>&1; then
		die "$busybox is not static: the guest needs busybox-static (run: sudo make deps)"
	fi
	if [ -f "$base" ] && [ -n "$(find "$base" -newer "$busybox" -newer "$self")" ]; then
		return 0
	fi
	# A base that came without its kernel's modules (the Gradescope
	# autograder's) cannot be made again here: it is kept.
	if [ -f "$base" ] && [ ! -d "$vmdir/kernel/lib/modules/$kver" ]; then
		return 0
	fi
	stage=$vmdir/base.tmp
	rm -rf "$stage"
	for dir in bin sbin usr/bin usr/sbin etc proc sys dev tmp run root newroot lib/modules/boxlab; do
		mkdir -p "$stage/$dir"
	done
	chmod 1777 "$stage/tmp"
	chmod 0700 "$stage/root"
	cp "$busybox" "$stage/bin/busybox"
	for applet in $("$busybox" --list-full); do
		[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
	done
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
		'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$stage/etc/passwd"
	printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$stage/etc/group"
	printf '%s\n' '127.0.0.1 localhost boxlab-vm' '::1 localhost' >"$stage/etc/hosts"
	moddir=$vmdir/kernel/lib/modules/$kver
	: >"$stage/lib/modules/boxlab/order"
	for name in $modules; do
		file=$(find "$moddir" -name "$name.ko" -o -name "$name.ko.*" 2>/dev/null | head -n 1)
		out=$stage/lib/modules/boxlab/$name.ko
		case $file in
		"")
			if grep -q "/$name\.ko\$" "$moddir/modules.builtin" 2>/dev/null; then
				continue # built in: nothing to load
			fi
			warn "module $name is not in $moddir; the guest goes without it"
			continue
			;;
		*.ko) cp "$file" "$out" ;;
		*.ko.xz) xz -dc "$file" >"$out" ;;
		*.ko.zst) zstd -dcq "$file" >"$out" ;;
		*.ko.gz) gzip -dc "$file" >"$out" ;;
		*)
			warn "module $file: unknown compression; the guest goes without it"
			continue
			;;
		esac
		echo "$name" >>"$stage/lib/modules/boxlab/order"
	done
	(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$base.tmp"
	mv "$base.tmp" "$base"
	rm -rf "$stage"
}

# stage_path PATH: copy PATH (a file, link or directory, as it is) into
# the run's staging tree at the same absolute path.
stage_path() {
	mkdir -p "$stage$(dirname "$1")"
	cp -a "$1" "$stage$1"
}

# stage_libraries: every shared library the staged programs load, the
# dynamic loader included, at the path ldd names, as a plain file.
stage_libraries() {
	find "$stage" -type f -perm -u+x | while read -r file; do
		ldd "$file" 2>/dev/null || true
	done | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' |
		LC_ALL=C sort -u | while read -r lib; do
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}

# The guest's /init: this run's settings, then the script below.
write_init() {
	{
		echo '#!/bin/sh'
		echo "MODE=$mode"
		echo "LAYOUT=$layout"
		echo "IMPL=$impl"
		echo "TOP=$top"
		echo "BUILD=$build"
		echo "CHAPTERS=\"$chapters\""
		echo "GRADED=${VM_GRADED:+--graded}"
		cat <<'EOF'
# /init of boxlab's throwaway guest, written by common/scripts/vm.sh.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=${TERM:-linux}

# Stage 1, on the initramfs: the kernel's rootfs cannot be pivot_root-ed
# away from, so move everything into a tmpfs and switch_root to it.
if [ -z "${BOXLAB_STAGE:-}" ]; then
	mount -t tmpfs -o mode=0755 root /newroot
	for entry in /*; do
		[ "$entry" = /newroot ] || cp -a "$entry" /newroot/
	done
	BOXLAB_STAGE=2 exec switch_root /newroot /init
fi

say() { echo "boxlab-vm: $*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
# No tmpfs on /tmp: the root is a tmpfs already, and the lab itself may
# live under /tmp (a clone in /tmp/...), which a mount there would hide.
mount -t tmpfs -o mode=0755 tmpfs /run
# Only emergencies on the console: the tables must stay readable (an OOM
# kill is logged at error level); `dmesg` has everything.
echo 1 >/proc/sys/kernel/printk

# The cgroup layout. v2: the unified tree alone (enabling controllers in
# cgroup.subtree_control is the chapters' business). v1: a tmpfs with one
# hierarchy per enabled controller, as named in /proc/cgroups.
case $LAYOUT in
v2)
	mount -t cgroup2 cgroup2 /sys/fs/cgroup
	;;
v1)
	mount -t tmpfs -o mode=0755 cgroup /sys/fs/cgroup
	while read -r name hierarchy count enabled; do
		case $name in \#*) continue ;; esac
		[ "$enabled" = 1 ] || continue
		mkdir -p "/sys/fs/cgroup/$name"
		mount -t cgroup -o "$name" cgroup "/sys/fs/cgroup/$name" ||
			say "warning: cannot mount the v1 $name controller"
	done </proc/cgroups
	;;
esac

while read -r module; do
	insmod "/lib/modules/boxlab/$module.ko" ||
		say "warning: cannot load module $module"
done </lib/modules/boxlab/order

hostname boxlab-vm
ip link set lo up

if [ "$MODE" = shell ]; then
	export PATH="$TOP/$BUILD/solutions/bin:$PATH" BOXLAB_TOP="$TOP"
	echo
	say "kernel $(uname -r), cgroup $LAYOUT; the lab's programs are on PATH ($TOP/$BUILD/solutions/bin)"
	say "exit the shell to power off"
	cd "$TOP" || cd /
	setsid cttyhack sh -l
	poweroff -f
fi

# BOXLAB_GUEST: tests that repeat a step hundreds of times to find
# leaks do it fewer times under emulation, where each costs ten times
# as much (the host's run does the full count).
export BOXLAB_TOP="$TOP" BOXLAB_GUEST=1
mkdir -p /tmp/results
cd /tmp || exit 1
rc=0
echo
echo BOXLAB-VM-BEGIN
for chapter in $CHAPTERS; do
	# grade: what the tests printed goes to a log, sent back below.
	set -- --json "/tmp/results/$chapter.json"
	[ "$MODE" != grade ] || set -- "$@" --log "/tmp/results/$chapter.log"
	"$TOP/$BUILD/$IMPL/grade/$chapter/run-tests" $GRADED "$@" || rc=1
done
"$TOP/$BUILD/tools/grade" --out /tmp/grade.json /tmp/results/*.json || rc=1
echo BOXLAB-VM-END
if [ "$MODE" = grade ]; then
	for chapter in $CHAPTERS; do
		for file in "$chapter.results.json:$chapter.json" "$chapter.log:$chapter.log"; do
			[ -f "/tmp/results/${file#*:}" ] || continue
			echo "BOXLAB-VM-FILE-BEGIN ${file%%:*}"
			base64 "/tmp/results/${file#*:}"
			echo BOXLAB-VM-FILE-END
		done
	done
fi
echo BOXLAB-VM-GRADE-BEGIN
cat /tmp/grade.json
echo
echo BOXLAB-VM-GRADE-END
echo BOXLAB-VM-DMESG-BEGIN
dmesg
echo BOXLAB-VM-DMESG-END
echo "BOXLAB-VM-RESULT $rc"
poweroff -f
EOF
	} >"$stage/init"
	chmod 0755 "$stage/init"
}

# The run's archive: /init and the binaries, appended to the base.
make_initrd() {
	stage=$(mktemp -d "$vmdir/run.XXXXXX")
	cleanup="$cleanup $stage"
	write_init
	if [ "$mode" != shell ]; then
		for chapter in $chapters; do
			stage_path "$top/$build/$impl/grade/$chapter"
		done
		stage_path "$top/$build/tools/grade"
	fi
	stage_path "$top/$build/solutions/bin"
	stage_path "$top/tests/fixtures"
	# Files the programs read from the lab's tree: chapter 10's default
	# seccomp profile.
	stage_path "$top/chapters/10-security/seccomp-default.json"
	# umoci, when the host has it: a graded test of chapter 08 reads a
	# layout umoci made, and is skipped without it (its points lost).
	[ ! -x /usr/bin/umoci ] || stage_path /usr/bin/umoci
	stage_libraries
	initrd=$rundir/initrd
	{
		cat "$base"
		(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
	} >"$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	rm -rf "$stage"
}

# --- main ----------------------------------------------------------------

cleanup=""
vm_pid=""
# On any exit: stop a guest still running (timeout passes the TERM on to
# qemu), remove the run's scratch files.
# shellcheck disable=SC2317 # reached through the trap
on_exit() {
	if [ -n "$vm_pid" ]; then
		kill "$vm_pid" 2>/dev/null || true
		wait "$vm_pid" 2>/dev/null || true
	fi
	# shellcheck disable=SC2086 # a list of paths without spaces
	rm -rf $cleanup
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mode=${1:-}
layout=${2:-}
case $mode in
test | grade) [ $# -ge 4 ] || usage ;;
shell) [ $# -eq 2 ] || usage ;;
prepare) [ $# -eq 1 ] || usage ;;
*) usage ;;
esac
case $layout in
v2) cmdline_layout="cgroup_no_v1=all" ;;
v1) cmdline_layout="" ;;
*) [ "$mode" = prepare ] || usage ;;
esac
impl=solutions
chapters=""
if [ "$mode" = test ] || [ "$mode" = grade ]; then
	impl=$3
	case $impl in solutions | exercises) ;; *) usage ;; esac
	shift 3
	for chapter in "$@"; do
		if [ -d "chapters/$chapter" ]; then
			chapters="${chapters:+$chapters }$chapter"
		else
			warn "no chapter $chapter here; skipped"
		fi
	done
	[ -n "$chapters" ] || die "no chapter to test"
	for chapter in $chapters; do
		[ -x "$build/$impl/grade/$chapter/run-tests" ] ||
			die "$build/$impl/grade/$chapter/run-tests is not built (make test-vm builds it)"
	done
	[ -x "$build/tools/grade" ] || die "$build/tools/grade is not built"
fi
[ "$mode" = prepare ] || [ -d "$build/solutions/bin" ] || die "$build/solutions/bin is not built"
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 is not installed (run: sudo make deps)"
for tool in cpio apt-get dpkg-deb; do
	command -v "$tool" >/dev/null || die "$tool is not installed (run: sudo make deps)"
done

mkdir -p "$vmdir"
# The kernel and the base archive are shared by the guests of both
# layouts, which `make test` boots side by side: one prepares them, the
# other waits for it.
exec 9>"$vmdir/.prepare.lock"
flock 9
ensure_kernel
find_kernel
ensure_base
flock -u 9
exec 9>&-
if [ "$mode" = prepare ]; then
	echo "vm: Debian kernel $kver ($(cat "$vmdir/kernel/PACKAGE")) and the base archive are in $vmdir"
	exit 0
fi
# This run's files (its initrd, the console's fifo): a directory of its
# own, so that runs side by side (a class graded in parallel) never share
# one.
rundir=$(mktemp -d "$vmdir/run.XXXXXX")
cleanup="$cleanup $rundir"
make_initrd

echo "vm: Debian kernel $kver ($(cat "$vmdir/kernel/PACKAGE")), cgroup layout $layout${cmdline_layout:+ ($cmdline_layout)}${chapters:+, $impl: $chapters}"

# The guest's status comes back on the console; qemu's own is meaningless
# (poweroff -f ends it with 0 either way).
set -- qemu-system-x86_64 -accel tcg -m 512 -smp ${VM_CPUS:-2} -nographic -no-reboot -nic none \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 quiet${cmdline_layout:+ $cmdline_layout}"

if [ "$mode" = shell ]; then
	echo "vm: a shell in the guest; exit it to power off (or Ctrl-a x to stop qemu)"
	"$@"
	exit 0
fi

out=${VM_OUT:-$vmdir}
mkdir -p "$out"
log=$out/$layout-console.log
grade=$out/$layout-$impl-grade.json
rm -f "$grade"
timeout=${VM_TIMEOUT:-$((60 + 120 * $(echo "$chapters" | wc -w)))}
mkfifo "$rundir/console"
started=$(date +%s)
# qemu runs in the background, so that on_exit can stop it (Ctrl-C, a
# kill); -k 10: a qemu that ignores the TERM gets a KILL.
timeout -k 10 "$timeout" "$@" </dev/null >"$rundir/console" 2>&1 &
vm_pid=$!
set +e
# In grade mode, a file between BOXLAB-VM-FILE markers is written (still
# base64) only if its name is one of WANTED's.
wanted=""
if [ "$mode" = grade ]; then
	for chapter in $chapters; do
		wanted="$wanted $chapter.results.json $chapter.log"
		rm -f "$out/$chapter.results.json" "$out/$chapter.log" "$out/$chapter.results.json.b64" "$out/$chapter.log.b64"
	done
fi
awk -v logfile="$log" -v grade="$grade" -v out="$out" -v wanted="$wanted" '
	BEGIN { n = split(wanted, w, " "); for (i = 1; i <= n; i++) ok[w[i]] = 1 }
	{ sub(/\r$/, "") }
	logged < 20000000 { print > logfile; fflush(logfile); logged += length($0) + 1 }
	logged >= 20000000 && !cut { print "vm: console log cut at 20 MB" > logfile; close(logfile); cut = 1 }
	/^BOXLAB-VM-FILE-BEGIN / { file = ($2 in ok) ? out "/" $2 ".b64" : ""; infile = 1; next }
	/^BOXLAB-VM-FILE-END$/ { if (file != "") close(file); infile = 0; next }
	infile { if (file != "" && $0 ~ /^[A-Za-z0-9+\/=]*$/) print > file; next }
	/BOXLAB-VM-BEGIN$/ { tables = 1; next }
	/^BOXLAB-VM-END$/ { tables = 0; next }
	/^BOXLAB-VM-GRADE-BEGIN$/ { json = 1; next }
	/^BOXLAB-VM-GRADE-END$/ { json = 0; close(grade); next }
	/^BOXLAB-VM-RESULT [0-9]+$/ { status = $2; seen = 1 }
	json { print > grade; next }
	tables { print; fflush() }
	END { exit seen ? status : 255 }' <"$rundir/console"
status=$?
wait "$vm_pid"
vm_pid=""
set -e
for name in $wanted; do
	if [ -f "$out/$name.b64" ]; then
		base64 -d "$out/$name.b64" >"$out/$name" 2>/dev/null || rm -f "$out/$name"
		rm -f "$out/$name.b64"
	fi
done
elapsed=$(($(date +%s) - started))
if [ "$status" -eq 255 ]; then
	echo "vm: no result from the guest after $elapsed s (a kernel panic, or more than $timeout s);" \
		"the console is in $log:" >&2
	tail -n 20 "$log" | sed 's/^/    /' >&2
	exit 1
fi
echo "vm: the $layout guest finished in $elapsed s with status $status; console in $log, grades in $grade"
exit "$status"
