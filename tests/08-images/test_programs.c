/* test_programs.c - boximg, run as a user would, on a store of the
 * test's own (--root). */
#include "harness.h"
#include "testroot.h"

const struct graded_test programs_tests[] = {
	{ 0 },
};
