/* suite.c - chapter 08's tests, for the runner in tests/harness/. */
#include "harness.h"

extern const struct graded_test digest_tests[], oci_tests[], layer_tests[],
        store_tests[], boxfile_tests[], build_tests[], programs_tests[];

const struct graded_test *const chapter_tests[] = {
	digest_tests,  oci_tests,   layer_tests,    store_tests,
	boxfile_tests, build_tests, programs_tests, NULL,
};
