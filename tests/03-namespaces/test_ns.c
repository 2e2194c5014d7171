/* test_ns.c - exercises 3.1 to 3.5: namespaces, made and joined.
 *
 * Every test that creates a namespace does it in a child process and
 * looks at the result from outside: the host must never see a test's
 * host name, IPC object or mount (the runner also compares the host's
 * mount table before and after every test). Children report by exit
 * code; pipes, never sleeps, say when they are ready.
 */
#include "harness.h"

#include "ns.h"
#include "file.h"
#include "sys.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/msg.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Child exit codes used below. */
/* How a test's child reports: OK is TEST_CHILD_PASSED (harness.h), so an
 * _exit(0) in the code under test never passes for success. */
enum { OK = TEST_CHILD_PASSED, WRONG = 2, NOT_IMPLEMENTED = 4 };

static int open_proc(void)
{
	int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* Wait for CHILD and fail with WHY[code] unless it exited with OK. */
static void expect_child_ok(pid_t child, const char *what)
{
	int status;

	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFEXITED(status), "%s: the child died (status %#x)",
	              what, status);
	ck_assert_msg(WEXITSTATUS(status) != 0,
	              "%s: the child exited early (status 0) before its checks "
	              "ran",
	              what);
	ck_assert_msg(WEXITSTATUS(status) != NOT_IMPLEMENTED,
	              "%s: exercise not implemented yet (the child reached a "
	              "stub)",
	              what);
	ck_assert_msg(WEXITSTATUS(status) == OK, "%s: the child exited with %d",
	              what, WEXITSTATUS(status));
}

/* A child started in new namespaces FLAGS (with HOSTNAME, if not NULL),
 * which says so by closing READY and waits until the test dies. */
static pid_t start_holder(uint64_t flags, const char *hostname)
{
	struct clone_args args = { .flags = flags, .exit_signal = SIGCHLD };
	int ready[2], hold[2];
	char byte;
	pid_t pid;

	ck_assert_int_eq(pipe2(ready, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(hold, 0), 0);
	pid = sys_clone3(&args);
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(hold[1]);
		if (hostname && sethostname(hostname, strlen(hostname)) < 0)
			_exit(1);
		close(ready[1]);
		_exit(read(hold[0], &byte, 1) < 0);
	}
	close(ready[1]);
	close(hold[0]);
	ck_assert_int_eq(read(ready[0], &byte, 1), 0);
	close(ready[0]);
	/* hold[1] stays open until the test process exits. */
	return pid;
}

/* The inode of /proc/PID/ns/TYPE, by stat(2): the tests of the other
 * exercises use this, never ns_identity(), so each is graded alone. */
static ino_t ns_inode(pid_t pid, const char *type)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, type);
	ck_assert_msg(stat(path, &st) == 0, "stat %s: %s", path,
	              strerror(errno));
	return st.st_ino;
}

START_TEST(identity_matches_stat)
{
	const struct ns_type *type;
	int proc_fd = open_proc(), ret;
	struct ns_id id;
	char path[64];
	struct stat st;

	for (type = ns_types; type->name; type++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", type->name);
		if (stat(path, &st) < 0)
			continue;
		ret = ns_identity(proc_fd, getpid(), type->name, &id);
		ck_assert_ok(ret, "ns_identity");
		ck_assert_msg(id.ino == st.st_ino && id.dev == st.st_dev,
		              "%s: got inode %lu, stat says %lu", type->name,
		              (unsigned long)id.ino, (unsigned long)st.st_ino);
	}
	close(proc_fd);
}
END_TEST

START_TEST(identity_differs_in_new_namespace)
{
	int proc_fd = open_proc(), ret;
	struct ns_id mine, theirs;
	pid_t holder;

	test_needs_root();
	holder = start_holder(CLONE_NEWUTS, NULL);
	ret = ns_identity(proc_fd, getpid(), "uts", &mine);
	ck_assert_ok(ret, "ns_identity(self, uts)");
	ck_assert_ok(ns_identity(proc_fd, holder, "uts", &theirs),
	             "ns_identity(child, uts)");
	ck_assert_msg(mine.ino != theirs.ino, "a new UTS namespace, same id");
	ck_assert_ok(ns_identity(proc_fd, getpid(), "ipc", &mine), "ipc");
	ck_assert_ok(ns_identity(proc_fd, holder, "ipc", &theirs), "ipc");
	ck_assert_msg(mine.ino == theirs.ino, "the same IPC namespace, ids "
	                                      "differ");
	close(proc_fd);
}
END_TEST

START_TEST(identity_errors)
{
	int proc_fd = open_proc(), ret;
	struct ns_id id;
	pid_t child;

	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	ret = ns_identity(proc_fd, child, "uts", &id);
	ck_assert_err(ret, -ESRCH, "a reaped child");
	ret = ns_identity(proc_fd, getpid(), "bogus", &id);
	ck_assert_err(ret, -ENOENT, "type \"bogus\"");
	close(proc_fd);
}
END_TEST

/* The child of ns_clone() is in a new UTS namespace, and waits. */
START_TEST(clone_child_starts_in_new_namespace)
{
	struct ns_handshake handshake;
	pid_t child;

	test_needs_root();
	ck_assert_int_eq(ns_handshake_open(&handshake), 0);
	child = ns_clone(CLONE_NEWUTS, &handshake);
	if (child == 0) /* held: alive while the parent looks at it */
		_exit(ns_handshake_wait(&handshake) == 0 ? OK : WRONG);
	ck_assert_ok(child, "ns_clone");
	ck_assert_msg(ns_inode(getpid(), "uts") != ns_inode(child, "uts"),
	              "the child shares our UTS namespace");
	ck_assert_msg(ns_inode(getpid(), "ipc") == ns_inode(child, "ipc"),
	              "the child has a new IPC namespace, not asked for");
	ck_assert_int_eq(ns_handshake_release(&handshake), 0);
	expect_child_ok(child, "ns_clone child");
}
END_TEST

/* Until released, the child does nothing: what the parent does first
 * (here: write to a pipe) is there when the child goes on. */
START_TEST(clone_child_waits_for_release)
{
	struct ns_handshake handshake;
	int note[2];
	char byte;
	pid_t child;

	test_needs_root();
	ck_assert_int_eq(pipe2(note, O_NONBLOCK), 0);
	ck_assert_int_eq(ns_handshake_open(&handshake), 0);
	child = ns_clone(CLONE_NEWIPC, &handshake);
	if (child == 0)
		_exit(ns_handshake_wait(&handshake) == 0 &&
		                      read(note[0], &byte, 1) == 1
		              ? OK
		              : WRONG);
	ck_assert_ok(child, "ns_clone");
	ck_assert_int_eq(write(note[1], "x", 1), 1);
	ck_assert_int_eq(ns_handshake_release(&handshake), 0);
	expect_child_ok(child, "a child that should have waited");
}
END_TEST

/* A parent that gives up closes the handshake: the child learns it,
 * provided it did not keep the parent's end open itself. In the child,
 * ns_clone() returns 0 and nothing else. */
START_TEST(clone_child_sees_parent_give_up)
{
	struct ns_handshake handshake;
	pid_t me = getpid(), child;

	test_needs_root();
	ck_assert_int_eq(ns_handshake_open(&handshake), 0);
	child = ns_clone(CLONE_NEWUTS, &handshake);
	if (getpid() != me) /* in the child, whatever ns_clone returned */
		_exit(child == 0 && ns_handshake_wait(&handshake) == -EPIPE
		              ? OK
		              : WRONG);
	ck_assert_ok(child, "ns_clone");
	ns_handshake_close(&handshake);
	expect_child_ok(child, "in the child, ns_clone() must return 0 and "
	                       "ns_handshake_wait() -EPIPE");
}
END_TEST

/* A child that dies before its release (the OOM killer, a kill -9): the
 * release fails with EPIPE, and the parent lives on to clean up. With a
 * plain pipe, SIGPIPE would kill the parent instead. */
START_TEST(clone_release_after_child_died)
{
	struct ns_handshake handshake;
	int status;
	pid_t child;

	test_needs_root();
	ck_assert_int_eq(ns_handshake_open(&handshake), 0);
	child = ns_clone(CLONE_NEWUTS, &handshake);
	if (child == 0)
		_exit(OK);
	ck_assert_ok(child, "ns_clone");
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_err(ns_handshake_release(&handshake), -EPIPE,
	              "releasing a child that is gone");
	ck_assert_int_eq(handshake.write_fd, -1);
	ns_handshake_close(&handshake);
}
END_TEST

START_TEST(clone_ipc_objects_stay_inside)
{
	struct ns_handshake handshake;
	const key_t key = 0x0b0c1ab0;
	int created[2];
	char byte;
	pid_t child;

	test_needs_root();
	ck_assert_int_eq(pipe2(created, O_CLOEXEC), 0);
	ck_assert_int_eq(ns_handshake_open(&handshake), 0);
	child = ns_clone(CLONE_NEWIPC, &handshake);
	if (child == 0) {
		if (ns_handshake_wait(&handshake) < 0 ||
		    msgget(key, IPC_CREAT | 0600) < 0)
			_exit(WRONG);
		close(created[1]); /* "created": the parent reads EOF */
		_exit(read(created[0], &byte, 1) < 0 ? WRONG : OK);
	}
	ck_assert_ok(child, "ns_clone");
	ck_assert_int_eq(ns_handshake_release(&handshake), 0);
	close(created[1]);
	ck_assert_int_eq(read(created[0], &byte, 1), 0);
	ck_assert_msg(msgget(key, 0) < 0 && errno == ENOENT,
	              "the child's message queue is visible outside");
	close(created[0]);
	expect_child_ok(child, "IPC child");
}
END_TEST

/* In the child: only "lo", and it is down. */
static int check_only_lo_down(void)
{
	struct if_nameindex *names = if_nameindex();
	struct ifreq request = { 0 };
	int fd, ret = OK;

	if (!names || !names[0].if_name || strcmp(names[0].if_name, "lo") ||
	    names[1].if_name)
		return WRONG;
	if_freenameindex(names);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	strcpy(request.ifr_name, "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &request) < 0 ||
	    (request.ifr_flags & IFF_UP))
		ret = WRONG;
	return ret;
}

START_TEST(clone_net_namespace_has_only_lo)
{
	struct ns_handshake handshake;
	pid_t child;

	test_needs_root();
	ck_assert_int_eq(ns_handshake_open(&handshake), 0);
	child = ns_clone(CLONE_NEWNET, &handshake);
	if (child == 0)
		_exit(ns_handshake_wait(&handshake) == 0 ? check_only_lo_down()
		                                         : WRONG);
	ck_assert_ok(child, "ns_clone");
	ck_assert_int_eq(ns_handshake_release(&handshake), 0);
	expect_child_ok(child, "a new network namespace has only lo, down");
}
END_TEST

/* Host name tests run in a UTS namespace of their own, so that even a
 * wrong implementation cannot rename the host. */
static void hostname_child(int (*check)(void))
{
	char before[128], after[128];
	pid_t child;

	test_needs_root();
	ck_assert_int_eq(gethostname(before, sizeof(before)), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		if (unshare(CLONE_NEWUTS) < 0)
			_exit(1);
		_exit(check());
	}
	expect_child_ok(child, "host name child");
	ck_assert_int_eq(gethostname(after, sizeof(after)), 0);
	ck_assert_str_eq(after, before);
}

static int set_and_read_back(void)
{
	char name[128];
	int ret = ns_set_hostname("boxlab-inner");

	if (ret == -ENOSYS)
		return NOT_IMPLEMENTED;
	if (ret < 0 || gethostname(name, sizeof(name)) < 0)
		return WRONG;
	return strcmp(name, "boxlab-inner") == 0 ? OK : WRONG;
}

START_TEST(hostname_stays_inside)
{
	hostname_child(set_and_read_back);
}
END_TEST

static int reject_bad_names(void)
{
	char long_name[80];
	int ret;

	memset(long_name, 'x', 65);
	long_name[65] = '\0';
	ret = ns_set_hostname("");
	if (ret == -ENOSYS)
		return NOT_IMPLEMENTED;
	if (ret != -EINVAL || ns_set_hostname(long_name) != -EINVAL)
		return WRONG;
	long_name[64] = '\0'; /* 64 is HOST_NAME_MAX: allowed */
	return ns_set_hostname(long_name) == 0 ? OK : WRONG;
}

START_TEST(hostname_rejects_bad_names)
{
	hostname_child(reject_bad_names);
}
END_TEST

/* In a new PID and mount namespace: after ns_remount_proc(), /proc shows
 * one process, this one, PID 1. */
static int count_proc_entries(void)
{
	int ret = ns_remount_proc(), count = 0;
	char first[256] = "";
	struct dirent *entry;
	DIR *dir;

	if (ret == -ENOSYS)
		return NOT_IMPLEMENTED;
	if (ret < 0 || getpid() != 1)
		return WRONG;
	dir = opendir("/proc");
	while (dir && (entry = readdir(dir)))
		if (entry->d_name[0] >= '1' && entry->d_name[0] <= '9' &&
		    count++ == 0)
			snprintf(first, sizeof(first), "%s", entry->d_name);
	return count == 1 && strcmp(first, "1") == 0 ? OK : WRONG;
}

/* The sandbox of the 3.4 tests: this test process moves into a mount
 * namespace of its own, cuts every tie with the host's mounts (private),
 * then makes its mounts shared again, but only among this namespace and
 * its copies. That is the situation under systemd, which makes "/"
 * shared, with the host out of reach: a wrong answer's mount can
 * propagate into the sandbox, never into the host. */
static void enter_sandbox(void)
{
	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare: %s",
	              strerror(errno));
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL), 0);
}

START_TEST(remount_proc_shows_the_namespace)
{
	struct clone_args args = { .flags = CLONE_NEWPID | CLONE_NEWNS,
		                   .exit_signal = SIGCHLD };
	pid_t child;

	test_needs_root();
	enter_sandbox();
	child = sys_clone3(&args);
	ck_assert_int_ge(child, 0);
	if (child == 0)
		_exit(count_proc_entries());
	expect_child_ok(child, "/proc in a new PID namespace");
	/* Our own /proc must still be ours, not the child's on top. */
	ck_assert_msg(access("/proc/self/mountinfo", R_OK) == 0,
	              "the child's /proc covers its parent's: make / private "
	              "(MS_REC | MS_PRIVATE) first");
}
END_TEST

/* Where mounts propagate (systemd makes "/" shared), a /proc mounted in
 * the child without MS_PRIVATE first would appear in the parent's mount
 * namespace too, on top of its /proc. In the sandbox, the parent's mount
 * table must come out of the child's ns_remount_proc() unchanged. */
START_TEST(remount_proc_does_not_propagate)
{
	struct clone_args args = { .flags = CLONE_NEWPID | CLONE_NEWNS,
		                   .exit_signal = SIGCHLD };
	char *before, *after;
	int proc_fd, status;
	pid_t child;

	test_needs_root();
	enter_sandbox();
	/* Through this /proc, opened now: a wrong answer's proc, mounted on
	 * top of it, would show the child's PID namespace, without us. */
	proc_fd = open_proc();
	ck_assert_int_eq(
	        file_read_all(proc_fd, "self/mountinfo", &before, NULL), 0);
	child = sys_clone3(&args);
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		status = ns_remount_proc();
		_exit(status == -ENOSYS ? NOT_IMPLEMENTED
		      : status < 0      ? WRONG
		                        : OK);
	}
	expect_child_ok(child, "ns_remount_proc");
	ck_assert_int_eq(file_read_all(proc_fd, "self/mountinfo", &after, NULL),
	                 0);
	close(proc_fd);
	ck_assert_msg(strcmp(before, after) == 0,
	              "the child's /proc propagated to its parent's mount "
	              "namespace: make / private (MS_REC | MS_PRIVATE) first");
	free(before);
	free(after);
}
END_TEST

/* A child joins a holder's UTS namespace and reads its host name. */
START_TEST(join_sees_target_hostname)
{
	char name[128];
	pid_t holder, child;
	int ret;

	test_needs_root();
	holder = start_holder(CLONE_NEWUTS, "boxlab-target");
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		ret = ns_join(holder, CLONE_NEWUTS);
		if (ret == -ENOSYS)
			_exit(NOT_IMPLEMENTED);
		if (ret < 0 || gethostname(name, sizeof(name)) < 0)
			_exit(WRONG);
		_exit(strcmp(name, "boxlab-target") == 0 ? OK : WRONG);
	}
	expect_child_ok(child, "after ns_join, the target's host name");
}
END_TEST

/* Several namespaces at once. Joining a PID namespace changes the one
 * our children will be born in, not our own. */
START_TEST(join_several_and_errors)
{
	struct stat pid_theirs, pid_mine, net_theirs, net_mine;
	char pid_path[64], net_path[64];
	pid_t holder, child;
	int ret;

	test_needs_root();
	holder = start_holder(CLONE_NEWNET | CLONE_NEWPID, NULL);
	snprintf(pid_path, sizeof(pid_path), "/proc/%d/ns/pid", (int)holder);
	snprintf(net_path, sizeof(net_path), "/proc/%d/ns/net", (int)holder);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		ret = ns_join(holder, CLONE_NEWNET | CLONE_NEWPID);
		if (ret == -ENOSYS)
			_exit(NOT_IMPLEMENTED);
		if (ret < 0 || stat(pid_path, &pid_theirs) < 0 ||
		    stat(net_path, &net_theirs) < 0 ||
		    stat("/proc/self/ns/pid_for_children", &pid_mine) < 0 ||
		    stat("/proc/self/ns/net", &net_mine) < 0)
			_exit(WRONG);
		_exit(net_mine.st_ino == net_theirs.st_ino &&
		                      pid_mine.st_ino == pid_theirs.st_ino
		              ? OK
		              : WRONG);
	}
	expect_child_ok(child, "ns_join(net | pid)");
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	ret = ns_join(child, CLONE_NEWUTS);
	ck_assert_err(ret, -ESRCH, "joining a reaped child");
}
END_TEST

/* Challenge 3.6: through a pidfd, three namespaces in one call. */
START_TEST(join_pidfd_several)
{
	static const char *const types[] = { "uts", "ipc", "net" };
	ino_t theirs[3];
	pid_t holder, child;
	int i, ret;

	test_needs_root();
	holder = start_holder(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET,
	                      "boxlab-pidfd");
	for (i = 0; i < 3; i++)
		theirs[i] = ns_inode(holder, types[i]);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		ret = ns_join_pidfd(holder,
		                    CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET);
		if (ret == -ENOSYS)
			_exit(NOT_IMPLEMENTED);
		for (i = 0; i < 3 && ret == 0; i++)
			if (ns_inode(getpid(), types[i]) != theirs[i])
				ret = -1;
		_exit(ret == 0 ? OK : WRONG);
	}
	expect_child_ok(child, "ns_join_pidfd(uts | ipc | net)");
}
END_TEST

/* All or none: asked for the IPC and UTS namespaces and for the user
 * namespace we are already in (which setns() refuses with EINVAL), the
 * call fails and leaves us where we were. One setns() a type would have
 * joined IPC before it reached the user namespace. And a reaped target
 * is -ESRCH. */
START_TEST(join_pidfd_all_or_none)
{
	ino_t ipc_before, uts_before;
	pid_t holder, child;
	int ret;

	test_needs_root();
	holder = start_holder(CLONE_NEWUTS | CLONE_NEWIPC, NULL);
	ipc_before = ns_inode(getpid(), "ipc");
	uts_before = ns_inode(getpid(), "uts");
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		ret = ns_join_pidfd(holder, CLONE_NEWIPC | CLONE_NEWUTS |
		                                    CLONE_NEWUSER);
		if (ret == -ENOSYS)
			_exit(NOT_IMPLEMENTED);
		_exit(ret == -EINVAL &&
		                      ns_inode(getpid(), "ipc") == ipc_before &&
		                      ns_inode(getpid(), "uts") == uts_before
		              ? OK
		              : WRONG);
	}
	expect_child_ok(child, "a failed ns_join_pidfd() joins nothing");
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	ret = ns_join_pidfd(child, CLONE_NEWUTS);
	ck_assert_err(ret, -ESRCH, "joining a reaped child");
}
END_TEST

const struct graded_test ns_tests[] = {
	GRADED("3.1", identity_matches_stat),
	GRADED("3.1", identity_differs_in_new_namespace),
	GRADED("3.1", identity_errors),
	GRADED("3.2", clone_child_starts_in_new_namespace),
	GRADED("3.2", clone_child_waits_for_release),
	GRADED("3.2", clone_child_sees_parent_give_up),
	GRADED("3.2", clone_release_after_child_died),
	GRADED("3.2", clone_ipc_objects_stay_inside),
	GRADED("3.2", clone_net_namespace_has_only_lo),
	GRADED("3.3", hostname_stays_inside),
	GRADED("3.3", hostname_rejects_bad_names),
	GRADED("3.4", remount_proc_shows_the_namespace),
	GRADED("3.4", remount_proc_does_not_propagate),
	GRADED("3.5", join_sees_target_hostname),
	GRADED("3.5", join_several_and_errors),
	GRADED("3.6", join_pidfd_several),
	GRADED("3.6", join_pidfd_all_or_none),
	{ 0 },
};
