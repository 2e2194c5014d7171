/* boxd - the lab's engine: Docker's Engine API on a unix socket.
 *
 *	boxd [--root DIR] [--exec-root DIR] [-H unix://PATH] [--group NAME]
 *	     [--debug]
 *
 * The overview's client-server picture: a client (the stock docker CLI,
 * or the lab's `box`) sends HTTP requests to the daemon; its API server
 * parses them and hands each to a module: images (chapter 08's store),
 * networks (chapter 09), containers (chapter 11's runtime). HTTP is
 * libmicrohttpd's, JSON jansson's. Each request is logged on stderr, one
 * line: method, path, status.
 *
 * The modules and their handlers are in engine.h; this file is the HTTP
 * side. An endpoint no module has answers 501 with a JSON message naming
 * it.
 */
#include "api.h"
#include "die.h"
#include "engine.h"
#include "file.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <jansson.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define BOXD_VERSION "0.12.0"
#define DEFAULT_HOST "unix:///run/boxlab/boxd.sock"

static noreturn void usage(int status)
{
	printf("usage: boxd [--root DIR] [--exec-root DIR] [-H unix://PATH] "
	       "[--group NAME] [--debug]\n"
	       "The lab's engine: Docker's Engine API (%s, down to %s) on a "
	       "unix socket.\n"
	       "  --root DIR       images and containers (default %s)\n"
	       "  --exec-root DIR  runtime state (default %s)\n"
	       "  -H unix://PATH   the socket (default %s)\n"
	       "  --group NAME     the socket's group (default root; mode "
	       "0660)\n",
	       API_VERSION, API_MIN_VERSION, engine.root, engine.exec_root,
	       DEFAULT_HOST);
	exit(status);
}

/* --- the router ----------------------------------------------------------- */

static const struct route *const tables[] = { system_routes, image_routes,
	                                      container_routes, NULL };

static struct reply dispatch(struct request *req, const char *url)
{
	static const struct api_version oldest = { 1, 24 }, newest = { 1, 50 };
	const struct route *const *t, *r;

	if (api_split_version(url, &req->version, &req->path) < 0)
		return engine_error(400, "%s: not a valid API path", url);
	if (api_version_cmp(req->version, oldest) < 0)
		return engine_error(400,
		                    "client version %u.%u is too old. Minimum "
		                    "supported API version is %s, please "
		                    "upgrade your client to a newer version",
		                    req->version.major, req->version.minor,
		                    API_MIN_VERSION);
	if (api_version_cmp(req->version, newest) > 0)
		return engine_error(400,
		                    "client version %u.%u is too new. Maximum "
		                    "supported API version is %s",
		                    req->version.major, req->version.minor,
		                    API_VERSION);
	for (t = tables; *t; t++)
		for (r = *t; r->method; r++)
			if (!strcmp(r->method, req->method) &&
			    api_match(r->pattern, req->path, req->args) >= 0)
				return r->handle(req);
	return engine_error(501, "boxd: %s %s is not implemented", req->method,
	                    req->path);
}

/* --- HTTP ----------------------------------------------------------------- */

/* A request's body, gathered over the calls libmicrohttpd makes. */
struct upload {
	char *data;
	size_t len;
};

#define MAX_BODY (1024u << 20) /* a build context, an image to load */

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind,
                                 const char *key, const char *value)
{
	struct request *req = cls;

	(void)kind;
	if (req->n_query < sizeof(req->query) / sizeof(req->query[0])) {
		req->query[req->n_query][0] = key;
		req->query[req->n_query++][1] = value;
	}
	return MHD_YES;
}

/* The chunks of a streamed reply, through the handler's function. */
static ssize_t stream_chunk(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct reply *r = cls;
	ssize_t n;

	(void)pos;
	n = r->stream(r->data, buf, max);
	return n < 0 ? MHD_CONTENT_READER_END_OF_STREAM : n;
}

static void stream_done(void *cls)
{
	struct reply *r = cls;

	if (r->free)
		r->free(r->data);
	free(r);
}

/* After "101 UPGRADED": the handler's function has the raw socket. */
static void upgraded(void *cls, struct MHD_Connection *connection,
                     void *req_cls, const char *extra_in, size_t extra_in_size,
                     MHD_socket sock, struct MHD_UpgradeResponseHandle *urh)
{
	struct reply *r = cls;

	(void)connection;
	(void)req_cls;
	r->upgrade(r->data, sock, extra_in, extra_in_size);
	if (r->free)
		r->free(r->data);
	free(r);
	MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
}

static struct MHD_Response *make_response(struct reply *r)
{
	struct reply *copy;

	if (!r->stream && !r->upgrade)
		return MHD_create_response_from_buffer(
		        r->body_len ? r->body_len : strlen(r->body), r->body,
		        MHD_RESPMEM_MUST_FREE);
	copy = malloc(sizeof(*copy));
	if (!copy)
		return NULL;
	*copy = *r;
	if (r->upgrade)
		return MHD_create_response_for_upgrade(upgraded, copy);
	return MHD_create_response_from_callback(
	        MHD_SIZE_UNKNOWN, 64 * 1024, stream_chunk, copy, stream_done);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *connection,
                              const char *url, const char *method,
                              const char *version, const char *data,
                              size_t *data_size, void **state)
{
	struct upload *up = *state;
	struct request req = { .method = method };
	struct MHD_Response *response;
	struct reply r;
	enum MHD_Result ret;

	(void)cls;
	(void)version;
	if (!up) { /* the headers are in: the body comes next */
		*state = calloc(1, sizeof(*up));
		return *state ? MHD_YES : MHD_NO;
	}
	if (*data_size) {
		char *grown;

		if (up->len + *data_size > MAX_BODY)
			return MHD_NO; /* drops the connection */
		grown = realloc(up->data, up->len + *data_size + 1);
		if (!grown)
			return MHD_NO;
		memcpy(grown + up->len, data, *data_size);
		up->data = grown;
		up->len += *data_size;
		up->data[up->len] = '\0';
		*data_size = 0;
		return MHD_YES;
	}
	req.body = up->data;
	req.body_len = up->len;
	MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, add_query,
	                          &req);
	r = dispatch(&req, url);
	if (!r.body && !r.stream && !r.upgrade)
		r = engine_error(500, "out of memory");
	response = make_response(&r);
	if (!response)
		return MHD_NO;
	MHD_add_response_header(response, "Content-Type",
	                        r.type ? r.type : "application/json");
	MHD_add_response_header(response, "Api-Version", API_VERSION);
	MHD_add_response_header(response, "Server",
	                        "boxd/" BOXD_VERSION " (linux)");
	if (r.upgrade) {
		MHD_add_response_header(response, "Upgrade", "tcp");
		MHD_add_response_header(response, "Connection", "Upgrade");
	}
	if (req.path && !strcmp(req.path, "/_ping")) {
		MHD_add_response_header(response, "Builder-Version", "1");
		MHD_add_response_header(response, "OSType", "linux");
		MHD_add_response_header(response, "Docker-Experimental",
		                        "false");
		MHD_add_response_header(response, "Cache-Control",
		                        "no-cache, no-store, must-revalidate");
		MHD_add_response_header(response, "Pragma", "no-cache");
	}
	ret = MHD_queue_response(
	        connection, r.upgrade ? MHD_HTTP_SWITCHING_PROTOCOLS : r.status,
	        response);
	MHD_destroy_response(response);
	fprintf(stderr, "boxd: %s %s %u\n", method, url,
	        r.upgrade ? 101 : r.status);
	return ret;
}

/* Free a request's gathered body once libmicrohttpd is done with it. */
static void completed(void *cls, struct MHD_Connection *connection,
                      void **state, enum MHD_RequestTerminationCode code)
{
	struct upload *up = *state;

	(void)cls;
	(void)connection;
	(void)code;
	if (up) {
		free(up->data);
		free(up);
	}
	*state = NULL;
}

/* --- the socket ----------------------------------------------------------- */

/* Listen on the unix socket PATH, mode 0660, group GROUP (or root's). A
 * socket file left by a daemon that died is replaced; one a live daemon
 * answers on is not. */
static int listen_unix(const char *path, const char *group)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct group *g = NULL;
	char dir[sizeof(addr.sun_path)], *slash;
	int fd, probe;

	if (strlen(path) >= sizeof(addr.sun_path))
		die("-H unix://%s: path too long", path);
	if (group && !(g = getgrnam(group)))
		die("--group %s: no such group", group);
	strcpy(addr.sun_path, path);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (file_mkdirs(AT_FDCWD, dir, 0755) < 0)
			die_errno(errno, "mkdir %s", dir);
	}
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0 &&
	    connect(probe, (struct sockaddr *)&addr, sizeof(addr)) == 0)
		die("%s: another daemon is listening there", path);
	if (probe >= 0)
		close(probe);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(fd, 64) < 0)
		die_errno(errno, "listen on %s", path);
	if (chmod(path, 0660) < 0 || chown(path, 0, g ? g->gr_gid : 0) < 0)
		die_errno(errno, "%s: set its mode and group", path);
	return fd;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "exec-root", required_argument, NULL, 'e' },
		{ "host", required_argument, NULL, 'H' },
		{ "group", required_argument, NULL, 'g' },
		{ "debug", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *host = DEFAULT_HOST, *group = NULL, *path;
	struct sigaction action = { .sa_handler = on_signal };
	struct MHD_Daemon *daemon;
	int c, fd, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:H:Dh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': engine.root = optarg; break;
		case 'e': engine.exec_root = optarg; break;
		case 'H': host = optarg; break;
		case 'g': group = optarg; break;
		case 'D': engine.debug = true; break;
		case 'h': usage(EXIT_SUCCESS);
		default: die_bad_option(c, argv);
		}
	}
	if (optind != argc)
		die_usage("unexpected argument %s", argv[optind]);
	if (strncmp(host, "unix://", 7) || !host[7])
		die_usage("-H %s: only unix://PATH is supported", host);
	path = host + 7;
	ret = store_open(engine.root, &engine.store);
	if (ret < 0)
		die_errno(ret, "open the store %s", engine.root);
	fd = listen_unix(path, group);
	daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	                                  MHD_USE_THREAD_PER_CONNECTION |
	                                  MHD_ALLOW_UPGRADE | MHD_USE_ERROR_LOG,
	                          0, NULL, NULL, answer, NULL,
	                          MHD_OPTION_LISTEN_SOCKET, fd,
	                          MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	                          MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	                          (size_t)(1 << 20), MHD_OPTION_END);
	if (!daemon)
		die("start the HTTP server on %s", path);
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr, "boxd: API %s (down to %s) on %s, root %s\n",
	        API_VERSION, API_MIN_VERSION, path, engine.root);
	while (!stop)
		pause();
	/* No new connections; those under way (a `wait`, an attach, a log
	 * followed) end with the process: the containers do not, their
	 * monitors are on their own. */
	MHD_quiesce_daemon(daemon);
	unlink(path);
	store_close(&engine.store);
	fprintf(stderr, "boxd: stopped (signal %d)\n", (int)stop);
	exit(EXIT_SUCCESS); /* the connections' threads with it */
}
