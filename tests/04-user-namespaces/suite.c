/* suite.c - chapter 04's tests, for the runner in tests/harness/. */
#include "harness.h"

extern const struct graded_test userns_tests[], caps_tests[], programs_tests[];

const struct graded_test *const chapter_tests[] = {
	userns_tests,
	caps_tests,
	programs_tests,
	NULL,
};
