/* worker.c - run tests one at a time and judge each from outside.
 *
 * For each test the worker makes a one-test Check suite and runs it in
 * fork mode: Check forks the test's process, puts it in a process group
 * of its own, enforces the timeout and kills the group afterwards. Around
 * that the worker adds what Check cannot know (runner.h):
 *
 *	- the test's process reports "start" from its checked setup and
 *	  "end" with the test's token from its checked teardown: without the
 *	  end report a test has not run to its end, whatever its status;
 *	- in the test's process, before the test, a mount namespace of its
 *	  own whose mounts are shared: a mount made without MS_PRIVATE in a
 *	  namespace the test creates propagates back into it, as it would
 *	  into the host's on a systemd machine, and fails the test there;
 *	- after the test, processes it left running outside its process
 *	  group (the worker is their subreaper), cgroups it left under
 *	  boxlab/, scratch directories /tmp/boxlab-* it left (a program
 *	  that crashed before its cleanup) and changes to the host's mount
 *	  table are charged to it, then removed, so the next test starts
 *	  clean.
 */
#include "runner.h"

#include "cgsweep.h"
#include "die.h"
#include "file.h"
#include "sys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#define SKIP_STATUS_MESSAGE "Early exit with return value 77"

/* How long a killed leftover may take to die. */
#define KILL_WAIT_MS 5000

/* The worker's state. Check's fixtures take no arguments, so the test's
 * process reads what it needs from here (it is a fork of the worker). */
static struct {
	const struct worker_setup *setup; /* from the supervisor */
	int report_read;                  /* the worker's end of the reports */
	int report_write;                 /* the tests' end */
	char token[33];                   /* the running test's end token */
	char *host_mounts;                /* the host's table as last seen */
	int mounts_fd;                    /* in a test: its namespace's table */
	char *test_mounts;                /* in a test: that table at setup */
} worker = { .report_read = -1, .report_write = -1, .mounts_fd = -1 };

/* What the test's process reported. */
struct reports {
	pid_t start_pid; /* from the setup, or 0 */
	pid_t end_pid;   /* from the teardown, or 0 */
	bool token_ok;   /* the end report carried this test's token */
	pid_t skip_pid;  /* from test_skip(), or 0 */
	char skip_reason[256];
};

/* Write FORMAT's text and a newline to FD in one write(2), so lines from
 * several processes never interleave; a failed write ends the caller,
 * which has nobody left to tell. */
static void write_line(int fd, const char *format, va_list args)
{
	char line[768];
	int len;

	len = vsnprintf(line, sizeof(line) - 1, format, args);
	if (len < 0 || len > (int)sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	if (write(fd, line, len) != len)
		_exit(1);
}

void harness_report(const char *format, ...)
{
	va_list args;

	va_start(args, format);
	write_line(worker.report_write, format, args);
	va_end(args);
}

/* The whole of FD from its start (a /proc file opened earlier: rewinding
 * a seq_file reads it anew). */
static char *read_from_start(int fd)
{
	char *text;
	int ret;

	ck_assert_msg(lseek(fd, 0, SEEK_SET) == 0, "rewind mountinfo: %s",
	              strerror(errno));
	ret = file_read_fd_all(fd, &text, NULL);
	ck_assert_msg(ret == 0, "read mountinfo: %s", strerror(-ret));
	return text;
}

/* In the test's process, before the test: a mount namespace of its own,
 * every mount shared within it. The fd keeps that namespace's table
 * readable even if the test later moves to another namespace. */
static void enter_mount_sandbox(void)
{
	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %s",
	              strerror(errno));
	ck_assert_msg(mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL) == 0,
	              "make / rshared: %s", strerror(errno));
	worker.mounts_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	ck_assert_msg(worker.mounts_fd >= 0, "open mountinfo: %s",
	              strerror(errno));
	worker.test_mounts = read_from_start(worker.mounts_fd);
}

/* The first line of NOW that differs from BEFORE, for a message. */
static const char *first_difference(const char *before, const char *now)
{
	const char *start = now;

	while (*now && *now == *before) {
		now++;
		before++;
	}
	while (now > start && now[-1] != '\n')
		now--;
	return *now ? now : "(a line went away)";
}

/* Check's checked setup, in the test's process. */
static void test_begins(void)
{
	close(worker.setup->supervisor_fd);
	harness_report("start %d", (int)getpid());
	if (worker.setup->private_mounts)
		enter_mount_sandbox();
}

/* Check's checked teardown: runs only if the test function returned. */
static void test_ends(void)
{
	char *now;

	if (worker.setup->private_mounts) {
		now = read_from_start(worker.mounts_fd);
		ck_assert_msg(!strcmp(now, worker.test_mounts),
		              "a mount propagated out of a namespace the test "
		              "made (was it not made private?): %.200s",
		              first_difference(worker.test_mounts, now));
		free(now);
	}
	harness_report("end %d %s", (int)getpid(), worker.token);
}

/* A fresh random token for the next test. */
static void new_token(void)
{
	unsigned char bytes[16];
	size_t i;

	if (getrandom(bytes, sizeof(bytes), 0) != sizeof(bytes))
		die_errno(errno, "getrandom");
	for (i = 0; i < sizeof(bytes); i++)
		snprintf(worker.token + 2 * i, 3, "%02x", bytes[i]);
}

/* Read every report waiting in the pipe into R (stale ones too: callers
 * drain before a test). */
static void read_reports(struct reports *r)
{
	char buf[8192], *line, *save = NULL, token[64];
	int pid, consumed;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	while ((n = read(worker.report_read, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (sscanf(line, "start %d", &pid) == 1 &&
			    !r->start_pid)
				r->start_pid = pid;
			else if (sscanf(line, "end %d %63s", &pid, token) ==
			         2) {
				r->end_pid = pid;
				r->token_ok = !strcmp(token, worker.token);
			} else if (sscanf(line, "skip %d %n", &pid,
			                  &consumed) == 1) {
				r->skip_pid = pid;
				snprintf(r->skip_reason, sizeof(r->skip_reason),
				         "%s", line + consumed);
			}
		}
	}
}

/* The verdict on a test that Check says passed. */
static enum outcome judge_pass(const struct reports *r, char *msg, size_t size)
{
	if (!r->start_pid)
		snprintf(msg, size, "the test never started");
	else if (!r->end_pid)
		snprintf(msg, size,
		         "exited early (status 0) before its "
		         "checks ran");
	else if (r->end_pid != r->start_pid)
		snprintf(msg, size,
		         "exited early (status 0): its checks ended in "
		         "process %d, not in the test's own process %d (did "
		         "the code under test fork?)",
		         (int)r->end_pid, (int)r->start_pid);
	else if (!r->token_ok)
		snprintf(msg, size, "its end-of-test report was forged");
	else
		return PASSED;
	return FAILED;
}

/* The verdict on test RESULT, with reports R; the message in MSG. */
static enum outcome judge(TestResult *result, const struct reports *r,
                          char *msg, size_t size)
{
	const char *check_msg = tr_msg(result);
	int status;

	if (tr_rtype(result) == CK_PASS)
		return judge_pass(r, msg, size);
	if (!strcmp(check_msg, SKIP_STATUS_MESSAGE) && r->skip_pid &&
	    r->skip_pid == r->start_pid) {
		snprintf(msg, size, "skipped: %s", r->skip_reason);
		return SKIPPED;
	}
	if (sscanf(check_msg, "Early exit with return value %d", &status) == 1)
		snprintf(msg, size,
		         "exited early (status %d) before its "
		         "checks ran",
		         status);
	else if (!strcmp(check_msg, "Test timeout expired"))
		snprintf(msg, size,
		         "timed out: still running after its "
		         "time limit");
	else
		snprintf(msg, size, "%s", check_msg);
	return FAILED;
}

/* The children this process has now, from /proc/self/task/TID/children
 * (the worker is single-threaded). Returns how many fit in PIDS. */
static size_t list_children(pid_t *pids, size_t max)
{
	char path[64], *text = NULL, *p, *end;
	size_t count = 0;
	long pid;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children",
	         (int)getpid());
	if (file_read_all(AT_FDCWD, path, &text, NULL) < 0)
		return 0;
	for (p = text; count < max; p = end) {
		pid = strtol(p, &end, 10);
		if (end == p)
			break;
		pids[count++] = pid;
	}
	free(text);
	return count;
}

bool harness_proc_state(pid_t pid, char *ret_state, pid_t *ret_pgrp)
{
	char path[64], line[1024], *close_paren;
	int ppid, pgrp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (file_read_buf(AT_FDCWD, path, line, sizeof(line)) < 0)
		return false;
	close_paren = strrchr(line, ')');
	if (!close_paren ||
	    sscanf(close_paren + 1, " %c %d %d", ret_state, &ppid, &pgrp) != 3)
		return false;
	*ret_pgrp = pgrp;
	return true;
}

/* SIGKILL child PID and reap it, waiting at most KILL_WAIT_MS: a process
 * stuck in the kernel (in a frozen v1 cgroup, on a hung mount) must not
 * hang the run. Returns false if it did not die in time. */
static bool kill_and_reap(pid_t pid)
{
	struct pollfd pfd = { .events = POLLIN };
	int ret;

	pfd.fd = sys_pidfd_open(pid, 0);
	if (pfd.fd < 0)
		return waitpid(pid, NULL, WNOHANG) >= 0;
	sys_pidfd_send_signal(pfd.fd, SIGKILL, NULL, 0);
	do
		ret = poll(&pfd, 1, KILL_WAIT_MS);
	while (ret < 0 && errno == EINTR);
	close(pfd.fd);
	return ret > 0 && waitpid(pid, NULL, 0) == pid;
}

/* Kill and reap every child of this process except KEEP. A test's
 * processes come here when the test ends (this process is their
 * subreaper). Those in process group TEST_PGRP were killed by Check
 * already; the others the test left running on purpose or by mistake.
 * The lab's cgroups are thawed first: a frozen process cannot die.
 * Returns how many of those there were; the first is described in
 * FIRST. */
int sweep_children(pid_t keep, pid_t test_pgrp, char *first, size_t size)
{
	pid_t pids[256], pgrp;
	size_t count, i;
	int left = 0, rounds;
	char state;

	cgsweep_thaw_all();
	for (rounds = 0; rounds < 16; rounds++) {
		count = list_children(pids, 256);
		if (count <= (keep ? 1u : 0u))
			break;
		for (i = 0; i < count; i++) {
			if (pids[i] == keep)
				continue;
			if (harness_proc_state(pids[i], &state, &pgrp) &&
			    state != 'Z' && pgrp != test_pgrp && left++ == 0 &&
			    first)
				snprintf(first, size, "%d", (int)pids[i]);
			if (!kill_and_reap(pids[i]))
				warn("process %d does not die; left as it is",
				     (int)pids[i]);
		}
	}
	return left;
}

/* Charge OUTCOME/MSG with a problem found after the test: a test that
 * passed now fails; one that failed keeps its first message too. */
static void charge(enum outcome *outcome, char *msg, size_t size,
                   const char *problem)
{
	size_t len = strlen(msg);

	if (*outcome != FAILED)
		snprintf(msg, size, "%s", problem);
	else if (len + 6 < size)
		snprintf(msg + len, size - len, "; and %s", problem);
	*outcome = FAILED;
}

/* After a test: sweep and check what it may have left, charging it. */
static void check_leftovers(pid_t test_pgrp, enum outcome *outcome, char *msg,
                            size_t size)
{
	char problem[400], first[32];
	const char *left;
	char *now;
	int count;

	count = sweep_children(0, test_pgrp, first, sizeof(first));
	if (count) {
		snprintf(problem, sizeof(problem),
		         "it left %d process%s running (PID %s), killed now",
		         count, count == 1 ? "" : "es", first);
		charge(outcome, msg, size, problem);
	}
	now = cgsweep_list();
	left = cgsweep_new(worker.setup->lab_cgroups, now);
	if (left) {
		snprintf(problem, sizeof(problem),
		         "it left the cgroup %.300s behind, removed now", left);
		charge(outcome, msg, size, problem);
		cgsweep_remove_new(worker.setup->lab_cgroups);
	}
	free(now);
}

/* The lab's scratch directories in /tmp ("boxlab-*", a program's own,
 * like /tmp/boxlab-ovlrun-XXXXXX), but the run's /tmp/boxlab-test-*:
 * each name followed by a newline, after a leading one. */
static char *scratch_names(void)
{
	size_t len = 1, size = 256;
	char *names = malloc(size), *grown;
	struct dirent *entry;
	DIR *dir = opendir("/tmp");

	if (!names || !dir) {
		if (dir)
			closedir(dir);
		free(names);
		return strdup("\n");
	}
	names[0] = '\n';
	while ((entry = readdir(dir))) {
		size_t n = strlen(entry->d_name);

		if (strncmp(entry->d_name, "boxlab-", 7) ||
		    !strncmp(entry->d_name, "boxlab-test-", 12))
			continue;
		if (len + n + 2 > size) {
			size = (len + n + 2) * 2;
			grown = realloc(names, size);
			if (!grown)
				break;
			names = grown;
		}
		memcpy(names + len, entry->d_name, n);
		len += n;
		names[len++] = '\n';
	}
	names[len] = '\0';
	closedir(dir);
	return names;
}

/* After a test: a scratch directory it made and left is removed, and
 * charged to it ("clean up on every path" holds for a crash too). */
static void check_scratch(const char *before, enum outcome *outcome, char *msg,
                          size_t size)
{
	char *now = scratch_names(), *name, *end, key[300], problem[400];
	int tmp_fd = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);

	for (name = now + 1; (end = strchr(name, '\n')); name = end + 1) {
		*end = '\0';
		snprintf(key, sizeof(key), "\n%s\n", name);
		if (strstr(before, key))
			continue;
		snprintf(problem, sizeof(problem),
		         "it left /tmp/%.200s behind (removed)", name);
		charge(outcome, msg, size, problem);
		if (tmp_fd >= 0)
			file_remove_tree(tmp_fd, name);
	}
	if (tmp_fd >= 0)
		close(tmp_fd);
	free(now);
}

/* After a test: the host's mount table, read through a process that
 * stayed in the host's mount namespace. A change cannot be undone from
 * here; it is charged once and becomes the new baseline. */
static void check_host_mounts(enum outcome *outcome, char *msg, size_t size)
{
	char path[64], problem[400], *now;
	pid_t observer = worker.setup->host_observer;

	snprintf(path, sizeof(path), "/proc/%d/mountinfo",
	         observer ? (int)observer : (int)getpid());
	if (file_read_all(AT_FDCWD, path, &now, NULL) < 0)
		return;
	if (strcmp(now, worker.host_mounts)) {
		snprintf(problem, sizeof(problem),
		         "the host's mount table changed, from the line: "
		         "%.200s",
		         first_difference(worker.host_mounts, now));
		charge(outcome, msg, size, problem);
		free(worker.host_mounts);
		worker.host_mounts = now;
		return;
	}
	free(now);
}

/* A Check suite holding TEST alone, with the harness's fixtures. */
static Suite *one_test_suite(const struct graded_test *test)
{
	Suite *suite = suite_create(chapter_name);
	TCase *tcase = tcase_create(test->name);

	tcase_set_timeout(tcase,
	                  test->timeout ? test->timeout : DEFAULT_TIMEOUT);
	_tcase_add_test(tcase, test->test, test->signal, test->exit_value, 0,
	                1);
	tcase_add_checked_fixture(tcase, test_begins, test_ends);
	suite_add_tcase(suite, tcase);
	return suite;
}

/* Send LINE to the supervisor; if it is gone, so is the point. */
static void tell_supervisor(const char *format, ...)
{
	va_list args;

	va_start(args, format);
	write_line(worker.setup->supervisor_fd, format, args);
	va_end(args);
}

/* Newlines would split a result line: make them spaces. */
static void one_line(char *text)
{
	for (; *text; text++)
		if (*text == '\n' || *text == '\r')
			*text = ' ';
}

static void run_one(size_t index)
{
	const struct graded_test *test = worker.setup->rows[index].test;
	SRunner *runner = srunner_create(one_test_suite(test));
	TestResult **results;
	struct reports reports;
	enum outcome outcome;
	char msg[512] = "";

	char *scratch = scratch_names();

	read_reports(&reports); /* drop anything stale */
	new_token();
	tell_supervisor("begin %zu", index);
	srunner_set_fork_status(runner, CK_FORK);
	srunner_run_all(runner, CK_SILENT);
	read_reports(&reports);
	results = srunner_results(runner);
	outcome = judge(results[0], &reports, msg, sizeof(msg));
	free(results);
	srunner_free(runner);
	check_leftovers(reports.start_pid, &outcome, msg, sizeof(msg));
	check_host_mounts(&outcome, msg, sizeof(msg));
	check_scratch(scratch, &outcome, msg, sizeof(msg));
	free(scratch);
	one_line(msg);
	tell_supervisor("result %zu %d %s", index, (int)outcome, msg);
}

/* Where the tests' own output goes: the log, never the table. */
static void redirect_output(int log_fd)
{
	if (log_fd < 0)
		return;
	if (dup2(log_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0)
		die_errno(errno, "dup2 the test log");
}

void worker_run(const struct worker_setup *setup)
{
	int fds[2];
	size_t i;

	worker.setup = setup;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (setsid() < 0)
		die_errno(errno, "setsid");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die_errno(errno, "PR_SET_CHILD_SUBREAPER");
	if (pipe2(fds, O_CLOEXEC) < 0)
		die_errno(errno, "pipe2");
	worker.report_read = fds[0];
	worker.report_write = fds[1];
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0)
		die_errno(errno, "fcntl O_NONBLOCK");
	worker.host_mounts = strdup(setup->host_mounts);
	redirect_output(setup->log_fd);
	for (i = setup->first; i < setup->count; i++)
		run_one(i);
	_exit(0);
}
