/* test_ptree.c - the programs ptree and orphan, run as a user would.
 *
 * These need every exercise of the chapter, so they carry no points;
 * they must pass for the solutions.
 */
#include "harness.h"

#include "cgsweep.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The fixture tree gives a known answer, kept in proc-basic.expected. */
START_TEST(ptree_draws_fixture_tree)
{
	struct run_result result;
	char *expected, path[512];
	FILE *file;
	size_t size = 0;

	TEST_RUN(&result, "ptree", "--proc", test_fixture("proc-basic"));
	test_assert_exit(&result, 0);
	snprintf(path, sizeof(path), "%s", test_fixture("proc-basic.expected"));
	file = fopen(path, "re");
	ck_assert_ptr_nonnull(file);
	ck_assert_int_ne(getdelim(&expected, &size, '\0', file), -1);
	fclose(file);
	ck_assert_msg(strcmp(result.out, expected) == 0,
	              "expected:\n%s\ngot:\n%s", expected, result.out);
	free(expected);
	test_run_free(&result);
}
END_TEST

/* On the real /proc, PID 1 is the first root, whatever its name. */
START_TEST(ptree_starts_at_pid1)
{
	struct run_result result;

	TEST_RUN(&result, "ptree", "-K");
	test_assert_exit(&result, 0);
	ck_assert_msg(strstr(result.out, "(1)\n") ==
	                      strchr(result.out, '\n') - 3,
	              "first line is not PID 1: %.80s", result.out);
	ck_assert_msg(!strstr(result.out, "[kthreadd](2)"),
	              "-K still shows kthreadd");
	test_run_free(&result);
}
END_TEST

/* Our ancestry, from /proc/PID/status (not the code under test): this
 * process first, PID 1 last. Returns the number of entries. */
static int ancestry(pid_t *chain, int max)
{
	pid_t pid = getpid();
	int depth = 0;

	while (pid > 0 && depth < max) {
		chain[depth++] = pid;
		pid = cgsweep_parent_of(pid);
		ck_assert_msg(pid >= 0, "ancestor %d is gone",
		              chain[depth - 1]);
	}
	return depth;
}

/* ptree -p OURPID: init, each of our ancestors, us, and ptree below us. */
START_TEST(ptree_shows_own_ancestry)
{
	struct run_result result;
	char focus[16], needle[32];
	const char *at, *previous;
	pid_t chain[64];
	int depth = ancestry(chain, 64), i;

	snprintf(focus, sizeof(focus), "%d", (int)getpid());
	TEST_RUN(&result, "ptree", "-p", focus);
	test_assert_exit(&result, 0);
	previous = result.out;
	for (i = depth - 1; i >= 0; i--) {
		snprintf(needle, sizeof(needle), "(%d)\n", (int)chain[i]);
		at = strstr(result.out, needle);
		ck_assert_msg(at && at >= previous,
		              "ancestor %d missing or out of order in:\n%s",
		              (int)chain[i], result.out);
		previous = at;
	}
	ck_assert_msg(strstr(previous, "ptree("), "ptree itself not below us");
	test_run_free(&result);
}
END_TEST

/* ptree -t: the threads of 4242 under it, as {name}(tid), without 4252,
 * a thread that exited (its task/ directory has no stat). */
START_TEST(ptree_draws_fixture_threads)
{
	struct run_result result;

	TEST_RUN(&result, "ptree", "-t", "-s", "-p", "4242", "--proc",
	         test_fixture("proc-basic"));
	test_assert_exit(&result, 0);
	ck_assert_msg(strcmp(result.out, "init(1) S\n"
	                                 "└─sshd(100) S\n"
	                                 "  └─bash(101) S\n"
	                                 "    └─a) S 1 (b(4242) R\n"
	                                 "      ├─{gmain}(4250) S\n"
	                                 "      └─{gdbus}(4251) R\n") == 0,
	              "got:\n%s", result.out);
	test_run_free(&result);
}
END_TEST

START_TEST(ptree_writes_dot)
{
	struct run_result result;

	TEST_RUN(&result, "ptree", "--dot", "--proc",
	         test_fixture("proc-basic"));
	test_assert_exit(&result, 0);
	ck_assert_msg(strncmp(result.out, "digraph ptree {", 15) == 0,
	              "not a digraph: %.40s", result.out);
	ck_assert_ptr_nonnull(strstr(result.out, "\t100 -> 101;\n"));
	ck_assert_ptr_nonnull(strstr(result.out, "label=\"a) S 1 (b(4242)\""));
	test_run_free(&result);
}
END_TEST

/* Wrong input: one clear line on stderr and a non-zero status. */
START_TEST(ptree_rejects_bad_input)
{
	static const struct {
		const char *args[3];
		int status;
		const char *message;
	} cases[] = {
		{ { "-p", "abc", NULL },
		  2,
		  "ptree: -p abc: not a process ID (try ptree --help)\n" },
		{ { "-p", "0", NULL },
		  2,
		  "ptree: -p 0: not a process ID (try ptree --help)\n" },
		{ { "--proc", "/nonexistent", NULL },
		  1,
		  "ptree: open /nonexistent: No such file or directory\n" },
		{ { "extra", NULL, NULL },
		  2,
		  "ptree: unexpected argument 'extra' (try ptree --help)\n" },
		{ { "--bogus", NULL, NULL },
		  2,
		  "ptree: unknown option --bogus (try ptree --help)\n" },
		{ { "-x", NULL, NULL },
		  2,
		  "ptree: unknown option -x (try ptree --help)\n" },
		{ { "-p", NULL, NULL },
		  2,
		  "ptree: option -p needs an argument (try ptree --help)\n" },
	};
	struct run_result result;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TEST_RUN(&result, "ptree", cases[i].args[0], cases[i].args[1],
		         cases[i].args[2]);
		test_assert_exit(&result, cases[i].status);
		ck_assert_msg(strcmp(result.err, cases[i].message) == 0,
		              "%s %s: expected \"%s\" on stderr, got \"%s\"",
		              cases[i].args[0],
		              cases[i].args[1] ? cases[i].args[1] : "",
		              cases[i].message, result.err);
		ck_assert_str_eq(result.out, "");
		test_run_free(&result);
	}
	TEST_RUN(&result, "ptree", "--proc", test_fixture("proc-basic"),
	         "--pid");
	test_assert_exit(&result, 2);
	ck_assert_str_eq(result.err, "ptree: option --pid needs an argument "
	                             "(try ptree --help)\n");
	test_run_free(&result);
}
END_TEST

START_TEST(ptree_focus_on_missing_pid)
{
	struct run_result result;

	TEST_RUN(&result, "ptree", "--proc", test_fixture("proc-basic"),
	         "-p4000");
	test_assert_exit(&result, 1);
	ck_assert_ptr_nonnull(
	        strstr(result.err, "ptree: -p 4000: no such process in "));
	test_run_free(&result);
}
END_TEST

/* The churner: fork a batch of children that exit at once and reap them,
 * over and over, so that /proc always holds processes that are exiting or
 * being reaped (state X: PPID 0, process group and session -1). Says
 * "ready" on READY after its first batch; stops when STOP reaches end of
 * file. */
static void churn(int ready, int stop)
{
	struct pollfd pfd = { .fd = stop, .events = POLLIN };
	pid_t child;
	int i;

	for (;;) {
		for (i = 0; i < 16; i++) {
			child = fork();
			if (child == 0)
				_exit(0);
		}
		while (wait(NULL) > 0 || errno == EINTR)
			;
		if (ready >= 0) {
			if (write(ready, "r", 1) != 1)
				_exit(1);
			close(ready);
			ready = -1;
		}
		if (poll(&pfd, 1, 0) != 0)
			_exit(0);
	}
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	       (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* ptree while processes come and go as fast as the kernel can make them:
 * one that exits or is reaped between the listing and the read of its
 * stat must be skipped, never cost the whole snapshot. */
START_TEST(ptree_survives_churn)
{
	int ready[2], stop[2], i, status;
	struct run_result result;
	struct timespec start;
	pid_t churner;
	char byte;

	ck_assert_int_eq(pipe2(ready, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(stop, O_CLOEXEC), 0);
	churner = fork();
	ck_assert_int_ge(churner, 0);
	if (churner == 0) {
		close(ready[0]);
		close(stop[1]);
		churn(ready[1], stop[0]);
	}
	close(ready[1]);
	close(stop[0]);
	ck_assert_int_eq(read(ready[0], &byte, 1), 1);
	/* 150 runs, or as many as fit in three seconds (at least 20): a slow
	 * machine, such as the emulated guests of make test-vm, does fewer. */
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < 150 && (i < 20 || seconds_since(&start) < 3); i++) {
		TEST_RUN(&result, "ptree", "-s");
		ck_assert_msg(WIFEXITED(result.status) &&
		                      WEXITSTATUS(result.status) == 0 &&
		                      result.err[0] == '\0',
		              "run %d: status 0x%x, stderr: %s", i,
		              result.status, result.err);
		ck_assert_msg(!strstr(result.out, ") X\n"),
		              "run %d shows a process being reaped:\n%s", i,
		              result.out);
		test_run_free(&result);
	}
	close(stop[1]);
	ck_assert_int_eq(waitpid(churner, &status, 0), churner);
	ck_assert_int_eq(status, 0);
	close(ready[0]);
}
END_TEST

/* "child  N: my parent exited; my parent is now P (comm)" -> P */
static pid_t adopter(const char *out)
{
	const char *at = strstr(out, "my parent is now ");
	int pid = 0;

	ck_assert_msg(at, "no \"my parent is now\" in:\n%s", out);
	sscanf(at, "my parent is now %d", &pid);
	return pid;
}

START_TEST(orphan_is_adopted)
{
	struct run_result result;
	int old_parent = 0, i, depth;
	pid_t new_parent, chain[64];
	const char *at;

	TEST_RUN(&result, "orphan", NULL);
	test_assert_exit(&result, 0);
	at = strstr(result.out, "my parent is ");
	ck_assert_ptr_nonnull(at);
	ck_assert_int_eq(sscanf(at, "my parent is %d", &old_parent), 1);
	new_parent = adopter(result.out);
	ck_assert_int_ne(new_parent, old_parent);
	/* PID 1, or a subreaper above us (some CI runners have one): either
	 * way one of this test's ancestors. */
	depth = ancestry(chain, 64);
	for (i = 0; i < depth && chain[i] != new_parent; i++)
		;
	ck_assert_msg(i < depth, "adopted by %d, not one of our ancestors:\n%s",
	              (int)new_parent, result.out);
	ck_assert_ptr_null(strstr(result.out, "reaped my adopted"));
	test_run_free(&result);
}
END_TEST

START_TEST(orphan_is_adopted_by_subreaper)
{
	struct run_result result;
	int grandparent = 0;

	TEST_RUN(&result, "orphan", "--subreaper");
	test_assert_exit(&result, 0);
	ck_assert_int_eq(sscanf(result.out, "grandparent %d:", &grandparent),
	                 1);
	ck_assert_msg(adopter(result.out) == grandparent,
	              "expected adoption by the subreaper %d:\n%s", grandparent,
	              result.out);
	ck_assert_ptr_nonnull(
	        strstr(result.out, "reaped my adopted grandchild"));
	test_run_free(&result);

	TEST_RUN(&result, "orphan", "--bogus");
	test_assert_exit(&result, 2);
	ck_assert_str_eq(result.err,
	                 "orphan: expected no argument or "
	                 "--subreaper, got '--bogus' (try orphan --help)\n");
	test_run_free(&result);
}
END_TEST

const struct graded_test ptree_tests[] = {
	PROGRAM(ptree_draws_fixture_tree),
	PROGRAM(ptree_starts_at_pid1),
	PROGRAM(ptree_shows_own_ancestry),
	PROGRAM(ptree_draws_fixture_threads),
	PROGRAM(ptree_writes_dot),
	PROGRAM(ptree_rejects_bad_input),
	PROGRAM(ptree_focus_on_missing_pid),
	PROGRAM(ptree_survives_churn),
	PROGRAM(orphan_is_adopted),
	PROGRAM(orphan_is_adopted_by_subreaper),
	{ 0 },
};
