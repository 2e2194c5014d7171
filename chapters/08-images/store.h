/* store.h - where images and their layers live: Docker's overlay2 layout,
 * under the lab's own root (/var/lib/boxlab, or --root DIR).
 *
 *	overlay2/CACHE/diff		a layer's files: an overlayfs upper dir
 *	overlay2/CACHE/link		its short name, "PJ4WEUTZE3AA..." (26)
 *	overlay2/CACHE/lower		the layers under it, "l/SHORT1:l/SHORT2"
 *	overlay2/CACHE/work		overlayfs's work dir, when it is an upper
 *	overlay2/CACHE/merged		the mount point, for a container's layer
 *	overlay2/l/SHORT		-> ../CACHE/diff
 *	image/overlay2/layerdb/sha256/CHAIN/{diff,cache-id,size,parent}
 *	image/overlay2/imagedb/content/sha256/ID	an image's config JSON
 *	image/overlay2/imagedb/metadata/sha256/ID/parent
 *	image/overlay2/layerdb/mounts/CONTAINER/{mount-id,init-id,parent}
 *	image/overlay2/repositories.json	names and tags -> image IDs
 *
 * An image is its config (its ID is the config's digest); the config lists
 * the layers' diff IDs, bottom first. A layer is found by its chain ID,
 * which names it together with everything under it (OCI image spec,
 * config.md, "Layer ChainID"). Its files are in overlay2/CACHE/diff, CACHE
 * a random name (Docker's "cache-id").
 *
 * Functions return 0 or -errno and never print.
 */
#ifndef BOXLAB_STORE_H
#define BOXLAB_STORE_H

#include "digest.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The default root; BOXLAB_ROOT in the environment, or --root, change it. */
#define STORE_DEFAULT_ROOT "/var/lib/boxlab"

/* Lengths of a cache ID (64 hex digits, like Docker's) and of a short
 * link name (26 characters of A-Z and 0-9). */
#define STORE_CACHE_ID_LEN 64
#define STORE_LINK_LEN     26

/* An open store. */
struct store {
	char root[PATH_MAX]; /* absolute */
	int root_fd;         /* O_PATH on it */
	int overlay_fd;      /* O_PATH on ROOT/overlay2 */
};

/* A layer of the store. */
struct store_layer {
	struct digest chain_id; /* it and everything under it */
	struct digest diff_id;  /* the digest of its uncompressed tar */
	struct digest parent;   /* the chain ID under it; "" for the bottom */
	char cache_id[STORE_CACHE_ID_LEN + 8]; /* overlay2/CACHE ("-init") */
	int64_t size;                          /* bytes in its tar */
};

/* Open (and create, the first time) the store at ROOT. Returns 0 or
 * -errno. */
int store_open(const char *root, struct store *ret);

/* Close what store_open() opened. */
void store_close(struct store *store);

/* The absolute path of overlay2/CACHE_ID/WHAT ("diff", "work",
 * "merged"; "" for the directory itself) in BUF. Returns 0 or
 * -ENAMETOOLONG. */
int store_layer_path(const struct store *store, const char *cache_id,
                     const char *what, char *buf, size_t size);

/* The chain ID of a layer with diff ID DIFF_ID on top of the layer whose
 * chain ID is PARENT ("" or NULL for the bottom layer): the bottom
 * layer's chain ID is its diff ID; any other's is the digest of the
 * string "PARENT DIFF_ID" (one space). Returns 0 or -errno. */
int store_chain_id(const struct digest *parent, const struct digest *diff_id,
                   struct digest *ret);

/* The contents of overlay2/CACHE_ID/lower for a new layer on top of
 * the layer PARENT_CACHE_ID: the parent's short link first, then what is
 * in the parent's own lower file (nothing for a bottom layer):
 * "l/PARENTLINK:l/GRANDPARENTLINK:...", topmost first, the order
 * overlayfs's lowerdir= wants. The short names keep the mount options
 * well under a page (chapter 07) for a hundred layers. Returns the length
 * written, or -ENOENT if the parent has no link file, -ENAMETOOLONG if it
 * does not fit in SIZE, or -errno. */
int store_lower_chain(const struct store *store, const char *parent_cache_id,
                      char *buf, size_t size);

/* Make a new, empty layer directory on top of PARENT_CACHE_ID (NULL: a
 * bottom layer): overlay2/CACHE/{diff,work}, link, lower, and
 * l/LINK -> ../CACHE/diff. SUFFIX ("" or "-init") is appended to a fresh
 * random CACHE, or, with REUSE_ID, to REUSE_ID (a container's init
 * layer is named after its layer). The new name is copied to
 * RET_CACHE_ID (STORE_CACHE_ID_LEN + 8 bytes). Returns 0 or -errno. */
int store_layer_new(const struct store *store, const char *parent_cache_id,
                    const char *reuse_id, const char *suffix,
                    char *ret_cache_id);

/* The overlay mount options for layer CACHE_ID as the writable layer
 * over the layers of its lower file, with paths relative to overlay2/
 * (mount from there, as Docker does: "lowerdir=l/A:l/B,upperdir=CACHE/
 * diff,workdir=CACHE/work"), into BUF (chapter 07's ovl_mount_options()).
 * Returns 0, -ENOENT if the layer has no lower file (a bottom layer is
 * no root to write on), -ENAMETOOLONG, or -errno. */
int store_layer_options(const struct store *store, const char *cache_id,
                        char *buf, size_t size);

/* Remove overlay2/CACHE_ID and its short link. Returns 0 or -errno. */
int store_layer_remove(const struct store *store, const char *cache_id);

/* Turn the filled layer directory CACHE_ID, on top of layer PARENT (NULL:
 * the bottom), into a layer of the store: its tar is made (layer_create)
 * to learn its diff ID and size, its chain ID computed, and
 * layerdb/sha256/CHAIN written. With TAR_FD >= 0, the layer came from
 * that tar (uncompressed, read from offset 0): its digest is the diff ID,
 * and it is kept as layerdb/sha256/CHAIN/layer.tar, so that `save` gives
 * back the very bytes an imported image had (Docker keeps "tar-split"
 * data for the same reason). If the chain exists already (the same
 * layer, built twice), the new directory is removed and the existing
 * layer returned. On return RET describes the layer. */
int store_layer_commit(const struct store *store, const char *cache_id,
                       const struct store_layer *parent, int tar_fd,
                       struct store_layer *ret);

/* Open the uncompressed tar of LAYER for reading (O_CLOEXEC): its kept
 * layer.tar, or one made now from its directory (layer_create), checked
 * against its diff ID. Returns the fd, -EBADMSG if the directory no
 * longer gives the same tar (the layer was changed on disk), or -errno. */
int store_layer_tar(const struct store *store, const struct store_layer *layer);

/* Read the layer CHAIN_ID from layerdb. Returns 0, -ENOENT, or -errno. */
int store_layer_get(const struct store *store, const struct digest *chain_id,
                    struct store_layer *ret);

/* The layers of an image, bottom first, from the diff IDs of its config
 * (chain IDs computed on the way). Returns 0 with *RET (free it) and
 * *RET_COUNT set, -ENOENT if a layer is missing, or -errno. */
int store_image_layers(const struct store *store, const char *config_json,
                       struct store_layer **ret, size_t *ret_count);

/* Store an image config (JSON text): its ID is its digest. PARENT (or
 * NULL) is the image it was built on, kept for `history`. Returns 0 and
 * the ID in RET_ID, or -errno. */
int store_image_put(const struct store *store, const char *config_json,
                    const struct digest *parent, struct digest *ret_id);

/* Read the config of image ID (malloc'd, NUL-terminated, in *RET_JSON)
 * and its parent (or "" in RET_PARENT, which may be NULL). Returns 0,
 * -ENOENT, or -errno. */
int store_image_get(const struct store *store, const struct digest *id,
                    char **ret_json, struct digest *ret_parent);

/* Find an image by NAME[:TAG] (TAG defaults to "latest"), by its full ID
 * "sha256:...", or by a prefix of at least 4 hex digits of it. Returns
 * 0, -ENOENT, -EINVAL for an ambiguous prefix, or -errno. */
int store_resolve(const struct store *store, const char *name,
                  struct digest *ret_id);

/* Point NAME[:TAG] at image ID (the tag moves if it existed). */
int store_tag(const struct store *store, const char *name,
              const struct digest *id);

/* Remove the tag NAME[:TAG]. Returns 0 or -ENOENT. */
int store_untag(const struct store *store, const char *name);

/* Call FN for each tag "name:tag" and its image, in name order. */
int store_each_tag(const struct store *store,
                   int (*fn)(const char *ref, const struct digest *id,
                             void *data),
                   void *data);

/* Remove image ID (untagged already): its config, and each of its layers
 * that no other image and no container uses. Returns 0, -EBUSY if a
 * tag, a container or an image built on it (its child) still uses it,
 * or -errno. */
int store_image_remove(const struct store *store, const struct digest *id);

/* A container's two layers on top of its image, as `docker create` makes
 * them: MOUNT-init (what the engine writes for each container: its
 * etc/hostname, etc/hosts, etc/resolv.conf, empty mount points for
 * /proc, /sys, /dev) and MOUNT, the writable layer, whose diff is
 * inspect's UpperDir and whose merged is MergedDir. Recorded in
 * layerdb/mounts/NAME/{mount-id,init-id,parent,image}. */
struct store_container {
	char name[128];
	struct digest image;  /* the image it was made from */
	struct digest parent; /* the chain ID of the image's top layer */
	char mount_id[STORE_CACHE_ID_LEN + 8];
	char init_id[STORE_CACHE_ID_LEN + 8];
};

/* Make container NAME (letters, digits, '_', '.', '-') of image ID, its
 * init layer holding HOSTNAME. Returns 0, -EEXIST, -EINVAL for a bad
 * name, or -errno; on failure nothing of it is left. */
int store_container_create(const struct store *store, const char *name,
                           const struct digest *id, const char *hostname,
                           struct store_container *ret);

/* Read container NAME. Returns 0, -ENOENT, or -errno. */
int store_container_get(const struct store *store, const char *name,
                        struct store_container *ret);

/* Remove container NAME: its two layers and its record (it must not be
 * mounted). Returns 0, -ENOENT, or -errno. */
int store_container_remove(const struct store *store, const char *name);

/* Call FN for each container, in no particular order. */
int store_each_container(const struct store *store,
                         int (*fn)(const struct store_container *c, void *data),
                         void *data);

/* "NAME:TAG" for NAME, with ":latest" added when it has no tag, in BUF.
 * Returns 0, -EINVAL for an empty or malformed name, or -ENAMETOOLONG. */
int store_normalize_ref(const char *name, char *buf, size_t size);

#endif
