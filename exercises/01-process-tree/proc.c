/* proc.c - reading processes from /proc. See proc.h for the contracts. */
#include "proc.h"

#include "exercise.h"
#include "file.h"
#include "parse.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int proc_parse_stat(const char *line, struct proc_stat *ret_stat)
{
	/* EXERCISE 1.1: Parse /proc/PID/stat (25 points)
	 *
	 * The line is "PID (COMM) STATE PPID PGRP SESSION ..." (proc(5)).
	 * COMM is whatever the process called itself, spaces and
	 * parentheses included, so it runs from the first '(' to the LAST
	 * ')'; after it the fields are plain numbers separated by spaces.
	 * Check every piece: anything that is not a stat line is -EINVAL.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("1.1", line, ret_stat);
}

ssize_t proc_read_stat_line(int proc_fd, pid_t pid, char *buf, size_t size)
{
	/* EXERCISE 1.2: Read a process's stat line (15 points)
	 *
	 * Build the path "PID/stat" relative to proc_fd and read it with
	 * file_read_buf() from common/file.h. A process can exit at any
	 * moment: opening its directory then fails with ENOENT, reading an
	 * already opened file of a reaped process with ESRCH. Both mean
	 * "gone": return -ESRCH for either.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("1.2", proc_fd, pid, buf, size);
}

/* EXERCISE 1.3: your own helper functions can go here. */

int proc_list_pids(int proc_fd, pid_t **ret_pids, size_t *ret_count)
{
	/* EXERCISE 1.3: List the processes (20 points)
	 *
	 * fdopendir(3) takes over the fd it is given, and reads from that
	 * fd's position, so give it a fresh one: openat(proc_fd, ".") with
	 * O_DIRECTORY | O_CLOEXEC. (A dup() would share the position with
	 * the caller's fd, and the next listing would come back empty.)
	 * Keep the entries whose name parse_pid() accepts, then sort them:
	 * readdir(3) promises no order.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("1.3", proc_fd, ret_pids, ret_count);
}

int proc_read_stat(int proc_fd, pid_t pid, struct proc_stat *ret_stat)
{
	char line[PROC_STAT_LINE_MAX];
	ssize_t len;
	int ret;

	len = proc_read_stat_line(proc_fd, pid, line, sizeof(line));
	if (len < 0)
		return len;
	ret = proc_parse_stat(line, ret_stat);
	if (ret == 0)
		ret_stat->thread = false; /* not in the line: see proc.h */
	return ret;
}

/* Read PID's stat into *RET_STAT for a snapshot. Returns 1 if it belongs
 * in the snapshot, 0 if it is to be skipped (gone, or being reaped: see
 * proc.h), or -errno. */
static int read_for_snapshot(int proc_fd, pid_t pid, struct proc_stat *ret_stat)
{
	int ret = proc_read_stat(proc_fd, pid, ret_stat);

	if (ret == -ESRCH)
		return 0; /* exited since we listed it: not an error */
	if (ret < 0)
		return ret;
	return ret_stat->state != 'X';
}

int proc_snapshot(int proc_fd, struct proc_stat **ret_procs, size_t *ret_count)
{
	struct proc_stat *procs;
	size_t count, i, kept = 0;
	pid_t *pids;
	int ret;

	ret = proc_list_pids(proc_fd, &pids, &count);
	if (ret < 0)
		return ret;
	procs = calloc(count ? count : 1, sizeof(*procs));
	if (!procs) {
		free(pids);
		return -ENOMEM;
	}
	for (i = 0; i < count; i++) {
		ret = read_for_snapshot(proc_fd, pids[i], &procs[kept]);
		if (ret < 0)
			break;
		kept += ret;
	}
	free(pids);
	if (ret < 0) {
		free(procs);
		return ret;
	}
	*ret_procs = procs;
	*ret_count = kept;
	return 0;
}

/* EXERCISE 1.6: your own helper functions can go here. */

int proc_list_threads(int proc_fd, pid_t pid, pid_t **ret_tids,
                      size_t *ret_count)
{
	/* EXERCISE 1.6: List a process's threads (challenge, 10 points)
	 *
	 * Open "PID/task" relative to proc_fd as a directory (O_DIRECTORY |
	 * O_CLOEXEC) and read it with fdopendir(3) and readdir(3), as in
	 * exercise 1.3. Opening it fails with ENOENT when the process is
	 * gone: return -ESRCH, as proc_read_stat_line() does. Leave out the
	 * main thread, whose TID is PID: the snapshot has it already.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("1.6", proc_fd, pid, ret_tids, ret_count);
}

/* Read the threads TIDS of PROCESS, whose task/ directory is TASK_FD,
 * onto the end of *PROCS (room for them is there). */
static int read_threads(int task_fd, const struct proc_stat *process,
                        const pid_t *tids, size_t count,
                        struct proc_stat *procs, size_t *procs_count)
{
	struct proc_stat *thread;
	size_t i;
	int ret;

	for (i = 0; i < count; i++) {
		thread = &procs[*procs_count];
		ret = read_for_snapshot(task_fd, tids[i], thread);
		if (ret < 0)
			return ret;
		if (ret == 0)
			continue; /* gone, or being reaped */
		thread->ppid = process->pid;
		thread->thread = true;
		(*procs_count)++;
	}
	return 0;
}

/* Add the threads of process *PROCS[INDEX] to the snapshot. */
static int add_threads_of(int proc_fd, size_t index, struct proc_stat **procs,
                          size_t *count)
{
	struct proc_stat *bigger;
	pid_t *tids, pid = (*procs)[index].pid;
	size_t tid_count;
	char path[32];
	int task_fd, ret;

	ret = proc_list_threads(proc_fd, pid, &tids, &tid_count);
	if (ret < 0)
		return ret == -ESRCH ? 0 : ret; /* gone: nothing to add */
	bigger = realloc(*procs, (*count + tid_count + 1) * sizeof(**procs));
	if (!bigger) {
		free(tids);
		return -ENOMEM;
	}
	*procs = bigger;
	snprintf(path, sizeof(path), "%d/task", (int)pid);
	task_fd = openat(proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (task_fd < 0)
		ret = errno == ENOENT ? 0 : -errno;
	else
		ret = read_threads(task_fd, &bigger[index], tids, tid_count,
		                   bigger, count);
	if (task_fd >= 0)
		close(task_fd);
	free(tids);
	return ret;
}

int proc_add_threads(int proc_fd, struct proc_stat **procs, size_t *count)
{
	size_t processes = *count, i;
	int ret;

	for (i = 0; i < processes; i++) {
		if ((*procs)[i].num_threads <= 1)
			continue;
		ret = add_threads_of(proc_fd, i, procs, count);
		if (ret < 0)
			return ret;
	}
	return 0;
}

bool proc_is_kernel_thread(const struct proc_stat *stat)
{
	return (stat->flags & PROC_PF_KTHREAD) != 0;
}
