/* api.c - versioned paths, routes, JSON errors. See api.h. */
#include "api.h"

#include "exercise.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* BEGIN EXERCISE 12.1 (helpers) */
/* Parse the digits at *TEXT into *RET, moving *TEXT past them; -EINVAL
 * if there are none or they do not fit. */
static int parse_number(const char **text, unsigned int *ret)
{
	unsigned long value = 0;
	const char *p = *text;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		value = value * 10 + (unsigned long)(*p - '0');
		if (value > 99999)
			return -EINVAL;
	}
	*ret = (unsigned int)value;
	*text = p;
	return 0;
}
/* END EXERCISE 12.1 */

int api_split_version(const char *path, struct api_version *ret_version,
                      const char **ret_rest)
{
	/* BEGIN EXERCISE 12.1: Split the version off a path (10 points)
	 *
	 * PATH must start with "/". If it goes on with "v" and a digit, it
	 * has a version: digits, ".", digits, and then "/" or the end of
	 * PATH; anything else there is -EINVAL. The rest begins at the "/"
	 * after the version ("/" itself when the version ends PATH: point
	 * *RET_REST at a static "/"). Without a version, *RET_VERSION is
	 * API_VERSION's (1.50) and *RET_REST is PATH.
	 *
	 * stub: return exercise_todo("12.1", path, ret_version, ret_rest);
	 */
	struct api_version version = { 1, 50 };
	const char *p = path + 2;

	if (path[0] != '/')
		return -EINVAL;
	if (path[1] != 'v' || !isdigit((unsigned char)path[2])) {
		*ret_version = version;
		*ret_rest = path;
		return 0;
	}
	if (parse_number(&p, &version.major) < 0 || *p++ != '.' ||
	    parse_number(&p, &version.minor) < 0 || (*p && *p != '/'))
		return -EINVAL;
	*ret_version = version;
	*ret_rest = *p ? p : "/";
	return 0;
	/* END EXERCISE 12.1 */
}

int api_version_cmp(struct api_version a, struct api_version b)
{
	if (a.major != b.major)
		return a.major < b.major ? -1 : 1;
	if (a.minor != b.minor)
		return a.minor < b.minor ? -1 : 1;
	return 0;
}

int api_match(const char *pattern, const char *path,
              char args[API_MAX_ARGS][API_ARG_MAX])
{
	/* BEGIN EXERCISE 12.2: Match a route (15 points)
	 *
	 * Walk PATTERN and PATH one "/"-separated segment at a time (both
	 * start with "/"). A pattern segment "{...}" takes any non-empty
	 * path segment, copied into the next ARGS slot (at most
	 * API_MAX_ARGS, each shorter than API_ARG_MAX: else no match);
	 * another must equal the path segment. Both must run out together.
	 * Return how many ARGS were filled, or -1.
	 *
	 * stub: return exercise_todo("12.2", pattern, path, args);
	 */
	const char *p = pattern, *q = path;
	int n = 0;

	while (*p == '/' && *q == '/') {
		size_t plen = strcspn(++p, "/"), qlen = strcspn(++q, "/");

		if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
			if (!qlen || qlen >= API_ARG_MAX || n == API_MAX_ARGS)
				return -1;
			memcpy(args[n], q, qlen);
			args[n++][qlen] = '\0';
		} else if (plen != qlen || strncmp(p, q, plen)) {
			return -1;
		}
		p += plen;
		q += qlen;
	}
	return *p || *q ? -1 : n;
	/* END EXERCISE 12.2 */
}

char *api_error_body(const char *message)
{
	json_t *doc = json_pack("{s:s}", "message", message);
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;

	json_decref(doc);
	return text;
}
