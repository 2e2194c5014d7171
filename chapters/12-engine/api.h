/* api.h - the Engine API's shape: versioned paths, routes, JSON errors.
 *
 * The docker CLI and the lab's own `box` talk to boxd in HTTP/1.1 over a
 * unix socket, Docker's Engine API (moby's api/swagger.yaml). Every path
 * may start with a version, "/v1.50/containers/json"; without one the
 * newest is meant. A client first asks GET /_ping, whose API-Version
 * header says the newest the daemon speaks, and from then on uses the
 * lower of that and its own. A daemon refuses a version older than its
 * minimum (1.24 here) or newer than its own (1.50).
 *
 * A request is dispatched on its method and the rest of its path, matched
 * against patterns with placeholders: "/containers/{id}/json". An error
 * is a status and a JSON body {"message": "..."}: the CLI prints the
 * message as "Error response from daemon: ...".
 *
 * Functions return 0 or -errno and never print.
 */
#ifndef BOXLAB_API_H
#define BOXLAB_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define API_VERSION     "1.50" /* the newest this daemon speaks */
#define API_MIN_VERSION "1.24" /* the oldest it accepts */

/* An API version, "1.50": major 1, minor 50. */
struct api_version {
	unsigned int major, minor;
};

/* Split PATH ("/v1.50/containers/json", "/_ping") into its version and
 * the rest: *RET_VERSION (the newest, API_VERSION, when PATH has none)
 * and *RET_REST pointing into PATH ("/containers/json"). The version is
 * "v", digits, ".", digits, then "/" or the end ("/v1.50" is "/").
 * Returns 0, or -EINVAL for a path that is not absolute, or whose first
 * segment starts with "v" and a digit but is not a version ("/v1", "/v1.x",
 * "/v1.50x/..."). */
int api_split_version(const char *path, struct api_version *ret_version,
                      const char **ret_rest);

/* Compare two versions: <0, 0 or >0, as strcmp(3). */
int api_version_cmp(struct api_version a, struct api_version b);

/* The most placeholders a pattern has, and the longest value of one. */
#define API_MAX_ARGS 4
#define API_ARG_MAX  256

/* Does PATH (without its version, "/containers/web/json") match PATTERN
 * ("/containers/{id}/json")? Segment by segment: a literal segment must
 * be equal, a "{name}" one takes any non-empty segment, whose text goes
 * into ARGS[0], ARGS[1]... in order; the number of segments must be the
 * same ("/containers/web" does not match "/containers/{id}/json"). A
 * value longer than API_ARG_MAX - 1 does not match. Returns the number
 * of placeholders filled (0 or more) on a match, -1 if it does not. */
int api_match(const char *pattern, const char *path,
              char args[API_MAX_ARGS][API_ARG_MAX]);

/* The body of an error: {"message": MESSAGE} as JSON text (jansson does
 * the escaping), malloc'd; NULL if out of memory. */
char *api_error_body(const char *message);

/* A multiplexed stream (a container's attach or logs without a terminal)
 * carries stdout and stderr on one connection as frames: an 8-byte
 * header, then LEN bytes of the stream's output. The header is the
 * stream (0 stdin, 1 stdout, 2 stderr), three zero bytes, and LEN as a
 * big-endian 32-bit number. (With a terminal there is one stream, and
 * the bytes go as they are.) */
enum api_stream { API_STDIN, API_STDOUT, API_STDERR };

/* Fill HEADER for a frame of LEN bytes (at most UINT32_MAX) of STREAM. */
void api_frame_header(enum api_stream stream, size_t len,
                      unsigned char header[8]);

/* Reading a multiplexed stream, which arrives in pieces cut anywhere
 * (in a header, in a payload): what has been read of the frame under
 * way. Start zeroed. */
struct api_demux {
	unsigned char header[8];
	size_t have;   /* bytes of HEADER read so far */
	uint32_t left; /* payload bytes of this frame still to come */
	int stream;    /* its stream */
};

/* Feed the LEN bytes of DATA to D: for each run of payload, call
 * FN(stream, bytes, n, CLS) (a frame's payload may come in several
 * calls; an empty frame gives none). Returns 0, or -EPROTO for a header
 * that is not one (a stream above 2, padding that is not zero); then
 * nothing more can be read. */
int api_demux_feed(struct api_demux *d, const char *data, size_t len,
                   void (*fn)(int stream, const char *bytes, size_t n,
                              void *cls),
                   void *cls);

/* A published port, as `docker run -p` gives it and the API carries it:
 * HostConfig.PortBindings {"80/tcp": [{"HostIp": "127.0.0.1",
 * "HostPort": "8080"}]}, and the port in Config.ExposedPorts. */
struct api_publish {
	char host_ip[16]; /* "" for every address */
	int host_port;    /* 0: the daemon picks a free one */
	int port;         /* the container's */
	char proto[5];    /* "tcp", "udp" or "sctp" */
};

/* Parse SPEC, one -p of `docker run`, into *RET:
 *	PORT[/PROTO]				80, 53/udp
 *	HOSTPORT:PORT[/PROTO]			8080:80
 *	IP:HOSTPORT:PORT[/PROTO]		127.0.0.1:8080:80
 *	IP::PORT[/PROTO]			127.0.0.1::80 (any host port)
 * Ports are decimal, 1 to 65535 (a host port may also be empty: 0);
 * PROTO is tcp (the default), udp or sctp; IP is an IPv4 address
 * (inet_pton(3)). Returns 0, or -EINVAL for anything else (a range
 * "8000-8010:80", an IPv6 address, an empty container port, a port 0
 * or above 65535, a fourth field). */
int api_publish_parse(const char *spec, struct api_publish *ret);

#endif
