/* suite.c - chapter 03's tests, for the runner in tests/harness/. */
#include "harness.h"

extern const struct graded_test ns_tests[], programs_tests[];

const struct graded_test *const chapter_tests[] = {
	ns_tests,
	programs_tests,
	NULL,
};
