/* cgsweep.h - find and remove the cgroups tests leave behind. */
#ifndef BOXLAB_CGSWEEP_H
#define BOXLAB_CGSWEEP_H

/* Every directory MOUNT/boxlab and MOUNT/boxlab/X in every cgroup
 * hierarchy, one per line, children before parents. free() it. */
char *cgsweep_list(void);

/* The first line of NOW that is not in BEFORE (static buffer), or NULL. */
const char *cgsweep_new(const char *before, const char *now);

/* Kill the processes in, and remove, every directory listed now but not
 * in BEFORE. */
void cgsweep_remove_new(const char *before);

#endif
