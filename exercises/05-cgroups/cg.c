/* cg.c - cgroups v1, v2 and hybrid behind one interface. See cg.h. */
#include "cg.h"
#include "knob.h"

#include "exercise.h"
#include "file.h"
#include "parse.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *const cg_controller_names[CG_CONTROLLERS] = {
	[CG_MEMORY] = "memory",   [CG_PIDS] = "pids",       [CG_CPU] = "cpu",
	[CG_CPUACCT] = "cpuacct", [CG_FREEZER] = "freezer",
};

/* How long teardown waits for one process to exit, or a freezer to
 * settle, before it gives up with -ETIMEDOUT: a process stuck in the
 * kernel (state D) must not hang cgbox forever. */
#define CG_WAIT_MS 5000

/* --- detection ----------------------------------------------------------- */

/* EXERCISE 5.1: your own helper functions can go here. */

int cg_detect(const char *mounts, const char *root,
              struct cg_system *ret_system)
{
	/* EXERCISE 5.1: Which layout is this? (20 points)
	 *
	 * Read MOUNTS with setmntent(3)/getmntent(3). Type "cgroup2": note
	 * the mount point (ROOT in front). Type "cgroup": a v1 hierarchy;
	 * hasmntopt(3) tells which controllers it has. v1 hierarchies
	 * claim their controllers first, then cgroup2 whatever its
	 * cgroup.controllers lists. The layout: v1 controllers and a
	 * cgroup2 is hybrid; only one kind is v1 or v2; neither is none.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("5.1", mounts, root, ret_system);
}

/* --- creating, joining, limiting ----------------------------------------- */

/* EXERCISE 5.2: your own helper functions can go here. */

int cg_create(const struct cg_system *system, const char *name,
              struct cg *ret_cg)
{
	/* EXERCISE 5.2: Create a cgroup (15 points)
	 *
	 * For each controller the system has, the group's directory is
	 * MOUNT/CG_PARENT/NAME. Create CG_PARENT (it may exist), enable the
	 * v2 controllers (see the contract), then create NAME, once per
	 * distinct directory (cg_dir_repeats() helps). If a later
	 * hierarchy fails, remove what the earlier ones made.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("5.2", system, name, ret_cg);
}

int cg_attach(const struct cg *cg, pid_t pid)
{
	/* EXERCISE 5.3: Put a process in the group (10 points)
	 *
	 * Write the PID, as text, to cgroup.procs in each distinct
	 * directory of CG (knob_write_number() in knob.h helps). The process's threads
	 * move with it.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("5.3", cg, pid);
}

int cg_set_memory(const struct cg *cg, uint64_t bytes)
{
	/* EXERCISE 5.4: Limit memory (15 points)
	 *
	 * The same limit under the two versions' names; swap too, or the
	 * kernel would push the excess to swap instead of stopping it.
	 * knob_exists() (knob.h) says whether the swap knob is there.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("5.4", cg, bytes);
}

int cg_set_pids(const struct cg *cg, uint64_t max)
{
	if (!cg->dir[CG_PIDS][0])
		return -ENOENT;
	return knob_write_number(cg->dir[CG_PIDS], "pids.max", max);
}

int cg_set_cpu(const struct cg *cg, uint64_t quota_usec, uint64_t period_usec,
               unsigned int weight)
{
	/* EXERCISE 5.5: Limit CPU time and weight (15 points)
	 *
	 * v2 has one file for the quota: cpu.max holds "QUOTA PERIOD", or
	 * "max PERIOD" for no quota. v1 has two, cpu.cfs_period_us and
	 * cpu.cfs_quota_us (-1 for no quota). The weight is the seed's
	 * "CPU priority": cpu.weight (1-10000, 100 normal) in v2,
	 * cpu.shares (1024 normal) in v1.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("5.5", cg, quota_usec, period_usec, weight);
}

int cg_read_stats(const struct cg *cg, struct cg_stats *ret_stats)
{
	/* EXERCISE 5.6: Read the counters (15 points)
	 *
	 * knob_read_number() for single values, knob_read_keyed() for
	 * "key value" files (knob.h); the file names are in the contract. v1's cpuacct.usage
	 * counts nanoseconds. Skip a controller whose directory is "".
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("5.6", cg, ret_stats);
}

/* --- membership ----------------------------------------------------------- */

/* The part of DIR below its hierarchy's mount point, "/boxlab/NAME", as
 * /proc/PID/cgroup shows it; NULL if DIR is not a group of the lab. */
static const char *path_in_hierarchy(const char *dir)
{
	const char *name = strrchr(dir, '/'), *parent;

	if (!name || name == dir)
		return NULL;
	for (parent = name - 1; parent > dir && *parent != '/'; parent--)
		;
	if (*parent != '/' ||
	    strncmp(parent + 1, CG_PARENT "/", sizeof(CG_PARENT)) != 0)
		return NULL;
	return parent;
}

/* Does LINE of /proc/PID/cgroup, "ID:CONTROLLERS:WHERE", put the process
 * at PATH in the hierarchy of controller C? The cgroup2 line is
 * "0::WHERE"; a v1 line lists its hierarchy's controllers ("cpu,cpuacct").
 * WHERE is PATH, or ends with it when the hierarchy is mounted from a
 * group below its root (a container without a cgroup namespace sees
 * "/docker/ID/boxlab/NAME"). LINE is cut up. */
static bool line_places(char *line, int c, bool v2, const char *path)
{
	char *controllers = strchr(line, ':'), *at, *word, *save = NULL;
	size_t at_len, path_len = strlen(path);
	bool found = false;

	if (!controllers || !(at = strchr(controllers + 1, ':')))
		return false;
	*controllers++ = '\0';
	*at++ = '\0';
	at_len = strlen(at);
	if (at_len < path_len || strcmp(at + at_len - path_len, path) != 0)
		return false;
	if (v2)
		return strcmp(line, "0") == 0 && !controllers[0];
	for (word = strtok_r(controllers, ",", &save); word && !found;
	     word = strtok_r(NULL, ",", &save))
		found = strcmp(word, cg_controller_names[c]) == 0;
	return found;
}

int cg_contains(const struct cg *cg, int c, const char *proc, pid_t pid)
{
	const char *path = path_in_hierarchy(cg->dir[c]);
	char file[PATH_MAX], *text, *line, *save = NULL;
	int ret, found = 0;

	if (!path)
		return -EINVAL;
	snprintf(file, sizeof(file), "%s/%d/cgroup", proc, (int)pid);
	ret = file_read_all(AT_FDCWD, file, &text, NULL);
	if (ret == -ENOENT || ret == -ESRCH)
		return 0; /* gone: in no group at all */
	if (ret < 0)
		return ret;
	for (line = strtok_r(text, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save))
		found = line_places(line, c, cg->v2[c], path);
	free(text);
	return found;
}

/* --- tearing down ---------------------------------------------------------- */

/* EXERCISE 5.7: your own helper functions can go here. */

int cg_destroy(struct cg *cg)
{
	/* EXERCISE 5.7: Tear it down (10 points)
	 *
	 * Processes can fork while you kill (a fork bomb does nothing
	 * else): kill what cgroup.procs lists, and read it again, until a
	 * round finds nobody. rmdir fails (EBUSY) until every process has
	 * exited, so wait for each: sys_pidfd_open() it, check with
	 * cg_contains() that the process the pidfd holds is still in the
	 * group (its PID may have been reused), send SIGKILL with
	 * sys_pidfd_send_signal(), and poll() the pidfd, which becomes
	 * readable when the process has exited; give poll() a timeout
	 * (CG_WAIT_MS), and return -ETIMEDOUT when it runs out. Where
	 * cgroup2 has cgroup.kill, write "1" to it first; thaw a v1
	 * freezer.state first ("THAWED"). Then rmdir each distinct
	 * directory, and CG_PARENT if it is left empty (another group may
	 * still be in it: ENOTEMPTY or EBUSY is fine there).
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("5.7", cg);
}

int cg_open(const struct cg_system *system, const char *name, struct cg *ret_cg)
{
	struct cg cg = { 0 };
	bool any = false;
	struct stat st;
	int c;

	/* NAME comes from a command line: "../x" must not leave boxlab/. */
	if (!name[0] || name[0] == '.' || strchr(name, '/'))
		return -EINVAL;
	for (c = 0; c < CG_CONTROLLERS; c++) {
		if (!system->mount[c][0])
			continue;
		snprintf(cg.dir[c], PATH_MAX, "%s/%s/%s", system->mount[c],
		         CG_PARENT, name);
		cg.v2[c] = system->v2[c];
		if (stat(cg.dir[c], &st) == 0 && S_ISDIR(st.st_mode))
			any = true;
		else
			cg.dir[c][0] = '\0';
	}
	if (!any)
		return -ENOENT;
	*ret_cg = cg;
	return 0;
}

/* --- the whole group at once (challenge) ----------------------------------- */

/* EXERCISE 5.8: your own helper functions can go here. */

/* EXERCISE 5.8: Kill or pause a whole group (challenge, 10 points)
 *
 * cg_freeze(): the kernel's freezer for CG is cgroup.freeze in its
 * cgroup2 directory, where it has one (write "1" or "0", then wait for
 * "frozen 1" or "frozen 0" in cgroup.events: poll() its fd for POLLPRI,
 * with a timeout), else freezer.state in its v1 freezer directory
 * (write "FROZEN" or "THAWED", read it back until it says so). Neither:
 * -EOPNOTSUPP.
 *
 * cg_kill_all(): write "1" to cgroup.kill where it exists, then wait for
 * "populated 0". Else freeze, SIGKILL each PID in cgroup.procs through
 * a pidfd, thaw, and wait on a pidfd of each until it has exited. The
 * group's owner may remove it as soon as it is empty: a read that fails
 * with ENODEV or ENOENT then means the wait is over.
 *
 * Replace the stub below with your code.
 */
int cg_freeze(const struct cg *cg, bool frozen)
{
	return exercise_todo("5.8", cg, frozen);
}
int cg_kill_all(const struct cg *cg)
{
	return exercise_todo("5.8", cg);
}

int cg_parse_size(const char *text, uint64_t *ret_bytes)
{
	static const char units[] = "KMGT";
	unsigned long long value;
	const char *unit;
	char *end;
	int shift = 0;

	if (!text || *text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end && (unit = strchr(units, *end)) != NULL) {
		shift = 10 * (int)(unit - units + 1);
		end++;
		if (*end == 'i')
			end++;
	}
	if (*end == 'B')
		end++;
	if (*end != '\0')
		return -EINVAL;
	if (shift && value > (UINT64_MAX >> shift))
		return -ERANGE;
	*ret_bytes = (uint64_t)value << shift;
	return 0;
}

bool cg_dir_repeats(const struct cg *cg, int c)
{
	int i;

	for (i = 0; i < c; i++)
		if (strcmp(cg->dir[i], cg->dir[c]) == 0)
			return true;
	return false;
}
