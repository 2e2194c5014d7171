/* sys.h - the raw system calls glibc does not wrap (or wrapped late).
 *
 * Each is named as in its man page with a sys_ prefix and, unlike the libc
 * convention, returns the result or -errno, like every library function in
 * the lab. They live here, in one place, so no other file needs syscall(2).
 */
#ifndef BOXLAB_SYS_H
#define BOXLAB_SYS_H

#include <signal.h>
#include <sys/types.h>

/* pivot_root(2): make NEW_ROOT the root of this mount namespace and move
 * the old root to PUT_OLD. Returns 0 or -errno. Chapter 06 explains it. */
int sys_pivot_root(const char *new_root, const char *put_old);

/* pidfd_open(2): a file descriptor that refers to process PID (Linux 5.3).
 * It is O_CLOEXEC by default. Returns the fd or -errno. */
int sys_pidfd_open(pid_t pid, unsigned int flags);

/* pidfd_send_signal(2): send SIG to the process PIDFD refers to, with no
 * risk of hitting a recycled PID. Returns 0 or -errno. */
int sys_pidfd_send_signal(int pidfd, int sig, siginfo_t *info,
                          unsigned int flags);

struct clone_args;

/* clone3(2): like fork(), with ARGS->flags choosing new namespaces
 * (CLONE_NEWPID, CLONE_NEWNS, ...) for the child alone, and
 * ARGS->exit_signal (SIGCHLD, for a child waitpid() sees as usual).
 * Returns the child's PID in the parent, 0 in the child, or -errno. */
pid_t sys_clone3(struct clone_args *args);

struct open_how;

/* openat2(2): openat() with HOW->resolve flags (Linux 5.6), such as
 * RESOLVE_IN_ROOT, which resolves PATH as if DIRFD were "/", so symbolic
 * links and ".." cannot lead out of a root filesystem. Returns the fd or
 * -errno. */
int sys_openat2(int dirfd, const char *path, struct open_how *how);

#endif
