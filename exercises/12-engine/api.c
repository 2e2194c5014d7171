/* api.c - versioned paths, routes, JSON errors. See api.h. */
#include "api.h"

#include "exercise.h"

#include <arpa/inet.h>
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

void api_frame_header(enum api_stream stream, size_t len,
                      unsigned char header[8])
{
	/* EXERCISE 12.3: Write a frame's header (5 points)
	 *
	 * Byte 0 the stream, bytes 1-3 zero, bytes 4-7 LEN, most
	 * significant byte first (boxmon and the logs handler send every
	 * chunk of output behind one).
	 *
	 * Replace the stub below with your code.
	 */
	(void)stream;
	(void)len;
	memset(header, 0xee, 8);
	exercise_todo("12.3");
}

int api_demux_feed(struct api_demux *d, const char *data, size_t len,
                   void (*fn)(int stream, const char *bytes, size_t n,
                              void *cls),
                   void *cls)
{
	/* EXERCISE 12.4: Read a multiplexed stream (15 points)
	 *
	 * A loop over DATA. While D->have < 8, copy bytes into D->header;
	 * when it is complete, check it (stream 0 to 2, bytes 1-3 zero:
	 * else -EPROTO) and take the stream and the length into D->stream
	 * and D->left. While D->left > 0, hand FN the payload bytes that
	 * are there (as many as D->left allows) and count them off. A
	 * frame done (D->left == 0 after its header), the next one starts:
	 * D->have = 0.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("12.4", d, data, len, fn, cls);
}

/* EXERCISE 12.9: your own helper functions can go here. */

/* EXERCISE 12.9: The client's -p (10 points)
 *
 * Cut the "/PROTO" off the end first (strrchr(3)), then split the rest
 * at its colons: one field is the port; two are host port and port;
 * three are IP, host port (maybe empty) and port. Each port through
 * port_in(); the IP must fit host_ip and pass inet_pton(AF_INET, ...).
 * Clear *RET first, so that what is not given is "" and 0.
 *
 * Replace the stub below with your code.
 */
int api_publish_parse(const char *spec, struct api_publish *ret)
{
	return exercise_todo("12.9", spec, ret);
}
