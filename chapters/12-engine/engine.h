/* engine.h - boxd's insides: the modules the API server hands requests to.
 *
 * boxd.c speaks HTTP (libmicrohttpd) and routes each request, by method
 * and path (api.h), to a handler of one module: images (chapter 08's
 * store), containers (chapter 11's runtime), the daemon itself (/_ping,
 * /version, /info). A handler gets a struct request and returns a struct
 * reply: a status and a JSON body, or a stream (chunked, for build
 * progress, logs -f, wait), or an upgrade (101: the connection becomes a
 * raw byte stream, for attach and exec).
 *
 * Each module lists its routes in a table ending with a NULL method.
 */
#ifndef BOXLAB_ENGINE_H
#define BOXLAB_ENGINE_H

#include "api.h"
#include "store.h"

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The daemon's state, shared by its connections' threads. */
struct engine {
	const char *root;      /* --root: images, containers (the store) */
	const char *exec_root; /* --exec-root: the runtime's state */
	bool debug;
	struct store store;
	pthread_mutex_t lock; /* held by a handler that changes the store */
};
extern struct engine engine;

/* One request, as a handler sees it. */
struct request {
	const char *method;
	const char *path; /* without the version: "/containers/json" */
	struct api_version version;           /* the client's */
	char args[API_MAX_ARGS][API_ARG_MAX]; /* the pattern's {placeholders} */
	const char *body;                     /* NUL-terminated, or NULL */
	size_t body_len;
	const char *query[32][2]; /* ?name=value pairs, name NULL after */
	size_t n_query;
};

/* The value of query parameter NAME ("all" of ?all=1), or NULL. */
const char *request_query(const struct request *req, const char *name);

/* A query parameter as a boolean: "1", "true" (any case) are true. */
bool request_query_bool(const struct request *req, const char *name);

/* What a handler answers. Exactly one of BODY, STREAM or UPGRADE. */
struct reply {
	unsigned int status;
	char *body;       /* malloc'd; boxd frees it */
	size_t body_len;  /* its length, if not strlen(BODY) (binary) */
	const char *type; /* Content-Type; "application/json" if NULL */

	/* A chunked body: called until it returns -1 (the end); returns
	 * the bytes it put in BUF (at most MAX), blocking until it has
	 * some. FREE(DATA) once the response is done. */
	ssize_t (*stream)(void *data, char *buf, size_t max);

	/* The connection taken over after "101 UPGRADED": FD is the raw
	 * socket (EXTRA: bytes the client sent after its request), to
	 * read and write until done, then close nothing (boxd does). */
	void (*upgrade)(void *data, int fd, const char *extra,
	                size_t extra_len);
	void (*free)(void *data);
	void *data;
};

/* A reply with DOC (taken) as its body. */
struct reply engine_json(unsigned int status, json_t *doc);

/* An error reply: {"message": ...}. */
struct reply engine_error(unsigned int status, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* A route: METHOD and PATTERN (api_match()) to HANDLE. */
struct route {
	const char *method;
	const char *pattern;
	struct reply (*handle)(struct request *req);
};

/* How many containers the store has, and how many of them are running,
 * paused and stopped (created or exited), for /info. */
struct container_counts {
	int total, running, paused, stopped;
};
void containers_count(struct container_counts *ret);

/* The modules' tables. */
extern const struct route system_routes[];
extern const struct route image_routes[];
extern const struct route container_routes[];

#endif
