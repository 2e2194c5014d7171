/* store.c - the image store: overlay2 directories, layerdb, imagedb and
 * repositories.json. See store.h for the layout and the contracts.
 *
 * Every file the store writes is replaced whole (file_replace(): a
 * temporary file renamed over the old one), so a crash or a Ctrl-C never
 * leaves half a record.
 */
#include "store.h"

#include "exercise.h"
#include "file.h"
#include "layer.h"
#include "ovl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define LAYERDB  "image/overlay2/layerdb/sha256"
#define IMAGEDB  "image/overlay2/imagedb/content/sha256"
#define METADATA "image/overlay2/imagedb/metadata/sha256"
#define MOUNTS   "image/overlay2/layerdb/mounts"
#define REPOS    "image/overlay2/repositories.json"

int store_open(const char *root, struct store *ret)
{
	static const char *const dirs[] = { "overlay2/l", LAYERDB, IMAGEDB,
		                            METADATA,     MOUNTS,  NULL };
	struct store st = { .root_fd = -1, .overlay_fd = -1 };
	int i, ret_code;

	if (!realpath(root, st.root) &&
	    (errno != ENOENT || mkdir(root, 0700) < 0 ||
	     !realpath(root, st.root)))
		return -errno;
	st.root_fd = open(st.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (st.root_fd < 0)
		return -errno;
	for (i = 0; dirs[i]; i++) {
		ret_code = file_mkdirs(st.root_fd, dirs[i], 0700);
		if (ret_code < 0) {
			close(st.root_fd);
			return ret_code;
		}
	}
	st.overlay_fd = openat(st.root_fd, "overlay2",
	                       O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (st.overlay_fd < 0) {
		ret_code = -errno;
		close(st.root_fd);
		return ret_code;
	}
	*ret = st;
	return 0;
}

void store_close(struct store *store)
{
	if (store->root_fd >= 0)
		close(store->root_fd);
	if (store->overlay_fd >= 0)
		close(store->overlay_fd);
	store->root_fd = store->overlay_fd = -1;
}

int store_layer_path(const struct store *store, const char *cache_id,
                     const char *what, char *buf, size_t size)
{
	int len = snprintf(buf, size, "%s/overlay2/%s%s%s", store->root,
	                   cache_id, *what ? "/" : "", what);

	return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : 0;
}

int store_chain_id(const struct digest *parent, const struct digest *diff_id,
                   struct digest *ret)
{
	char text[2 * DIGEST_LEN + 2];

	if (!parent || !parent->text[0]) {
		*ret = *diff_id;
		return 0;
	}
	snprintf(text, sizeof(text), "%s %s", parent->text, diff_id->text);
	return digest_buf(text, strlen(text), ret);
}

/* A small file of the store, without its trailing newline, in BUF. */
static int read_small(int dirfd, const char *path, char *buf, size_t size)
{
	ssize_t len = file_read_buf(dirfd, path, buf, size);

	if (len < 0)
		return (int)len;
	while (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	return (int)len;
}

int store_lower_chain(const struct store *store, const char *parent_cache_id,
                      char *buf, size_t size)
{
	/* EXERCISE 8.5: The lower chain of a layer (10 points)
	 *
	 * Read the parent's short name from overlay2/PARENT/link and its
	 * own chain from overlay2/PARENT/lower (relative to
	 * store->overlay_fd; read_small() reads one without its newline;
	 * a bottom layer has no lower file: -ENOENT there means "nothing
	 * under it"). Write "l/LINK" and, if the parent had a lower chain,
	 * ":" and that chain after it. Return the length written; a missing
	 * link file is -ENOENT, a result that does not fit in SIZE is
	 * -ENAMETOOLONG (never a cut chain: overlayfs would silently lose
	 * the layers cut off).
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("8.5", store, parent_cache_id, buf, size);
}

int store_layer_options(const struct store *store, const char *cache_id,
                        char *buf, size_t size)
{
	char path[PATH_MAX], chain[PATH_MAX], upper[PATH_MAX], work[PATH_MAX];
	const char *lower[OVL_MAX_LAYERS];
	struct ovl_layers layers = { .lower = lower };
	char *next;
	int len;

	snprintf(path, sizeof(path), "%s/lower", cache_id);
	len = read_small(store->overlay_fd, path, chain, sizeof(chain));
	if (len < 0)
		return len;
	for (next = chain; next && layers.lower_count < OVL_MAX_LAYERS;) {
		lower[layers.lower_count++] = next;
		next = strchr(next, ':');
		if (next)
			*next++ = '\0';
	}
	snprintf(upper, sizeof(upper), "%s/diff", cache_id);
	snprintf(work, sizeof(work), "%s/work", cache_id);
	layers.upper = upper;
	layers.work = work;
	len = ovl_mount_options(&layers, buf, size);
	return len < 0 ? len : 0;
}

/* COUNT random characters of ALPHABET into BUF, NUL-terminated. */
static int random_name(const char *alphabet, char *buf, size_t count)
{
	unsigned char bytes[STORE_CACHE_ID_LEN];
	size_t n = strlen(alphabet), i;

	if (count > sizeof(bytes))
		return -EINVAL;
	if (getrandom(bytes, count, 0) != (ssize_t)count)
		return -EIO;
	for (i = 0; i < count; i++)
		buf[i] = alphabet[bytes[i] % n];
	buf[count] = '\0';
	return 0;
}

/* The files of a new layer directory DIR (overlay2/DIR exists). */
static int fill_layer_dir(const struct store *store, const char *dir,
                          const char *parent_cache_id)
{
	char path[PATH_MAX], link[STORE_LINK_LEN + 1], target[PATH_MAX];
	char lower[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "%s/diff", dir);
	if (mkdirat(store->overlay_fd, path, 0755) < 0)
		return -errno;
	snprintf(path, sizeof(path), "%s/work", dir);
	if (mkdirat(store->overlay_fd, path, 0700) < 0)
		return -errno;
	ret = random_name("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", link,
	                  STORE_LINK_LEN);
	snprintf(path, sizeof(path), "%s/link", dir);
	if (ret == 0)
		ret = file_replace(store->overlay_fd, path, link, strlen(link),
		                   0644);
	snprintf(path, sizeof(path), "l/%s", link);
	snprintf(target, sizeof(target), "../%s/diff", dir);
	if (ret == 0 && symlinkat(target, store->overlay_fd, path) < 0)
		ret = -errno;
	if (ret < 0 || !parent_cache_id)
		return ret;
	ret = store_lower_chain(store, parent_cache_id, lower, sizeof(lower));
	snprintf(path, sizeof(path), "%s/lower", dir);
	if (ret >= 0)
		ret = file_replace(store->overlay_fd, path, lower,
		                   strlen(lower), 0644);
	return ret < 0 ? ret : 0;
}

int store_layer_new(const struct store *store, const char *parent_cache_id,
                    const char *reuse_id, const char *suffix,
                    char *ret_cache_id)
{
	char id[STORE_CACHE_ID_LEN + 1], dir[STORE_CACHE_ID_LEN + 8];
	int ret = 0;

	if (reuse_id)
		snprintf(id, sizeof(id), "%s", reuse_id);
	else
		ret = random_name("0123456789abcdef", id, STORE_CACHE_ID_LEN);
	if (ret < 0)
		return ret;
	snprintf(dir, sizeof(dir), "%s%s", id, suffix);
	if (mkdirat(store->overlay_fd, dir, 0700) < 0)
		return -errno;
	ret = fill_layer_dir(store, dir, parent_cache_id);
	if (ret < 0) {
		store_layer_remove(store, dir);
		return ret;
	}
	strcpy(ret_cache_id, dir);
	return 0;
}

int store_layer_remove(const struct store *store, const char *cache_id)
{
	char path[PATH_MAX], link[STORE_LINK_LEN + 8];

	snprintf(path, sizeof(path), "%s/link", cache_id);
	if (read_small(store->overlay_fd, path, link, sizeof(link)) > 0) {
		snprintf(path, sizeof(path), "l/%s", link);
		unlinkat(store->overlay_fd, path, 0);
	}
	return file_remove_tree(store->overlay_fd, cache_id);
}

/* layerdb/sha256/HEX/NAME, as text without its newline. */
static int read_layerdb(const struct store *store, const char *hex,
                        const char *name, char *buf, size_t size)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), LAYERDB "/%s/%s", hex, name);
	return read_small(store->root_fd, path, buf, size);
}

int store_layer_get(const struct store *store, const struct digest *chain_id,
                    struct store_layer *ret)
{
	const char *hex = digest_hex(chain_id->text);
	struct store_layer layer = { .chain_id = *chain_id };
	char size[32];
	int err;

	if (!hex)
		return -EINVAL;
	err = read_layerdb(store, hex, "diff", layer.diff_id.text,
	                   sizeof(layer.diff_id.text));
	if (err >= 0)
		err = read_layerdb(store, hex, "cache-id", layer.cache_id,
		                   sizeof(layer.cache_id));
	if (err >= 0)
		err = read_layerdb(store, hex, "size", size, sizeof(size));
	if (err < 0)
		return err;
	layer.size = strtoll(size, NULL, 10);
	err = read_layerdb(store, hex, "parent", layer.parent.text,
	                   sizeof(layer.parent.text));
	if (err < 0 && err != -ENOENT)
		return err;
	if (!digest_hex(layer.diff_id.text))
		return -EINVAL; /* a damaged record: say so, never guess */
	*ret = layer;
	return 0;
}

/* Write layerdb/sha256/HEX for LAYER: into a temporary directory first,
 * renamed into place, so a layer is there whole or not at all. */
static int write_layerdb(const struct store *store,
                         const struct store_layer *layer)
{
	const char *hex = digest_hex(layer->chain_id.text);
	char tmp[256], final[256], path[PATH_MAX], size[32];
	int ret;

	snprintf(tmp, sizeof(tmp), LAYERDB "/%s.tmp-%d", hex, (int)getpid());
	snprintf(final, sizeof(final), LAYERDB "/%s", hex);
	file_remove_tree(store->root_fd, tmp);
	if (mkdirat(store->root_fd, tmp, 0700) < 0)
		return -errno;
	snprintf(path, sizeof(path), "%s/diff", tmp);
	ret = file_replace(store->root_fd, path, layer->diff_id.text,
	                   strlen(layer->diff_id.text), 0644);
	snprintf(path, sizeof(path), "%s/cache-id", tmp);
	if (ret == 0)
		ret = file_replace(store->root_fd, path, layer->cache_id,
		                   strlen(layer->cache_id), 0644);
	snprintf(path, sizeof(path), "%s/size", tmp);
	snprintf(size, sizeof(size), "%lld", (long long)layer->size);
	if (ret == 0)
		ret = file_replace(store->root_fd, path, size, strlen(size),
		                   0644);
	snprintf(path, sizeof(path), "%s/parent", tmp);
	if (ret == 0 && layer->parent.text[0])
		ret = file_replace(store->root_fd, path, layer->parent.text,
		                   strlen(layer->parent.text), 0644);
	if (ret == 0 &&
	    renameat(store->root_fd, tmp, store->root_fd, final) < 0)
		ret = -errno;
	if (ret < 0)
		file_remove_tree(store->root_fd, tmp);
	return ret;
}

/* An unnamed temporary file in the store (a layer's tar may be large). */
static int store_tmpfile(const struct store *store)
{
	int fd = openat(store->overlay_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC,
	                0600);

	return fd < 0 ? -errno : fd;
}

/* The digest and size of TAR_FD from its start. */
static int measure_tar(int tar_fd, struct digest *ret_diff_id,
                       int64_t *ret_size)
{
	struct stat st;
	int ret;

	if (lseek(tar_fd, 0, SEEK_SET) < 0 || fstat(tar_fd, &st) < 0)
		return -errno;
	ret = digest_fd(tar_fd, ret_diff_id);
	if (ret == 0)
		*ret_size = st.st_size;
	return ret;
}

/* A new tar of overlay2/CACHE_ID/diff in a temporary file: its fd. */
static int make_tar(const struct store *store, const char *cache_id)
{
	char diff[PATH_MAX];
	int fd, ret;

	ret = store_layer_path(store, cache_id, "diff", diff, sizeof(diff));
	if (ret < 0)
		return ret;
	fd = store_tmpfile(store);
	if (fd < 0)
		return fd;
	ret = layer_create(diff, fd);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

/* Keep TAR_FD as layerdb/sha256/HEX/layer.tar (a copy: the caller's
 * file may be anywhere). */
static int keep_tar(const struct store *store, const char *hex, int tar_fd)
{
	char path[PATH_MAX];
	int out, ret = 0;

	snprintf(path, sizeof(path), LAYERDB "/%s/layer.tar", hex);
	out = openat(store->root_fd, path,
	             O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		return -errno;
	if (lseek(tar_fd, 0, SEEK_SET) < 0)
		ret = -errno;
	if (ret == 0)
		ret = file_copy_fd(tar_fd, out);
	if (ret == 0 && fsync(out) < 0)
		ret = -errno;
	close(out);
	if (ret < 0)
		unlinkat(store->root_fd, path, 0);
	return ret;
}

int store_layer_commit(const struct store *store, const char *cache_id,
                       const struct store_layer *parent, int tar_fd,
                       struct store_layer *ret)
{
	struct store_layer layer = { 0 };
	char path[PATH_MAX];
	int err, fd = tar_fd;

	snprintf(layer.cache_id, sizeof(layer.cache_id), "%s", cache_id);
	if (parent)
		layer.parent = parent->chain_id;
	if (fd < 0)
		fd = make_tar(store, cache_id);
	err = fd < 0 ? fd : measure_tar(fd, &layer.diff_id, &layer.size);
	if (err == 0)
		err = store_chain_id(parent ? &parent->chain_id : NULL,
		                     &layer.diff_id, &layer.chain_id);
	/* The same layer on the same parent exists: keep the old one. */
	if (err == 0 && store_layer_get(store, &layer.chain_id, ret) == 0) {
		store_layer_remove(store, cache_id);
		goto out;
	}
	/* overlayfs's scratch space, and the mount point a RUN used, have
	 * no place in a finished layer. */
	snprintf(path, sizeof(path), "%s/work", cache_id);
	file_remove_tree(store->overlay_fd, path);
	mkdirat(store->overlay_fd, path, 0700);
	snprintf(path, sizeof(path), "%s/merged", cache_id);
	unlinkat(store->overlay_fd, path, AT_REMOVEDIR);
	if (err == 0)
		err = write_layerdb(store, &layer);
	if (err == 0 && tar_fd >= 0)
		err = keep_tar(store, digest_hex(layer.chain_id.text), tar_fd);
	if (err == 0)
		*ret = layer;
out:
	if (fd >= 0 && fd != tar_fd)
		close(fd);
	return err;
}

int store_layer_tar(const struct store *store, const struct store_layer *layer)
{
	struct digest digest;
	char path[PATH_MAX];
	int64_t size;
	int fd, err;

	snprintf(path, sizeof(path), LAYERDB "/%s/layer.tar",
	         digest_hex(layer->chain_id.text));
	fd = openat(store->root_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd < 0 ? -errno : fd;
	fd = make_tar(store, layer->cache_id);
	if (fd < 0)
		return fd;
	err = measure_tar(fd, &digest, &size);
	if (err == 0 && strcmp(digest.text, layer->diff_id.text))
		err = -EBADMSG;
	if (err == 0 && lseek(fd, 0, SEEK_SET) < 0)
		err = -errno;
	if (err < 0) {
		close(fd);
		return err;
	}
	return fd;
}
