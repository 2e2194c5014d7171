#!/bin/sh
# grade-all.sh DIR - grade a class: each folder in DIR is one student's.
#
# `make grade-all SUBMISSIONS=DIR [OUT=DIR] [JOBS=N] [VM=1 [LAYOUT=v2|v1]]
# [GRADED=0]` runs this. Every folder of DIR (its name is the student's)
# is graded by grade-submission.sh, in a scratch copy of the lab of its
# own and, with VM=1, in a guest of its own; up to JOBS (default: the
# CPUs) at once. Results go to OUT (default build/grade-all/):
#
#	grades.csv		student,chapter,exercise,points,max_points,
#				challenge: a row per exercise per student
#	summary.txt		a line per student: points, seconds, what went wrong
#	students/NAME/		each one's grade.json, logs and grading output
#
# One submission never stops or skews the others: each is graded by a
# process of its own under GRADE_TIMEOUT seconds (default 1200). With
# VM=1 that bounds its whole grading, whose process group (make, qemu) is
# killed when the time is up. On the host, where the test runs take
# turns, it bounds each chapter's build and each chapter's test run, from
# the moment that run holds the host (grade-submission.sh), so a hanging
# submission never eats another's time. A chapter that gave no result (it
# did not build, it hung, the grading was killed) scores 0 with the
# reason in its tests' output, and the class goes on. Without VM=1 the
# students' code runs as root on this machine, and a malicious one could
# reach the others': VM=1 is what isolates them.
#
# By default only the tests that carry points run (GRADED=1: the same
# points, sooner); GRADED=0 runs the program tests too. CH=NN grades one
# chapter.
set -eu

self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
top=$(cd "$(dirname "$0")/../.." && pwd)
TOP=$top
. "$top/common/scripts/grading.sh"

# safe_name NAME: a student's folder name as a directory name of ours:
# nothing but letters, digits and ._- (the CSV keeps the name as it is).
safe_name() {
	printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_'
}

# grade-all.sh --one DIR: grade one student (run by xargs, below).
if [ "${1:-}" = --one ]; then
	dir=${2%/}
	name=$(basename "$dir")
	sout=$GRADE_ALL_OUT/students/$(safe_name "$name")
	rm -rf "$sout"
	mkdir -p "$sout"
	printf '%s\n' "$name" >"$sout/name"
	start=$(date +%s)
	status=0
	# timeout(1) makes the grading a process group of its own and,
	# when the time is up, signals all of it: make, the runners, qemu.
	if [ -n "$VM" ]; then
		OUT=$sout JOBS=$GRADE_ALL_INNER_JOBS \
			timeout -k 30 "$GRADE_TIMEOUT" sh "$top/common/scripts/grade-submission.sh" "$dir" \
			${CH:+"CH=$CH"} >"$sout/grading.out" 2>&1 || status=$?
	else
		OUT=$sout JOBS=$GRADE_ALL_INNER_JOBS \
			sh "$top/common/scripts/grade-submission.sh" "$dir" \
			${CH:+"CH=$CH"} >"$sout/grading.out" 2>&1 || status=$?
	fi
	echo "$(($(date +%s) - start)) $status" >"$sout/status"
	case $status in
	0 | 1) ;; # graded (1: a test failed)
	124 | 137) echo "grade-all: $name: stopped after $GRADE_TIMEOUT s" >&2 ;;
	*) echo "grade-all: $name: grading ended with status $status (see $sout/grading.out)" >&2 ;;
	esac
	exit 0
fi

submissions=${1:?usage: grade-all.sh DIR (one folder per student)}
[ -d "$submissions" ] || {
	echo "grade-all: $submissions: no such directory" >&2
	exit 2
}
out=${OUT:-$top/build/grade-all}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cpus=$(nproc 2>/dev/null || echo 2)
jobs=${JOBS:-$cpus}
case $jobs in '' | *[!0-9]* | 0)
	echo "grade-all: JOBS=$jobs: expected a number of at least 1" >&2
	exit 2
	;;
esac
# GRADED=1 unless it is given as 0 (or empty).
graded=${GRADED-1}
[ "$graded" != 0 ] || graded=""

# Every student's scratch copy starts from this build: the lab's
# programs, runners and grade tool, built once here.
echo "grade-all: building the lab once"
make -s -j"$cpus" -C "$top" programs runners IMPL=solutions >/dev/null
[ -z "${VM:-}" ] || VM_DIR=$top/build/vm sh "$top/common/scripts/vm.sh" prepare

list=$out/.submissions
find "$submissions" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -print | LC_ALL=C sort >"$list"
count=$(wc -l <"$list")
[ "$count" -gt 0 ] || {
	echo "grade-all: no submission folders in $submissions" >&2
	exit 2
}
rm -rf "$out/students" "$out/grades.csv" "$out/summary.txt"
echo "grade-all: $count submissions, $jobs at a time${VM:+, each in a guest (${LAYOUT:-v2})}${graded:+, graded tests only}"
started=$(date +%s)
# Each grading's own make gets the CPUs left to it.
inner=$((cpus / jobs))
[ "$inner" -ge 1 ] || inner=1
tr '\n' '\0' <"$list" |
	GRADE_ALL_OUT=$out GRADE_ALL_INNER_JOBS=$inner GRADE_TIMEOUT=${GRADE_TIMEOUT:-1200} \
		GRADED=$graded VM=${VM:-} LAYOUT=${LAYOUT:-v2} CH=${CH:-} \
		xargs -0 -n 1 -P "$jobs" sh "$self" --one
elapsed=$(($(date +%s) - started))

# The CSV and the summary, in the submissions' order. A chapter without
# results (the grading was killed, or crashed before it) scores 0.
chapters=$(lab_chapters "${CH:-}")
echo "student,chapter,exercise,points,max_points,challenge" >"$out/grades.csv"
: >"$out/summary.txt"
while read -r dir; do
	name=$(basename "$dir")
	sout=$out/students/$(safe_name "$name")
	read -r seconds status <"$sout/status" || { seconds="?"; status="?"; }
	note=""
	case $status in
	0 | 1) note=$(sed -n 's/^grade: \(.*: stopped after .*\)$/\1/p' "$sout/grading.out" | paste -sd ' ') ;;
	124 | 137) note="stopped after $GRADE_TIMEOUT s" ;;
	*) note="grading ended with status $status" ;;
	esac
	results=""
	filled=""
	for chapter in $chapters; do
		json=$sout/$chapter.results.json
		if [ ! -s "$json" ] || ! "$top/build/tools/grade" --csv x "$json" >/dev/null 2>&1; then
			"$top/build/solutions/grade/$chapter/run-tests" \
				--not-built "no result: ${note:-see grading.out}" --json "$json" >/dev/null || true
			note=${note:-"$chapter: no result"}
			filled=1
		fi
		results="$results $json"
	done
	# shellcheck disable=SC2086 # paths without spaces (safe names)
	rows=$("$top/build/tools/grade" --csv "$name" $results)
	printf '%s\n' "$rows" >>"$out/grades.csv"
	# The grade.json grade-submission.sh wrote, unless a chapter had to
	# be filled in here.
	# shellcheck disable=SC2086
	[ -z "$filled" ] && [ -s "$sout/grade.json" ] ||
		"$top/build/tools/grade" --out "$sout/grade.json" $results >/dev/null 2>&1 || true
	# The total of the graded exercises, from the rows' last fields
	# (a name may hold commas, never the numbers after it).
	points=$(printf '%s\n' "$rows" | awk -F, '$NF == 0 { p += $(NF-2); m += $(NF-1) }
		END { printf "%.1f/%d", p, m }')
	printf '%-24s %12s %6s s  %s\n' "$name" "$points" "$seconds" "$note" >>"$out/summary.txt"
done <"$list"
rm -f "$list"
cat "$out/summary.txt"
echo "grade-all: $count submissions graded in $elapsed s; $out/grades.csv"
