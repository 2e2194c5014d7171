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
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
submission=${1:?usage: grade-submission.sh DIR [CH=NN]}
shift
[ -d "$submission" ] || { echo "grade: $submission: no such directory" >&2; exit 2; }
submission=$(cd "$submission" && pwd)
[ -d "$submission/exercises" ] && submission="$submission/exercises"
out=${OUT:-$top/build/grade}
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/grade.json "$out"/*.results.json "$out"/*.log "$out"/*.log.build

# The chapters the Makefile knows: those with a test suite.
chapters=$(cd "$top/tests" && ls -d [0-9][0-9]-*/suite.c | sed 's|/suite.c$||')
for arg in "$@"; do
	case $arg in
	CH=*) want=${arg#CH=}
		chapters=$(printf '%s\n' $chapters | grep "^0*$want" || true)
		[ -n "$chapters" ] || { echo "grade: no chapter $want" >&2; exit 2; } ;;
	*) echo "grade: unknown argument $arg" >&2; exit 2 ;;
	esac
done

mkdir -p "$top/build"
scratch=$(mktemp -d "$top/build/grade-scratch.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM HUP
tar -C "$top" --exclude=./build --exclude=./exercises \
	--exclude=./slides/node_modules --exclude=./.git -cf - . | tar -C "$scratch" -xf -

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

jobs=$(nproc 2>/dev/null || echo 2)
make -s -j"$jobs" -C "$scratch" build/tools/grade >/dev/null

results=""
for chapter in $chapters; do
	json="$out/$chapter.results.json"
	log="$out/$chapter.log"
	runner="build/exercises/grade/$chapter/run-tests"
	if make -s -j"$jobs" -C "$scratch" WERROR= "$runner" >"$log.build" 2>&1; then
		(cd "$scratch" && "$runner" ${GRADED:+--graded} --json "$json" --log "$log") || true
	else
		# The lab's solutions always build: their runner knows the tests.
		why=$(grep -m1 -E 'error|undefined' "$log.build" | sed "s|$scratch/||g")
		if make -s -j"$jobs" -C "$scratch" "build/solutions/grade/$chapter/run-tests" >/dev/null 2>&1; then
			"$scratch/build/solutions/grade/$chapter/run-tests" \
				--not-built "${why:-see $log.build}" --json "$json" || true
		else
			echo "grade: $chapter: the lab's own solutions do not build here" >&2
		fi
	fi
	[ -f "$json" ] && results="$results $json"
done

status=0
# shellcheck disable=SC2086
"$scratch/build/tools/grade" --out "$out/grade.json" $results || status=$?
echo "grade: results in $out/grade.json"
exit "$status"
