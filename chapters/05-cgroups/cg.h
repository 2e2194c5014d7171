/* cg.h - control groups: limits a process cannot escape.
 *
 * A cgroup is a directory in a special file system; the processes listed
 * in its cgroup.procs are in it, and its other files are the controllers'
 * knobs and counters: memory.max, pids.max, cpu.max, memory.events, ...
 * Children of a process start in its cgroup, so a limit set on a
 * container's cgroup holds for everything the container ever starts.
 *
 * Two versions of the interface live side by side on today's machines:
 *	v1  one hierarchy (one mount) per controller, or per group of
 *	    controllers: /sys/fs/cgroup/memory/, /sys/fs/cgroup/pids/, ...
 *	v2  one hierarchy for all: /sys/fs/cgroup/ is cgroup2
 *	hybrid  v1 hierarchies for the controllers, and a cgroup2 beside
 *	    them (often at /sys/fs/cgroup/unified) with few or none
 * This API hides which: detect once, then the same calls work on all
 * three. Every path is built from a root given by the caller, so tests
 * run the same code on fixture trees. See cgroups(7).
 */
#ifndef BOXLAB_CG_H
#define BOXLAB_CG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Every cgroup the lab makes lives in a parent of this name. */
#define CG_PARENT "boxlab"

enum cg_layout {
	CG_LAYOUT_NONE,   /* no cgroup file system mounted */
	CG_LAYOUT_V1,     /* v1 hierarchies only */
	CG_LAYOUT_V2,     /* cgroup2 only (named v1 hierarchies aside) */
	CG_LAYOUT_HYBRID, /* v1 controller hierarchies and a cgroup2 */
};

/* The controllers the lab uses. In v1, CPU usage is counted by cpuacct,
 * often a hierarchy of its own; in v2, "cpu" does both. The v1 freezer
 * pauses a group (cg_freeze()); v2 has no such controller, because every
 * cgroup2 group has cgroup.freeze, so CG_FREEZER is only ever found in v1. */
enum cg_controller {
	CG_MEMORY,
	CG_PIDS,
	CG_CPU,
	CG_CPUACCT,
	CG_FREEZER,
	CG_CONTROLLERS
};

/* The names the kernel gives them, indexed by enum cg_controller. */
extern const char *const cg_controller_names[CG_CONTROLLERS];

/* What a machine offers. */
struct cg_system {
	enum cg_layout layout;
	char v2_mount[PATH_MAX];              /* cgroup2 mount, or "" */
	char mount[CG_CONTROLLERS][PATH_MAX]; /* the hierarchy with each
						   controller, or "" */
	bool v2[CG_CONTROLLERS];              /* that hierarchy is v2 */
};

/* One cgroup: its directory in each controller's hierarchy. Several
 * entries name the same directory in v2 (and for v1's "cpu,cpuacct"). */
struct cg {
	char dir[CG_CONTROLLERS][PATH_MAX]; /* "" if the controller is missing */
	bool v2[CG_CONTROLLERS];            /* the directory is in cgroup2 */
};

/* What a cgroup has used and suffered. */
struct cg_stats {
	uint64_t memory_current; /* bytes in use now */
	uint64_t memory_peak;    /* the most ever in use (0: not known) */
	uint64_t oom_kills;      /* processes the OOM killer took */
	uint64_t pids_current;   /* processes now */
	uint64_t pids_refused;   /* forks refused by pids.max */
	uint64_t cpu_usage_usec; /* CPU time used, microseconds */
};

/* Find the cgroup hierarchies in MOUNTS, a file in the format of
 * /proc/self/mounts (read with getmntent(3)), whose mount points are
 * taken relative to ROOT ("" for this machine, a fixture directory in the
 * tests). A v1 hierarchy's controllers are in its mount options
 * ("rw,relatime,cpu,cpuacct"); the controllers of a cgroup2 mount are
 * listed in its cgroup.controllers file. A controller found in a v1
 * hierarchy is used there, else in cgroup2 if it is listed. Fills
 * *ret_system; returns 0, or -errno if MOUNTS cannot be read. */
int cg_detect(const char *mounts, const char *root,
              struct cg_system *ret_system);

/* Create CG_PARENT/NAME in every hierarchy that has one of the lab's
 * controllers (once per distinct hierarchy), and fill *ret_cg. In cgroup2,
 * first enable the controllers for the children of the root and of
 * CG_PARENT ("+memory +pids +cpu" into cgroup.subtree_control): a v2
 * controller works in a group only when its parent hands it down.
 * On failure, the NAME directories already made are removed again (and
 * CG_PARENT where that leaves it empty): all or nothing.
 * Returns 0, -EEXIST if the group exists, -ENOENT if no hierarchy has any
 * of the controllers, or -errno. See mkdir(2), cgroups(7) "Cgroups v2
 * subtree control". */
int cg_create(const struct cg_system *system, const char *name,
              struct cg *ret_cg);

/* Move process PID into CG: write it to cgroup.procs of each distinct
 * directory. Returns 0 or -errno. */
int cg_attach(const struct cg *cg, pid_t pid);

/* Limit CG's memory to BYTES, swap included: v2 memory.max (and
 * memory.swap.max 0 where it exists); v1 memory.limit_in_bytes (and
 * memory.memsw.limit_in_bytes, the sum of memory and swap, where it
 * exists). Returns 0, -ENOENT if CG has no memory controller, or -errno. */
int cg_set_memory(const struct cg *cg, uint64_t bytes);

/* Limit CG to MAX processes (pids.max, both versions). Returns 0, -ENOENT
 * if CG has no pids controller, or -errno. */
int cg_set_pids(const struct cg *cg, uint64_t max);

/* Let CG use QUOTA_USEC of CPU time every PERIOD_USEC (0.5 CPU: 50000 of
 * 100000), and a relative WEIGHT from 1 to 10000 (100 is normal; 0 leaves
 * it alone): v2 cpu.max "QUOTA PERIOD" and cpu.weight; v1
 * cpu.cfs_period_us, cpu.cfs_quota_us and cpu.shares (weight * 1024 /
 * 100). QUOTA_USEC 0 means no quota. Returns 0, -EINVAL for a weight out
 * of range, -ENOENT if CG has no cpu controller, or -errno. */
int cg_set_cpu(const struct cg *cg, uint64_t quota_usec, uint64_t period_usec,
               unsigned int weight);

/* Read CG's counters into *ret_stats. v2: memory.current, memory.peak,
 * memory.events (oom_kill), pids.current, pids.events (max), cpu.stat
 * (usage_usec). v1: memory.usage_in_bytes, memory.max_usage_in_bytes,
 * memory.oom_control (oom_kill), pids.current, pids.events (max),
 * cpuacct.usage (nanoseconds). A counter whose file is missing reads 0.
 * Returns 0 or -errno. */
int cg_read_stats(const struct cg *cg, struct cg_stats *ret_stats);

/* Kill every process in CG, wait until each has exited, and remove its
 * directories, then CG_PARENT where it is left empty. A cgroup with
 * processes in it cannot be removed (EBUSY); exited but unreaped ones
 * (zombies) do not count. Where cgroup2 has cgroup.kill (Linux 5.14) the
 * kernel kills the group; else each PID listed in cgroup.procs is killed
 * through a pidfd, and only after /proc/PID/cgroup shows that the process
 * the pidfd holds is still in CG (a PID read from a list may have been
 * reused). A v1 freezer group is thawed first: a frozen v1 process does
 * not die of SIGKILL until it thaws. Returns 0, -ETIMEDOUT if a process
 * has not exited after a few seconds, or -errno. */
int cg_destroy(struct cg *cg);

/* Find the existing group CG_PARENT/NAME, as cg_create() would have
 * made it, and fill *ret_cg. Returns 0, -ENOENT if no hierarchy has it,
 * or -errno. */
int cg_open(const struct cg_system *system, const char *name,
            struct cg *ret_cg);

/* Kill every process in CG at once, and wait until the group is empty.
 * cgroup2 (Linux 5.14) does it in one write of "1" to cgroup.kill, and
 * the group's cgroup.events says "populated 0" when the last one is gone.
 * In v1, the freezer makes it just as safe: freeze the group, SIGKILL
 * each PID in its cgroup.procs (a frozen process neither forks nor exits,
 * so no PID is new or reused), thaw it, and wait until cgroup.procs is
 * empty. Returns 0, -EOPNOTSUPP if CG has neither cgroup.kill nor a v1
 * freezer, -ETIMEDOUT after a few seconds, or -errno. See cgroups(7),
 * the kernel's cgroup-v2.rst ("cgroup.kill") and cgroup-v1/freezer-
 * subsystem.rst. */
int cg_kill_all(const struct cg *cg);

/* Freeze CG (FROZEN true: its processes stop where they are, and stay
 * stopped whatever signal they get, like docker pause) or thaw it, and
 * wait until the kernel reports it done. v2: "1" or "0" to cgroup.freeze
 * in CG's cgroup2 directory, then "frozen 1" or "frozen 0" in
 * cgroup.events, which poll(2) reports changed with POLLPRI. v1: "FROZEN"
 * or "THAWED" to freezer.state in CG's freezer directory, then read back
 * until it says so (it says "FREEZING" meanwhile). Returns 0, -EOPNOTSUPP
 * if CG has no freezer, -ETIMEDOUT after a few seconds, or -errno. */
int cg_freeze(const struct cg *cg, bool frozen);

/* Is process PID in CG's directory for controller C now? PROC is where
 * proc(5) is mounted ("/proc"; a fixture in the tests). PROC/PID/cgroup
 * has a line per hierarchy: "0::/boxlab/NAME" for cgroup2, and
 * "4:memory:/boxlab/NAME" (or "3:cpu,cpuacct:...") for v1. The path
 * ends with the group's, "/boxlab/NAME" (it is longer when the hierarchy
 * is mounted from a group below its root), so "/boxlab/NAME2" or "/" are
 * elsewhere. Returns 1 if it is, 0 if not (or PID is gone), -EINVAL
 * if CG's directory is not a group of the lab, or -errno. */
int cg_contains(const struct cg *cg, int c, const char *proc, pid_t pid);

/* Is CG's directory for controller C the same as one before it (v2, or
 * v1's "cpu,cpuacct")? Then per-directory work was done already. */
bool cg_dir_repeats(const struct cg *cg, int c);

/* Parse a size: "4096", "64K", "64M", "1G" (powers of 1024, an optional
 * trailing "B" or "iB"). Returns 0, -EINVAL if TEXT is not a size, or
 * -ERANGE if it does not fit. */
int cg_parse_size(const char *text, uint64_t *ret_bytes);

#endif
