/* api.c - versioned paths, routes, JSON errors. See api.h. */
#include "api.h"

#include "exercise.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EXERCISE 12.1: your own helper functions can go here. */

int api_split_version(const char *path, struct api_version *ret_version,
                      const char **ret_rest)
{
	/* EXERCISE 12.1: Split the version off a path (10 points)
	 *
	 * PATH must start with "/". If it goes on with "v" and a digit, it
	 * has a version: digits, ".", digits, and then "/" or the end of
	 * PATH; anything else there is -EINVAL. The rest begins at the "/"
	 * after the version ("/" itself when the version ends PATH: point
	 * *RET_REST at a static "/"). Without a version, *RET_VERSION is
	 * API_VERSION's (1.50) and *RET_REST is PATH.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("12.1", path, ret_version, ret_rest);
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
	/* EXERCISE 12.2: Match a route (15 points)
	 *
	 * Walk PATTERN and PATH one "/"-separated segment at a time (both
	 * start with "/"). A pattern segment "{...}" takes any non-empty
	 * path segment, copied into the next ARGS slot (at most
	 * API_MAX_ARGS, each shorter than API_ARG_MAX: else no match);
	 * another must equal the path segment. Both must run out together.
	 * Return how many ARGS were filled, or -1.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("12.2", pattern, path, args);
}

char *api_error_body(const char *message)
{
	json_t *doc = json_pack("{s:s}", "message", message);
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;

	json_decref(doc);
	return text;
}
