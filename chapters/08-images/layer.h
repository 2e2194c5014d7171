/* layer.h - layers: a tar of changes, and the directory overlayfs reads.
 *
 * An image layer travels as a tar archive (often gzipped) of the files a
 * step added or changed, plus markers for what it deleted: an empty file
 * ".wh.NAME" (a whiteout: NAME is gone) and ".wh..wh..opq" in a directory
 * (opaque: nothing of the lower layers' directory shows). On disk, as
 * Docker's overlay2 driver keeps it, a layer is an overlayfs upper
 * directory (chapter 07), where the same two things are a character
 * device 0/0 named NAME and the xattr trusted.overlay.opaque="y". These
 * functions convert between the two, with libarchive doing the tar and
 * gzip. See the OCI image spec, layer.md.
 */
#ifndef BOXLAB_LAYER_H
#define BOXLAB_LAYER_H

#include <stddef.h>

/* The whiteout markers of a layer tar. */
#define LAYER_WHITEOUT_PREFIX ".wh."
#define LAYER_OPAQUE_MARKER   ".wh..wh..opq"

/* Where a layer went wrong, for the message. */
struct layer_error {
	char entry[512]; /* the tar entry's path, or "" */
};

/* Unpack the layer tar ARCHIVE_FD (plain, gzip or zstd: libarchive tells)
 * into DEST, an empty directory, as an overlayfs upper directory: a
 * ".wh.NAME" entry becomes a character device 0/0 named NAME, a
 * ".wh..wh..opq" entry sets trusted.overlay.opaque="y" on its directory,
 * every other entry is written as it is (type, mode, owner, times,
 * symbolic links as links, hard links to earlier entries). Refuses the
 * whole layer at the first entry whose path (or hard link target) is
 * absolute or has a ".." component, or that would be written through a
 * symbolic link, with -EPERM and that entry in ERR; nothing is ever
 * written outside DEST. DEST itself may be reached through links.
 * Returns 0; -EPERM as said; -EINVAL (ERR names the entry) for an
 * archive libarchive cannot read; or -errno. */
int layer_apply(int archive_fd, const char *dest, struct layer_error *err);

/* Write the contents of UPPER, an overlayfs upper directory, to OUT_FD as
 * an uncompressed layer tar (pax format, paths relative, "etc/hostname",
 * directories before what they hold): a character device 0/0 NAME becomes
 * an empty regular file ".wh.NAME", a directory with
 * trusted.overlay.opaque="y" gets a ".wh..wh..opq" entry after it, and
 * trusted.overlay.* attributes are left out. Each directory's names are
 * taken in sorted order and no access or change time is stored, so the
 * same tree always gives the same bytes, hence the same digest (which a
 * build cache relies on). Returns 0 or -errno. */
int layer_create(const char *upper, int out_fd);

/* Copy IN_FD (from its offset) to OUT_FD gzip-compressed, the form a
 * layer blob usually has (media type ...tar+gzip). Returns 0 or -errno. */
int layer_gzip(int in_fd, int out_fd);

#endif
