/* init.c - the pieces of a container init. See init.h for the contracts. */
#include "init.h"

#include "exercise.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int init_exit_code(int status)
{
	/* BEGIN EXERCISE 2.1: Turn a wait status into an exit code (10 points)
	 *
	 * A wait status packs several cases into one int; the W* macros of
	 * <sys/wait.h> take it apart. A shell reports a process killed by
	 * signal N as 128 + N, and so must an init, since its own exit
	 * code is all a container engine will see.
	 *
	 * stub: return exercise_todo("2.1", status);
	 */
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -EINVAL;
	/* END EXERCISE 2.1 */
}

/* BEGIN EXERCISE 2.2 (helpers) */
/* In the child: become what ARGV names, or tell the parent why not.
 * Does not return. */
static void exec_child(char *const argv[], const sigset_t *child_mask,
                       bool new_group, int error_fd)
{
	ssize_t written;
	int err;

	if (new_group && setpgid(0, 0) < 0)
		goto report;
	if (sigprocmask(SIG_SETMASK, child_mask, NULL) < 0)
		goto report;
	execvp(argv[0], argv);
report:
	err = errno;
	/* Should even this write fail, the parent reads end of file and
	 * takes the child for started; it then exits with 127. */
	written = write(error_fd, &err, sizeof(err));
	(void)written;
	_exit(127);
}

/* Wait for a child that will not become the command, so that it does
 * not stay a zombie. */
static void reap_failed_child(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		continue;
}
/* END EXERCISE 2.2 */

int init_spawn(char *const argv[], const sigset_t *child_mask, bool new_group,
               pid_t *ret_pid)
{
	/* BEGIN EXERCISE 2.2: Start the command, report exec errors (20 points)
	 *
	 * fork(), and in the child: its own process group if asked
	 * (setpgid), the signal mask the caller gives (sigprocmask), then
	 * execvp(). How does the parent learn that exec failed? A pipe
	 * whose write end is O_CLOEXEC: a successful exec closes it, so the
	 * parent's read() returns 0; a failed one lets the child write its
	 * errno first. Close the write end in the parent before reading!
	 * On failure reap the child (waitpid) before returning -errno.
	 *
	 * stub: return exercise_todo("2.2", argv, child_mask, new_group,
	 * stub:                      ret_pid);
	 */
	int pipe_fds[2], exec_err, err = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		return -err;
	}
	if (pid == 0)
		exec_child(argv, child_mask, new_group, pipe_fds[1]);
	close(pipe_fds[1]);
	/* Set the group from the parent too, so it exists before we return
	 * and nobody can signal the group too early. EACCES: the child has
	 * already run exec, so it has already made the group itself. */
	if (new_group && setpgid(pid, pid) < 0 && errno != EACCES)
		err = errno;
	do
		n = read(pipe_fds[0], &exec_err, sizeof(exec_err));
	while (n < 0 && errno == EINTR);
	if (n < 0 && !err)
		err = errno;
	close(pipe_fds[0]);
	if (n == sizeof(exec_err))
		err = exec_err;
	else if (err)
		kill(pid, SIGKILL); /* it runs, but not as promised */
	if (err) {
		reap_failed_child(pid);
		return -err;
	}
	*ret_pid = pid;
	return 0;
	/* END EXERCISE 2.2 */
}

int init_reap(pid_t main_child, bool *ret_main_exited, int *ret_main_status)
{
	/* BEGIN EXERCISE 2.3: Reap every zombie (24 points)
	 *
	 * Loop on waitpid(-1, &status, WNOHANG): -1 means any child,
	 * including the orphans the kernel handed us; WNOHANG returns 0
	 * instead of blocking when children remain but none has exited.
	 * Stop at 0 or at ECHILD (no children at all); retry on EINTR.
	 *
	 * stub: return exercise_todo("2.3", main_child, ret_main_exited,
	 * stub:                      ret_main_status);
	 */
	int status, reaped = 0;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0 && errno == ECHILD)
			return reaped;
		if (pid < 0)
			return -errno;
		if (pid == 0)
			return reaped;
		reaped++;
		if (pid == main_child) {
			*ret_main_exited = true;
			*ret_main_status = status;
		}
	}
	/* END EXERCISE 2.3 */
}

/* BEGIN EXERCISE 2.4 (helpers) */
/* Signals the kernel raises in this process for its own faults: blocking
 * them would hide a crash, so an init leaves them alone. */
static const int synchronous_signals[] = {
	SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT,
};
/* END EXERCISE 2.4 */

int init_signals_open(sigset_t *ret_old_mask)
{
	/* BEGIN EXERCISE 2.4: Take over the signals (16 points)
	 *
	 * sigfillset(), then sigdelset() the synchronous signals; block the
	 * set with sigprocmask(), keeping the old mask for the child; then
	 * signalfd(-1, &set, SFD_CLOEXEC). A blocked signal is not lost:
	 * it waits, pending, until someone reads it from the signalfd. And
	 * a blocked signal is queued even for PID 1, whose unhandled
	 * signals the kernel would otherwise drop.
	 *
	 * stub: return exercise_todo("2.4", ret_old_mask);
	 */
	sigset_t set;
	size_t i;
	int fd;

	sigfillset(&set);
	for (i = 0; i < sizeof(synchronous_signals) / sizeof(int); i++)
		sigdelset(&set, synchronous_signals[i]);
	if (sigprocmask(SIG_BLOCK, &set, ret_old_mask) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (fd < 0) {
		fd = -errno;
		sigprocmask(SIG_SETMASK, ret_old_mask, NULL);
	}
	return fd;
	/* END EXERCISE 2.4 */
}

int init_next_signal(int signal_fd)
{
	struct signalfd_siginfo info;
	ssize_t n;

	do
		n = read(signal_fd, &info, sizeof(info));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != sizeof(info))
		return -EIO;
	return info.ssi_signo;
}

int init_forward_signal(pid_t child, int sig, bool to_group)
{
	/* BEGIN EXERCISE 2.5: Forward a signal (10 points)
	 *
	 * kill(2) sends to a process group when the PID is negative.
	 * Remember the two exceptions in the contract: SIGCHLD, and a
	 * child that has already gone.
	 *
	 * stub: return exercise_todo("2.5", child, sig, to_group);
	 */
	if (sig == SIGCHLD)
		return 0;
	if (kill(to_group ? -child : child, sig) < 0 && errno != ESRCH)
		return -errno;
	return 0;
	/* END EXERCISE 2.5 */
}

const char *const init_candidates[] = {
	"/sbin/init", "/etc/init", "/bin/init", "/bin/sh", NULL,
};

int init_probe(int root_fd, const char *path)
{
	/* BEGIN EXERCISE 2.6: Would the kernel run this as init? (20 points)
	 *
	 * Open PATH relative to root_fd with sys_openat2() (common/sys.h):
	 * flags O_PATH | O_CLOEXEC (we only look, we do not read) and
	 * resolve RESOLVE_IN_ROOT, so that an absolute symlink such as
	 * /sbin/init -> /bin/busybox resolves inside the root filesystem.
	 * Then fstat() the fd: a regular file with an execute bit.
	 *
	 * stub: return exercise_todo("2.6", root_fd, path);
	 */
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT,
	};
	struct stat st;
	int fd, ret = 0;

	fd = sys_openat2(root_fd, path, &how);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		ret = -errno;
	else if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		ret = -EACCES;
	close(fd);
	return ret;
	/* END EXERCISE 2.6 */
}

const char *init_search(int root_fd, const char *override)
{
	const char *const *candidate;

	/* init= that cannot run is the end: the kernel panics ("Requested
	 * init %s failed") rather than fall back to the list. */
	if (override)
		return init_probe(root_fd, override) == 0 ? override : NULL;
	for (candidate = init_candidates; *candidate; candidate++)
		if (init_probe(root_fd, *candidate) == 0)
			return *candidate;
	return NULL;
}

int init_end_group(pid_t group)
{
	/* BEGIN EXERCISE 2.7: End the command's process group (challenge, 10 points)
	 *
	 * kill(-group, SIGKILL); a group already gone (ESRCH) is fine.
	 * Then waitid(P_PGID, group, &info, WEXITED) until ECHILD: it
	 * waits for children whose process group is GROUP. Why does this
	 * find the grandchildren too? When a process dies, the kernel hands
	 * its children to the nearest subreaper before its parent can reap
	 * it: by the time waitid() returns a dead child, the children that
	 * child left are ours. Retry on EINTR.
	 *
	 * stub: return exercise_todo("2.7", group);
	 */
	siginfo_t info;
	int reaped = 0;

	if (kill(-group, SIGKILL) < 0 && errno != ESRCH)
		return -errno;
	for (;;) {
		if (waitid(P_PGID, group, &info, WEXITED) == 0) {
			reaped++;
			continue;
		}
		if (errno == ECHILD)
			return reaped;
		if (errno != EINTR)
			return -errno;
	}
	/* END EXERCISE 2.7 */
}
