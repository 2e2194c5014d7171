/* suite.c - chapter 05's tests, for the runner in tests/harness/. */
#include "harness.h"

extern const struct graded_test cg_tests[], programs_tests[];

const struct graded_test *const chapter_tests[] = {
	cg_tests,
	programs_tests,
	NULL,
};
