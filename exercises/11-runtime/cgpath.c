/* cgpath.c - a container's cgroup at its cgroupsPath. See cgpath.h. */
#include "cgpath.h"

#include "file.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_HIERARCHIES 16

int cgpath_resolve(const char *cgroups_path, const char *id, char *buf,
                   size_t size, struct spec_error *err)
{
	const char *p;
	size_t len;

	if (!cgroups_path) {
		snprintf(buf, size, "/%s/boxrun-%s", CG_PARENT, id);
		return 0;
	}
	for (p = cgroups_path; *p == '/'; p++)
		;
	if (!*p)
		goto bad;
	/* Each component: not empty, not "." or "..". */
	for (; *p; p += len + (p[len] == '/')) {
		len = strcspn(p, "/");
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && !strncmp(p, "..", 2)))
			goto bad;
	}
	if ((size_t)snprintf(buf, size, "%s%s",
	                     cgroups_path[0] == '/' ? "" : "/",
	                     cgroups_path) >= size)
		goto bad;
	return 0;
bad:
	snprintf(err->text, sizeof(err->text),
	         "linux.cgroupsPath \"%s\": expected a path below the "
	         "cgroup root, without . or ..",
	         cgroups_path);
	return -EINVAL;
}

/* The mount points of every cgroup hierarchy, and whether each is v2. */
struct hierarchies {
	size_t n;
	char mount[MAX_HIERARCHIES][PATH_MAX];
	bool v2[MAX_HIERARCHIES];
	bool cpuset[MAX_HIERARCHIES], blkio[MAX_HIERARCHIES];
};

/* Does cgroup2 at MOUNT offer CONTROLLER (its cgroup.controllers)? */
static bool v2_offers(const char *mount, const char *controller)
{
	char path[PATH_MAX + 32], text[512] = "", *word, *save = NULL;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", mount);
	if (file_read_buf(AT_FDCWD, path, text, sizeof(text)) < 0)
		return false;
	for (word = strtok_r(text, " \n", &save); word;
	     word = strtok_r(NULL, " \n", &save))
		if (!strcmp(word, controller))
			return true;
	return false;
}

static int find_hierarchies(struct hierarchies *ret)
{
	FILE *mounts = setmntent("/proc/self/mounts", "re");
	struct mntent *m;

	ret->n = 0;
	if (!mounts)
		return -errno;
	while ((m = getmntent(mounts)) && ret->n < MAX_HIERARCHIES) {
		bool v2 = !strcmp(m->mnt_type, "cgroup2");

		if (!v2 && strcmp(m->mnt_type, "cgroup"))
			continue;
		snprintf(ret->mount[ret->n], PATH_MAX, "%s", m->mnt_dir);
		ret->v2[ret->n] = v2;
		ret->cpuset[ret->n] = v2 ? v2_offers(m->mnt_dir, "cpuset")
		                         : hasmntopt(m, "cpuset") != NULL;
		ret->blkio[ret->n] = v2 ? v2_offers(m->mnt_dir, "io")
		                        : hasmntopt(m, "blkio") != NULL;
		ret->n++;
	}
	endmntent(mounts);
	return 0;
}

/* PATH's directories in SYSTEM's hierarchies that exist, as a struct cg:
 * 0 or -ENOENT. */
static int open_in(const struct cg_system *system, const char *path,
                   struct cg *ret)
{
	struct cg cg = { 0 };
	bool any = false;
	struct stat st;
	int c;

	for (c = 0; c < CG_CONTROLLERS; c++) {
		if (!system->mount[c][0])
			continue;
		snprintf(cg.dir[c], PATH_MAX, "%s%s", system->mount[c], path);
		cg.v2[c] = system->v2[c];
		if (stat(cg.dir[c], &st) == 0 && S_ISDIR(st.st_mode))
			any = true;
		else
			cg.dir[c][0] = '\0';
	}
	if (!any)
		return -ENOENT;
	*ret = cg;
	return 0;
}

int cgpath_open(const char *path, struct cg *ret)
{
	struct cg_system system;
	int err = cg_detect("/proc/self/mounts", "", &system);

	return err < 0 ? err : open_in(&system, path, ret);
}

/* --- making it ------------------------------------------------------------ */

/* Write TEXT to DIR/FILE; ERR names the resource WHAT on failure. */
static int knob(const char *dir, const char *file, const char *text,
                const char *what, struct spec_error *err)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (file_write_string(AT_FDCWD, path, text) == 0)
		return 0;
	snprintf(err->text, sizeof(err->text), "%s: write %.160s: %s", what,
	         path, strerror(errno));
	return -errno;
}

/* In cgroup2 at MOUNT, hand the controllers it has down every group on
 * the way to PATH's parent: "+memory" ... into each cgroup.subtree_control.
 * A controller that cannot be handed down (the kernel refuses it while
 * the group has processes of its own) is left. */
static void hand_down(const char *mount, const char *path)
{
	static const char *const controllers[] = { "memory", "pids", "cpu",
		                                   "cpuset", "io",   NULL };
	char dir[PATH_MAX * 2], file[PATH_MAX * 2 + 32], word[16];
	const char *const *c, *slash;

	snprintf(dir, sizeof(dir), "%s", mount);
	for (slash = path; slash; slash = strchr(slash + 1, '/')) {
		snprintf(dir, sizeof(dir), "%s%.*s", mount, (int)(slash - path),
		         path);
		snprintf(file, sizeof(file), "%s/cgroup.subtree_control", dir);
		for (c = controllers; *c; c++)
			if (v2_offers(dir, *c)) {
				snprintf(word, sizeof(word), "+%s", *c);
				file_write_string(AT_FDCWD, file, word);
			}
	}
}

/* mkdir -p MOUNT/PATH; the first directory it made (to undo it) goes in
 * MADE, "" if it made none. A v1 cpuset group starts with no CPUs and no
 * memory nodes, where no process may join: each new one copies its
 * parent's. */
static int make_dirs(const char *mount, const char *path, bool v1_cpuset,
                     char *made, size_t size)
{
	char dir[PATH_MAX * 2], parent[PATH_MAX * 2], text[256];
	static const char *const copied[] = { "cpuset.cpus", "cpuset.mems",
		                              NULL };
	const char *slash = path, *const * f;
	char file[PATH_MAX * 2 + 32];

	made[0] = '\0';
	while (slash) {
		slash = strchr(slash + 1, '/');
		snprintf(dir, sizeof(dir), "%s%.*s", mount,
		         slash ? (int)(slash - path) : (int)strlen(path), path);
		if (mkdir(dir, 0755) < 0) {
			if (errno == EEXIST)
				continue;
			return -errno;
		}
		if (!made[0])
			snprintf(made, size, "%s", dir);
		if (!v1_cpuset)
			continue;
		snprintf(parent, sizeof(parent), "%s", dir);
		*strrchr(parent, '/') = '\0';
		for (f = copied; *f; f++) {
			snprintf(file, sizeof(file), "%s/%s", parent, *f);
			if (file_read_buf(AT_FDCWD, file, text, sizeof(text)) <
			    0)
				return -errno;
			snprintf(file, sizeof(file), "%s/%s", dir, *f);
			if (file_write_string(AT_FDCWD, file, text) < 0)
				return -errno;
		}
	}
	return 0;
}

/* Remove MOUNT/PATH and its parents up to and including MADE. */
static void unmake_dirs(const char *mount, const char *path, const char *made)
{
	char dir[PATH_MAX * 2], *slash;

	snprintf(dir, sizeof(dir), "%s%s", mount, path);
	while (made[0] && strlen(dir) >= strlen(made)) {
		rmdir(dir);
		if (!(slash = strrchr(dir, '/')))
			break;
		*slash = '\0';
	}
}

/* cpu.shares (v1, 2 to 262144) as cgroup2's cpu.weight (1 to 10000), the
 * conversion runc and crun use. */
static unsigned long long shares_to_weight(uint64_t shares)
{
	return 1 + ((shares - 2) * 9999) / 262142;
}

/* The resources chapter 05 has no call for. */
static int extra_resources(const struct cg *cg, const struct spec *spec,
                           struct spec_error *err)
{
	const char *cpu = cg->dir[CG_CPU], *mem = cg->dir[CG_MEMORY];
	char text[64];
	int ret = 0;

	if (spec->resources.cpu_shares && cpu[0]) {
		if (cg->v2[CG_CPU])
			snprintf(text, sizeof(text), "%llu",
			         shares_to_weight(spec->resources.cpu_shares));
		else
			snprintf(
			        text, sizeof(text), "%llu",
			        (unsigned long long)spec->resources.cpu_shares);
		ret = knob(cpu, cg->v2[CG_CPU] ? "cpu.weight" : "cpu.shares",
		           text, "linux.resources.cpu.shares", err);
	}
	if (ret == 0 && spec->resources.memory_reservation >= 0 && mem[0]) {
		snprintf(text, sizeof(text), "%lld",
		         (long long)spec->resources.memory_reservation);
		ret = knob(mem,
		           cg->v2[CG_MEMORY] ? "memory.low"
		                             : "memory.soft_limit_in_bytes",
		           text, "linux.resources.memory.reservation", err);
	}
	if (ret == 0 && spec->resources.memory_swap > 0 && mem[0]) {
		int64_t swap = spec->resources.memory_swap;

		/* v1 counts memory and swap together; v2 swap alone. */
		if (cg->v2[CG_MEMORY] && spec->resources.memory_limit > 0)
			swap -= spec->resources.memory_limit;
		snprintf(text, sizeof(text), "%lld",
		         (long long)(swap > 0 ? swap : 0));
		ret = knob(mem,
		           cg->v2[CG_MEMORY] ? "memory.swap.max"
		                             : "memory.memsw.limit_in_bytes",
		           text, "linux.resources.memory.swap", err);
		if (ret == -ENOENT)
			ret = 0; /* no swap accounting in this kernel */
	}
	return ret;
}

/* cpuset and blkio, in hierarchy H at DIR. */
static int hierarchy_resources(const struct hierarchies *h, size_t i,
                               const char *dir, const struct spec *spec,
                               struct spec_error *err)
{
	char text[64];
	int ret = 0;

	if (h->cpuset[i] && spec->resources.cpuset_cpus)
		ret = knob(dir, "cpuset.cpus", spec->resources.cpuset_cpus,
		           "linux.resources.cpu.cpus", err);
	if (ret == 0 && h->cpuset[i] && spec->resources.cpuset_mems)
		ret = knob(dir, "cpuset.mems", spec->resources.cpuset_mems,
		           "linux.resources.cpu.mems", err);
	if (ret == 0 && h->blkio[i] && spec->resources.blkio_weight) {
		/* blkio.weight exists only with a proportional I/O
		 * scheduler (BFQ); without one there is nothing to set. */
		if (h->v2[i])
			snprintf(
			        text, sizeof(text), "default %llu",
			        1 + (unsigned long long)(spec->resources
			                                         .blkio_weight -
			                                 10) *
			                        9999 / 990);
		else
			snprintf(text, sizeof(text), "%llu",
			         (unsigned long long)
			                 spec->resources.blkio_weight);
		ret = knob(dir, h->v2[i] ? "io.weight" : "blkio.weight", text,
		           "linux.resources.blockIO.weight", err);
		if (ret == -ENOENT)
			ret = 0;
	}
	return ret;
}

/* Is hierarchy I of H one boxrun makes the group in? Those of chapter
 * 05's controllers, and cpuset and blkio when the spec sets them. */
static bool wanted(const struct hierarchies *h, size_t i,
                   const struct cg_system *system, const struct spec *spec)
{
	int c;

	for (c = 0; c < CG_CONTROLLERS; c++)
		if (!strcmp(system->mount[c], h->mount[i]))
			return true;
	if (h->cpuset[i] &&
	    (spec->resources.cpuset_cpus || spec->resources.cpuset_mems))
		return true;
	return h->blkio[i] && spec->resources.blkio_weight;
}

static int attach_dir(const char *dir, pid_t pid)
{
	char path[PATH_MAX * 2 + 32], text[16];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(text, sizeof(text), "%d", (int)pid);
	return file_write_string(AT_FDCWD, path, text) < 0 ? -errno : 0;
}

int cgpath_create(const char *path, const struct spec *spec, pid_t child,
                  struct spec_error *err)
{
	char made[MAX_HIERARCHIES][PATH_MAX * 2], dir[PATH_MAX * 2];
	struct hierarchies h;
	struct cg_system system;
	struct cg cg;
	size_t i;
	int ret;

	ret = find_hierarchies(&h);
	if (ret == 0)
		ret = cg_detect("/proc/self/mounts", "", &system);
	for (i = 0; i < h.n; i++)
		made[i][0] = '\0';
	for (i = 0; ret == 0 && i < h.n; i++) {
		if (!wanted(&h, i, &system, spec))
			continue;
		ret = make_dirs(h.mount[i], path, h.cpuset[i] && !h.v2[i],
		                made[i], sizeof(made[i]));
		if (ret == 0 && h.v2[i])
			hand_down(h.mount[i], path);
		if (ret < 0)
			snprintf(err->text, sizeof(err->text),
			         "linux.cgroupsPath: mkdir %.80s%.80s: %s",
			         h.mount[i], path, strerror(-ret));
		snprintf(dir, sizeof(dir), "%s%s", h.mount[i], path);
		if (ret == 0)
			ret = hierarchy_resources(&h, i, dir, spec, err);
	}
	if (ret == 0)
		ret = open_in(&system, path, &cg); /* the mounts read once */
	if (ret == 0 && spec->resources.memory_limit >= 0) {
		ret = cg_set_memory(&cg,
		                    (uint64_t)spec->resources.memory_limit);
		if (ret < 0)
			snprintf(err->text, sizeof(err->text),
			         "linux.resources.memory.limit: %s",
			         strerror(-ret));
	}
	if (ret == 0 && spec->resources.pids_limit > 0 &&
	    (ret = cg_set_pids(&cg, (uint64_t)spec->resources.pids_limit)) < 0)
		snprintf(err->text, sizeof(err->text),
		         "linux.resources.pids.limit: %s", strerror(-ret));
	if (ret == 0 &&
	    (spec->resources.cpu_quota > 0 || spec->resources.cpu_period)) {
		ret = cg_set_cpu(&cg,
		                 spec->resources.cpu_quota > 0
		                         ? (uint64_t)spec->resources.cpu_quota
		                         : 0,
		                 spec->resources.cpu_period
		                         ? spec->resources.cpu_period
		                         : 100000,
		                 0);
		if (ret < 0)
			snprintf(err->text, sizeof(err->text),
			         "linux.resources.cpu.quota: %s",
			         strerror(-ret));
	}
	if (ret == 0)
		ret = extra_resources(&cg, spec, err);
	/* Last, the child joins every group made for it. */
	for (i = 0; ret == 0 && i < h.n; i++) {
		if (!wanted(&h, i, &system, spec))
			continue;
		snprintf(dir, sizeof(dir), "%s%s", h.mount[i], path);
		ret = attach_dir(dir, child);
		if (ret < 0)
			snprintf(err->text, sizeof(err->text),
			         "linux.cgroupsPath: join %.160s: %s", dir,
			         strerror(-ret));
	}
	if (ret < 0)
		for (i = 0; i < h.n; i++)
			unmake_dirs(h.mount[i], path, made[i]);
	return ret;
}

/* --- signalling and removing --------------------------------------------- */

/* The PIDs in DIR/cgroup.procs, each signalled with SIG through a
 * pidfd. Returns how many were listed, or -errno. */
static int signal_listed(const char *dir, int sig)
{
	char path[PATH_MAX + 32], *text, *line, *save = NULL;
	int ret, n = 0, pidfd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	ret = file_read_all(AT_FDCWD, path, &text, NULL);
	if (ret < 0)
		return ret;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		n++;
		pidfd = sys_pidfd_open((pid_t)atoi(line), 0);
		if (pidfd < 0)
			continue; /* it has exited meanwhile */
		sys_pidfd_send_signal(pidfd, sig, NULL, 0);
		close(pidfd);
	}
	free(text);
	return n;
}

/* A directory of CG, any one: every process of the group is in each. */
static const char *any_dir(const struct cg *cg)
{
	int c;

	for (c = 0; c < CG_CONTROLLERS; c++)
		if (cg->dir[c][0])
			return cg->dir[c];
	return NULL;
}

int cgpath_signal_all(const char *path, int sig)
{
	struct cg cg;
	int ret;

	ret = cgpath_open(path, &cg);
	if (ret == 0)
		ret = signal_listed(any_dir(&cg), sig);
	return ret < 0 ? ret : 0;
}

int cgpath_remove(const char *path)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	struct hierarchies h;
	char dir[PATH_MAX * 2];
	bool ours = !strncmp(path, "/" CG_PARENT "/", sizeof(CG_PARENT) + 1);
	struct cg cg;
	size_t i;
	int ret, tries;

	if (cgpath_open(path, &cg) < 0)
		return 0;
	/* Whatever is left: at once where the kernel can, else by hand,
	 * until the group is empty (a few seconds at most). */
	if (cg_kill_all(&cg) < 0)
		for (tries = 0;
		     tries < 300 && signal_listed(any_dir(&cg), SIGKILL) > 0;
		     tries++)
			nanosleep(&pause, NULL);
	ret = find_hierarchies(&h);
	for (i = 0; ret == 0 && i < h.n; i++) {
		snprintf(dir, sizeof(dir), "%s%s", h.mount[i], path);
		for (tries = 0; rmdir(dir) < 0 && errno == EBUSY && tries < 300;
		     tries++)
			nanosleep(&pause, NULL); /* exiting, not yet gone */
		if (access(dir, F_OK) == 0)
			ret = -EBUSY;
		snprintf(dir, sizeof(dir), "%s/%s", h.mount[i], CG_PARENT);
		if (ours)
			rmdir(dir); /* fails while another group is in it */
	}
	return ret;
}
