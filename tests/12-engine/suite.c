/* suite.c - chapter 12's tests, for the runner in tests/harness/. */
#include "harness.h"

extern const struct graded_test api_tests[], status_tests[], programs_tests[],
        images_tests[], containers_tests[], names_tests[];

const struct graded_test *const chapter_tests[] = {
	api_tests,        status_tests, programs_tests, images_tests,
	containers_tests, names_tests,  NULL,
};
