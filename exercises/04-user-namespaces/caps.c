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

/* EXERCISE 4.7: your own helper functions can go here. */

int caps_read(pid_t pid, struct caps_sets *ret_sets)
{
	/* EXERCISE 4.7: Read the capability sets (20 points)
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
	 * Replace the stub below with your code.
	 */
	return exercise_todo("4.7", pid, ret_sets);
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
