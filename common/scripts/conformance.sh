#!/bin/sh
# conformance.sh BOXRUN [RUNTIME...] - the OCI runtime-tools validation
# suite against boxrun and its peers, side by side.
#
# `make conformance` runs this. The suite (opencontainers/runtime-tools)
# comes from RUNTIME_TOOLS_SRC, a directory or a .tar.gz of its source
# (default: ../shared/peers/runtime-tools-260e151.tar.gz beside the lab),
# and is built once, offline, with Debian's Go and its vendored modules
# (GOFLAGS=-mod=vendor) into build/conformance/. Each validation program
# (validation/NAME/NAME.t) creates bundles and drives the runtime named by
# $RUNTIME through create, start, state, kill and delete, and prints TAP:
# "ok N - ..." and "not ok N - ...". A file passes when it has no "not
# ok" and ran to its end (its exit status is 0).
#
# crun 1.8.1 refuses a hybrid cgroup layout; as its own issue tracker
# says, it runs here in a mount namespace where the cgroup2 beside the v1
# hierarchies is unmounted.
set -eu
boxrun=${1:?usage: conformance.sh BOXRUN [RUNTIME...]}
shift
cd "$(dirname "$0")/../.."
top=$(pwd)
dir=$top/build/conformance
src=${RUNTIME_TOOLS_SRC:-$top/../shared/peers/runtime-tools-260e151.tar.gz}
timeout=${CONFORMANCE_TIMEOUT:-120}

if [ ! -x "$dir/suite/runtimetest" ]; then
	command -v go >/dev/null || { echo "conformance: go is not installed (sudo make deps)" >&2; exit 1; }
	rm -rf "$dir/suite" && mkdir -p "$dir/suite"
	if [ -d "$src" ]; then
		cp -a "$src/." "$dir/suite/"
	elif [ -f "$src" ]; then
		tar -C "$dir/suite" -xzf "$src"
	else
		echo "conformance: no runtime-tools source at $src (set RUNTIME_TOOLS_SRC)" >&2
		exit 1
	fi
	echo "conformance: building the validation suite (once)"
	(cd "$dir/suite" && GOFLAGS=-mod=vendor GOPATH="$dir/gopath" \
		GOCACHE="$dir/gocache" make runtimetest validation-executables \
		>"$dir/build.log" 2>&1) || {
		tail -5 "$dir/build.log" >&2
		echo "conformance: the build failed (log: $dir/build.log)" >&2
		exit 1
	}
fi

# A wrapper per runtime: how it is started here.
wrapper() {
	name=$1
	path=$2
	out=$dir/bin/$name
	mkdir -p "$dir/bin"
	case $name in
	crun)
		cat >"$out" <<EOF
#!/bin/sh
exec unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "\$0" "\$@"' $path "\$@"
EOF
		;;
	*)
		printf '#!/bin/sh\nexec %s "$@"\n' "$path" >"$out"
		;;
	esac
	chmod +x "$out"
	echo "$out"
}

# The suite's cgroup tests name groups such as /testdir/cgroups-...,
# which the peers (and the caller-owned parents boxrun leaves, as runc
# does) leave behind in every hierarchy. What is new at the top of a
# hierarchy after the run, and empty, is removed again.
cgroup_tops() {
	awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts |
		while read -r mount; do
			find "$mount" -mindepth 1 -maxdepth 1 -type d 2>/dev/null
		done | sort
}
mkdir -p "$dir"
before=$(mktemp "$dir/cgroups-before.XXXXXX")
cgroup_tops >"$before"
cleanup() {
	cgroup_tops | comm -13 "$before" - | while read -r top; do
		find "$top" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	rm -f "$before"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

runtimes="boxrun=$boxrun"
for peer in "$@"; do
	path=$(command -v "$peer" 2>/dev/null || true)
	[ -n "$path" ] && runtimes="$runtimes $peer=$path"
done

tests=$(cd "$dir/suite" && ls validation/*/*.t | sort)
printf '%-36s' "validation file"
for rt in $runtimes; do printf ' %14s' "${rt%%=*}"; done
echo
for rt in $runtimes; do
	name=${rt%%=*}
	: >"$dir/$name.summary"
done
for t in $tests; do
	file=$(basename "$t" .t)
	printf '%-36s' "$file"
	for rt in $runtimes; do
		name=${rt%%=*}
		bin=$(wrapper "$name" "${rt#*=}")
		log=$dir/logs/$name/$file.tap
		mkdir -p "$dir/logs/$name"
		status=0
		# In a mount namespace of its own, with its bundles in a
		# TMPDIR of its own: runc, asked by linux_ns_itype to share
		# "the runtime's" mount namespace, mounts /proc, /dev... into
		# the bundle there and leaves them; here they go with the
		# namespace, and the directory with the run.
		tmp=$dir/tmp/$name
		mkdir -p "$tmp"
		(cd "$dir/suite" && TMPDIR=$tmp RUNTIME=$bin timeout "$timeout" \
			unshare -m --propagation private "./$t" >"$log" 2>&1) || status=$?
		rm -rf "$tmp"
		ok=$(grep -c '^ok ' "$log" || true)
		bad=$(grep -c '^not ok ' "$log" || true)
		if [ "$status" -eq 0 ] && [ "$bad" -eq 0 ]; then
			verdict=pass
		else
			verdict=FAIL
		fi
		printf ' %4s %4d/%-4d' "$verdict" "$ok" "$((ok + bad))"
		echo "$verdict $ok $bad" >>"$dir/$name.summary"
	done
	echo
done
printf '%-36s' "files passed, assertions ok/failed"
for rt in $runtimes; do
	name=${rt%%=*}
	awk '$1 == "pass" { p++ } { ok += $2; bad += $3 }
		END { printf " %3d/%-3d %5d/%-4d", p, NR, ok, bad }' "$dir/$name.summary"
done
echo
