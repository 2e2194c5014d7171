/* suite.c - chapter 11's tests, for the runner in tests/harness/. */
#include "harness.h"

extern const struct graded_test spec_tests[], state_tests[], runtime_tests[],
        hooks_tests[], exec_tests[], kill_tests[], console_tests[],
        programs_tests[];

const struct graded_test *const chapter_tests[] = {
	spec_tests, state_tests,   runtime_tests,  hooks_tests, exec_tests,
	kill_tests, console_tests, programs_tests, NULL,
};
