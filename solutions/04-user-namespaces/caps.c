/* caps.c - a process's capability sets, through libcap. See caps.h. */
#include "caps.h"

#include "exercise.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

uint64_t caps_all(void)
{
	int bits = cap_max_bits();

	return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

/* BEGIN EXERCISE 4.7 (helpers) */
/* Bit N set for every capability N that FLAG of CAPS holds. */
static uint64_t cap_set_bits(cap_t caps, cap_flag_t flag)
{
	cap_flag_value_t value;
	uint64_t bits = 0;
	int c;

	for (c = 0; c < cap_max_bits(); c++)
		if (cap_get_flag(caps, c, flag, &value) == 0 &&
		    value == CAP_SET)
			bits |= UINT64_C(1) << c;
	return bits;
}

/* The same for VECTOR of IAB, a cap_iab_t. */
static uint64_t iab_bits(cap_iab_t iab, cap_iab_vector_t vector)
{
	uint64_t bits = 0;
	int c;

	for (c = 0; c < cap_max_bits(); c++)
		if (cap_iab_get_vector(iab, vector, c) == CAP_SET)
			bits |= UINT64_C(1) << c;
	return bits;
}
/* END EXERCISE 4.7 */

int caps_read(pid_t pid, struct caps_sets *ret_sets)
{
	/* BEGIN EXERCISE 4.7: Read the capability sets (20 points)
	 *
	 * cap_get_pid(pid) returns a cap_t holding the permitted,
	 * effective and inheritable sets; cap_get_flag() asks it one
	 * capability at a time, for each of cap_max_bits() of them.
	 * Bounding and ambient come from cap_iab_get_pid(pid) (for PID 0,
	 * cap_iab_get_proc()) and cap_iab_get_vector(). Beware: an IAB keeps the bounding set
	 * upside down, as the capabilities *dropped* from it (CAP_IAB_BOUND
	 * set means "not in the bounding set"). Free with cap_free(); a
	 * NULL from libcap means errno says why.
	 *
	 * stub: return exercise_todo("4.7", pid, ret_sets);
	 */
	cap_iab_t iab;
	cap_t caps;

	caps = cap_get_pid(pid);
	if (!caps)
		return -errno;
	iab = pid ? cap_iab_get_pid(pid) : cap_iab_get_proc();
	if (!iab) {
		int err = errno;

		cap_free(caps);
		return -err;
	}
	ret_sets->permitted = cap_set_bits(caps, CAP_PERMITTED);
	ret_sets->effective = cap_set_bits(caps, CAP_EFFECTIVE);
	ret_sets->inheritable = cap_set_bits(caps, CAP_INHERITABLE);
	ret_sets->ambient = iab_bits(iab, CAP_IAB_AMB);
	ret_sets->bounding = caps_all() & ~iab_bits(iab, CAP_IAB_BOUND);
	cap_free(iab);
	cap_free(caps);
	return 0;
	/* END EXERCISE 4.7 */
}

int caps_describe(uint64_t set, char *buf, size_t size)
{
	size_t len = 0;
	char *name;
	int c, n;

	if (set == caps_all())
		n = snprintf(buf, size, "all");
	else if (set == 0)
		n = snprintf(buf, size, "none");
	else
		n = 0;
	if (n)
		return (size_t)n < size ? n : -ENOSPC;
	buf[0] = '\0';
	for (c = 0; c < cap_max_bits(); c++) {
		if (!(set & (UINT64_C(1) << c)))
			continue;
		name = cap_to_name(c);
		n = snprintf(buf + len, size - len, "%s%s", len ? "," : "",
		             name ? name : "?");
		cap_free(name);
		if (n < 0 || (size_t)n >= size - len)
			return -ENOSPC;
		len += (size_t)n;
	}
	return (int)len;
}

int caps_text(pid_t pid, char *buf, size_t size)
{
	ssize_t len;
	char *text;
	cap_t caps;
	int ret;

	caps = cap_get_pid(pid);
	if (!caps)
		return -errno;
	text = cap_to_text(caps, &len);
	ret = text ? 0 : -errno;
	if (text && (size_t)len >= size)
		ret = -ENOSPC;
	else if (text)
		memcpy(buf, text, (size_t)len + 1);
	cap_free(text);
	cap_free(caps);
	return ret < 0 ? ret : (int)len;
}
