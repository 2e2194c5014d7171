/* build.c - a Boxfile, step by step, into images. See build.h.
 *
 * Each step makes an image whose parent is the image before it (the
 * classic builder's way, which `docker history` shows). A step is not run
 * again if an image with the same parent was made by the same
 * instruction: that is the build cache. RUN, COPY and ADD add a layer;
 * the other instructions change the config only ("empty_layer").
 */
#include "build.h"

#include "file.h"
#include "layer.h"
#include "rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define METADATA "image/overlay2/imagedb/metadata/sha256"

/* Docker's PATH when an image sets none. */
#define DEFAULT_PATH                                                           \
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The state of a build between steps: the image so far. */
struct build {
	const struct store *store;
	const struct build_options *opts;
	json_t *config;             /* the image config document */
	struct digest id;           /* its ID; "" before FROM */
	struct store_layer *layers; /* bottom first */
	size_t n_layers;
	char *error;
	size_t error_size;
};

/* Put a one-line message in the build's error buffer; returns ERR. */
static int fail(struct build *b, int err, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(b->error, b->error_size, fmt, args);
	va_end(args);
	return err;
}

/* "2026-11-29T01:49:25Z": the time format of image configs. */
static void now_rfc3339(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *build_new_config(const struct digest *diff_id, const char *created_by)
{
	char created[32];
	json_t *config;
	char *text;

	now_rfc3339(created, sizeof(created));
	config = json_pack("{s:s, s:s, s:s, s:{s:[s], s:[s]}, "
	                   "s:{s:s, s:[s]}, s:[{s:s, s:s}]}",
	                   "architecture", "amd64", "os", "linux", "created",
	                   created, "config", "Env", DEFAULT_PATH, "Cmd", "sh",
	                   "rootfs", "type", "layers", "diff_ids",
	                   diff_id->text, "history", "created", created,
	                   "created_by", created_by);
	text = config ? json_dumps(config, JSON_COMPACT) : NULL;
	json_decref(config);
	return text;
}

/* The object config.config ("Env", "Cmd", ...), made if missing. */
static json_t *settings(json_t *config)
{
	json_t *inner = json_object_get(config, "config");

	if (!json_is_object(inner)) {
		inner = json_object();
		json_object_set_new(config, "config", inner);
	}
	return inner;
}

/* Load image ID's config and layers as the build's current image. */
static int load_image(struct build *b, const struct digest *id)
{
	char *text;
	int err;

	err = store_image_get(b->store, id, &text, NULL);
	if (err < 0)
		return err;
	json_decref(b->config);
	b->config = json_loads(text, 0, NULL);
	free(b->layers);
	b->layers = NULL;
	b->n_layers = 0;
	err = b->config ? store_image_layers(b->store, text, &b->layers,
	                                     &b->n_layers)
	                : -EINVAL;
	free(text);
	if (err == 0)
		b->id = *id;
	return err;
}

struct cache_search {
	struct build *b;
	const char *created_by;
	struct digest *id; /* what was found */
};

/* One image of imagedb's metadata: 1 if it is the step sought. */
static int cached_step(int dir_fd, const char *hex, void *data)
{
	struct cache_search *search = data;
	char path[PATH_MAX], parent[DIGEST_LEN + 2], *text;
	json_t *config, *history;
	struct digest id;
	int found;

	snprintf(path, sizeof(path), "%.64s/parent", hex);
	if (file_read_buf(dir_fd, path, parent, sizeof(parent)) < 0 ||
	    strcmp(parent, search->b->id.text))
		return 0;
	snprintf(id.text, sizeof(id.text), "sha256:%.64s", hex);
	if (store_image_get(search->b->store, &id, &text, NULL) < 0)
		return 0;
	config = json_loads(text, 0, NULL);
	free(text);
	history = json_object_get(config, "history");
	found = !strcmp(
	        json_string_value(json_object_get(
	                json_array_get(history, json_array_size(history) - 1),
	                "created_by"))
	                ?: "",
	        search->created_by);
	json_decref(config);
	if (found)
		*search->id = id;
	return found;
}

/* An image whose parent is the current one, made by CREATED_BY: the
 * cache's answer, or -ENOENT. */
static int find_cached(struct build *b, const char *created_by,
                       struct digest *ret_id)
{
	struct cache_search search = { b, created_by, ret_id };

	return file_each_entry(b->store->root_fd, METADATA, cached_step,
	                       &search) == 1
	               ? 0
	               : -ENOENT;
}

/* Store the current config as a new image, child of the current one,
 * with a history entry CREATED_BY (and DIFF_ID appended, or NULL). */
static int commit_config(struct build *b, const char *created_by,
                         const struct digest *diff_id)
{
	json_t *history, *entry, *diff_ids;
	struct digest id;
	char created[32], *text;
	int err;

	now_rfc3339(created, sizeof(created));
	json_object_set_new(b->config, "created", json_string(created));
	history = json_object_get(b->config, "history");
	if (!json_is_array(history)) {
		history = json_array();
		json_object_set_new(b->config, "history", history);
	}
	entry = json_pack("{s:s, s:s}", "created", created, "created_by",
	                  created_by);
	if (!diff_id)
		json_object_set_new(entry, "empty_layer", json_true());
	json_array_append_new(history, entry);
	diff_ids = json_object_get(json_object_get(b->config, "rootfs"),
	                           "diff_ids");
	if (diff_id)
		json_array_append_new(diff_ids, json_string(diff_id->text));
	text = json_dumps(b->config, JSON_COMPACT);
	if (!text)
		return -ENOMEM;
	err = store_image_put(b->store, text, &b->id, &id);
	free(text);
	return err < 0 ? err : load_image(b, &id);
}

/* --- copying files into a layer ---------------------------------------- */

static int copy_file(int from_fd, int to_dirfd, const char *to_name,
                     mode_t mode)
{
	int out, ret;

	out = openat(to_dirfd, to_name,
	             O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	             mode & 07777);
	if (out < 0)
		return -errno;
	ret = file_copy_fd(from_fd, out);
	if (ret == 0 && fchmod(out, mode & 07777) < 0)
		ret = -errno;
	close(out);
	return ret;
}

/* One entry NAME of directory FROM_DIR into TO_DIR. */
static int copy_entry(int from_dir, const char *name, int to_dir)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t len;
	int fd, ret;

	if (fstatat(from_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode)) {
		len = readlinkat(from_dir, name, target, sizeof(target) - 1);
		if (len < 0)
			return -errno;
		target[len] = '\0';
		unlinkat(to_dir, name, 0);
		return symlinkat(target, to_dir, name) < 0 ? -errno : 0;
	}
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return 0; /* devices, fifos, sockets: not from a context */
	fd = openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = build_copy(fd, to_dir, name);
	close(fd);
	return ret;
}

/* file_each_entry()'s callback: entry NAME of DIR_FD into *TO_FD. */
static int copy_one(int dir_fd, const char *name, void *to_fd)
{
	return copy_entry(dir_fd, name, *(int *)to_fd);
}

int build_copy(int from_fd, int to_dirfd, const char *to_name)
{
	struct stat st;
	int to_fd, ret;

	if (fstat(from_fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return S_ISREG(st.st_mode) ? copy_file(from_fd, to_dirfd,
		                                       to_name, st.st_mode)
		                           : -EINVAL;
	if (mkdirat(to_dirfd, to_name, st.st_mode & 07777) < 0 &&
	    errno != EEXIST)
		return -errno;
	to_fd = openat(to_dirfd, to_name,
	               O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (to_fd < 0)
		return -errno;
	ret = file_each_entry(from_fd, ".", copy_one, &to_fd);
	if (ret == 0 && fchmod(to_fd, st.st_mode & 07777) < 0)
		ret = -errno;
	close(to_fd);
	return ret;
}

/* --- the steps ----------------------------------------------------------- */

static int step_from(struct build *b, const struct boxfile_instr *in)
{
	struct digest id;
	int err;

	if (!strcmp(in->args[0], "scratch")) {
		json_decref(b->config);
		b->config = json_pack("{s:s, s:s, s:{}, s:{s:s, s:[]}, s:[]}",
		                      "architecture", "amd64", "os", "linux",
		                      "config", "rootfs", "type", "layers",
		                      "diff_ids", "history");
		b->id.text[0] = '\0';
		b->n_layers = 0;
		return b->config ? 0 : -ENOMEM;
	}
	err = store_resolve(b->store, in->args[0], &id);
	if (err < 0)
		return fail(b, err, "FROM %s: no such image (boximg ls)",
		            in->args[0]);
	err = load_image(b, &id);
	if (err < 0)
		return fail(b, err, "FROM %s: %s", in->args[0], strerror(-err));
	return 0;
}

/* ARGS as a JSON array of strings. */
static json_t *string_array(char *const *args)
{
	json_t *array = json_array();

	for (; *args; args++)
		json_array_append_new(array, json_string(*args));
	return array;
}

/* ENV, WORKDIR, USER, CMD, ENTRYPOINT, LABEL: the config changes. */
static int apply_setting(struct build *b, const struct boxfile_instr *in)
{
	json_t *inner = settings(b->config), *map, *env;
	char *const *arg;
	const char *workdir;
	char path[PATH_MAX];
	size_t i;

	switch (in->op) {
	case BOXFILE_ENV:
		env = json_object_get(inner, "Env");
		if (!json_is_array(env)) {
			env = json_array();
			json_object_set_new(inner, "Env", env);
		}
		for (arg = in->args; *arg; arg++) {
			size_t key = strcspn(*arg, "=") + 1;

			for (i = 0; i < json_array_size(env); i++)
				if (!strncmp(json_string_value(
				                     json_array_get(env, i))
				                     ?: "",
				             *arg, key))
					break;
			if (i < json_array_size(env))
				json_array_set_new(env, i, json_string(*arg));
			else
				json_array_append_new(env, json_string(*arg));
		}
		return 0;
	case BOXFILE_WORKDIR:
		workdir =
		        json_string_value(json_object_get(inner, "WorkingDir"));
		snprintf(path, sizeof(path), "%s%s%s",
		         in->args[0][0] == '/' ? "" : (workdir ?: "/"),
		         in->args[0][0] == '/' || !workdir || !*workdir ||
		                         workdir[strlen(workdir) - 1] == '/'
		                 ? ""
		                 : "/",
		         in->args[0]);
		json_object_set_new(inner, "WorkingDir", json_string(path));
		return 0;
	case BOXFILE_USER:
		json_object_set_new(inner, "User", json_string(in->args[0]));
		return 0;
	case BOXFILE_CMD:
	case BOXFILE_ENTRYPOINT:
		json_object_set_new(
		        inner, in->op == BOXFILE_CMD ? "Cmd" : "Entrypoint",
		        in->exec_form ? string_array(in->args)
		                      : json_pack("[s, s, s]", "/bin/sh", "-c",
		                                  in->args[0]));
		return 0;
	case BOXFILE_LABEL:
		map = json_object_get(inner, "Labels");
		if (!json_is_object(map)) {
			map = json_object();
			json_object_set_new(inner, "Labels", map);
		}
		for (arg = in->args; *arg; arg++) {
			char key[256];
			size_t len = strcspn(*arg, "=");

			snprintf(key, sizeof(key), "%.*s", (int)len, *arg);
			json_object_set_new(
			        map, key,
			        json_string(*arg + len + !!(*arg)[len]));
		}
		return 0;
	default: return -EINVAL;
	}
}

/* The image's Env as a NULL-terminated array (free the array only). */
static char **env_of(json_t *config)
{
	json_t *env = json_object_get(settings(config), "Env");
	size_t n = json_array_size(env), i, out = 0;
	char **list = calloc(n + 2, sizeof(*list));

	if (!list)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_string_value(json_array_get(env, i)))
			list[out++] = (char *)json_string_value(
			        json_array_get(env, i));
	if (!out)
		list[out++] = DEFAULT_PATH;
	return list;
}

/* USER: "uid[:gid]" or "root". */
static int parse_user(const char *user, uid_t *uid, gid_t *gid)
{
	unsigned long u = 0, g;
	char *end;

	if (!user || !*user || !strcmp(user, "root")) {
		*uid = *gid = 0;
		return 0;
	}
	u = strtoul(user, &end, 10);
	g = u;
	if (end != user && *end == ':')
		g = strtoul(end + 1, &end, 10);
	if (end == user || *end || u > 65535 || g > 65535)
		return -EINVAL;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

/* "Step 2/3 : RUN ..." and "---> ID" lines: the classic builder's. */
static void say(const struct build *b, const char *fmt, const char *arg)
{
	if (!b->opts->out)
		return;
	fprintf(b->opts->out, fmt, arg);
	fputc('\n', b->opts->out);
	fflush(b->opts->out);
}

static const char *short_id(const struct digest *id)
{
	static char buf[16];

	snprintf(buf, sizeof(buf), "%.12s", digest_hex(id->text) ?: "");
	return buf;
}

/* Reuse the image made by CREATED_BY on the current one, if any. */
static bool use_cache(struct build *b, const char *created_by)
{
	struct digest id;

	if (b->opts->no_cache || find_cached(b, created_by, &id) < 0 ||
	    load_image(b, &id) < 0)
		return false;
	say(b, " ---> Using cache", NULL);
	return true;
}

/* A new layer on top of the current image's, its directory's name in
 * CACHE_ID. */
static int new_layer(struct build *b, char *cache_id)
{
	return store_layer_new(b->store,
	                       b->n_layers ? b->layers[b->n_layers - 1].cache_id
	                                   : NULL,
	                       NULL, "", cache_id);
}

static int step_run(struct build *b, const struct boxfile_instr *in)
{
	char created_by[8192], cache_id[STORE_CACHE_ID_LEN + 8];
	char *shell[] = { "/bin/sh", "-c", in->args[0], NULL };
	json_t *inner = settings(b->config);
	struct build_base base = { .verbose = b->opts->verbose };
	struct store_layer layer;
	int err, status = 0;

	snprintf(created_by, sizeof(created_by), "%s%s",
	         in->exec_form ? "RUN " : "/bin/sh -c ",
	         in->exec_form ? in->text + 4 : in->args[0]);
	if (use_cache(b, created_by))
		return 0;
	if (!b->n_layers)
		return fail(b, -EINVAL,
		            "RUN needs a root file system, and "
		            "FROM scratch has none");
	base.workdir =
	        json_string_value(json_object_get(inner, "WorkingDir")) ?: "/";
	if (!*base.workdir)
		base.workdir = "/";
	if (parse_user(json_string_value(json_object_get(inner, "User")),
	               &base.uid, &base.gid) < 0)
		return fail(b, -EINVAL, "USER %s: only numeric IDs and root",
		            json_string_value(json_object_get(inner, "User")));
	base.env = env_of(b->config);
	err = base.env ? new_layer(b, cache_id) : -ENOMEM;
	if (err == 0) {
		say(b, " ---> Running in %.12s", cache_id);
		err = build_run(b->store, &base, cache_id,
		                in->exec_form ? in->args : shell, &status);
		if (err < 0)
			store_layer_remove(b->store, cache_id);
	}
	free((void *)base.env);
	if (err == -ECANCELED)
		return fail(b, err,
		            "The command '%s' returned a non-zero "
		            "code: %d",
		            created_by,
		            WIFEXITED(status) ? WEXITSTATUS(status)
		                              : 128 + WTERMSIG(status));
	if (err == 0) {
		err = store_layer_commit(b->store, cache_id,
		                         &b->layers[b->n_layers - 1], -1,
		                         &layer);
		if (err < 0)
			store_layer_remove(b->store, cache_id);
	}
	if (err < 0)
		return fail(b, err, "%s: %s", in->text, strerror(-err));
	return commit_config(b, created_by, &layer.diff_id);
}

/* Does NAME look like a tar that ADD unpacks? */
static bool is_archive(const char *name)
{
	static const char *const ends[] = { ".tar",    ".tar.gz",  ".tgz",
		                            ".tar.xz", ".tar.bz2", ".tar.zst",
		                            NULL };
	size_t len = strlen(name), n;
	int i;

	for (i = 0; ends[i]; i++) {
		n = strlen(ends[i]);
		if (len > n && !strcmp(name + len - n, ends[i]))
			return true;
	}
	return false;
}

/* One source of COPY or ADD into the layer whose diff is DIFF_FD (path
 * DIFF): DEST is relative to the root, without a leading slash. */
static int copy_source(struct build *b, int context_fd, const char *src,
                       const char *diff, int diff_fd, const char *dest,
                       bool into_dir, bool add)
{
	char target[PATH_MAX * 2], where[PATH_MAX * 3];
	struct layer_error lerr;
	const char *base = strrchr(src, '/');
	struct stat st;
	int fd, err;

	fd = rootfs_open_in_root(context_fd, src, O_RDONLY);
	if (fd < 0)
		return fail(b, fd, "%s: %s in the build context %s", src,
		            strerror(-fd), b->opts->context);
	err = fstat(fd, &st) < 0 ? -errno : 0;
	if (err == 0 && (S_ISDIR(st.st_mode) || (add && is_archive(src)))) {
		err = file_mkdirs(diff_fd, dest, 0755);
		snprintf(where, sizeof(where), "%s/%s", diff, dest);
		if (err == 0)
			err = S_ISDIR(st.st_mode)
			              ? build_copy(fd, diff_fd, dest)
			              : layer_apply(fd, where, &lerr);
	} else if (err == 0) {
		snprintf(target, sizeof(target), "%s%s%s", dest,
		         into_dir ? "/" : "",
		         into_dir ? (base ? base + 1 : src) : "");
		snprintf(where, sizeof(where), "%s", target);
		if (strrchr(where, '/')) {
			*strrchr(where, '/') = '\0';
			err = file_mkdirs(diff_fd, where, 0755);
		}
		if (err == 0)
			err = build_copy(fd, diff_fd, target);
	}
	close(fd);
	return err < 0 ? fail(b, err, "%s: %s", src, strerror(-err)) : 0;
}

static int step_copy(struct build *b, const struct boxfile_instr *in)
{
	const char *dest = in->args[in->n_args - 1];
	const char *workdir = json_string_value(
	        json_object_get(settings(b->config), "WorkingDir"));
	char cache_id[STORE_CACHE_ID_LEN + 8], diff[PATH_MAX];
	char rel[PATH_MAX], created_by[PATH_MAX + 128];
	bool into_dir = in->n_args > 2 || dest[strlen(dest) - 1] == '/';
	int context_fd, diff_fd = -1, err;
	struct store_layer layer;
	size_t i;

	snprintf(rel, sizeof(rel), "%s/%s",
	         dest[0] == '/' ? "" : (workdir ?: ""), dest);
	memmove(rel, rel + strspn(rel, "/"),
	        strlen(rel + strspn(rel, "/")) + 1);
	while (*rel && rel[strlen(rel) - 1] == '/')
		rel[strlen(rel) - 1] = '\0';
	context_fd = open(b->opts->context, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (context_fd < 0)
		return fail(b, -errno, "build context %s: %s", b->opts->context,
		            strerror(errno));
	err = new_layer(b, cache_id);
	if (err == 0)
		err = store_layer_path(b->store, cache_id, "diff", diff,
		                       sizeof(diff));
	if (err == 0 &&
	    (diff_fd = open(diff, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		err = -errno;
	for (i = 0; err == 0 && i + 1 < in->n_args; i++)
		err = copy_source(b, context_fd, in->args[i], diff, diff_fd,
		                  rel, into_dir, in->op == BOXFILE_ADD);
	if (diff_fd >= 0)
		close(diff_fd);
	close(context_fd);
	if (err == 0)
		err = store_layer_commit(
		        b->store, cache_id,
		        b->n_layers ? &b->layers[b->n_layers - 1] : NULL, -1,
		        &layer);
	if (err < 0) {
		store_layer_remove(b->store, cache_id);
		return b->error[0] ? err : fail(b, err, "%s", strerror(-err));
	}
	snprintf(created_by, sizeof(created_by), "%s %s in /%s",
	         in->op == BOXFILE_ADD ? "ADD" : "COPY", layer.diff_id.text,
	         rel);
	if (use_cache(b, created_by))
		return 0;
	return commit_config(b, created_by, &layer.diff_id);
}

static int step_setting(struct build *b, const struct boxfile_instr *in)
{
	char created_by[8192];
	int err;

	snprintf(created_by, sizeof(created_by), "/bin/sh -c #(nop) %s",
	         in->text);
	if (use_cache(b, created_by))
		return 0;
	err = apply_setting(b, in);
	if (err == 0)
		err = commit_config(b, created_by, NULL);
	return err < 0 && !b->error[0]
	               ? fail(b, err, "%s: %s", in->text, strerror(-err))
	               : err;
}

static int run_step(struct build *b, const struct boxfile_instr *in)
{
	switch (in->op) {
	case BOXFILE_FROM: return step_from(b, in);
	case BOXFILE_RUN: return step_run(b, in);
	case BOXFILE_COPY:
	case BOXFILE_ADD: return step_copy(b, in);
	default: return step_setting(b, in);
	}
}

int build_image(const struct store *store, const struct boxfile *boxfile,
                const struct build_options *opts, struct digest *ret_id,
                char *error, size_t error_size)
{
	struct build b = { .store = store,
		           .opts = opts,
		           .error = error,
		           .error_size = error_size };
	char step[512];
	size_t i;
	int err = 0;

	error[0] = '\0';
	for (i = 0; err == 0 && i < boxfile->n_instrs; i++) {
		const struct boxfile_instr *in = &boxfile->instrs[i];

		snprintf(step, sizeof(step), "Step %zu/%zu : ", i + 1,
		         boxfile->n_instrs);
		if (opts->out)
			fprintf(opts->out, "%s%s\n", step, in->text);
		err = run_step(&b, in);
		if (err == 0 && b.id.text[0])
			say(&b, " ---> %s", short_id(&b.id));
	}
	if (err == 0 && !b.id.text[0])
		err = fail(&b, -EINVAL,
		           "FROM scratch with nothing on it is "
		           "no image");
	if (err == 0 && opts->tag)
		err = store_tag(store, opts->tag, &b.id);
	if (err == 0) {
		say(&b, "Successfully built %s", short_id(&b.id));
		if (opts->tag &&
		    store_normalize_ref(opts->tag, step, sizeof(step)) == 0)
			say(&b, "Successfully tagged %s", step);
		*ret_id = b.id;
	} else if (!error[0]) {
		fail(&b, err, "%s", strerror(-err));
	} else if (i > 0) {
		/* "Step 2/3 : RUN false: The command ... returned ..." */
		char msg[1024];

		snprintf(msg, sizeof(msg), "Step %zu/%zu : %s", i,
		         boxfile->n_instrs, error);
		snprintf(error, error_size, "%s", msg);
	}
	json_decref(b.config);
	free(b.layers);
	return err;
}
