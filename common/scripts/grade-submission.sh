#!/bin/sh
# grade-submission.sh DIR [CH=NN] - grade a student's exercises/ folder.
#
# `make grade SUBMISSION=DIR [OUT=DIR]` runs this. DIR is a student's
# exercises/ folder (or a copy of the lab that contains one). The lab is
# copied to a scratch directory of this submission's own, without its own
# exercises/ and build/; the student's exercise files are put in, and each
# chapter is built and checked there on its own: the tests, the grader and
# the points are always the lab's, never the student's. A chapter whose
# exercises do not compile scores 0 with the compiler's message; the
# others are graded as usual. Submissions are built without -Werror.
# Results go to OUT (default build/grade/): grade.json, and a log per
# chapter. Several submissions can be graded at once with different OUTs.
# With GRADED=1 only the tests that carry points run (no program tests):
# the same grade, sooner.
#
# Where the student's code runs: the tests run as root, so on the host
# (the default) a submission can do anything root can, and a warning says
# so. With VM=1 the chapters are built on the host (the compiler does not
# run the student's code) and run in the throwaway qemu guest of `make
# test-vm` (LAYOUT=v2, the default, or v1; common/scripts/vm.sh), which
# has no network and sees nothing of the host but the built tests; the
# grades come back on its console. VM_TIMEOUT bounds the guest's run.
#
# GRADE_TIMEOUT (seconds), when set, bounds each chapter's build and each
# chapter's test run on the host; a run's time counts from the moment it
# holds the host (test runs take turns), so a submission that hangs never
# eats another's time. A chapter that runs out of it scores 0.
#
# The lab's own build (build/ of this checkout), when there is one, is
# copied into the scratch first: only the student's files and what links
# them are then built, not the whole lab.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
TOP=$top
. "$top/common/scripts/grading.sh"
submission=${1:?usage: grade-submission.sh DIR [CH=NN]}
shift
[ -d "$submission" ] || { echo "grade: $submission: no such directory" >&2; exit 2; }
submission=$(cd "$submission" && pwd)
[ -d "$submission/exercises" ] && submission="$submission/exercises"
out=${OUT:-$top/build/grade}
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out"/grade.json "$out"/*.results.json "$out"/*.log "$out"/*.log.build "$out"/vm

# The chapters the Makefile knows: those with a test suite.
chapters=$(lab_chapters)
for arg in "$@"; do
	case $arg in
	CH=*) chapters=$(lab_chapters "${arg#CH=}")
		[ -n "$chapters" ] || { echo "grade: no chapter ${arg#CH=}" >&2; exit 2; } ;;
	*) echo "grade: unknown argument $arg" >&2; exit 2 ;;
	esac
done

mkdir -p "$top/build"
scratch=$(mktemp -d "$top/build/grade-scratch.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM HUP
tar -C "$top" --exclude=./build --exclude=./exercises \
	--exclude=./slides/node_modules --exclude=./.git -cf - . | tar -C "$scratch" -xf -
seed_build "$scratch"

# Only the files the lab has an exercise for are taken from the student;
# a chapter they did not hand in keeps its stubs.
for solution in "$top"/solutions/*/*.c; do
	relative=${solution#"$top/solutions/"}
	mkdir -p "$scratch/exercises/$(dirname "$relative")"
	if [ -f "$submission/$relative" ]; then
		cp "$submission/$relative" "$scratch/exercises/$relative"
	else
		echo "grade: $relative not in the submission; grading the stub" >&2
		cp "$top/exercises/$relative" "$scratch/exercises/$relative"
	fi
done

jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
make -s -j"$jobs" -C "$scratch" build/tools/grade >/dev/null
if [ -n "${VM:-}" ]; then
	# What the guest needs beside the runners: the lab's programs.
	make -s -j"$jobs" -C "$scratch" programs >/dev/null
else
	echo "grade: warning: the submission's code runs as root on this machine (VM=1 runs it in a throwaway guest)" >&2
fi

# not_built CHAPTER WHY: CHAPTER's results, every test failed for WHY,
# from the lab's own runner (which runs nothing of the student's).
not_built() {
	if make -s -j"$jobs" -C "$scratch" "build/solutions/grade/$1/run-tests" >/dev/null 2>&1; then
		"$scratch/build/solutions/grade/$1/run-tests" \
			--not-built "$2" --json "$out/$1.results.json" >/dev/null || true
	else
		echo "grade: $1: the lab's own solutions do not build here" >&2
	fi
}

results=""
built=""
for chapter in $chapters; do
	json="$out/$chapter.results.json"
	log="$out/$chapter.log"
	runner="build/exercises/grade/$chapter/run-tests"
	built_status=0
	${GRADE_TIMEOUT:+timeout -k 10 "$GRADE_TIMEOUT"} \
		make -s -j"$jobs" -C "$scratch" WERROR= "$runner" >"$log.build" 2>&1 || built_status=$?
	if [ "$built_status" -eq 0 ]; then
		if [ -n "${VM:-}" ]; then
			built="$built $chapter"
		elif [ -n "${GRADE_TIMEOUT:-}" ]; then
			# The host first (the runners' lock, see runner.c),
			# then the clock.
			status=0
			(cd "$scratch" && flock /sys/fs/cgroup env BOXLAB_HOST_LOCKED=1 \
				timeout -k 10 "$GRADE_TIMEOUT" "$runner" ${GRADED:+--graded} \
				--json "$json" --log "$log") || status=$?
			if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
				echo "grade: $chapter: stopped after $GRADE_TIMEOUT s" >&2
				rm -f "$json"
				not_built "$chapter" "its tests were stopped after $GRADE_TIMEOUT s"
			fi
		else
			(cd "$scratch" && "$runner" ${GRADED:+--graded} --json "$json" --log "$log") || true
		fi
	elif [ -n "${GRADE_TIMEOUT:-}" ] && { [ "$built_status" -eq 124 ] || [ "$built_status" -eq 137 ]; }; then
		echo "grade: $chapter: stopped after $GRADE_TIMEOUT s (its build)" >&2
		not_built "$chapter" "its build was stopped after $GRADE_TIMEOUT s"
	else
		# The lab's solutions always build: their runner knows the tests.
		why=$(grep -m1 -E 'error|undefined' "$log.build" | sed "s|$scratch/||g")
		not_built "$chapter" "${why:-see $log.build}"
	fi
done

if [ -n "$built" ]; then
	# shellcheck disable=SC2086 # chapter names, without spaces
	(cd "$scratch" && BUILD=build VM_DIR="$top/build/vm" VM_OUT="$out/vm" \
		VM_GRADED=${GRADED:-} VM_CPUS=${VM_CPUS:-1} \
		sh common/scripts/vm.sh grade "${LAYOUT:-v2}" exercises $built) || true
	for chapter in $built; do
		if [ -f "$out/vm/$chapter.results.json" ]; then
			mv "$out/vm/$chapter.results.json" "$out/$chapter.results.json"
			[ ! -f "$out/vm/$chapter.log" ] || mv "$out/vm/$chapter.log" "$out/$chapter.log"
		else
			not_built "$chapter" "the guest sent back no results (a crash or a timeout: $out/vm/${LAYOUT:-v2}-console.log)"
		fi
	done
fi

for chapter in $chapters; do
	json="$out/$chapter.results.json"
	[ -f "$json" ] && results="$results $json"
done

status=0
# shellcheck disable=SC2086
"$scratch/build/tools/grade" --out "$out/grade.json" $results || status=$?
echo "grade: results in $out/grade.json"
exit "$status"
