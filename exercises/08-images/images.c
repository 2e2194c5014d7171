/* images.c - the store's images: configs in imagedb, names in
 * repositories.json, and removal that keeps shared layers. See store.h.
 */
#include "store.h"

#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IMAGEDB  "image/overlay2/imagedb/content/sha256"
#define METADATA "image/overlay2/imagedb/metadata/sha256"
#define MOUNTS   "image/overlay2/layerdb/mounts"
#define REPOS    "image/overlay2/repositories.json"

/* Copy a JSON string holding a digest into RET; -EINVAL if it is none. */
static int digest_from_json(json_t *value, struct digest *ret)
{
	const char *text = json_string_value(value);

	if (!text || !digest_hex(text))
		return -EINVAL;
	snprintf(ret->text, sizeof(ret->text), "%s", text);
	return 0;
}

int store_image_layers(const struct store *store, const char *config_json,
                       struct store_layer **ret, size_t *ret_count)
{
	struct store_layer *layers = NULL;
	struct digest diff_id, chain = { "" };
	json_t *config, *diff_ids;
	size_t i, n = 0;
	int err = 0;

	config = json_loads(config_json, 0, NULL);
	diff_ids =
	        json_object_get(json_object_get(config, "rootfs"), "diff_ids");
	if (!json_is_array(diff_ids))
		err = -EINVAL;
	n = json_array_size(diff_ids);
	if (err == 0 && n > 0 && !(layers = calloc(n, sizeof(*layers))))
		err = -ENOMEM;
	for (i = 0; err == 0 && i < n; i++) {
		err = digest_from_json(json_array_get(diff_ids, i), &diff_id);
		if (err == 0)
			err = store_chain_id(&chain, &diff_id, &chain);
		if (err == 0)
			err = store_layer_get(store, &chain, &layers[i]);
	}
	json_decref(config);
	if (err < 0) {
		free(layers);
		return err;
	}
	*ret = layers;
	*ret_count = n;
	return 0;
}

int store_image_put(const struct store *store, const char *config_json,
                    const struct digest *parent, struct digest *ret_id)
{
	char path[PATH_MAX];
	struct digest id;
	int err;

	err = digest_buf(config_json, strlen(config_json), &id);
	if (err < 0)
		return err;
	snprintf(path, sizeof(path), IMAGEDB "/%s", digest_hex(id.text));
	err = file_replace(store->root_fd, path, config_json,
	                   strlen(config_json), 0644);
	if (err == 0 && parent && parent->text[0]) {
		snprintf(path, sizeof(path), METADATA "/%s",
		         digest_hex(id.text));
		if (mkdirat(store->root_fd, path, 0700) < 0 && errno != EEXIST)
			return -errno;
		snprintf(path, sizeof(path), METADATA "/%s/parent",
		         digest_hex(id.text));
		err = file_replace(store->root_fd, path, parent->text,
		                   strlen(parent->text), 0644);
	}
	if (err == 0)
		*ret_id = id;
	return err;
}

int store_image_get(const struct store *store, const struct digest *id,
                    char **ret_json, struct digest *ret_parent)
{
	const char *hex = digest_hex(id->text);
	char path[PATH_MAX];
	ssize_t len;
	int err;

	if (!hex)
		return -EINVAL;
	snprintf(path, sizeof(path), IMAGEDB "/%s", hex);
	err = file_read_all(store->root_fd, path, ret_json, NULL);
	if (err < 0 || !ret_parent)
		return err;
	snprintf(path, sizeof(path), METADATA "/%s/parent", hex);
	len = file_read_buf(store->root_fd, path, ret_parent->text,
	                    sizeof(ret_parent->text));
	if (len < 0)
		ret_parent->text[0] = '\0';
	return 0;
}

int store_normalize_ref(const char *name, char *buf, size_t size)
{
	const char *slash = strrchr(name, '/'), *colon;
	const char *p;
	int len;

	if (!*name || strlen(name) > 255)
		return -EINVAL;
	for (p = name; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789._-/:", *p))
			return -EINVAL; /* Docker's names: lower case only */
	colon = strchr(slash ? slash : name, ':');
	if (colon && (colon == name || !colon[1] || strchr(colon + 1, ':')))
		return -EINVAL;
	len = snprintf(buf, size, "%s%s", name, colon ? "" : ":latest");
	return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : 0;
}

/* repositories.json, or an empty one: {"Repositories": {}}. */
static json_t *load_repos(const struct store *store)
{
	json_t *repos = NULL;
	char *text;

	if (file_read_all(store->root_fd, REPOS, &text, NULL) == 0) {
		repos = json_loads(text, 0, NULL);
		free(text);
	}
	if (!json_is_object(json_object_get(repos, "Repositories"))) {
		json_decref(repos);
		repos = json_pack("{s:{}}", "Repositories");
	}
	return repos;
}

static int save_repos(const struct store *store, json_t *repos)
{
	char *text = json_dumps(repos, JSON_SORT_KEYS);
	int err;

	if (!text)
		return -ENOMEM;
	err = file_replace(store->root_fd, REPOS, text, strlen(text), 0644);
	free(text);
	return err;
}

/* "busybox" of "busybox:latest" in BUF. */
static void repo_of(const char *ref, char *buf, size_t size)
{
	const char *slash = strrchr(ref, '/');
	const char *colon = strchr(slash ? slash : ref, ':');

	snprintf(buf, size, "%.*s", (int)(colon - ref), ref);
}

int store_tag(const struct store *store, const char *name,
              const struct digest *id)
{
	char ref[512], repo[512];
	json_t *repos, *all, *tags;
	int err;

	err = store_normalize_ref(name, ref, sizeof(ref));
	if (err < 0)
		return err;
	repo_of(ref, repo, sizeof(repo));
	repos = load_repos(store);
	all = json_object_get(repos, "Repositories");
	tags = json_object_get(all, repo);
	if (!tags) {
		tags = json_object();
		json_object_set_new(all, repo, tags);
	}
	json_object_set_new(tags, ref, json_string(id->text));
	err = save_repos(store, repos);
	json_decref(repos);
	return err;
}

int store_untag(const struct store *store, const char *name)
{
	char ref[512], repo[512];
	json_t *repos, *all, *tags;
	int err;

	err = store_normalize_ref(name, ref, sizeof(ref));
	if (err < 0)
		return err;
	repo_of(ref, repo, sizeof(repo));
	repos = load_repos(store);
	all = json_object_get(repos, "Repositories");
	tags = json_object_get(all, repo);
	if (json_object_del(tags, ref) < 0) {
		json_decref(repos);
		return -ENOENT;
	}
	if (json_object_size(tags) == 0)
		json_object_del(all, repo);
	err = save_repos(store, repos);
	json_decref(repos);
	return err;
}

int store_each_tag(const struct store *store,
                   int (*fn)(const char *ref, const struct digest *id,
                             void *data),
                   void *data)
{
	json_t *repos = load_repos(store), *tags, *value;
	const char *repo, *ref;
	struct digest id;
	int err = 0;

	json_object_foreach(json_object_get(repos, "Repositories"), repo, tags)
	{
		json_object_foreach(tags, ref, value)
		{
			if (digest_from_json(value, &id) < 0)
				continue;
			err = fn(ref, &id, data);
			if (err)
				goto out;
		}
	}
out:
	json_decref(repos);
	return err;
}

struct prefix_match {
	const char *prefix;
	size_t len;
	struct digest *id; /* the last image that matched */
	int found;
};

static int match_prefix(int dir_fd, const char *name, void *data)
{
	struct prefix_match *m = data;

	(void)dir_fd;
	if (!strncmp(name, m->prefix, m->len) &&
	    strlen(name) == DIGEST_HEX_LEN) {
		snprintf(m->id->text, sizeof(m->id->text), "sha256:%s", name);
		m->found++;
	}
	return 0;
}

/* An ID prefix of at least 4 hex digits: the one image it names. */
static int resolve_prefix(const struct store *store, const char *prefix,
                          struct digest *ret_id)
{
	struct prefix_match m = { prefix, strlen(prefix), ret_id, 0 };
	int ret;

	if (m.len < 4 || m.len > DIGEST_HEX_LEN ||
	    strspn(prefix, "0123456789abcdef") != m.len)
		return -ENOENT;
	ret = file_each_entry(store->root_fd, IMAGEDB, match_prefix, &m);
	if (ret < 0)
		return ret;
	return m.found == 1 ? 0 : m.found ? -EINVAL : -ENOENT;
}

int store_resolve(const struct store *store, const char *name,
                  struct digest *ret_id)
{
	char ref[512], repo[512];
	json_t *repos, *value;
	int err;

	if (digest_hex(name)) {
		struct digest id;
		char *json;

		snprintf(id.text, sizeof(id.text), "%s", name);
		if (store_image_get(store, &id, &json, NULL) < 0)
			return -ENOENT;
		free(json);
		*ret_id = id;
		return 0;
	}
	err = store_normalize_ref(name, ref, sizeof(ref));
	if (err == 0) {
		repo_of(ref, repo, sizeof(repo));
		repos = load_repos(store);
		value = json_object_get(
		        json_object_get(json_object_get(repos, "Repositories"),
		                        repo),
		        ref);
		err = value ? digest_from_json(value, ret_id) : -ENOENT;
		json_decref(repos);
		if (err == 0)
			return 0;
	}
	return resolve_prefix(store, name, ret_id);
}
