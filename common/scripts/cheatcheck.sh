#!/bin/sh
# cheatcheck.sh BUILD - stubs that cheat earn nothing.
#
# build/cheat/ID/ is exercise ID's stub build linked with
# tests/harness/cheat.o: reaching the stub does what BOXLAB_CHEAT says
# instead of failing honestly (see cheat.c for the list). For each trick
# the grade must be exactly the honest stub's: ID loses all its points and
# every other exercise keeps its own. `make test` runs this.
set -u
build=${1:-build}
id=1.2
chapter=01-process-tree
dir="$build/cheat/$id/grade/$chapter"
grade="$build/tools/grade"
rc=0

# attempt TRICK [ENV=VALUE...]: run the chapter with the trick, judge it.
attempt() {
	trick=$1
	shift
	out="$dir/$trick"
	env BOXLAB_CHEAT="$trick" BOXLAB_CHEAT_TARGET="$out.json" "$@" \
		"$dir/run-tests" --graded --json "$out.json" --log "$out.log" >"$out.txt" 2>&1
	verdict=$("$grade" --expect-stub "$id" "$out.json" 2>&1)
	status=$?
	# Nothing a test prints may reach the table.
	if [ $status -eq 0 ] && grep -q '^  total .*100.0/100' "$out.txt"; then
		verdict="stub $id: FAIL (the tests' output reached the table)"
		status=1
	fi
	printf '%-7s %s\n' "$trick" "$(echo "$verdict" | tail -1)"
	[ $status -eq 0 ] || { sed 's/^/    /' "$out.txt" | tail -20; rc=1; }
}

for trick in exit0 fork kill stop print env daemon write cgroup; do
	attempt "$trick"
done
# The tests' time limits, shortened: the trick sleeps through them.
attempt sleep CK_TIMEOUT_MULTIPLIER=0.3
exit $rc
