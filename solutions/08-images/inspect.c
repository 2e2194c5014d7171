/* inspect.c - what `docker image inspect` and `docker inspect` show of an
 * image's and a container's storage. See build.h.
 */
#include "build.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The diff directories of LAYERS[0..N), top first, joined by ':'. */
static json_t *lower_dirs(const struct store *store,
                          const struct store_layer *layers, size_t n,
                          const char *first)
{
	char path[PATH_MAX], *text;
	size_t len = 0, size = 1, i;
	json_t *value;

	size += first ? strlen(first) + 1 : 0;
	size += n * (strlen(store->root) + 96);
	text = calloc(1, size);
	if (!text)
		return NULL;
	if (first)
		len += (size_t)snprintf(text, size, "%s", first);
	for (i = n; i-- > 0;) {
		store_layer_path(store, layers[i].cache_id, "diff", path,
		                 sizeof(path));
		len += (size_t)snprintf(text + len, size - len, "%s%s",
		                        len ? ":" : "", path);
	}
	value = json_string(text);
	free(text);
	return value;
}

/* {"Data": {...}, "Name": "overlay2"} for a layer CACHE_ID with LOWER
 * (or NULL) under it. */
static json_t *graph_driver(const struct store *store, const char *cache_id,
                            json_t *lower)
{
	char upper[PATH_MAX], merged[PATH_MAX], work[PATH_MAX];
	json_t *data;

	store_layer_path(store, cache_id, "diff", upper, sizeof(upper));
	store_layer_path(store, cache_id, "merged", merged, sizeof(merged));
	store_layer_path(store, cache_id, "work", work, sizeof(work));
	/* Docker prints this map with its keys sorted: LowerDir first. */
	data = json_object();
	if (lower)
		json_object_set_new(data, "LowerDir", lower);
	json_object_set_new(data, "MergedDir", json_string(merged));
	json_object_set_new(data, "UpperDir", json_string(upper));
	json_object_set_new(data, "WorkDir", json_string(work));
	return json_pack("{s:o, s:s}", "Data", data, "Name", "overlay2");
}

struct tags {
	const struct digest *id;
	json_t *list;
};

static int add_tag(const char *ref, const struct digest *id, void *data)
{
	struct tags *tags = data;

	if (!strcmp(id->text, tags->id->text))
		json_array_append_new(tags->list, json_string(ref));
	return 0;
}

char *build_inspect_image(const struct store *store, const struct digest *id)
{
	struct store_layer *layers = NULL;
	struct tags tags = { id, json_array() };
	json_t *config, *doc, *lower = NULL;
	struct digest parent;
	int64_t size = 0;
	size_t n = 0, i;
	char *text;

	if (store_image_get(store, id, &text, &parent) < 0)
		return NULL;
	config = json_loads(text, 0, NULL);
	if (!config || store_image_layers(store, text, &layers, &n) < 0 || !n) {
		free(text);
		json_decref(config);
		json_decref(tags.list);
		errno = EINVAL;
		return NULL;
	}
	free(text);
	store_each_tag(store, add_tag, &tags);
	for (i = 0; i < n; i++)
		size += layers[i].size;
	if (n > 1)
		lower = lower_dirs(store, layers, n - 1, NULL);
	doc = json_pack(
	        "[{s:s, s:o, s:s, s:O, s:O, s:O, s:O, s:I, s:o, s:{s:s, s:O}}]",
	        "Id", id->text, "RepoTags", tags.list, "Parent", parent.text,
	        "Created", json_object_get(config, "created"), "Config",
	        json_object_get(config, "config"), "Architecture",
	        json_object_get(config, "architecture"), "Os",
	        json_object_get(config, "os"), "Size", (json_int_t)size,
	        "GraphDriver",
	        graph_driver(store, layers[n - 1].cache_id, lower), "RootFS",
	        "Type", "layers", "Layers",
	        json_object_get(json_object_get(config, "rootfs"), "diff_ids"));
	text = doc ? json_dumps(doc, JSON_INDENT(4)) : NULL;
	json_decref(doc);
	json_decref(config);
	free(layers);
	return text;
}

char *build_inspect_container(const struct store *store,
                              const struct store_container *c)
{
	struct store_layer *layers = NULL;
	char init[PATH_MAX], *text;
	json_t *doc;
	size_t n = 0;

	if (store_image_get(store, &c->image, &text, NULL) < 0)
		return NULL;
	if (store_image_layers(store, text, &layers, &n) < 0) {
		free(text);
		return NULL;
	}
	free(text);
	store_layer_path(store, c->init_id, "diff", init, sizeof(init));
	doc = graph_driver(store, c->mount_id,
	                   lower_dirs(store, layers, n, init));
	text = doc ? json_dumps(doc, JSON_INDENT(4)) : NULL;
	json_decref(doc);
	free(layers);
	return text;
}
