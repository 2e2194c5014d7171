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
	/* BEGIN EXERCISE 1.1: Parse /proc/PID/stat (25 points)
	 *
	 * The line is "PID (COMM) STATE PPID PGRP SESSION ..." (proc(5)).
	 * COMM is whatever the process called itself, spaces and
	 * parentheses included, so it runs from the first '(' to the LAST
	 * ')'; after it the fields are plain numbers separated by spaces.
	 * Check every piece: anything that is not a stat line is -EINVAL.
	 *
	 * stub: return exercise_todo("1.1", line, ret_stat);
	 */
	struct proc_stat stat = { 0 };
	const char *open = strchr(line, '(');
	const char *close = strrchr(line, ')');
	size_t comm_len;
	char *end;
	long pid;
	int consumed = 0, fields;

	if (!open || !close || close < open || open == line)
		return -EINVAL;

	/* Field 1: digits, then exactly one space before the '('. */
	errno = 0;
	pid = strtol(line, &end, 10);
	if (end != open - 1 || *end != ' ' || errno || pid <= 0 ||
	    pid > INT_MAX)
		return -EINVAL;
	stat.pid = pid;

	/* Field 2: truncate rather than overflow. */
	comm_len = close - open - 1;
	if (comm_len >= sizeof(stat.comm))
		comm_len = sizeof(stat.comm) - 1;
	memcpy(stat.comm, open + 1, comm_len);

	/* Fields 3 to 22; %*u and friends skip the ones we do not keep. */
	fields = sscanf(close + 1,
	                " %c %d %d %d %*d %*d %u %*u %*u %*u %*u %*u %*u"
	                " %*d %*d %*d %*d %ld %*d %llu%n",
	                &stat.state, &stat.ppid, &stat.pgrp, &stat.session,
	                &stat.flags, &stat.num_threads, &stat.starttime,
	                &consumed);
	if (fields != 7 || consumed == 0 || close[1] != ' ')
		return -EINVAL;
	if (close[1 + consumed] != ' ' && close[1 + consumed] != '\n' &&
	    close[1 + consumed] != '\0')
		return -EINVAL;

	*ret_stat = stat;
	return 0;
	/* END EXERCISE 1.1 */
}

ssize_t proc_read_stat_line(int proc_fd, pid_t pid, char *buf, size_t size)
{
	/* BEGIN EXERCISE 1.2: Read a process's stat line (15 points)
	 *
	 * Build the path "PID/stat" relative to proc_fd and read it with
	 * file_read_buf() from common/file.h. A process can exit at any
	 * moment: opening its directory then fails with ENOENT, reading an
	 * already opened file of a reaped process with ESRCH. Both mean
	 * "gone": return -ESRCH for either.
	 *
	 * stub: return exercise_todo("1.2", proc_fd, pid, buf, size);
	 */
	char path[32];
	ssize_t len;

	if (pid <= 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	len = file_read_buf(proc_fd, path, buf, size);
	if (len == -ENOENT || len == -ESRCH)
		return -ESRCH;
	return len;
	/* END EXERCISE 1.2 */
}

/* BEGIN EXERCISE 1.3 (helpers) */
static int compare_pids(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Append PID to the growing array *PIDS of *COUNT entries, *CAPACITY
 * allocated. Returns 0 or -ENOMEM. */
static int append_pid(pid_t **pids, size_t *count, size_t *capacity, pid_t pid)
{
	pid_t *bigger;

	if (*count == *capacity) {
		*capacity = *capacity ? *capacity * 2 : 256;
		bigger = realloc(*pids, *capacity * sizeof(**pids));
		if (!bigger)
			return -ENOMEM;
		*pids = bigger;
	}
	(*pids)[(*count)++] = pid;
	return 0;
}
/* END EXERCISE 1.3 */

int proc_list_pids(int proc_fd, pid_t **ret_pids, size_t *ret_count)
{
	/* BEGIN EXERCISE 1.3: List the processes (20 points)
	 *
	 * fdopendir(3) takes over the fd it is given, and reads from that
	 * fd's position, so give it a fresh one: openat(proc_fd, ".") with
	 * O_DIRECTORY | O_CLOEXEC. (A dup() would share the position with
	 * the caller's fd, and the next listing would come back empty.)
	 * Keep the entries whose name parse_pid() accepts, then sort them:
	 * readdir(3) promises no order.
	 *
	 * stub: return exercise_todo("1.3", proc_fd, ret_pids, ret_count);
	 */
	size_t count = 0, capacity = 0;
	pid_t *pids = NULL, pid;
	struct dirent *entry;
	int fd, ret = 0;
	DIR *dir;

	fd = openat(proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while (ret == 0 && (entry = readdir(dir)) != NULL) {
		if (parse_pid(entry->d_name, &pid) == 0)
			ret = append_pid(&pids, &count, &capacity, pid);
	}
	closedir(dir);
	if (ret < 0) {
		free(pids);
		return ret;
	}
	qsort(pids, count, sizeof(*pids), compare_pids);
	*ret_pids = pids;
	*ret_count = count;
	return 0;
	/* END EXERCISE 1.3 */
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

/* BEGIN EXERCISE 1.6 (helpers) */
static int compare_tids(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Collect the TIDs that DIR lists, less SKIP, into a new array. */
static int collect_tids(DIR *dir, pid_t skip, pid_t **ret_tids,
                        size_t *ret_count)
{
	size_t count = 0, capacity = 0;
	pid_t *tids = NULL, *bigger, tid;
	struct dirent *entry;

	while ((entry = readdir(dir)) != NULL) {
		if (parse_pid(entry->d_name, &tid) < 0 || tid == skip)
			continue;
		if (count == capacity) {
			capacity = capacity ? capacity * 2 : 16;
			bigger = realloc(tids, capacity * sizeof(*tids));
			if (!bigger) {
				free(tids);
				return -ENOMEM;
			}
			tids = bigger;
		}
		tids[count++] = tid;
	}
	if (count > 1) /* qsort(NULL, 0, ...) is undefined behaviour */
		qsort(tids, count, sizeof(*tids), compare_tids);
	*ret_tids = tids;
	*ret_count = count;
	return 0;
}
/* END EXERCISE 1.6 */

int proc_list_threads(int proc_fd, pid_t pid, pid_t **ret_tids,
                      size_t *ret_count)
{
	/* BEGIN EXERCISE 1.6: List a process's threads (challenge, 10 points)
	 *
	 * Open "PID/task" relative to proc_fd as a directory (O_DIRECTORY |
	 * O_CLOEXEC) and read it with fdopendir(3) and readdir(3), as in
	 * exercise 1.3. Opening it fails with ENOENT when the process is
	 * gone: return -ESRCH, as proc_read_stat_line() does. Leave out the
	 * main thread, whose TID is PID: the snapshot has it already.
	 *
	 * stub: return exercise_todo("1.6", proc_fd, pid, ret_tids, ret_count);
	 */
	char path[32];
	DIR *dir;
	int fd, ret;

	if (pid <= 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "%d/task", (int)pid);
	fd = openat(proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	dir = fdopendir(fd);
	if (!dir) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = collect_tids(dir, pid, ret_tids, ret_count);
	closedir(dir);
	return ret;
	/* END EXERCISE 1.6 */
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
