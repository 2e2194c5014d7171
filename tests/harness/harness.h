/* harness.h - what every chapter's Check suite uses.
 *
 * A chapter's tests are ordinary Check tests, listed in a table that says
 * which exercise each one grades:
 *
 *	START_TEST(parse_name_with_parentheses) { ... } END_TEST
 *
 *	const struct graded_test proc_tests[] = {
 *		GRADED("1.1", parse_name_with_parentheses),
 *		PROGRAM(ptree_shows_own_ancestry),
 *		{ 0 }
 *	};
 *
 * GRADED tests earn the exercise's points (from the BEGIN EXERCISE marker
 * in solutions/, shared evenly among its tests) and may depend on that
 * exercise alone. PROGRAM tests run a whole program, so they need every
 * exercise of the chapter; they carry no points but must pass for the
 * solutions. The runner (runner.c) gives each test its own TCase named
 * after it, runs it in a forked child with a timeout, and grades.
 */
#ifndef BOXLAB_HARNESS_H
#define BOXLAB_HARNESS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct graded_test {
	const char *exercise; /* "1.1", or NULL for a PROGRAM test */
	const char *name;     /* the test function's name */
	const TTest *test;    /* what START_TEST defined */
	int exit_value;       /* expected exit status (tcase_add_exit_test) */
	int signal;           /* expected signal (..._raise_signal), or 0 */
	int timeout;          /* seconds; 0 means the default of 10 */
};

/* START_TEST(fn) defines the TTest fn_ttest and a pointer fn to it; only
 * &fn_ttest is a constant a static table may hold. The sizeof() tells the
 * compiler the pointer is used, without evaluating it. */
#define GRADED(id, fn)                                                         \
	{                                                                      \
		.exercise = (id), .name = #fn,                                 \
		.test = &fn##_ttest + 0 * sizeof(fn)                           \
	}
#define PROGRAM(fn) GRADED(NULL, fn)

/* A PROGRAM test with a time limit of SECONDS instead of 10: many runs
 * of a program, which take more time in an emulated guest. */
#define PROGRAM_TIMED(fn, seconds)                                             \
	{                                                                      \
		.name = #fn, .test = &fn##_ttest + 0 * sizeof(fn),             \
		.timeout = (seconds)                                           \
	}

/* What a chapter's suite.c provides: its tables, NULL-terminated. */
extern const struct graded_test *const chapter_tests[];

/* Generated from the markers in solutions/ (build/meta/NN.c). */
struct exercise_info {
	const char *id;    /* "1.1" */
	const char *title; /* "Parse /proc/PID/stat" */
	int points;        /* points for passing all its tests */
	bool challenge; /* optional: graded apart from the chapter's points */
};
extern const char chapter_name[];
extern const struct exercise_info chapter_exercises[];

/* Skip the calling test with "skipped: needs root" unless euid is 0. */
void test_needs_root(void);

/* Skip the calling test, giving REASON ("needs root"). Does not return. */
void test_skip(const char *reason) __attribute__((noreturn));

/* A new empty directory for this test, under the run's scratch directory
 * /tmp/boxlab-test-RUNNERPID/, which the runner removes after the last
 * test, passed or failed (static buffer). */
const char *test_tmpdir(void);

/* Copy fixture NAME (a directory tree) into a new test_tmpdir() and
 * return the copy's path (static buffer): for tests that write. */
const char *test_copy_fixture(const char *name);

/* The path of fixture NAME under tests/fixtures/ (static buffer). */
const char *test_fixture(const char *name);

/* Open fixture NAME as a directory fd (O_CLOEXEC); fails the test if it
 * cannot. */
int test_open_fixture(const char *name);

/* The path of program NAME as built for this grading run (valid until
 * eight more calls). */
const char *test_program(const char *name);

/* Fail the test when RET is negative, with a message a student can act
 * on: "exercise 1.1 is not implemented yet" when a stub was reached, else
 * "WHAT failed: strerror(-RET)". */
#define ck_assert_ok(ret, what)                                                \
	test_assert_ok((ret), (what), __FILE__, __LINE__)
void test_assert_ok(long ret, const char *what, const char *file, int line);

/* Fail the test with "exercise X is not implemented yet" if this process
 * has reached a stub: for code that hides a stub's error (a search that
 * just finds nothing). */
void test_assert_no_stub(void);

/* Fail the test unless RET is the error EXPECTED (a negative errno), with
 * "WHAT: expected -ESRCH (No such process), got 12". */
#define ck_assert_err(ret, expected, what)                                     \
	test_assert_err((ret), (expected), (what), __FILE__, __LINE__)
void test_assert_err(long ret, int expected, const char *what, const char *file,
                     int line);

/* A child a test forks to check something in (a new namespace, PID 1 of
 * its own) must end with test_child_passed() when all went well, and the
 * test must wait for exactly TEST_CHILD_PASSED: an _exit(0) in the code
 * under test, run in that child, must not pass for success. */
#define TEST_CHILD_PASSED 99
void test_child_passed(void) __attribute__((noreturn));

/* A child that failed a check ends with test_child_exit(CODE), CODE from
 * 1 to 97 (the test's WHY says what it means): if the child reached an
 * exercise's stub, it ends with TEST_CHILD_STUB instead, and the test
 * says "not implemented yet" rather than what failed because of it. */
#define TEST_CHILD_STUB 98
void test_child_exit(int code) __attribute__((noreturn));

/* Fail the test unless STATUS (from waitpid) is TEST_CHILD_PASSED; WHY[N]
 * (NULL, or N entries) explains the child's exit status N. */
#define ck_assert_child_passed(status, why, n)                                 \
	test_assert_child_passed((status), (why), (n), __FILE__, __LINE__)
void test_assert_child_passed(int status, const char *const *why, int n,
                              const char *file, int line);

/* The result of running a program to completion. */
struct run_result {
	int status; /* as from waitpid(2) */
	char *out;  /* everything it wrote on stdout, NUL-terminated */
	char *err;  /* everything it wrote on stderr */
};

/* Run ARGV (argv[0] a path) with an empty stdin, capture its output and
 * wait for it. Fails the test if it cannot be started. The program
 * gets SIGKILL if the test process dies first (PR_SET_PDEATHSIG), so a
 * test that times out leaves nothing running. */
void test_run(char *const argv[], struct run_result *ret_result);

/* A program started with test_start() and not yet waited for. */
struct running {
	pid_t pid;  /* the program */
	int in_fd;  /* write end of its stdin */
	int out_fd; /* read end of its stdout */
	int err_fd; /* read end of its stderr */
};

/* Start ARGV like test_run(), without waiting for it. Its stdin is a pipe
 * this test holds: a `cat` under the program lives exactly as long as the
 * test, even when a timeout kills the test. */
void test_start(char *const argv[], struct running *ret_running);

/* Read from FD until a line containing TEXT arrives; fail the test at end
 * of file. The way to know a program has reached a point (it says so),
 * without sleeping. */
void test_wait_for_line(int fd, const char *text);

/* Close RUNNING's stdin, collect the rest of its output and wait for it
 * to exit. */
void test_finish(struct running *running, struct run_result *ret_result);

/* Run program NAME of this grading run (test_program()) with the
 * NULL-terminated ARGS, like test_run(). TEST_RUN() lists them inline:
 *	TEST_RUN(&result, "ptree", "-p", "1");
 */
void test_run_program(struct run_result *ret_result, const char *name,
                      const char *const *args);
#define TEST_RUN(result, name, ...)                                            \
	test_run_program(result, name,                                         \
	                 (const char *const[]){ __VA_ARGS__, NULL })

/* Fail the test unless RESULT exited with EXPECTED, showing its output. */
void test_assert_exit(const struct run_result *result, int expected);

/* Free what test_run() allocated. Accepts NULL. */
void test_run_free(struct run_result *result);

/* The exit status of a result, or -1 if it did not exit normally. */
int test_exit_status(const struct run_result *result);

#endif
