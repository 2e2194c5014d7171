/* parse.c - strict number parsing. */
#include "parse.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <stdlib.h>

/* A number must start with a digit (or a sign, if SIGNED) and end at the
 * end of the string or at a single final newline. */
static bool starts_like_number(const char *text, bool is_signed)
{
	if (is_signed && (*text == '-' || *text == '+'))
		text++;
	return isdigit((unsigned char)*text);
}

static bool ends_cleanly(const char *end)
{
	return end[0] == '\0' || (end[0] == '\n' && end[1] == '\0');
}

int parse_int64(const char *text, int64_t min, int64_t max, int64_t *ret_value)
{
	long long value;
	char *end;

	if (!text || !starts_like_number(text, true))
		return -EINVAL;
	errno = 0;
	value = strtoll(text, &end, 10);
	if (!ends_cleanly(end))
		return -EINVAL;
	if (errno == ERANGE || value < min || value > max)
		return -ERANGE;
	*ret_value = value;
	return 0;
}

int parse_uint64(const char *text, uint64_t *ret_value)
{
	unsigned long long value;
	char *end;

	/* strtoull() quietly negates "-1" into ULLONG_MAX: refuse signs. */
	if (!text || !starts_like_number(text, false))
		return -EINVAL;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (!ends_cleanly(end))
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*ret_value = value;
	return 0;
}

int parse_int(const char *text, int *ret_value)
{
	int64_t value;
	int ret;

	ret = parse_int64(text, INT_MIN, INT_MAX, &value);
	if (ret < 0)
		return ret;
	*ret_value = (int)value;
	return 0;
}

int parse_pid(const char *text, pid_t *ret_pid)
{
	int64_t value;
	int ret;

	ret = parse_int64(text, 1, INT_MAX, &value);
	if (ret < 0)
		return ret;
	*ret_pid = (pid_t)value;
	return 0;
}

int parse_signal(const char *text)
{
	const char *name = text, *abbrev;
	int sig;

	if (parse_int(text, &sig) == 0)
		return sig > 0 && sig < NSIG ? sig : -EINVAL;
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (sig = 1; sig < NSIG; sig++) {
		abbrev = sigabbrev_np(sig);
		if (abbrev && !strcasecmp(name, abbrev))
			return sig;
	}
	return -EINVAL;
}
