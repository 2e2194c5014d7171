# shellcheck shell=sh
# grading.sh - shell functions the grading scripts share; sourced (with
# TOP set to the lab's top directory) by grade-submission.sh,
# grade-all.sh, classroom.sh and autograder-check.sh.

# lab_chapters [CH]: the chapters with a test suite, one per line, in
# order; with CH (1, 01 or 01-process-tree), only that one (none if it
# does not exist).
lab_chapters() {
	if [ -n "${1:-}" ]; then
		set -- "$(echo "$1" | sed 's/-.*//; s/^0*//; s/^.$/0&/')"
		lab_chapters | grep "^$1-" || true
		return
	fi
	(cd "$TOP/tests" && ls -d [0-9][0-9]-*/suite.c | sed 's|/suite.c$||')
}

# seed_build DIR: copy the lab's build (its objects, programs, test
# objects and grade tool, with their times, which are newer than the
# sources) into DIR/build, so that a make there builds only what
# changed. Copies, not links: a build in DIR must never write into the
# lab's files.
seed_build() {
	mkdir -p "$1/build"
	for dir in common prog tests meta tools solutions; do
		[ ! -d "$TOP/build/$dir" ] || cp -a "$TOP/build/$dir" "$1/build/"
	done
}
