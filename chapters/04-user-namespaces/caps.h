/* caps.h - capabilities: root's power, cut into pieces.
 *
 * The kernel does not check "is this uid 0?" but "does this process have
 * capability X in the user namespace that owns the object?". Each process
 * carries five sets of capabilities (capabilities(7)):
 *	permitted    what it may make effective
 *	effective    what the kernel checks now
 *	inheritable  what may pass through execve to a program that wants it
 *	bounding     the ceiling: nothing outside it can ever be gained
 *	ambient      what passes through execve to any program
 * The lab reads and names them through libcap (cap_get_pid(3),
 * cap_iab(3)), never by decoding /proc/PID/status by hand.
 */
#ifndef BOXLAB_CAPS_H
#define BOXLAB_CAPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A process's five sets, bit N for capability N (CAP_CHOWN is 0). */
struct caps_sets {
	uint64_t permitted;
	uint64_t effective;
	uint64_t inheritable;
	uint64_t bounding;
	uint64_t ambient;
};

/* Every capability the running kernel knows (cap_max_bits(3)). */
uint64_t caps_all(void);

/* Read process PID's five sets (0 means the caller) through libcap:
 * cap_get_pid() and cap_get_flag() for the first three, cap_iab_get_pid()
 * and cap_iab_get_vector() for ambient and bounding. Returns 0, -ESRCH if
 * there is no such process, or -errno. */
int caps_read(pid_t pid, struct caps_sets *ret_sets);

/* Name the capabilities of SET in BUF of SIZE bytes: "all" for every one
 * the kernel knows, "none" for none, else their names from
 * cap_to_name(3) joined by commas ("cap_chown,cap_kill"). Returns the
 * length or -ENOSPC. */
int caps_describe(uint64_t set, char *buf, size_t size);

/* libcap's own text for PID's sets (cap_to_text(3)), e.g. "=ep" for all
 * of them permitted and effective, in BUF of SIZE bytes. Returns the
 * length, -ESRCH, -ENOSPC or -errno. */
int caps_text(pid_t pid, char *buf, size_t size);

#endif
