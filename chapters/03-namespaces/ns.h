/* ns.h - namespaces: the kernel's way of giving a process its own view.
 *
 * A namespace wraps one global resource so that the processes inside see
 * their own instance of it: their own host name (UTS), their own PID
 * numbers (PID), their own mount table (mount), network stack (net),
 * System V IPC objects (IPC), cgroup root (cgroup), clocks (time), and
 * user and group IDs (user, chapter 04). A container is a process started
 * in new namespaces of every kind: "容器也是一个进程", the overview says.
 * See namespaces(7).
 */
#ifndef BOXLAB_NS_H
#define BOXLAB_NS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The namespace types, in the order nsls prints them. */
struct ns_type {
	const char *name; /* its file in /proc/PID/ns/: "uts", "pid", ... */
	uint64_t flag;    /* its CLONE_NEW* flag */
};
extern const struct ns_type ns_types[]; /* NULL-terminated by .name */

/* Which namespace is this? The device and inode of /proc/PID/ns/TYPE,
 * the same pair `ls -L -i` and lsns show: two processes are in the same
 * namespace exactly when both numbers are equal. */
struct ns_id {
	dev_t dev; /* the nsfs file system's device */
	ino_t ino; /* the namespace's inode: "uts:[4026531838]" */
};

/* Find the namespace of TYPE ("uts", "pid", ...) that process PID is in,
 * through PROC_FD (an fd on /proc). Returns 0, -ESRCH if there is no such
 * process, -ENOENT if the kernel has no namespace of that TYPE, or another
 * -errno. See stat(2): it follows the link to the namespace itself. */
int ns_identity(int proc_fd, pid_t pid, const char *type, struct ns_id *ret_id);

/* A connected pair of sockets that holds a newly cloned child until its
 * parent has finished setting it up (chapter 04 writes its UID map, chapter 05 puts it in a
 * cgroup, chapter 09 gives it a network interface). */
struct ns_handshake {
	int read_fd;  /* the child's end; -1 when closed */
	int write_fd; /* the parent's end; -1 when closed */
};

/* Open HANDSHAKE. Returns 0 or -errno. */
int ns_handshake_open(struct ns_handshake *handshake);

/* In the parent: let the child go on (write one byte, close). Returns 0
 * or -errno (-EPIPE if the child is already gone). */
int ns_handshake_release(struct ns_handshake *handshake);

/* In the child: block until the parent calls ns_handshake_release(), then
 * close the child's end. Returns 0 once released, or -EPIPE if the parent
 * closed its end without releasing (it failed, or died). */
int ns_handshake_wait(struct ns_handshake *handshake);

/* Close whatever ends are still open. Accepts NULL. */
void ns_handshake_close(struct ns_handshake *handshake);

/* Like fork(), but the child starts in new namespaces, FLAGS (CLONE_NEW*
 * flags, any combination). clone3(2) with exit_signal SIGCHLD, so the
 * parent waits for the child as for any other. HANDSHAKE must be open;
 * each side keeps only its own end of it.
 * In the parent: returns the child's PID (as the parent sees it), or
 * -errno; no child exists then. In the child: returns 0, and nothing
 * else. The child must not go on before ns_handshake_wait() says it is
 * released, and it never returns into the parent's code: it ends in
 * exec or _exit() (container_run() in container.h does all that). */
pid_t ns_clone(uint64_t flags, struct ns_handshake *handshake);

/* Give this UTS namespace the host name NAME. Returns 0, -EINVAL if NAME
 * is empty or longer than HOST_NAME_MAX (64), or -errno (-EPERM outside a
 * namespace of one's own, as a normal user). See sethostname(2). */
int ns_set_hostname(const char *name);

/* In a new mount and PID namespace: make every mount private (so nothing
 * done here propagates back to the host), then mount a fresh proc file
 * system on /proc, which shows this PID namespace's processes. Returns 0
 * or -errno. See mount_namespaces(7) on propagation, proc(5). */
int ns_remount_proc(void);

/* Enter the namespaces of TYPES (CLONE_NEW* flags) of process PID, the way
 * nsenter(1) and `docker exec` do: open /proc/PID/ns/TYPE for each type,
 * then setns(2) into each. Not all at once: if a later setns() fails, the
 * caller is left in the ones before it, and should give up (exit). A new
 * PID namespace applies to the children created afterwards, not to the
 * caller. Returns 0, -ESRCH if PID does not exist (or has exited), or
 * -errno. */
int ns_join(pid_t pid, uint64_t types);

/* Like ns_join(), through a pidfd: one setns(2) call enters all of TYPES
 * at once, or, if any of them fails, none (Linux 5.8). Returns 0, -ESRCH
 * if PID does not exist, -EINVAL for a type setns() refuses (the user
 * namespace one is already in, for one), or -errno. See pidfd_open(2). */
int ns_join_pidfd(pid_t pid, uint64_t types);

#endif
