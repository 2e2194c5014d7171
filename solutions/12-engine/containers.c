/* containers.c - the container module: chapter 11's runtime behind the
 * API, a monitor (boxmon) per container.
 *
 * A container lives in ROOT/containers/ID/:
 *	config.v2.json	what `docker create` asked for (boxd's record)
 *	config.json	the OCI bundle's config, made from it
 *	state.json	created, running, exited (the monitor writes it)
 *	ID-json.log	its output, Docker's json-file format
 *	monitor.log	what its monitor has to say
 *	paused		there while boxd has it paused
 * its layers in chapter 08's store, under the same name, and in EXEC
 * (--exec-root): attach/ID12.sock, the monitor's socket while it runs;
 * exits/ID, its exit code; boxrun/, the runtime's state; net/, boxnet's.
 */
#include "engine.h"

#include "file.h"
#include "build.h"
#include "parse.h"
#include "runtime.h"
#include "spec.h"
#include "names.h"
#include "status.h"

#include <ctype.h>
#include <dirent.h>
#include <strings.h>
#include <sys/capability.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* --- records -------------------------------------------------------------- */

static void container_dir(const char *id, char *buf, size_t size)
{
	snprintf(buf, size, "%s/containers/%s", engine.root, id);
}

/* FILE of container ID, parsed; NULL if it cannot be read. */
static json_t *read_json(const char *id, const char *file)
{
	char path[PATH_MAX * 2], dir[PATH_MAX];

	container_dir(id, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return json_load_file(path, 0, NULL);
}

static int write_json(const char *id, const char *file, json_t *doc)
{
	char path[PATH_MAX * 2], dir[PATH_MAX], *text;
	int ret;

	container_dir(id, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	text = json_dumps(doc, JSON_COMPACT);
	if (!text)
		return -ENOMEM;
	/* The container's record is kept; its state only matters while
	 * the machine runs (see file_replace_volatile()). */
	ret = !strcmp(file, "state.json")
	              ? file_replace_volatile(AT_FDCWD, path, text,
	                                      strlen(text), 0600)
	              : file_replace(AT_FDCWD, path, text, strlen(text), 0600);
	free(text);
	return ret;
}

/* Why the last find() of this thread failed, for no_such(). */
static __thread int find_error;

/* The containers there are: their IDs and names ("/web"), N of them, for
 * name_resolve(). Free with roster_free(). */
struct roster {
	char **ids, **names;
	size_t n;
};

static void roster_free(struct roster *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->ids[i]);
		free(r->names[i]);
	}
	free(r->ids);
	free(r->names);
}

static int roster_load(struct roster *r)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d;

	memset(r, 0, sizeof(*r));
	snprintf(dir, sizeof(dir), "%s/containers", engine.root);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		json_t *config;
		const char *name;
		char **ids, **names;

		if (e->d_name[0] == '.' || strlen(e->d_name) != 64)
			continue;
		ids = realloc(r->ids, (r->n + 1) * sizeof(*ids));
		if (ids)
			r->ids = ids;
		names = realloc(r->names, (r->n + 1) * sizeof(*names));
		if (names)
			r->names = names;
		if (!ids || !names)
			break;
		config = read_json(e->d_name, "config.v2.json");
		name = json_string_value(json_object_get(config, "Name"));
		r->ids[r->n] = strdup(e->d_name);
		r->names[r->n] = name ? strdup(name) : NULL;
		json_decref(config);
		if (r->ids[r->n])
			r->n++;
	}
	closedir(d);
	return 0;
}

/* Find a container by its full ID, a prefix of it, or its name (with or
 * without the leading "/"), in Docker's order (name_resolve()): its ID
 * in RET (65 bytes). 0, -ENOENT, -EEXIST (a prefix of two) or -EINVAL. */
static int find(const char *ref, char *ret)
{
	struct roster r;
	int i = roster_load(&r);

	if (i == 0)
		i = name_resolve(ref, (const char *const *)r.ids,
		                 (const char *const *)r.names, r.n);
	if (i >= 0)
		snprintf(ret, 65, "%s", r.ids[i]);
	roster_free(&r);
	find_error = i < 0 ? i : 0;
	return i < 0 ? i : 0;
}

/* Whether a container is named NAME ("web" or "/web"): its ID in RET. */
static bool name_taken(const char *name, char *ret)
{
	struct roster r;
	bool taken = false;
	size_t i;

	if (name[0] == '/')
		name++;
	roster_load(&r);
	for (i = 0; i < r.n && !taken; i++)
		if (r.names[i] &&
		    !strcmp(r.names[i] + (r.names[i][0] == '/'), name)) {
			snprintf(ret, 65, "%s", r.ids[i]);
			taken = true;
		}
	roster_free(&r);
	return taken;
}

/* The answer to a REF that this thread's last find() could not find. */
static struct reply no_such(const char *ref)
{
	if (find_error == -EEXIST)
		return engine_error(
		        400, "multiple IDs found with provided prefix: %s",
		        ref);
	return engine_error(404, "No such container: %s", ref);
}

/* Whether process PID has ended: not there, or a zombie (the monitor is
 * not boxd's child: whoever reaps it may take its time). */
static bool process_gone(pid_t pid)
{
	char path[64], stat[512], *close_paren;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (file_read_buf(AT_FDCWD, path, stat, sizeof(stat)) < 0)
		return true;
	close_paren = strrchr(stat, ')');
	return close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
}

/* Whether the container of STATE (its state.json, which boxmon writes
 * and boxd leaves alone) is paused: boxd keeps that in a file of its
 * own beside it, "paused". */
static bool paused_marker(json_t *state)
{
	char path[PATH_MAX + 16];
	const char *id = json_string_value(json_object_get(state, "Id"));

	if (!id)
		return false;
	container_dir(id, path, PATH_MAX);
	strcat(path, "/paused");
	return access(path, F_OK) == 0;
}

/* "created", "running", "paused", "exited" (a container whose monitor is gone
 * while it said "running" is "exited": boxd was not the one to see it). */
static const char *status_of(json_t *state)
{
	const char *s = json_string_value(json_object_get(state, "Status"));
	int monitor =
	        (int)json_integer_value(json_object_get(state, "Monitor"));

	if (s && !strcmp(s, "running") && monitor > 0 && process_gone(monitor))
		return "exited";
	if (s && !strcmp(s, "running") && paused_marker(state))
		return "paused";
	return s ? s : "created";
}

/* Whether a container in STATUS has processes: running or paused. */
static bool alive(const char *status)
{
	return !strcmp(status, "running") || !strcmp(status, "paused");
}

/* --- waiting for a container -------------------------------------------- */

/* Milliseconds on the monotonic clock. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What a handler that waits on a container watches, with inotify(7),
 * instead of looking again every few milliseconds: the container's
 * directory (its monitor replaces state.json with a rename, appends to
 * its log; the directory goes with rm and --rm) and the directory of the
 * attach sockets (a monitor renames its socket there once it listens).
 * Each change wakes the waiter, which looks again. */
static int changes_open(const char *id)
{
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	char dir[PATH_MAX];

	if (fd < 0)
		return -1;
	container_dir(id, dir, sizeof(dir));
	inotify_add_watch(fd, dir,
	                  IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_DELETE_SELF);
	snprintf(dir, sizeof(dir), "%s/attach", engine.exec_root);
	file_mkdirs(AT_FDCWD, dir, 0700);
	inotify_add_watch(fd, dir, IN_MOVED_TO);
	return fd;
}

/* Block until FD reports a change, or MS milliseconds pass (also the
 * fallback, when FD is -1). */
static void changes_wait(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char events[4096];

	if (fd < 0) {
		struct timespec pause = { ms / 1000, (ms % 1000) * 1000000L };

		nanosleep(&pause, NULL);
		return;
	}
	if (poll(&p, 1, ms) > 0)
		while (read(fd, events, sizeof(events)) > 0)
			;
}

static void *close_later(void *data)
{
	close((int)(intptr_t)data);
	return NULL;
}

/* Closing an inotify instance waits for the kernel to forget its
 * watches (an SRCU grace period in fsnotify_destroy_group(): 10-16 ms
 * here), and a client waits as long for the end of a reply whose
 * handler closes one. A thread of its own closes it; closes under way
 * at once share their grace period. */
static void changes_close(int fd)
{
	pthread_attr_t attr;
	pthread_t thread;
	int ret = -1;

	if (fd < 0)
		return;
	if (pthread_attr_init(&attr) == 0) {
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&attr, 64 * 1024);
		ret = pthread_create(&thread, &attr, close_later,
		                     (void *)(intptr_t)fd);
		pthread_attr_destroy(&attr);
	}
	if (ret != 0)
		close(fd);
}

/* --- create --------------------------------------------------------------- */

/* "KEY=VALUE" strings of ARRAY appended to LIST. */
static void append_all(json_t *list, json_t *array)
{
	size_t i;
	json_t *v;

	json_array_foreach(array, i, v)
	{
		if (json_is_string(v))
			json_array_append(list, v);
	}
}

/* HostConfig's network: NetworkMode "none" (a namespace with lo
 * only), "bridge" or "default" (the namespace, which boxmon has boxnet
 * plug into bx0), "host" (no namespace: the host's); PortBindings
 * {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}, TCP ports only,
 * which boxmon publishes. Checked here, so that a bad one fails create;
 * 0, or -1 with ERROR. */
static int network_config(json_t *doc, json_t *host, char *error, size_t size)
{
	const char *mode =
	        json_string_value(json_object_get(host, "NetworkMode"));
	json_t *namespaces = json_object_get(json_object_get(doc, "linux"),
	                                     "namespaces"),
	       *bindings, *b, *ns;
	const char *key;
	size_t i;

	if (mode && *mode && strcmp(mode, "none") && strcmp(mode, "bridge") &&
	    strcmp(mode, "default") && strcmp(mode, "host")) {
		snprintf(error, size, "network %s not found", mode);
		return -1;
	}
	if (mode && !strcmp(mode, "host"))
		json_array_foreach(namespaces, i, ns) if (
		        !strcmp(json_string_value(json_object_get(ns, "type"))
		                        ?: "",
		                "network"))
		{
			json_array_remove(namespaces, i);
			break;
		}
	json_object_foreach(json_object_get(host, "PortBindings"), key,
	                    bindings)
	{
		char proto[8] = "";
		int port = 0, end = 0;

		if (sscanf(key, "%d/%7s%n", &port, proto, &end) != 2 ||
		    key[end] || port < 1 || port > 65535 ||
		    strcmp(proto, "tcp")) {
			snprintf(error, size,
			         "HostConfig.PortBindings: %s: boxd publishes "
			         "TCP ports only (PORT/tcp)",
			         key);
			return -1;
		}
		if (mode && (!strcmp(mode, "none") || !strcmp(mode, "host"))) {
			snprintf(error, size,
			         "a port cannot be published with network %s",
			         mode);
			return -1;
		}
		json_array_foreach(bindings, i, b)
		{
			const char *hp = json_string_value(
			        json_object_get(b, "HostPort"));
			int n = 0;

			if (hp && *hp &&
			    (sscanf(hp, "%d%n", &port, &n) != 1 || hp[n] ||
			     port < 1 || port > 65535)) {
				snprintf(error, size,
				         "HostConfig.PortBindings[\"%s\"][%zu]."
				         "HostPort: %s is not a port",
				         key, i, hp);
				return -1;
			}
		}
	}
	return 0;
}

/* The capabilities Docker leaves a container's root by default (moby's
 * oci/caps/defaults.go): the rest of root's power is dropped. */
static const char *const docker_caps[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_FSETID",
	"CAP_FOWNER",
	"CAP_MKNOD",
	"CAP_NET_RAW",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETFCAP",
	"CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT",
	"CAP_KILL",
	"CAP_AUDIT_WRITE",
	NULL,
};

/* Whether LIST (a JSON array of names, "NET_ADMIN" or "CAP_NET_ADMIN",
 * any case, or "ALL") names capability NAME ("CAP_..."). */
static bool names_cap(json_t *list, const char *name)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
	{
		const char *n = json_string_value(v);

		if (!n)
			continue;
		if (!strcasecmp(n, "ALL") || !strcasecmp(n, name) ||
		    !strcasecmp(n, name + 4))
			return true;
	}
	return false;
}

/* process.capabilities: Docker's defaults, with HostConfig.CapAdd and
 * CapDrop; every capability for a privileged container. The names come
 * from libcap (cap_to_name()), all the kernel has. */
static void process_capabilities(json_t *process, json_t *host)
{
	bool all = json_is_true(json_object_get(host, "Privileged"));
	json_t *add = json_object_get(host, "CapAdd"),
	       *drop = json_object_get(host, "CapDrop"), *caps = json_array();
	cap_value_t c;

	for (c = 0; c < (cap_value_t)cap_max_bits(); c++) {
		char *lower = cap_to_name(c), name[64];
		bool keep = all;
		size_t i;

		if (!lower)
			continue;
		snprintf(name, sizeof(name), "%s", lower);
		cap_free(lower);
		for (i = 0; name[i]; i++)
			name[i] = (char)toupper((unsigned char)name[i]);
		for (i = 0; !keep && docker_caps[i]; i++)
			keep = !strcmp(docker_caps[i], name);
		keep = all || ((keep || names_cap(add, name)) &&
		               !names_cap(drop, name));
		if (keep && !strncmp(name, "CAP_", 4))
			json_array_append_new(caps, json_string(name));
	}
	json_object_set_new(process, "capabilities",
	                    json_pack("{s:O, s:O, s:O}", "bounding", caps,
	                              "effective", caps, "permitted", caps));
	json_decref(caps);
}

/* docker run --privileged: every capability (above), no masked or
 * read-only paths, /sys writable, and the cgroup tree mounted writable:
 * what a container needs to run containers of its own. */
static void privileged(json_t *doc)
{
	json_t *lx = json_object_get(doc, "linux"),
	       *mounts = json_object_get(doc, "mounts"), *m;
	size_t i;

	json_object_del(lx, "maskedPaths");
	json_object_del(lx, "readonlyPaths");
	json_array_foreach(mounts, i, m)
	{
		json_t *options = json_object_get(m, "options"), *o;
		size_t j;

		if (strcmp(json_string_value(json_object_get(m, "type")) ?: "",
		           "sysfs"))
			continue;
		json_array_foreach(
		        options, j,
		        o) if (!strcmp(json_string_value(o) ?: "", "ro"))
		{
			json_array_set_new(options, j, json_string("rw"));
			break;
		}
	}
	json_array_append_new(mounts,
	                      json_pack("{s:s, s:s, s:s, s:[s, s, s, s]}",
	                                "destination", "/sys/fs/cgroup", "type",
	                                "cgroup", "source", "cgroup", "options",
	                                "nosuid", "noexec", "nodev", "rw"));
}

/* HostConfig.Tmpfs {"/var/lib/x": "size=64m"}: a tmpfs there (docker run
 * --tmpfs), with the options given. 0, or -1 with ERROR. */
static int tmpfs_mounts(json_t *doc, json_t *host, char *error, size_t size)
{
	json_t *mounts = json_object_get(doc, "mounts"), *v;
	const char *dest;

	json_object_foreach(json_object_get(host, "Tmpfs"), dest, v)
	{
		json_t *options = json_array();
		const char *text = json_string_value(v);
		char copy[256], *opt, *save;

		if (dest[0] != '/' || !text || strlen(text) >= sizeof(copy)) {
			json_decref(options);
			snprintf(error, size,
			         "HostConfig.Tmpfs[\"%s\"]: expected an "
			         "absolute path and its options",
			         dest);
			return -1;
		}
		json_array_append_new(options, json_string("nosuid"));
		json_array_append_new(options, json_string("nodev"));
		snprintf(copy, sizeof(copy), "%s", text);
		for (opt = strtok_r(copy, ",", &save); opt;
		     opt = strtok_r(NULL, ",", &save))
			json_array_append_new(options, json_string(opt));
		json_array_append_new(
		        mounts, json_pack("{s:s, s:s, s:s, s:o}", "destination",
		                          dest, "type", "tmpfs", "source",
		                          "tmpfs", "options", options));
	}
	return 0;
}

/* The OCI config of a container: boxrun's default, with the process,
 * root, host name, resources and binds of the request. */
static json_t *oci_config(const char *id, json_t *config, json_t *host,
                          json_t *image_config, const char *merged, char *error,
                          size_t size)
{
	char *text = spec_default(), cgroup[96];
	json_t *doc = json_loads(text, 0, NULL), *process, *args = json_array();
	json_t *env = json_array(), *res = json_object(), *mounts;
	const char *cwd, *user;
	unsigned long uid = 0, gid = 0;
	size_t i;
	json_t *v;

	free(text);
	process = json_object_get(doc, "process");
	/* Entrypoint + Cmd, each the request's or else the image's. */
	v = json_object_get(config, "Entrypoint");
	append_all(args, json_is_array(v)
	                         ? v
	                         : json_object_get(image_config, "Entrypoint"));
	v = json_object_get(config, "Cmd");
	append_all(args, json_is_array(v) && json_array_size(v)
	                         ? v
	                         : json_object_get(image_config, "Cmd"));
	if (!json_array_size(args)) {
		snprintf(error, size, "no command specified");
		json_decref(args);
		json_decref(env);
		json_decref(res);
		json_decref(doc);
		return NULL;
	}
	json_object_set_new(process, "args", args);
	json_array_append_new(env, json_string("PATH=/usr/local/sbin:/usr/"
	                                       "local/bin:/usr/sbin:/usr/bin:"
	                                       "/sbin:/bin"));
	append_all(env, json_object_get(image_config, "Env"));
	append_all(env, json_object_get(config, "Env"));
	json_object_set_new(process, "env", env);
	cwd = json_string_value(json_object_get(config, "WorkingDir"));
	if (!cwd || !*cwd)
		cwd = json_string_value(
		        json_object_get(image_config, "WorkingDir"));
	json_object_set_new(process, "cwd",
	                    json_string(cwd && *cwd ? cwd : "/"));
	user = json_string_value(json_object_get(config, "User"));
	if (user && *user && strcmp(user, "root") &&
	    sscanf(user, "%lu:%lu", &uid, &gid) < 1) {
		snprintf(error, size, "user \"%s\": only numeric UID[:GID]",
		         user);
		json_decref(doc);
		return NULL;
	}
	json_object_set_new(process, "user",
	                    json_pack("{s:I, s:I}", "uid", (json_int_t)uid,
	                              "gid", (json_int_t)gid));
	json_object_set_new(
	        process, "terminal",
	        json_boolean(json_is_true(json_object_get(config, "Tty"))));
	json_object_set_new(
	        doc, "root",
	        json_pack("{s:s, s:b}", "path", merged, "readonly", 0));
	json_object_set_new(doc, "hostname", json_stringn(id, 12));
	snprintf(cgroup, sizeof(cgroup), "/boxlab/boxd-%.12s", id);
	json_object_set_new(json_object_get(doc, "linux"), "cgroupsPath",
	                    json_string(cgroup));
	if (json_integer_value(json_object_get(host, "Memory")) > 0)
		json_object_set_new(res, "memory",
		                    json_pack("{s:O}", "limit",
		                              json_object_get(host, "Memory")));
	if (json_integer_value(json_object_get(host, "PidsLimit")) > 0)
		json_object_set_new(
		        res, "pids",
		        json_pack("{s:O}", "limit",
		                  json_object_get(host, "PidsLimit")));
	if (json_integer_value(json_object_get(host, "NanoCpus")) > 0)
		json_object_set_new(
		        res, "cpu",
		        json_pack("{s:I, s:I}", "quota",
		                  json_integer_value(
		                          json_object_get(host, "NanoCpus")) /
		                          10000,
		                  "period", (json_int_t)100000));
	json_object_set_new(json_object_get(doc, "linux"), "resources", res);
	if (network_config(doc, host, error, size) < 0) {
		json_decref(doc);
		return NULL;
	}
	process_capabilities(process, host);
	if (json_is_true(json_object_get(host, "Privileged")))
		privileged(doc);
	if (tmpfs_mounts(doc, host, error, size) < 0) {
		json_decref(doc);
		return NULL;
	}
	/* Binds: "SRC:DST[:ro]". */
	mounts = json_object_get(doc, "mounts");
	json_array_foreach(json_object_get(host, "Binds"), i, v)
	{
		char src[PATH_MAX], dst[PATH_MAX], mode[8] = "rw";

		if (!json_is_string(v) ||
		    sscanf(json_string_value(v), "%4095[^:]:%4095[^:]:%7s", src,
		           dst, mode) < 2 ||
		    src[0] != '/' || dst[0] != '/') {
			snprintf(error, size,
			         "HostConfig.Binds[%zu]: expected "
			         "/SRC:/DST[:ro]",
			         i);
			json_decref(doc);
			return NULL;
		}
		json_array_append_new(
		        mounts,
		        json_pack("{s:s, s:s, s:s, s:[s, s]}", "destination",
		                  dst, "type", "bind", "source", src, "options",
		                  "rbind", strcmp(mode, "ro") ? "rw" : "ro"));
	}
	return doc;
}

static struct reply handle_create(struct request *req)
{
	char id[65], name[128], dir[PATH_MAX], merged[PATH_MAX],
	        error[256] = "";
	unsigned char bytes[32];
	json_t *body, *config, *host, *image_config = NULL, *oci, *record;
	json_t *image_doc = NULL, *state;
	const char *image, *want = request_query(req, "name");
	struct store_container c;
	struct digest image_id;
	char *image_text = NULL, when[32];
	time_t now = time(NULL);
	int fd, ret;
	size_t i;

	body = req->body ? json_loads(req->body, 0, NULL) : NULL;
	image = json_string_value(json_object_get(body, "Image"));
	if (!image) {
		json_decref(body);
		return engine_error(400, "create: the body needs an Image");
	}
	pthread_mutex_lock(&engine.lock);
	if (want && *want && name_valid(want) < 0) {
		pthread_mutex_unlock(&engine.lock);
		json_decref(body);
		return engine_error(400,
		                    "Invalid container name (%s), only "
		                    "[a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
		                    want);
	}
	if (want && *want && name_taken(want, id)) {
		pthread_mutex_unlock(&engine.lock);
		json_decref(body);
		return engine_error(409,
		                    "Conflict. The container name \"/%s\" is "
		                    "already in use by container \"%s\". You "
		                    "have to remove (or rename) that container "
		                    "to be able to reuse that name.",
		                    want + (want[0] == '/'), id);
	}
	if (store_resolve(&engine.store, image, &image_id) < 0) {
		struct reply r = engine_error(404, "No such image: %s", image);

		pthread_mutex_unlock(&engine.lock);
		json_decref(body); /* IMAGE was in it */
		return r;
	}
	if (store_image_get(&engine.store, &image_id, &image_text, NULL) == 0)
		image_config = json_object_get(
		        image_doc = json_loads(image_text, 0, NULL), "config");
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, bytes, sizeof(bytes)) != sizeof(bytes)) {
		pthread_mutex_unlock(&engine.lock);
		json_decref(image_doc);
		return engine_error(500, "read /dev/urandom: %s",
		                    strerror(errno));
	}
	close(fd);
	for (i = 0; i < sizeof(bytes); i++)
		snprintf(id + 2 * i, 3, "%02x", bytes[i]);
	snprintf(name, sizeof(name), "/%s",
	         want && *want ? (want[0] == '/' ? want + 1 : want) : "");
	if (!want || !*want)
		snprintf(name, sizeof(name), "/boxlab_%.8s", id);
	ret = store_container_create(&engine.store, id, &image_id, id, &c);
	if (ret == 0)
		ret = store_layer_path(&engine.store, c.mount_id, "merged",
		                       merged, sizeof(merged));
	config = json_object_get(body, "Config")
	                 ? json_object_get(body, "Config")
	                 : body;
	host = json_object_get(body, "HostConfig");
	oci = ret == 0 ? oci_config(id, config, host, image_config, merged,
	                            error, sizeof(error))
	               : NULL;
	if (!oci) {
		if (ret == 0)
			store_container_remove(&engine.store, id);
		pthread_mutex_unlock(&engine.lock);
		json_decref(body);
		json_decref(image_doc);
		free(image_text);
		if (error[0])
			return engine_error(400, "%s", error);
		return engine_error(500, "create the container's layers: %s",
		                    strerror(-ret));
	}
	container_dir(id, dir, sizeof(dir));
	file_mkdirs(AT_FDCWD, dir, 0700);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	record = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:O, s:I}", "Id", id,
	                   "Name", name, "Created", when, "Image",
	                   image_id.text, "ImageName", image, "Config", config,
	                   "HostConfig", host ? host : json_object(),
	                   "CreatedUnix", (json_int_t)now);
	json_object_set(
	        record, "Args",
	        json_object_get(json_object_get(oci, "process"), "args"));
	write_json(id, "config.v2.json", record);
	write_json(id, "config.json", oci);
	state = json_pack("{s:s, s:s, s:i, s:i}", "Id", id, "Status", "created",
	                  "Pid", 0, "ExitCode", 0);
	write_json(id, "state.json", state);
	json_decref(state);
	if (json_is_true(json_object_get(config, "OpenStdin"))) {
		char marker[PATH_MAX + 16];

		snprintf(marker, sizeof(marker), "%s/stdin", dir);
		file_replace_volatile(AT_FDCWD, marker, "", 0, 0600);
	}
	pthread_mutex_unlock(&engine.lock);
	json_decref(record);
	json_decref(oci);
	json_decref(body);
	free(image_text);
	json_decref(image_doc);
	return engine_json(201, json_pack("{s:s, s:[]}", "Id", id, "Warnings"));
}

/* --- start, and the monitor ---------------------------------------------- */

/* Attach requests waiting for their container to start, per ID. */
static struct {
	char id[65];
	int count;
} pending[32];

static void pending_add(const char *id, int delta)
{
	size_t i, free_slot = sizeof(pending) / sizeof(pending[0]);

	for (i = 0; i < sizeof(pending) / sizeof(pending[0]); i++) {
		if (!strcmp(pending[i].id, id)) {
			pending[i].count += delta;
			if (pending[i].count <= 0)
				pending[i].id[0] = '\0';
			return;
		}
		if (!pending[i].id[0])
			free_slot = i;
	}
	if (delta > 0 && free_slot < sizeof(pending) / sizeof(pending[0])) {
		snprintf(pending[free_slot].id, 65, "%s", id);
		pending[free_slot].count = delta;
	}
}

static int pending_count(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(pending) / sizeof(pending[0]); i++)
		if (!strcmp(pending[i].id, id))
			return pending[i].count;
	return 0;
}

/* boxmon, beside boxd. */
static void monitor_path(char *buf, size_t size)
{
	if (file_beside_self("boxmon", buf, size) < 0)
		snprintf(buf, size, "boxmon");
}

/* Start boxmon for ID in a session of its own, its child's child: it
 * outlives boxd. */
static int spawn_monitor(const char *id, int attachers)
{
	char mon[PATH_MAX + 8], log[PATH_MAX * 2], dir[PATH_MAX], count[16];
	pid_t child;
	int status;

	monitor_path(mon, sizeof(mon));
	container_dir(id, dir, sizeof(dir));
	snprintf(log, sizeof(log), "%s/monitor.log", dir);
	snprintf(count, sizeof(count), "%d", attachers);
	child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		int null = open("/dev/null", O_RDWR);
		int err = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		setsid();
		dup2(null, 0);
		dup2(null, 1);
		dup2(err >= 0 ? err : null, 2);
		if (fork() != 0)
			_exit(0);
		execl(mon, "boxmon", "--root", engine.root, "--exec-root",
		      engine.exec_root, "--attachers", count, id, (char *)NULL);
		_exit(127);
	}
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

static int forget(const char *id);

/* A container run with --rm (HostConfig.AutoRemove) whose start failed:
 * it goes too, as with Docker, once start's caller has been told why;
 * a wait for its removal then answers, with the exit code the monitor
 * left (127), or 127 if it left none. */
static void remove_if_auto(const char *id)
{
	json_t *record = read_json(id, "config.v2.json");
	char exits[PATH_MAX * 2];

	if (!json_is_true(json_object_get(json_object_get(record, "HostConfig"),
	                                  "AutoRemove"))) {
		json_decref(record);
		return;
	}
	json_decref(record);
	snprintf(exits, sizeof(exits), "%s/exits", engine.exec_root);
	file_mkdirs(AT_FDCWD, exits, 0700);
	snprintf(exits, sizeof(exits), "%s/exits/%s", engine.exec_root, id);
	if (access(exits, F_OK) < 0)
		file_replace_volatile(AT_FDCWD, exits, "127", 3, 0600);
	forget(id);
}

static struct reply handle_start(struct request *req)
{
	long long deadline;
	int changes;
	char id[65];
	const char *status;
	json_t *state;
	int ret, code;

	if (find(req->args[0], id) < 0)
		return no_such(req->args[0]);
	state = read_json(id, "state.json");
	code = status_next(status_of(state), "start", 0, &status);
	json_decref(state);
	if (code != 204) /* 304: it runs already */
		return (struct reply){ .status = (unsigned int)code,
			               .body = strdup("") };
	changes = changes_open(id);
	pthread_mutex_lock(&engine.lock);
	ret = spawn_monitor(id, pending_count(id));
	pthread_mutex_unlock(&engine.lock);
	if (ret < 0) {
		changes_close(changes);
		return engine_error(500, "start the monitor: %s",
		                    strerror(-ret));
	}
	/* Until the monitor says how it went. */
	for (deadline = now_ms() + 10000; now_ms() < deadline;) {
		state = read_json(id, "state.json");
		if (!state) { /* it ran, ended, and --rm removed it */
			changes_close(changes);
			return (struct reply){ .status = 204,
				               .body = strdup("") };
		}
		status = status_of(state);
		if (strcmp(status, "created")) {
			const char *error = json_string_value(
			        json_object_get(state, "Error"));
			struct reply r = { .status = 204, .body = strdup("") };

			if (error && *error) {
				free(r.body);
				r = engine_error(500, "%s", error);
				remove_if_auto(id);
			}
			json_decref(state);
			changes_close(changes);
			return r;
		}
		json_decref(state);
		changes_wait(changes, 100);
	}
	changes_close(changes);
	return engine_error(500, "the container did not start in 10 s");
}

/* --- wait ----------------------------------------------------------------- */

struct waiter {
	char id[65];
	char exit_file[PATH_MAX];
	bool removed; /* condition=removed */
	bool done;
	int changes; /* changes_open() */
	int monitor; /* a pidfd of its monitor, once seen, or -1 */
};

static void waiter_free(void *data)
{
	struct waiter *w = data;

	changes_close(w->changes);
	if (w->monitor >= 0)
		close(w->monitor);
	free(w);
}

/* Whether container ID's directory is gone (removed), not only its
 * state unread. */
static bool container_gone(const char *id)
{
	char dir[PATH_MAX];

	container_dir(id, dir, sizeof(dir));
	return access(dir, F_OK) < 0 && errno == ENOENT;
}

/* The exit status of ID once it has one, blocking; -1 if it vanished. */
static ssize_t wait_chunk(void *data, char *buf, size_t max)
{
	struct waiter *w = data;

	if (w->done)
		return -1;
	for (;;) {
		json_t *state = read_json(w->id, "state.json");
		const char *status = status_of(state);
		int code = (int)json_integer_value(
		        json_object_get(state, "ExitCode"));
		pid_t monitor = (pid_t)json_integer_value(
		        json_object_get(state, "Monitor"));

		if (w->monitor < 0 && monitor > 0)
			w->monitor = (int)syscall(SYS_pidfd_open, monitor, 0);
		if (!state && !container_gone(w->id)) {
			/* Not read, yet still there: look again. */
			changes_wait(w->changes, 50);
			continue;
		}
		if (!state && w->removed) { /* removed: its code was kept */
			struct pollfd p = { .fd = w->monitor,
				            .events = POLLIN };

			/* The monitor removed it, and ends a moment later:
			 * whoever waited finds nothing of it left. */
			if (w->monitor >= 0)
				poll(&p, 1, 2000);
			char text[16] = "0";

			file_read_buf(AT_FDCWD, w->exit_file, text,
			              sizeof(text));
			code = atoi(text);
		}
		if (!state || (!strcmp(status, "exited") && !w->removed)) {
			json_decref(state);
			w->done = true;
			return snprintf(buf, max,
			                "{\"StatusCode\":%d,\"Error\":null}\n",
			                code);
		}
		json_decref(state);
		changes_wait(w->changes, 1000);
	}
}

static struct reply handle_wait(struct request *req)
{
	const char *condition = request_query(req, "condition");
	struct waiter *w = calloc(1, sizeof(*w));

	if (!w)
		return engine_error(500, "out of memory");
	if (find(req->args[0], w->id) < 0) {
		free(w);
		return no_such(req->args[0]);
	}
	w->removed = condition && !strcmp(condition, "removed");
	w->changes = changes_open(w->id);
	w->monitor = -1;
	snprintf(w->exit_file, sizeof(w->exit_file), "%s/exits/%s",
	         engine.exec_root, w->id);
	return (struct reply){ .status = 200,
		               .stream = wait_chunk,
		               .free = waiter_free,
		               .data = w };
}

/* --- attach --------------------------------------------------------------- */

struct attacher {
	char id[65];
	bool counted; /* in pending[] until connected */
};

/* Copy between the client's socket and the monitor's, until the
 * monitor's ends; the client's end of input is passed on. */
static void attach_stream(void *data, int fd, const char *extra,
                          size_t extra_len)
{
	struct attacher *a = data;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char dir[PATH_MAX], buf[16384];
	struct pollfd p[2];
	int mon = -1, changes;
	long long deadline;

	(void)dir;
	if ((size_t)snprintf(addr.sun_path, sizeof(addr.sun_path),
	                     "%.80s/attach/%.12s.sock", engine.exec_root,
	                     a->id) >= sizeof(addr.sun_path))
		return;
	changes = changes_open(a->id);
	for (deadline = now_ms() + 60000; mon < 0 && now_ms() < deadline;) {
		json_t *state = read_json(a->id, "state.json");
		bool gone = !state || !strcmp(status_of(state), "exited");

		json_decref(state);
		mon = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (connect(mon, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
			close(mon);
			mon = -1;
			if (gone)
				break;
			changes_wait(changes, 100);
		}
	}
	changes_close(changes);
	pthread_mutex_lock(&engine.lock);
	if (a->counted)
		pending_add(a->id, -1);
	pthread_mutex_unlock(&engine.lock);
	if (mon < 0)
		return;
	if (extra_len)
		write(mon, extra, extra_len);
	p[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = mon, .events = POLLIN };
	for (;;) {
		ssize_t n;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(mon, buf, sizeof(buf));
			if (n <= 0)
				break;
			if (write(fd, buf, (size_t)n) != n)
				break;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0) {
				shutdown(mon, SHUT_WR);
				p[0].fd = -1; /* nothing more to read from it */
			} else if (write(mon, buf, (size_t)n) != n) {
				break;
			}
		}
	}
	close(mon);
	shutdown(fd, SHUT_RDWR);
}

static struct reply handle_attach(struct request *req)
{
	struct attacher *a = calloc(1, sizeof(*a));
	json_t *config;
	bool tty;

	if (!a)
		return engine_error(500, "out of memory");
	if (find(req->args[0], a->id) < 0) {
		free(a);
		return no_such(req->args[0]);
	}
	config = read_json(a->id, "config.v2.json");
	tty = json_is_true(
	        json_object_get(json_object_get(config, "Config"), "Tty"));
	json_decref(config);
	pthread_mutex_lock(&engine.lock);
	pending_add(a->id, 1);
	a->counted = true;
	pthread_mutex_unlock(&engine.lock);
	return (struct reply){
		.status = 101,
		.type = tty ? "application/vnd.docker.raw-stream"
		            : "application/vnd.docker.multiplexed-stream",
		.upgrade = attach_stream,
		.free = free,
		.data = a,
	};
}

/* --- logs, list, inspect -------------------------------------------------- */

/* What a logs request asks for, and where it is in the log. */
struct logs {
	bool out, err, timestamps, tty, follow;
	double since, until; /* seconds since the epoch; 0: no bound */
	long skip;           /* entries still to skip (--tail) */
	char id[65];
	FILE *log;
	int changes; /* changes_open(), with --follow */
};

/* An RFC 3339 time ("2026-11-29T05:01:02.123456789Z") in seconds. */
static double seconds_of(const char *when)
{
	struct tm tm = { 0 };
	const char *rest =
	        when ? strptime(when, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;

	if (!rest)
		return 0;
	return (double)timegm(&tm) + (*rest == '.' ? atof(rest) : 0);
}

/* Append to *BUF (*LEN bytes, *CAP allocated) the entry of json-file LINE
 * as L asks for it: a frame (or the bytes alone, with a terminal), "TIME "
 * first with timestamps; nothing for an entry filtered out. Returns 0, or
 * -ENOMEM. */
static int logs_entry(const struct logs *l, const char *line, char **buf,
                      size_t *len, size_t *cap)
{
	json_t *entry;
	const char *when;
	char *text, *stamped = NULL;
	double at;
	size_t n;
	int stream;

	if (log_parse(line, &stream, &text, &n) < 0)
		return 0; /* a line cut short by a crash: skipped */
	entry = json_loads(line, JSON_ALLOW_NUL, NULL);
	when = json_string_value(json_object_get(entry, "time"));
	at = seconds_of(when);
	if ((stream == 2 ? !l->err : !l->out) || (l->since && at < l->since) ||
	    (l->until && at > l->until)) {
		json_decref(entry);
		free(text);
		return 0;
	}
	if (l->timestamps) { /* -t: "TIME " before each entry */
		int m = asprintf(&stamped, "%s %.*s", when ? when : "", (int)n,
		                 text);

		if (m >= 0) {
			free(text);
			text = stamped;
			n = (size_t)m;
		}
	}
	json_decref(entry);
	while (*len + n + 9 > *cap) {
		char *grown = realloc(*buf, *cap * 2);

		if (!grown) {
			free(text);
			return -ENOMEM;
		}
		*buf = grown;
		*cap *= 2;
	}
	if (!l->tty) {
		api_frame_header(stream == 2 ? API_STDERR : API_STDOUT, n,
		                 (unsigned char *)*buf + *len);
		*len += 8;
	}
	memcpy(*buf + *len, text, n);
	*len += n;
	free(text);
	return 0;
}

/* logs --follow: the entries there are, then each new one as the
 * container writes it, until it has exited and all are sent. */
static ssize_t logs_chunk(void *data, char *buf, size_t max)
{
	struct logs *l = data;
	char line[65536];
	size_t len = 0, cap = 4096;
	char *out;

	for (;;) {
		long at = ftell(l->log);

		if (fgets(line, sizeof(line), l->log)) {
			if (!strchr(line, '\n')) { /* being written */
				fseek(l->log, at, SEEK_SET);
			} else if (l->skip > 0) {
				l->skip--;
				continue;
			} else {
				out = malloc(cap);
				if (!out ||
				    logs_entry(l, line, &out, &len, &cap) < 0 ||
				    len > max) {
					free(out);
					return -1;
				}
				if (len) {
					memcpy(buf, out, len);
					free(out);
					return (ssize_t)len;
				}
				free(out);
				continue;
			}
		} else {
			json_t *state = read_json(l->id, "state.json");
			bool running = state && alive(status_of(state));

			json_decref(state);
			clearerr(l->log);
			/* One more look once it has exited: what it wrote
			 * last. */
			if (!running && !fgets(line, sizeof(line), l->log))
				return -1;
			fseek(l->log, at, SEEK_SET);
		}
		changes_wait(l->changes, 1000);
	}
}

static void logs_free(void *data)
{
	struct logs *l = data;

	if (l->log)
		fclose(l->log);
	changes_close(l->changes);
	free(l);
}

static struct reply handle_logs(struct request *req)
{
	char dir[PATH_MAX], path[PATH_MAX * 2], line[65536];
	struct logs *l = calloc(1, sizeof(*l));
	const char *tail = request_query(req, "tail");
	size_t len = 0, cap = 4096;
	char *body;
	json_t *config;
	long total = 0;
	struct reply r;

	if (!l)
		return engine_error(500, "out of memory");
	l->changes = -1;
	if (find(req->args[0], l->id) < 0) {
		free(l);
		return no_such(req->args[0]);
	}
	l->out = request_query_bool(req, "stdout");
	l->err = request_query_bool(req, "stderr");
	l->timestamps = request_query_bool(req, "timestamps");
	l->follow = request_query_bool(req, "follow");
	l->since = request_query(req, "since")
	                   ? atof(request_query(req, "since"))
	                   : 0;
	l->until = request_query(req, "until")
	                   ? atof(request_query(req, "until"))
	                   : 0;
	config = read_json(l->id, "config.v2.json");
	l->tty = json_is_true(
	        json_object_get(json_object_get(config, "Config"), "Tty"));
	json_decref(config);
	container_dir(l->id, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s-json.log", dir, l->id);
	l->log = fopen(path, "re");
	/* --tail N: the last N entries; first count them. */
	if (l->log && tail && strcmp(tail, "all")) {
		while (fgets(line, sizeof(line), l->log))
			total++;
		l->skip = total > atol(tail) ? total - atol(tail) : 0;
		rewind(l->log);
	}
	r = (struct reply){
		.status = 200,
		.type = l->tty ? "application/vnd.docker.raw-stream"
		               : "application/vnd.docker.multiplexed-stream",
	};
	if (l->follow && l->log) {
		l->changes = changes_open(l->id);
		r.stream = logs_chunk;
		r.free = logs_free;
		r.data = l;
		return r;
	}
	body = malloc(cap);
	while (body && l->log && fgets(line, sizeof(line), l->log)) {
		if (l->skip > 0) {
			l->skip--;
			continue;
		}
		if (logs_entry(l, line, &body, &len, &cap) < 0) {
			free(body);
			body = NULL;
		}
	}
	logs_free(l);
	if (!body)
		return engine_error(500, "out of memory");
	body[len] = '\0';
	r.body = body;
	r.body_len = len;
	return r;
}

/* "Up 3 seconds", "Exited (0) 2 minutes ago": ps's STATUS (12.5). */
/* VALUE (a new reference to it), or else FALLBACK (taken). */
static json_t *or_else(json_t *value, json_t *fallback)
{
	if (!value)
		return fallback;
	json_decref(fallback);
	return json_incref(value);
}

/* The NetworkSettings boxmon put in STATE, or none: a new reference. */
static json_t *network_settings(json_t *state)
{
	json_t *n = json_object_get(state, "NetworkSettings");

	return n ? json_deep_copy(n)
	         : json_pack("{s:{}, s:{}}", "Ports", "Networks");
}

/* ps's PORTS: [{"IP", "PrivatePort", "PublicPort", "Type"}], from
 * NetworkSettings.Ports {"80/tcp": [{"HostIp", "HostPort"}]}. */
static json_t *ports_list(json_t *state)
{
	json_t *list = json_array(), *bindings, *b;
	const char *key;
	size_t i;

	json_object_foreach(
	        json_object_get(json_object_get(state, "NetworkSettings"),
	                        "Ports"),
	        key, bindings)
	{
		json_array_foreach(bindings, i, b)
		{
			json_array_append_new(
			        list,
			        json_pack(
			                "{s:O, s:i, s:i, s:s}", "IP",
			                json_object_get(b, "HostIp"),
			                "PrivatePort", atoi(key), "PublicPort",
			                atoi(json_string_value(json_object_get(
			                             b, "HostPort"))
			                             ?: "0"),
			                "Type", "tcp"));
		}
	}
	return list;
}

static void human_status(json_t *state, char *buf, size_t size)
{
	const char *status = status_of(state);
	const char *at = json_string_value(json_object_get(
	        state, alive(status) ? "StartedAt" : "FinishedAt"));
	struct tm tm = { 0 };
	long secs = 0;

	if (at && strptime(at, "%Y-%m-%dT%H:%M:%S", &tm) && tm.tm_year > 70)
		secs = (long)(time(NULL) - timegm(&tm));
	if (status_line(
	            status,
	            (int)json_integer_value(json_object_get(state, "ExitCode")),
	            secs, buf, size) < 0)
		snprintf(buf, size, "%s", status);
}

/* The command line ps shows: the process's args joined. */
static void command_of(json_t *record, char *buf, size_t size)
{
	size_t i, len = 0;
	json_t *a;

	buf[0] = '\0';
	json_array_foreach(json_object_get(record, "Args"), i, a)
	{
		len += (size_t)snprintf(buf + len, size > len ? size - len : 0,
		                        "%s%s", i ? " " : "",
		                        json_string_value(a));
		if (len >= size)
			break;
	}
}

/* Does FILTERS (the query's filters, {"status": {"exited": true}} or
 * {"status": ["exited"]}) let a container with STATUS, NAME and ID
 * through? Each key given must match one of its values; "name" matches
 * a part of the name, "id" a prefix of the ID. */
static bool filtered_in(json_t *filters, const char *status, const char *name,
                        const char *id)
{
	static const char *const keys[] = { "status", "name", "id" };
	size_t k;

	for (k = 0; k < 3; k++) {
		json_t *values = json_object_get(filters, keys[k]), *v;
		const char *want;
		bool match = false;
		size_t i;
		void *iter;

		if (!values)
			continue;
		if (json_is_object(values)) {
			for (iter = json_object_iter(values); iter && !match;
			     iter = json_object_iter_next(values, iter)) {
				want = json_object_iter_key(iter);
				match = k == 0   ? !strcmp(want, status)
				        : k == 1 ? strstr(name, want) != NULL
				                 : !strncmp(id, want,
				                            strlen(want));
			}
		} else {
			json_array_foreach(values, i, v)
			{
				want = json_string_value(v);
				if (want &&
				    (k == 0   ? !strcmp(want, status)
				     : k == 1 ? strstr(name, want) != NULL
				              : !strncmp(id, want,
				                         strlen(want))))
					match = true;
			}
		}
		if (!match)
			return false;
	}
	return true;
}

static struct reply handle_list(struct request *req)
{
	const char *filter_text = request_query(req, "filters");
	json_t *filters = filter_text ? json_loads(filter_text, 0, NULL) : NULL;
	bool all = request_query_bool(req, "all") ||
	           json_object_get(filters, "status");
	char dir[PATH_MAX], human[96], command[512];
	json_t *list = json_array();
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/containers", engine.root);
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		json_t *record, *state;
		const char *status;

		if (e->d_name[0] == '.')
			continue;
		record = read_json(e->d_name, "config.v2.json");
		state = read_json(e->d_name, "state.json");
		status = status_of(state);
		if (record && (all || alive(status)) &&
		    filtered_in(
		            filters, status,
		            json_string_value(json_object_get(record, "Name"))
		                    ?: "",
		            e->d_name)) {
			human_status(state, human, sizeof(human));
			command_of(record, command, sizeof(command));
			json_array_append_new(
			        list,
			        json_pack(
			                "{s:s, s:[O], s:O, s:O, s:s, s:O, s:s,"
			                " s:s, s:o, s:{}, s:o}",
			                "Id", e->d_name, "Names",
			                json_object_get(record, "Name"),
			                "Image",
			                json_object_get(record, "ImageName"),
			                "ImageID",
			                json_object_get(record, "Image"),
			                "Command", command, "Created",
			                json_object_get(record, "CreatedUnix"),
			                "State", status, "Status", human,
			                "Ports", ports_list(state), "Labels",
			                "NetworkSettings",
			                network_settings(state)));
		}
		json_decref(record);
		json_decref(state);
	}
	if (d)
		closedir(d);
	json_decref(filters);
	return engine_json(200, list);
}

/* The overlay2 directories of container ID, inspect's GraphDriver.Data:
 * the seed's LowerDir (the -init layer and the image's), UpperDir,
 * MergedDir, WorkDir. */
static json_t *graph_driver(const char *id)
{
	struct store_container c;
	json_t *gd;
	char *text;

	if (store_container_get(&engine.store, id, &c) < 0 ||
	    !(text = build_inspect_container(&engine.store, &c)))
		return json_pack("{s:s, s:{}}", "Name", "overlay2", "Data");
	gd = json_loads(text, 0, NULL); /* {"Data": ..., "Name": ...} */
	free(text);
	return gd ? gd : json_pack("{s:s, s:{}}", "Name", "overlay2", "Data");
}

static struct reply handle_inspect(struct request *req)
{
	char id[65];
	json_t *record, *state, *doc;
	const char *status;

	if (find(req->args[0], id) < 0)
		return no_such(req->args[0]);
	record = read_json(id, "config.v2.json");
	state = read_json(id, "state.json");
	status = status_of(state);
	doc = json_pack(
	        "{s:s, s:O, s:O, s:O, s:O, s:{s:s, s:b, s:b, s:b, s:b, s:b,"
	        " s:o, s:o, s:s, s:o, s:o}, s:O, s:O, s:O, s:o, s:o, s:[],"
	        " s:s, s:s}",
	        "Id", id, "Created", json_object_get(record, "Created"), "Path",
	        json_array_get(json_object_get(record, "Args"), 0), "Args",
	        json_object_get(record, "Args"), "Name",
	        json_object_get(record, "Name"), "State", "Status", status,
	        "Running", alive(status), "Paused", !strcmp(status, "paused"),
	        "Restarting", 0, "OOMKilled", 0, "Dead", 0, "Pid",
	        or_else(json_object_get(state, "Pid"), json_integer(0)),
	        "ExitCode",
	        or_else(json_object_get(state, "ExitCode"), json_integer(0)),
	        "Error", "", "StartedAt",
	        or_else(json_object_get(state, "StartedAt"),
	                json_string("0001-01-01T00:00:00Z")),
	        "FinishedAt",
	        or_else(json_object_get(state, "FinishedAt"),
	                json_string("0001-01-01T00:00:00Z")),
	        "Image", json_object_get(record, "Image"), "Config",
	        json_object_get(record, "Config"), "HostConfig",
	        json_object_get(record, "HostConfig"), "GraphDriver",
	        graph_driver(id), "NetworkSettings", network_settings(state),
	        "Mounts", "Driver", "overlay2", "Platform", "linux");
	json_decref(record);
	json_decref(state);
	if (!doc)
		return engine_error(500, "inspect %s: a damaged record", id);
	return engine_json(200, doc);
}

/* --- stop, kill, remove --------------------------------------------------- */

/* Remove the file NAME of container ID's directory, if it is there. */
static void unlink_marker(const char *id, const char *name)
{
	char path[PATH_MAX * 2], dir[PATH_MAX];

	container_dir(id, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static int signal_container(const char *id, int sig)
{
	char rtroot[PATH_MAX];
	struct runtime rt;
	int ret;

	snprintf(rtroot, sizeof(rtroot), "%s/boxrun", engine.exec_root);
	ret = runtime_open(rtroot, &rt);
	if (ret < 0)
		return ret;
	ret = runtime_kill(&rt, id, sig, false);
	/* A paused container's processes get the signal once thawed. */
	if (ret == 0 && (sig == SIGKILL || sig == SIGTERM) &&
	    runtime_pause(&rt, id, false) == 0)
		unlink_marker(id, "paused");
	runtime_close(&rt);
	return ret;
}

/* Wait at most MS milliseconds for ID to have exited. */
static bool wait_exited(const char *id, int ms)
{
	long long deadline = now_ms() + ms;
	int changes = changes_open(id);
	bool done = false;

	while (!done) {
		json_t *state = read_json(id, "state.json");

		done = !state || !alive(status_of(state));
		json_decref(state);
		if (!done && now_ms() >= deadline)
			break;
		if (!done)
			changes_wait(changes, 100);
	}
	changes_close(changes);
	return done;
}

/* Wait (MS milliseconds at most) for the monitor of container ID, if it
 * has one still, to end: it has a last file or two to write after the
 * state says "exited". */
static void monitor_gone(const char *id, int ms)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	json_t *state = read_json(id, "state.json");
	pid_t monitor =
	        (pid_t)json_integer_value(json_object_get(state, "Monitor"));
	int fd;

	json_decref(state);
	if (monitor <= 0)
		return;
	/* A pidfd is readable once its process has ended. */
	fd = (int)syscall(SYS_pidfd_open, monitor, 0);
	if (fd >= 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		poll(&p, 1, ms);
		close(fd);
		return;
	}
	for (int i = 0; i <= ms / 10 && !process_gone(monitor); i++)
		nanosleep(&pause, NULL);
}

static struct reply handle_stop(struct request *req)
{
	const char *t = request_query(req, "t");
	int seconds = t ? atoi(t) : 10, code;
	const char *next;
	char id[65];
	json_t *state;

	if (find(req->args[0], id) < 0)
		return no_such(req->args[0]);
	state = read_json(id, "state.json");
	code = status_next(status_of(state), "stop", 0, &next);
	json_decref(state);
	if (code != 204) /* 304: it is not running */
		return (struct reply){ .status = (unsigned int)code,
			               .body = strdup("") };
	signal_container(id, SIGTERM);
	if (!wait_exited(id, seconds * 1000)) {
		signal_container(id, SIGKILL);
		wait_exited(id, 10000);
	}
	return (struct reply){ .status = 204, .body = strdup("") };
}

static struct reply handle_kill(struct request *req)
{
	const char *name = request_query(req, "signal");
	int sig = name ? parse_signal(name) : SIGKILL;
	char id[65];
	int ret;

	if (find(req->args[0], id) < 0)
		return no_such(req->args[0]);
	if (sig <= 0)
		return engine_error(400, "%s: not a signal", name);
	ret = signal_container(id, sig);
	if (ret < 0)
		return engine_error(409, "Container %s is not running", id);
	return (struct reply){ .status = 204, .body = strdup("") };
}

static void delete_from_runtime(const char *id)
{
	char rtroot[PATH_MAX];
	struct runtime rt;

	snprintf(rtroot, sizeof(rtroot), "%s/boxrun", engine.exec_root);
	if (runtime_open(rtroot, &rt) == 0) {
		runtime_delete(&rt, id, true);
		runtime_close(&rt);
	}
}

/* Everything of container ID, which has ended: its monitor let finish
 * (it has a last file or two to write), what the runtime still has of
 * it (the monitor may have been killed before it could delete it: the
 * cgroup and the state), its layers and its record. Returns the store's
 * answer, 0 or -errno. */
static int forget(const char *id)
{
	char dir[PATH_MAX];
	int ret;

	monitor_gone(id, 2000);
	delete_from_runtime(id);
	pthread_mutex_lock(&engine.lock);
	ret = store_container_remove(&engine.store, id);
	container_dir(id, dir, sizeof(dir));
	file_remove_tree(AT_FDCWD, dir);
	pthread_mutex_unlock(&engine.lock);
	return ret;
}

static struct reply handle_remove(struct request *req)
{
	char id[65];
	const char *next;
	json_t *state;
	bool running;
	int ret, code;

	if (find(req->args[0], id) < 0)
		return no_such(req->args[0]);
	state = read_json(id, "state.json");
	running = alive(status_of(state));
	code = status_next(status_of(state), "remove",
	                   request_query_bool(req, "force"), &next);
	json_decref(state);
	if (code == 409)
		return engine_error(409,
		                    "cannot remove container \"%s\": container "
		                    "is running: stop the container before "
		                    "removing or force remove",
		                    req->args[0]);
	if (running) {
		signal_container(id, SIGKILL);
		wait_exited(id, 10000);
	}
	ret = forget(id);
	if (ret < 0 && ret != -ENOENT)
		return engine_error(500, "remove %s: %s", id, strerror(-ret));
	return (struct reply){ .status = 204, .body = strdup("") };
}

/* --- exec ----------------------------------------------------------------- */

/* A process started in a running container, as `docker exec` asks:
 * created (its config kept), started (a boxrun exec, beside boxd),
 * ended (its exit code kept for GET /exec/ID/json). */
struct exec_inst {
	char id[65];
	char container[65];
	json_t *config; /* Cmd, Env, WorkingDir, Tty, AttachStdin... */
	bool running, ended;
	int exit_code;
	pid_t pid;
	int master; /* with Tty: the terminal's master, while it runs */
};
static struct exec_inst execs[64];

static struct exec_inst *find_exec(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(execs) / sizeof(execs[0]); i++)
		if (execs[i].id[0] && !strcmp(execs[i].id, id))
			return &execs[i];
	return NULL;
}

static struct reply handle_exec_create(struct request *req)
{
	json_t *body = req->body ? json_loads(req->body, 0, NULL) : NULL;
	json_t *state, *cmd = json_object_get(body, "Cmd");
	struct exec_inst *e = NULL;
	unsigned char bytes[32];
	char id[65];
	size_t i;
	int fd;

	if (find(req->args[0], id) < 0) {
		json_decref(body);
		return no_such(req->args[0]);
	}
	state = read_json(id, "state.json");
	if (strcmp(status_of(state), "running")) {
		json_decref(state);
		json_decref(body);
		return engine_error(409, "Container %s is not running", id);
	}
	json_decref(state);
	if (!json_is_array(cmd) || !json_array_size(cmd)) {
		json_decref(body);
		return engine_error(400, "exec: Cmd: expected a command");
	}
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, bytes, sizeof(bytes)) != sizeof(bytes)) {
		json_decref(body);
		return engine_error(500, "read /dev/urandom");
	}
	close(fd);
	pthread_mutex_lock(&engine.lock);
	for (i = 0; i < sizeof(execs) / sizeof(execs[0]) && !e; i++)
		if (!execs[i].id[0] || execs[i].ended)
			e = &execs[i];
	if (e) {
		json_decref(e->config);
		*e = (struct exec_inst){ .config = body, .master = -1 };
		for (i = 0; i < sizeof(bytes); i++)
			snprintf(e->id + 2 * i, 3, "%02x", bytes[i]);
		memcpy(e->container, id, 65);
	}
	pthread_mutex_unlock(&engine.lock);
	if (!e) {
		json_decref(body);
		return engine_error(503, "too many execs under way");
	}
	return engine_json(201, json_pack("{s:s}", "Id", e->id));
}

/* `boxrun exec` of E, beside boxd, its stdio on OUT, ERR (and IN, or
 * /dev/null); the PID, or -errno. Everything is made before fork(): the
 * child of a threaded process only execs. */
static pid_t spawn_exec(struct exec_inst *e, int in, int out, int err,
                        const char *console)
{
	char rtroot[PATH_MAX], boxrun[PATH_MAX + 8], *argv[96];
	char envs[32][1024];
	json_t *oci = read_json(e->container, "config.json"), *v;
	const char *cwd =
	        json_string_value(json_object_get(e->config, "WorkingDir"));
	size_t n = 0, i, k = 0;
	pid_t pid;

	snprintf(rtroot, sizeof(rtroot), "%s/boxrun", engine.exec_root);
	if (file_beside_self("boxrun", boxrun, sizeof(boxrun)) < 0)
		snprintf(boxrun, sizeof(boxrun), "boxrun");
	argv[n++] = boxrun;
	argv[n++] = "--root";
	argv[n++] = rtroot;
	argv[n++] = "exec";
	if (console) { /* -t: the terminal's master comes to CONSOLE */
		argv[n++] = "-t";
		argv[n++] = "--console-socket";
		argv[n++] = (char *)console;
	}
	if (cwd && *cwd) {
		argv[n++] = "--cwd";
		argv[n++] = (char *)cwd;
	}
	/* The container's environment, then the exec's own. */
	json_array_foreach(
	        json_object_get(json_object_get(oci, "process"), "env"), i, v)
	{
		if (k < 32 && n < 80) {
			snprintf(envs[k], sizeof(envs[k]), "%s",
			         json_string_value(v));
			argv[n++] = "--env";
			argv[n++] = envs[k++];
		}
	}
	json_array_foreach(json_object_get(e->config, "Env"), i, v)
	{
		if (k < 32 && n < 80 && json_is_string(v)) {
			snprintf(envs[k], sizeof(envs[k]), "%s",
			         json_string_value(v));
			argv[n++] = "--env";
			argv[n++] = envs[k++];
		}
	}
	argv[n++] = e->container;
	json_array_foreach(json_object_get(e->config, "Cmd"), i, v)
	{
		if (n < 94 && json_is_string(v))
			argv[n++] = (char *)json_string_value(v);
	}
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(in >= 0 ? in : null, 0);
		dup2(out, 1);
		dup2(err, 2);
#ifdef __SANITIZE_ADDRESS__
		/* The sanitizers' build: LeakSanitizer cannot stop the
		 * world of a process that has joined another PID
		 * namespace (it spins at exit), so boxrun exec goes
		 * without; boxd's and boxmon's leaks are still checked. */
		execve(boxrun, argv,
		       (char *[]){ "ASAN_OPTIONS=detect_leaks=0", NULL });
#endif
		execv(boxrun, argv);
		_exit(127);
	}
	json_decref(oci);
	return pid < 0 ? -errno : pid;
}

/* After the 101: run it, its output framed to the client, the client's
 * bytes to its stdin; its exit code kept before the connection closes. */
/* The exit of exec E's process PID, recorded. */
static void exec_ended(struct exec_inst *e, pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&engine.lock);
	e->exit_code = WIFEXITED(status) ? WEXITSTATUS(status)
	                                 : 128 + WTERMSIG(status);
	e->running = false;
	e->ended = true;
	pthread_mutex_unlock(&engine.lock);
}

/* exec with a terminal: boxrun exec -t sends the master of a new
 * terminal in the container to a console socket of ours (chapter 11,
 * as conmon gets it from runc); then the connection FD and the master
 * are one pipe each way, until the terminal closes. */
static void exec_terminal(struct exec_inst *e, int fd, const char *extra,
                          size_t extra_len)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int listener, conn = -1, master = -1, null;
	struct pollfd p = { .events = POLLIN };
	char buf[16384];
	pid_t pid;

	snprintf(addr.sun_path, sizeof(addr.sun_path),
	         "%.76s/attach/exec-%.12s.sock", engine.exec_root, e->id);
	unlink(addr.sun_path);
	listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listener < 0 ||
	    bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(listener, 1) < 0) {
		if (listener >= 0)
			close(listener);
		return;
	}
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	pid = spawn_exec(e, -1, null, null, addr.sun_path);
	close(null);
	p.fd = listener;
	if (pid > 0 && poll(&p, 1, 10000) > 0)
		conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	if (conn >= 0)
		master = runtime_receive_console(conn);
	if (conn >= 0)
		close(conn);
	close(listener);
	unlink(addr.sun_path);
	if (pid < 0)
		return;
	pthread_mutex_lock(&engine.lock);
	e->pid = pid;
	e->running = true;
	e->master = master;
	pthread_mutex_unlock(&engine.lock);
	if (master >= 0 && extra_len)
		(void)!write(master, extra, extra_len);
	while (master >= 0) {
		struct pollfd q[2] = { { .fd = master, .events = POLLIN },
			               { .fd = fd, .events = POLLIN } };
		ssize_t n;

		if (poll(q, 2, -1) < 0 && errno != EINTR)
			break;
		if (q[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(master, buf, sizeof(buf));
			if (n <=
			    0) /* EIO: the terminal's last process is gone */
				break;
			(void)!write(fd, buf, (size_t)n);
		}
		if (q[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0)
				q[1].fd = -1;
			else
				(void)!write(master, buf, (size_t)n);
		}
	}
	pthread_mutex_lock(&engine.lock);
	e->master = -1;
	pthread_mutex_unlock(&engine.lock);
	if (master >= 0)
		close(master);
	exec_ended(e, pid);
	shutdown(fd, SHUT_RDWR);
}

static void exec_stream(void *data, int fd, const char *extra, size_t extra_len)
{
	struct exec_inst *e = data;
	bool tty = json_is_true(json_object_get(e->config, "Tty"));
	bool want_in = json_is_true(json_object_get(e->config, "AttachStdin"));
	int out[2], err[2], in[2] = { -1, -1 }, open_pipes = 2;
	char buf[16384];
	pid_t pid;

	if (tty) {
		exec_terminal(e, fd, extra, extra_len);
		return;
	}
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
	    (want_in && pipe2(in, O_CLOEXEC) < 0))
		return;
	pid = spawn_exec(e, in[0], out[1], err[1], NULL);
	close(out[1]);
	close(err[1]);
	if (in[0] >= 0)
		close(in[0]);
	if (pid < 0)
		return;
	pthread_mutex_lock(&engine.lock);
	e->pid = pid;
	e->running = true;
	pthread_mutex_unlock(&engine.lock);
	if (extra_len && in[1] >= 0)
		(void)!write(in[1], extra, extra_len);
	while (open_pipes > 0) {
		struct pollfd p[3] = { { .fd = out[0], .events = POLLIN },
			               { .fd = err[0], .events = POLLIN },
			               { .fd = in[1] >= 0 ? fd : -1,
			                 .events = POLLIN } };
		ssize_t n;
		int i;

		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		for (i = 0; i < 2; i++) {
			unsigned char h[8];

			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n <= 0) {
				close(p[i].fd);
				*(i ? &err[0] : &out[0]) = -1;
				open_pipes--;
				continue;
			}
			api_frame_header(i ? API_STDERR : API_STDOUT, (size_t)n,
			                 h);
			if (!tty)
				(void)!write(fd, h, 8);
			(void)!write(fd, buf, (size_t)n);
		}
		if (p[2].fd >= 0 && (p[2].revents & (POLLIN | POLLHUP))) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0) {
				close(in[1]);
				in[1] = -1;
			} else {
				(void)!write(in[1], buf, (size_t)n);
			}
		}
	}
	if (in[1] >= 0)
		close(in[1]);
	exec_ended(e, pid);
	shutdown(fd, SHUT_RDWR);
}

/* POST /exec/ID/resize?h=H&w=W: the size of the exec's terminal. */
static struct reply handle_exec_resize(struct request *req)
{
	const char *h = request_query(req, "h"), *w = request_query(req, "w");
	struct winsize ws = { 0 };
	struct exec_inst *e;
	int ret = -ENOENT;

	if (!h || !w || atoi(h) <= 0 || atoi(w) <= 0)
		return engine_error(400, "resize: h and w must be positive");
	ws.ws_row = (unsigned short)atoi(h);
	ws.ws_col = (unsigned short)atoi(w);
	pthread_mutex_lock(&engine.lock);
	e = find_exec(req->args[0]);
	if (e && e->master >= 0)
		ret = ioctl(e->master, TIOCSWINSZ, &ws) < 0 ? -errno : 0;
	pthread_mutex_unlock(&engine.lock);
	if (!e)
		return engine_error(404, "No such exec instance: %s",
		                    req->args[0]);
	return (struct reply){ .status = ret == 0 ? 200 : 409,
		               .body = strdup("") };
}

static struct reply handle_exec_start(struct request *req)
{
	json_t *body = req->body ? json_loads(req->body, 0, NULL) : NULL;
	bool detach = json_is_true(json_object_get(body, "Detach"));
	struct exec_inst *e;
	bool tty;

	json_decref(body);
	pthread_mutex_lock(&engine.lock);
	e = find_exec(req->args[0]);
	pthread_mutex_unlock(&engine.lock);
	if (!e)
		return engine_error(404, "No such exec instance: %s",
		                    req->args[0]);
	tty = json_is_true(json_object_get(e->config, "Tty"));
	if (detach) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		pid_t pid = spawn_exec(e, -1, null, null, NULL);

		close(null);
		if (pid < 0)
			return engine_error(500, "exec: %s", strerror(-pid));
		e->pid = pid;
		e->running = true;
		return (struct reply){ .status = 200, .body = strdup("") };
	}
	return (struct reply){
		.status = 101,
		.type = tty ? "application/vnd.docker.raw-stream"
		            : "application/vnd.docker.multiplexed-stream",
		.upgrade = exec_stream,
		.data = e,
	};
}

static struct reply handle_exec_inspect(struct request *req)
{
	struct exec_inst *e;
	json_t *doc;

	pthread_mutex_lock(&engine.lock);
	e = find_exec(req->args[0]);
	if (e && e->running && !e->ended && e->pid > 0) {
		int status;

		if (waitpid(e->pid, &status, WNOHANG) == e->pid) {
			e->exit_code = WIFEXITED(status)
			                       ? WEXITSTATUS(status)
			                       : 128 + WTERMSIG(status);
			e->running = false;
			e->ended = true;
		}
	}
	doc = e ? json_pack("{s:s, s:b, s:i, s:i, s:s, s:b, s:b, s:b}", "ID",
	                    e->id, "Running", e->running, "ExitCode",
	                    e->exit_code, "Pid", (int)e->pid, "ContainerID",
	                    e->container, "OpenStdin",
	                    json_is_true(
	                            json_object_get(e->config, "AttachStdin")),
	                    "OpenStdout", 1, "OpenStderr", 1)
	        : NULL;
	pthread_mutex_unlock(&engine.lock);
	if (!e)
		return engine_error(404, "No such exec instance: %s",
		                    req->args[0]);
	return engine_json(200, doc);
}

/* POST /containers/ID/resize?h=H&w=W: the terminal's size, set through
 * the container's process's end of it (its stdin, the pty's slave):
 * TIOCSWINSZ works on either end, and the kernel sends the foreground
 * process group SIGWINCH. */
static struct reply handle_resize(struct request *req)
{
	const char *h = request_query(req, "h"), *w = request_query(req, "w");
	struct winsize size = { 0 };
	char id[65], path[64];
	json_t *state;
	int pid, fd, ret = 0;

	if (find(req->args[0], id) < 0)
		return no_such(req->args[0]);
	if (!h || !w || atoi(h) <= 0 || atoi(w) <= 0)
		return engine_error(400, "resize: h and w must be positive");
	state = read_json(id, "state.json");
	pid = (int)json_integer_value(json_object_get(state, "Pid"));
	json_decref(state);
	snprintf(path, sizeof(path), "/proc/%d/fd/0", pid);
	fd = pid > 0 ? open(path, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
	size.ws_row = (unsigned short)atoi(h);
	size.ws_col = (unsigned short)atoi(w);
	if (fd < 0 || !isatty(fd))
		ret = -ENOTTY;
	else if (ioctl(fd, TIOCSWINSZ, &size) < 0)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		return engine_error(409, "resize %s: it has no terminal", id);
	return (struct reply){ .status = 200, .body = strdup("") };
}

void containers_count(struct container_counts *ret)
{
	struct roster r;
	size_t i;

	memset(ret, 0, sizeof(*ret));
	roster_load(&r);
	for (i = 0; i < r.n; i++) {
		json_t *state = read_json(r.ids[i], "state.json");
		const char *status = status_of(state);

		ret->total++;
		if (!strcmp(status, "running"))
			ret->running++;
		else if (!strcmp(status, "paused"))
			ret->paused++;
		else
			ret->stopped++;
		json_decref(state);
	}
	roster_free(&r);
}

/* --- pause, unpause, restart, top, prune ---------------------------------- */

/* pause and unpause: chapter 05's freezer, through the runtime. */
static struct reply pause_or_unpause(struct request *req, bool frozen)
{
	char id[65], rtroot[PATH_MAX], dir[PATH_MAX], marker[PATH_MAX + 16];
	const char *next;
	struct runtime rt;
	json_t *state;
	int code, ret;

	if (find(req->args[0], id) < 0)
		return no_such(req->args[0]);
	state = read_json(id, "state.json");
	code = status_next(status_of(state), frozen ? "pause" : "unpause", 0,
	                   &next);
	if (code == 409) { /* in Docker's words */
		struct reply r = engine_error(
		        409, "Container %s is %s", id,
		        !frozen                               ? "not paused"
		        : !strcmp(status_of(state), "paused") ? "already paused"
		                                              : "not running");

		json_decref(state);
		return r;
	}
	json_decref(state);
	if (code != 204)
		return engine_error(code, "%s: cannot %s it", req->args[0],
		                    frozen ? "pause" : "unpause");
	snprintf(rtroot, sizeof(rtroot), "%s/boxrun", engine.exec_root);
	ret = runtime_open(rtroot, &rt);
	if (ret == 0) {
		ret = runtime_pause(&rt, id, frozen);
		runtime_close(&rt);
	}
	if (ret < 0)
		return engine_error(500, "%s %s: %s",
		                    frozen ? "pause" : "unpause", id,
		                    strerror(-ret));
	container_dir(id, dir, sizeof(dir));
	snprintf(marker, sizeof(marker), "%s/paused", dir);
	if (frozen)
		file_replace_volatile(AT_FDCWD, marker, "", 0, 0600);
	else
		unlink(marker);
	return (struct reply){ .status = 204, .body = strdup("") };
}

static struct reply handle_pause(struct request *req)
{
	return pause_or_unpause(req, true);
}

static struct reply handle_unpause(struct request *req)
{
	return pause_or_unpause(req, false);
}

/* restart: stop (t seconds, then SIGKILL), then start again: a new
 * monitor, the same layers, its log going on. */
static struct reply handle_restart(struct request *req)
{
	struct reply r = handle_stop(req);
	char id[65], exits[PATH_MAX * 2];
	json_t *state;

	if (r.status != 204 && r.status != 304)
		return r;
	free(r.body);
	if (find(req->args[0], id) < 0)
		return no_such(req->args[0]);
	/* Start reads "created" as "not yet started". */
	state = read_json(id, "state.json");
	json_object_set_new(state, "Status", json_string("created"));
	write_json(id, "state.json", state);
	json_decref(state);
	snprintf(exits, sizeof(exits), "%s/exits/%s", engine.exec_root, id);
	unlink(exits);
	return handle_start(req);
}

/* top: the container's processes (its cgroup's), as ps -ef shows them. */
static struct reply handle_top(struct request *req)
{
	char id[65], rtroot[PATH_MAX], path[64], stat[1024], cmdline[4096];
	json_t *processes = json_array();
	struct runtime rt;
	pid_t *pids = NULL;
	size_t n = 0, i;
	int ret;

	if (find(req->args[0], id) < 0) {
		json_decref(processes);
		return no_such(req->args[0]);
	}
	snprintf(rtroot, sizeof(rtroot), "%s/boxrun", engine.exec_root);
	ret = runtime_open(rtroot, &rt);
	if (ret == 0) {
		ret = runtime_pids(&rt, id, &pids, &n);
		runtime_close(&rt);
	}
	if (ret < 0 || !n) {
		json_decref(processes);
		free(pids);
		return engine_error(409, "Container %s is not running", id);
	}
	for (i = 0; i < n; i++) {
		char uid[16] = "?", ppid[16] = "?", *close_paren;
		struct stat st;
		ssize_t len;
		size_t j;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pids[i]);
		if (file_read_buf(AT_FDCWD, path, stat, sizeof(stat)) < 0)
			continue;
		close_paren = strrchr(stat, ')');
		if (close_paren)
			sscanf(close_paren + 1, " %*c %15s", ppid);
		snprintf(path, sizeof(path), "/proc/%d", (int)pids[i]);
		if (lstat(path, &st) == 0)
			snprintf(uid, sizeof(uid), "%u", (unsigned)st.st_uid);
		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pids[i]);
		len = file_read_buf(AT_FDCWD, path, cmdline, sizeof(cmdline));
		for (j = 0; len > 0 && j + 1 < (size_t)len; j++)
			if (!cmdline[j])
				cmdline[j] = ' ';
		snprintf(path, sizeof(path), "%d", (int)pids[i]);
		json_array_append_new(processes,
		                      json_pack("[s, s, s, s]", uid, path, ppid,
		                                len > 0 ? cmdline : ""));
	}
	free(pids);
	return engine_json(200, json_pack("{s:[s, s, s, s], s:o}", "Titles",
	                                  "UID", "PID", "PPID", "CMD",
	                                  "Processes", processes));
}

/* prune: every container that is not running, removed. */
static struct reply handle_prune(struct request *req)
{
	json_t *deleted = json_array();
	struct roster r;
	size_t i;

	(void)req;
	roster_load(&r);
	for (i = 0; i < r.n; i++) {
		json_t *state = read_json(r.ids[i], "state.json");
		const char *status = status_of(state);

		if (!alive(status)) {
			forget(r.ids[i]);
			json_array_append_new(deleted, json_string(r.ids[i]));
		}
		json_decref(state);
	}
	roster_free(&r);
	return engine_json(200, json_pack("{s:o, s:i}", "ContainersDeleted",
	                                  deleted, "SpaceReclaimed", 0));
}

const struct route container_routes[] = {
	{ "POST", "/containers/create", handle_create },
	{ "POST", "/containers/{id}/start", handle_start },
	{ "POST", "/containers/{id}/wait", handle_wait },
	{ "POST", "/containers/{id}/attach", handle_attach },
	{ "GET", "/containers/{id}/logs", handle_logs },
	{ "GET", "/containers/json", handle_list },
	{ "GET", "/containers/{id}/json", handle_inspect },
	{ "POST", "/containers/{id}/stop", handle_stop },
	{ "POST", "/containers/{id}/kill", handle_kill },
	{ "DELETE", "/containers/{id}", handle_remove },
	{ "POST", "/containers/{id}/exec", handle_exec_create },
	{ "POST", "/exec/{id}/start", handle_exec_start },
	{ "GET", "/exec/{id}/json", handle_exec_inspect },
	{ "POST", "/exec/{id}/resize", handle_exec_resize },
	{ "POST", "/containers/{id}/resize", handle_resize },
	{ "POST", "/containers/{id}/pause", handle_pause },
	{ "POST", "/containers/{id}/unpause", handle_unpause },
	{ "POST", "/containers/{id}/restart", handle_restart },
	{ "GET", "/containers/{id}/top", handle_top },
	{ "POST", "/containers/prune", handle_prune },
	{ NULL, NULL, NULL },
};
