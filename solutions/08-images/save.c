/* save.c - an image of the store written out as an OCI image layout. See
 * build.h (build_save) and oci.h.
 */
#include "build.h"

#include "file.h"
#include "layer.h"
#include "oci.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
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

/* Is DIR missing or empty? Makes it if missing. */
static int ensure_empty(const char *dir)
{
	struct dirent *entry;
	int empty = 1;
	DIR *d;

	if (mkdir(dir, 0755) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((entry = readdir(d)))
		if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty ? 0 : -ENOTEMPTY;
}

/* Store DATA as a blob: blobs/sha256/HEX. */
static int put_blob(int blobs_fd, const char *data, size_t len,
                    struct oci_descriptor *ret, const char *media_type)
{
	char path[DIGEST_LEN + 16];
	int err;

	err = digest_buf(data, len, &ret->digest);
	if (err < 0)
		return err;
	snprintf(path, sizeof(path), "%s", digest_hex(ret->digest.text));
	snprintf(ret->media_type, sizeof(ret->media_type), "%s", media_type);
	ret->size = (int64_t)len;
	return file_replace(blobs_fd, path, data, len, 0644);
}

/* LAYER's tar, gzipped, as a blob. */
static int put_layer(const struct store *store, int blobs_fd,
                     const struct store_layer *layer,
                     struct oci_descriptor *ret)
{
	char tmp[64];
	struct stat st;
	int tar, gz, err;

	tar = store_layer_tar(store, layer);
	if (tar < 0)
		return tar;
	snprintf(tmp, sizeof(tmp), "tmp-%d", (int)getpid());
	gz = openat(blobs_fd, tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
	            0644);
	err = gz < 0 ? -errno : layer_gzip(tar, gz);
	close(tar);
	if (err == 0 && (lseek(gz, 0, SEEK_SET) < 0 || fstat(gz, &st) < 0))
		err = -errno;
	if (err == 0)
		err = digest_fd(gz, &ret->digest);
	if (err == 0 &&
	    renameat(blobs_fd, tmp, blobs_fd, digest_hex(ret->digest.text)) < 0)
		err = -errno;
	if (gz >= 0)
		close(gz);
	if (err < 0) {
		unlinkat(blobs_fd, tmp, 0);
		return err;
	}
	snprintf(ret->media_type, sizeof(ret->media_type), "%s",
	         OCI_MEDIA_LAYER_GZ);
	ret->size = st.st_size;
	return 0;
}

static json_t *descriptor_json(const struct oci_descriptor *d)
{
	return json_pack("{s:s, s:s, s:I}", "mediaType", d->media_type,
	                 "digest", d->digest.text, "size", (json_int_t)d->size);
}

/* The manifest, index.json and oci-layout, once the blobs are in. */
static int write_documents(int dir_fd, int blobs_fd, const char *ref,
                           const struct oci_descriptor *config,
                           const struct oci_descriptor *layers, size_t n)
{
	json_t *manifest, *list = json_array(), *index;
	struct oci_descriptor md;
	char *text;
	size_t i;
	int err;

	for (i = 0; i < n; i++)
		json_array_append_new(list, descriptor_json(&layers[i]));
	manifest = json_pack("{s:i, s:s, s:o, s:o}", "schemaVersion", 2,
	                     "mediaType", OCI_MEDIA_MANIFEST, "config",
	                     descriptor_json(config), "layers", list);
	text = manifest ? json_dumps(manifest, JSON_COMPACT) : NULL;
	json_decref(manifest);
	err = text ? put_blob(blobs_fd, text, strlen(text), &md,
	                      OCI_MEDIA_MANIFEST)
	           : -ENOMEM;
	free(text);
	if (err < 0)
		return err;
	index = json_pack("{s:i, s:s, s:[o]}", "schemaVersion", 2, "mediaType",
	                  OCI_MEDIA_INDEX, "manifests", descriptor_json(&md));
	json_object_set_new(
	        json_array_get(json_object_get(index, "manifests"), 0),
	        "annotations", json_pack("{s:s}", OCI_REF_NAME, ref));
	text = index ? json_dumps(index, JSON_COMPACT) : NULL;
	json_decref(index);
	err = text ? file_replace(dir_fd, "index.json", text, strlen(text),
	                          0644)
	           : -ENOMEM;
	free(text);
	if (err == 0)
		err = file_replace(dir_fd, "oci-layout",
		                   "{\"imageLayoutVersion\":\"1.0.0\"}", 30,
		                   0644);
	return err;
}

int build_save(const struct store *store, const struct digest *id,
               const char *ref, const char *dir, char *error, size_t error_size)
{
	struct oci_descriptor config, *blobs = NULL;
	struct store_layer *layers = NULL;
	int dir_fd = -1, blobs_fd = -1, err;
	size_t n = 0, i;
	char *text = NULL;

	error[0] = '\0';
	err = ensure_empty(dir);
	if (err < 0)
		return fail(error, error_size, err, "%s: %s", dir,
		            err == -ENOTEMPTY ? "not empty" : strerror(-err));
	dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0 || file_mkdirs(dir_fd, "blobs/sha256", 0755) < 0 ||
	    (blobs_fd = openat(dir_fd, "blobs/sha256",
	                       O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		err = fail(error, error_size, -errno, "%s: %s", dir,
		           strerror(errno));
		goto out;
	}
	err = store_image_get(store, id, &text, NULL);
	if (err == 0)
		err = store_image_layers(store, text, &layers, &n);
	if (err == 0)
		err = put_blob(blobs_fd, text, strlen(text), &config,
		               OCI_MEDIA_CONFIG);
	if (err == 0 && n && !(blobs = calloc(n, sizeof(*blobs))))
		err = -ENOMEM;
	for (i = 0; err == 0 && i < n; i++) {
		err = put_layer(store, blobs_fd, &layers[i], &blobs[i]);
		if (err == -EBADMSG)
			fail(error, error_size, err,
			     "layer %s changed on disk: its files no longer "
			     "give its diff ID",
			     layers[i].diff_id.text);
	}
	if (err == 0)
		err = write_documents(dir_fd, blobs_fd, ref, &config, blobs, n);
	if (err < 0 && !error[0])
		fail(error, error_size, err, "%s: %s", dir, strerror(-err));
out:
	if (blobs_fd >= 0)
		close(blobs_fd);
	if (dir_fd >= 0)
		close(dir_fd);
	free(blobs);
	free(layers);
	free(text);
	return err;
}
