/* sys.c - syscall(2) wrappers, each returning -errno on failure. */
#include "sys.h"

#include <errno.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <sys/syscall.h>
#include <unistd.h>

/* syscall(2) returns -1 and sets errno; turn that into -errno. */
static long result(long ret)
{
	return ret < 0 ? -errno : ret;
}

int sys_pivot_root(const char *new_root, const char *put_old)
{
	return result(syscall(SYS_pivot_root, new_root, put_old));
}

int sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return result(syscall(SYS_pidfd_open, pid, flags));
}

int sys_pidfd_send_signal(int pidfd, int sig, siginfo_t *info,
                          unsigned int flags)
{
	return result(syscall(SYS_pidfd_send_signal, pidfd, sig, info, flags));
}

int sys_openat2(int dirfd, const char *path, struct open_how *how)
{
	return result(syscall(SYS_openat2, dirfd, path, how, sizeof(*how)));
}

pid_t sys_clone3(struct clone_args *args)
{
	return result(syscall(SYS_clone3, args, sizeof(*args)));
}
