#!/bin/sh
# autograder-check.sh - make test's check of the Gradescope autograder.
#
# Builds build/autograder.zip, unpacks it into a fake /autograder under a
# scratch directory (AUTOGRADER_ROOT), runs its setup.sh there, hands in
# the solutions as the submission, and runs run_autograder the way
# Gradescope's unprivileged containers do: as root with every capability
# dropped, from the bounding set too, and no new privileges. Its
# results.json must give every graded test the score make check gave it
# (REFERENCE, a grade.json of the solutions' make check).
#
# To be quick, the fake image's lab starts from this checkout's build
# (copied, as grade-submission.sh copies it into each scratch): setup.sh
# then finds it up to date.
set -eu

cd "$(dirname "$0")/../.."
top=$(pwd)
TOP=$top
. common/scripts/grading.sh
reference=${1:?usage: autograder-check.sh REFERENCE-grade.json}
root=$(mktemp -d /var/tmp/boxlab-autograder-check.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$root"' EXIT INT TERM

sh common/scripts/autograder.sh
mkdir -p "$root/source" "$root/submission" "$root/results"
unzip -q build/autograder.zip -d "$root/source"
seed_build "$root/source/boxlab"
sh "$root/source/setup.sh" >"$root/setup.log" 2>&1 || {
	tail -n 20 "$root/setup.log"
	echo "autograder-check: setup.sh failed"
	exit 1
}
cp -r solutions/. "$root/submission/"

# Gradescope's container: root, but no capability at all.
setpriv --inh-caps=-all --bounding-set=-all --no-new-privs \
	env AUTOGRADER_ROOT="$root" sh -c '
		grep -q "^CapEff:[[:space:]]*0*$" /proc/self/status ||
			{ echo "autograder-check: capabilities were not dropped"; exit 1; }
		exec "$AUTOGRADER_ROOT/source/run_autograder"' >"$root/run.log" 2>&1 || {
	tail -n 20 "$root/run.log"
	echo "autograder-check: run_autograder failed"
	exit 1
}
[ -s "$root/results/results.json" ] || {
	tail -n 20 "$root/run.log"
	echo "autograder-check: no results.json"
	exit 1
}
"$top/build/tools/grade" --same "$reference" "$root/results/results.json"
