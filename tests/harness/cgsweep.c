/* cgsweep.c - the harness's safety net for cgroups.
 *
 * A student's cg_destroy() may be a stub, or wrong: the tests that use it
 * would then leave cgroups behind. The runner lists every boxlab cgroup
 * before the tests, each test fails if it leaves a new one, and after the
 * last test the runner removes whatever is new, processes first.
 */
#include "cgsweep.h"

#include "file.h"
#include "parse.h"
#include "sys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Append "PATH\n" to the growing *LIST. */
static void append(char **list, size_t *len, const char *path)
{
	size_t add = strlen(path) + 1;
	char *bigger = realloc(*list, *len + add + 1);

	if (!bigger)
		abort();
	*list = bigger;
	snprintf(*list + *len, add + 1, "%s\n", path);
	*len += add;
}

/* Add MOUNT/boxlab and every directory in it to the list. */
static void list_mount(const char *mount, char **list, size_t *len)
{
	char parent[PATH_MAX], child[PATH_MAX + 256];
	struct dirent *entry;
	DIR *dir;

	snprintf(parent, sizeof(parent), "%s/boxlab", mount);
	dir = opendir(parent);
	if (!dir)
		return;
	while ((entry = readdir(dir)))
		if (entry->d_type == DT_DIR && entry->d_name[0] != '.') {
			snprintf(child, sizeof(child), "%s/%s", parent,
			         entry->d_name);
			append(list, len, child);
		}
	closedir(dir);
	append(list, len, parent); /* after its children: remove order */
}

char *cgsweep_list(void)
{
	FILE *mounts = setmntent("/proc/self/mounts", "re");
	struct mntent *entry;
	char *list = calloc(1, 1);
	size_t len = 0;

	while (mounts && (entry = getmntent(mounts)))
		if (!strcmp(entry->mnt_type, "cgroup") ||
		    !strcmp(entry->mnt_type, "cgroup2"))
			list_mount(entry->mnt_dir, &list, &len);
	if (mounts)
		endmntent(mounts);
	return list;
}

const char *cgsweep_new(const char *before, const char *now)
{
	static char path[PATH_MAX];
	const char *line, *end;

	for (line = now; *line; line = end + 1) {
		end = strchr(line, '\n');
		snprintf(path, sizeof(path), "%.*s", (int)(end - line), line);
		if (!strstr(before, path))
			return path;
	}
	return NULL;
}

pid_t cgsweep_parent_of(pid_t pid)
{
	char path[64], line[128];
	int ppid = -1;
	FILE *status;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	status = fopen(path, "re");
	if (!status)
		return -1;
	while (fgets(line, sizeof(line), status))
		sscanf(line, "PPid: %d", &ppid);
	fclose(status);
	return ppid;
}

/* Is PID a descendant of ANCESTOR? */
static bool descends_from(pid_t pid, pid_t ancestor)
{
	int depth;

	for (depth = 0; pid > 1 && depth < 4096; depth++) {
		pid = cgsweep_parent_of(pid);
		if (pid == ancestor)
			return true;
	}
	return false;
}

/* Kill what DIR/cgroup.procs lists, waiting for each to exit, but only
 * processes of this run (descendants of the runner): a cgroup of someone
 * else's cgbox, started in another terminal, is left alone. */
static bool kill_members(const char *dir)
{
	char path[PATH_MAX + 16], *text, *line, *save = NULL;
	struct pollfd pfd = { .events = POLLIN };
	bool any = false;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (file_read_all(AT_FDCWD, path, &text, NULL) < 0)
		return false;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (parse_pid(line, &pid) < 0 ||
		    !descends_from(pid, getpid()) ||
		    (pfd.fd = sys_pidfd_open(pid, 0)) < 0)
			continue;
		sys_pidfd_send_signal(pfd.fd, SIGKILL, NULL, 0);
		poll(&pfd, 1, -1);
		close(pfd.fd);
		any = true;
	}
	free(text);
	return any;
}

void cgsweep_remove_new(const char *before)
{
	char *now = cgsweep_list(), *line, *save = NULL;

	for (line = strtok_r(now, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(before, line))
			continue;
		while (kill_members(line))
			;
		rmdir(line); /* fails, harmlessly, if anyone is left */
	}
	free(now);
}
