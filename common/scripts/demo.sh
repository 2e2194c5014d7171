#!/bin/sh
# shellcheck disable=SC2016 # the $$ shown is for the shell in a container
# demo.sh BIN [ROOTFS [CHAPTER...]] - run each chapter's programs once,
# with a line of narration.
#
# `make demo` builds the solutions and calls this with their bin/. Each
# chapter adds a section; the lessons in chapters/*/README.md explain what
# you see. With CHAPTERs (12, 09 or 9-network), only those run, in the
# order given:
#	common/scripts/demo.sh build/solutions/bin build/rootfs/busybox 12
set -eu
bin=${1:?usage: demo.sh BIN [ROOTFS [CHAPTER...]]}
rootfs=${2:-build/rootfs/busybox}

say() {
	printf '\n\033[1m%s\033[0m\n' "$*"
}

# show CMD...: print the command as a user would type it, then run it.
show() {
	printf '$ %s\n' "$*"
	"$@"
}

# show_head N CMD...: the same, keeping the first N lines of the output.
show_head() {
	lines=$1
	shift
	printf '$ %s | head -%s\n' "$*" "$lines"
	"$@" | head -"$lines"
	echo "..."
}

chapter_01() {
	say "== Chapter 01: the process tree (chapters/01-process-tree/README.md)"
	say "Every process has a parent. PID 1 is the root of user space; kernel threads hang under kthreadd, PID 2:"
	show_head 12 "$bin/ptree"
	say "Only the branch of this shell: its ancestors up to PID 1, and what runs below it (-K hides kernel threads):"
	show "$bin/ptree" -K -p "$$"
	say "When a parent exits first, the kernel gives its children a new parent: PID 1 ..."
	show "$bin/orphan"
	say "... or the nearest ancestor that declared itself a child subreaper:"
	show "$bin/orphan" --subreaper
}

chapter_02() {
	say "== Chapter 02: init, what PID 1 owes its children (chapters/02-init/README.md)"
	say "A process that exits stays a zombie (state Z) until its parent waits for it:"
	show "$bin/zombie" -n 2
	if [ "$(id -u)" -ne 0 ]; then
		say "(the PID-namespace part of this chapter needs root: sudo make demo)"
		return
	fi
	say "As PID 1 of a new PID namespace, a program that never waits collects orphans as zombies, like java in a container:"
	show "$bin/pid1" -- "$bin/zombie" --orphans -n 4 --tree
	say "With miniinit as PID 1, they are reaped:"
	show "$bin/pid1" --init -- "$bin/zombie" --orphans -n 4 --sync --tree
	say "PID 1 ignores signals it has no handler for, when they come from inside its namespace:"
	show "$bin/pid1" -- sh -c 'kill -TERM $$; echo "PID $$ survived SIGTERM"'
	say "Which program would the kernel start as init in the busybox root filesystem?"
	show "$bin/initsearch" "$rootfs"
}

chapter_03() {
	say "== Chapter 03: namespaces (chapters/03-namespaces/README.md)"
	if [ "$(id -u)" -ne 0 ]; then
		say "(this chapter needs root: sudo make demo)"
		return
	fi
	say "A host name of its own, that the host never sees:"
	show "$bin/isolate" --hostname box1 -- hostname
	say "In a new PID namespace the command is PID 1, and ps (reading a fresh /proc) sees only the container:"
	show "$bin/isolate" --pid -- sh -c 'echo "my PID is $$"; ps -o pid,comm'
	say "Which namespaces differ from the shell outside? nsls, from inside new UTS and IPC namespaces:"
	show "$bin/isolate" --uts --ipc -- "$bin/nsls" "$$"
	say "Namespaces nest: a container inside a container, with miniinit as each PID 1:"
	show "$bin/isolate" --pid --init --hostname outer -- "$bin/isolate" --pid --init --hostname inner -- sh -c 'echo "PID $$ on $(hostname)"; ps -o pid,comm'
}

# shellcheck disable=SC2086 # $as_user is a command prefix, split on purpose
chapter_04() {
	say "== Chapter 04: user namespaces (chapters/04-user-namespaces/README.md)"
	# The point is an ordinary user: as root, become uid 61234 for the
	# section (setpriv, util-linux; the tests' user too), not nobody,
	# whose 65534 would look like the overflow ID; otherwise we are an
	# ordinary user already.
	as_user=""
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv >/dev/null 2>&1 || {
			say "(needs setpriv from util-linux to become an ordinary user)"
			return
		}
		as_user="setpriv --reuid=61234 --regid=61234 --clear-groups"
	fi
	dir=$(mktemp -d /tmp/boxlab-demo.XXXXXX)
	[ -z "$as_user" ] || chown 61234:61234 "$dir"
	say "An ordinary user outside:"
	show $as_user id
	say "Root inside its own user namespace, with every capability there:"
	show $as_user "$bin/rootless" -v -- sh -c "id; touch $dir/made-inside; ls -ln $dir"
	say "Outside, the file belongs to the ordinary user, and root's files show as 65534 inside:"
	show ls -ln "$dir"
	show $as_user "$bin/rootless" -- ls -ln /etc/passwd
	say "Its own host name, yes; the host's clock, no:"
	show $as_user "$bin/rootless" --hostname boxlab-box -- sh -c 'hostname; date -s @0 || true'
	say "capls inside: all of them, in a namespace of its own:"
	show $as_user "$bin/rootless" -- "$bin/capls"
	rm -rf "$dir"
}

chapter_05() {
	say "== Chapter 05: cgroups (chapters/05-cgroups/README.md)"
	if [ "$(id -u)" -ne 0 ]; then
		say "(this chapter needs root: sudo make demo)"
		return
	fi
	say "A memory hog in a 32 MiB cgroup meets the OOM killer (exit 137 = 128 + SIGKILL):"
	show "$bin/cgbox" --memory 32M -- "$bin/hog" --memory 256 || true
	say "A fork bomb is held at 64 processes; the host goes on forking:"
	show "$bin/cgbox" --pids 64 -- "$bin/hog" --forks
	say "Half a CPU, as the cgroup's own counter measures it:"
	show "$bin/cgbox" --cpus 0.5 --stats -- "$bin/hog" --cpu 5
}

chapter_06() {
	say "== Chapter 06: the root file system (chapters/06-rootfs/README.md)"
	if [ "$(id -u)" -ne 0 ]; then
		say "(this chapter needs root: sudo make demo)"
		return
	fi
	dir=$(mktemp -d /tmp/boxlab-demo-XXXXXX)
	trap 'rm -rf "$dir"' EXIT
	cp -a "$rootfs" "$dir/rootfs"
	cp "$bin/escape" "$dir/rootfs/bin/escape"
	echo "a file only the host has" >"$dir/host-file"
	say "The container's / is the busybox tree, with its own /proc and a /dev of six devices:"
	show "$bin/enterfs" --hostname box1 "$dir/rootfs" -- sh -c 'ls -C /; ps; ls -C /dev'
	say "chroot is not a container: escape climbs out and reads the host's file"
	show "$bin/enterfs" --chroot "$dir/rootfs" -- /bin/escape "$dir/host-file" || true
	say "After pivot_root the same climb ends at the container's own root:"
	show "$bin/enterfs" "$dir/rootfs" -- /bin/escape "$dir/host-file" || true
	say "Read-only, as the overview's rootfs, with a writable /tmp:"
	show "$bin/enterfs" --readonly "$dir/rootfs" -- sh -c 'touch /x; touch /tmp/x && echo /tmp is writable'
	rm -rf "$dir"
	trap - EXIT
}

chapter_07() {
	say "== Chapter 07: overlayfs, union mounts and copy-on-write (chapters/07-overlay/README.md)"
	if [ "$(id -u)" -ne 0 ]; then
		say "(this chapter needs root: sudo make demo)"
		return
	fi
	say "A container's changes land in its upper layer and the image below never changes: write, chmod, delete, a directory replaced, the overview's two cases of a file changed in the image under a running container, and what docker diff would say:"
	show "$bin/cowdemo"
	say "ovlrun: a container on a fresh layer over the busybox image, then docker diff of it:"
	show "$bin/ovlrun" "$rootfs" -- sh -c 'mkdir /data && echo hi > /data/x && rm /bin/true && ls /data'
}

chapter_08() {
	say "== Chapter 08: images (chapters/08-images/README.md)"
	if [ "$(id -u)" -ne 0 ]; then
		say "(this chapter needs root: sudo make demo)"
		return
	fi
	dir=$(mktemp -d /tmp/boxlab-demo-XXXXXX)
	trap 'rm -rf "$dir"' EXIT
	store="$dir/store"
	mkdir "$dir/context"
	printf 'FROM busybox\n\nRUN mkdir /data\n' >"$dir/context/Boxfile"
	say "The busybox root file system becomes an image, in a store laid out like /var/lib/docker:"
	show "$bin/boximg" --root "$store" import "$rootfs" busybox
	say "The overview's Dockerfile, FROM + RUN mkdir /data; the RUN is a container on a fresh layer:"
	show cat "$dir/context/Boxfile"
	show "$bin/boximg" --root "$store" build -t mybox "$dir/context"
	say "inspect: LowerDir is the base image's layer, UpperDir the new one..."
	"$bin/boximg" --root "$store" inspect mybox | grep -A 6 GraphDriver
	upper=$("$bin/boximg" --root "$store" inspect mybox | sed -n 's/.*"UpperDir": "\(.*\)".*/\1/p')
	say "...and in it there is /data, and nothing else:"
	show ls -l "$upper"
	say "Built again: every step comes from the cache:"
	show "$bin/boximg" --root "$store" build -t mybox "$dir/context"
	rm -rf "$dir"
	trap - EXIT
}

chapter_09() {
	say "== Chapter 09: networking (chapters/09-network/README.md)"
	if [ "$(id -u)" -ne 0 ]; then
		say "(this chapter needs root: sudo make demo)"
		return
	fi
	dir=$(mktemp -d /tmp/boxlab-demo-XXXXXX)
	trap 'rm -rf "$dir"' EXIT
	mkfifo "$dir/ready"
	# Everything below runs in a network namespace of its own, the
	# demo's "host": the real host's links and rules are never touched,
	# and what is left when it ends goes away with it.
	unshare --net sh -eu -c "$(cat <<'INNER'
bin=$1 dir=$2
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
# container NAME CMD...: CMD in a new network namespace; its PID in $pid
# once the namespace exists (it says so on the fifo).
container() {
	unshare --net sh -c 'echo >"$0"; exec "$@"' "$dir/ready" "$@" &
	pid=$!
	read -r _ <"$dir/ready"
}
say "A new network namespace has one link, lo, and it is down:"
show ip -br link
say "bridge up: the bridge bx0 (Docker's docker0) with the gateway's address, and the table boxlab:"
show "$bin/boxnet" --state "$dir/run" bridge up
container /bin/busybox nc -ll -p 80 -e /bin/busybox echo hello from container A
a=$pid
container sleep 60
b=$pid
say "attach: a veth pair for each container, eth0 inside, bxvPID on the bridge:"
show "$bin/boxnet" --state "$dir/run" attach "$a"
show "$bin/boxnet" --state "$dir/run" attach "$b"
show "$bin/boxnet" --state "$dir/run" ls
say "Container B talks to container A across the bridge:"
show nsenter -t "$b" -n /bin/busybox nc 10.89.0.2 80
say "publish 8080:80: a DNAT rule sends the host's port 8080 to A's port 80:"
show "$bin/boxnet" --state "$dir/run" publish 8080:80 "$a"
container sleep 60
c=$pid
ip link add bxo0 type veth peer name eth0 netns "$c"
ip address add 10.99.0.1/24 dev bxo0
ip link set bxo0 up
nsenter -t "$c" -n sh -c 'ip link set lo up; ip link set eth0 up; ip address add 10.99.0.2/24 dev eth0'
say "A client outside (10.99.0.2, linked to the host by bxo0) connects to the host's port 8080:"
show nsenter -t "$c" -n /bin/busybox nc 10.99.0.1 8080
show nft list table ip boxlab
say "bridge down: the containers' links, the bridge and the table go:"
show "$bin/boxnet" --state "$dir/run" bridge down
ip link delete bxo0
kill "$a" "$b" "$c"
show ip -br link
INNER
)" sh "$bin" "$dir"
	rm -rf "$dir"
	trap - EXIT
}

chapter_10() {
	say "== Chapter 10: security (chapters/10-security/README.md)"
	if [ "$(id -u)" -ne 0 ]; then
		say "(this chapter needs root: sudo make demo)"
		return
	fi
	dir=$(mktemp -d /tmp/boxlab-demo-XXXXXX)
	trap 'rm -rf "$dir"' EXIT
	cp -a "$rootfs" "$dir/rootfs"
	cp "$bin/secprobe" "$dir/rootfs/bin/secprobe"
	say "Chapter 06's container: root inside may mount, reboot, make raw sockets (each probe fails harmlessly later, or succeeds inside):"
	show "$bin/secbox" "$dir/rootfs" -- /bin/secprobe deny
	say "The same command with the layers a runtime applies: Podman's capabilities, the default seccomp profile, no_new_privs, masked and read-only paths:"
	show "$bin/secbox" --caps default --seccomp default --no-new-privs --mask --readonly-paths "$dir/rootfs" -- /bin/secprobe deny
	say "A setuid-root program run by nobody makes it root again, unless no_new_privs:"
	cp "$bin/secprobe" "$dir/rootfs/bin/secprobe-suid"
	chmod 4755 "$dir/rootfs/bin/secprobe-suid"
	show "$bin/secbox" --caps default "$dir/rootfs" -- /bin/secprobe setuid /bin/secprobe-suid
	show "$bin/secbox" --caps default --no-new-privs "$dir/rootfs" -- /bin/secprobe setuid /bin/secprobe-suid
	rm -rf "$dir"
	trap - EXIT
}

# The hard limit of RESOURCE ("Max open files", "Max processes") of this
# shell, from /proc/self/limits; -1 for unlimited, podman's word for it.
hard_limit() {
	awk -v name="$1" 'index($0, name) == 1 {
		n = split(substr($0, length(name) + 1), f, " ")
		print (f[2] == "unlimited" ? -1 : f[2])
	}' /proc/self/limits
}

# Chapter 11's cleanup, on success, failure and Ctrl-C alike: the
# containers (boxrun delete --force kills and waits, then removes the
# cgroup and the state), podman's containers and image, the podman cgroup
# parents that were not there before, the scratch directory.
chapter_11_cleanup() {
	"$bin/boxrun" delete --force "$ctr" >/dev/null 2>&1 || true
	"$bin/boxrun" delete --force "$ctr-run" >/dev/null 2>&1 || true
	if [ -n "$image" ]; then
		podman rm --ignore -f -t 0 "$ctr" >/dev/null 2>&1 || true
		podman rm --ignore -f -t 0 "$ctr-rm" >/dev/null 2>&1 || true
		# By its label: an import cut short may have stored the image
		# without its name.
		podman images -q --filter "label=boxlab.demo=$$" | while read -r i; do
			podman rmi -f "$i" >/dev/null 2>&1 || true
		done
	fi
	# podman makes libpod_parent/ (and conmon/ in it) in every hierarchy
	# and never removes them: the deepest first, and only if we made them.
	if [ "$podman_parent" = new ]; then
		for d in /sys/fs/cgroup/*/libpod_parent/conmon /sys/fs/cgroup/libpod_parent/conmon \
			/sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent; do
			if [ -d "$d" ]; then rmdir "$d" 2>/dev/null || true; fi
		done
	fi
	# boxrun's default root goes with its last container; a command that
	# failed (a delete above of what was not there) may have made it again.
	rmdir /run/boxlab/boxrun /run/boxlab 2>/dev/null || true
	rm -rf "$dir"
}

chapter_11() {
	say "== Chapter 11: the runtime (chapters/11-runtime/README.md)"
	if [ "$(id -u)" -ne 0 ]; then
		say "(this chapter needs root: sudo make demo)"
		return
	fi
	dir=$(mktemp -d /tmp/boxlab-demo-XXXXXX)
	ctr=boxlab-demo-$$
	image=""
	podman_parent=old
	trap chapter_11_cleanup EXIT
	trap 'chapter_11_cleanup; trap - EXIT; exit 130' INT TERM HUP
	bundle="$dir/bundle"
	mkdir "$bundle"
	cp -a "$rootfs" "$bundle/rootfs"
	say "An OCI bundle is a directory: config.json and the root file system. boxrun spec writes runc's default config:"
	show "$bin/boxrun" spec --bundle "$bundle"
	show ls "$bundle"
	say "Without a terminal, and with sleep as the container's program (sed edits config.json):"
	sed -i 's/"terminal": true/"terminal": false/; s/"args": \[ "sh" \]/"args": [ "sleep", "1000" ]/' "$bundle/config.json"
	show grep -E '"terminal"|"args"' "$bundle/config.json"
	say "create builds the container (namespaces, cgroup, mounts, pivot_root) and stops its process just before the program:"
	show "$bin/boxrun" create --bundle "$bundle" "$ctr"
	show "$bin/boxrun" state "$ctr"
	say "It waits on exec.fifo, a named pipe in boxrun's state directory, until start opens the other end:"
	show ls -l "/run/boxlab/boxrun/$ctr"
	pid=$("$bin/boxrun" state "$ctr" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
	show ps -o pid,stat,wchan:16,args -p "$pid"
	say "start: the fifo is gone, the process is sleep now, and PID 1 inside:"
	show "$bin/boxrun" start "$ctr"
	show "$bin/boxrun" list
	show "$bin/boxrun" exec "$ctr" ps -o pid,ppid,comm
	say "SIGTERM: PID 1 has no handler, and ignores it (chapter 02); delete --force sends SIGKILL, waits, removes the cgroup and the state:"
	show "$bin/boxrun" kill "$ctr" TERM
	show "$bin/boxrun" ps "$ctr"
	show "$bin/boxrun" delete --force "$ctr"
	say "run is create, start, wait and delete in one; the exit status is the program's:"
	sed -i 's/"args": \[ "sleep", "1000" \]/"args": [ "sh", "-c", "echo hello from $(hostname), PID $$; exit 3" ]/' "$bundle/config.json"
	show "$bin/boxrun" run --bundle "$bundle" "$ctr-run" || echo "(exit status $?)"
	chapter_11_podman
	chapter_11_cleanup
	trap - EXIT INT TERM HUP
}

# podman drives boxrun, when podman is there and works.
chapter_11_podman() {
	if ! command -v podman >/dev/null 2>&1; then
		say "(podman is not installed: its part of the chapter is skipped; sudo make deps installs it)"
		return
	fi
	if ! ls -d /sys/fs/cgroup/libpod_parent /sys/fs/cgroup/*/libpod_parent >/dev/null 2>&1; then
		podman_parent=new
	fi
	if ! podman info >/dev/null 2>&1; then
		say "(podman does not work here: its part of the chapter is skipped)"
		return
	fi
	image=localhost/boxlab-demo-busybox:$$
	runtime=$(cd "$bin" && pwd)/boxrun # podman wants an absolute path
	# podman asks for 1048576 open files and its own process keeps at
	# most 32768 processes; without CAP_SYS_RESOURCE (some VMs run root
	# without it) a runtime cannot raise a hard limit above what it holds.
	# So: this shell's open files, and at most 32768 processes.
	files=$(hard_limit 'Max open files')
	procs=$(hard_limit 'Max processes')
	if [ "$procs" -lt 0 ] || [ "$procs" -gt 32768 ]; then procs=32768; fi
	limits="--ulimit nofile=$files:$files --ulimit nproc=$procs:$procs"
	say "podman drives boxrun (podman --runtime): an image from the busybox tree ..."
	tar -C "$bundle/rootfs" -cf "$dir/busybox.tar" .
	show podman import -q --change "LABEL boxlab.demo=$$" "$dir/busybox.tar" "$image"
	say "... a container that runs once; --network none leaves the host's network alone:"
	# shellcheck disable=SC2086 # $limits is two options, split on purpose
	show podman --runtime "$runtime" run --rm --name "$ctr-rm" --network none $limits "$image" echo hi
	say "... one in the background, a command in it (boxrun exec), stop and rm (boxrun kill, delete):"
	# shellcheck disable=SC2086
	podman --runtime "$runtime" run -d --name "$ctr" --network none $limits "$image" httpd -f -p 8080 -h /etc >/dev/null
	show podman ps --filter "name=$ctr" --format "{{.Names}}  {{.Status}}  {{.Command}}"
	show podman exec "$ctr" ps -o pid,ppid,comm
	show podman stop -t 1 "$ctr"
	show podman rm "$ctr"
	show podman rmi "$image"
	image=""
}

# Chapter 12's cleanup, on success, failure and Ctrl-C alike: boxd's
# containers (rm -f, while boxd listens: the monitor unmounts and
# unplugs), boxd (SIGTERM; its network namespace, with the bridge and the
# table boxlab, goes with its last process), then what a monitor left if
# boxd could not remove its container (the processes in its cgroup, the
# monitor, which outlives boxd by design, its mounts), the boxlab/ cgroup
# parents made here, and the scratch directory with the store.
chapter_12_cleanup() {
	if [ -n "$boxd_pid" ] && boxd_alive; then
		for c in "$dir"/root/containers/*/; do
			[ -d "$c" ] || continue
			"$bin/box" rm -f "$(basename "$c")" >/dev/null 2>&1 || true
		done
		kill -TERM "$boxd_pid" 2>/dev/null || true
		tries=0
		while boxd_alive && [ $tries -lt 50 ]; do
			tries=$((tries + 1))
			sleep 0.1
		done
		kill -KILL "$boxd_pid" 2>/dev/null || true
	fi
	[ -z "$boxd_pid" ] || wait "$boxd_pid" 2>/dev/null || true
	boxd_pid=""
	ids=$({ ls "$dir/root/containers" 2>/dev/null
		grep -o 'containers/[0-9a-f]\{64\}' "$dir/boxd.log" 2>/dev/null | cut -d/ -f2
	} | cut -c1-12 | sort -u | tr '\n' ' ')
	for cg in /sys/fs/cgroup/boxlab/boxd-* /sys/fs/cgroup/*/boxlab/boxd-*; do
		case " $ids " in *" ${cg##*/boxd-} "*) ;; *) continue ;; esac
		while read -r pid; do
			kill -KILL "$pid" 2>/dev/null || true
		done 2>/dev/null <"$cg/cgroup.procs" || true
		tries=0
		while [ -d "$cg" ] && ! rmdir "$cg" 2>/dev/null && [ $tries -lt 50 ]; do
			tries=$((tries + 1))
			sleep 0.1
		done
	done
	for proc in /proc/[0-9]*; do
		case $(tr '\0' ' ' 2>/dev/null <"$proc/cmdline") in
		"boxmon --root $dir/root "*) kill -KILL "${proc#/proc/}" 2>/dev/null || true ;;
		esac
	done
	awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r mnt; do
			umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
		done
	for cg in /sys/fs/cgroup/boxlab /sys/fs/cgroup/*/boxlab; do
		case " $had_boxlab " in *" $cg "*) continue ;; esac
		if [ -d "$cg" ]; then rmdir "$cg" 2>/dev/null || true; fi
	done
	rm -rf "$dir"
	unset DOCKER_HOST BOX_HOST
}

# Whether boxd runs (a zombie, ours to reap, does not).
boxd_alive() {
	[ -r "/proc/$boxd_pid/stat" ] &&
		[ "$(awk '{ print $3 }' "/proc/$boxd_pid/stat" 2>/dev/null)" != Z ]
}

# The file with the memory limit of process PID's cgroup: the v1 memory
# controller's memory.limit_in_bytes, or cgroup2's memory.max.
memory_limit_file() {
	path=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' "/proc/$1/cgroup")
	if [ -n "$path" ]; then
		mnt=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/self/mounts)
		echo "$mnt$path/memory.limit_in_bytes"
	else
		path=$(awk -F: '$1 == 0 { print $3 }' "/proc/$1/cgroup")
		mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
		echo "${mnt%/}$path/memory.max"
	fi
}

# show_l CMD...: show, with chapter 12's scratch directory written $L, as
# the lesson writes it.
show_l() {
	printf '$ %s\n' "$*" | sed "s|$dir|\$L|g"
	"$@"
}

chapter_12() {
	say "== Chapter 12: the engine (chapters/12-engine/README.md)"
	if [ "$(id -u)" -ne 0 ]; then
		say "(this chapter needs root: sudo make demo)"
		return
	fi
	if ! command -v docker >/dev/null 2>&1; then
		say "(this chapter drives boxd with Docker's own client, and there is no docker CLI here: skipped)"
		return
	fi
	dir=$(mktemp -d /var/tmp/boxlab-demo12-XXXXXX)
	boxd_pid=""
	had_boxlab=""
	for cg in /sys/fs/cgroup/boxlab /sys/fs/cgroup/*/boxlab; do
		[ ! -d "$cg" ] || had_boxlab="$had_boxlab $cg"
	done
	trap chapter_12_cleanup EXIT
	trap 'chapter_12_cleanup; trap - EXIT; exit 130' INT TERM HUP
	say "boxd, the lab's engine, keeps its images and containers in a directory of its own, L; chapter 08's busybox image goes in first:"
	printf '$ L=%s\n' "$dir"
	show_l "$bin/boximg" --root "$dir/root" import "$rootfs" busybox
	# In a session of its own (Ctrl-C stops the demo, whose cleanup stops
	# boxd) and a network namespace of its own, the demo's "host": the
	# bridge and the rules of chapter 09 are made there, never on the
	# real host's network.
	say "boxd starts in a network namespace of its own (unshare -n), the demo's host: its bridge and rules stay there. It logs on stderr:"
	: >"$dir/boxd.log"
	printf '$ %s\n' "unshare -n $bin/boxd --root \$L/root --exec-root \$L/exec -H unix://\$L/boxd.sock 2>\$L/boxd.log &"
	setsid unshare -n "$bin/boxd" --root "$dir/root" --exec-root "$dir/exec" \
		-H "unix://$dir/boxd.sock" 2>>"$dir/boxd.log" &
	boxd_pid=$!
	tries=0
	until grep -q 'boxd: API' "$dir/boxd.log"; do
		tries=$((tries + 1))
		if ! boxd_alive || [ $tries -gt 100 ]; then
			echo "demo: boxd did not start: $(tail -1 "$dir/boxd.log")" >&2
			exit 1
		fi
		sleep 0.1
	done
	nsenter -n -t "$boxd_pid" ip link set lo up
	show_l cat "$dir/boxd.log"
	say "The stock docker CLI (Docker's own client; no Docker engine here) and the lab's box are told where the daemon is:"
	printf '$ %s\n' 'export DOCKER_HOST=unix://$L/boxd.sock BOX_HOST=unix://$L/boxd.sock'
	DOCKER_HOST=unix://$dir/boxd.sock
	BOX_HOST=$DOCKER_HOST
	export DOCKER_HOST BOX_HOST
	say "docker version: the Client half is what the CLI knows of itself, the Server half is boxd's answer to GET /version:"
	show docker version
	say "The overview's build. boxd's ping says Builder-Version: 1, so the CLI uses its classic builder (and warns that it is deprecated); RUN is a container on a fresh layer:"
	mkdir "$dir/context"
	printf 'FROM busybox\nRUN mkdir /data\n' >"$dir/context/Dockerfile"
	(cd "$dir/context" && show cat Dockerfile && show docker build -t seed .)
	say "inspect: LowerDir is busybox's layer, UpperDir the new one..."
	if command -v jq >/dev/null 2>&1; then
		printf '$ %s\n' "docker inspect --format '{{json .GraphDriver.Data}}' seed | jq ."
		docker inspect --format '{{json .GraphDriver.Data}}' seed | jq .
	else
		show docker inspect --format '{{json .GraphDriver.Data}}' seed
	fi
	say "...and in it there is /data, and nothing else:"
	show_l ls -l "$(docker inspect --format '{{.GraphDriver.Data.UpperDir}}' seed)"
	say "docker run is four requests, as boxd's log shows: create, attach, wait, start; --rm removes the container once it has exited:"
	show docker run --rm busybox echo hi
	printf '$ %s\n' "grep '^boxd:' \$L/boxd.log | tail -4"
	grep '^boxd:' "$dir/boxd.log" | tail -4
	say "A web server in the background, its port 80 published on the host's port 8080, with at most 64 MiB of memory:"
	printf '$ %s\n' "docker run -d --name web -p 8080:80 -m 64m busybox sh -c 'mkdir /www && echo hello from boxd > /www/index.html && exec httpd -f -p 80 -h /www'"
	docker run -d --name web -p 8080:80 -m 64m busybox sh -c 'mkdir /www && echo hello from boxd > /www/index.html && exec httpd -f -p 80 -h /www'
	show docker ps
	# httpd listens a moment after run -d returns.
	tries=0
	until nsenter -n -t "$boxd_pid" busybox wget -qO /dev/null http://127.0.0.1:8080/ 2>/dev/null ||
		[ $tries -gt 50 ]; do
		tries=$((tries + 1))
		sleep 0.1
	done
	say "A client on the host (in boxd's network namespace: $boxd_pid is boxd's PID) asks the published port:"
	show nsenter -n -t "$boxd_pid" busybox wget -qO- http://127.0.0.1:8080/
	say "-m 64m is chapter 05's memory limit, on the container's cgroup. Which cgroup, the /proc entry of its PID 1 says..."
	pid=$(docker inspect -f '{{.State.Pid}}' web)
	printf '$ %s\n' "cat /proc/\$(docker inspect -f '{{.State.Pid}}' web)/cgroup"
	cat "/proc/$pid/cgroup"
	say "...and the limit is there, 64 MiB in bytes:"
	show cat "$(memory_limit_file "$pid")"
	say "rm -f stops and removes it; its monitor unplugs it from the bridge:"
	show docker rm -f web
	say "The overview's last sentence: a container that runs boxd and box can start a container of its own. The outer one is privileged (every capability, /sys and the cgroups writable), its store on a tmpfs (overlayfs will not stack an upper layer on overlayfs), the host's /usr bound in for the programs' libraries:"
	printf '$ %s\n' "docker run --rm --privileged --network none --tmpfs /var/lib/boxlab --tmpfs /run/boxlab -v /usr:/usr:ro -v /usr/lib:/lib:ro -v /usr/lib64:/lib64:ro -v $bin:/opt/boxlab:ro -v $rootfs:/images/busybox:ro busybox sh -c '/opt/boxlab/boximg import /images/busybox busybox >/dev/null && { /opt/boxlab/boxd 2>/dev/null & } && while [ ! -S /run/boxlab/boxd.sock ]; do sleep 0.05; done && /opt/boxlab/box run --rm --network none busybox sh -c \"echo hello from a container in a container; hostname\"'"
	docker run --rm --privileged --network none --tmpfs /var/lib/boxlab \
		--tmpfs /run/boxlab -v /usr:/usr:ro -v /usr/lib:/lib:ro \
		-v /usr/lib64:/lib64:ro -v "$(cd "$bin" && pwd -P):/opt/boxlab:ro" \
		-v "$(cd "$rootfs" && pwd -P):/images/busybox:ro" busybox sh -c \
		'/opt/boxlab/boximg import /images/busybox busybox >/dev/null && { /opt/boxlab/boxd 2>/dev/null & } && while [ ! -S /run/boxlab/boxd.sock ]; do sleep 0.05; done && /opt/boxlab/box run --rm --network none busybox sh -c "echo hello from a container in a container; hostname"'
	say "The lab's own client, box (C, libcurl), speaks the same API to the same daemon:"
	show "$bin/box" run --name hello busybox echo hello from box
	show "$bin/box" ps -a
	show "$bin/box" version
	chapter_12_cleanup
	trap - EXIT INT TERM HUP
}

if [ $# -gt 2 ]; then
	shift 2
	for chapter in "$@"; do
		number=${chapter%%-*}
		case $number in [1-9]) number=0$number ;; esac
		if ! command -v "chapter_$number" >/dev/null 2>&1; then
			echo "demo: no chapter $chapter (chapters: 01 to 12)" >&2
			exit 2
		fi
		"chapter_$number"
	done
else
	chapter_01
	chapter_02
	chapter_03
	chapter_04
	chapter_05
	chapter_06
	chapter_07
	chapter_08
	chapter_09
	chapter_10
	chapter_11
	chapter_12
fi
