/* suite.c - chapter 01's tests, for the runner in tests/harness/. */
#include "harness.h"

extern const struct graded_test proc_tests[], tree_tests[], ptree_tests[];

const struct graded_test *const chapter_tests[] = {
	proc_tests,
	tree_tests,
	ptree_tests,
	NULL,
};
