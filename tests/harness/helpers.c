/* helpers.c - the functions tests call: skips, fixtures, programs. */
#include "harness.h"
#include "runner.h"

#include "exercise.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef BOXLAB_TOP
#error "BOXLAB_TOP must name the lab's top directory"
#endif

/* A skip travels to the worker as a report line from the test's own
 * process, then the test exits with 77: the worker counts a test as
 * skipped only when both arrive (runner.h). */
void test_skip(const char *reason)
{
	harness_report("skip %d %s", (int)getpid(), reason);
	_exit(77);
}

void test_needs_root(void)
{
	if (geteuid() != 0)
		test_skip("needs root");
}

const char *test_tmpdir(void)
{
	static char path[PATH_MAX];
	const char *scratch = getenv("BOXLAB_TEST_TMP");

	ck_assert_msg(scratch,
	              "BOXLAB_TEST_TMP is not set (run-tests sets it)");
	snprintf(path, sizeof(path), "%s/XXXXXX", scratch);
	ck_assert_msg(mkdtemp(path), "mkdtemp %s: %s", path, strerror(errno));
	return path;
}

const char *test_copy_fixture(const char *name)
{
	static char copy[PATH_MAX];
	char command[3 * PATH_MAX];
	int status;

	snprintf(copy, sizeof(copy), "%s", test_tmpdir());
	/* cp -a keeps modes and links; the fixture's content goes in. */
	snprintf(command, sizeof(command), "cp -a '%s/.' '%s'",
	         test_fixture(name), copy);
	status = system(command);
	ck_assert_msg(status == 0, "%s: status %d", command, status);
	return copy;
}

const char *test_fixture(const char *name)
{
	static char path[PATH_MAX];
	const char *top = getenv("BOXLAB_TOP");

	snprintf(path, sizeof(path), "%s/tests/fixtures/%s",
	         top ? top : BOXLAB_TOP, name);
	return path;
}

int test_open_fixture(const char *name)
{
	const char *path = test_fixture(name);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	ck_assert_msg(fd >= 0, "cannot open fixture %s: %s", path,
	              strerror(errno));
	return fd;
}

/* Programs sit next to the test binary unless BOXLAB_BIN says otherwise.
 * The paths live in a ring of buffers, so that one call's result stays
 * valid while a few more are made for the same command line. */
const char *test_program(const char *name)
{
	static char paths[8][2 * PATH_MAX];
	static unsigned next;
	const char *bin = getenv("BOXLAB_BIN");
	char *path = paths[next++ % 8];
	char self[PATH_MAX];
	ssize_t len;

	if (bin) {
		snprintf(path, sizeof(paths[0]), "%s/%s", bin, name);
		return path;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ck_assert_msg(len > 0, "readlink /proc/self/exe: %s", strerror(errno));
	self[len] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(path, sizeof(paths[0]), "%s/%s", self, name);
	return path;
}

void test_assert_ok(long ret, const char *what, const char *file, int line)
{
	const char *todo = exercise_todo_last();

	if (ret >= 0)
		return;
	if (ret == -ENOSYS && todo)
		ck_assert_msg(0, "%s:%d: exercise %s is not implemented yet",
		              file, line, todo);
	ck_assert_msg(0, "%s:%d: %s failed: %s", file, line, what,
	              strerror((int)-ret));
}

void test_assert_no_stub(void)
{
	const char *todo = exercise_todo_last();

	ck_assert_msg(!todo, "exercise %s is not implemented yet", todo);
}

/* "-ESRCH (No such process)" for -3; "12" for a non-error result. */
static const char *describe_result(long ret, char *buf, size_t size)
{
	if (ret >= 0)
		snprintf(buf, size, "%ld", ret);
	else
		snprintf(buf, size, "-%s (%s)", strerrorname_np((int)-ret),
		         strerror((int)-ret));
	return buf;
}

void test_assert_err(long ret, int expected, const char *what, const char *file,
                     int line)
{
	char got[96], want[96];

	if (ret == expected)
		return;
	if (ret == -ENOSYS)
		test_assert_ok(ret, what, file, line);
	ck_assert_msg(0, "%s:%d: %s: expected %s, got %s", file, line, what,
	              describe_result(expected, want, sizeof(want)),
	              describe_result(ret, got, sizeof(got)));
}

/* In the forked child: wire up stdin/stdout/stderr and exec. */
static void exec_child(char *const argv[], int in_fd, int out_fd, int err_fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	dup2(in_fd, STDIN_FILENO);
	dup2(out_fd, STDOUT_FILENO);
	dup2(err_fd, STDERR_FILENO);
	execv(argv[0], argv);
	fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Append what is readable on FD to *BUF; returns false at end of file. */
static bool drain(int fd, char **buf, size_t *len)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	*buf = realloc(*buf, *len + n + 1);
	ck_assert_ptr_nonnull(*buf);
	memcpy(*buf + *len, chunk, n);
	*len += n;
	(*buf)[*len] = '\0';
	return true;
}

void test_start(char *const argv[], struct running *ret_running)
{
	int in_pipe[2], out_pipe[2], err_pipe[2];
	pid_t pid;

	ck_assert_int_eq(pipe2(in_pipe, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out_pipe, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(err_pipe, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		exec_child(argv, in_pipe[0], out_pipe[1], err_pipe[1]);
	close(in_pipe[0]);
	close(out_pipe[1]);
	close(err_pipe[1]);
	*ret_running = (struct running){ .pid = pid,
		                         .in_fd = in_pipe[1],
		                         .out_fd = out_pipe[0],
		                         .err_fd = err_pipe[0] };
}

void test_wait_for_line(int fd, const char *text)
{
	char line[1024];
	size_t len = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, &line[len], 1);
		if (n < 0 && errno == EINTR)
			continue;
		ck_assert_msg(n == 1, "end of output before a line with \"%s\"",
		              text);
		if (line[len] != '\n' && len < sizeof(line) - 2) {
			len++;
			continue;
		}
		line[len] = '\0';
		if (strstr(line, text))
			return;
		len = 0;
	}
}

void test_finish(struct running *running, struct run_result *ret_result)
{
	struct pollfd fds[2] = {
		{ .fd = running->out_fd, .events = POLLIN },
		{ .fd = running->err_fd, .events = POLLIN },
	};
	size_t out_len = 0, err_len = 0;

	close(running->in_fd);
	memset(ret_result, 0, sizeof(*ret_result));
	ret_result->out = calloc(1, 1);
	ret_result->err = calloc(1, 1);
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		if (poll(fds, 2, -1) < 0)
			continue;
		if (fds[0].revents &&
		    !drain(fds[0].fd, &ret_result->out, &out_len))
			fds[0].fd = -1;
		if (fds[1].revents &&
		    !drain(fds[1].fd, &ret_result->err, &err_len))
			fds[1].fd = -1;
	}
	close(running->out_fd);
	close(running->err_fd);
	while (waitpid(running->pid, &ret_result->status, 0) < 0 &&
	       errno == EINTR)
		;
}

void test_run(char *const argv[], struct run_result *ret_result)
{
	struct running running;

	test_start(argv, &running);
	test_finish(&running, ret_result);
}

void test_run_program(struct run_result *ret_result, const char *name,
                      const char *const *args)
{
	char *argv[32] = { (char *)test_program(name) };
	int i;

	for (i = 0; args[i]; i++) {
		ck_assert_msg(i < 30, "too many arguments for %s", name);
		argv[i + 1] = (char *)args[i];
	}
	test_run(argv, ret_result);
}

void test_assert_exit(const struct run_result *result, int expected)
{
	ck_assert_msg(test_exit_status(result) == expected,
	              "expected exit status %d, got %d (status %#x); "
	              "stdout: %.300s; stderr: %.300s",
	              expected, test_exit_status(result), result->status,
	              result->out, result->err);
}

void test_run_free(struct run_result *result)
{
	if (!result)
		return;
	free(result->out);
	free(result->err);
	result->out = result->err = NULL;
}

int test_exit_status(const struct run_result *result)
{
	return WIFEXITED(result->status) ? WEXITSTATUS(result->status) : -1;
}

void test_child_passed(void)
{
	_exit(TEST_CHILD_PASSED);
}

void test_child_exit(int code)
{
	_exit(exercise_todo_last() ? TEST_CHILD_STUB : code);
}

void test_assert_child_passed(int status, const char *const *why, int n,
                              const char *file, int line)
{
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

	if (code == TEST_CHILD_PASSED)
		return;
	ck_assert_msg(code != TEST_CHILD_STUB,
	              "%s:%d: the exercise is not implemented yet (the test's "
	              "child reached its stub)",
	              file, line);
	ck_assert_msg(WIFEXITED(status),
	              "%s:%d: the test's child died of signal %d", file, line,
	              WTERMSIG(status));
	ck_assert_msg(code != 0,
	              "%s:%d: the test's child exited early (status 0) before "
	              "its checks ran",
	              file, line);
	ck_assert_msg(0, "%s:%d: %s", file, line,
	              why && code < n && why[code] ? why[code]
	                                           : "the test's child failed");
}
