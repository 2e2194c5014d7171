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
 * Being built: version, info, images.
 */
#include "api.h"
#include "die.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/utsname.h>

#define BOX_VERSION "0.12.0"

static const char *socket_path = "/run/boxlab/boxd.sock";

static noreturn void usage(int status)
{
	printf("usage: box [-H unix://PATH] COMMAND [ARG...]\n"
	       "The lab's client for boxd (default socket %s).\n"
	       "  version   the client's and the daemon's versions\n"
	       "  info      the daemon and its machine\n"
	       "  images    the images in the daemon's store\n",
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

/* METHOD PATH (with the API version in front) to the daemon; the parsed
 * JSON answer. Dies on a failure to talk to it, or on an error status,
 * with the daemon's message. */
static json_t *call(const char *method, const char *path)
{
	char url[1024], error[CURL_ERROR_SIZE] = "";
	struct body body = { 0 };
	json_t *doc;
	long status = 0;
	CURLcode rc;
	CURL *curl = curl_easy_init();

	if (!curl)
		die("curl_easy_init failed");
	snprintf(url, sizeof(url), "http://localhost/v%s%s", API_VERSION, path);
	curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket_path);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, gather);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "box/" BOX_VERSION);
	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK)
		die("cannot reach the daemon at unix://%s: %s (is boxd "
		    "running?)",
		    socket_path, error[0] ? error : curl_easy_strerror(rc));
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(curl);
	doc = body.data ? json_loads(body.data, 0, NULL) : NULL;
	if (status >= 400) {
		const char *message =
		        json_string_value(json_object_get(doc, "message"));

		die("Error response from daemon: %s",
		    message ? message : (body.data ? body.data : "(no body)"));
	}
	if (!doc)
		die("%s %s: the daemon's answer is not JSON", method, path);
	free(body.data);
	return doc;
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
	die_usage("unknown command %s", argv[optind]);
}
