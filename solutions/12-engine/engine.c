/* engine.c - replies, queries, and the daemon's own routes. See engine.h. */
#include "engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#define BOXD_VERSION "0.12.0"

struct engine engine = { .root = "/var/lib/boxlab",
	                 .exec_root = "/run/boxlab",
	                 .lock = PTHREAD_MUTEX_INITIALIZER };

const char *request_query(const struct request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->n_query; i++)
		if (!strcmp(req->query[i][0], name))
			return req->query[i][1] ? req->query[i][1] : "";
	return NULL;
}

bool request_query_bool(const struct request *req, const char *name)
{
	const char *value = request_query(req, name);

	return value && (!strcmp(value, "1") || !strcasecmp(value, "true"));
}

struct reply engine_json(unsigned int status, json_t *doc)
{
	struct reply r = { .status = status };

	r.body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (!r.body)
		return engine_error(500, "out of memory");
	return r;
}

struct reply engine_error(unsigned int status, const char *fmt, ...)
{
	struct reply r = { .status = status };
	char message[512];
	va_list args;

	va_start(args, fmt);
	vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);
	r.body = api_error_body(message);
	return r;
}

/* GET or HEAD /_ping: "OK"; boxd adds the headers a client reads first
 * (API-Version, Builder-Version, OSType). */
static struct reply handle_ping(struct request *req)
{
	(void)req;
	return (struct reply){ .status = 200,
		               .body = strdup("OK"),
		               .type = "text/plain; charset=utf-8" };
}

/* GET /version: what `docker version` shows under "Server": the engine
 * (its details are what the CLI prints: build, commit, compiler) and the
 * runtime and monitor it starts containers with, built with it. */
static struct reply handle_version(struct request *req)
{
	static const char built[] = __DATE__ " " __TIME__;
	struct utsname u;

	(void)req;
	uname(&u);
	return engine_json(
	        200,
	        json_pack("{s:{s:s}, s:[{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s,"
	                  " s:s, s:s, s:s, s:s}}, {s:s, s:s, s:{s:s}},"
	                  " {s:s, s:s, s:{s:s}}],"
	                  " s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	                  "Platform", "Name", "boxlab engine", "Components",
	                  "Name", "Engine", "Version", BOXD_VERSION, "Details",
	                  "ApiVersion", API_VERSION, "MinAPIVersion",
	                  API_MIN_VERSION, "GitCommit", "boxlab", "GoVersion",
	                  "C (no Go)", "Os", "linux", "Arch", "amd64",
	                  "KernelVersion", u.release, "BuildTime", built,
	                  "Experimental", "false", "Name", "boxrun", "Version",
	                  BOXD_VERSION, "Details", "GitCommit", "boxlab",
	                  "Name", "boxmon", "Version", BOXD_VERSION, "Details",
	                  "GitCommit", "boxlab", "Version", BOXD_VERSION,
	                  "ApiVersion", API_VERSION, "MinAPIVersion",
	                  API_MIN_VERSION, "GitCommit", "boxlab", "GoVersion",
	                  "C (no Go)", "Os", "linux", "Arch", "amd64",
	                  "KernelVersion", u.release, "BuildTime", built));
}

static int count_tag(const char *ref, const struct digest *id, void *data)
{
	(void)ref;
	(void)id;
	(*(int *)data)++;
	return 0;
}

/* What the store's directory is on, in Docker's words (its
 * "Backing Filesystem"), from statfs(2)'s magic number. */
static const char *backing_filesystem(const char *dir)
{
	struct statfs fs;

	if (statfs(dir, &fs) < 0)
		return "unknown";
	switch (fs.f_type) {
	case EXT4_SUPER_MAGIC: return "extfs"; /* ext2, ext3 and ext4 */
	case XFS_SUPER_MAGIC: return "xfs";
	case BTRFS_SUPER_MAGIC: return "btrfs";
	case TMPFS_MAGIC: return "tmpfs";
	case OVERLAYFS_SUPER_MAGIC: return "overlayfs";
	default: return "unknown";
	}
}

/* GET /info: the daemon and its machine, for `docker info`. */
static struct reply handle_info(struct request *req)
{
	struct container_counts c;
	struct utsname u;
	char host[256] = "";
	int images = 0;

	(void)req;
	uname(&u);
	containers_count(&c);
	gethostname(host, sizeof(host) - 1);
	store_each_tag(&engine.store, count_tag, &images);
	return engine_json(
	        200,
	        json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:s, s:s, s:s,"
	                  " s:s, s:s, s:s, s:s, s:i, s:I, s:s, s:s, s:b,"
	                  " s:s, s:s, s:[[ss]], s:{}, s:[]}",
	                  "ID", "boxlab", "Containers", c.total,
	                  "ContainersRunning", c.running, "ContainersPaused",
	                  c.paused, "ContainersStopped", c.stopped, "Images",
	                  images, "Driver", "overlay2", "DockerRootDir",
	                  engine.root, "KernelVersion", u.release,
	                  "OperatingSystem", "boxlab", "OSType", "linux",
	                  "Architecture", u.machine, "Name", host, "NCPU",
	                  (int)sysconf(_SC_NPROCESSORS_ONLN), "MemTotal",
	                  (json_int_t)sysconf(_SC_PHYS_PAGES) *
	                          (json_int_t)sysconf(_SC_PAGESIZE),
	                  "ServerVersion", BOXD_VERSION, "CgroupDriver",
	                  "cgroupfs", "Debug", engine.debug, "LoggingDriver",
	                  "json-file", "DefaultRuntime", "boxrun",
	                  "DriverStatus", "Backing Filesystem",
	                  backing_filesystem(engine.root), "Runtimes",
	                  "Warnings"));
}

const struct route system_routes[] = {
	{ "GET", "/_ping", handle_ping },
	{ "HEAD", "/_ping", handle_ping },
	{ "GET", "/version", handle_version },
	{ "GET", "/info", handle_info },
	{ NULL, NULL, NULL },
};
