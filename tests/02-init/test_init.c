/* test_init.c - exercises 2.1 to 2.5, and challenge 2.7: the pieces of
 * an init.
 *
 * Every test makes real processes and looks at them from outside; none
 * sleeps to wait for something: pipes, waitid(WNOWAIT) and pidfds tell
 * when a process has started or exited.
 */
#include "harness.h"

#include "init.h"
#include "proc.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* The wait status of a child that exits with CODE. */
static int status_of_exit(int code)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(code);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

/* The wait status of a child killed by SIG. */
static int status_of_signal(int sig)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		signal(sig, SIG_DFL);
		raise(sig);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

START_TEST(exit_code_of_exits)
{
	static const int codes[] = { 0, 1, 3, 126, 127, 255 };
	size_t i;
	int ret;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		ret = init_exit_code(status_of_exit(codes[i]));
		ck_assert_ok(ret, "init_exit_code");
		ck_assert_msg(ret == codes[i], "exit(%d): got %d", codes[i],
		              ret);
	}
}
END_TEST

START_TEST(exit_code_of_signals)
{
	int status, ret;
	pid_t pid;

	ret = init_exit_code(status_of_signal(SIGTERM));
	ck_assert_ok(ret, "init_exit_code");
	ck_assert_msg(ret == 143, "SIGTERM: expected 143, got %d", ret);
	ck_assert_int_eq(init_exit_code(status_of_signal(SIGKILL)), 137);
	ck_assert_int_eq(init_exit_code(status_of_signal(SIGINT)), 130);

	/* A stopped child (WUNTRACED) has no exit code. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, WUNTRACED), pid);
	ck_assert(WIFSTOPPED(status));
	ret = init_exit_code(status);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ck_assert_err(ret, -EINVAL, "a stopped child's status");
}
END_TEST

static sigset_t empty_mask(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	return mask;
}

START_TEST(spawn_runs_command_from_path)
{
	char *argv[] = { "sh", "-c", "exit 7", NULL };
	sigset_t mask = empty_mask();
	pid_t pid = 0;
	int status;

	ck_assert_ok(init_spawn(argv, &mask, false, &pid), "init_spawn(sh)");
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 7);
}
END_TEST

/* The error comes back to the parent, and the failed child is reaped. */
START_TEST(spawn_reports_missing_command)
{
	char *absolute[] = { "/nonexistent/boxlab", NULL };
	char *in_path[] = { "boxlab-no-such-command", NULL };
	sigset_t mask = empty_mask();
	pid_t pid = 0;
	int ret;

	ret = init_spawn(absolute, &mask, false, &pid);
	ck_assert_err(ret, -ENOENT, "init_spawn(/nonexistent/boxlab)");
	ret = init_spawn(in_path, &mask, false, &pid);
	ck_assert_err(ret, -ENOENT, "init_spawn(boxlab-no-such-command)");
	ck_assert_msg(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD,
	              "the failed child was not reaped");
}
END_TEST

START_TEST(spawn_reports_not_executable)
{
	char path[4096];
	char *file[] = { path, NULL };
	char *directory[] = { "/etc", NULL };
	sigset_t mask = empty_mask();
	pid_t pid = 0;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/not-executable", test_tmpdir());
	/* Mode 0644: no execute bit, which stops even root. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ret = init_spawn(file, &mask, false, &pid);
	ck_assert_err(ret, -EACCES, "init_spawn(a file without x)");
	ret = init_spawn(directory, &mask, false, &pid);
	ck_assert_err(ret, -EACCES, "init_spawn(/etc)");
}
END_TEST

/* The child runs with the mask it was given, in its own group. */
START_TEST(spawn_sets_mask_and_group)
{
	char *argv[] = { "sleep", "60", NULL };
	struct proc_stat stat;
	char path[64], line[256];
	unsigned long long blocked = 0;
	sigset_t mask = empty_mask();
	pid_t pid = 0;
	FILE *status;
	int proc_fd, ret;

	sigaddset(&mask, SIGUSR1);
	ck_assert_ok(init_spawn(argv, &mask, true, &pid), "init_spawn");
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	status = fopen(path, "re");
	while (status && fgets(line, sizeof(line), status))
		sscanf(line, "SigBlk: %llx", &blocked);
	proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ret = proc_read_stat(proc_fd, pid, &stat);
	close(proc_fd);
	kill(pid, SIGKILL); /* first: in its own group, it would outlive us */
	waitpid(pid, NULL, 0);
	ck_assert_ptr_nonnull(status);
	fclose(status);
	ck_assert_int_eq(ret, 0);
	ck_assert_msg(blocked == 1ull << (SIGUSR1 - 1),
	              "child's blocked signals: %llx, expected only SIGUSR1",
	              blocked);
	ck_assert_msg(stat.pgrp == pid, "child's group is %d, not its own",
	              stat.pgrp);
}
END_TEST

/* Make COUNT orphans that have all exited, each now a zombie child of
 * this process (which must be a subreaper or a PID 1). The middle process
 * that made them is reaped here; their PIDs go to PIDS. */
static void make_exited_orphans(int count, pid_t *pids)
{
	int pipe_fds[2], i;
	siginfo_t info;
	pid_t middle, pid;

	ck_assert_int_eq(pipe2(pipe_fds, O_CLOEXEC), 0);
	middle = fork();
	ck_assert_int_ge(middle, 0);
	if (middle == 0) {
		for (i = 0; i < count; i++) {
			pid = fork();
			if (pid == 0)
				_exit(0);
			if (write(pipe_fds[1], &pid, sizeof(pid)) < 0)
				_exit(1);
		}
		_exit(0);
	}
	close(pipe_fds[1]);
	for (i = 0; i < count; i++)
		ck_assert_int_eq(read(pipe_fds[0], &pids[i], sizeof(pid_t)),
		                 sizeof(pid_t));
	close(pipe_fds[0]);
	ck_assert_int_eq(waitpid(middle, NULL, 0), middle);
	/* Now they are ours; wait until each has exited, reaping none. */
	for (i = 0; i < count; i++)
		ck_assert_int_eq(
		        waitid(P_PID, pids[i], &info, WEXITED | WNOWAIT), 0);
}

START_TEST(reap_returns_main_childs_status)
{
	bool exited = false;
	int status = 0, ret;
	siginfo_t info;
	pid_t child;

	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0)
		_exit(5);
	ck_assert_int_eq(waitid(P_PID, child, &info, WEXITED | WNOWAIT), 0);
	ret = init_reap(child, &exited, &status);
	ck_assert_ok(ret, "init_reap");
	ck_assert_int_eq(ret, 1);
	ck_assert_msg(exited, "the main child was reaped but not reported");
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 5);
	exited = false;
	ret = init_reap(child, &exited, &status);
	ck_assert_msg(ret == 0 && !exited,
	              "with no children left: expected 0, got %d", ret);
}
END_TEST

/* Outside any PID namespace: a subreaper adopts orphans, and must reap. */
START_TEST(reap_orphans_as_subreaper)
{
	pid_t pids[50];
	bool exited = false;
	int status, ret;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	make_exited_orphans(50, pids);
	ret = init_reap(-1, &exited, &status);
	ck_assert_ok(ret, "init_reap");
	ck_assert_msg(ret == 50, "reaped %d of 50 orphans", ret);
	ck_assert_msg(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD,
	              "children are left after init_reap");
}
END_TEST

/* Inside a new PID namespace the test's child is PID 1. It makes 100
 * orphans, and init_reap() must leave none behind. The child reports by
 * exit code: TEST_CHILD_PASSED fine, 2 wrong count, 3 zombies left, 4 not
 * implemented. */
static void reap_as_pid1(void)
{
	pid_t pids[100];
	bool exited = false;
	int status, ret;

	if (getpid() != 1)
		_exit(5);
	make_exited_orphans(100, pids);
	ret = init_reap(-1, &exited, &status);
	if (ret == -ENOSYS)
		_exit(4);
	if (ret != 100)
		_exit(2);
	if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
		test_child_passed();
	_exit(3);
}

START_TEST(reap_100_orphans_as_pid1)
{
	static const char *const why[] = {
		[2] = "init_reap did not return 100",
		[3] = "zombies were left after init_reap",
		[4] = "exercise 2.3 is not implemented yet",
		[5] = "the child is not PID 1",
	};
	struct clone_args args = { .flags = CLONE_NEWPID,
		                   .exit_signal = SIGCHLD };
	int status;
	pid_t child;

	test_needs_root();
	child = sys_clone3(&args);
	ck_assert_msg(child >= 0, "clone3: %s", strerror(-child));
	if (child == 0)
		reap_as_pid1();
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_child_passed(status, why, 6);
}
END_TEST

START_TEST(signals_open_blocks_and_reads)
{
	sigset_t before, old;
	int fd, sig;

	sigemptyset(&before);
	sigaddset(&before, SIGUSR1);
	sigprocmask(SIG_SETMASK, &before, NULL);
	fd = init_signals_open(&old);
	ck_assert_ok(fd, "init_signals_open");
	ck_assert_msg(fcntl(fd, F_GETFD) & FD_CLOEXEC, "fd not O_CLOEXEC");
	ck_assert_msg(sigismember(&old, SIGUSR1) && !sigismember(&old, SIGTERM),
	              "*ret_old_mask is not the mask from before");
	raise(SIGTERM); /* would kill us, were it not blocked */
	ck_assert_int_eq(init_next_signal(fd), SIGTERM);
	kill(getpid(), SIGWINCH);
	sig = init_next_signal(fd);
	ck_assert_msg(sig == SIGWINCH, "expected SIGWINCH, read %d", sig);
	close(fd);
}
END_TEST

START_TEST(signals_open_leaves_faults_alone)
{
	static const int faults[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
		                      SIGTRAP, SIGSYS, SIGABRT };
	const int others[] = { SIGTERM, SIGINT,  SIGHUP,   SIGQUIT,
		               SIGCHLD, SIGUSR1, SIGWINCH, SIGRTMIN };
	sigset_t old, now;
	size_t i;
	int fd;

	fd = init_signals_open(&old);
	ck_assert_ok(fd, "init_signals_open");
	sigprocmask(SIG_SETMASK, NULL, &now);
	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		ck_assert_msg(!sigismember(&now, faults[i]), "%s is blocked",
		              sigabbrev_np(faults[i]));
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		ck_assert_msg(sigismember(&now, others[i]), "%s is not blocked",
		              sigabbrev_np(others[i]));
	close(fd);
}
END_TEST

/* In a child of PARENT: die with it. PR_SET_PDEATHSIG covers only a
 * parent that dies after it is set, so check it has not died already. */
static void die_with(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
}

/* A child that blocks SET, says "ready" on READY, and exits with the
 * number of the first signal of SET it receives. */
static pid_t start_signal_catcher(const sigset_t *set, bool own_group)
{
	int ready[2], sig = 0;
	pid_t pid, parent = getpid();
	char byte;

	ck_assert_int_eq(pipe2(ready, O_CLOEXEC), 0);
	sigprocmask(SIG_BLOCK, set, NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* Die with the test: a failed test must leave nothing. */
		die_with(parent);
		if (own_group)
			setpgid(0, 0);
		close(ready[0]);
		close(ready[1]); /* "ready": the parent reads end of file */
		sigwait(set, &sig);
		_exit(sig);
	}
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &byte, 1), 0);
	close(ready[0]);
	if (own_group)
		setpgid(pid, pid);
	return pid;
}

/* The signals pending for PID (private and shared), from its status. */
static unsigned long long pending_signals(pid_t pid)
{
	unsigned long long mask, pending = 0;
	char path[64], line[256];
	FILE *status;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	status = fopen(path, "re");
	ck_assert_ptr_nonnull(status);
	while (fgets(line, sizeof(line), status))
		if (sscanf(line, "SigPnd: %llx", &mask) == 1 ||
		    sscanf(line, "ShdPnd: %llx", &mask) == 1)
			pending |= mask;
	fclose(status);
	return pending;
}

START_TEST(forward_to_child)
{
	sigset_t set;
	int status, ret;
	pid_t child;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGCHLD);
	child = start_signal_catcher(&set, false);
	ret = init_forward_signal(child, SIGCHLD, false);
	ck_assert_ok(ret, "init_forward_signal(SIGCHLD)");
	/* kill() queues the signal before it returns: had SIGCHLD been
	 * sent, it would be pending now, or the child would have exited
	 * with 17. */
	ck_assert_msg(!(pending_signals(child) & (1ull << (SIGCHLD - 1))),
	              "SIGCHLD was forwarded to the child");
	ret = init_forward_signal(child, SIGUSR1, false);
	ck_assert_ok(ret, "init_forward_signal(SIGUSR1)");
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == SIGUSR1,
	              "the child got signal %d, not SIGUSR1",
	              WEXITSTATUS(status));
	ret = init_forward_signal(child, SIGUSR1, false);
	ck_assert_err(ret, 0, "forwarding to a child that is gone");
}
END_TEST

/* With TO_GROUP the signal reaches the child's own children too. */
START_TEST(forward_to_group)
{
	int status, ret, pipe_fds[2];
	sigset_t set;
	pid_t child, grandchild, parent = getpid();

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	ck_assert_int_eq(pipe2(pipe_fds, O_CLOEXEC), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		/* In a group of its own, Check's cleanup of the test's group
		 * would miss it: it dies with the test instead. */
		die_with(parent);
		setpgid(0, 0);
		grandchild = start_signal_catcher(&set, false);
		if (write(pipe_fds[1], "r", 1) < 0)
			_exit(1);
		waitpid(grandchild, &status, 0);
		_exit(WEXITSTATUS(status) == SIGUSR2 ? 42 : 1);
	}
	close(pipe_fds[1]);
	ck_assert_int_eq(read(pipe_fds[0], &status, 1), 1);
	setpgid(child, child);
	ret = init_forward_signal(child, SIGUSR2, true);
	ck_assert_ok(ret, "init_forward_signal(group)");
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 42,
	              "the signal did not reach the child's child");
}
END_TEST

/* A process that waits until HOLD_FD reads end of file (the test holds
 * the write end: it lives no longer than the test), then exits with 0.
 * Does not return. */
static void wait_for_hold(int hold_fd)
{
	char byte;

	while (read(hold_fd, &byte, 1) < 0 && errno == EINTR)
		continue;
	_exit(0);
}

/* A command that leaves work behind: a child in a process group of its
 * own that starts a grandchild (in the same group) waiting on HOLD[0],
 * reports the grandchild's PID, and exits. The child is reaped here, so
 * the grandchild is an orphan: ours, since we are a subreaper. Returns
 * the child's PID, which names the group; the grandchild's goes to
 * *RET_GRANDCHILD. */
static pid_t leave_grandchild(const int hold[2], pid_t *ret_grandchild)
{
	int report[2];
	pid_t child, grandchild;

	ck_assert_int_eq(pipe2(report, O_CLOEXEC), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(hold[1]);
		if (setpgid(0, 0) < 0)
			_exit(1);
		grandchild = fork();
		if (grandchild == 0)
			wait_for_hold(hold[0]);
		if (grandchild < 0 ||
		    write(report[1], &grandchild, sizeof(grandchild)) < 0)
			_exit(1);
		_exit(0);
	}
	close(report[1]);
	setpgid(child, child); /* from both sides, as init_spawn() does */
	ck_assert_int_eq(read(report[0], ret_grandchild, sizeof(pid_t)),
	                 sizeof(pid_t));
	close(report[0]);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	return child;
}

/* The command has exited, its child lives on in its group: a subreaper
 * outside a PID namespace must end it. */
START_TEST(end_group_kills_grandchild)
{
	int hold[2], ret;
	pid_t group, grandchild;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	ck_assert_int_eq(pipe2(hold, O_CLOEXEC), 0);
	group = leave_grandchild(hold, &grandchild);
	ck_assert_int_eq(getpgid(grandchild), group);
	ret = init_end_group(group);
	ck_assert_ok(ret, "init_end_group");
	ck_assert_msg(ret == 1, "init_end_group reaped %d, expected 1", ret);
	/* Had it been reaped after it exited on its own, the hold pipe
	 * would have been closed: it was not, so SIGKILL ended it. */
	ck_assert_msg(kill(grandchild, 0) < 0 && errno == ESRCH,
	              "the grandchild %d is still there", (int)grandchild);
	ck_assert_msg(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD,
	              "children are left after init_end_group");
	close(hold[1]);
}
END_TEST

/* Only the command's group: another child of the init, in a group of its
 * own, lives on. */
START_TEST(end_group_spares_other_groups)
{
	int hold[2], status, ret;
	pid_t group, grandchild, other, parent = getpid();

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	ck_assert_int_eq(pipe2(hold, O_CLOEXEC), 0);
	other = fork();
	ck_assert_int_ge(other, 0);
	if (other == 0) {
		die_with(parent);
		if (setpgid(0, 0) < 0)
			_exit(1);
		close(hold[1]);
		wait_for_hold(hold[0]);
	}
	setpgid(other, other);
	group = leave_grandchild(hold, &grandchild);
	ret = init_end_group(group);
	ck_assert_ok(ret, "init_end_group");
	ck_assert_msg(waitpid(other, &status, WNOHANG) == 0,
	              "a process in another group was ended too");
	close(hold[1]); /* now it exits, with 0 */
	ck_assert_int_eq(waitpid(other, &status, 0), other);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_msg(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD,
	              "children are left after init_end_group");
}
END_TEST

const struct graded_test init_tests[] = {
	GRADED("2.1", exit_code_of_exits),
	GRADED("2.1", exit_code_of_signals),
	GRADED("2.2", spawn_runs_command_from_path),
	GRADED("2.2", spawn_reports_missing_command),
	GRADED("2.2", spawn_reports_not_executable),
	GRADED("2.2", spawn_sets_mask_and_group),
	GRADED("2.3", reap_returns_main_childs_status),
	GRADED("2.3", reap_orphans_as_subreaper),
	GRADED("2.3", reap_100_orphans_as_pid1),
	GRADED("2.4", signals_open_blocks_and_reads),
	GRADED("2.4", signals_open_leaves_faults_alone),
	GRADED("2.5", forward_to_child),
	GRADED("2.5", forward_to_group),
	GRADED("2.7", end_group_kills_grandchild),
	GRADED("2.7", end_group_spares_other_groups),
	{ 0 },
};
