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

	len = proc_read_stat_line(proc_fd, pid, line, sizeof(line));
	if (len < 0)
		return len;
	return proc_parse_stat(line, ret_stat);
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
		ret = proc_read_stat(proc_fd, pids[i], &procs[kept]);
		if (ret == -ESRCH)
			continue; /* exited since we listed it: not an error */
		if (ret < 0)
			break;
		kept++;
	}
	free(pids);
	if (ret < 0 && ret != -ESRCH) {
		free(procs);
		return ret;
	}
	*ret_procs = procs;
	*ret_count = kept;
	return 0;
}

bool proc_is_kernel_thread(const struct proc_stat *stat)
{
	return (stat->flags & PROC_PF_KTHREAD) != 0;
}
