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

/* EXERCISE 8.2: your own helper functions can go here. */

int oci_read(int layout_fd, const char *ref, struct oci_image *ret)
{
	/* EXERCISE 8.2: Read an image from an OCI layout (15 points)
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
	 * Replace the stub below with your code.
	 */
	return exercise_todo("8.2", layout_fd, ref, ret);
}
