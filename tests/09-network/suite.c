/* suite.c - chapter 09's tests, for the runner in tests/harness/. */
#include "harness.h"

extern const struct graded_test netlink_tests[], ipam_tests[], nft_tests[],
        programs_tests[];

const struct graded_test *const chapter_tests[] = {
	netlink_tests, ipam_tests, nft_tests, programs_tests, NULL,
};
