/* box - the lab's client for boxd, in C with libcurl over the unix socket.
 *
 *	box [-H unix://PATH] COMMAND [ARG...]
 *
 * The other half of the overview's client-server picture: each command
 * is one or a few HTTP requests to the daemon's Engine API, and what
 * comes back printed as the docker CLI would. An error from the daemon
 * (a status of 400 or more, body {"message": ...}) is printed as
 * "box: Error response from daemon: MESSAGE".
 *
 * Commands: version, info, images, build, rmi, run, exec, ps, logs,
 * inspect, stop, kill, restart, pause, unpause, rm.
 */
#include "api.h"
#include "cg.h"
#include "die.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define BOX_VERSION "0.12.0"

static const char *socket_path = "/run/boxlab/boxd.sock";

static noreturn void usage(int status)
{
	printf("usage: box [-H unix://PATH] COMMAND [ARG...]\n"
	       "The lab's client for boxd (default socket %s, or $BOX_HOST).\n"
	       "  version   the client's and the daemon's versions\n"
	       "  info      the daemon and its machine\n"
	       "  images    the images in the daemon's store\n"
	       "  build [-t TAG] [-f DOCKERFILE] DIR\n"
	       "  rmi IMAGE...\n"
	       "  run [-d] [-i] [-t] [--rm] [--name N] [-m SIZE]\n"
	       "      [-p [IP:][HOSTPORT:]PORT]... [-e NAME=VALUE]...\n"
	       "      [--network none|bridge|host] IMAGE [CMD...]\n"
	       "  exec [-i] [-t] ID CMD...\n"
	       "  ps [-a] | logs [-f] ID | inspect ID | rm [-f] ID\n"
	       "  stop | kill | restart | pause | unpause ID\n",
	       socket_path);
	exit(status);
}

/* A response body, gathered. */
struct body {
	char *data;
	size_t len;
};

static size_t gather(char *data, size_t size, size_t n, void *cls)
{
	struct body *b = cls;
	char *grown = realloc(b->data, b->len + size * n + 1);

	if (!grown)
		return 0;
	memcpy(grown + b->len, data, size * n);
	b->data = grown;
	b->len += size * n;
	b->data[b->len] = '\0';
	return size * n;
}

/* METHOD PATH (with the API version in front) to the daemon, with the
 * JSON text SEND as the body (or none); the answer's body in *RET (free
 * RET->data). Returns the HTTP status. Dies on a failure to talk to it,
 * or, unless LENIENT, on an error status, with the daemon's message. */
static long request(const char *method, const char *path, const char *send,
                    struct body *ret, bool lenient)
{
	char url[2048], error[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = NULL;
	long status = 0;
	CURLcode rc;
	CURL *curl = curl_easy_init();

	if (!curl)
		die("curl_easy_init failed");
	*ret = (struct body){ 0 };
	snprintf(url, sizeof(url), "http://localhost/v%s%s", API_VERSION, path);
	curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket_path);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, gather);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, ret);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "box/" BOX_VERSION);
	if (send) {
		headers = curl_slist_append(headers,
		                            "Content-Type: application/json");
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, send);
	}
	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK)
		die("cannot reach the daemon at unix://%s: %s (is boxd "
		    "running?)",
		    socket_path, error[0] ? error : curl_easy_strerror(rc));
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(curl);
	curl_slist_free_all(headers);
	if (status >= 400 && !lenient) {
		json_t *doc = ret->data ? json_loads(ret->data, 0, NULL) : NULL;
		const char *message =
		        json_string_value(json_object_get(doc, "message"));

		die("Error response from daemon: %s",
		    message ? message : (ret->data ? ret->data : "(no body)"));
	}
	return status;
}

/* request() whose answer is JSON: the document. */
static json_t *call(const char *method, const char *path)
{
	struct body body;
	json_t *doc;

	request(method, path, NULL, &body, false);
	doc = body.data ? json_loads(body.data, 0, NULL) : NULL;
	if (!doc)
		die("%s %s: the daemon's answer is not JSON", method, path);
	free(body.data);
	return doc;
}

/* request() whose answer does not matter, only success. */
static void act(const char *method, const char *path)
{
	struct body body;

	request(method, path, NULL, &body, false);
	free(body.data);
}

static const char *str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

static int cmd_version(void)
{
	json_t *server;
	struct utsname u;

	uname(&u);
	printf("Client:\n"
	       " Version:           %s\n"
	       " API version:       %s\n"
	       " Built with:        C, libcurl %s, jansson %s\n"
	       " OS/Arch:           linux/%s\n\n",
	       BOX_VERSION, API_VERSION,
	       curl_version_info(CURLVERSION_NOW)->version, JANSSON_VERSION,
	       /* Go's names, which the server's side uses too */
	       !strcmp(u.machine, "x86_64")    ? "amd64"
	       : !strcmp(u.machine, "aarch64") ? "arm64"
	                                       : u.machine);
	server = call("GET", "/version");
	printf("Server: %s\n"
	       " Engine:\n"
	       "  Version:          %s\n"
	       "  API version:      %s (minimum version %s)\n"
	       "  Git commit:       %s\n"
	       "  Built:            %s\n"
	       "  OS/Arch:          %s/%s\n"
	       "  Kernel:           %s\n",
	       str(json_object_get(server, "Platform"), "Name"),
	       str(server, "Version"), str(server, "ApiVersion"),
	       str(server, "MinAPIVersion"), str(server, "GitCommit"),
	       str(server, "BuildTime"), str(server, "Os"), str(server, "Arch"),
	       str(server, "KernelVersion"));
	json_decref(server);
	return EXIT_SUCCESS;
}

static int cmd_info(void)
{
	json_t *info = call("GET", "/info");

	printf("Server Version: %s\n"
	       "Storage Driver: %s\n"
	       "Docker Root Dir: %s\n"
	       "Images: %lld\n"
	       "Containers: %lld\n"
	       "Default Runtime: %s\n"
	       "Kernel Version: %s\n"
	       "Operating System: %s\n"
	       "CPUs: %lld\n",
	       str(info, "ServerVersion"), str(info, "Driver"),
	       str(info, "DockerRootDir"),
	       (long long)json_integer_value(json_object_get(info, "Images")),
	       (long long)json_integer_value(
	               json_object_get(info, "Containers")),
	       str(info, "DefaultRuntime"), str(info, "KernelVersion"),
	       str(info, "OperatingSystem"),
	       (long long)json_integer_value(json_object_get(info, "NCPU")));
	json_decref(info);
	return EXIT_SUCCESS;
}

static int cmd_images(void)
{
	json_t *list = call("GET", "/images/json"), *image, *tag;
	size_t i, j;

	printf("%-20s %-10s %-14s %s\n", "REPOSITORY", "TAG", "IMAGE ID",
	       "SIZE");
	json_array_foreach(list, i, image)
	{
		json_array_foreach(json_object_get(image, "RepoTags"), j, tag)
		{
			const char *ref = json_string_value(tag);
			const char *colon = ref ? strrchr(ref, ':') : NULL;
			const char *id = str(image, "Id");

			if (!colon)
				continue;
			printf("%-20.*s %-10s %-14.12s %lld\n",
			       (int)(colon - ref), ref, colon + 1,
			       strncmp(id, "sha256:", 7) ? id : id + 7,
			       (long long)json_integer_value(
			               json_object_get(image, "Size")));
		}
	}
	json_decref(list);
	return EXIT_SUCCESS;
}

/* Write a frame's payload to stdout or stderr. */
static void to_stream(int stream, const char *bytes, size_t n, void *cls)
{
	(void)cls;
	fwrite(bytes, 1, n, stream == API_STDERR ? stderr : stdout);
	fflush(stream == API_STDERR ? stderr : stdout);
}

/* A connection of its own to the daemon's socket, for a request written
 * by hand (libcurl's easy interface waits for each answer); dies if the
 * daemon is not there. */
static int connect_daemon(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die_errno(errno, "connect to unix://%s", socket_path);
	return fd;
}

/* POST /containers/ID/wait?condition=CONDITION on a connection of its
 * own, sent now and answered later, as the docker CLI does before start:
 * a container run with --rm is gone by the time its output has ended,
 * and a wait asked for then would find nothing. Returns the connection,
 * for wait_collect(). */
static int wait_early(const char *id, const char *condition)
{
	char req[512];
	int fd;

	fd = connect_daemon();
	snprintf(req, sizeof(req),
	         "POST /v%s/containers/%s/wait?condition=%s HTTP/1.1\r\n"
	         "Host: boxd\r\nUser-Agent: box/%s\r\nConnection: close\r\n"
	         "Content-Length: 0\r\n\r\n",
	         API_VERSION, id, condition, BOX_VERSION);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		die_errno(errno, "wait for %s", id);
	return fd;
}

/* The StatusCode of the answer on FD (wait_early()), read to its end. */
static int wait_collect(int fd, const char *id)
{
	char answer[8192], *doc;
	size_t got = 0;
	json_t *status;
	ssize_t n;
	int code;

	while (got < sizeof(answer) - 1 &&
	       (n = read(fd, answer + got, sizeof(answer) - 1 - got)) > 0)
		got += (size_t)n;
	answer[got] = '\0';
	close(fd);
	doc = strstr(answer, "{\"StatusCode\"");
	if (strncmp(answer, "HTTP/1.1 200", 12) || !doc)
		die("wait for %s: %.*s", id, (int)strcspn(answer, "\r"),
		    got ? answer : "no answer");
	status = json_loads(doc, JSON_DISABLE_EOF_CHECK, NULL);
	code = (int)json_integer_value(json_object_get(status, "StatusCode"));
	json_decref(status);
	return code;
}

/* METHOD PATH with the JSON text BODY (or none), by hand, asking for
 * the connection to be upgraded: the request, the "101 UPGRADED"
 * answer, then the connection is a raw pipe (the container's output in
 * frames without a terminal: exercise 12.4 reads them; what we write is
 * its input). Returns the connected socket, positioned after the headers
 * (*EXTRA, *EXTRA_LEN: output already read with them), or dies naming
 * WHAT. */
static int upgrade(const char *path, const char *body, const char *what,
                   char *extra, size_t size, size_t *extra_len)
{
	size_t got = 0, len = body ? strlen(body) : 0;
	char req[1024], *end = NULL;
	int fd;

	fd = connect_daemon();
	snprintf(req, sizeof(req),
	         "POST /v%s%s HTTP/1.1\r\nHost: boxd\r\nUser-Agent: box/%s\r\n"
	         "Connection: Upgrade\r\nUpgrade: tcp\r\n%s"
	         "Content-Length: %zu\r\n\r\n",
	         API_VERSION, path, BOX_VERSION,
	         body ? "Content-Type: application/json\r\n" : "", len);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req) ||
	    (len && write(fd, body, len) != (ssize_t)len))
		die_errno(errno, "%s", what);
	while (got < size - 1) {
		ssize_t n = read(fd, extra + got, size - 1 - got);

		if (n <= 0)
			die("%s: the daemon closed the connection", what);
		got += (size_t)n;
		extra[got] = '\0';
		if ((end = strstr(extra, "\r\n\r\n")))
			break;
	}
	if (!end || strncmp(extra, "HTTP/1.1 101", 12)) {
		/* An error: {"message": ...} after the headers. */
		json_t *doc =
		        end ? json_loads(end + 4, JSON_DISABLE_EOF_CHECK, NULL)
		            : NULL;
		const char *message =
		        json_string_value(json_object_get(doc, "message"));

		if (message)
			die("Error response from daemon: %s", message);
		die("%s: %.*s", what, (int)strcspn(extra, "\r"), extra);
	}
	end += 4;
	*extra_len = got - (size_t)(end - extra);
	memmove(extra, end, *extra_len);
	return fd;
}

/* POST /containers/ID/attach, with STDIN too if asked. */
static int attach(const char *id, bool with_stdin, char *extra, size_t size,
                  size_t *extra_len)
{
	char path[512], what[128];

	snprintf(path, sizeof(path),
	         "/containers/%s/attach?stream=1&stdout=1&stderr=1%s", id,
	         with_stdin ? "&stdin=1" : "");
	snprintf(what, sizeof(what), "attach %.12s", id);
	return upgrade(path, NULL, what, extra, size, extra_len);
}

/* The terminal's settings before raw mode, to put back at exit. */
static struct termios saved_tty;
static bool tty_raw;

static void tty_restore(void)
{
	if (tty_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
	tty_raw = false;
}

/* Our terminal in raw mode: every key goes to the container's terminal
 * as it is typed, which does the echoing and line editing itself. */
static void tty_make_raw(void)
{
	struct termios raw;

	if (tcgetattr(STDIN_FILENO, &saved_tty) < 0)
		return;
	raw = saved_tty;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) {
		tty_raw = true;
		atexit(tty_restore);
	}
}

/* Tell the daemon our terminal's size, for the container's (PATH:
 * "/containers/ID" or "/exec/ID"). */
static void tty_resize(const char *path)
{
	struct winsize ws;
	char url[512];
	struct body body;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 || !ws.ws_row)
		return;
	snprintf(url, sizeof(url), "%s/resize?h=%u&w=%u", path, ws.ws_row,
	         ws.ws_col);
	/* An exec's terminal exists a moment after its start: until then
	 * the daemon answers 409, and we ask again, as the docker CLI
	 * does. */
	for (int i = 0; i < 50; i++) {
		struct timespec pause = { 0, 20 * 1000 * 1000 };
		long status = request("POST", url, NULL, &body, true);

		free(body.data);
		if (status != 409)
			break;
		nanosleep(&pause, NULL);
	}
}

/* Copy between the upgraded connection FD and us until the daemon ends
 * it: what comes is output (demultiplexed unless TTY), our stdin goes
 * in if WITH_STDIN (its end, without a terminal, is sent as a
 * half-close). EXTRA: output read with the headers. */
static void relay(int fd, bool tty, bool with_stdin, const char *extra,
                  size_t extra_len)
{
	struct api_demux demux = { 0 };
	char buf[16384];
	bool input = with_stdin;

	if (extra_len && tty)
		fwrite(extra, 1, extra_len, stdout), fflush(stdout);
	else if (extra_len &&
	         api_demux_feed(&demux, extra, extra_len, to_stream, NULL) < 0)
		die("not a multiplexed stream");
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
			               { .fd = input ? STDIN_FILENO : -1,
			                 .events = POLLIN } };
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0)
				break;
			if (tty) {
				fwrite(buf, 1, (size_t)n, stdout);
				fflush(stdout);
			} else if (api_demux_feed(&demux, buf, (size_t)n,
			                          to_stream, NULL) < 0) {
				die("not a multiplexed stream");
			}
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n > 0 && write(fd, buf, (size_t)n) == n)
				continue;
			input = false;
			if (!tty)
				shutdown(fd, SHUT_WR);
		}
	}
	close(fd);
}

/* box run [-d] [--rm] [--name NAME] [-m BYTES] IMAGE [CMD...]: create,
 * attach, start, wait, as docker run does; the exit status is the
 * container's. */
static int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "detach", no_argument, NULL, 'd' },
		{ "rm", no_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "memory", required_argument, NULL, 'm' },
		{ "publish", required_argument, NULL, 'p' },
		{ "env", required_argument, NULL, 'e' },
		{ "network", required_argument, NULL, 'N' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "tty", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	bool detach = false, rm = false, interactive = false, tty = false;
	const char *name = NULL, *network = "default";
	uint64_t memory = 0;
	json_t *create, *cmd = json_array(), *created;
	json_t *env = json_array(), *exposed = json_object(),
	       *bindings = json_object();
	char path[512], buf[16384], id[65], *text;
	struct api_publish publish;
	struct body body;
	size_t extra_len;
	int opt, fd, waiter;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:dn:m:p:e:it", longopts,
	                          NULL)) != -1) {
		switch (opt) {
		case 'd': detach = true; break;
		case 'i': interactive = true; break;
		case 't': tty = true; break;
		case 'r': rm = true; break;
		case 'n': name = optarg; break;
		case 'm': {
			/* docker takes 64m as well as 64M; chapter 05's
			 * parser, the capitals. */
			char size[32];

			snprintf(size, sizeof(size), "%s", optarg);
			for (char *p = size; *p; p++)
				*p = (char)toupper((unsigned char)*p);
			if (cg_parse_size(size, &memory) < 0)
				die_usage("--memory %s: expected a size (64m, "
				          "1g, 65536)",
				          optarg);
			break;
		}
		case 'p': {
			/* What docker's CLI sends for -p: the port exposed,
			 * and where the host publishes it. */
			char key[16], host_port[8] = "";

			if (api_publish_parse(optarg, &publish) < 0)
				die_usage("-p %s: expected "
				          "[IP:][HOSTPORT:]PORT[/tcp]",
				          optarg);
			snprintf(key, sizeof(key), "%d/%s", publish.port,
			         publish.proto);
			if (publish.host_port)
				snprintf(host_port, sizeof(host_port), "%d",
				         publish.host_port);
			json_object_set_new(exposed, key, json_object());
			if (!json_object_get(bindings, key))
				json_object_set_new(bindings, key,
				                    json_array());
			json_array_append_new(json_object_get(bindings, key),
			                      json_pack("{s:s, s:s}", "HostIp",
			                                publish.host_ip,
			                                "HostPort", host_port));
			break;
		}
		case 'e':
			json_array_append_new(env, json_string(optarg));
			break;
		case 'N': network = optarg; break;
		default: die_bad_option(opt, argv);
		}
	}
	if (optind >= argc)
		die_usage("run needs an image");
	for (int i = optind + 1; i < argc; i++)
		json_array_append_new(cmd, json_string(argv[i]));
	if (tty && !isatty(STDIN_FILENO))
		die("the input device is not a TTY");
	create = json_pack("{s:s, s:o, s:o, s:o, s:b, s:b, s:b, s:b,"
	                   " s:{s:b, s:I, s:s, s:o}}",
	                   "Image", argv[optind], "Cmd", cmd, "Env", env,
	                   "ExposedPorts", exposed, "Tty", tty, "OpenStdin",
	                   interactive, "AttachStdin", interactive, "StdinOnce",
	                   interactive, "HostConfig", "AutoRemove", rm,
	                   "Memory", (json_int_t)memory, "NetworkMode", network,
	                   "PortBindings", bindings);
	text = json_dumps(create, JSON_COMPACT);
	json_decref(create);
	snprintf(path, sizeof(path), "/containers/create%s%s",
	         name ? "?name=" : "", name ? name : "");
	request("POST", path, text, &body, false);
	free(text);
	created = json_loads(body.data, 0, NULL);
	free(body.data);
	snprintf(id, sizeof(id), "%s", str(created, "Id"));
	json_decref(created);
	if (detach) {
		snprintf(path, sizeof(path), "/containers/%s/start", id);
		act("POST", path);
		printf("%s\n", id);
		return EXIT_SUCCESS;
	}
	fd = attach(id, interactive, buf, sizeof(buf), &extra_len);
	waiter = wait_early(id, rm ? "removed" : "next-exit");
	snprintf(path, sizeof(path), "/containers/%s/start", id);
	act("POST", path);
	if (tty) {
		snprintf(path, sizeof(path), "/containers/%s", id);
		tty_resize(path);
		tty_make_raw();
	}
	relay(fd, tty, interactive, buf, extra_len);
	tty_restore();
	return wait_collect(waiter, id);
}

/* box ps [-a]. */
static int cmd_ps(int argc, char **argv)
{
	bool all = argc > 1 &&
	           (!strcmp(argv[1], "-a") || !strcmp(argv[1], "--all"));
	json_t *list = call("GET", all ? "/containers/json?all=1"
	                               : "/containers/json"),
	       *c;
	size_t i;

	printf("%-14s %-12s %-24s %-34s %s\n", "CONTAINER ID", "IMAGE",
	       "COMMAND", "STATUS", "NAMES");
	json_array_foreach(list, i, c)
	{
		const char *name = json_string_value(
		        json_array_get(json_object_get(c, "Names"), 0));

		printf("%-14.12s %-12s %-24.24s %-34s %s\n", str(c, "Id"),
		       str(c, "Image"), str(c, "Command"), str(c, "Status"),
		       name ? name + (name[0] == '/') : "");
	}
	json_decref(list);
	return EXIT_SUCCESS;
}

/* Each piece of a streamed answer, through the demultiplexer (or as it
 * is, a terminal's). */
struct logs_out {
	struct api_demux demux;
	bool raw; /* not frames: a terminal's stream */
};

static size_t logs_piece(char *data, size_t size, size_t n, void *cls)
{
	struct logs_out *o = cls;

	if (o->raw) {
		fwrite(data, 1, size * n, stdout);
		fflush(stdout);
	} else if (api_demux_feed(&o->demux, data, size * n, to_stream, NULL) <
	           0) {
		return 0;
	}
	return size * n;
}

/* box logs [-f] ID: the frames of GET /containers/ID/logs, as they
 * come (with -f, until the container ends). */
static int cmd_logs(int argc, char **argv)
{
	bool follow = argc == 3 &&
	              (!strcmp(argv[1], "-f") || !strcmp(argv[1], "--follow"));
	struct logs_out out = { 0 };
	char url[2048], error[CURL_ERROR_SIZE] = "";
	json_t *container;
	long status = 0;
	CURLcode rc;
	CURL *curl;

	if (argc != 2 && !follow)
		die_usage("logs [-f] CONTAINER");
	/* With a terminal the log is one stream, not frames: the
	 * container's Config.Tty says which, as the docker CLI asks it. */
	snprintf(url, sizeof(url), "/containers/%s/json", argv[argc - 1]);
	container = call("GET", url);
	out.raw = json_is_true(
	        json_object_get(json_object_get(container, "Config"), "Tty"));
	json_decref(container);
	curl = curl_easy_init();
	if (!curl)
		die("curl_easy_init failed");
	snprintf(url, sizeof(url),
	         "http://localhost/v%s/containers/%s/logs?stdout=1&stderr=1%s",
	         API_VERSION, argv[argc - 1], follow ? "&follow=1" : "");
	curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket_path);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, logs_piece);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "box/" BOX_VERSION);
	curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(curl);
	if (status == 404)
		die("Error response from daemon: No such container: %s",
		    argv[argc - 1]);
	if (rc != CURLE_OK)
		die("logs %s: %s", argv[argc - 1],
		    error[0] ? error : curl_easy_strerror(rc));
	return EXIT_SUCCESS;
}

/* box exec [-i] [-t] ID CMD...: an exec instance, started on an
 * upgraded connection like attach; its exit code from exec's JSON. */
static int cmd_exec(int argc, char **argv)
{
	bool interactive = false, tty = false;
	char path[512], buf[16384], exec_id[80], *text;
	json_t *cmd = json_array(), *doc;
	struct body body;
	size_t extra_len;
	int opt, fd, code;

	optind = 1;
	while ((opt = getopt(argc, argv, "+:it")) != -1) {
		switch (opt) {
		case 'i': interactive = true; break;
		case 't': tty = true; break;
		default: die_bad_option(opt, argv);
		}
	}
	if (argc - optind < 2)
		die_usage("exec [-i] [-t] CONTAINER COMMAND [ARG...]");
	if (tty && !isatty(STDIN_FILENO))
		die("the input device is not a TTY");
	for (int i = optind + 1; i < argc; i++)
		json_array_append_new(cmd, json_string(argv[i]));
	doc = json_pack("{s:b, s:b, s:b, s:b, s:o}", "AttachStdin", interactive,
	                "AttachStdout", 1, "AttachStderr", 1, "Tty", tty, "Cmd",
	                cmd);
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	snprintf(path, sizeof(path), "/containers/%s/exec", argv[optind]);
	request("POST", path, text, &body, false);
	free(text);
	doc = json_loads(body.data, 0, NULL);
	free(body.data);
	snprintf(exec_id, sizeof(exec_id), "%s", str(doc, "Id"));
	json_decref(doc);
	snprintf(path, sizeof(path), "/exec/%s/start", exec_id);
	fd = upgrade(path,
	             tty ? "{\"Detach\":false,\"Tty\":true}"
	                 : "{\"Detach\":false,\"Tty\":false}",
	             "exec", buf, sizeof(buf), &extra_len);
	if (tty) {
		snprintf(path, sizeof(path), "/exec/%s", exec_id);
		tty_resize(path);
		tty_make_raw();
	}
	relay(fd, tty, interactive, buf, extra_len);
	tty_restore();
	snprintf(path, sizeof(path), "/exec/%s/json", exec_id);
	doc = call("GET", path);
	code = (int)json_integer_value(json_object_get(doc, "ExitCode"));
	json_decref(doc);
	return code;
}

/* box rmi IMAGE...: what the daemon untagged and deleted. */
static int cmd_rmi(int argc, char **argv)
{
	char path[512];
	json_t *list, *item;
	size_t i;

	if (argc < 2)
		die_usage("rmi IMAGE [IMAGE...]");
	for (int a = 1; a < argc; a++) {
		snprintf(path, sizeof(path), "/images/%s", argv[a]);
		list = call("DELETE", path);
		json_array_foreach(list, i, item)
		{
			if (json_object_get(item, "Untagged"))
				printf("Untagged: %s\n", str(item, "Untagged"));
			if (json_object_get(item, "Deleted"))
				printf("Deleted: %s\n", str(item, "Deleted"));
		}
		json_decref(list);
	}
	return EXIT_SUCCESS;
}

/* The build context: DIR as a tar archive in memory (libarchive reads
 * the directory, writes the archive). */
struct tar_buf {
	char *data;
	size_t len, cap;
};

static la_ssize_t tar_write(struct archive *a, void *cls, const void *data,
                            size_t n)
{
	struct tar_buf *t = cls;

	(void)a;
	while (t->len + n > t->cap) {
		char *grown = realloc(t->data, t->cap ? t->cap * 2 : 65536);

		if (!grown)
			return -1;
		t->data = grown;
		t->cap = t->cap ? t->cap * 2 : 65536;
	}
	memcpy(t->data + t->len, data, n);
	t->len += n;
	return (la_ssize_t)n;
}

static void tar_context(const char *dir, struct tar_buf *out)
{
	struct archive *disk = archive_read_disk_new(),
	               *tar = archive_write_new();
	struct archive_entry *entry;
	char buf[65536];
	ssize_t n;
	int r, fd;

	archive_write_set_format_pax_restricted(tar);
	if (archive_write_open(tar, out, NULL, tar_write, NULL) != ARCHIVE_OK ||
	    archive_read_disk_open(disk, ".") != ARCHIVE_OK)
		die("build context %s: %s", dir, archive_error_string(tar));
	for (;;) {
		entry = archive_entry_new();
		r = archive_read_next_header2(disk, entry);
		if (r != ARCHIVE_OK)
			break;
		archive_read_disk_descend(disk);
		if (!strcmp(archive_entry_pathname(entry), ".")) {
			archive_entry_free(entry);
			continue;
		}
		/* "./Dockerfile" as "Dockerfile", as the docker CLI sends
		 * it; the file is still read from its source path. */
		if (!strncmp(archive_entry_pathname(entry), "./", 2)) {
			char *name = strdup(archive_entry_pathname(entry) + 2);

			archive_entry_copy_sourcepath(
			        entry, archive_entry_pathname(entry));
			archive_entry_copy_pathname(entry, name);
			free(name);
		}
		if (archive_write_header(tar, entry) != ARCHIVE_OK)
			die("build context %s: %s", dir,
			    archive_error_string(tar));
		if (archive_entry_filetype(entry) == AE_IFREG &&
		    (fd = open(archive_entry_sourcepath(entry),
		               O_RDONLY | O_CLOEXEC)) >= 0) {
			while ((n = read(fd, buf, sizeof(buf))) > 0)
				archive_write_data(tar, buf, (size_t)n);
			close(fd);
		}
		archive_entry_free(entry);
	}
	archive_entry_free(entry);
	if (r != ARCHIVE_EOF)
		die("build context %s: %s", dir, archive_error_string(disk));
	archive_read_free(disk);
	archive_write_close(tar);
	archive_write_free(tar);
}

/* Each line of the build's progress: {"stream": ...} printed as it
 * comes, {"error": ...} remembered. */
struct build_out {
	char line[65536];
	size_t len;
	char error[1024];
	char id[80];
};

static void build_line(struct build_out *b)
{
	json_t *doc;

	b->line[b->len] = '\0';
	doc = json_loads(b->line, 0, NULL);
	if (json_object_get(doc, "stream")) {
		fputs(str(doc, "stream"), stdout);
		fflush(stdout);
	}
	if (json_object_get(doc, "error"))
		snprintf(b->error, sizeof(b->error), "%s", str(doc, "error"));
	if (json_object_get(json_object_get(doc, "aux"), "ID"))
		snprintf(b->id, sizeof(b->id), "%s",
		         str(json_object_get(doc, "aux"), "ID"));
	json_decref(doc);
	b->len = 0;
}

static size_t build_piece(char *data, size_t size, size_t n, void *cls)
{
	struct build_out *b = cls;

	for (size_t i = 0; i < size * n; i++) {
		if (data[i] == '\n')
			build_line(b);
		else if (b->len < sizeof(b->line) - 1)
			b->line[b->len++] = data[i];
	}
	return size * n;
}

/* box build [-t TAG] [-f FILE] DIR: DIR sent as a tar archive to POST
 * /build (the legacy builder's API), its progress printed as it comes. */
static int cmd_build(int argc, char **argv)
{
	const char *tag = NULL, *file = NULL;
	struct build_out *out = calloc(1, sizeof(*out));
	struct curl_slist *headers = NULL;
	char url[2048], error[CURL_ERROR_SIZE] = "", *etag = NULL,
	                *efile = NULL;
	struct tar_buf context = { 0 };
	int opt, dirfd, cwd;
	long status = 0;
	CURLcode rc;
	CURL *curl;

	optind = 1;
	while ((opt = getopt(argc, argv, "+:t:f:")) != -1) {
		switch (opt) {
		case 't': tag = optarg; break;
		case 'f': file = optarg; break;
		default: die_bad_option(opt, argv);
		}
	}
	if (argc - optind != 1 || !out)
		die_usage("build [-t TAG] [-f DOCKERFILE] DIR");
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dirfd = open(argv[optind], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0 || fchdir(dirfd) < 0)
		die_errno(errno, "build context %s", argv[optind]);
	tar_context(argv[optind], &context);
	if (cwd >= 0 && fchdir(cwd) < 0)
		die_errno(errno, "chdir back");
	curl = curl_easy_init();
	if (!curl)
		die("curl_easy_init failed");
	etag = tag ? curl_easy_escape(curl, tag, 0) : NULL;
	efile = file ? curl_easy_escape(curl, file, 0) : NULL;
	snprintf(url, sizeof(url), "http://localhost/v%s/build?rm=1%s%s%s%s",
	         API_VERSION, etag ? "&t=" : "", etag ? etag : "",
	         efile ? "&dockerfile=" : "", efile ? efile : "");
	headers = curl_slist_append(headers, "Content-Type: application/x-tar");
	curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket_path);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS,
	                 context.data ? context.data : "");
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
	                 (curl_off_t)context.len);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, build_piece);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "box/" BOX_VERSION);
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_free(etag);
	curl_free(efile);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	free(context.data);
	if (rc != CURLE_OK)
		die("cannot reach the daemon at unix://%s: %s", socket_path,
		    error[0] ? error : curl_easy_strerror(rc));
	if (out->len)
		build_line(out);
	if (status >= 400 || out->error[0]) {
		json_t *doc = json_loads(out->line, 0, NULL);

		die("Error response from daemon: %s",
		    out->error[0] ? out->error : str(doc, "message"));
	}
	free(out);
	return EXIT_SUCCESS;
}

/* box stop ID, box rm [-f] ID, box inspect ID. */
static int cmd_simple(int argc, char **argv)
{
	bool force = argc > 2 && !strcmp(argv[1], "-f");
	const char *id = argv[argc - 1];
	char path[512];
	json_t *doc;
	char *text;

	if (argc < 2)
		die_usage("%s needs a container", argv[0]);
	if (!strcmp(argv[0], "stop") || !strcmp(argv[0], "pause") ||
	    !strcmp(argv[0], "unpause") || !strcmp(argv[0], "restart") ||
	    !strcmp(argv[0], "kill")) {
		snprintf(path, sizeof(path), "/containers/%s/%s", id, argv[0]);
		act("POST", path);
	} else if (!strcmp(argv[0], "rm")) {
		snprintf(path, sizeof(path), "/containers/%s%s", id,
		         force ? "?force=1" : "");
		act("DELETE", path);
	} else {
		snprintf(path, sizeof(path), "/containers/%s/json", id);
		doc = call("GET", path);
		text = json_dumps(doc, JSON_INDENT(4));
		printf("[\n%s\n]\n", text ? text : "");
		free(text);
		json_decref(doc);
		return EXIT_SUCCESS;
	}
	printf("%s\n", id);
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *host = getenv("BOX_HOST");
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:H:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'H': host = optarg; break;
		case 'h': usage(EXIT_SUCCESS);
		default: die_bad_option(c, argv);
		}
	}
	if (host) {
		if (strncmp(host, "unix://", 7) || !host[7])
			die_usage("-H %s: only unix://PATH is supported", host);
		socket_path = host + 7;
	}
	if (optind == argc)
		die_usage("no command");
	curl_global_init(
	        CURL_GLOBAL_NOTHING); /* a unix socket: no TLS to set up */
	if (!strcmp(argv[optind], "version"))
		return cmd_version();
	if (!strcmp(argv[optind], "info"))
		return cmd_info();
	if (!strcmp(argv[optind], "images"))
		return cmd_images();
	if (!strcmp(argv[optind], "run"))
		return cmd_run(argc - optind, argv + optind);
	if (!strcmp(argv[optind], "ps"))
		return cmd_ps(argc - optind, argv + optind);
	if (!strcmp(argv[optind], "logs"))
		return cmd_logs(argc - optind, argv + optind);
	if (!strcmp(argv[optind], "exec"))
		return cmd_exec(argc - optind, argv + optind);
	if (!strcmp(argv[optind], "rmi"))
		return cmd_rmi(argc - optind, argv + optind);
	if (!strcmp(argv[optind], "build"))
		return cmd_build(argc - optind, argv + optind);
	if (!strcmp(argv[optind], "stop") || !strcmp(argv[optind], "rm") ||
	    !strcmp(argv[optind], "inspect") ||
	    !strcmp(argv[optind], "pause") ||
	    !strcmp(argv[optind], "unpause") ||
	    !strcmp(argv[optind], "restart") || !strcmp(argv[optind], "kill"))
		return cmd_simple(argc - optind, argv + optind);
	die_usage("unknown command %s", argv[optind]);
}
