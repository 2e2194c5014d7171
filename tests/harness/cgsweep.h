/* cgsweep.h - find and remove the cgroups tests leave behind. */
#ifndef BOXLAB_CGSWEEP_H
#define BOXLAB_CGSWEEP_H

#include <sys/types.h>

/* PID's parent, from the PPid line of /proc/PID/status (not the lab's own
 * parser: this must work while a student's chapter 01 is a stub), or -1
 * if PID is gone. Tests use it too, as an independent oracle. */
pid_t cgsweep_parent_of(pid_t pid);

/* The directory MOUNT/boxlab at the root of every cgroup hierarchy and
 * every directory under it, at any depth, one per line, children before
 * their parents. free() it. */
char *cgsweep_list(void);

/* The first line of NOW that is not a whole line of BEFORE (static
 * buffer), or NULL. A new group whose processes are all someone else's
 * (none descends from the caller) is not counted: a lab program run
 * beside the tests made it. */
const char *cgsweep_new(const char *before, const char *now);

/* Thaw every group of the lab's (v1 freezer.state, v2 cgroup.freeze): a
 * process in a frozen group cannot die, not even of SIGKILL, until then. */
void cgsweep_thaw_all(void);

/* Kill the processes in, and remove, every directory listed now but not
 * in BEFORE, children first. Only this run's processes (descendants of
 * the caller) are killed, and only if /proc/PID/cgroup still shows them
 * in the directory once a pidfd holds them. */
void cgsweep_remove_new(const char *before);

#endif
