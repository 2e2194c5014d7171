#!/bin/sh
# bench.sh BIN - the lab's programs side by side with their peers.
#
# `make bench` runs this with the solutions' bin/. Each row times the same
# work done by the lab's program and by its peer with hyperfine (warm-up
# runs first, then many runs of each, no shell in between), and reports
# the median time of one run and the ratio lab/peer: below 1.00 the lab is
# faster. Chapter 11 adds the peak memory of a run, and ratios the same
# way; chapter 12 has a daemon, started once for its section and stopped
# at the end. Speed is measured here, never asserted in a test.
set -eu
bin=${1:?usage: bench.sh BIN}
csv=$(mktemp /tmp/boxlab-bench.XXXXXX)
work=""     # chapter 08's scratch directory
rt_work=""  # chapter 11's: bundle, --root directories, RSS samples
en_work=""  # chapter 12's: boxd's store and socket, podman's storage

# One cleanup, on success, failure and Ctrl-C alike, that each section
# adds its scratch to: INT and TERM only exit, and the exit runs it, once.
cleanup() {
	[ -z "$en_work" ] || engine_cleanup
	[ -z "$rt_work" ] || runtime_cleanup
	rm -f "$csv"
	[ -z "$work" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in hyperfine tini; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "bench: $tool is not installed (run: sudo make deps)" >&2
		exit 1
	fi
done

# row NAME RUNS "LAB COMMAND" "PEER COMMAND"
row() {
	hyperfine --shell=none --style=none --warmup 20 --runs "$2" \
		--export-csv "$csv" "$3" "$4" >/dev/null 2>&1 ||
		{ echo "bench: $1: a command failed" >&2; exit 1; }
	# hyperfine's CSV: command,mean,stddev,median,... in seconds; row 2
	# is the lab, row 3 the peer.
	awk -F, -v name="$1" 'NR == 2 { lab = $4 } NR == 3 { peer = $4 }
		END { printf "%-32s %9.3f ms %9.3f ms %7.2f\n", name,
		      lab * 1000, peer * 1000, lab / peer }' "$csv"
}

echo "$(nproc) CPUs, kernel $(uname -r); median of one run"
printf '%-32s %12s %12s %7s\n' "" "boxlab" "peer" "ratio"
echo "== chapter 02: miniinit vs tini $(tini --version | awk '{ print $3 }')"
row "init -- true" 500 "$bin/miniinit -- true" "tini -- true"
row "init -s -- reap 10000 orphans" 10 \
	"$bin/miniinit -s -- $bin/zombie --orphans -n 10000" \
	"tini -s -- $bin/zombie --orphans -n 10000"

# Chapter 08: the build cache. No peer here (no Docker engine): the two
# columns are the same build run again on a warm store (every step from
# the cache) and from scratch (import, then RUN as a container), and the
# ratio is cached/first.
rootfs=build/rootfs/busybox
if [ "$(id -u)" -eq 0 ] && [ -d "$rootfs" ]; then
	work=$(mktemp -d /tmp/boxlab-bench-build.XXXXXX)
	mkdir "$work/context"
	printf 'FROM busybox\nRUN mkdir /data\nENV A=1\nRUN echo hi > /data/hi\n' \
		>"$work/context/Boxfile"
	"$bin/boximg" --root "$work/warm" import "$rootfs" busybox >/dev/null
	"$bin/boximg" --root "$work/warm" build -t b "$work/context" >/dev/null
	echo "== chapter 08: boximg build, cached (left) vs first (right)"
	hyperfine --style=none --warmup 2 --runs 20 --export-csv "$csv" \
		"$bin/boximg --root $work/warm build -t b $work/context" \
		"rm -rf $work/cold && $bin/boximg --root $work/cold import $rootfs busybox && $bin/boximg --root $work/cold build -t b $work/context" \
		>/dev/null 2>&1 || { echo "bench: boximg build failed" >&2; exit 1; }
	awk -F, 'NR == 2 { lab = $4 } NR == 3 { peer = $4 }
		END { printf "%-32s %9.3f ms %9.3f ms %7.2f\n", "4 steps, 2 RUN",
		      lab * 1000, peer * 1000, lab / peer }' "$csv"
else
	echo "== chapter 08: skipped (needs root and make rootfs)"
fi

# Chapter 11: boxrun against crun and runc, the runtimes whose command line
# it has, side by side in one hyperfine run on one busybox bundle: the
# config.json of `boxrun spec` (six new namespaces, the usual mounts,
# masked paths) running `true`, with no terminal and an explicit
# linux.cgroupsPath under /boxlab, so that anything a runtime leaves is
# visibly the lab's. Each `run` creates, starts, waits for and deletes its
# container, so fixed IDs serve every run. The floor is the kernel's part
# of the same work without a runtime: a clone into the same six
# namespaces, a /proc mount, chroot, exec.
rt_token=""       # from rt_work's name: in the IDs and the cgroupsPath
rt_names=""       # the runtimes that are installed and ran once, cleanly
rt_hierarchies="" # every cgroup and cgroup2 mount point
rt_had_boxlab=""  # the hierarchies that had a boxlab/ before the bench
crun_wrap=""      # non-empty: crun must run without the hybrid cgroup2

rt_id() {
	echo "bench-$rt_token-$1"
}

# The command line that has runtime NAME do ARGS with its own --root.
rt_command() {
	case $1 in
	boxrun) shift; echo "$bin/boxrun --root $rt_work/boxrun $*" ;;
	runc) shift; echo "runc --root $rt_work/runc $*" ;;
	crun) shift; crun_wrapped "crun --root $rt_work/crun $*" ;;
	esac
}

# crun 1.8.1 refuses a hybrid layout (v1 controllers, a cgroup2 tree at
# /sys/fs/cgroup/unified): there it runs in a mount namespace of its own
# without that cgroup2, and the wrapper's cost is timed on its own.
detect_crun_wrap() {
	if awk '$2 == "/sys/fs/cgroup/unified" && $3 == "cgroup2" { found = 1 }
		END { exit !found }' /proc/self/mounts; then
		crun_wrap=yes
	fi
}

crun_wrapped() {
	if [ -n "$crun_wrap" ]; then
		echo "unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified; $1'"
	else
		echo "$1"
	fi
}

# The cgroups runtime NAME may have made, in every hierarchy: the
# config's cgroupsPath, boxrun's own boxlab/boxrun-ID (until it honours
# cgroupsPath), and a cgroup named after the ID (crun and runc without a
# cgroupsPath).
rt_cgroups() {
	for h in $rt_hierarchies; do
		echo "$h/boxlab/bench-$rt_token"
		echo "$h/boxlab/boxrun-$(rt_id "$1")"
		echo "$h/$(rt_id "$1")"
	done
}

# What runtime NAME left behind: its state, its cgroups, a boxlab/ that
# was not there before and has no cgroup in it. One line each.
rt_leftovers() {
	find "$rt_work/$1" -mindepth 1 -maxdepth 1 -printf 'state %p\n' 2>/dev/null
	for dir in $(rt_cgroups "$1"); do
		[ ! -d "$dir" ] || echo "cgroup $dir"
	done
	for h in $rt_hierarchies; do
		case " $rt_had_boxlab " in *" $h "*) continue ;; esac
		[ -d "$h/boxlab" ] || continue
		[ -n "$(find "$h/boxlab" -mindepth 1 -type d -print -quit)" ] ||
			echo "empty-parent $h/boxlab"
	done
}

# Kill what is left in cgroup DIR (only ever one of this bench's), then
# remove it; an exiting process holds it for a moment.
remove_cgroup() {
	[ -d "$1" ] || return 0
	while read -r pid; do
		kill -KILL "$pid" 2>/dev/null || true
	done 2>/dev/null <"$1/cgroup.procs" || true
	tries=0
	while ! rmdir "$1" 2>/dev/null && [ $tries -lt 50 ]; do
		tries=$((tries + 1))
		sleep 0.1
	done
}

# Everything of runtime NAME's: its container, its cgroups, the boxlab/
# it made (rmdir fails, harmlessly, while another cgroup is in it).
rt_remove() {
	sh -c "$(rt_command "$1" delete --force "$(rt_id "$1")")" >/dev/null 2>&1 || true
	for dir in $(rt_cgroups "$1"); do
		remove_cgroup "$dir"
	done
	for h in $rt_hierarchies; do
		case " $rt_had_boxlab " in *" $h "*) ;; *) rmdir "$h/boxlab" 2>/dev/null || true ;; esac
	done
}

runtime_cleanup() {
	for name in boxrun crun runc; do
		rt_remove "$name"
	done
	rm -rf "$rt_work"
}

# Run runtime NAME once: it must exit 0; say what it left behind (the
# bench then removes it, so that the next runtime is judged alone).
rt_check() {
	if ! sh -c "$(rt_command "$1" run --bundle "$rt_work/bundle" "$(rt_id "$1")")" \
		>"$rt_work/out" 2>&1; then
		echo "  $1: run failed: $(tail -1 "$rt_work/out")"
		rt_remove "$1"
		return 1
	fi
	rt_leftovers "$1" | awk -v name="$1" '
		$1 == "empty-parent" { parents++; next }
		{ other++; if (other <= 2) some = some " " $2 }
		END {
			if (!parents && !other)
				print "  " name " run: exit 0, nothing left behind"
			if (parents)
				print "  " name " run: exit 0, leaves the empty boxlab/ above" \
				      " its cgroupsPath in " parents " hierarchies (removed)"
			if (other)
				print "  " name " run: exit 0, leaves " other " thing(s) behind" \
				      " (removed):" some
		}'
	rt_remove "$1"
}

# The median of the numbers in FILE, one a line.
median() {
	sort -n "$1" | awk '{ v[NR] = $1 }
		END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Peak RSS of runtime NAME's `run`, median of 10, in KiB: GNU time's %M,
# ru_maxrss from wait4(2), the largest resident set of any one process
# among the runtime and the descendants it waited for.
rt_rss() {
	run=$(rt_command "$1" run --bundle "$rt_work/bundle" "$(rt_id "$1")")
	timed="/usr/bin/time -f %M -a -o $rt_work/rss-$1"
	case $1 in
	crun) run=$(crun_wrapped "exec $timed crun --root $rt_work/crun run --bundle $rt_work/bundle $(rt_id crun)") ;;
	*) run="$timed $run" ;;
	esac
	: >"$rt_work/rss-$1"
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		sh -c "$run" >/dev/null 2>&1 ||
			{ echo "bench: $1: run failed while measuring its RSS" >&2; exit 1; }
	done
	median "$rt_work/rss-$1"
}

# The median time of hyperfine command NAME in the CSV, in ms.
median_ms() {
	awk -F, -v name="$1" '$1 == name { print $4 * 1000 }' "$csv"
}

# One row of the table: LABEL, boxrun's value, the peer's, the unit.
ratio_row() {
	awk -v label="$1" -v lab="$2" -v peer="$3" -v unit="$4" 'BEGIN {
		if (unit == "ms")
			printf "%-32s %9.3f ms %9.3f ms %7.2f\n", label, lab, peer, lab / peer
		else
			printf "%-32s %8.1f MiB %8.1f MiB %7.2f\n", label, lab, peer, lab / peer }'
}

runtime_section() {
	rt_hierarchies=$(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts)
	for h in $rt_hierarchies; do
		[ ! -d "$h/boxlab" ] || rt_had_boxlab="$rt_had_boxlab $h"
	done
	rt_work=$(mktemp -d /tmp/boxlab-bench-XXXXXX)
	rt_token=${rt_work##*-}
	rootfs_dir=$rt_work/bundle/rootfs
	detect_crun_wrap
	mkdir "$rt_work/bundle"
	cp -a "$rootfs" "$rootfs_dir"
	"$bin/boxrun" spec --bundle "$rt_work/bundle"
	jq --arg cgroup "/boxlab/bench-$rt_token" \
		'.process.args = ["true"] | .process.terminal = false |
		 .linux.cgroupsPath = $cgroup' \
		"$rt_work/bundle/config.json" >"$rt_work/config.json"
	mv "$rt_work/config.json" "$rt_work/bundle/config.json"

	versions=""
	for name in crun runc; do
		if command -v "$name" >/dev/null 2>&1; then
			versions="$versions, $name $("$name" --version | awk 'NR == 1 { print $3 }')"
		fi
	done
	echo "== chapter 11: boxrun run vs${versions:-, no peer}: busybox true, one bundle" |
		sed 's/vs, /vs /'
	for name in boxrun crun runc; do
		if [ "$name" != boxrun ] && ! command -v "$name" >/dev/null 2>&1; then
			echo "  $name: not installed (run: sudo make deps), its rows are skipped"
		elif rt_check "$name"; then
			rt_names="$rt_names $name"
		elif [ "$name" = boxrun ]; then
			echo "bench: chapter 11: boxrun run failed" >&2
			exit 1
		else
			echo "  $name: its rows are skipped"
		fi
	done

	# Start to exit: one hyperfine run, each command named.
	floor="unshare -m -p -n -i -u -C -f --mount-proc=$rootfs_dir/proc chroot $rootfs_dir /bin/true"
	wrapper="unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified; true'"
	set --
	for name in $rt_names; do
		set -- "$@" -n "$name" "$(rt_command "$name" run --bundle "$rt_work/bundle" "$(rt_id "$name")")"
	done
	case " $rt_names " in
	*" crun "*) [ -z "$crun_wrap" ] || set -- "$@" -n wrapper "$wrapper" ;;
	esac
	hyperfine --shell=none --style=none --warmup 10 --runs 100 \
		--export-csv "$csv" "$@" -n floor "$floor" >/dev/null 2>&1 ||
		{ echo "bench: chapter 11: a command failed" >&2; exit 1; }
	boxrun_ms=$(median_ms boxrun)
	for name in $rt_names; do
		case $name in
		crun)
			crun_ms=$(median_ms crun)
			[ -z "$crun_wrap" ] || crun_ms=$(awk -v c="$crun_ms" \
				-v w="$(median_ms wrapper)" 'BEGIN { print c - w }')
			ratio_row "run true, start to exit: crun" "$boxrun_ms" "$crun_ms" ms ;;
		runc)
			ratio_row "run true, start to exit: runc" "$boxrun_ms" "$(median_ms runc)" ms ;;
		esac
	done
	ratio_row "run true vs the floor" "$boxrun_ms" "$(median_ms floor)" ms

	# Peak RSS, in MiB.
	boxrun_kib=$(rt_rss boxrun)
	for name in $rt_names; do
		[ "$name" = boxrun ] && continue
		ratio_row "peak RSS of run: $name" "$(awk -v k="$boxrun_kib" 'BEGIN { print k / 1024 }')" \
			"$(awk -v k="$(rt_rss "$name")" 'BEGIN { print k / 1024 }')" MiB
	done

	if [ -n "$crun_wrap" ]; then
		case " $rt_names " in
		*" crun "*)
			awk -v c="$(median_ms crun)" -v w="$(median_ms wrapper)" 'BEGIN {
				printf "  crun ran as unshare -m sh -c '\''umount /sys/fs/cgroup/unified; crun ...'\''\n"
				printf "  (crun 1.8.1 refuses this hybrid cgroup layout): %.3f ms measured, minus\n", c
				printf "  %.3f ms for that wrapper alone (unshare + sh + umount, run as a command\n", w
				printf "  of its own); its RSS was taken inside the wrapper, of crun alone\n" }' ;;
		esac
	fi
	echo "  floor: $(echo "$floor" | sed "s|$rootfs_dir|ROOTFS|g")"
	echo "  (the same six namespaces, /proc mounted, chroot, exec: no runtime)"
	echo "  peak RSS: GNU time's %M (ru_maxrss of wait4), median of 10 runs: the"
	echo "  largest resident set of any one process among the runtime and the"
	echo "  children it waited for (boxrun's forked child, runc's re-exec'd runc"
	echo "  init, the container's true), not their sum"
}

rootfs=build/rootfs/busybox
if [ "$(id -u)" -ne 0 ]; then
	echo "== chapter 11: skipped (needs root)"
elif [ ! -d "$rootfs" ]; then
	echo "== chapter 11: skipped (needs make rootfs)"
elif ! command -v jq >/dev/null 2>&1 || [ ! -x /usr/bin/time ]; then
	echo "== chapter 11: skipped (needs jq and GNU time: run sudo make deps)"
else
	runtime_section
fi

# Chapter 12: the engine. The same container, `run --rm --network none
# busybox true`, asked of boxd by the lab's client (box) and by the stock
# docker CLI, and of podman with its default runtime (crun), side by side
# in one hyperfine run: each run is a client from start to exit, and the
# container's create, attach, start, wait and removal. boxd is started
# once for the section (not timed), on a store of its own with the busybox
# image, in a session of its own (Ctrl-C reaches the bench, not the
# daemon, which the cleanup stops) and a network namespace of its own.
# podman gets the same busybox tree as an image in a storage root of its
# own, so that the host's images, containers and run state are never
# touched; no container has a network.
en_boxd=""        # boxd's PID, while it runs
en_sock=""        # its socket
en_hierarchies="" # every cgroup and cgroup2 mount point
en_parents=""     # the cgroup parents boxd and podman make in each of them
en_had=""         # those of them that were there before the section
en_names=""       # the commands that ran once, cleanly: box, docker, podman
en_image=localhost/boxlab-bench12-busybox # the lab's busybox, in podman

# The command line that has podman do ARGS on the section's storage
# (--tmpdir too: podman's run state, /run/libpod otherwise), wrapped as
# crun needs on a hybrid layout.
en_podman() {
	crun_wrapped "podman --root $en_work/podman/storage --runroot $en_work/podman/runroot --tmpdir $en_work/podman/tmp $*"
}

# Whether process PID is running (a zombie, ours to reap, is not).
en_alive() {
	[ -r "/proc/$1/stat" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# The hard limit of RESOURCE ("Max open files", "Max processes") of this
# shell, from /proc/self/limits; -1 for unlimited.
hard_limit() {
	awk -v name="$1" 'index($0, name) == 1 {
		n = split(substr($0, length(name) + 1), f, " ")
		print (f[2] == "unlimited" ? -1 : f[2])
	}' /proc/self/limits
}

# Run command NAME once, up to 3 tries (box run --rm exits 1 now and
# then, see below): say why if it never exits 0.
en_check() {
	for _ in 1 2 3; do
		if sh -c "$2" >"$en_work/out" 2>&1; then
			return 0
		fi
	done
	echo "  $1: run failed: $(tail -1 "$en_work/out")"
	return 1
}

engine_cleanup() {
	# boxd's containers, while it listens: rm -f kills, waits for the
	# monitor (which unmounts and unplugs), removes.
	if [ -n "$en_boxd" ] && en_alive "$en_boxd"; then
		for dir in "$en_work"/root/containers/*/; do
			[ -d "$dir" ] || continue
			"$bin/box" -H "unix://$en_sock" rm -f "$(basename "$dir")" >/dev/null 2>&1 || true
		done
		kill -TERM "$en_boxd" 2>/dev/null || true
		tries=0
		while en_alive "$en_boxd" && [ $tries -lt 50 ]; do
			tries=$((tries + 1))
			sleep 0.1
		done
		kill -KILL "$en_boxd" 2>/dev/null || true
	fi
	[ -z "$en_boxd" ] || wait "$en_boxd" 2>/dev/null || true
	en_boxd=""
	# What boxd could not remove (it died first): the containers that
	# it ever named, in the store or in its log; their cgroups (the
	# processes in them are killed), their monitors, which outlive boxd
	# by design, and their mounts.
	ids=$({ ls "$en_work/root/containers" 2>/dev/null
		grep -o 'containers/[0-9a-f]\{64\}' "$en_work/boxd.log" 2>/dev/null | cut -d/ -f2
	} | cut -c1-12 | sort -u | tr '\n' ' ')
	for h in $en_hierarchies; do
		for dir in "$h"/boxlab/boxd-*; do
			case " $ids " in *" ${dir##*/boxd-} "*) remove_cgroup "$dir" ;; esac
		done
	done
	for proc in /proc/[0-9]*; do
		case $(tr '\0' ' ' 2>/dev/null <"$proc/cmdline") in
		"boxmon --root $en_work/root "*) kill -KILL "${proc#/proc/}" 2>/dev/null || true ;;
		esac
	done
	# podman's container (a run cut short) and image, on its own storage.
	if [ -d "$en_work/podman" ]; then
		sh -c "$(en_podman rm --all --force --time 0)" >/dev/null 2>&1 || true
		sh -c "$(en_podman rmi --force "$en_image")" >/dev/null 2>&1 || true
	fi
	awk -v w="$en_work/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r mnt; do
			umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
		done
	# The parents made during the section, emptied deepest first: boxd's
	# boxlab/, podman's libpod_parent/ (conmon/ in it, and a container's
	# cgroup if a run was cut short) or machine.slice/. One in use (by
	# something else that started meanwhile) stays.
	for dir in $en_parents; do
		case " $en_had " in *" $dir "*) continue ;; esac
		[ ! -d "$dir" ] || find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
	done
	rm -rf "$en_work"
	en_work=""
}

# 500 box run --rm against the same boxd, ten clients at once, then
# nothing of theirs may be left: a record, a mount, a cgroup, a process.
en_leak_check() {
	started=$(date +%s)
	find /sys/fs/cgroup -maxdepth 3 -name 'boxd-*' 2>/dev/null | sort >"$en_work/cgroups.before"
	clients=""
	for c in 0 1 2 3 4 5 6 7 8 9; do
		(i=0; while [ $i -lt 50 ]; do
			$box_run >/dev/null 2>&1 || echo "box run failed" >>"$en_work/leak.err"
			i=$((i + 1))
		done) &
		clients="$clients $!"
	done
	# shellcheck disable=SC2086 # (boxd is a child too: not waited for)
	wait $clients
	left=""
	[ ! -s "$en_work/leak.err" ] || left="$left $(wc -l <"$en_work/leak.err") failed runs;"
	n=$(find "$en_work/root/containers" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	[ "$n" -eq 0 ] || left="$left $n container records;"
	n=$(grep -c " $en_work/" /proc/self/mountinfo || true)
	[ "$n" -eq 0 ] || left="$left $n mounts;"
	# (Another boxd's, made before, are not ours.)
	n=$(find /sys/fs/cgroup -maxdepth 3 -name 'boxd-*' 2>/dev/null | sort |
		comm -13 "$en_work/cgroups.before" - | wc -l)
	[ "$n" -eq 0 ] || left="$left $n cgroups;"
	n=$(pgrep -c -f "boxmon --root $en_work/" || true)
	[ "$n" -eq 0 ] || left="$left $n monitors;"
	if [ -n "$left" ]; then
		echo "bench: chapter 12: 500 runs left:$left" >&2
		exit 1
	fi
	echo "  then 500 box run --rm, ten clients at once, in $(($(date +%s) - started)) s: nothing left (records, mounts, cgroups, monitors)"
}

engine_section() {
	en_work=$(mktemp -d /var/tmp/boxlab-bench12-XXXXXX)
	en_sock=$en_work/boxd.sock
	en_hierarchies=$(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts)
	for h in $en_hierarchies; do
		for name in boxlab libpod_parent machine.slice; do
			en_parents="$en_parents $h/$name"
			[ ! -d "$h/$name" ] || en_had="$en_had $h/$name"
		done
	done
	detect_crun_wrap

	"$bin/boximg" --root "$en_work/root" import "$rootfs" busybox >/dev/null
	: >"$en_work/boxd.log"
	setsid unshare -n "$bin/boxd" --root "$en_work/root" --exec-root "$en_work/exec" \
		-H "unix://$en_sock" 2>"$en_work/boxd.log" &
	en_boxd=$!
	tries=0
	while ! grep -q 'boxd: API' "$en_work/boxd.log"; do
		tries=$((tries + 1))
		if ! en_alive "$en_boxd" || [ $tries -gt 100 ]; then
			echo "bench: chapter 12: boxd did not start: $(tail -1 "$en_work/boxd.log")" >&2
			exit 1
		fi
		sleep 0.1
	done

	versions=""
	if command -v podman >/dev/null 2>&1; then
		versions=" vs podman $(podman --version | awk '{ print $3 }')"
		! command -v crun >/dev/null 2>&1 ||
			versions="$versions (crun $(crun --version | awk 'NR == 1 { print $3 }'))"
	fi
	echo "== chapter 12: boxd$versions: run --rm --network none busybox true"

	# podman asks for 1048576 open files by default, and a runtime without
	# CAP_SYS_RESOURCE (root in some VMs) cannot raise a hard limit above
	# what it holds: this shell's, and at most 32768 processes.
	files=$(hard_limit 'Max open files')
	procs=$(hard_limit 'Max processes')
	if [ "$procs" -lt 0 ] || [ "$procs" -gt 32768 ]; then procs=32768; fi
	box_run="$bin/box -H unix://$en_sock run --rm --network none busybox true"
	# The docker CLI's own files (its config, contexts) stay in the
	# scratch: --config, not DOCKER_CONFIG, which podman reads too.
	docker_run="docker --config $en_work/docker -H unix://$en_sock run --rm --network none busybox true"
	podman_run=$(en_podman run --rm --network none --ulimit "nofile=$files:$files" \
		--ulimit "nproc=$procs:$procs" "$en_image" true)
	if en_check box "$box_run"; then
		en_names=box
	else
		echo "bench: chapter 12: box run failed" >&2
		exit 1
	fi
	if ! command -v docker >/dev/null 2>&1; then
		echo "  docker: no docker CLI (the client alone is needed), its rows are skipped"
	elif en_check docker "$docker_run"; then
		en_names="$en_names docker"
	else
		echo "  docker: its rows are skipped"
	fi
	if ! command -v podman >/dev/null 2>&1; then
		echo "  podman: not installed (run: sudo make deps), its rows are skipped"
	elif ! tar -C "$rootfs" -c . | sh -c "$(en_podman import -q - "$en_image")" \
		>"$en_work/out" 2>&1; then
		echo "  podman: import failed: $(tail -1 "$en_work/out"), its rows are skipped"
	elif en_check podman "$podman_run"; then
		en_names="$en_names podman"
	else
		echo "  podman: its rows are skipped"
	fi

	# One hyperfine run, each command named. box run --rm exits 1 now and
	# then: it asks for the exit status (wait) only once the output has
	# ended, and by then --rm may have removed the container (404); the
	# work was done all the same. So failures are counted, not fatal,
	# unless every run of a command failed.
	set --
	for name in $en_names; do
		case $name in
		box) set -- "$@" -n box "$box_run" ;;
		docker) set -- "$@" -n docker "$docker_run" ;;
		podman)
			set -- "$@" -n podman "$podman_run"
			[ -z "$crun_wrap" ] || set -- "$@" -n wrapper \
				"unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified; true'" ;;
		esac
	done
	hyperfine --shell=none --style=none --ignore-failure --warmup 10 --runs 100 \
		--export-csv "$csv" --export-json "$en_work/runs.json" "$@" >/dev/null 2>&1 ||
		{ echo "bench: chapter 12: hyperfine failed" >&2; exit 1; }
	for name in $en_names; do
		failed=$(jq -r --arg name "$name" '.results[] | select(.command == $name) |
			(.exit_codes // []) | "\(map(select(. != 0)) | length) \(length)"' \
			"$en_work/runs.json")
		case $failed in
		0\ *) ;;
		*) if [ "${failed% *}" = "${failed#* }" ]; then
			echo "bench: chapter 12: $name: every run failed" >&2
			exit 1
		   fi
		   echo "  $name: ${failed% *} of ${failed#* } runs exited non-zero (timed all the same)" ;;
		esac
	done

	box_ms=$(median_ms box)
	case " $en_names " in
	*" podman "*)
		podman_ms=$(median_ms podman)
		[ -z "$crun_wrap" ] || podman_ms=$(awk -v p="$podman_ms" \
			-v w="$(median_ms wrapper)" 'BEGIN { print p - w }')
		ratio_row "run, box -> boxd vs podman" "$box_ms" "$podman_ms" ms
		case " $en_names " in
		*" docker "*) ratio_row "run, docker -> boxd vs podman" "$(median_ms docker)" "$podman_ms" ms ;;
		esac ;;
	esac
	case " $en_names " in
	*" docker "*) ratio_row "run, box vs docker, one boxd" "$box_ms" "$(median_ms docker)" ms ;;
	*" podman "*) ;;
	*) awk -v b="$box_ms" 'BEGIN { printf "%-32s %9.3f ms\n", "run, box -> boxd", b }' ;;
	esac

	clients="box $("$bin/box" -H "unix://$en_sock" version 2>/dev/null | awk '$1 == "Version:" { print $2; exit }')"
	case " $en_names " in
	*" docker "*) clients="$clients, docker $(docker --version | awk '{ sub(",", "", $3); print $3 }')" ;;
	esac
	echo "  clients: $clients"
	echo "  a run: the client from start to exit, and the container's create,"
	echo "  attach, start, wait and removal (boxd was started once, before)"
	case " $en_names " in
	*" podman "*)
		echo "  podman: a storage root of its own, --ulimit nofile=$files:$files nproc=$procs:$procs"
		if [ -n "$crun_wrap" ]; then
			awk -v p="$(median_ms podman)" -v w="$(median_ms wrapper)" 'BEGIN {
				printf "  podman ran as unshare -m sh -c '\''umount /sys/fs/cgroup/unified; podman ...'\''\n"
				printf "  (its crun 1.8.1 refuses this hybrid cgroup layout): %.3f ms measured, minus\n", p
				printf "  %.3f ms for that wrapper alone\n", w }'
		fi ;;
	esac
	en_leak_check
}

if [ "$(id -u)" -ne 0 ]; then
	echo "== chapter 12: skipped (needs root)"
elif [ ! -d "$rootfs" ]; then
	echo "== chapter 12: skipped (needs make rootfs)"
elif ! command -v jq >/dev/null 2>&1; then
	echo "== chapter 12: skipped (needs jq: run sudo make deps)"
else
	engine_section
fi
