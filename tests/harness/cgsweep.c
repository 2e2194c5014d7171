/* cgsweep.c - the harness's safety net for cgroups.
 *
 * A student's cg_destroy() may be a stub, or wrong: the tests that use it
 * would then leave cgroups behind. The runner lists every boxlab cgroup
 * before the tests, each test fails if it leaves a new one, and after the
 * last test the runner removes whatever is new, processes first.
 *
 * The lab's cgroups are exactly a directory named "boxlab" at the root of
 * a hierarchy and everything under it, at any depth: "boxlab-demo" or
 * "x/boxlab" belong to someone else and are never touched. Processes are
 * killed only if they are this run's (descendants of the runner) and, once
 * a pidfd holds them, still in the group: a PID read from cgroup.procs may
 * since have been reused by a process of the host.
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
#include <time.h>
#include <unistd.h>

/* How long to wait for one killed process to exit. */
#define SWEEP_WAIT_MS 5000

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

/* Add DIR and every directory below it to the list, children before
 * their parents (the order they can be removed in). Symbolic links are
 * not followed: a cgroup file system has none, and d_type says DT_DIR
 * only for real directories. */
static void list_tree(const char *dir, char **list, size_t *len)
{
	char child[PATH_MAX];
	struct dirent *entry;
	DIR *stream;

	stream = opendir(dir);
	if (!stream)
		return;
	while ((entry = readdir(stream)))
		if (entry->d_type == DT_DIR && strcmp(entry->d_name, ".") &&
		    strcmp(entry->d_name, "..") &&
		    snprintf(child, sizeof(child), "%s/%s", dir,
		             entry->d_name) < (int)sizeof(child))
			list_tree(child, list, len);
	closedir(stream);
	append(list, len, dir);
}

/* Is ENTRY of the mount table a cgroup hierarchy, v1 or v2? */
static bool is_cgroup(const struct mntent *entry)
{
	return !strcmp(entry->mnt_type, "cgroup") ||
	       !strcmp(entry->mnt_type, "cgroup2");
}

char *cgsweep_list(void)
{
	FILE *mounts = setmntent("/proc/self/mounts", "re");
	char *list = calloc(1, 1), parent[PATH_MAX];
	struct mntent *entry;
	size_t len = 0;

	if (!list)
		abort();
	while (mounts && (entry = getmntent(mounts)))
		if (is_cgroup(entry)) {
			snprintf(parent, sizeof(parent), "%s/boxlab",
			         entry->mnt_dir);
			list_tree(parent, &list, &len);
		}
	if (mounts)
		endmntent(mounts);
	return list;
}

/* Write VALUE to DIR/NAME if that file exists; errors do not matter. */
static void write_if_there(const char *dir, const char *name, const char *value)
{
	char path[PATH_MAX + 32];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, value, strlen(value)) < 0) {
		/* a group that is going away: nothing to thaw */
	}
	close(fd);
}

void cgsweep_thaw_all(void)
{
	char *list = cgsweep_list(), *line, *save = NULL;

	for (line = strtok_r(list, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		write_if_there(line, "freezer.state", "THAWED");
		write_if_there(line, "cgroup.freeze", "0");
	}
	free(list);
}

/* Is PATH one of the whole lines of LIST? */
static bool listed(const char *list, const char *path)
{
	size_t len = strlen(path);
	const char *at;

	for (at = list; (at = strstr(at, path)) != NULL; at++)
		if ((at == list || at[-1] == '\n') && at[len] == '\n')
			return true;
	return false;
}

static bool descends_from(pid_t pid, pid_t ancestor);

/* Is every process in DIR someone else's, and DIR not empty: a lab
 * program started outside this run (a container boxrun made for a user
 * while the tests run) made it, not the test. */
static bool foreign(const char *dir)
{
	char path[PATH_MAX + 16], line[32];
	bool any = false, ours = false;
	FILE *procs;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	procs = fopen(path, "re");
	if (!procs)
		return false;
	while (!ours && fgets(line, sizeof(line), procs)) {
		any = true;
		ours = descends_from((pid_t)atoi(line), getpid());
	}
	fclose(procs);
	return any && !ours;
}

const char *cgsweep_new(const char *before, const char *now)
{
	static char path[PATH_MAX];
	const char *line, *end;

	for (line = now; *line; line = end + 1) {
		end = strchr(line, '\n');
		snprintf(path, sizeof(path), "%.*s", (int)(end - line), line);
		if (!listed(before, path) && !foreign(path))
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

/* Does LINE of /proc/PID/cgroup, "ID:CONTROLLERS:PATH", put the process
 * at PATH in the hierarchy mounted as ENTRY? cgroup2's line has ID 0 and
 * no controllers; a v1 line names its hierarchy's controllers (or
 * "name=systemd"), each of them an option of its mount. LINE is cut up. */
static bool line_places(char *line, struct mntent *entry, const char *path)
{
	char *names = strchr(line, ':'), *at, *word, *save = NULL;
	bool all = true;

	if (!names || !(at = strchr(names + 1, ':')))
		return false;
	*names++ = '\0';
	*at++ = '\0';
	/* A hierarchy mounted from a group below its root (a container
	 * without a cgroup namespace) shows a longer path: its end counts. */
	if (strlen(at) < strlen(path) ||
	    strcmp(at + strlen(at) - strlen(path), path) != 0)
		return false;
	if (!strcmp(entry->mnt_type, "cgroup2"))
		return !strcmp(line, "0") && !names[0];
	for (word = strtok_r(names, ",", &save); word && all;
	     word = strtok_r(NULL, ",", &save))
		all = hasmntopt(entry, word) != NULL;
	return all && strcmp(line, "0") != 0;
}

/* Is PID in directory DIR of the hierarchy mounted as ENTRY, by
 * /proc/PID/cgroup (paths there are from the hierarchy's root)? */
static bool still_in(pid_t pid, struct mntent *entry, const char *dir)
{
	const char *path = dir + strlen(entry->mnt_dir);
	char file[64], *text, *line, *save = NULL;
	bool found = false;

	snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
	if (file_read_all(AT_FDCWD, file, &text, NULL) < 0)
		return false;
	for (line = strtok_r(text, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save))
		found = line_places(line, entry, path);
	free(text);
	return found;
}

/* SIGKILL PID and wait for it to exit, if it is this run's and, held by
 * a pidfd, still in DIR. Returns true if it was killed. */
static bool kill_member(pid_t pid, struct mntent *entry, const char *dir)
{
	struct pollfd pfd = { .events = POLLIN };
	bool killed = false;
	int ret;

	pfd.fd = sys_pidfd_open(pid, 0);
	if (pfd.fd < 0)
		return false; /* gone already */
	if (descends_from(pid, getpid()) && still_in(pid, entry, dir) &&
	    sys_pidfd_send_signal(pfd.fd, SIGKILL, NULL, 0) == 0) {
		do
			ret = poll(&pfd, 1, SWEEP_WAIT_MS);
		while (ret < 0 && errno == EINTR);
		killed = ret > 0; /* else stuck: give up on this one */
	}
	close(pfd.fd);
	return killed;
}

/* Kill the members of DIR/cgroup.procs (kill_member()). Returns true if
 * any was killed: then read the list again, a new one may have forked. */
static bool kill_members(struct mntent *entry, const char *dir)
{
	char path[PATH_MAX + 16], *text, *line, *save = NULL;
	bool any = false;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (file_read_all(AT_FDCWD, path, &text, NULL) < 0)
		return false;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (parse_pid(line, &pid) == 0 && kill_member(pid, entry, dir))
			any = true;
	free(text);
	return any;
}

/* Is DIR busy only with processes that are still exiting: no group
 * below it, nobody in its cgroup.procs? */
static bool only_exiting(const char *dir)
{
	char path[PATH_MAX + 16], *text, *list = calloc(1, 1);
	size_t len = 0;
	bool empty;

	if (!list)
		abort();
	list_tree(dir, &list, &len); /* just DIR itself, if no group below */
	empty = len == strlen(dir) + 1;
	free(list);
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (!empty || file_read_all(AT_FDCWD, path, &text, NULL) < 0)
		return false;
	empty = text[0] == '\0';
	free(text);
	return empty;
}

/* Empty DIR of the hierarchy mounted as ENTRY, and remove it. A process
 * that has just exited can keep a group busy for a moment after its pidfd
 * turned readable (it is still leaving the CPU): EBUSY with nobody
 * listed and no group below is tried again a millisecond later,
 * SWEEP_WAIT_MS times. Any other EBUSY is a process not of this run (a
 * cgbox in another terminal), or a group below kept for it: not ours to
 * remove, then. */
static void remove_one(struct mntent *entry, const char *dir)
{
	const struct timespec moment = { .tv_nsec = 1000000 };
	int tries, ret = -EBUSY;

	for (tries = 0; tries < SWEEP_WAIT_MS && ret == -EBUSY; tries++) {
		while (kill_members(entry, dir))
			;
		ret = rmdir(dir) < 0 ? -errno : 0;
		if (ret == -EBUSY && !only_exiting(dir))
			return;
		if (ret == -EBUSY)
			nanosleep(&moment, NULL);
	}
	if (ret < 0 && ret != -ENOENT)
		fprintf(stderr, "cgsweep: rmdir %s: %s\n", dir, strerror(-ret));
}

/* Empty and remove the directories of LIST that are in the hierarchy
 * mounted as ENTRY and not in BEFORE, in LIST's order. */
static void remove_in_mount(struct mntent *entry, char *list,
                            const char *before)
{
	size_t mount_len = strlen(entry->mnt_dir);
	char *line, *save = NULL;

	for (line = strtok_r(list, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, entry->mnt_dir, mount_len) != 0 ||
		    line[mount_len] != '/' || listed(before, line))
			continue;
		remove_one(entry, line);
	}
}

void cgsweep_remove_new(const char *before)
{
	FILE *mounts = setmntent("/proc/self/mounts", "re");
	char parent[PATH_MAX], *list;
	struct mntent *entry;
	size_t len;

	cgsweep_thaw_all();
	while (mounts && (entry = getmntent(mounts))) {
		if (!is_cgroup(entry))
			continue;
		list = calloc(1, 1);
		if (!list)
			abort();
		len = 0;
		snprintf(parent, sizeof(parent), "%s/boxlab", entry->mnt_dir);
		list_tree(parent, &list, &len);
		remove_in_mount(entry, list, before);
		free(list);
	}
	if (mounts)
		endmntent(mounts);
}
