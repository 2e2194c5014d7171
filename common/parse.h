/* parse.h - numbers from text, with every error caught.
 *
 * atoi("12x") is 12 and atoi("x") is 0: neither tells you the input was
 * wrong. These wrappers around strtoll(3)/strtoull(3) accept only a whole
 * string that is a number in range, and say why not.
 */
#ifndef BOXLAB_PARSE_H
#define BOXLAB_PARSE_H

#include <stdint.h>
#include <sys/types.h>

/* Parse TEXT as a decimal integer in [MIN, MAX] into *ret_value.
 * Leading spaces are refused, as is trailing text (one trailing newline is
 * allowed, since files in /proc and /sys end with one). Returns 0, -EINVAL
 * when TEXT is not a number, or -ERANGE when it is out of [MIN, MAX]. */
int parse_int64(const char *text, int64_t min, int64_t max, int64_t *ret_value);

/* Like parse_int64() for an unsigned value (no sign accepted at all). */
int parse_uint64(const char *text, uint64_t *ret_value);

/* Parse an int. Returns 0, -EINVAL or -ERANGE. */
int parse_int(const char *text, int *ret_value);

/* Parse a process ID: a decimal number from 1 to the largest pid_t.
 * Returns 0, -EINVAL or -ERANGE. */
int parse_pid(const char *text, pid_t *ret_pid);

/* A signal given as a number ("9") or a name, with or without "SIG"
 * ("KILL", "SIGKILL", "sigterm"), as kill(1) and runc take it. Returns
 * the signal number, or -EINVAL. See sigabbrev_np(3). */
int parse_signal(const char *text);

#endif
