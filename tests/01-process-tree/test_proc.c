/* test_proc.c - exercises 1.1 to 1.3 and the challenge 1.6: reading
 * processes, and threads, from /proc.
 *
 * Fixture trees live in tests/fixtures/: stat/ holds single stat lines
 * (tricky command names, broken lines, a process being reaped),
 * proc-basic/ a small fake /proc with a vanished process (555: a directory
 * without stat), one being reaped (1146, state X) and an orphan whose
 * parent (666) is missing. Its 4242 has three threads in 4242/task/:
 * itself, 4250 and 4251; and 4252, a thread that exited (no stat).
 */
#include "harness.h"

#include "file.h"
#include "proc.h"

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Parse fixture stat/NAME, failing the test on any error. */
static struct proc_stat parse_fixture(const char *name)
{
	struct proc_stat stat;
	char path[256];
	char *line;
	int ret;

	snprintf(path, sizeof(path), "stat/%s", name);
	ck_assert_int_eq(
	        file_read_all(AT_FDCWD, test_fixture(path), &line, NULL), 0);
	ret = proc_parse_stat(line, &stat);
	free(line);
	ck_assert_ok(ret, "proc_parse_stat");
	return stat;
}

START_TEST(parse_plain_line)
{
	struct proc_stat stat = parse_fixture("bash.stat");

	ck_assert_int_eq(stat.pid, 1191);
	ck_assert_str_eq(stat.comm, "bash");
	ck_assert_int_eq(stat.state, 'S');
	ck_assert_int_eq(stat.ppid, 1);
	ck_assert_int_eq(stat.pgrp, 1191);
	ck_assert_int_eq(stat.session, 1191);
	ck_assert_uint_eq(stat.flags, 4194304);
	ck_assert_int_eq(stat.num_threads, 1);
	ck_assert_uint_eq(stat.starttime, 12345);
}
END_TEST

/* The name "a) S 1 (b" makes "4242 (a) S 1 (b) R 101 ...": a parser that
 * stops at the first ')' reads state 'S' and PPID 1. */
START_TEST(parse_name_with_parentheses)
{
	struct proc_stat stat = parse_fixture("parentheses.stat");

	ck_assert_str_eq(stat.comm, "a) S 1 (b");
	ck_assert_int_eq(stat.pid, 4242);
	ck_assert_msg(
	        stat.state == 'R',
	        "state: expected 'R', got '%c' (stopped at the first ')'?)",
	        stat.state);
	ck_assert_int_eq(stat.ppid, 101);
	ck_assert_int_eq(stat.num_threads, 3);
}
END_TEST

START_TEST(parse_unusual_names)
{
	static const struct {
		const char *file, *comm;
		pid_t ppid;
	} cases[] = {
		{ "spaces.stat", "Web Content", 30 },
		{ "newline.stat", "two\nlines", 30 },
		{ "empty-name.stat", "", 30 },
		{ "smileys.stat", ":-) (-:", 30 },
		{ "kthread.stat", "kthreadd", 0 },
	};
	struct proc_stat stat;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		stat = parse_fixture(cases[i].file);
		ck_assert_msg(!strcmp(stat.comm, cases[i].comm),
		              "%s: expected comm \"%s\", got \"%s\"",
		              cases[i].file, cases[i].comm, stat.comm);
		ck_assert_msg(stat.ppid == cases[i].ppid,
		              "%s: expected ppid %d, got %d", cases[i].file,
		              cases[i].ppid, stat.ppid);
	}
	stat = parse_fixture("long-name.stat");
	ck_assert_uint_eq(strlen(stat.comm), PROC_COMM_MAX - 1);
	ck_assert_int_eq(stat.ppid, 30);
}
END_TEST

/* Fields 4 to 6 are not always positive. A process being reaped has been
 * cut from its parent, and the kernel prints its defaults: PPID 0,
 * process group and session -1. Kernel threads and a container's init
 * have process group and session 0. On a busy machine ptree meets such
 * lines every few hundred runs. */
START_TEST(parse_zero_and_negative_fields)
{
	static const struct {
		const char *file;
		pid_t pid, ppid, pgrp, session;
		char state;
	} cases[] = {
		{ "reaping.stat", 1146, 0, -1, -1, 'X' },
		{ "kthread.stat", 2, 0, 0, 0, 'S' },
		{ "container-init.stat", 1, 0, 0, 0, 'S' },
	};
	struct proc_stat stat;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		stat = parse_fixture(cases[i].file);
		ck_assert_msg(stat.pid == cases[i].pid &&
		                      stat.state == cases[i].state &&
		                      stat.ppid == cases[i].ppid &&
		                      stat.pgrp == cases[i].pgrp &&
		                      stat.session == cases[i].session,
		              "%s: expected pid %d state %c ppid %d pgrp %d "
		              "session %d, got %d %c %d %d %d",
		              cases[i].file, cases[i].pid, cases[i].state,
		              cases[i].ppid, cases[i].pgrp, cases[i].session,
		              stat.pid, stat.state, stat.ppid, stat.pgrp,
		              stat.session);
	}
}
END_TEST

START_TEST(parse_rejects_garbage)
{
	static const char *const bad[] = {
		"bad-no-parentheses.stat", "bad-short.stat",
		"bad-letters.stat",        "bad-pid.stat",
		"bad-empty.stat",          "bad-reversed.stat",
	};
	struct proc_stat stat;
	char path[256], *line;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "stat/%s", bad[i]);
		ck_assert_int_eq(file_read_all(AT_FDCWD, test_fixture(path),
		                               &line, NULL),
		                 0);
		ret = proc_parse_stat(line, &stat);
		free(line);
		ck_assert_err(ret, -EINVAL, bad[i]);
	}
}
END_TEST

/* The real kernel: this test process, init and kthreadd. */
START_TEST(parse_real_processes)
{
	struct proc_stat stat;
	char line[PROC_STAT_LINE_MAX];

	ck_assert_int_eq(prctl(PR_SET_NAME, "b0x) (lab"), 0);
	ck_assert_int_gt(
	        file_read_buf(AT_FDCWD, "/proc/self/stat", line, sizeof(line)),
	        0);
	ck_assert_ok(proc_parse_stat(line, &stat), "proc_parse_stat(self)");
	ck_assert_int_eq(stat.pid, getpid());
	ck_assert_int_eq(stat.ppid, getppid());
	ck_assert_str_eq(stat.comm, "b0x) (lab");
	ck_assert_int_eq(stat.state, 'R');

	ck_assert_int_gt(
	        file_read_buf(AT_FDCWD, "/proc/2/stat", line, sizeof(line)), 0);
	ck_assert_ok(proc_parse_stat(line, &stat), "proc_parse_stat(2)");
	ck_assert_int_eq(stat.ppid, 0);
	ck_assert_msg(stat.flags & PROC_PF_KTHREAD, "PID 2 lacks PF_KTHREAD");
}
END_TEST

START_TEST(read_line_from_fixture)
{
	int proc_fd = test_open_fixture("proc-basic");
	char line[PROC_STAT_LINE_MAX], *expected;
	size_t expected_len;
	ssize_t len;

	ck_assert_int_eq(
	        file_read_all(proc_fd, "101/stat", &expected, &expected_len),
	        0);
	len = proc_read_stat_line(proc_fd, 101, line, sizeof(line));
	ck_assert_ok(len, "proc_read_stat_line(101)");
	ck_assert_int_eq(len, expected_len);
	ck_assert_str_eq(line, expected);
	free(expected);
	len = proc_read_stat_line(proc_fd, 0, line, sizeof(line));
	ck_assert_err(len, -EINVAL, "PID 0");
	close(proc_fd);
}
END_TEST

/* A process that is gone, three ways: a /proc directory without stat (the
 * fixture's 555), a PID nobody has, and a child we just reaped. */
START_TEST(read_line_of_vanished_process)
{
	int proc_fd = test_open_fixture("proc-basic");
	char line[PROC_STAT_LINE_MAX];
	ssize_t ret;
	pid_t child;

	ret = proc_read_stat_line(proc_fd, 555, line, sizeof(line));
	ck_assert_err(ret, -ESRCH, "PID 555 (a directory without stat)");
	ret = proc_read_stat_line(proc_fd, 99999, line, sizeof(line));
	ck_assert_err(ret, -ESRCH, "PID 99999 (no directory)");
	close(proc_fd);

	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ret = proc_read_stat_line(proc_fd, child, line, sizeof(line));
	ck_assert_err(ret, -ESRCH, "a reaped child");
	close(proc_fd);
}
END_TEST

/* A second thread of this process, parked until release_thread(). */
struct parked_thread {
	pthread_t thread;
	int tid_pipe[2]; /* the thread writes its TID here */
	int gate[2];     /* it waits for end of file here */
	pid_t tid;
};

static void *park(void *arg)
{
	struct parked_thread *parked = arg;
	pid_t tid = gettid();
	char byte;

	prctl(PR_SET_NAME, "b0x-worker");
	if (write(parked->tid_pipe[1], &tid, sizeof(tid)) != sizeof(tid))
		return NULL;
	while (read(parked->gate[0], &byte, 1) > 0)
		;
	return NULL;
}

static void start_thread(struct parked_thread *parked)
{
	ck_assert_int_eq(pipe2(parked->tid_pipe, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(parked->gate, O_CLOEXEC), 0);
	ck_assert_int_eq(pthread_create(&parked->thread, NULL, park, parked),
	                 0);
	ck_assert_int_eq(
	        read(parked->tid_pipe[0], &parked->tid, sizeof(parked->tid)),
	        sizeof(parked->tid));
	ck_assert_int_ne(parked->tid, getpid());
}

/* pthread_join() returns when the kernel clears the thread's TID, which
 * happens while the thread exits, a moment before the kernel removes it
 * from /proc/PID/task/. Wait (at most a second) until it has. */
static void wait_thread_gone(pid_t tid)
{
	struct timespec start, now;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d", (int)tid);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (access(path, F_OK) == 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		ck_assert_msg(now.tv_sec - start.tv_sec < 2,
		              "thread %d still in /proc a second after it "
		              "was joined",
		              (int)tid);
		sched_yield();
	}
}

static void release_thread(struct parked_thread *parked)
{
	close(parked->gate[1]);
	pthread_join(parked->thread, NULL);
	wait_thread_gone(parked->tid);
	close(parked->gate[0]);
	close(parked->tid_pipe[0]);
	close(parked->tid_pipe[1]);
}

/* /proc lists processes, not threads, but /proc/TID opens all the same:
 * a thread's own stat line, with its TID in field 1. */
START_TEST(read_line_of_thread)
{
	int proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char line[PROC_STAT_LINE_MAX], expected[32];
	struct parked_thread parked;
	ssize_t len;

	start_thread(&parked);
	len = proc_read_stat_line(proc_fd, parked.tid, line, sizeof(line));
	ck_assert_ok(len, "proc_read_stat_line(a thread's TID)");
	snprintf(expected, sizeof(expected), "%d (", (int)parked.tid);
	ck_assert_msg(strncmp(line, expected, strlen(expected)) == 0,
	              "expected a line starting \"%s\", got \"%.40s\"",
	              expected, line);
	release_thread(&parked);
	close(proc_fd);
}
END_TEST

START_TEST(read_line_real_self)
{
	int proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char line[PROC_STAT_LINE_MAX], expected[32];
	ssize_t len;

	len = proc_read_stat_line(proc_fd, getpid(), line, sizeof(line));
	ck_assert_ok(len, "proc_read_stat_line(getpid())");
	snprintf(expected, sizeof(expected), "%d (", (int)getpid());
	ck_assert_msg(strncmp(line, expected, strlen(expected)) == 0,
	              "expected a line starting \"%s\", got \"%.40s\"",
	              expected, line);
	ck_assert_int_eq(len, strlen(line));
	len = proc_read_stat_line(proc_fd, getpid(), line, 8);
	ck_assert_err(len, -EFBIG, "an 8-byte buffer");
	close(proc_fd);
}
END_TEST

/* List fixture proc-basic; fail on error. */
static size_t list_fixture(int proc_fd, pid_t **ret_pids)
{
	size_t count;

	ck_assert_ok(proc_list_pids(proc_fd, ret_pids, &count),
	             "proc_list_pids");
	return count;
}

START_TEST(list_fixture_pids)
{
	static const pid_t expected[] = { 1,   2,   3,   4,    100, 101,
		                          102, 555, 777, 1146, 4242 };
	int proc_fd = test_open_fixture("proc-basic");
	size_t count, i;
	pid_t *pids;

	count = list_fixture(proc_fd, &pids);
	ck_assert_msg(
	        count == sizeof(expected) / sizeof(expected[0]),
	        "expected 11 PIDs (not self, sys, cpuinfo, 12abc), got %zu",
	        count);
	for (i = 0; i < count; i++)
		ck_assert_msg(pids[i] == expected[i],
		              "PID %zu: expected %d, got %d (sorted?)", i,
		              expected[i], pids[i]);
	free(pids);
	close(proc_fd);
}
END_TEST

/* proc_fd still works after the call: the list must not consume it. */
START_TEST(list_keeps_callers_fd)
{
	int proc_fd = test_open_fixture("proc-basic");
	pid_t *first, *second;
	size_t n1, n2;
	struct stat st;

	n1 = list_fixture(proc_fd, &first);
	ck_assert_msg(fstat(proc_fd, &st) == 0, "proc_fd was closed");
	n2 = list_fixture(proc_fd, &second);
	ck_assert_uint_eq(n1, n2);
	ck_assert_int_eq(memcmp(first, second, n1 * sizeof(pid_t)), 0);
	ck_assert_int_ge(fcntl(proc_fd, F_GETFD), 0);
	free(first);
	free(second);
	close(proc_fd);
}
END_TEST

static bool contains(const pid_t *pids, size_t count, pid_t pid)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* The real /proc: init, us, our parent, and a child that comes and goes. */
START_TEST(list_real_processes)
{
	int proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int gate[2];
	size_t count, i;
	pid_t *pids, child;
	char byte;

	ck_assert_int_eq(pipe2(gate, O_CLOEXEC), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(gate[1]);
		_exit(read(gate[0], &byte, 1) < 0);
	}
	count = list_fixture(proc_fd, &pids);
	ck_assert(contains(pids, count, 1));
	ck_assert(contains(pids, count, getpid()));
	ck_assert(contains(pids, count, getppid()));
	ck_assert_msg(contains(pids, count, child), "new child %d not listed",
	              child);
	for (i = 1; i < count; i++)
		ck_assert_msg(pids[i - 1] < pids[i], "not sorted at %zu", i);
	free(pids);

	close(gate[1]);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	count = list_fixture(proc_fd, &pids);
	ck_assert_msg(!contains(pids, count, child), "reaped child %d listed",
	              child);
	free(pids);
	close(proc_fd);
}
END_TEST

/* The second thread of this process has a /proc/TID, but readdir() of
 * /proc does not return it (proc_pid_readdir() walks thread groups). */
START_TEST(list_real_leaves_out_threads)
{
	int proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct parked_thread parked;
	struct stat st;
	char path[32];
	size_t count;
	pid_t *pids;

	start_thread(&parked);
	snprintf(path, sizeof(path), "%d", (int)parked.tid);
	ck_assert_int_eq(fstatat(proc_fd, path, &st, 0), 0);
	count = list_fixture(proc_fd, &pids);
	ck_assert(contains(pids, count, getpid()));
	ck_assert_msg(!contains(pids, count, parked.tid),
	              "thread %d listed as a process", (int)parked.tid);
	free(pids);
	release_thread(&parked);
	close(proc_fd);
}
END_TEST

/* PIDS (COUNT of them) must be exactly EXPECTED, in order. */
static void expect_pids(const pid_t *pids, size_t count, const pid_t *expected,
                        size_t expected_count, const char *what)
{
	size_t i;

	ck_assert_msg(count == expected_count, "%s: expected %zu, got %zu",
	              what, expected_count, count);
	for (i = 0; i < count; i++)
		ck_assert_msg(pids[i] == expected[i],
		              "%s: entry %zu: expected %d, got %d (sorted?)",
		              what, i, (int)expected[i], (int)pids[i]);
}

/* 4242/task/ holds 4242 (the main thread: left out), 4252, 4250, 4251. */
START_TEST(threads_listed_from_fixture)
{
	static const pid_t expected[] = { 4250, 4251, 4252 };
	int proc_fd = test_open_fixture("proc-basic");
	size_t count;
	pid_t *tids;
	int ret;

	ck_assert_ok(proc_list_threads(proc_fd, 4242, &tids, &count),
	             "proc_list_threads(4242)");
	expect_pids(tids, count, expected, 3, "threads of 4242");
	free(tids);
	ret = proc_list_threads(proc_fd, 555, &tids, &count);
	ck_assert_err(ret, -ESRCH, "PID 555 (a directory without task/)");
	ret = proc_list_threads(proc_fd, 99999, &tids, &count);
	ck_assert_err(ret, -ESRCH, "PID 99999 (no directory)");
	ret = proc_list_threads(proc_fd, 0, &tids, &count);
	ck_assert_err(ret, -EINVAL, "PID 0");
	ck_assert_ok(proc_list_threads(proc_fd, 4242, &tids, &count),
	             "proc_list_threads(4242), a second time");
	expect_pids(tids, count, expected, 3, "threads of 4242, again");
	free(tids);
	close(proc_fd);
}
END_TEST

/* The real kernel: this process, with one thread of its own besides the
 * main one, and after that thread is gone. */
START_TEST(threads_listed_from_kernel)
{
	int proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct parked_thread parked;
	size_t count;
	pid_t *tids;

	start_thread(&parked);
	ck_assert_ok(proc_list_threads(proc_fd, getpid(), &tids, &count),
	             "proc_list_threads(getpid())");
	expect_pids(tids, count, &parked.tid, 1, "threads of this process");
	free(tids);
	release_thread(&parked);
	ck_assert_ok(proc_list_threads(proc_fd, getpid(), &tids, &count),
	             "proc_list_threads(getpid()) after the thread exited");
	expect_pids(tids, count, NULL, 0, "threads after pthread_join()");
	free(tids);
	close(proc_fd);
}
END_TEST

/* ptree -t -p OURPID, from the real /proc: our thread, drawn under us. */
START_TEST(ptree_shows_threads)
{
	struct parked_thread parked;
	struct run_result result;
	char focus[16], needle[64];
	const char *us, *thread;

	start_thread(&parked);
	snprintf(focus, sizeof(focus), "%d", (int)getpid());
	TEST_RUN(&result, "ptree", "-t", "-p", focus);
	test_assert_exit(&result, 0);
	snprintf(needle, sizeof(needle), "(%d)\n", (int)getpid());
	us = strstr(result.out, needle);
	snprintf(needle, sizeof(needle), "─{b0x-worker}(%d)\n",
	         (int)parked.tid);
	thread = strstr(result.out, needle);
	ck_assert_msg(us && thread && thread > us,
	              "expected \"%s\" below us (%s) in:\n%s", needle, focus,
	              result.out);
	test_run_free(&result);
	release_thread(&parked);
}
END_TEST

const struct graded_test proc_tests[] = {
	GRADED("1.1", parse_plain_line),
	GRADED("1.1", parse_name_with_parentheses),
	GRADED("1.1", parse_unusual_names),
	GRADED("1.1", parse_zero_and_negative_fields),
	GRADED("1.1", parse_rejects_garbage),
	GRADED("1.1", parse_real_processes),
	GRADED("1.2", read_line_from_fixture),
	GRADED("1.2", read_line_of_vanished_process),
	GRADED("1.2", read_line_real_self),
	GRADED("1.2", read_line_of_thread),
	GRADED("1.3", list_fixture_pids),
	GRADED("1.3", list_keeps_callers_fd),
	GRADED("1.3", list_real_processes),
	GRADED("1.3", list_real_leaves_out_threads),
	GRADED("1.6", threads_listed_from_fixture),
	GRADED("1.6", threads_listed_from_kernel),
	PROGRAM(ptree_shows_threads),
	{ 0 },
};
