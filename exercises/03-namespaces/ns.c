/* ns.c - clone, join and set up namespaces. See ns.h for the contracts. */
#include "ns.h"

#include "exercise.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

const struct ns_type ns_types[] = {
	{ "cgroup", CLONE_NEWCGROUP },
	{ "ipc", CLONE_NEWIPC },
	{ "mnt", CLONE_NEWNS },
	{ "net", CLONE_NEWNET },
	{ "pid", CLONE_NEWPID },
	{ "time", CLONE_NEWTIME },
	{ "user", CLONE_NEWUSER },
	{ "uts", CLONE_NEWUTS },
	{ NULL, 0 },
};

int ns_identity(int proc_fd, pid_t pid, const char *type, struct ns_id *ret_id)
{
	/* EXERCISE 3.1: Tell namespaces apart (15 points)
	 *
	 * /proc/PID/ns/TYPE is a magic link ("uts:[4026531838]"); stat()
	 * follows it to the namespace's own inode. Use fstatat() relative
	 * to proc_fd. Which error means "no such process", and which "no
	 * such namespace type"? The PID directory is there or not.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("3.1", proc_fd, pid, type, ret_id);
}

int ns_handshake_open(struct ns_handshake *handshake)
{
	int fds[2];

	/* A socket pair, not a pipe: a write to a pipe whose reader is gone
	 * raises SIGPIPE, which would kill the parent when the child died
	 * before its release; send() with MSG_NOSIGNAL fails with EPIPE. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
		return -errno;
	handshake->read_fd = fds[0];
	handshake->write_fd = fds[1];
	return 0;
}

int ns_handshake_release(struct ns_handshake *handshake)
{
	int ret = 0;

	if (send(handshake->write_fd, "g", 1, MSG_NOSIGNAL) != 1)
		ret = -errno;
	close(handshake->write_fd);
	handshake->write_fd = -1;
	return ret;
}

void ns_handshake_close(struct ns_handshake *handshake)
{
	if (!handshake)
		return;
	if (handshake->read_fd >= 0)
		close(handshake->read_fd);
	if (handshake->write_fd >= 0)
		close(handshake->write_fd);
	handshake->read_fd = handshake->write_fd = -1;
}

int ns_handshake_wait(struct ns_handshake *handshake)
{
	ssize_t n;
	char byte;

	do
		n = read(handshake->read_fd, &byte, 1);
	while (n < 0 && errno == EINTR);
	close(handshake->read_fd);
	handshake->read_fd = -1;
	if (n < 0)
		return -errno;
	/* End of file without the byte: every write end is closed, so the
	 * parent gave up (or died) before releasing us. */
	return n == 1 ? 0 : -EPIPE;
}

pid_t ns_clone(uint64_t flags, struct ns_handshake *handshake)
{
	/* EXERCISE 3.2: Clone into new namespaces (25 points)
	 *
	 * Fill a struct clone_args (<linux/sched.h>) with the flags and
	 * exit_signal = SIGCHLD, and call sys_clone3() (common/sys.h): it
	 * returns twice, like fork(). In the parent, close the read end and
	 * return the PID. In the child, close the write end (or the child
	 * would hold the pipe open itself, and ns_handshake_wait() would
	 * never see end of file when the parent gives up) and return 0.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("3.2", flags, handshake);
}

int ns_set_hostname(const char *name)
{
	/* EXERCISE 3.3: A host name of its own (10 points)
	 *
	 * sethostname(2) changes the name for the whole UTS namespace. It
	 * takes a length, not a C string: check the length yourself
	 * (HOST_NAME_MAX from <limits.h>), an empty name too.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("3.3", name);
}

int ns_remount_proc(void)
{
	/* EXERCISE 3.4: Private mounts and a fresh /proc (25 points)
	 *
	 * Two mount(2) calls. First mount(NULL, "/", NULL,
	 * MS_REC | MS_PRIVATE, NULL): a new mount namespace starts as a
	 * copy whose mounts still share events with the host's, so a /proc
	 * mounted now would appear on the host too, on top of the host's.
	 * Then mount "proc" of type "proc" on /proc, with MS_NOSUID |
	 * MS_NODEV | MS_NOEXEC as every distribution does.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("3.4");
}

/* EXERCISE 3.5: your own helper functions can go here. */

int ns_join(pid_t pid, uint64_t types)
{
	/* EXERCISE 3.5: Join another process's namespaces (25 points)
	 *
	 * The way nsenter(1) has always done it: open /proc/PID/ns/TYPE
	 * for every type asked for, ALL of them first (once in the
	 * target's mount namespace, "/proc" is the target's /proc; and
	 * the target may exit midway), then setns(fd, CLONE_NEW...) each,
	 * then close them all. A missing /proc/PID is -ESRCH.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("3.5", pid, types);
}

int ns_join_pidfd(pid_t pid, uint64_t types)
{
	/* EXERCISE 3.6: All namespaces in one call (challenge, 10 points)
	 *
	 * sys_pidfd_open() the target, then setns(pidfd, types): given a
	 * pidfd, setns(2) takes a set of CLONE_NEW* flags and enters them
	 * all, or, if one fails, none. Close the pidfd whatever happens.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("3.6", pid, types);
}
