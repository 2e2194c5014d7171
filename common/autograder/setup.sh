#!/bin/sh
# setup.sh - Gradescope runs this once, as root and with the network, when
# it builds the autograder's image from build/autograder.zip (`make
# autograder`), which it unpacks in /autograder/source:
#
#	setup.sh	this file
#	run_autograder	what grades each submission (copied to /autograder)
#	boxlab/		the lab: its sources, tests, exercises (the stubs a
#			submission that lacks a file is graded with), and
#			build/vm/ with the guest's kernel and base archive
#
# It installs the packages grading needs (make deps, DEPS=grading) and
# builds the lab once; each submission's grading then builds only the
# student's files. Nothing of a student's ever runs here: run_autograder
# runs their code in a throwaway qemu guest (Gradescope's containers are
# unprivileged: no namespaces, no cgroups, no mounts for the tests).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
lab=$here/boxlab
DEPS=grading make -C "$lab" deps
make -C "$lab" -s -j"$(nproc)" programs runners IMPL=solutions
# The kernel came in the zip (Debian's, fetched where the zip was made):
# this unpacks it once (vmlinux) and checks the base archive.
VM_DIR=$lab/build/vm sh "$lab/common/scripts/vm.sh" prepare
