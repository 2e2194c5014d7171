/* cgsweep.h - find and remove the cgroups tests leave behind. */
#ifndef BOXLAB_CGSWEEP_H
#define BOXLAB_CGSWEEP_H

#include <sys/types.h>

/* PID's parent, from the PPid line of /proc/PID/status (not the lab's own
 * parser: this must work while a student's chapter 01 is a stub), or -1
 * if PID is gone. Tests use it too, as an independent oracle. */
pid_t cgsweep_parent_of(pid_t pid);

/* Every directory MOUNT/boxlab and MOUNT/boxlab/X in every cgroup
 * hierarchy, one per line, children before parents. free() it. */
char *cgsweep_list(void);

/* The first line of NOW that is not in BEFORE (static buffer), or NULL. */
const char *cgsweep_new(const char *before, const char *now);

/* Kill the processes in, and remove, every directory listed now but not
 * in BEFORE. */
void cgsweep_remove_new(const char *before);

#endif
