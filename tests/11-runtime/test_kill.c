/* test_kill.c - kill and delete (11.8) against containers the test plays
 * itself: a state directory, a state.json naming a cgroup of the lab's
 * (chapter 05's cg_create()), and children of the test as the
 * container's processes.
 */
#include "harness.h"
#include "runtime.h"

#include "cg.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A child that waits to be signalled; in CG if it is given. */
static pid_t waiter(const struct cg *cg)
{
	pid_t child;

	fflush(NULL);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		for (;;)
			pause();
	}
	if (cg)
		ck_assert_int_eq(cg_attach(cg, child), 0);
	return child;
}

/* Container ID in a runtime root under the test's directory, "running"
 * as process PID (started at START_TIME), its cgroup boxlab/NAME made
 * in *CG. */
static void fake_running(struct runtime *rt, const char *id, pid_t pid,
                         unsigned long long start_time, struct cg *cg)
{
	struct cg_system system;
	char path[256], json[1024], name[64];

	snprintf(name, sizeof(name), "t118-%d-%s", (int)getpid(), id);
	ck_assert_int_eq(cg_detect("/proc/self/mounts", "", &system), 0);
	ck_assert_int_eq(cg_create(&system, name, cg), 0);
	if (rt->root_fd < 0)
		ck_assert_int_eq(runtime_open(test_tmpdir(), rt), 0);
	ck_assert_int_eq(mkdirat(rt->root_fd, id, 0700), 0);
	snprintf(json, sizeof(json),
	         "{\"ociVersion\": \"1.0.2\", \"id\": \"%s\", \"status\": "
	         "\"running\", \"pid\": %d, \"bundle\": \"/b\", \"created\": "
	         "\"x\", \"startTime\": %llu, \"cgroupsPath\": \"/%s/%s\"}",
	         id, (int)pid, start_time, CG_PARENT, name);
	snprintf(path, sizeof(path), "%s/state.json", id);
	ck_assert_int_eq(
	        file_replace(rt->root_fd, path, json, strlen(json), 0600), 0);
}

/* Is any directory of CG still there? */
static bool cg_exists(const struct cg *cg)
{
	for (int c = 0; c < CG_CONTROLLERS; c++)
		if (cg->dir[c][0] && access(cg->dir[c], F_OK) == 0)
			return true;
	return false;
}

static void assert_killed_by(pid_t pid, int sig)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == sig,
	              "process %d: expected killed by signal %d, status 0x%x",
	              (int)pid, sig, status);
}

START_TEST(kill_signals_the_process)
{
	struct runtime rt = { .root_fd = -1 };
	struct cg cg;
	pid_t child = waiter(NULL);

	fake_running(&rt, "box1", child, state_start_time(child), &cg);
	ck_assert_ok(runtime_kill(&rt, "box1", SIGUSR1, false), "runtime_kill");
	assert_killed_by(child, SIGUSR1);
	ck_assert_err(runtime_kill(&rt, "box1", SIGKILL, false), -ESRCH,
	              "kill of a stopped container");
	ck_assert_err(runtime_kill(&rt, "nosuch", SIGKILL, false), -ENOENT,
	              "kill of no container");
	cg_destroy(&cg);
	runtime_close(&rt);
}
END_TEST

/* The state's PID now names another process (the container's ended and
 * its number was reused): its start time differs, and kill leaves it. */
START_TEST(kill_never_signals_a_reused_pid)
{
	struct runtime rt = { .root_fd = -1 };
	struct cg cg;
	pid_t other = waiter(NULL);
	int status;

	fake_running(&rt, "box1", other, state_start_time(other) + 1, &cg);
	ck_assert_err(runtime_kill(&rt, "box1", SIGKILL, false), -ESRCH,
	              "kill when the PID is another process's");
	ck_assert_int_eq(waitpid(other, &status, WNOHANG), 0);
	ck_assert_int_eq(kill(other, SIGKILL), 0);
	assert_killed_by(other, SIGKILL);
	cg_destroy(&cg);
	runtime_close(&rt);
}
END_TEST

/* --all: the container's process and what else is in its cgroup; not
 * a process outside it. */
START_TEST(kill_all_reaches_the_whole_cgroup)
{
	struct runtime rt = { .root_fd = -1 };
	pid_t init, more[2], outside;
	struct cg cg;
	int status;

	init = waiter(NULL);
	fake_running(&rt, "box1", init, state_start_time(init), &cg);
	ck_assert_int_eq(cg_attach(&cg, init), 0);
	more[0] = waiter(&cg);
	more[1] = waiter(&cg);
	outside = waiter(NULL);
	ck_assert_ok(runtime_kill(&rt, "box1", SIGUSR2, true),
	             "runtime_kill --all");
	assert_killed_by(init, SIGUSR2);
	assert_killed_by(more[0], SIGUSR2);
	assert_killed_by(more[1], SIGUSR2);
	ck_assert_int_eq(waitpid(outside, &status, WNOHANG), 0);
	kill(outside, SIGKILL);
	assert_killed_by(outside, SIGKILL);
	cg_destroy(&cg);
	runtime_close(&rt);
}
END_TEST

START_TEST(delete_removes_a_stopped_container)
{
	struct runtime rt = { .root_fd = -1 };
	struct cg cg;
	pid_t child = waiter(NULL);
	unsigned long long start = state_start_time(child);

	fake_running(&rt, "box1", child, start, &cg);
	kill(child, SIGKILL);
	assert_killed_by(child, SIGKILL);
	ck_assert_ok(runtime_delete(&rt, "box1", false), "runtime_delete");
	ck_assert_msg(faccessat(rt.root_fd, "box1", F_OK, 0) < 0,
	              "the state directory is still there");
	ck_assert_msg(!cg_exists(&cg), "the cgroup %s is still there",
	              cg.dir[0][0] ? cg.dir[0] : cg.dir[CG_PIDS]);
	ck_assert_err(runtime_delete(&rt, "box1", false), -ENOENT,
	              "a second delete");
	runtime_close(&rt);
}
END_TEST

/* Running: not without --force; with it, killed first, and everything
 * of it gone, also what else ran in its cgroup. */
START_TEST(delete_force_kills_first)
{
	struct runtime rt = { .root_fd = -1 };
	pid_t child, more;
	struct cg cg;

	child = waiter(NULL);
	fake_running(&rt, "box1", child, state_start_time(child), &cg);
	ck_assert_int_eq(cg_attach(&cg, child), 0);
	more = waiter(&cg);
	ck_assert_err(runtime_delete(&rt, "box1", false), -EBUSY,
	              "delete of a running container");
	ck_assert_int_eq(faccessat(rt.root_fd, "box1/state.json", F_OK, 0), 0);
	ck_assert_msg(cg_exists(&cg), "a refused delete removed the cgroup");
	ck_assert_ok(runtime_delete(&rt, "box1", true),
	             "runtime_delete --force");
	assert_killed_by(child, SIGKILL);
	assert_killed_by(more, SIGKILL);
	ck_assert_msg(faccessat(rt.root_fd, "box1", F_OK, 0) < 0,
	              "the state directory is still there");
	ck_assert_msg(!cg_exists(&cg), "the cgroup is still there");
	runtime_close(&rt);
}
END_TEST

/* A state.json that is not one (a runtime killed at a bad moment, a
 * disk full): only --force removes it. */
START_TEST(delete_force_takes_a_damaged_state)
{
	struct runtime rt;

	ck_assert_int_eq(runtime_open(test_tmpdir(), &rt), 0);
	ck_assert_int_eq(mkdirat(rt.root_fd, "box1", 0700), 0);
	ck_assert_int_eq(
	        file_replace(rt.root_fd, "box1/state.json", "{\"id", 4, 0600),
	        0);
	ck_assert_err(runtime_delete(&rt, "box1", false), -EINVAL,
	              "delete of a damaged state");
	ck_assert_ok(runtime_delete(&rt, "box1", true),
	             "runtime_delete --force of a damaged state");
	ck_assert_msg(faccessat(rt.root_fd, "box1", F_OK, 0) < 0,
	              "the state directory is still there");
	runtime_close(&rt);
}
END_TEST

const struct graded_test kill_tests[] = {
	GRADED("11.8", kill_signals_the_process),
	GRADED("11.8", kill_never_signals_a_reused_pid),
	GRADED("11.8", kill_all_reaches_the_whole_cgroup),
	GRADED("11.8", delete_removes_a_stopped_container),
	GRADED("11.8", delete_force_kills_first),
	GRADED("11.8", delete_force_takes_a_damaged_state),
	{ 0 },
};
