#!/bin/sh
# selftest.sh - the lab's own test; `make test` runs it after `make deps`.
#
# Each step is a promise the lab makes to its users:
#   - both implementations build with -Werror, and the solutions with sanitizers;
#   - the reference solutions score full marks, program tests included;
#   - exercises/ (and GitHub Classroom's workflow) is exactly what the
#     generator makes from solutions/, and the sources follow .clang-format;
#   - the untouched exercises score zero (and make check says so, exit 1);
#   - each exercise's stub, swapped alone into the solutions, loses exactly
#     that exercise's points: every graded test can fail, and is charged
#     to the right exercise; so does a stub that exits 0 at once;
#   - stubs that cheat (exit early, fork, kill or stop the runner, print a
#     fake table, sleep, change the environment, leave a process behind,
#     overwrite the results) earn nothing, and neither does a submission
#     graded with make grade whose stubs all exit 0;
#   - make grade-all grades a class into one CSV, and a student whose
#     code does not build or hangs scores 0 without stopping the others;
#   - make exercises never overwrites a student's work;
#   - the chapters also pass in throwaway qemu
#     guests with a pure cgroup v2 and a pure v1 layout (the host is
#     usually one layout only, or hybrid);
#   - the Gradescope autograder, run without any capability as
#     Gradescope runs it, gives the solutions make check's scores;
#   - nothing with the lab's prefix is left on the host.
set -u
cd "$(dirname "$0")/../.." || exit 1

jobs=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0
skipped=0
started=$(date +%s)
log=build/selftest
mkdir -p "$log"

# step NAME COMMAND...: run COMMAND, keep its output in build/selftest/,
# print it only if it fails.
step() {
	name=$1
	shift
	file="$log/$(echo "$name" | tr -c 'a-zA-Z0-9\n' '-').log"
	printf '%-58s ' "$name"
	step_started=$(date +%s)
	if "$@" >"$file" 2>&1; then
		echo "ok ($(($(date +%s) - step_started)) s)"
		passed=$((passed + 1))
	else
		echo "FAILED ($(($(date +%s) - step_started)) s)"
		sed 's/^/    /' "$file" | tail -40
		failed=$((failed + 1))
	fi
}

solutions_full() {
	make -s check IMPL=solutions && build/tools/grade --expect full build/solutions/grade.json
}

# make check must fail on the stubs, and every graded test must fail.
exercises_zero() {
	if make -s check IMPL=exercises GRADED=1; then
		echo "make check IMPL=exercises succeeded on the stubs"
		return 1
	fi
	build/tools/grade --expect zero build/exercises/grade.json
}

# The sanitized build of the solutions (build/san/) starts in the
# background once the lab is built, and goes on while the host's tests
# run (they wait on each other more than on the CPU); this step waits
# for it, then checks.
# The Gradescope autograder (make autograder), checked by
# common/scripts/autograder-check.sh against make check's grade of the
# solutions: in the background from the moment that grade exists (its
# guest takes one CPU for a while, beside the host's steps).
autograder_start() {
	command -v qemu-system-x86_64 >/dev/null 2>&1 || return 0
	cp build/solutions/grade.json "$log/reference-grade.json" || return 0
	(sh common/scripts/autograder-check.sh "$log/reference-grade.json" \
		>"$log/autograder.out" 2>&1
	 echo $? >"$log/autograder.status") &
	autograder=$!
}

autograder_wait() {
	[ -n "${autograder:-}" ] || { echo "not started: make check of the solutions failed"; return 1; }
	wait "$autograder"
	cat "$log/autograder.out"
	[ "$(cat "$log/autograder.status")" -eq 0 ]
}

san_build_start() {
	(make -s SAN=1 runners IMPL=solutions >"$log/san-build.out" 2>&1
	 echo $? >"$log/san-build.status") &
	san=$!
}

sanitized_solutions() {
	wait "$san"
	cat "$log/san-build.out"
	[ "$(cat "$log/san-build.status")" -eq 0 ] &&
		make -s SAN=1 check IMPL=solutions
}

# The chapters in a guest of LAYOUT, with full marks (the
# guest's grade.json comes back to build/vm/); skipped without qemu. The
# guest's kernel (6.1) is older than the host's: a test that needs a
# newer one skips itself there, and is listed.
vm_solutions_full() {
	make -s test-vm LAYOUT="$1" IMPL=solutions ${2:+VM_CGROUP_ONLY=1} &&
		build/tools/grade --expect full-or-skipped "build/vm/$1-solutions-grade.json"
}

# The guests, one after the other on one CPU, in the background from the
# moment the lab is built, alongside the host's steps (nothing of theirs
# touches the host); vm_both_wait collects them. An emulated guest keeps
# its CPU busy the whole time: two at once would leave the host's steps a
# third of the machine, one leaves them a CPU of their own, and both
# guests still end before the host's steps. The v2 guest runs every
# kernel chapter (on an older kernel than the host's, too); the v1 guest
# only those whose code touches cgroups, the rest being the same under
# either layout.
vm_both_start() {
	command -v qemu-system-x86_64 >/dev/null 2>&1 || return 0
	(VM_CPUS=1 vm_solutions_full v2 >"$log/guest-v2.out" 2>&1
	 echo $? >"$log/guest-v2.status"
	 VM_CPUS=1 vm_solutions_full v1 cgroups >"$log/guest-v1.out" 2>&1
	 echo $? >"$log/guest-v1.status") &
	guests=$!
}

vm_both_wait() {
	wait "$guests"
	cat "$log/guest-v2.out" "$log/guest-v1.out"
	[ "$(cat "$log/guest-v2.status")" -eq 0 ] &&
		[ "$(cat "$log/guest-v1.status")" -eq 0 ]
}

vm_step() {
	if command -v qemu-system-x86_64 >/dev/null 2>&1; then
		step "$@"
	else
		printf '%-58s %s\n' "$1" "skipped (no qemu-system-x86_64)"
		skipped=$((skipped + 1))
	fi
}

# A student's edit to exercises/ survives make exercises and make format's
# regeneration; the file is put back as it was whatever happens.
keeps_student_work() {
	file=exercises/01-process-tree/proc.c
	saved=$(mktemp) && cp "$file" "$saved" || return 1
	echo "/* a student's answer */" >>"$file"
	make -s exercises >/dev/null 2>&1
	generated=$?
	grep -q "a student's answer" "$file"
	kept=$?
	cp "$saved" "$file" && rm -f "$saved"
	[ $generated -ne 0 ] && [ $kept -eq 0 ] ||
		{ echo "make exercises overwrote a student's work (status $generated)"; return 1; }
}

# A small class, chapter 01, graded by make grade-all: the solutions
# with an unused function (-Werror must not cost the chapter: full
# marks), a submission that does not compile (zero, and the compiler's
# message), and one that hangs (its test run is stopped after
# GRADE_TIMEOUT: zero; the others' runs, which wait for the host while it
# hangs, are timed from when they have it). One CSV row per exercise per
# student.
class_submissions() {
	class=$(mktemp -d) || return 1
	out=$(mktemp -d) || return 1
	for name in warning broken hangs; do
		mkdir "$class/$name" && cp -r solutions/. "$class/$name"
	done
	echo 'static int unused_helper(void) { return 0; }' >>"$class/warning/01-process-tree/proc.c"
	echo 'this is not C' >>"$class/broken/01-process-tree/proc.c"
	sed -i 's/^\tstruct proc_stat stat = { 0 };$/\tfor (;;)\n\t\t;\n&/' "$class/hangs/01-process-tree/proc.c"
	GRADE_TIMEOUT=12 make -s grade-all SUBMISSIONS="$class" OUT="$out" CH=01 JOBS=3 2>&1
	status=$?
	rows=$(wc -l <"$out/grades.csv")
	[ "$status" -eq 0 ] &&
		build/tools/grade --expect full "$out/students/warning/grade.json" &&
		build/tools/grade --expect zero "$out/students/broken/grade.json" &&
		build/tools/grade --expect zero "$out/students/hangs/grade.json" &&
		grep -q 'not build' "$out/students/broken/grade.json" &&
		grep -q '^hangs .*stopped after 12 s' "$out/summary.txt" &&
		[ "$rows" -eq $((1 + 3 * $(grep -c '^warning,' "$out/grades.csv"))) ] &&
		[ "$(grep -c '^warning,' "$out/grades.csv")" -gt 0 ]
	status=$?
	rm -rf "$class" "$out"
	return $status
}

# The two submissions side by side: each builds a copy of the lab, and
# their test runs take turns (the runner's lock), so the builds of one
# overlap the tests of the other.
both_submissions() {
	early_exit_submission >"$log/submission-early-exit.out" 2>&1 &
	early=$!
	class_submissions >"$log/submission-class.out" 2>&1
	class_status=$?
	wait "$early"
	early_status=$?
	echo "== stubs that exit 0 (expected: zero)"
	cat "$log/submission-early-exit.out"
	echo "== a class: an unused function (full marks), no build, a hang (zero)"
	cat "$log/submission-class.out"
	[ "$early_status" -eq 0 ] && [ "$class_status" -eq 0 ]
}

# The three-line cheat: every stub of a submission exits 0 at once. Graded
# by make grade like any submission, it must score zero.
early_exit_submission() {
	sub=$(mktemp -d) || return 1
	out=$(mktemp -d) || return 1
	cp -r exercises/. "$sub"
	for f in "$sub"/*/*.c; do
		sed -i 's|^#include "exercise.h"$|&\n#include <unistd.h>\n#undef exercise_todo\n#define exercise_todo(id, ...) (_exit(0), 0)|' "$f"
	done
	CK_TIMEOUT_MULTIPLIER=0.3 make -s grade SUBMISSION="$sub" OUT="$out" GRADED=1 >/dev/null 2>&1
	build/tools/grade --expect zero "$out/grade.json"
	status=$?
	rm -rf "$sub" "$out"
	return $status
}

step "build both implementations (-Werror)" make -s -j"$jobs" all
vm_both_start
san_build_start
step "common library tests" build/tests/common/run-tests
step "solutions score full marks" solutions_full
autograder_start
step "exercises/, classroom.yml come from solutions/" make -s exercises-check
step "make exercises keeps a student's work" keeps_student_work
step "C sources follow .clang-format" make -s format-check
step "untouched exercises score zero" exercises_zero
step "each stub loses exactly its exercise's points" make -s -j"$jobs" stubcheck
step "stubs that cheat earn nothing" make -s -j"$jobs" cheatcheck
step "submissions and a class: cheats, hangs and no build score 0" both_submissions
step "solutions pass under ASan and UBSan" sanitized_solutions
vm_step "the kernel chapters pass in pure cgroup v2 and v1 guests" vm_both_wait
vm_step "the Gradescope autograder, without privileges, agrees" autograder_wait
step "no leftovers on the host" common/scripts/leftovers.sh

echo
grep -h 'stub ' "$log"/each-stub*.log 2>/dev/null
grep -h '' "$log"/stubs-that-cheat*.log 2>/dev/null
echo "selftest took $(($(date +%s) - started)) s; logs in $log/"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
