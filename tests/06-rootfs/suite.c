/* suite.c - chapter 06's tests, for the runner in tests/harness/. */
#include "harness.h"

extern const struct graded_test rootfs_tests[], resolve_tests[],
        programs_tests[];

const struct graded_test *const chapter_tests[] = {
	rootfs_tests,
	resolve_tests,
	programs_tests,
	NULL,
};
