/* suite.c - chapter 08's tests, for the runner in tests/harness/. */
#include "harness.h"

extern const struct graded_test oci_tests[], boxfile_tests[];

const struct graded_test *const chapter_tests[] = {
	oci_tests,
	boxfile_tests,
	NULL,
};
