/* proc.h - reading processes from /proc, the kernel's view of them.
 *
 * Every process has a directory /proc/PID; its file "stat" is one line
 * the kernel formats on each read (fs/proc/array.c, do_task_stat()):
 *
 *	1191 (bash) S 1 1191 1191 34816 1234 4194304 ...
 *
 * ps, pstree and htop are nothing but readers of these files. Every
 * function here takes PROC_FD, a directory fd on /proc, instead of the
 * path "/proc": programs pass an fd on the real /proc, tests pass one on a
 * fixture tree in tests/fixtures/ that looks like it. See proc(5).
 */
#ifndef BOXLAB_PROC_H
#define BOXLAB_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The kernel keeps a 16-byte comm (TASK_COMM_LEN), so 15 characters. We
 * keep more room so a fixture with a longer name is truncated, not lost. */
#define PROC_COMM_MAX 64

/* A /proc/PID/stat line is well under 1 KiB; this leaves headroom. */
#define PROC_STAT_LINE_MAX 1024

/* "This is a kernel thread" in the flags field (include/linux/sched.h). */
#define PROC_PF_KTHREAD 0x00200000u

/* The fields of /proc/PID/stat that the lab uses, numbered as in proc(5).
 * Fields 4 to 6 are numbers from the point of view of the reader's PID
 * namespace, and they are not always positive (fs/proc/array.c):
 * - ppid is 0 for PID 1 and 2 (their parent, the idle task, is not in
 *   /proc), for the init of a PID namespace seen from inside it, for a
 *   process that entered a namespace with setns(2) (its parent is outside),
 *   and for a process being reaped;
 * - pgrp and session are 0 when their leader is outside the namespace (a
 *   container's init, every kernel thread), and -1 while the process is
 *   being reaped: "1146 (true) X 0 -1 -1 ...", state X. By then the kernel
 *   has cut it loose from its parent, so do_task_stat() has nothing to
 *   report and prints its defaults. */
struct proc_stat {
	pid_t pid;                    /* (1) process ID, always > 0 */
	char comm[PROC_COMM_MAX];     /* (2) command name, without the ( ) */
	char state;                   /* (3) R, S, D, Z (zombie), T, I (idle
	                                 kernel thread), X (being reaped) ... */
	pid_t ppid;                   /* (4) parent's PID, or 0 (see above) */
	pid_t pgrp;                   /* (5) process group ID; 0 or -1 too */
	pid_t session;                /* (6) session ID; 0 or -1 too */
	unsigned int flags;           /* (9) PF_* flags, see PROC_PF_KTHREAD */
	long num_threads;             /* (20) threads in this process */
	unsigned long long starttime; /* (22) start, in clock ticks after boot */
	bool thread; /* not in the line: a thread other than the main one of
	                process ppid (proc_add_threads()); proc_read_stat()
	                sets it to false */
};

/* Parse one /proc/PID/stat LINE into *ret_stat.
 * The command name is everything between the first '(' and the LAST ')':
 * a process may name itself "a) S 1 (b" with prctl(PR_SET_NAME), and a
 * reader that splits on spaces or stops at the first ')' is fooled. A name
 * longer than PROC_COMM_MAX - 1 is truncated. The PID must be positive;
 * PPID, process group and session may be 0 or -1 (see struct proc_stat):
 * a parser that refuses them fails on a process that is being reaped.
 * Returns 0, or -EINVAL if LINE does not have the shape of a stat line
 * (no parentheses, a field that is not a number, fewer than 22 fields). */
int proc_parse_stat(const char *line, struct proc_stat *ret_stat);

/* Read the stat line of process PID under PROC_FD into BUF (SIZE bytes,
 * NUL-terminated), with file_read_buf(). The kernel formats the whole line
 * at the first read(2) of the open file (a seq_file), and later reads of
 * that file continue the same text, so the line is one consistent
 * snapshot even when it takes more than one read(2) to fetch. Returns the line's length, -ESRCH if the process does not exist (any
 * more: processes exit between listing /proc and reading it, so callers
 * must expect this), -EINVAL if PID is not positive, or another -errno. */
ssize_t proc_read_stat_line(int proc_fd, pid_t pid, char *buf, size_t size);

/* List the PIDs under PROC_FD: the entries whose names are all digits
 * (/proc also holds "self", "cpuinfo", "sys", ...), in ascending order.
 * On success *ret_pids is a new array (free() it) of *ret_count PIDs.
 * Returns 0 or -errno. See opendir(3), readdir(3). */
int proc_list_pids(int proc_fd, pid_t **ret_pids, size_t *ret_count);

/* Read the stat of PID under PROC_FD: proc_read_stat_line() followed by
 * proc_parse_stat(). Returns 0, -ESRCH if the process is gone, or -errno. */
int proc_read_stat(int proc_fd, pid_t pid, struct proc_stat *ret_stat);

/* Take a snapshot of every process under PROC_FD: list the PIDs, then read
 * each one's stat. On success *ret_procs is a new array (free() it) of
 * *ret_count entries in PID order. A process that cannot be part of the
 * snapshot is skipped, never fatal, because processes come and go while
 * we read and one of them must not cost us the others:
 * - one that is gone (proc_read_stat() says -ESRCH): it exited and was
 *   reaped after we listed /proc;
 * - one in state X: it is being reaped at this moment, and its line no
 *   longer names a parent (PPID 0, process group and session -1).
 * Any other error is returned as -errno, and no snapshot: a line that
 * does not parse (-EINVAL) is a bug in the parser, not a race.
 * The snapshot is not atomic: the kernel offers no way to freeze the
 * process table, so a parent may be gone by the time its child is read.
 * tree_build() copes with that. */
int proc_snapshot(int proc_fd, struct proc_stat **ret_procs, size_t *ret_count);

/* List the threads of process PID under PROC_FD: the entries of
 * PROC_FD/PID/task/ that parse_pid() accepts, less PID itself (the main
 * thread, which /proc lists as the process), in ascending order. /proc
 * lists processes, not threads (its readdir walks thread groups), yet
 * each thread has a directory PID/task/TID with a stat of its own (and
 * /proc/TID opens, though it is not listed). On success *ret_tids is a new
 * array (free() it) of *ret_count TIDs, none for a single thread.
 * Returns 0, -ESRCH if the process is gone (there is no PID/task), -EINVAL
 * if PID is not positive, or another -errno. See proc(5), /proc/PID/task. */
int proc_list_threads(int proc_fd, pid_t pid, pid_t **ret_tids,
                      size_t *ret_count);

/* Add the threads of the processes in snapshot *PROCS (*COUNT entries,
 * from proc_snapshot()) to it, for `ptree --threads`: for each process
 * with more than one thread, proc_list_threads(), then each thread's line
 * from PID/task/TID/stat. A thread's entry has thread set, and ppid set to
 * its process's PID: its own line names the process's parent, which would
 * put it beside the process instead of under it. Threads and processes
 * that are gone or being reaped are skipped, as in proc_snapshot().
 * *PROCS is reallocated and *COUNT grown, threads after the processes;
 * on error both still describe a valid array, for the caller to free().
 * Returns 0 or -errno. */
int proc_add_threads(int proc_fd, struct proc_stat **procs, size_t *count);

/* Is this a kernel thread? True when PF_KTHREAD is set. Not "PID 2 and
 * its children": in a PID namespace (chapter 03) PID 2 is an ordinary
 * process, and the kernel threads are not visible at all. */
bool proc_is_kernel_thread(const struct proc_stat *stat);

#endif
