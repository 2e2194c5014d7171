/* child.h - run a check in a forked child, for chapter 10's tests. */
#ifndef BOXLAB_TEST_SEC_CHILD_H
#define BOXLAB_TEST_SEC_CHILD_H

#include "harness.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* Fork; the child runs FN(ARG) and exits with what it returns (0 is
 * turned into test_child_passed()). The parent checks it passed, WHY[N]
 * saying what exit status N means. */
static inline void sec_in_child(int (*fn)(const char *), const char *arg,
                                const char *const *why, int n)
{
	int status, ret;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		ret = fn(arg);
		if (ret == 0)
			test_child_passed();
		test_child_exit(ret);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	test_assert_no_stub();
	ck_assert_child_passed(status, why, n);
}

#endif
