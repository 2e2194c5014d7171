/* runner.h - inside the test runner: how its processes talk.
 *
 * run-tests is three kinds of process, so that nothing the code under test
 * does can earn points:
 *
 *	supervisor (runner.c)  holds the results, prints the table, writes
 *	   |                   the JSON; restarts the worker if it dies or
 *	   |                   hangs, charging the test that was running
 *	worker (worker.c)      runs one test at a time through Check, then
 *	   |                   checks the host and sweeps what the test left
 *	test (Check's fork)    runs the test function: the only process in
 *	                       which student code runs
 *
 * A test passes only if Check says so AND the test's own process reported
 * "end" with this test's token from its checked teardown, which runs after
 * the test function returned: an _exit(0), a fork whose parent exits, a
 * crash or a kill never reaches it. The token is random per test, so a
 * line printed or left over from an earlier test cannot stand in for it.
 *
 * What this does not stop: code written to impersonate the harness (read
 * the token from memory and write the line itself), or to kill every
 * process on the machine. Such code is plain to see in a submission;
 * `make grade` builds every submission in a scratch copy of its own.
 */
#ifndef BOXLAB_RUNNER_H
#define BOXLAB_RUNNER_H

#include "harness.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define DEFAULT_TIMEOUT 10

enum outcome { PASSED, FAILED, SKIPPED };

/* One test as it ran. */
struct outcome_row {
	const struct graded_test *test; /* its table entry */
	enum outcome outcome;           /* how it ended */
	bool done;                      /* a result has arrived */
	char message[512];              /* why it failed or was skipped */
};

/* What the supervisor hands the worker (inherited across fork). */
struct worker_setup {
	const struct outcome_row *rows; /* every selected test, in order */
	size_t count;                   /* number of rows */
	size_t first;                   /* index of the first test to run */
	int supervisor_fd;              /* where results go (a pipe) */
	int log_fd;          /* the tests' stdout and stderr, or -1 */
	pid_t host_observer; /* a process in the host's mount
	                                   namespace, or 0 */
	bool private_mounts; /* each test gets a mount namespace */
	char *host_mounts;   /* its mount table before the run */
	char *lab_cgroups;   /* boxlab cgroups before the run */
};

/* Run the tests from setup->first on, one at a time, writing for each
 *	"begin INDEX\n" before it and
 *	"result INDEX OUTCOME MESSAGE\n" after it (OUTCOME 0, 1 or 2)
 * to setup->supervisor_fd. Does not return: exits 0 after the last. */
void worker_run(const struct worker_setup *setup) __attribute__((noreturn));

/* Kill and reap every child of the calling process except KEEP (0: none),
 * until it has none. Returns how many were alive outside process group
 * TEST_PGRP, and the first one's PID in FIRST (SIZE bytes, may be NULL). */
int sweep_children(pid_t keep, pid_t test_pgrp, char *first, size_t size);

/* State (R, S, T, Z, ...) and process group of PID, from /proc/PID/stat
 * (not the lab's own parser: a student's chapter 01 may be a stub).
 * Returns false if PID is gone. */
bool harness_proc_state(pid_t pid, char *ret_state, pid_t *ret_pgrp);

/* In a test's process: send one line to the worker ("skip PID REASON"). */
void harness_report(const char *format, ...)
        __attribute__((format(printf, 1, 2)));

#endif
