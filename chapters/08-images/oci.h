/* oci.h - the OCI image layout: an image as a directory of blobs.
 *
 *	oci-layout		{"imageLayoutVersion": "1.0.0"}
 *	index.json		the entry point: manifests, each with a name
 *				("org.opencontainers.image.ref.name": "latest")
 *	blobs/sha256/HEX	everything else, named by its digest
 *
 * index.json points to a manifest; the manifest to the image's config and
 * its layers, in order, bottom first; the config holds what to run (Cmd,
 * Env, WorkingDir...) and the diff_ids, the digests of the layers once
 * uncompressed. skopeo, umoci, podman and containerd read and write this
 * layout. See the OCI image spec: image-layout.md, image-index.md,
 * manifest.md, config.md.
 */
#ifndef BOXLAB_OCI_H
#define BOXLAB_OCI_H

#include "digest.h"

#include <stddef.h>
#include <stdint.h>

#define OCI_MEDIA_INDEX    "application/vnd.oci.image.index.v1+json"
#define OCI_MEDIA_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define OCI_MEDIA_CONFIG   "application/vnd.oci.image.config.v1+json"
#define OCI_MEDIA_LAYER    "application/vnd.oci.image.layer.v1.tar"
#define OCI_MEDIA_LAYER_GZ "application/vnd.oci.image.layer.v1.tar+gzip"
#define OCI_REF_NAME       "org.opencontainers.image.ref.name"

/* A reference to a blob: what it is, its digest, its size in bytes. */
struct oci_descriptor {
	char media_type[128];
	struct digest digest;
	int64_t size;
};

/* One image of a layout, as oci_read() finds it. */
struct oci_image {
	struct oci_descriptor manifest;
	struct oci_descriptor config;
	struct oci_descriptor *layers; /* bottom first */
	size_t n_layers;
	struct digest *diff_ids; /* the config's rootfs.diff_ids */
	size_t n_diff_ids;
	char *config_json; /* the config blob's bytes, NUL-terminated */
	size_t config_len;
};

/* Read the image named REF ("latest"; NULL: the layout's only image) from
 * the OCI layout at LAYOUT_FD: check oci-layout's version ("1.0.0"), find
 * REF's manifest in index.json by its OCI_REF_NAME annotation (following
 * one nested image index, which picks the linux/amd64 manifest), read the
 * manifest and the config blob it names, and fill RET. Blobs are read,
 * not verified (digest_verify() does that), but every digest read is
 * checked to be "sha256:" and 64 lowercase hex digits before it is used
 * as a path or copied. Returns 0, or -ENOENT (no such REF, no
 * linux/amd64 manifest, or a file missing), -EINVAL (not a layout: no
 * oci-layout; a NULL REF and several images; a malformed digest; a
 * document that is not JSON or lacks a field it must have: "manifests",
 * "config", "layers", "rootfs.diff_ids"...; not one diff_id per layer),
 * -ENOTSUP (a layout version or media type it does not know), -errno.
 * On failure RET is left as it was, with nothing to free. See jansson's
 * json_loadfd(), json_object_get(). */
int oci_read(int layout_fd, const char *ref, struct oci_image *ret);

/* Free what oci_read() allocated in IMAGE. Accepts a zeroed one. */
void oci_image_free(struct oci_image *image);

#endif
