/* containers.c - a container's layers in the store, and removing images
 * without removing what others still use. See store.h.
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

#define LAYERDB  "image/overlay2/layerdb/sha256"
#define IMAGEDB  "image/overlay2/imagedb/content/sha256"
#define MOUNTS   "image/overlay2/layerdb/mounts"
#define METADATA "image/overlay2/imagedb/metadata/sha256"

static bool valid_name(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len < sizeof(((struct store_container *)0)->name) &&
	       name[0] != '.' && name[0] != '-' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
	                    "WXYZ0123456789_.-") == len;
}

/* Write TEXT to overlay2/CACHE/diff/PATH, a new file. */
static int write_in_layer(const struct store *store, const char *cache_id,
                          const char *path, const char *text)
{
	char full[PATH_MAX];

	snprintf(full, sizeof(full), "%s/diff/%s", cache_id, path);
	return file_replace(store->overlay_fd, full, text, strlen(text), 0644);
}

/* What the engine gives every container: the files it generates and the
 * empty mount points they will be bind-mounted onto, like Docker's init
 * layer (which also has /.dockerenv: here /.boxlabenv). */
static int fill_init_layer(const struct store *store, const char *cache_id,
                           const char *hostname)
{
	static const char *const dirs[] = { "dev",  "dev/pts", "dev/shm", "etc",
		                            "proc", "sys",     NULL };
	char path[PATH_MAX], hosts[512];
	int i, ret = 0;

	for (i = 0; dirs[i]; i++) {
		snprintf(path, sizeof(path), "%s/diff/%s", cache_id, dirs[i]);
		if (mkdirat(store->overlay_fd, path, 0755) < 0)
			return -errno;
	}
	snprintf(hosts, sizeof(hosts),
	         "127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.1.1\t%s\n",
	         hostname);
	ret = write_in_layer(store, cache_id, "etc/hosts", hosts);
	snprintf(path, sizeof(path), "%s\n", hostname);
	if (ret == 0)
		ret = write_in_layer(store, cache_id, "etc/hostname", path);
	if (ret == 0)
		ret = write_in_layer(store, cache_id, "etc/resolv.conf",
		                     "# no DNS: the network is chapter 09's\n");
	if (ret == 0)
		ret = write_in_layer(store, cache_id, ".boxlabenv", "");
	snprintf(path, sizeof(path), "%s/diff/etc/mtab", cache_id);
	if (ret == 0 && symlinkat("/proc/mounts", store->overlay_fd, path) < 0)
		ret = -errno;
	return ret;
}

/* Write layerdb/mounts/NAME/KEY = VALUE. */
static int write_record(const struct store *store, const char *name,
                        const char *key, const char *value)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MOUNTS "/%s/%s", name, key);
	return file_replace(store->root_fd, path, value, strlen(value), 0644);
}

/* The container's layers and record; on failure the caller removes
 * what was made. */
static int make_container(const struct store *store, const char *name,
                          const struct digest *id, const char *hostname,
                          struct store_container *c)
{
	struct store_layer *layers = NULL;
	size_t n = 0;
	char *json;
	int ret;

	ret = store_image_get(store, id, &json, NULL);
	if (ret < 0)
		return ret;
	ret = store_image_layers(store, json, &layers, &n);
	free(json);
	if (ret == 0 && n == 0)
		ret = -EINVAL; /* an image of no layer has no root */
	if (ret == 0) {
		c->parent = layers[n - 1].chain_id;
		ret = store_layer_new(store, layers[n - 1].cache_id, NULL,
		                      "-init", c->init_id);
	}
	free(layers);
	if (ret == 0) {
		snprintf(c->mount_id, sizeof(c->mount_id), "%.*s",
		         STORE_CACHE_ID_LEN, c->init_id);
		ret = fill_init_layer(store, c->init_id, hostname);
	}
	if (ret == 0)
		ret = store_layer_new(store, c->init_id, c->mount_id, "",
		                      c->mount_id);
	if (ret == 0)
		ret = write_record(store, name, "mount-id", c->mount_id);
	if (ret == 0)
		ret = write_record(store, name, "init-id", c->init_id);
	if (ret == 0)
		ret = write_record(store, name, "parent", c->parent.text);
	if (ret == 0)
		ret = write_record(store, name, "image", id->text);
	return ret;
}

int store_container_create(const struct store *store, const char *name,
                           const struct digest *id, const char *hostname,
                           struct store_container *ret)
{
	struct store_container c = { .image = *id };
	char path[PATH_MAX];
	int err;

	if (!valid_name(name))
		return -EINVAL;
	snprintf(c.name, sizeof(c.name), "%s", name);
	snprintf(path, sizeof(path), MOUNTS "/%s", name);
	if (mkdirat(store->root_fd, path, 0700) < 0)
		return -errno; /* EEXIST: a container of that name exists */
	err = make_container(store, name, id, hostname, &c);
	if (err < 0) {
		if (c.mount_id[0])
			store_layer_remove(store, c.mount_id);
		if (c.init_id[0])
			store_layer_remove(store, c.init_id);
		store_container_remove(store, name);
		return err;
	}
	*ret = c;
	return 0;
}

/* layerdb/mounts/NAME/KEY into BUF, without its newline. */
static int read_record(const struct store *store, const char *name,
                       const char *key, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t len;

	snprintf(path, sizeof(path), MOUNTS "/%s/%s", name, key);
	len = file_read_buf(store->root_fd, path, buf, size);
	return len < 0 ? (int)len : 0;
}

int store_container_get(const struct store *store, const char *name,
                        struct store_container *ret)
{
	struct store_container c = { 0 };
	int err;

	if (!valid_name(name))
		return -ENOENT;
	snprintf(c.name, sizeof(c.name), "%s", name);
	err = read_record(store, name, "mount-id", c.mount_id,
	                  sizeof(c.mount_id));
	if (err == 0)
		err = read_record(store, name, "init-id", c.init_id,
		                  sizeof(c.init_id));
	if (err == 0)
		err = read_record(store, name, "parent", c.parent.text,
		                  sizeof(c.parent.text));
	if (err == 0)
		err = read_record(store, name, "image", c.image.text,
		                  sizeof(c.image.text));
	if (err == 0)
		*ret = c;
	return err;
}

int store_container_remove(const struct store *store, const char *name)
{
	static const char *const keys[] = { "mount-id", "init-id", "parent",
		                            "image", NULL };
	struct store_container c;
	char path[PATH_MAX];
	int i;

	if (!valid_name(name))
		return -ENOENT;
	if (store_container_get(store, name, &c) == 0) {
		store_layer_remove(store, c.mount_id);
		store_layer_remove(store, c.init_id);
	}
	for (i = 0; keys[i]; i++) {
		snprintf(path, sizeof(path), MOUNTS "/%s/%s", name, keys[i]);
		unlinkat(store->root_fd, path, 0);
	}
	snprintf(path, sizeof(path), MOUNTS "/%s", name);
	if (unlinkat(store->root_fd, path, AT_REMOVEDIR) < 0)
		return -errno;
	return 0;
}

/* Is NAME, an entry of a store directory, a record: not a dot file,
 * not a temporary file of file_replace() being written? */
static bool is_record(const char *name)
{
	return name[0] != '.' && !strstr(name, ".tmp-");
}

struct each_container {
	const struct store *store;
	int (*fn)(const struct store_container *c, void *data);
	void *data;
};

static int one_container(int dir_fd, const char *name, void *data)
{
	struct each_container *each = data;
	struct store_container c;

	(void)dir_fd;
	if (!is_record(name) || store_container_get(each->store, name, &c) < 0)
		return 0; /* half made, or being removed: not a container */
	return each->fn(&c, each->data);
}

int store_each_container(const struct store *store,
                         int (*fn)(const struct store_container *c, void *data),
                         void *data)
{
	struct each_container each = { store, fn, data };

	return file_each_entry(store->root_fd, MOUNTS, one_container, &each);
}

/* --- removing an image ------------------------------------------------- */

/* The chain IDs still in use, as a JSON object used as a set. */
struct in_use {
	const struct store *store;
	const struct digest *removed; /* the image being removed */
	json_t *chains;
	bool busy; /* a container or a tag uses the image itself */
};

/* Mark CHAIN and every layer under it as used. */
static void mark_chain(struct in_use *use, const struct digest *chain)
{
	struct store_layer layer;
	struct digest next = *chain;

	while (next.text[0] && !json_object_get(use->chains, next.text)) {
		json_object_set_new(use->chains, next.text, json_true());
		if (store_layer_get(use->store, &next, &layer) < 0)
			break;
		next = layer.parent;
	}
}

static int mark_image(int dir_fd, const char *hex, void *data)
{
	struct in_use *use = data;
	struct store_layer *layers;
	struct digest id, parent;
	size_t n;
	char *json;

	(void)dir_fd;
	if (!is_record(hex))
		return 0;
	snprintf(id.text, sizeof(id.text), "sha256:%s", hex);
	if (!strcmp(id.text, use->removed->text))
		return 0;
	if (store_image_get(use->store, &id, &json, &parent) < 0)
		return 0;
	/* An image built on the one removed keeps it, as docker rmi does:
	 * its history names it. */
	if (!strcmp(parent.text, use->removed->text))
		use->busy = true;
	if (store_image_layers(use->store, json, &layers, &n) == 0) {
		if (n > 0)
			mark_chain(use, &layers[n - 1].chain_id);
		free(layers);
	}
	free(json);
	return 0;
}

static int mark_container(const struct store_container *c, void *data)
{
	struct in_use *use = data;

	if (!strcmp(c->image.text, use->removed->text))
		use->busy = true;
	mark_chain(use, &c->parent);
	return 0;
}

static int mark_tag(const char *ref, const struct digest *id, void *data)
{
	struct in_use *use = data;

	(void)ref;
	if (!strcmp(id->text, use->removed->text))
		use->busy = true;
	return 0;
}

/* Remove layer LAYER: its directory, then its layerdb record. */
static void remove_layer(const struct store *store,
                         const struct store_layer *layer)
{
	char path[PATH_MAX];
	const char *keys[] = { "diff",   "cache-id",  "size",
		               "parent", "layer.tar", NULL };
	int i;

	store_layer_remove(store, layer->cache_id);
	for (i = 0; keys[i]; i++) {
		snprintf(path, sizeof(path), LAYERDB "/%s/%s",
		         digest_hex(layer->chain_id.text), keys[i]);
		unlinkat(store->root_fd, path, 0);
	}
	snprintf(path, sizeof(path), LAYERDB "/%s",
	         digest_hex(layer->chain_id.text));
	unlinkat(store->root_fd, path, AT_REMOVEDIR);
}

int store_image_remove(const struct store *store, const struct digest *id)
{
	struct in_use use = { store, id, json_object(), false };
	struct store_layer *layers = NULL;
	char *json, path[PATH_MAX];
	size_t n = 0, i;
	int err;

	err = store_image_get(store, id, &json, NULL);
	if (err < 0)
		goto out;
	store_each_tag(store, mark_tag, &use);
	store_each_container(store, mark_container, &use);
	file_each_entry(store->root_fd, IMAGEDB, mark_image, &use);
	err = use.busy ? -EBUSY : store_image_layers(store, json, &layers, &n);
	free(json);
	if (err < 0)
		goto out;
	/* The config first: a crash after it leaves unused layers, which
	 * waste space, never an image whose layers are gone. */
	snprintf(path, sizeof(path), IMAGEDB "/%s", digest_hex(id->text));
	if (unlinkat(store->root_fd, path, 0) < 0) {
		err = -errno;
		goto out;
	}
	snprintf(path, sizeof(path), METADATA "/%s/parent",
	         digest_hex(id->text));
	unlinkat(store->root_fd, path, 0);
	*strrchr(path, '/') = '\0';
	unlinkat(store->root_fd, path, AT_REMOVEDIR);
	for (i = n; i-- > 0;)
		if (!json_object_get(use.chains, layers[i].chain_id.text))
			remove_layer(store, &layers[i]);
out:
	free(layers);
	json_decref(use.chains);
	return err;
}
