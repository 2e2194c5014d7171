/* test_exec.c - exec into a running container (11.7). The container is
 * played by the test: a child with a UTS and a PID namespace of its own,
 * its state.json written by hand.
 */
#include "harness.h"
#include "runtime.h"

#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A "running" container BOX1: its process waits in a UTS namespace
 * named "inside". Returns its PID; fills RT. */
static pid_t fake_running(struct runtime *rt)
{
	char json[512];
	int ready[2];
	pid_t child;
	char byte;

	test_needs_root();
	ck_assert_int_eq(runtime_open(test_tmpdir(), rt), 0);
	ck_assert_int_eq(mkdirat(rt->root_fd, "box1", 0700), 0);
	ck_assert_int_eq(pipe(ready), 0);
	fflush(NULL);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		if (unshare(CLONE_NEWUTS) < 0 || sethostname("inside", 6) < 0)
			test_child_exit(1);
		if (write(ready[1], "r", 1) != 1)
			test_child_exit(2);
		for (;;)
			pause(); /* until the test kills it */
	}
	ck_assert_int_eq(read(ready[0], &byte, 1), 1);
	close(ready[0]);
	close(ready[1]);
	snprintf(json, sizeof(json),
	         "{\"ociVersion\": \"1.0.2\", \"id\": \"box1\", \"status\": "
	         "\"running\", \"pid\": %d, \"bundle\": \"/b\", \"created\": "
	         "\"x\", \"startTime\": %llu}",
	         (int)child, state_start_time(child));
	ck_assert_int_eq(file_replace(rt->root_fd, "box1/state.json", json,
	                              strlen(json), 0600),
	                 0);
	return child;
}

/* runtime_exec() moves the calling process into the container: call it
 * in a child, whose stdout goes to OUT; its exit status is exec's. */
static int exec_in_child(struct runtime *rt, char *const argv[],
                         const char *out, int *ret_exec)
{
	struct runtime_exec e = { .argv = argv };
	int status, fd;
	pid_t child;

	fflush(NULL);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		int ret;

		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			test_child_exit(1);
		ret = runtime_exec(rt, "box1", &e);
		if (ret < 0)
			test_child_exit(10 + (-ret > 80 ? 80 : -ret));
		if (!WIFEXITED(ret))
			test_child_exit(2);
		if (WEXITSTATUS(ret) == 0)
			test_child_passed();
		test_child_exit(WEXITSTATUS(ret) == 127 ? 3 : 4);
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	*ret_exec = status;
	return 0;
}

START_TEST(exec_runs_in_the_containers_namespaces)
{
	char out[PATH_MAX], *text;
	struct runtime rt;
	int status;
	pid_t box = fake_running(&rt);

	snprintf(out, sizeof(out), "%s/out", test_tmpdir());
	exec_in_child(&rt, (char *const[]){ "hostname", NULL }, out, &status);
	test_assert_no_stub();
	ck_assert_child_passed(status, NULL, 0);
	ck_assert_int_eq(file_read_all(AT_FDCWD, out, &text, NULL), 0);
	ck_assert_str_eq(text, "inside\n");
	free(text);
	kill(box, SIGKILL);
	waitpid(box, &status, 0);
	runtime_close(&rt);
}
END_TEST

START_TEST(exec_says_command_not_found)
{
	char out[PATH_MAX];
	struct runtime rt;
	int status;
	pid_t box = fake_running(&rt);

	snprintf(out, sizeof(out), "%s/out", test_tmpdir());
	exec_in_child(&rt, (char *const[]){ "no-such-program", NULL }, out,
	              &status);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 3,
	              "expected the program's status 127 (not found), got "
	              "the test child's 0x%x",
	              status);
	kill(box, SIGKILL);
	waitpid(box, &status, 0);
	runtime_close(&rt);
}
END_TEST

/* Only a running container takes an exec. */
START_TEST(exec_needs_a_running_container)
{
	struct runtime_exec e = { .argv = (char *const[]){ "true", NULL } };
	struct runtime rt;
	int status;
	pid_t box = fake_running(&rt);

	ck_assert_err(runtime_exec(&rt, "nosuch", &e), -ENOENT,
	              "exec into no container");
	kill(box, SIGKILL);
	waitpid(box, &status, 0);
	ck_assert_err(runtime_exec(&rt, "box1", &e), -EINVAL,
	              "exec into a stopped container");
	runtime_close(&rt);
}
END_TEST

const struct graded_test exec_tests[] = {
	GRADED("11.7", exec_runs_in_the_containers_namespaces),
	GRADED("11.7", exec_says_command_not_found),
	GRADED("11.7", exec_needs_a_running_container),
	{ 0 },
};
