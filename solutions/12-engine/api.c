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

void api_frame_header(enum api_stream stream, size_t len,
                      unsigned char header[8])
{
	/* BEGIN EXERCISE 12.3: Write a frame's header (5 points)
	 *
	 * Byte 0 the stream, bytes 1-3 zero, bytes 4-7 LEN, most
	 * significant byte first (boxmon and the logs handler send every
	 * chunk of output behind one).
	 *
	 * stub: (void)stream;
	 * stub: (void)len;
	 * stub: memset(header, 0xee, 8);
	 * stub: exercise_todo("12.3");
	 */
	header[0] = (unsigned char)stream;
	header[1] = header[2] = header[3] = 0;
	header[4] = (unsigned char)(len >> 24);
	header[5] = (unsigned char)(len >> 16);
	header[6] = (unsigned char)(len >> 8);
	header[7] = (unsigned char)len;
	/* END EXERCISE 12.3 */
}

int api_demux_feed(struct api_demux *d, const char *data, size_t len,
                   void (*fn)(int stream, const char *bytes, size_t n,
                              void *cls),
                   void *cls)
{
	/* BEGIN EXERCISE 12.4: Read a multiplexed stream (15 points)
	 *
	 * A loop over DATA. While D->have < 8, copy bytes into D->header;
	 * when it is complete, check it (stream 0 to 2, bytes 1-3 zero:
	 * else -EPROTO) and take the stream and the length into D->stream
	 * and D->left. While D->left > 0, hand FN the payload bytes that
	 * are there (as many as D->left allows) and count them off. A
	 * frame done (D->left == 0 after its header), the next one starts:
	 * D->have = 0.
	 *
	 * stub: return exercise_todo("12.4", d, data, len, fn, cls);
	 */
	while (len) {
		if (d->have < 8) {
			size_t n = 8 - d->have < len ? 8 - d->have : len;

			memcpy(d->header + d->have, data, n);
			d->have += n;
			data += n;
			len -= n;
			if (d->have < 8)
				break;
			if (d->header[0] > 2 || d->header[1] || d->header[2] ||
			    d->header[3])
				return -EPROTO;
			d->stream = d->header[0];
			d->left = (uint32_t)d->header[4] << 24 |
			          (uint32_t)d->header[5] << 16 |
			          (uint32_t)d->header[6] << 8 | d->header[7];
		}
		if (d->left && len) {
			size_t n = d->left < len ? d->left : len;

			fn(d->stream, data, n, cls);
			d->left -= (uint32_t)n;
			data += n;
			len -= n;
		}
		if (!d->left)
			d->have = 0;
	}
	return 0;
	/* END EXERCISE 12.4 */
}

/* BEGIN EXERCISE 12.9 (helpers) */
/* A port from the LEN bytes of TEXT: 1 to 65535, digits only; -1 if
 * not. */
static int port_in(const char *text, size_t len)
{
	int port = 0;
	size_t i;

	if (!len || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)text[i]))
			return -1;
		port = port * 10 + (text[i] - '0');
	}
	return port >= 1 && port <= 65535 ? port : -1;
}
/* END EXERCISE 12.9 */

/* BEGIN EXERCISE 12.9: The client's -p (10 points)
 *
 * Cut the "/PROTO" off the end first (strrchr(3)), then split the rest
 * at its colons: one field is the port; two are host port and port;
 * three are IP, host port (maybe empty) and port. Each port through
 * port_in(); the IP must fit host_ip and pass inet_pton(AF_INET, ...).
 * Clear *RET first, so that what is not given is "" and 0.
 *
 * stub: int api_publish_parse(const char *spec, struct api_publish *ret)
 * stub: {
 * stub: 	return exercise_todo("12.9", spec, ret);
 * stub: }
 */
int api_publish_parse(const char *spec, struct api_publish *ret)
{
	const char *field[4], *slash = strrchr(spec, '/'), *end, *p;
	size_t len[4], n = 0, ip_len;
	struct in_addr addr;

	memset(ret, 0, sizeof(*ret));
	strcpy(ret->proto, "tcp");
	end = slash ? slash : spec + strlen(spec);
	if (slash) {
		if (strcmp(slash + 1, "tcp") && strcmp(slash + 1, "udp") &&
		    strcmp(slash + 1, "sctp"))
			return -EINVAL;
		strcpy(ret->proto, slash + 1);
	}
	for (p = spec;; p++) {
		const char *colon = memchr(p, ':', (size_t)(end - p));

		if (n == 3)
			return -EINVAL; /* a fourth field */
		field[n] = p;
		len[n++] = (size_t)((colon ? colon : end) - p);
		if (!colon)
			break;
		p = colon;
	}
	ret->port = port_in(field[n - 1], len[n - 1]);
	if (ret->port < 0)
		return -EINVAL;
	if (n >= 2 && !(n == 3 && len[1] == 0)) {
		ret->host_port = port_in(field[n - 2], len[n - 2]);
		if (ret->host_port < 0)
			return -EINVAL;
	}
	if (n == 3) {
		ip_len = len[0];
		if (ip_len == 0 || ip_len >= sizeof(ret->host_ip))
			return -EINVAL;
		memcpy(ret->host_ip, field[0], ip_len);
		ret->host_ip[ip_len] = '\0';
		if (inet_pton(AF_INET, ret->host_ip, &addr) != 1)
			return -EINVAL;
	}
	return 0;
}
/* END EXERCISE 12.9 */
