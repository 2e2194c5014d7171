/* import.c - a root file system or an OCI layout becomes an image. See
 * build.h (build_import).
 */
#include "build.h"

#include "file.h"
#include "layer.h"
#include "oci.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *error, size_t size, int err, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(error, size, fmt, args);
	va_end(args);
	return err;
}

/* IN_FD, whatever its compression, uncompressed into OUT_FD (libarchive's
 * "raw" format: one entry, the stream itself). */
static int uncompress(int in_fd, int out_fd)
{
	struct archive *a = archive_read_new();
	struct archive_entry *entry;
	char buf[65536];
	la_ssize_t n;
	int ret = 0;

	if (!a)
		return -ENOMEM;
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_fd(a, in_fd, sizeof(buf)) != ARCHIVE_OK ||
	    archive_read_next_header(a, &entry) != ARCHIVE_OK)
		ret = -EINVAL;
	while (ret == 0 && (n = archive_read_data(a, buf, sizeof(buf))) != 0) {
		if (n < 0)
			ret = -EINVAL;
		else if (write(out_fd, buf, (size_t)n) != n)
			ret = -EIO;
	}
	archive_read_free(a);
	return ret;
}

/* End TAR_FD, a tar of SIZE bytes, as a tar must end: its last entry's
 * data padded to a block of 512 and two zero blocks. Some writers leave
 * them out (umoci 0.4.7's insert does); Go's tar reader, and so Docker,
 * takes such a layer, and libarchive does not. Undone by truncating the
 * file back to SIZE, so the kept tar keeps the digest it was named by. */
static int terminate_tar(int tar_fd, off_t size)
{
	static const char zeros[512 * 3];
	off_t end = (size + 511) / 512 * 512 + 1024;

	if (end > size && pwrite(tar_fd, zeros, (size_t)(end - size), size) !=
	                          (ssize_t)(end - size))
		return -EIO;
	return lseek(tar_fd, 0, SEEK_SET) < 0 ? -errno : 0;
}

/* A one-layer image from the layer directory CACHE_ID, now filled;
 * SOURCE names where it came from in messages. */
static int finish_one_layer(const struct store *store, const char *cache_id,
                            const char *source, const char *created_by,
                            const char *name, struct digest *ret_id,
                            char *error, size_t size)
{
	struct store_layer layer;
	char *config;
	int err;

	err = store_layer_commit(store, cache_id, NULL, -1, &layer);
	if (err < 0) {
		store_layer_remove(store, cache_id);
		return fail(error, size, err, "%s: %s", source, strerror(-err));
	}
	config = build_new_config(&layer.diff_id, created_by);
	err = config ? store_image_put(store, config, NULL, ret_id) : -ENOMEM;
	free(config);
	if (err == 0)
		err = store_tag(store, name, ret_id);
	return err < 0 ? fail(error, size, err, "%s: %s", name, strerror(-err))
	               : 0;
}

/* FD, a directory (IS_DIR) or a tar, as the one layer of a new image. */
static int import_fd(const struct store *store, int fd, bool is_dir,
                     const char *source, const char *created_by,
                     const char *name, struct digest *ret_id, char *error,
                     size_t size)
{
	char cache_id[STORE_CACHE_ID_LEN + 8], diff[PATH_MAX];
	struct layer_error lerr = { "" };
	int err;

	err = store_layer_new(store, NULL, NULL, "", cache_id);
	if (err == 0)
		err = store_layer_path(store, cache_id, "diff", diff,
		                       sizeof(diff));
	if (err == 0)
		err = is_dir ? build_copy(fd, AT_FDCWD, diff)
		             : layer_apply(fd, diff, &lerr);
	if (err < 0) {
		store_layer_remove(store, cache_id);
		return fail(error, size, err, "%s%s%s: %s", source,
		            lerr.entry[0] ? ": " : "", lerr.entry,
		            strerror(-err));
	}
	return finish_one_layer(store, cache_id, source, created_by, name,
	                        ret_id, error, size);
}

/* DIR or TAR: the whole tree, one layer. */
static int import_tree(const struct store *store, const char *source,
                       bool is_dir, const char *name, struct digest *ret_id,
                       char *error, size_t size)
{
	char created_by[PATH_MAX + 32];
	int fd, err;

	fd = open(source, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(error, size, -errno, "%s: %s", source,
		            strerror(errno));
	snprintf(created_by, sizeof(created_by), "boximg import %s", source);
	err = import_fd(store, fd, is_dir, source, created_by, name, ret_id,
	                error, size);
	close(fd);
	return err;
}

int build_import_tar(const struct store *store, int tar_fd,
                     const char *created_by, const char *name,
                     struct digest *ret_id, char *error, size_t error_size)
{
	error[0] = '\0';
	return import_fd(store, tar_fd, false, "the tar", created_by, name,
	                 ret_id, error, error_size);
}

/* Layer I of IMAGE from the layout's blobs, on top of PARENT. */
static int import_layer(const struct store *store, int blobs_fd,
                        const struct oci_image *image, size_t i,
                        const struct store_layer *parent,
                        struct store_layer *ret, char *error, size_t size)
{
	const struct oci_descriptor *d = &image->layers[i];
	char path[PATH_MAX], cache_id[STORE_CACHE_ID_LEN + 8] = "",
	                                                   diff[PATH_MAX];
	struct layer_error lerr = { "" };
	struct digest diff_id;
	int blob = -1, tar = -1, err;
	struct stat st;

	err = digest_verify(blobs_fd, d->digest.text);
	if (err < 0)
		return fail(error, size, err, "layer blob %s: %s",
		            d->digest.text,
		            err == -EBADMSG ? "corrupt: its bytes do not hash "
		                              "to its name"
		                            : strerror(-err));
	snprintf(path, sizeof(path), "sha256/%s", digest_hex(d->digest.text));
	blob = openat(blobs_fd, path, O_RDONLY | O_CLOEXEC);
	tar = openat(store->overlay_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC,
	             0600);
	err = blob < 0 || tar < 0 ? -errno : uncompress(blob, tar);
	if (err == 0 && lseek(tar, 0, SEEK_SET) < 0)
		err = -errno;
	if (err == 0)
		err = digest_fd(tar, &diff_id);
	if (err == 0 && (i >= image->n_diff_ids ||
	                 strcmp(diff_id.text, image->diff_ids[i].text)))
		err = fail(error, size, -EBADMSG,
		           "layer %zu (%s): its tar's digest %s is not the "
		           "config's diff ID",
		           i + 1, d->digest.text, diff_id.text);
	if (err == 0)
		err = store_layer_new(store, parent ? parent->cache_id : NULL,
		                      NULL, "", cache_id);
	if (err == 0 && (store_layer_path(store, cache_id, "diff", diff,
	                                  sizeof(diff)) < 0 ||
	                 fstat(tar, &st) < 0))
		err = -EIO;
	if (err == 0)
		err = terminate_tar(tar, st.st_size);
	if (err == 0 && (err = layer_apply(tar, diff, &lerr)) < 0)
		fail(error, size, err, "layer %s: %s%s%s", d->digest.text,
		     lerr.entry, lerr.entry[0] ? ": " : "", strerror(-err));
	if (err == 0 && ftruncate(tar, st.st_size) < 0)
		err = -errno;
	if (err == 0)
		err = store_layer_commit(store, cache_id, parent, tar, ret);
	if (err < 0 && cache_id[0])
		store_layer_remove(store, cache_id);
	if (blob >= 0)
		close(blob);
	if (tar >= 0)
		close(tar);
	return err < 0 && !error[0] ? fail(error, size, err, "layer %s: %s",
	                                   d->digest.text, strerror(-err))
	                            : err;
}

static int import_layout(const struct store *store, int layout_fd,
                         const char *source, const char *ref, const char *name,
                         struct digest *ret_id, char *error, size_t size)
{
	struct store_layer *layers = NULL;
	struct oci_image image = { 0 };
	int blobs_fd, err;
	size_t i;

	err = oci_read(layout_fd, ref, &image);
	if (err < 0)
		return fail(error, size, err, "%s: %s%s%s", source,
		            ref ? "image " : "", ref ? ref : "",
		            strerror(-err));
	blobs_fd = openat(layout_fd, "blobs", O_PATH | O_DIRECTORY | O_CLOEXEC);
	err = blobs_fd < 0 ? -errno
	                   : digest_verify(blobs_fd, image.config.digest.text);
	if (err < 0)
		fail(error, size, err, "config blob %s: %s",
		     image.config.digest.text, strerror(-err));
	if (err == 0 && image.n_layers &&
	    !(layers = calloc(image.n_layers, sizeof(*layers))))
		err = -ENOMEM;
	for (i = 0; err == 0 && i < image.n_layers; i++)
		err = import_layer(store, blobs_fd, &image, i,
		                   i ? &layers[i - 1] : NULL, &layers[i], error,
		                   size);
	if (err == 0)
		err = store_image_put(store, image.config_json, NULL, ret_id);
	if (err == 0)
		err = store_tag(store, name, ret_id);
	if (err < 0 && !error[0])
		fail(error, size, err, "%s: %s", source, strerror(-err));
	if (blobs_fd >= 0)
		close(blobs_fd);
	free(layers);
	oci_image_free(&image);
	return err;
}

int build_import(const struct store *store, const char *source, const char *ref,
                 const char *name, struct digest *ret_id, char *error,
                 size_t error_size)
{
	struct stat st;
	int fd, err;

	error[0] = '\0';
	if (stat(source, &st) < 0)
		return fail(error, error_size, -errno, "%s: %s", source,
		            strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return import_tree(store, source, false, name, ret_id, error,
		                   error_size);
	fd = open(source, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(error, error_size, -errno, "%s: %s", source,
		            strerror(errno));
	if (faccessat(fd, "oci-layout", F_OK, 0) == 0)
		err = import_layout(store, fd, source, ref, name, ret_id, error,
		                    error_size);
	else
		err = import_tree(store, source, true, name, ret_id, error,
		                  error_size);
	close(fd);
	return err;
}
