/* build.h - building an image: each step a new image on top of the last.
 *
 * The overview: an image built FROM another is the other's layers with
 * its own on top (子镜像与基础镜像之间也采用了 union mount 技术). Each
 * instruction of a Boxfile makes a new image: RUN, COPY and ADD a new
 * layer, the others only a new config. A RUN is a container: the
 * command runs with the image so far as its read-only lower layers and a
 * fresh, empty upper layer, and whatever it changed, left in that upper
 * layer, becomes the new layer.
 */
#ifndef BOXLAB_BUILD_H
#define BOXLAB_BUILD_H

#include "boxfile.h"
#include "store.h"

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* What a RUN step runs with: the image's settings. */
struct build_base {
	char *const *env;    /* the environment, "KEY=VALUE", NULL-ended */
	const char *workdir; /* the working directory, absolute */
	uid_t uid;           /* the user (USER) */
	gid_t gid;
	bool verbose; /* narrate the container's setup on stderr */
};

/* Run ARGV (argv[0] looked up in BASE's PATH) as a container whose root
 * is the layer CACHE_ID over the layers under it: a new layer directory
 * of STORE (store_layer_new(): overlay2/CACHE_ID/{diff,work} and its
 * lower file, which lists the layers under it as "l/SHORT:..."). The
 * container (chapter 03's container_run(): new mount, PID, UTS, IPC and
 * network namespaces; a build step has no network here) mounts the
 * overlay (chapter 07) on overlay2/CACHE_ID/merged, from inside
 * overlay2/ so that the short relative names keep the options short, as
 * Docker does; enters it (chapter 06's rootfs_enter()); takes BASE's
 * working directory, user and environment; and becomes ARGV. Whatever
 * ARGV changes lands in overlay2/CACHE_ID/diff. Returns 0 if ARGV exited
 * with 0; -ECANCELED if it did not, with its wait status in *RET_STATUS;
 * or -errno if the container could not be run. */
int build_run(const struct store *store, const struct build_base *base,
              const char *cache_id, char *const argv[], int *ret_status);

/* How to build. */
struct build_options {
	const char *context; /* the directory COPY and ADD read from */
	const char *tag;     /* NAME[:TAG] to give the result, or NULL */
	bool no_cache;       /* run every step even if it ran before */
	bool verbose;        /* narrate each container's setup */
	FILE *out;           /* the progress: "Step 2/3 : RUN ..." */
};

/* Build BOXFILE into STORE, step by step, printing the progress to
 * OPTS->out as `docker build` (the classic builder) does. A step whose
 * parent image and instruction match an earlier step's is not run again:
 * its image is reused ("---> Using cache"). Returns 0 and the final
 * image's ID in RET_ID, or -errno with a one-line message in ERROR
 * ("Step 2/3 : RUN false: returned a non-zero code: 1"). */
int build_image(const struct store *store, const struct boxfile *boxfile,
                const struct build_options *opts, struct digest *ret_id,
                char *error, size_t error_size);

/* Copy FROM_FD (a file or a directory, open for reading) to TO_NAME in
 * the directory TO_DIRFD: directories recursively, regular files with
 * their contents and mode, symbolic links as links; owner root. Used by
 * COPY, ADD and `import DIR`. Returns 0 or -errno. */
int build_copy(int from_fd, int to_dirfd, const char *to_name);

/* A new image config for a root file system of one layer (DIFF_ID),
 * with the environment and command a busybox image has and a history
 * entry CREATED_BY. Returns the JSON text (free it) or NULL. */
char *build_new_config(const struct digest *diff_id, const char *created_by);

/* Import a root file system as a one-layer image NAME[:TAG]: SOURCE is a
 * directory (`make rootfs`'s busybox), a tar (plain or compressed), or an
 * OCI image layout (REF inside it: NULL for its only image), whose blobs
 * are each verified against their digests and whose layers' diff IDs
 * must match the config's. Returns 0 and the image's ID in RET_ID, or
 * -errno with a one-line message in ERROR. */
int build_import(const struct store *store, const char *source, const char *ref,
                 const char *name, struct digest *ret_id, char *error,
                 size_t error_size);

/* Import the tar TAR_FD (plain or compressed, read from its offset) as
 * a one-layer image NAME[:TAG] whose history says CREATED_BY: what
 * `docker import -` does with the tar it is sent. The tar's entries are
 * checked as layer_apply() checks them. Returns 0 and the image's ID in
 * RET_ID, or -errno with a one-line message in ERROR. */
int build_import_tar(const struct store *store, int tar_fd,
                     const char *created_by, const char *name,
                     struct digest *ret_id, char *error, size_t error_size);

/* Write image ID as an OCI image layout in DIR (made; it must not exist,
 * or be empty): each layer's tar (store_layer_tar()) gzipped as a blob,
 * the config blob (the very bytes whose digest is the ID), a manifest,
 * index.json naming it REF ("latest"), and oci-layout. skopeo, umoci and
 * podman read it. Returns 0, or -errno with a message in ERROR. */
int build_save(const struct store *store, const struct digest *id,
               const char *ref, const char *dir, char *error,
               size_t error_size);

/* What `docker image inspect` prints for image ID, as a JSON text (free
 * it): Id, RepoTags, Parent, Created, Config, Architecture, Os, Size,
 * RootFS, and GraphDriver: Name "overlay2", and Data with UpperDir (the
 * top layer's diff), LowerDir (the others' diffs, top first, joined by
 * ':'; absent for a one-layer image), MergedDir and WorkDir (the top
 * layer's), exactly as Docker shows them. NULL on error (errno set). */
char *build_inspect_image(const struct store *store, const struct digest *id);

/* The GraphDriver object of container C, as `docker inspect` shows it:
 * LowerDir the init layer's diff and then the image's layers' diffs,
 * UpperDir, MergedDir and WorkDir the container's layer's. JSON text
 * (free it), or NULL on error. */
char *build_inspect_container(const struct store *store,
                              const struct store_container *c);

#endif
