#!/bin/sh
# grade-submission.sh DIR [CH=NN] - grade a student's exercises/ folder.
#
# `make grade SUBMISSION=DIR` runs this. DIR is a student's exercises/
# folder (or a copy of the lab that contains one). The lab is copied to a
# scratch directory without its own exercises/ and build/, the student's
# exercise files are put in, and `make check` runs there: the tests,
# the grader and the points are always the lab's, never the student's.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
submission=${1:?usage: grade-submission.sh DIR [CH=NN]}
shift
[ -d "$submission" ] || { echo "grade: $submission: no such directory" >&2; exit 2; }
submission=$(cd "$submission" && pwd)
[ -d "$submission/exercises" ] && submission="$submission/exercises"

scratch="$top/build/grade-scratch"
rm -rf "$scratch"
mkdir -p "$scratch"
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

status=0
make -s -C "$scratch" check IMPL=exercises "$@" || status=$?
mkdir -p "$top/build/grade"
cp "$scratch/build/exercises/grade.json" "$top/build/grade/grade.json" 2>/dev/null &&
	echo "grade: results in build/grade/grade.json"
exit "$status"
