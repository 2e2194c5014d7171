/* suite.c - chapter 02's tests, for the runner in tests/harness/. */
#include "harness.h"

extern const struct graded_test init_tests[], search_tests[], programs_tests[];

const struct graded_test *const chapter_tests[] = {
	init_tests,
	search_tests,
	programs_tests,
	NULL,
};
