/* knob.h - the files of a cgroup: its knobs and counters.
 *
 * Every cgroup file is small text: a number ("67108864", or "max" for no
 * limit), or "key value" lines (memory.events, pids.events, cpu.stat).
 * Each write is one command to the kernel, so a file is opened, written
 * once and closed for every change.
 */
#ifndef BOXLAB_KNOB_H
#define BOXLAB_KNOB_H

#include <stdbool.h>
#include <stdint.h>

/* Write VALUE to DIR/FILE, which must exist (the kernel makes every file
 * when the cgroup directory is made). Returns 0 or -errno. */
int knob_write(const char *dir, const char *file, const char *value);

/* Write the decimal number VALUE to DIR/FILE. Returns 0 or -errno. */
int knob_write_number(const char *dir, const char *file, uint64_t value);

/* Does DIR/FILE exist? (memory.swap.max does not without swap
 * accounting; cgroup.kill came in Linux 5.14.) */
bool knob_exists(const char *dir, const char *file);

/* Read DIR/FILE, one number; "max" reads as UINT64_MAX and a missing
 * file as 0 (not every kernel has every counter). Returns 0 or -errno. */
int knob_read_number(const char *dir, const char *file, uint64_t *ret);

/* Read KEY's value from DIR/FILE, a file of "key value" lines; a missing
 * file or key reads as 0. Returns 0 or -errno. */
int knob_read_keyed(const char *dir, const char *file, const char *key,
                    uint64_t *ret);

#endif
