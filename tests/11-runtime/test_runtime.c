/* test_runtime.c - start (11.5) against a container the test plays
 * itself: a state directory, an exec.fifo, and a child that blocks
 * opening it for writing, as create's child does.
 */
#include "harness.h"
#include "runtime.h"

#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A runtime root with container ID whose process is CHILD (0: made
 * here, blocked on the fifo) ; writes state.json by hand. */
static pid_t fake_container(struct runtime *rt, const char *id, bool open_fifo,
                            bool stay)
{
	char path[256], json[512];
	pid_t child;
	int fd;

	ck_assert_int_eq(runtime_open(test_tmpdir(), rt), 0);
	ck_assert_int_eq(mkdirat(rt->root_fd, id, 0700), 0);
	snprintf(path, sizeof(path), "%s/exec.fifo", id);
	ck_assert_int_eq(mkfifoat(rt->root_fd, path, 0622), 0);
	fflush(NULL);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		if (!open_fifo)
			test_child_exit(3); /* died while created */
		fd = openat(rt->root_fd, path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0", 1) != 1)
			test_child_exit(1);
		close(fd);
		while (stay)
			pause();     /* "running" until the test kills it */
		test_child_passed(); /* "exec" */
	}
	snprintf(json, sizeof(json),
	         "{\"ociVersion\": \"1.0.2\", \"id\": \"%s\", \"status\": "
	         "\"created\", \"pid\": %d, \"bundle\": \"/b\", \"created\": "
	         "\"x\", \"startTime\": %llu}",
	         id, (int)child, state_start_time(child));
	snprintf(path, sizeof(path), "%s/state.json", id);
	ck_assert_int_eq(
	        file_replace(rt->root_fd, path, json, strlen(json), 0600), 0);
	return child;
}

START_TEST(start_lets_the_container_go)
{
	struct container_state state;
	struct runtime rt;
	int status;
	pid_t child = fake_container(&rt, "box1", true, false);

	ck_assert_ok(runtime_start(&rt, "box1"), "runtime_start");
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_child_passed(status, NULL, 0);
	ck_assert_int_ne(faccessat(rt.root_fd, "box1/exec.fifo", F_OK, 0), 0);
	ck_assert_int_eq(state_load(rt.root_fd, "box1", &state), 0);
	state_refresh(rt.root_fd, &state, false);
	ck_assert_int_eq(state.status, STATE_STOPPED); /* it ended */
	runtime_close(&rt);
}
END_TEST

/* A container whose process died while created: start says so, and
 * does not hang on a fifo nobody will ever open. */
START_TEST(start_of_a_dead_container)
{
	struct runtime rt;
	int status;
	pid_t child = fake_container(&rt, "box1", false, false);

	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_err(runtime_start(&rt, "box1"), -ESRCH,
	              "runtime_start of a container that died");
	runtime_close(&rt);
}
END_TEST

START_TEST(start_refuses_what_is_not_created)
{
	struct runtime rt;
	int status;
	pid_t child = fake_container(&rt, "box1", true, true);

	ck_assert_ok(runtime_start(&rt, "box1"), "runtime_start");
	ck_assert_err(runtime_start(&rt, "box1"), -EINVAL,
	              "a second start, while it runs");
	ck_assert_int_eq(kill(child, SIGKILL), 0);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_err(runtime_start(&rt, "box1"), -ESRCH,
	              "a start once it ended");
	ck_assert_err(runtime_start(&rt, "nosuch"), -ENOENT,
	              "start of no container");
	runtime_close(&rt);
}
END_TEST

const struct graded_test runtime_tests[] = {
	GRADED("11.5", start_lets_the_container_go),
	GRADED("11.5", start_of_a_dead_container),
	GRADED("11.5", start_refuses_what_is_not_created),
	{ 0 },
};
