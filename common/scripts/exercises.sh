#!/bin/sh
# exercises.sh generate|check [FORCE] - exercises/ from the markers in solutions/.
#
#	generate   write exercises/NN-*/FILE.c for every solutions/NN-*/FILE.c
#	check      fail if any exercises/ file differs from what generate makes
#
# exercises/ is where a student works, so generate never overwrites a file
# that holds work: one that differs both from what the generator makes now
# and from what it made from the last committed solutions (git HEAD), the
# version the student started from. FORCE=1 overwrites anyway.
set -u
cd "$(dirname "$0")/../.." || exit 1
mode=${1:?usage: exercises.sh generate|check}
force=${FORCE:-}
awk_script=common/scripts/exercises.awk
rc=0

# What the generator made from the committed solution, or nothing.
from_head() {
	git show "HEAD:$1" 2>/dev/null | awk -f "$awk_script"
}

# True if exercises file $2 holds a student's work, solution being $1.
holds_work() {
	[ -f "$2" ] || return 1
	[ -n "$force" ] && return 1
	git rev-parse --git-dir >/dev/null 2>&1 || return 0
	from_head "$1" | cmp -s - "$2" && return 1
	return 0
}

for solution in solutions/[0-9][0-9]-*/*.c; do
	exercise=exercises/${solution#solutions/}
	new=$(mktemp) || exit 1
	if ! awk -f "$awk_script" "$solution" >"$new"; then
		rm -f "$new"
		exit 1
	fi
	if cmp -s "$new" "$exercise"; then
		rm -f "$new"
		continue
	fi
	if [ "$mode" = check ]; then
		echo "$exercise is out of date: run make exercises"
		rc=1
	elif holds_work "$solution" "$exercise"; then
		echo "exercises: $exercise holds your work (it differs from the generated stub); not overwritten (FORCE=1 overwrites it)" >&2
		rc=1
	else
		mkdir -p "$(dirname "$exercise")"
		cat "$new" >"$exercise"
		echo "exercises: wrote $exercise"
	fi
	rm -f "$new"
done
exit $rc
