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
	/* EXERCISE 2.1: Turn a wait status into an exit code (10 points)
	 *
	 * A wait status packs several cases into one int; the W* macros of
	 * <sys/wait.h> take it apart. A shell reports a process killed by
	 * signal N as 128 + N, and so must an init, since its own exit
	 * code is all a container engine will see.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("2.1", status);
}

/* EXERCISE 2.2: your own helper functions can go here. */

int init_spawn(char *const argv[], const sigset_t *child_mask, bool new_group,
               pid_t *ret_pid)
{
	/* EXERCISE 2.2: Start the command, report exec errors (20 points)
	 *
	 * fork(), and in the child: its own process group if asked
	 * (setpgid), the signal mask the caller gives (sigprocmask), then
	 * execvp(). How does the parent learn that exec failed? A pipe
	 * whose write end is O_CLOEXEC: a successful exec closes it, so the
	 * parent's read() returns 0; a failed one lets the child write its
	 * errno first. Close the write end in the parent before reading!
	 * On failure reap the child (waitpid) before returning -errno.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("2.2", argv, child_mask, new_group,
	                     ret_pid);
}

int init_reap(pid_t main_child, bool *ret_main_exited, int *ret_main_status)
{
	/* EXERCISE 2.3: Reap every zombie (24 points)
	 *
	 * Loop on waitpid(-1, &status, WNOHANG): -1 means any child,
	 * including the orphans the kernel handed us; WNOHANG returns 0
	 * instead of blocking when children remain but none has exited.
	 * Stop at 0 or at ECHILD (no children at all); retry on EINTR.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("2.3", main_child, ret_main_exited,
	                     ret_main_status);
}

/* EXERCISE 2.4: your own helper functions can go here. */

int init_signals_open(sigset_t *ret_old_mask)
{
	/* EXERCISE 2.4: Take over the signals (16 points)
	 *
	 * sigfillset(), then sigdelset() the synchronous signals; block the
	 * set with sigprocmask(), keeping the old mask for the child; then
	 * signalfd(-1, &set, SFD_CLOEXEC). A blocked signal is not lost:
	 * it waits, pending, until someone reads it from the signalfd. And
	 * a blocked signal is queued even for PID 1, whose unhandled
	 * signals the kernel would otherwise drop.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("2.4", ret_old_mask);
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
	/* EXERCISE 2.5: Forward a signal (10 points)
	 *
	 * kill(2) sends to a process group when the PID is negative.
	 * Remember the two exceptions in the contract: SIGCHLD, and a
	 * child that has already gone.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("2.5", child, sig, to_group);
}

const char *const init_candidates[] = {
	"/sbin/init", "/etc/init", "/bin/init", "/bin/sh", NULL,
};

int init_probe(int root_fd, const char *path)
{
	/* EXERCISE 2.6: Would the kernel run this as init? (20 points)
	 *
	 * Open PATH relative to root_fd with sys_openat2() (common/sys.h):
	 * flags O_PATH | O_CLOEXEC (we only look, we do not read) and
	 * resolve RESOLVE_IN_ROOT, so that an absolute symlink such as
	 * /sbin/init -> /bin/busybox resolves inside the root filesystem.
	 * Then fstat() the fd: a regular file with an execute bit.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("2.6", root_fd, path);
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
	/* EXERCISE 2.7: End the command's process group (challenge, 10 points)
	 *
	 * kill(-group, SIGKILL); a group already gone (ESRCH) is fine.
	 * Then waitid(P_PGID, group, &info, WEXITED) until ECHILD: it
	 * waits for children whose process group is GROUP. Why does this
	 * find the grandchildren too? When a process dies, the kernel hands
	 * its children to the nearest subreaper before its parent can reap
	 * it: by the time waitid() returns a dead child, the children that
	 * child left are ours. Retry on EINTR.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("2.7", group);
}
