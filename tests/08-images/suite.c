/* suite.c - chapter 08's tests, for the runner in tests/harness/. */
#include "harness.h"

extern const struct graded_test digest_tests[], layer_tests[];

const struct graded_test *const chapter_tests[] = {
	digest_tests,
	layer_tests,
	NULL,
};
