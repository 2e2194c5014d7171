/* init.h - what PID 1 owes the processes below it.
 *
 * The first process of a container gets PID 1, and with it init's duties
 * (chapter 01): every orphan in the container becomes its child, and it
 * must wait() for each one, or they stay zombies forever. And the kernel
 * protects PID 1 from signals it has no handler for, so a PID 1 that
 * forgets to handle SIGTERM cannot be stopped with it. These functions
 * are the pieces of a small init that does both jobs: miniinit.c puts
 * them together, in the spirit of tini.
 */
#ifndef BOXLAB_INIT_H
#define BOXLAB_INIT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The exit code a shell would report for wait status STATUS (from
 * waitpid(2)): the code passed to exit() if the process exited, 128 + N if
 * signal N killed it (SIGTERM: 143, SIGKILL: 137). Returns the code (0 to
 * 255), or -EINVAL if STATUS is neither (a stopped process, say). See
 * wait(2), WIFEXITED and WIFSIGNALED. */
int init_exit_code(int status);

/* Start ARGV (argv[0] looked up in PATH, like a shell) as a child process.
 * The child gets CHILD_MASK as its signal mask (an init blocks signals for
 * itself, and the mask survives exec), and with NEW_GROUP a process group
 * of its own (setpgid(2)) so signals can reach all of it. If exec fails
 * the child reports errno to the parent through a close-on-exec pipe and
 * exits; the parent reaps it and returns that error: -ENOENT (command not
 * found), -EACCES (not executable), -ENOEXEC (not a program), ...
 * On success stores the child's PID in *ret_pid and returns 0. */
int init_spawn(char *const argv[], const sigset_t *child_mask, bool new_group,
               pid_t *ret_pid);

/* Reap every child that has exited, without blocking (waitpid(-1, ...,
 * WNOHANG) until none is left). If MAIN_CHILD is among them, set
 * *ret_main_exited and store its wait status in *ret_main_status; leave
 * both untouched otherwise. Returns the number of children reaped, or
 * -errno. Having no children at all (ECHILD) is not an error. */
int init_reap(pid_t main_child, bool *ret_main_exited, int *ret_main_status);

/* Block every signal an init handles and open a signalfd(2) that reads
 * them: all but SIGKILL and SIGSTOP (which cannot be caught) and the
 * synchronous ones the kernel sends for a fault in this very process
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT). Stores the
 * mask that was in force before in *ret_old_mask (to give to the child).
 * Returns the fd (O_CLOEXEC) or -errno. */
int init_signals_open(sigset_t *ret_old_mask);

/* Read the next signal from SIGNAL_FD (blocking). Returns its number, or
 * -errno. */
int init_next_signal(int signal_fd);

/* Pass signal SIG on to CHILD, or with TO_GROUP to CHILD's whole process
 * group (kill(2) with -CHILD). SIGCHLD is never forwarded: it is news for
 * the init, not for the child. A child that is already gone (ESRCH) is
 * not an error. Returns 0 or -errno. */
int init_forward_signal(pid_t child, int sig, bool to_group);

/* End what the command left behind in its process group GROUP (its own
 * PID, made a group by init_spawn() with NEW_GROUP), once it has exited.
 * PID 1 of a PID namespace need not: when it exits, the kernel kills
 * every process in the namespace. A subreaper outside one
 * (PR_SET_CHILD_SUBREAPER, prctl(2)) ends nothing by exiting, so it
 * does what the kernel would: SIGKILL to the whole group (kill(2) with
 * -GROUP), then waits for each of its children in the group until none
 * is left (waitid(2) P_PGID, blocking). A group with no process left is
 * not an error. Processes in other groups are left alone. Returns the
 * number of processes reaped, or -errno. */
int init_end_group(pid_t group);

/* The programs the kernel tries for PID 1 when no init= is given, in its
 * order (init/main.c, kernel_init()), NULL-terminated: /sbin/init,
 * /etc/init, /bin/init, /bin/sh. Before them come /init of an initramfs
 * (or rdinit=), then init= (which, if it fails, panics at once: no list),
 * then CONFIG_DEFAULT_INIT if the kernel was built with one. */
extern const char *const init_candidates[];

/* Could the kernel run PATH as init inside the root filesystem ROOT_FD?
 * PATH is resolved as the kernel would once ROOT_FD is "/": symbolic links
 * and ".." stay inside (openat2(2) with RESOLVE_IN_ROOT), so /sbin/init ->
 * /bin/busybox means ROOT/bin/busybox, never the host's. Returns 0 if it
 * resolves to a regular file with an execute bit, -ENOENT if it does not
 * exist, -EACCES if it is not executable or not a regular file, or another
 * -errno. */
int init_probe(int root_fd, const char *path);

/* The kernel's choice: OVERRIDE (init=..., may be NULL) if it can run;
 * an OVERRIDE that cannot run is NULL at once, without the list (the
 * kernel panics: "Requested init ... failed"). Without OVERRIDE, the
 * first of init_candidates that init_probe() accepts, or NULL if none
 * would do (the kernel panics: "No working init found"). */
const char *init_search(int root_fd, const char *override);

#endif
