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
 * Being built: /_ping, /version, /info and /images/json answer; every
 * other endpoint answers 501 with a JSON message naming it.
 */
#include "api.h"
#include "die.h"
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
#include <sys/utsname.h>
#include <unistd.h>

#define BOXD_VERSION "0.12.0"
#define DEFAULT_HOST "unix:///run/boxlab/boxd.sock"

static struct {
	const char *root;      /* --root: the image and container store */
	const char *exec_root; /* --exec-root: runtime state */
	bool debug;
	struct store store;
} boxd = { .root = "/var/lib/boxlab", .exec_root = "/run/boxlab" };

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
	       API_VERSION, API_MIN_VERSION, boxd.root, boxd.exec_root,
	       DEFAULT_HOST);
	exit(status);
}

/* --- responses ------------------------------------------------------------ */

/* What a handler answers: a status and a body it malloc'd (or NULL). */
struct reply {
	unsigned int status;
	char *body;
	const char *type; /* Content-Type; "application/json" if NULL */
};

static struct reply json_reply(unsigned int status, json_t *doc)
{
	struct reply r = { status, doc ? json_dumps(doc, JSON_COMPACT) : NULL,
		           NULL };

	json_decref(doc);
	if (!r.body)
		r = (struct reply){ 500, api_error_body("out of memory"),
			            NULL };
	return r;
}

static struct reply error_reply(unsigned int status, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static struct reply error_reply(unsigned int status, const char *fmt, ...)
{
	char message[512];
	va_list args;

	va_start(args, fmt);
	vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);
	return (struct reply){ status, api_error_body(message), NULL };
}

/* --- handlers ------------------------------------------------------------- */

struct request {
	const char *method;
	const char *path; /* without the version */
	struct api_version version;
	char args[API_MAX_ARGS][API_ARG_MAX];
	const char *body;
	size_t body_len;
	struct MHD_Connection *connection;
};

/* GET or HEAD /_ping: "OK", and in the headers what the client needs to
 * know before anything else (added in answer()). */
static struct reply handle_ping(struct request *req)
{
	(void)req;
	return (struct reply){ 200, strdup("OK"), "text/plain; charset=utf-8" };
}

/* GET /version: what `docker version` shows under "Server". */
static struct reply handle_version(struct request *req)
{
	struct utsname u;

	(void)req;
	uname(&u);
	return json_reply(
	        200,
	        json_pack("{s:{s:s}, s:[{s:s, s:s, s:{s:s, s:s, s:s, s:s}}],"
	                  " s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	                  "Platform", "Name", "boxlab engine", "Components",
	                  "Name", "Engine", "Version", BOXD_VERSION, "Details",
	                  "ApiVersion", API_VERSION, "MinAPIVersion",
	                  API_MIN_VERSION, "Os", "linux", "Arch", "amd64",
	                  "Version", BOXD_VERSION, "ApiVersion", API_VERSION,
	                  "MinAPIVersion", API_MIN_VERSION, "GitCommit",
	                  "boxlab", "GoVersion", "C (no Go)", "Os", "linux",
	                  "Arch", "amd64", "KernelVersion", u.release,
	                  "BuildTime", __DATE__ " " __TIME__));
}

static int count_tag(const char *ref, const struct digest *id, void *data)
{
	(void)ref;
	(void)id;
	(*(int *)data)++;
	return 0;
}

/* GET /info: the daemon and its machine, for `docker info`. */
static struct reply handle_info(struct request *req)
{
	struct utsname u;
	char host[256] = "";
	int images = 0;

	(void)req;
	uname(&u);
	gethostname(host, sizeof(host) - 1);
	store_each_tag(&boxd.store, count_tag, &images);
	return json_reply(
	        200, json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:s, s:s, s:s,"
	                       " s:s, s:s, s:s, s:s, s:i, s:I, s:s, s:s, s:b,"
	                       " s:s, s:s, s:[[ss]], s:{}, s:[]}",
	                       "ID", "boxlab", "Containers", 0,
	                       "ContainersRunning", 0, "ContainersPaused", 0,
	                       "ContainersStopped", 0, "Images", images,
	                       "Driver", "overlay2", "DockerRootDir", boxd.root,
	                       "KernelVersion", u.release, "OperatingSystem",
	                       "boxlab", "OSType", "linux", "Architecture",
	                       u.machine, "Name", host, "NCPU",
	                       (int)sysconf(_SC_NPROCESSORS_ONLN), "MemTotal",
	                       (json_int_t)sysconf(_SC_PHYS_PAGES) *
	                               (json_int_t)sysconf(_SC_PAGESIZE),
	                       "ServerVersion", BOXD_VERSION, "CgroupDriver",
	                       "cgroupfs", "Debug", boxd.debug, "LoggingDriver",
	                       "json-file", "DefaultRuntime", "boxrun",
	                       "DriverStatus", "Backing Filesystem", "overlay",
	                       "Runtimes", "Warnings"));
}

struct image_list {
	json_t *list;
};

/* One tag of the store as an entry of GET /images/json (the tags of one
 * image are gathered into one entry). */
static int add_image(const char *ref, const struct digest *id, void *data)
{
	struct image_list *images = data;
	struct store_layer *layers = NULL;
	json_t *entry = NULL, *config;
	char *text = NULL;
	size_t i, n = 0;
	json_int_t size = 0;

	for (i = 0; i < json_array_size(images->list); i++) {
		json_t *e = json_array_get(images->list, i);

		if (!strcmp(json_string_value(json_object_get(e, "Id")),
		            id->text))
			entry = e;
	}
	if (entry) {
		json_array_append_new(json_object_get(entry, "RepoTags"),
		                      json_string(ref));
		return 0;
	}
	if (store_image_get(&boxd.store, id, &text, NULL) < 0)
		return 0;
	config = json_loads(text, 0, NULL);
	if (store_image_layers(&boxd.store, text, &layers, &n) == 0)
		for (i = 0; i < n; i++)
			size += layers[i].size;
	json_array_append_new(
	        images->list,
	        json_pack("{s:s, s:s, s:[s], s:[], s:I, s:I, s:I, s:i, s:{}}",
	                  "Id", id->text, "ParentId", "", "RepoTags", ref,
	                  "RepoDigests", "Created", (json_int_t)0, "Size", size,
	                  "SharedSize", (json_int_t)-1, "Containers", -1,
	                  "Labels"));
	json_decref(config);
	free(layers);
	free(text);
	return 0;
}

/* GET /images/json: `docker images`. */
static struct reply handle_images(struct request *req)
{
	struct image_list images = { json_array() };

	(void)req;
	store_each_tag(&boxd.store, add_image, &images);
	return json_reply(200, images.list);
}

/* --- the router ----------------------------------------------------------- */

static const struct route {
	const char *method;
	const char *pattern;
	struct reply (*handle)(struct request *req);
} routes[] = {
	{ "GET", "/_ping", handle_ping },
	{ "HEAD", "/_ping", handle_ping },
	{ "GET", "/version", handle_version },
	{ "GET", "/info", handle_info },
	{ "GET", "/images/json", handle_images },
};

static struct reply dispatch(struct request *req, const char *url)
{
	static const struct api_version oldest = { 1, 24 }, newest = { 1, 50 };
	size_t i;

	if (api_split_version(url, &req->version, &req->path) < 0)
		return error_reply(400, "%s: not a valid API path", url);
	if (api_version_cmp(req->version, oldest) < 0)
		return error_reply(
		        400,
		        "client version %u.%u is too old. Minimum "
		        "supported API version is %s, please upgrade "
		        "your client to a newer version",
		        req->version.major, req->version.minor,
		        API_MIN_VERSION);
	if (api_version_cmp(req->version, newest) > 0)
		return error_reply(400,
		                   "client version %u.%u is too new. Maximum "
		                   "supported API version is %s",
		                   req->version.major, req->version.minor,
		                   API_VERSION);
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (!strcmp(routes[i].method, req->method) &&
		    api_match(routes[i].pattern, req->path, req->args) >= 0)
			return routes[i].handle(req);
	return error_reply(501, "boxd: %s %s is not implemented", req->method,
	                   req->path);
}

/* --- HTTP ----------------------------------------------------------------- */

/* A request's body, gathered over the calls libmicrohttpd makes. */
struct upload {
	char *data;
	size_t len;
};

#define MAX_BODY (64u << 20)

static enum MHD_Result answer(void *cls, struct MHD_Connection *connection,
                              const char *url, const char *method,
                              const char *version, const char *data,
                              size_t *data_size, void **state)
{
	struct upload *up = *state;
	struct request req = { .method = method, .connection = connection };
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
	r = dispatch(&req, url);
	if (!r.body)
		r = error_reply(500, "out of memory");
	response = MHD_create_response_from_buffer(strlen(r.body), r.body,
	                                           MHD_RESPMEM_MUST_FREE);
	if (!response)
		return MHD_NO;
	MHD_add_response_header(response, "Content-Type",
	                        r.type ? r.type : "application/json");
	MHD_add_response_header(response, "Api-Version", API_VERSION);
	MHD_add_response_header(response, "Server",
	                        "boxd/" BOXD_VERSION " (linux)");
	if (!strcmp(req.path ? req.path : "", "/_ping")) {
		MHD_add_response_header(response, "Builder-Version", "1");
		MHD_add_response_header(response, "OSType", "linux");
		MHD_add_response_header(response, "Docker-Experimental",
		                        "false");
		MHD_add_response_header(response, "Cache-Control",
		                        "no-cache, no-store, must-revalidate");
		MHD_add_response_header(response, "Pragma", "no-cache");
	}
	ret = MHD_queue_response(connection, r.status, response);
	MHD_destroy_response(response);
	fprintf(stderr, "boxd: %s %s %u\n", method, url, r.status);
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
		case 'r': boxd.root = optarg; break;
		case 'e': boxd.exec_root = optarg; break;
		case 'H': host = optarg; break;
		case 'g': group = optarg; break;
		case 'D': boxd.debug = true; break;
		case 'h': usage(EXIT_SUCCESS);
		default: die_bad_option(c, argv);
		}
	}
	if (optind != argc)
		die_usage("unexpected argument %s", argv[optind]);
	if (strncmp(host, "unix://", 7) || !host[7])
		die_usage("-H %s: only unix://PATH is supported", host);
	path = host + 7;
	ret = store_open(boxd.root, &boxd.store);
	if (ret < 0)
		die_errno(ret, "open the store %s", boxd.root);
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
	        API_VERSION, API_MIN_VERSION, path, boxd.root);
	while (!stop)
		pause();
	MHD_stop_daemon(daemon);
	unlink(path);
	store_close(&boxd.store);
	fprintf(stderr, "boxd: stopped (signal %d)\n", (int)stop);
	return EXIT_SUCCESS;
}
