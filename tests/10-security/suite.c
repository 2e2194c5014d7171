/* suite.c - chapter 10's tests, for the runner in tests/harness/. */
#include "harness.h"

extern const struct graded_test caps_tests[], seccomp_tests[], paths_tests[],
        memfd_tests[], programs_tests[];

const struct graded_test *const chapter_tests[] = {
	caps_tests,  seccomp_tests,  paths_tests,
	memfd_tests, programs_tests, NULL,
};
