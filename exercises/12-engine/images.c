/* images.c - the image module: chapter 08's store behind the API.
 *
 * docker images, image inspect, history, tag, rmi, import, load, save and
 * build (the classic builder) are requests about chapter 08's store; each
 * handler here turns one into calls of that chapter's library (store.h,
 * build.h) and its answer into the JSON Docker's Engine API gives
 * (moby's api/swagger.yaml). Whatever changes the store holds engine.lock:
 * boxd answers each connection in a thread of its own.
 *
 * An image name may have slashes ("library/busybox:latest") and the docker
 * CLI sends names as it parsed them ("docker.io/library/busybox"): a name
 * is taken from the path by hand, and brought back to its familiar form
 * ("busybox") before the store sees it, as Docker's daemon does.
 */
#include "engine.h"

#include "boxfile.h"
#include "build.h"
#include "file.h"
#include "layer.h"
#include "oci.h"
#include "rootfs.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ROOT/tmp: build contexts, images being loaded or saved (not /tmp: the
 * store's own file system, as Docker's /var/lib/docker/tmp). */
#define TMP_DIR "tmp"

/* --- names ---------------------------------------------------------------- */

/* The familiar form of NAME, as Docker shows it: "docker.io/library/
 * busybox:latest" and "library/busybox:latest" are "busybox:latest". */
static void familiar_name(const char *name, char *buf, size_t size)
{
	static const char *const registries[] = { "docker.io/",
		                                  "index.docker.io/", NULL };
	size_t i, len;

	for (i = 0; registries[i]; i++) {
		len = strlen(registries[i]);
		if (!strncmp(name, registries[i], len)) {
			name += len;
			break;
		}
	}
	if (!strncmp(name, "library/", 8) && !strchr(name + 8, '/'))
		name += 8;
	snprintf(buf, size, "%s", name);
}

/* The image name of a path "/images/NAME" + SUFFIX ("/json", "" for
 * DELETE), in its familiar form. Returns 0 or -EINVAL. */
static int image_arg(const struct request *req, const char *suffix, char *buf,
                     size_t size)
{
	const char *name = req->path + strlen("/images/");
	size_t len = strlen(name), tail = strlen(suffix);
	char raw[API_ARG_MAX * API_MAX_ARGS];

	if (len <= tail || len - tail >= sizeof(raw))
		return -EINVAL;
	snprintf(raw, sizeof(raw), "%.*s", (int)(len - tail), name);
	familiar_name(raw, buf, size);
	return 0;
}

/* The reference REPO[:TAG] of query parameters repo and tag (the CLI
 * sends "repo=busybox:1" or "repo=busybox&tag=1"), familiar and with
 * ":latest" added, in BUF. Returns 0, -ENOENT without a repo, -EINVAL
 * for a malformed one. */
static int query_ref(const struct request *req, char *buf, size_t size)
{
	const char *repo = request_query(req, "repo");
	const char *tag = request_query(req, "tag");
	char joined[512], familiar[512];

	if (!repo || !*repo)
		return -ENOENT;
	snprintf(joined, sizeof(joined), "%s%s%s", repo, tag && *tag ? ":" : "",
	         tag && *tag ? tag : "");
	familiar_name(joined, familiar, sizeof(familiar));
	return store_normalize_ref(familiar, buf, size) < 0 ? -EINVAL : 0;
}

/* The 404 Docker gives: "No such image: busybox:latest". */
static struct reply no_such_image(const char *name, int err)
{
	char ref[512];

	if (err == -EINVAL)
		return engine_error(400,
		                    "%s: ambiguous: more than one image ID "
		                    "starts so",
		                    name);
	if (store_normalize_ref(name, ref, sizeof(ref)) < 0)
		snprintf(ref, sizeof(ref), "%s", name);
	return engine_error(404, "No such image: %s", ref);
}

/* Find image NAME: 0 and its ID, or a negative errno for
 * no_such_image(). Caller holds engine.lock. */
static int find_image(const char *name, struct digest *ret_id)
{
	return store_resolve(&engine.store, name, ret_id);
}

/* --- small helpers -------------------------------------------------------- */

/* Seconds since the epoch of an RFC 3339 time ("2025-01-02T03:04:05Z"),
 * or 0. */
static json_int_t unix_time(const char *rfc3339)
{
	struct tm tm = { 0 };

	if (!rfc3339 || !strptime(rfc3339, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	return (json_int_t)timegm(&tm);
}

/* The tags of image ID, gathered by store_each_tag(). */
struct tag_list {
	const struct digest *id;
	json_t *list;
};

static int add_tag_of(const char *ref, const struct digest *id, void *data)
{
	struct tag_list *tags = data;

	if (!strcmp(id->text, tags->id->text))
		json_array_append_new(tags->list, json_string(ref));
	return 0;
}

/* The tags of ID, a JSON array. Caller holds engine.lock. */
static json_t *tags_of(const struct digest *id)
{
	struct tag_list tags = { id, json_array() };

	store_each_tag(&engine.store, add_tag_of, &tags);
	return tags.list;
}

/* A body of JSON lines, one document each: the progress the CLI prints
 * for import, load and build. */
struct lines {
	FILE *out;
	char *text;
	size_t len;
};

static int lines_open(struct lines *l)
{
	l->text = NULL;
	l->out = open_memstream(&l->text, &l->len);
	return l->out ? 0 : -ENOMEM;
}

/* Append DOC (taken) as one line. */
static void lines_add(struct lines *l, json_t *doc)
{
	if (doc)
		json_dumpf(doc, l->out, JSON_COMPACT);
	fputc('\n', l->out);
	json_decref(doc);
}

/* {"stream": TEXT}: a line of output. */
static void lines_stream(struct lines *l, const char *text)
{
	lines_add(l, json_pack("{s:s}", "stream", text));
}

/* The end of a failed operation: the CLI prints MESSAGE and exits 1. */
static void lines_error(struct lines *l, const char *message)
{
	lines_add(l, json_pack("{s:{s:i, s:s}, s:s}", "errorDetail", "code", 1,
	                       "message", message, "error", message));
}

/* The body as a 200 reply. */
static struct reply lines_reply(struct lines *l)
{
	fclose(l->out);
	return (struct reply){ .status = 200, .body = l->text };
}

/* Is FD (at offset 0) a tar, plain or compressed? layer_apply() reads
 * whatever libarchive reads, and to libarchive a line of text is an mtree
 * archive: the API takes tars only. Leaves FD at offset 0. Returns 0,
 * -EINVAL, or -errno. */
static int check_tar(int fd)
{
	struct archive *a = archive_read_new();
	struct archive_entry *entry;
	int ret;

	if (!a)
		return -ENOMEM;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	ret = archive_read_open_fd(a, fd, 64 * 1024);
	if (ret == ARCHIVE_OK)
		ret = archive_read_next_header(a, &entry);
	archive_read_free(a);
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	return ret == ARCHIVE_OK || ret == ARCHIVE_EOF ? 0 : -EINVAL;
}

/* The request's body in a memory file (memfd_create(2)), at offset 0:
 * the fd libarchive (layer_apply()) reads a tar from. Returns it,
 * -EINVAL if the body is not a tar, or -errno. */
static int body_fd(const struct request *req)
{
	int fd = memfd_create("boxd-body", MFD_CLOEXEC);
	size_t done;
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	for (done = 0; done < req->body_len; done += (size_t)n) {
		n = write(fd, req->body + done, req->body_len - done);
		if (n < 0)
			break;
	}
	err = done < req->body_len || lseek(fd, 0, SEEK_SET) < 0
	              ? -EIO
	              : check_tar(fd);
	if (err < 0) {
		close(fd);
		return err;
	}
	return fd;
}

/* A new directory ROOT/tmp/WHAT-XXXXXX, its path in BUF. */
static int make_tmpdir(const char *what, char *buf, size_t size)
{
	int ret = file_mkdirs(engine.store.root_fd, TMP_DIR, 0700);

	if (ret < 0)
		return ret;
	ret = snprintf(buf, size, "%s/" TMP_DIR "/%s-XXXXXX", engine.store.root,
	               what);
	if (ret < 0 || (size_t)ret >= size)
		return -ENAMETOOLONG;
	return mkdtemp(buf) ? 0 : -errno;
}

/* The request's body, a tar, unpacked into a new ROOT/tmp/WHAT-XXXXXX
 * (layer_apply(): nothing is written outside it). Returns 0, or -errno
 * with a message in ERROR; on failure nothing is left. */
static int unpack_body(const struct request *req, const char *what, char *dir,
                       size_t size, char *error, size_t error_size)
{
	struct layer_error lerr = { "" };
	int fd, err;

	if (!req->body_len) {
		snprintf(error, error_size,
		         "the request has no body: a tar "
		         "was expected");
		return -EINVAL;
	}
	fd = body_fd(req);
	err = fd < 0 ? fd : make_tmpdir(what, dir, size);
	if (err == 0) {
		err = layer_apply(fd, dir, &lerr);
		if (err < 0)
			file_remove_tree(AT_FDCWD, dir);
	}
	if (fd >= 0)
		close(fd);
	if (err < 0)
		snprintf(error, error_size,
		         "the body is not a tar we can "
		         "unpack%s%s: %s",
		         lerr.entry[0] ? ": " : "", lerr.entry, strerror(-err));
	return err;
}

/* --- GET /images/json ----------------------------------------------------- */

/* The listing being made: its entries, and the "reference" filter of
 * `docker images NAME` ({"reference": {"busybox": true}}), or NULL. */
struct listing {
	json_t *list;
	json_t *references;
};

/* Does REF ("busybox:latest") match one of the patterns? A pattern
 * without a tag matches the name, with one the whole reference; both
 * are shell patterns (fnmatch(3)), as Docker's are. */
static bool wanted(const struct listing *listing, const char *ref)
{
	char familiar[512], repo[512];
	const char *pattern;
	json_t *value;

	if (!listing->references)
		return true;
	snprintf(repo, sizeof(repo), "%.*s", (int)(strrchr(ref, ':') - ref),
	         ref);
	json_object_foreach(listing->references, pattern, value)
	{
		familiar_name(pattern, familiar, sizeof(familiar));
		if (!fnmatch(familiar, strchr(familiar, ':') ? ref : repo, 0))
			return true;
	}
	return false;
}

/* One entry per image, its tags gathered. */
static int add_image(const char *ref, const struct digest *id, void *data)
{
	const struct listing *listing = data;
	json_t *list = listing->list, *entry = NULL, *e, *config, *labels;
	struct store_layer *layers = NULL;
	struct digest parent;
	json_int_t size = 0;
	char *text = NULL;
	size_t i, n = 0;

	if (!wanted(listing, ref))
		return 0;
	json_array_foreach(list, i, e)
	{
		if (!strcmp(json_string_value(json_object_get(e, "Id")),
		            id->text))
			entry = e;
	}
	if (entry)
		return json_array_append_new(json_object_get(entry, "RepoTags"),
		                             json_string(ref));
	if (store_image_get(&engine.store, id, &text, &parent) < 0)
		return 0;
	if (store_image_layers(&engine.store, text, &layers, &n) == 0)
		for (i = 0; i < n; i++)
			size += layers[i].size;
	config = json_loads(text, 0, NULL);
	labels = json_object_get(json_object_get(config, "config"), "Labels");
	json_array_append_new(
	        list,
	        json_pack("{s:s, s:s, s:[s], s:[], s:I, s:I, s:I, s:i, s:o}",
	                  "Id", id->text, "ParentId", parent.text, "RepoTags",
	                  ref, "RepoDigests", "Created",
	                  unix_time(json_string_value(
	                          json_object_get(config, "created"))),
	                  "Size", size, "SharedSize", (json_int_t)-1,
	                  "Containers", -1, "Labels",
	                  json_is_object(labels) ? json_incref(labels)
	                                         : json_object()));
	json_decref(config);
	free(layers);
	free(text);
	return 0;
}

/* Newest first, as Docker lists them (qsort(3) order of two entries). */
static int newer_first(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t tx = json_integer_value(json_object_get(x, "Created"));
	json_int_t ty = json_integer_value(json_object_get(y, "Created"));

	if (tx != ty)
		return tx < ty ? 1 : -1;
	return strcmp(json_string_value(json_object_get(x, "Id")),
	              json_string_value(json_object_get(y, "Id")));
}

static json_t *sorted(json_t *list)
{
	size_t n = json_array_size(list), i;
	json_t **entries = calloc(n + 1, sizeof(*entries)), *out;

	if (!entries)
		return list;
	for (i = 0; i < n; i++)
		entries[i] = json_array_get(list, i);
	qsort(entries, n, sizeof(*entries), newer_first);
	out = json_array();
	for (i = 0; i < n; i++)
		json_array_append(out, entries[i]);
	free(entries);
	json_decref(list);
	return out;
}

static struct reply handle_list(struct request *req)
{
	const char *filters = request_query(req, "filters");
	struct listing listing = { json_array(), NULL };
	json_t *doc = filters ? json_loads(filters, 0, NULL) : NULL;

	if (filters && !json_is_object(doc)) {
		json_decref(listing.list);
		return engine_error(400, "filters: not a JSON object: %s",
		                    filters);
	}
	listing.references = json_object_get(doc, "reference");
	pthread_mutex_lock(&engine.lock);
	store_each_tag(&engine.store, add_image, &listing);
	pthread_mutex_unlock(&engine.lock);
	json_decref(doc);
	return engine_json(200, sorted(listing.list));
}

/* --- GET /images/{name}/json ---------------------------------------------- */

/* Chapter 08's inspect document, with what else Docker's has. Caller
 * holds engine.lock. */
static json_t *inspect_image(const struct digest *id)
{
	char *text = build_inspect_image(&engine.store, id);
	json_t *doc = text ? json_loads(text, 0, NULL) : NULL;
	json_t *image = json_incref(json_array_get(doc, 0));

	free(text);
	json_decref(doc);
	if (!image)
		return NULL;
	if (!json_is_object(json_object_get(image, "Config")))
		json_object_set_new(image, "Config", json_object());
	json_object_set_new(image, "RepoDigests", json_array());
	json_object_set_new(image, "Comment", json_string(""));
	json_object_set_new(image, "Author", json_string(""));
	json_object_set_new(image, "DockerVersion", json_string(""));
	json_object_set_new(
	        image, "Metadata",
	        json_pack("{s:s}", "LastTagTime", "0001-01-01T00:00:00Z"));
	return image;
}

static struct reply handle_inspect(struct request *req)
{
	char name[512];
	struct digest id;
	json_t *image;
	int err;

	if (image_arg(req, "/json", name, sizeof(name)) < 0)
		return engine_error(400, "%s: no image name", req->path);
	pthread_mutex_lock(&engine.lock);
	err = find_image(name, &id);
	image = err < 0 ? NULL : inspect_image(&id);
	pthread_mutex_unlock(&engine.lock);
	if (err < 0)
		return no_such_image(name, err);
	if (!image)
		return engine_error(500,
		                    "%s: its config or a layer cannot be "
		                    "read",
		                    name);
	return engine_json(200, image);
}

/* --- GET /images/{name}/history ------------------------------------------- */

/* One row of docker history: step I of CONFIG's history, which made
 * image ID ("<missing>" if it has none here) and a layer of SIZE. */
static json_t *history_row(json_t *entry, const struct digest *id,
                           json_int_t size)
{
	const char *by =
	        json_string_value(json_object_get(entry, "created_by"));
	const char *comment =
	        json_string_value(json_object_get(entry, "comment"));
	json_t *tags = id->text[0] ? tags_of(id) : json_array();

	if (!json_array_size(tags)) {
		json_decref(tags);
		tags = json_null();
	}
	return json_pack(
	        "{s:s, s:I, s:s, s:o, s:I, s:s}", "Id",
	        id->text[0] ? id->text : "<missing>", "Created",
	        unix_time(json_string_value(json_object_get(entry, "created"))),
	        "CreatedBy", by ? by : "", "Tags", tags, "Size", size,
	        "Comment", comment ? comment : "");
}

/* Newest first, as boximg history: each step of a build is an image
 * whose parent is the step before; a step imported from elsewhere has no
 * image of its own. Caller holds engine.lock. */
static json_t *image_history(struct digest id)
{
	struct store_layer *layers = NULL;
	json_t *config, *history, *entry, *rows = json_array();
	struct digest parent;
	size_t n = 0, i, layer;
	json_int_t size;
	char *text;

	if (store_image_get(&engine.store, &id, &text, NULL) < 0)
		return rows;
	config = json_loads(text, 0, NULL);
	store_image_layers(&engine.store, text, &layers, &n);
	free(text);
	history = json_object_get(config, "history");
	layer = n;
	for (i = json_array_size(history); i-- > 0;) {
		entry = json_array_get(history, i);
		size = 0;
		if (!json_is_true(json_object_get(entry, "empty_layer")) &&
		    layer > 0)
			size = layers[--layer].size;
		json_array_append_new(rows, history_row(entry, &id, size));
		if (id.text[0] &&
		    store_image_get(&engine.store, &id, &text, &parent) == 0) {
			free(text);
			id = parent;
		} else {
			id.text[0] = '\0';
		}
	}
	json_decref(config);
	free(layers);
	return rows;
}

static struct reply handle_history(struct request *req)
{
	char name[512];
	struct digest id;
	json_t *rows = NULL;
	int err;

	if (image_arg(req, "/history", name, sizeof(name)) < 0)
		return engine_error(400, "%s: no image name", req->path);
	pthread_mutex_lock(&engine.lock);
	err = find_image(name, &id);
	if (err == 0)
		rows = image_history(id);
	pthread_mutex_unlock(&engine.lock);
	if (err < 0)
		return no_such_image(name, err);
	return engine_json(200, rows);
}

/* --- POST /images/{name}/tag ---------------------------------------------- */

static struct reply handle_tag(struct request *req)
{
	char name[512], ref[512];
	struct digest id;
	int err;

	if (image_arg(req, "/tag", name, sizeof(name)) < 0)
		return engine_error(400, "%s: no image name", req->path);
	err = query_ref(req, ref, sizeof(ref));
	if (err == -ENOENT)
		return engine_error(400, "tag: the query has no repo=NAME");
	if (err < 0)
		return engine_error(400,
		                    "invalid reference format: %s is not "
		                    "NAME[:TAG] (lower case, digits, . _ - /)",
		                    request_query(req, "repo"));
	pthread_mutex_lock(&engine.lock);
	err = find_image(name, &id);
	if (err == 0)
		err = store_tag(&engine.store, ref, &id) < 0 ? -EIO : 0;
	pthread_mutex_unlock(&engine.lock);
	if (err == -EIO)
		return engine_error(500, "tag %s: cannot write the store", ref);
	if (err < 0)
		return no_such_image(name, err);
	return (struct reply){ .status = 201, .body = strdup("") };
}

/* --- DELETE /images/{name} ------------------------------------------------ */

/* What docker rmi is told: the rows of its answer and why it stopped. */
struct removal {
	json_t *rows; /* [{"Untagged": ref}, {"Deleted": id}] */
	bool by_id;   /* NAME was an ID, not a tag */
	bool force;
};

/* A container made from ID, if any: 1 and its name in DATA. */
struct user_search {
	const struct digest *id;
	char name[128];
};

static int find_user(const struct store_container *c, void *data)
{
	struct user_search *s = data;

	if (strcmp(c->image.text, s->id->text))
		return 0;
	snprintf(s->name, sizeof(s->name), "%s", c->name);
	return 1;
}

/* Untag what docker rmi NAME untags: NAME itself; by ID, every tag (more
 * than one only with force). Returns 0 or an HTTP status. */
static unsigned int untag(struct removal *rm, const char *name,
                          const struct digest *id, char *message, size_t size)
{
	json_t *tags = tags_of(id), *tag;
	char ref[512];
	size_t i;

	if (!rm->by_id && store_normalize_ref(name, ref, sizeof(ref)) == 0) {
		json_decref(tags);
		tags = json_pack("[s]", ref);
	} else if (json_array_size(tags) > 1 && !rm->force) {
		snprintf(message, size,
		         "conflict: unable to delete %.12s (must be forced) - "
		         "image is referenced in multiple repositories",
		         digest_hex(id->text));
		json_decref(tags);
		return 409;
	}
	json_array_foreach(tags, i, tag)
	{
		if (store_untag(&engine.store, json_string_value(tag)) == 0)
			json_array_append_new(
			        rm->rows, json_pack("{s:O}", "Untagged", tag));
	}
	json_decref(tags);
	return 0;
}

/* Has ID a tag left? */
static int has_tag(const char *ref, const struct digest *id, void *data)
{
	(void)ref;
	return !strcmp(id->text, ((const struct digest *)data)->text);
}

/* Delete ID once no tag is left on it, then its untagged parents, the
 * steps of its build (chapter 08's rm rules). Returns 0 or -errno. */
static int delete_chain(struct removal *rm, struct digest id)
{
	struct digest parent;
	char *text;
	int err;

	while (!store_each_tag(&engine.store, has_tag, &id)) {
		parent.text[0] = '\0';
		if (store_image_get(&engine.store, &id, &text, &parent) == 0)
			free(text);
		err = store_image_remove(&engine.store, &id);
		if (err == -EBUSY)
			return json_array_size(rm->rows) ? 0 : err;
		if (err < 0)
			return err;
		json_array_append_new(rm->rows,
		                      json_pack("{s:s}", "Deleted", id.text));
		if (!parent.text[0])
			break;
		id = parent;
	}
	return 0;
}

static int same_ref(const char *ref, const struct digest *id, void *data)
{
	(void)id;
	return !strcmp(ref, data);
}

/* Is NAME a tag of the store (not an ID)? Caller holds engine.lock. */
static bool is_tag(const char *name)
{
	char ref[512];

	return store_normalize_ref(name, ref, sizeof(ref)) == 0 &&
	       store_each_tag(&engine.store, same_ref, ref) == 1;
}

/* docker rmi NAME. Caller holds engine.lock. */
static struct reply remove_image(struct removal *rm, const char *name)
{
	struct user_search user = { 0 };
	char message[512];
	struct digest id;
	unsigned int status;
	int err;

	err = find_image(name, &id);
	if (err < 0)
		return no_such_image(name, err);
	rm->by_id = !is_tag(name);
	user.id = &id;
	if (store_each_container(&engine.store, find_user, &user) == 1 &&
	    !rm->force)
		return engine_error(409,
		                    "conflict: unable to remove repository "
		                    "reference \"%s\" (must force) - container "
		                    "%s is using its referenced image %.12s",
		                    name, user.name, digest_hex(id.text));
	status = untag(rm, name, &id, message, sizeof(message));
	if (status)
		return engine_error(status, "%s", message);
	err = delete_chain(rm, id);
	if (err == -EBUSY)
		return engine_error(
		        409,
		        "conflict: unable to delete %.12s (cannot be "
		        "forced) - image has dependent child images",
		        digest_hex(id.text));
	if (err < 0)
		return engine_error(500, "delete %s: %s", name, strerror(-err));
	return engine_json(200, json_incref(rm->rows));
}

static struct reply handle_delete(struct request *req)
{
	struct removal rm = { .rows = json_array(),
		              .force = request_query_bool(req, "force") };
	char name[512];
	struct reply r;

	if (image_arg(req, "", name, sizeof(name)) < 0)
		return engine_error(400, "%s: no image name", req->path);
	pthread_mutex_lock(&engine.lock);
	r = remove_image(&rm, name);
	pthread_mutex_unlock(&engine.lock);
	json_decref(rm.rows);
	return r;
}

/* --- POST /images/create: docker import, docker pull ---------------------- */

/* A name for an image that gets none (docker import without one, an
 * image loaded without a name): build_import() tags what it makes, so
 * it gets this one for a moment. */
#define UNNAMED "boxd-unnamed:import"

static struct reply handle_create(struct request *req)
{
	const char *image = request_query(req, "fromImage");
	const char *src = request_query(req, "fromSrc");
	char ref[512], error[1024];
	struct digest id;
	struct lines l;
	int fd, err;

	if (image)
		return engine_error(501,
		                    "boxd has no registry to pull %s from: "
		                    "docker load or docker import the image",
		                    image);
	if (!src || strcmp(src, "-"))
		return engine_error(400, "images/create: boxd imports the tar "
		                         "sent in the body (fromSrc=-) only");
	err = query_ref(req, ref, sizeof(ref));
	if (err == -EINVAL)
		return engine_error(400, "invalid reference format: %s",
		                    request_query(req, "repo"));
	if (!req->body_len)
		return engine_error(400, "import: the body is empty: a tar "
		                         "was expected");
	fd = body_fd(req);
	if (fd == -EINVAL)
		return engine_error(400, "import: the body is not a tar");
	if (fd < 0 || lines_open(&l) < 0) {
		if (fd >= 0)
			close(fd);
		return engine_error(500, "import: %s",
		                    strerror(fd < 0 ? -fd : ENOMEM));
	}
	pthread_mutex_lock(&engine.lock);
	err = build_import_tar(&engine.store, fd, "Imported from -",
	                       err == -ENOENT ? UNNAMED : ref, &id, error,
	                       sizeof(error));
	if (err == 0 && !request_query(req, "repo"))
		store_untag(&engine.store, UNNAMED);
	pthread_mutex_unlock(&engine.lock);
	close(fd);
	if (err < 0) {
		fclose(l.out);
		free(l.text);
		return engine_error(400, "import: %s", error);
	}
	lines_add(&l, json_pack("{s:s}", "status", id.text));
	return lines_reply(&l);
}

/* --- POST /images/load ---------------------------------------------------- */

/* Import the image of index.json's entry MANIFEST from the layout DIR,
 * named as its annotations say (containerd's and Docker's
 * "io.containerd.image.name", or a full reference as its ref name); one
 * line about it in L. Returns 0 or -errno. Caller holds engine.lock. */
static int load_one(struct lines *l, const char *dir, json_t *manifest)
{
	json_t *notes = json_object_get(manifest, "annotations");
	const char *name = json_string_value(
	        json_object_get(notes, "io.containerd.image.name"));
	const char *ref =
	        json_string_value(json_object_get(notes, OCI_REF_NAME));
	char familiar[512], tagged[512], error[1024], line[1200];
	struct digest id;
	int err;

	if (!name && ref && strpbrk(ref, ":/"))
		name = ref;
	familiar_name(name ? name : "", familiar, sizeof(familiar));
	if (store_normalize_ref(familiar, tagged, sizeof(tagged)) < 0)
		tagged[0] = '\0';
	err = build_import(&engine.store, dir, ref,
	                   tagged[0] ? tagged : UNNAMED, &id, error,
	                   sizeof(error));
	if (err < 0) {
		lines_error(l, error);
		return err;
	}
	if (!tagged[0])
		store_untag(&engine.store, UNNAMED);
	snprintf(line, sizeof(line), "Loaded image%s: %s\n",
	         tagged[0] ? "" : " ID", tagged[0] ? tagged : id.text);
	lines_stream(l, line);
	return 0;
}

static struct reply handle_load(struct request *req)
{
	char dir[PATH_MAX], error[1024], path[PATH_MAX + 16], *text;
	json_t *index, *manifest;
	struct lines l;
	size_t i;

	if (unpack_body(req, "load", dir, sizeof(dir), error, sizeof(error)) <
	    0)
		return engine_error(400, "load: %s", error);
	snprintf(path, sizeof(path), "%s/index.json", dir);
	index = file_read_all(AT_FDCWD, path, &text, NULL) == 0
	                ? json_loads(text, 0, NULL)
	                : NULL;
	if (index)
		free(text);
	if (!json_is_array(json_object_get(index, "manifests")) ||
	    lines_open(&l) < 0) {
		file_remove_tree(AT_FDCWD, dir);
		json_decref(index);
		return engine_error(400, "load: the tar is no OCI image layout "
		                         "(no index.json); boxd loads those "
		                         "only (docker save, boximg save, "
		                         "skopeo)");
	}
	pthread_mutex_lock(&engine.lock);
	json_array_foreach(json_object_get(index, "manifests"), i, manifest)
	{
		if (load_one(&l, dir, manifest) < 0)
			break;
	}
	pthread_mutex_unlock(&engine.lock);
	json_decref(index);
	file_remove_tree(AT_FDCWD, dir);
	return lines_reply(&l);
}

/* --- GET /images/{name}/get, /images/get?names=: docker save ------------- */

/* A reply that streams the file FD (taken) from its offset. */
static ssize_t read_chunk(void *data, char *buf, size_t max)
{
	ssize_t n = read(*(int *)data, buf, max);

	return n > 0 ? n : -1;
}

static void close_file(void *data)
{
	close(*(int *)data);
	free(data);
}

static struct reply stream_file(int fd)
{
	int *data = malloc(sizeof(*data));

	if (!data) {
		close(fd);
		return engine_error(500, "out of memory");
	}
	*data = fd;
	return (struct reply){ .status = 200,
		               .type = "application/x-tar",
		               .stream = read_chunk,
		               .free = close_file,
		               .data = data };
}

/* Name the layout's image REF in index.json as Docker does
 * ("io.containerd.image.name"), so that docker load finds its name. */
static int name_layout(const char *dir, const char *ref)
{
	char path[PATH_MAX + 16], *text;
	json_t *index, *manifest, *notes;
	int err;

	snprintf(path, sizeof(path), "%s/index.json", dir);
	err = file_read_all(AT_FDCWD, path, &text, NULL);
	if (err < 0)
		return err;
	index = json_loads(text, 0, NULL);
	free(text);
	manifest = json_array_get(json_object_get(index, "manifests"), 0);
	notes = json_object_get(manifest, "annotations");
	if (!json_is_object(notes))
		json_object_set_new(manifest, "annotations",
		                    notes = json_object());
	json_object_set_new(notes, "io.containerd.image.name",
	                    json_string(ref));
	text = json_dumps(index, JSON_COMPACT);
	err = text ? file_replace(AT_FDCWD, path, text, strlen(text), 0644)
	           : -EINVAL;
	free(text);
	json_decref(index);
	return err;
}

/* Image NAME as an OCI layout (chapter 08's save, named), in a tar in a
 * memory file. Returns its fd or -errno, with a message. Caller holds
 * engine.lock. */
static int save_tar(const char *name, const struct digest *id, char *error,
                    size_t size)
{
	char dir[PATH_MAX], ref[512];
	bool named = is_tag(name);
	int fd, err;

	if (!named || store_normalize_ref(name, ref, sizeof(ref)) < 0)
		snprintf(ref, sizeof(ref), "latest");
	err = make_tmpdir("save", dir, sizeof(dir));
	if (err < 0)
		return err;
	err = build_save(&engine.store, id,
	                 strrchr(ref, ':') ? strrchr(ref, ':') + 1 : ref, dir,
	                 error, size);
	if (err == 0 && named)
		err = name_layout(dir, ref);
	fd = memfd_create("boxd-save", MFD_CLOEXEC);
	if (err == 0 && fd < 0)
		err = -errno;
	if (err == 0)
		err = layer_create(dir, fd);
	if (err == 0 && lseek(fd, 0, SEEK_SET) < 0)
		err = -errno;
	file_remove_tree(AT_FDCWD, dir);
	if (err < 0 && fd >= 0)
		close(fd);
	if (err < 0 && !error[0])
		snprintf(error, size, "%s", strerror(-err));
	return err < 0 ? err : fd;
}

static struct reply save_image(const char *raw)
{
	char name[512], error[1024] = "";
	struct digest id;
	int err;

	familiar_name(raw, name, sizeof(name));
	pthread_mutex_lock(&engine.lock);
	err = find_image(name, &id);
	if (err == 0)
		err = save_tar(name, &id, error, sizeof(error));
	pthread_mutex_unlock(&engine.lock);
	if (err < 0 && !error[0])
		return no_such_image(name, err);
	if (err < 0)
		return engine_error(500, "save %s: %s", name, error);
	return stream_file(err);
}

static struct reply handle_save(struct request *req)
{
	char name[512];

	if (image_arg(req, "/get", name, sizeof(name)) < 0)
		return engine_error(400, "%s: no image name", req->path);
	return save_image(name);
}

/* The CLI's form: ?names=IMAGE (one image: the first). */
static struct reply handle_save_named(struct request *req)
{
	const char *name = request_query(req, "names");

	if (!name || !*name)
		return engine_error(400, "images/get: the query needs "
		                         "names=IMAGE");
	return save_image(name);
}

/* --- POST /build: docker build (the classic builder) ---------------------- */

/* The recipe FILE of the context CONTEXT ("Dockerfile", or "Boxfile" if
 * there is no Dockerfile), parsed, opened inside the context only (a link
 * "Dockerfile" -> "/etc/shadow" is the context's /etc/shadow). Returns
 * 0, or -errno with a message in ERROR. */
static int read_recipe(const char *context, const char *file,
                       struct boxfile *ret, char *error, size_t size)
{
	struct boxfile_error berr;
	int dir_fd, fd, err;
	char *text;

	dir_fd = open(context, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return -errno;
	fd = rootfs_open_in_root(dir_fd, file, O_RDONLY);
	if (fd < 0 && !strcmp(file, "Dockerfile"))
		fd = rootfs_open_in_root(dir_fd, file = "Boxfile", O_RDONLY);
	close(dir_fd);
	if (fd < 0) {
		snprintf(error, size, "Cannot locate specified Dockerfile: %s",
		         file);
		return fd;
	}
	err = file_read_fd_all(fd, &text, NULL);
	close(fd);
	if (err < 0) {
		snprintf(error, size, "%s: %s", file, strerror(-err));
		return err;
	}
	err = boxfile_parse(text, ret, &berr);
	if (err < 0)
		snprintf(error, size, "dockerfile parse error on line %d: %s",
		         berr.line, berr.what);
	free(text);
	return err;
}

/* The tags of ?t=NAME&t=NAME2, familiar and checked, into TAGS (at most
 * MAX). Returns how many, or -EINVAL with the bad one in BAD. */
#define MAX_TAGS 8
static int build_tags(const struct request *req, char tags[][512],
                      const char **bad)
{
	char familiar[512];
	size_t i;
	int n = 0;

	for (i = 0; i < req->n_query && n < MAX_TAGS; i++) {
		if (strcmp(req->query[i][0], "t") || !req->query[i][1] ||
		    !*req->query[i][1])
			continue;
		familiar_name(req->query[i][1], familiar, sizeof(familiar));
		if (store_normalize_ref(familiar, tags[n], sizeof(tags[n])) <
		    0) {
			*bad = req->query[i][1];
			return -EINVAL;
		}
		n++;
	}
	return n;
}

/* A build under way, in a thread of its own: its progress goes, a JSON
 * line at a time, into a pipe whose other end is the reply's stream, so
 * that the client prints each step as it happens. */
struct build_job {
	struct boxfile boxfile;
	char context[PATH_MAX];
	char tags[MAX_TAGS][512];
	int n_tags;
	bool quiet, no_cache;
	FILE *out;       /* the pipe's write end, JSON lines */
	char line[4096]; /* build_image()'s progress: the line under way */
	size_t len;
	char *held; /* "Successfully ..." lines, kept for the end */
	size_t held_len;
};

/* The progress build_image() writes, cut into lines: each one sent on
 * as {"stream": LINE} at once, but "Successfully built/tagged", which
 * must follow the image's ID ("aux", known once build_image() returns),
 * held back. */
static ssize_t job_write(void *cookie, const char *buf, size_t size)
{
	struct build_job *j = cookie;
	size_t i;

	for (i = 0; i < size; i++) {
		if (j->len < sizeof(j->line) - 2)
			j->line[j->len++] = buf[i];
		if (buf[i] != '\n')
			continue;
		j->line[j->len] = '\0';
		if (!strncmp(j->line, "Successfully ", 13)) {
			char *grown =
			        realloc(j->held, j->held_len + j->len + 1);

			if (grown) {
				memcpy(grown + j->held_len, j->line,
				       j->len + 1);
				j->held = grown;
				j->held_len += j->len;
			}
		} else if (!j->quiet) {
			json_t *doc = json_pack("{s:s}", "stream", j->line);

			json_dumpf(doc, j->out, JSON_COMPACT);
			fputc('\n', j->out);
			fflush(j->out);
			json_decref(doc);
		}
		j->len = 0;
	}
	return (ssize_t)size;
}

static void *job_run(void *data)
{
	struct build_job *j = data;
	cookie_io_functions_t io = { .write = job_write };
	struct build_options opts = { .context = j->context,
		                      .tag = j->n_tags ? j->tags[0] : NULL,
		                      .no_cache = j->no_cache };
	char error[2048], line[600];
	struct lines l = { .out = j->out };
	struct digest id;
	int err, i;

	opts.out = fopencookie(j, "w", io);
	if (!opts.out) {
		lines_error(&l, strerror(ENOMEM));
		goto done;
	}
	setvbuf(opts.out, NULL, _IOLBF, 0);
	pthread_mutex_lock(&engine.lock);
	err = build_image(&engine.store, &j->boxfile, &opts, &id, error,
	                  sizeof(error));
	for (i = 1; err == 0 && i < j->n_tags; i++) {
		err = store_tag(&engine.store, j->tags[i], &id);
		fprintf(opts.out, "Successfully tagged %s\n", j->tags[i]);
	}
	pthread_mutex_unlock(&engine.lock);
	fclose(opts.out);
	if (err == 0)
		lines_add(&l, json_pack("{s:{s:s}}", "aux", "ID", id.text));
	if (!j->quiet && j->held) {
		char *held_line, *save = NULL;

		for (held_line = strtok_r(j->held, "\n", &save); held_line;
		     held_line = strtok_r(NULL, "\n", &save)) {
			snprintf(line, sizeof(line), "%s\n", held_line);
			lines_stream(&l, line);
		}
	}
	if (err < 0)
		lines_error(&l, error);
	else if (j->quiet) {
		snprintf(line, sizeof(line), "%s\n", id.text);
		lines_stream(&l, line);
	}
done:
	fclose(j->out);
	boxfile_free(&j->boxfile);
	file_remove_tree(AT_FDCWD, j->context);
	free(j->held);
	free(j);
	return NULL;
}

/* The reply's side: what the build thread wrote, until it closes. */
static ssize_t job_chunk(void *data, char *buf, size_t max)
{
	int fd = *(int *)data;
	ssize_t n;

	do
		n = read(fd, buf, max);
	while (n < 0 && errno == EINTR);
	return n > 0 ? n : -1;
}

static void job_free(void *data)
{
	close(*(int *)data);
	free(data);
}

static struct reply handle_build(struct request *req)
{
	const char *file = request_query(req, "dockerfile");
	const char *args = request_query(req, "buildargs"), *bad = NULL;
	struct build_job *j = calloc(1, sizeof(*j));
	char error[1024];
	int err, fds[2], *reader;
	pthread_t thread;

	if (!j)
		return engine_error(500, "out of memory");
	j->n_tags = build_tags(req, j->tags, &bad);
	if (j->n_tags < 0) {
		free(j);
		return engine_error(400,
		                    "invalid reference format: %s is not "
		                    "NAME[:TAG] (lower case, digits, . _ - /)",
		                    bad);
	}
	if (unpack_body(req, "build", j->context, sizeof(j->context), error,
	                sizeof(error)) < 0) {
		free(j);
		return engine_error(400, "build context: %s", error);
	}
	err = read_recipe(j->context, file && *file ? file : "Dockerfile",
	                  &j->boxfile, error, sizeof(error));
	reader = malloc(sizeof(*reader));
	if (err == 0 && (!reader || pipe2(fds, O_CLOEXEC) < 0)) {
		err = -ENOMEM;
		snprintf(error, sizeof(error), "%s", strerror(errno));
	}
	if (err < 0) {
		file_remove_tree(AT_FDCWD, j->context);
		boxfile_free(&j->boxfile);
		free(j);
		free(reader);
		return engine_error(400, "%s", error);
	}
	j->quiet = request_query_bool(req, "q");
	j->no_cache = request_query_bool(req, "nocache");
	j->out = fdopen(fds[1], "w");
	*reader = fds[0];
	if (args && *args && strcmp(args, "{}") && !j->quiet) {
		struct lines l = { .out = j->out };

		lines_stream(&l, "[Warning] boxd ignores build arguments "
		                 "(--build-arg)\n");
	}
	if (!j->out || pthread_create(&thread, NULL, job_run, j) != 0) {
		if (j->out)
			fclose(j->out);
		else
			close(fds[1]);
		close(fds[0]);
		free(reader);
		file_remove_tree(AT_FDCWD, j->context);
		boxfile_free(&j->boxfile);
		free(j);
		return engine_error(500, "start the build: %s",
		                    strerror(errno));
	}
	pthread_detach(thread);
	return (struct reply){ .status = 200,
		               .stream = job_chunk,
		               .free = job_free,
		               .data = reader };
}

/* --- routes --------------------------------------------------------------- */

/* A name has up to three segments ("registry/namespace/repo"), and a
 * pattern's placeholder takes one: each route comes in three. */
#define IMAGE_ROUTE(method, suffix, handle)                                    \
	{ method, "/images/{name}" suffix, handle },                           \
	        { method, "/images/{a}/{b}" suffix, handle },                  \
	{                                                                      \
		method, "/images/{a}/{b}/{c}" suffix, handle                   \
	}

const struct route image_routes[] = {
	{ "GET", "/images/json", handle_list },
	IMAGE_ROUTE("GET", "/json", handle_inspect),
	IMAGE_ROUTE("GET", "/history", handle_history),
	IMAGE_ROUTE("POST", "/tag", handle_tag),
	IMAGE_ROUTE("DELETE", "", handle_delete),
	{ "POST", "/images/create", handle_create },
	{ "POST", "/images/load", handle_load },
	{ "GET", "/images/get", handle_save_named },
	IMAGE_ROUTE("GET", "/get", handle_save),
	{ "POST", "/build", handle_build },
	{ NULL, NULL, NULL },
};
