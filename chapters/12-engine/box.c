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
 * Commands: version, info, images, run, ps, logs, inspect, stop, kill,
 * restart, pause, unpause, rm.
 */
#include "api.h"
#include "cg.h"
#include "die.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <unistd.h>

#define BOX_VERSION "0.12.0"

static const char *socket_path = "/run/boxlab/boxd.sock";

static noreturn void usage(int status)
{
	printf("usage: box [-H unix://PATH] COMMAND [ARG...]\n"
	       "The lab's client for boxd (default socket %s).\n"
	       "  version   the client's and the daemon's versions\n"
	       "  info      the daemon and its machine\n"
	       "  images    the images in the daemon's store\n"
	       "  run [-d] [--rm] [--name N] [-m SIZE] [-p "
	       "[IP:][HOSTPORT:]PORT]...\n"
	       "      [-e NAME=VALUE]... [--network none|bridge|host] IMAGE "
	       "[CMD...]\n"
	       "  ps [-a] | logs ID | inspect ID | rm [-f] ID\n"
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
	       u.machine);
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

/* POST /containers/ID/attach, by hand: the request, the "101 UPGRADED"
 * answer, then the connection is the container's output, in frames
 * (exercise 12.4 reads them). Returns the connected socket, positioned
 * after the headers (*EXTRA, *EXTRA_LEN: output already read with them),
 * or dies. */
/* POST /containers/ID/wait?condition=CONDITION on a connection of its
 * own, sent now and answered later, as the docker CLI does before start:
 * a container run with --rm is gone by the time its output has ended,
 * and a wait asked for then would find nothing. Returns the connection,
 * for wait_collect(). */
static int wait_early(const char *id, const char *condition)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char req[512];
	int fd;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die_errno(errno, "connect to unix://%s", socket_path);
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

static int attach(const char *id, char *extra, size_t size, size_t *extra_len)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char req[512];
	size_t got = 0;
	char *end;
	int fd;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die_errno(errno, "connect to unix://%s", socket_path);
	snprintf(req, sizeof(req),
	         "POST /v%s/containers/%s/attach?stream=1&stdout=1&stderr=1 "
	         "HTTP/1.1\r\nHost: boxd\r\nUser-Agent: box/%s\r\n"
	         "Connection: Upgrade\r\nUpgrade: tcp\r\n"
	         "Content-Length: 0\r\n\r\n",
	         API_VERSION, id, BOX_VERSION);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		die_errno(errno, "attach %s", id);
	while (got < size - 1) {
		ssize_t n = read(fd, extra + got, size - 1 - got);

		if (n <= 0)
			die("attach %s: the daemon closed the connection", id);
		got += (size_t)n;
		extra[got] = '\0';
		if ((end = strstr(extra, "\r\n\r\n")))
			break;
	}
	if (!end || strncmp(extra, "HTTP/1.1 101", 12))
		die("attach %s: %.*s", id, (int)strcspn(extra, "\r"), extra);
	end += 4;
	*extra_len = got - (size_t)(end - extra);
	memmove(extra, end, *extra_len);
	return fd;
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
		{ NULL, 0, NULL, 0 },
	};
	bool detach = false, rm = false;
	const char *name = NULL, *network = "default";
	uint64_t memory = 0;
	json_t *create, *cmd = json_array(), *created;
	json_t *env = json_array(), *exposed = json_object(),
	       *bindings = json_object();
	struct api_demux demux = { 0 };
	char path[512], buf[16384], id[65], *text;
	struct api_publish publish;
	struct body body;
	size_t extra_len;
	int opt, fd, waiter;
	ssize_t n;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:dn:m:p:e:", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'd': detach = true; break;
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
	create = json_pack("{s:s, s:o, s:o, s:o, s:{s:b, s:I, s:s, s:o}}",
	                   "Image", argv[optind], "Cmd", cmd, "Env", env,
	                   "ExposedPorts", exposed, "HostConfig", "AutoRemove",
	                   rm, "Memory", (json_int_t)memory, "NetworkMode",
	                   network, "PortBindings", bindings);
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
	fd = attach(id, buf, sizeof(buf), &extra_len);
	waiter = wait_early(id, rm ? "removed" : "next-exit");
	snprintf(path, sizeof(path), "/containers/%s/start", id);
	act("POST", path);
	if (api_demux_feed(&demux, buf, extra_len, to_stream, NULL) < 0)
		die("attach %s: not a multiplexed stream", id);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (api_demux_feed(&demux, buf, (size_t)n, to_stream, NULL) < 0)
			die("attach %s: not a multiplexed stream", id);
	close(fd);
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

	printf("%-14s %-12s %-24s %-28s %s\n", "CONTAINER ID", "IMAGE",
	       "COMMAND", "STATUS", "NAMES");
	json_array_foreach(list, i, c)
	{
		const char *name = json_string_value(
		        json_array_get(json_object_get(c, "Names"), 0));

		printf("%-14.12s %-12s %-24.24s %-28s %s\n", str(c, "Id"),
		       str(c, "Image"), str(c, "Command"), str(c, "Status"),
		       name ? name + (name[0] == '/') : "");
	}
	json_decref(list);
	return EXIT_SUCCESS;
}

/* box logs ID: the frames of GET /containers/ID/logs. */
static int cmd_logs(const char *id)
{
	struct api_demux demux = { 0 };
	char path[512];
	struct body body;

	snprintf(path, sizeof(path), "/containers/%s/logs?stdout=1&stderr=1",
	         id);
	request("GET", path, NULL, &body, false);
	if (body.data &&
	    api_demux_feed(&demux, body.data, body.len, to_stream, NULL) < 0)
		fwrite(body.data, 1, body.len, stdout); /* a terminal's */
	free(body.data);
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
	curl_global_init(CURL_GLOBAL_DEFAULT);
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
	if (!strcmp(argv[optind], "logs") && argc - optind == 2)
		return cmd_logs(argv[optind + 1]);
	if (!strcmp(argv[optind], "stop") || !strcmp(argv[optind], "rm") ||
	    !strcmp(argv[optind], "inspect") ||
	    !strcmp(argv[optind], "pause") ||
	    !strcmp(argv[optind], "unpause") ||
	    !strcmp(argv[optind], "restart") || !strcmp(argv[optind], "kill"))
		return cmd_simple(argc - optind, argv + optind);
	die_usage("unknown command %s", argv[optind]);
}
