/* suite.c - chapter 07's tests, for the runner in tests/harness/. */
#include "harness.h"

extern const struct graded_test ovl_tests[], programs_tests[];

const struct graded_test *const chapter_tests[] = {
	ovl_tests,
	programs_tests,
	NULL,
};
