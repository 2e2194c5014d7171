#!/bin/sh
# bench.sh BIN - the lab's programs side by side with their peers.
#
# `make bench` runs this with the solutions' bin/. Each row times the same
# work done by the lab's program and by its peer with hyperfine (warm-up
# runs first, then many runs of each, no shell in between), and reports
# the median time of one run and the ratio lab/peer: below 1.00 the lab is
# faster. Speed is measured here, never asserted in a test.
set -eu
bin=${1:?usage: bench.sh BIN}
csv=$(mktemp /tmp/boxlab-bench.XXXXXX)
work="" # chapter 08's scratch directory

# One cleanup, on success, failure and Ctrl-C alike, that each section
# adds its scratch to: INT and TERM only exit, and the exit runs it, once.
cleanup() {
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
