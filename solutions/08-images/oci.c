/* oci.c - read an image from an OCI image layout: oci-layout, then
 * index.json, then a manifest, then a config. See oci.h.
 *
 * Every document is JSON, read with jansson; every blob is found by its
 * digest under blobs/sha256/. The digests come from files that someone
 * else wrote, so each one is checked to be a digest, and nothing else,
 * before it becomes part of a path: "sha256:../../../etc/shadow" is a
 * well-known way to make a careless reader open a file outside the
 * layout.
 */
#include "oci.h"

#include "exercise.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void oci_image_free(struct oci_image *image)
{
	if (!image)
		return;
	free(image->layers);
	free(image->diff_ids);
	free(image->config_json);
	memset(image, 0, sizeof(*image));
}

/* BEGIN EXERCISE 8.2 (helpers) */
/* "blobs/sha256/" and the 64 hex digits, and the NUL. */
#define BLOB_PATH_SIZE (sizeof("blobs/sha256/") + DIGEST_HEX_LEN)

/* Is TEXT "sha256:" and 64 lowercase hex digits, and nothing else? */
static bool digest_well_formed(const char *text)
{
	size_t i;

	if (strncmp(text, "sha256:", 7) != 0)
		return false;
	for (i = 7; i < DIGEST_LEN; i++)
		if (!text[i] || !strchr("0123456789abcdef", text[i]))
			return false;
	return text[DIGEST_LEN] == '\0';
}

/* Read the descriptor OBJ ({"mediaType", "digest", "size"}) into RET.
 * Returns -EINVAL if a field is missing, or the digest is not one. */
static int get_descriptor(const json_t *obj, struct oci_descriptor *ret)
{
	const char *media_type, *digest;
	json_t *size = json_object_get(obj, "size");

	media_type = json_string_value(json_object_get(obj, "mediaType"));
	digest = json_string_value(json_object_get(obj, "digest"));
	if (!media_type || strlen(media_type) >= sizeof(ret->media_type) ||
	    !digest || !digest_well_formed(digest) || !json_is_integer(size) ||
	    json_integer_value(size) < 0)
		return -EINVAL;
	strcpy(ret->media_type, media_type);
	strcpy(ret->digest.text, digest);
	ret->size = json_integer_value(size);
	return 0;
}

/* The path of the blob DIGEST (well formed) in PATH. */
static void blob_path(const struct digest *digest, char path[BLOB_PATH_SIZE])
{
	snprintf(path, BLOB_PATH_SIZE, "blobs/sha256/%s",
	         digest->text + strlen("sha256:"));
}

/* Parse the JSON file DIRFD/PATH into *RET (json_decref() it). Returns
 * 0, -errno (-ENOENT: missing), or -EINVAL if it is not JSON. */
static int load_json(int dirfd, const char *path, json_t **ret)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	*ret = json_loadfd(fd, 0, NULL);
	close(fd);
	return *ret ? 0 : -EINVAL;
}

/* Is LAYOUT_FD a layout of the version we know? */
static int check_layout(int layout_fd)
{
	const char *version;
	json_t *doc;
	int err;

	err = load_json(layout_fd, "oci-layout", &doc);
	if (err < 0)
		return err == -ENOENT ? -EINVAL : err; /* not a layout */
	version = json_string_value(json_object_get(doc, "imageLayoutVersion"));
	err = !version ? -EINVAL : strcmp(version, "1.0.0") ? -ENOTSUP : 0;
	json_decref(doc);
	return err;
}

/* In INDEX, the descriptor whose ref name annotation is REF; with a NULL
 * REF, the only one. */
static int find_ref(const json_t *index, const char *ref,
                    struct oci_descriptor *ret)
{
	json_t *manifests = json_object_get(index, "manifests"), *m;
	const json_t *found = NULL;
	const char *name;
	size_t i;

	if (!json_is_array(manifests))
		return -EINVAL;
	if (!ref && json_array_size(manifests) > 1)
		return -EINVAL; /* which one? */
	json_array_foreach(manifests, i, m)
	{
		name = json_string_value(json_object_get(
		        json_object_get(m, "annotations"), OCI_REF_NAME));
		if (!found && (!ref || (name && !strcmp(name, ref))))
			found = m;
	}
	return found ? get_descriptor(found, ret) : -ENOENT;
}

/* In the image index INDEX (one image for several platforms), the
 * descriptor of the linux/amd64 manifest. */
static int pick_platform(const json_t *index, struct oci_descriptor *ret)
{
	json_t *manifests = json_object_get(index, "manifests"), *m, *platform;
	const char *os, *arch;
	size_t i;

	if (!json_is_array(manifests))
		return -EINVAL;
	json_array_foreach(manifests, i, m)
	{
		platform = json_object_get(m, "platform");
		os = json_string_value(json_object_get(platform, "os"));
		arch = json_string_value(
		        json_object_get(platform, "architecture"));
		if (os && arch && !strcmp(os, "linux") &&
		    !strcmp(arch, "amd64"))
			return get_descriptor(m, ret);
	}
	return -ENOENT;
}

/* index.json, REF, and through one nested index if there is one: the
 * descriptor of the image's manifest. */
static int find_manifest(int layout_fd, const char *ref,
                         struct oci_descriptor *ret)
{
	char path[BLOB_PATH_SIZE];
	json_t *index, *nested;
	int err;

	err = load_json(layout_fd, "index.json", &index);
	if (err < 0)
		return err;
	err = find_ref(index, ref, ret);
	json_decref(index);
	if (err == 0 && !strcmp(ret->media_type, OCI_MEDIA_INDEX)) {
		blob_path(&ret->digest, path);
		err = load_json(layout_fd, path, &nested);
		if (err < 0)
			return err;
		err = pick_platform(nested, ret);
		json_decref(nested);
	}
	if (err == 0 && strcmp(ret->media_type, OCI_MEDIA_MANIFEST))
		err = -ENOTSUP; /* a third level, or something else */
	return err;
}

/* A layer tar: plain, gzipped, or zstd-compressed. */
static bool layer_type_known(const char *media_type)
{
	return !strcmp(media_type, OCI_MEDIA_LAYER) ||
	       !strcmp(media_type, OCI_MEDIA_LAYER_GZ) ||
	       !strcmp(media_type, OCI_MEDIA_LAYER "+zstd");
}

/* The manifest's "layers", in order, into IMAGE. */
static int get_layers(const json_t *layers, struct oci_image *image)
{
	size_t i, n = json_array_size(layers);
	json_t *layer;
	int err;

	image->layers = calloc(n ? n : 1, sizeof(*image->layers));
	if (!image->layers)
		return -ENOMEM;
	json_array_foreach(layers, i, layer)
	{
		err = get_descriptor(layer, &image->layers[i]);
		if (err < 0)
			return err;
		if (!layer_type_known(image->layers[i].media_type))
			return -ENOTSUP;
	}
	image->n_layers = n;
	return 0;
}

/* The manifest blob: the config's descriptor and the layers'. */
static int read_manifest(int layout_fd, struct oci_image *image)
{
	char path[BLOB_PATH_SIZE];
	json_t *manifest, *media_type, *layers;
	int err;

	blob_path(&image->manifest.digest, path);
	err = load_json(layout_fd, path, &manifest);
	if (err < 0)
		return err;
	media_type = json_object_get(manifest, "mediaType"); /* optional */
	layers = json_object_get(manifest, "layers");
	if (media_type &&
	    (!json_is_string(media_type) ||
	     strcmp(json_string_value(media_type), OCI_MEDIA_MANIFEST)))
		err = -ENOTSUP;
	else if (!json_is_array(layers))
		err = -EINVAL;
	else
		err = get_descriptor(json_object_get(manifest, "config"),
		                     &image->config);
	if (err == 0 && strcmp(image->config.media_type, OCI_MEDIA_CONFIG))
		err = -ENOTSUP;
	if (err == 0)
		err = get_layers(layers, image);
	json_decref(manifest);
	return err;
}

/* The config's rootfs.diff_ids into IMAGE. */
static int get_diff_ids(const json_t *config, struct oci_image *image)
{
	json_t *ids =
	        json_object_get(json_object_get(config, "rootfs"), "diff_ids");
	size_t i, n = json_array_size(ids);
	const char *text;
	json_t *id;

	if (!json_is_array(ids))
		return -EINVAL;
	image->diff_ids = calloc(n ? n : 1, sizeof(*image->diff_ids));
	if (!image->diff_ids)
		return -ENOMEM;
	json_array_foreach(ids, i, id)
	{
		text = json_string_value(id);
		if (!text || !digest_well_formed(text))
			return -EINVAL;
		strcpy(image->diff_ids[i].text, text);
	}
	image->n_diff_ids = n;
	return 0;
}

/* The config blob: its bytes as they are, and its diff_ids. */
static int read_config(int layout_fd, struct oci_image *image)
{
	char path[BLOB_PATH_SIZE];
	json_t *config;
	int err;

	blob_path(&image->config.digest, path);
	err = file_read_all(layout_fd, path, &image->config_json,
	                    &image->config_len);
	if (err < 0)
		return err;
	config = json_loadb(image->config_json, image->config_len, 0, NULL);
	if (!config)
		return -EINVAL;
	err = get_diff_ids(config, image);
	json_decref(config);
	return err;
}
/* END EXERCISE 8.2 */

int oci_read(int layout_fd, const char *ref, struct oci_image *ret)
{
	/* BEGIN EXERCISE 8.2: Read an image from an OCI layout (15 points)
	 *
	 * Follow the layout from its entry point down, each document read
	 * with jansson through an fd opened relative to LAYOUT_FD
	 * (openat(layout_fd, "index.json", O_RDONLY | O_CLOEXEC), then
	 * json_loadfd(); json_object_get(), json_string_value()...):
	 *   1. "oci-layout": missing, -EINVAL (not a layout); its
	 *      "imageLayoutVersion" must be "1.0.0" (-ENOTSUP if not);
	 *   2. "index.json": in its "manifests", the descriptor whose
	 *      annotations have OCI_REF_NAME equal to REF (-ENOENT if none);
	 *      with a NULL REF, the only descriptor (-EINVAL if several);
	 *      if that is an OCI_MEDIA_INDEX, read that blob and take the
	 *      descriptor of its "manifests" whose "platform" has "os"
	 *      "linux" and "architecture" "amd64" (-ENOENT if none); it
	 *      must be an OCI_MEDIA_MANIFEST (-ENOTSUP if not);
	 *   3. the manifest blob: "mediaType" if present must be
	 *      OCI_MEDIA_MANIFEST; its "config" (an OCI_MEDIA_CONFIG) and
	 *      its "layers" (OCI_MEDIA_LAYER, _GZ or +zstd), in order;
	 *      another media type is -ENOTSUP;
	 *   4. the config blob: its bytes as they are in CONFIG_JSON
	 *      (file_read_all() from common/file.h), parsed (json_loadb())
	 *      for "rootfs" "diff_ids", one per layer.
	 * One helper function per document (and one for a descriptor)
	 * keeps each of them short.
	 * A descriptor is {"mediaType", "digest", "size"}, all three needed.
	 * A blob is the file blobs/sha256/HEX. Check every digest (from a
	 * descriptor, or a diff_id) before you use or copy it: exactly
	 * "sha256:" and 64 lowercase hex digits, else -EINVAL; it is text
	 * someone else wrote, and "sha256:../../../etc/shadow" must never
	 * reach openat(). A missing field, or one of the wrong JSON type, is
	 * -EINVAL; a document that is not JSON too. Close every fd and
	 * json_decref() every document on every path; on failure free what
	 * you allocated (oci_image_free() helps) and leave *RET alone.
	 *
	 * stub: return exercise_todo("8.2", layout_fd, ref, ret);
	 */
	struct oci_image image = { 0 };
	int err;

	err = check_layout(layout_fd);
	if (err == 0)
		err = find_manifest(layout_fd, ref, &image.manifest);
	if (err == 0)
		err = read_manifest(layout_fd, &image);
	if (err == 0)
		err = read_config(layout_fd, &image);
	if (err == 0 && image.n_diff_ids != image.n_layers)
		err = -EINVAL; /* one diff_id per layer */
	if (err < 0) {
		oci_image_free(&image);
		return err;
	}
	*ret = image;
	return 0;
	/* END EXERCISE 8.2 */
}
