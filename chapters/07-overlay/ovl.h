/* ovl.h - overlayfs: a writable layer over read-only ones.
 *
 * The overview: Docker does not make the read-only rootfs writable; it
 * union-mounts a read-write layer over it (联合挂载), and every change a
 * container makes lands in that layer by copy-on-write, while the image
 * below stays as it was. On Linux the union mount is overlayfs:
 *
 *	lowerdir=L1:L2:L3   read-only layers, L1 on top (the image)
 *	upperdir=U          the writable layer (the container's)
 *	workdir=W           overlayfs's scratch space, on U's file system
 *	merged              the mount point: what the container sees
 *
 * A file changed through merged is first copied up, whole, from its lower
 * layer into U. A file deleted through merged is hidden by a whiteout in
 * U (a character device 0/0); a directory deleted and made again is
 * opaque in U (xattr trusted.overlay.opaque="y"), so that nothing of the
 * lower directory shows through it. See the kernel's
 * Documentation/filesystems/overlayfs.rst.
 *
 * Functions return 0 (or a length) or -errno, and never print.
 */
#ifndef BOXLAB_OVL_H
#define BOXLAB_OVL_H

#include <stdbool.h>
#include <stddef.h>

/* mount(2) copies one page of options and cuts off the rest without a
 * word: an option string must be shorter than this, or some lower layers
 * silently vanish from the mount. A page is 4096 bytes on x86-64 (arm64
 * kernels may have larger ones; the smallest is the safe bound). */
#define OVL_OPTIONS_MAX 4096

/* The most lower layers one overlay may have (the kernel's
 * OVL_MAX_STACK). Through mount(2), the page of options runs out long
 * before: about 45 layers of Docker's full paths, 90 bytes each. */
#define OVL_MAX_LAYERS 500

/* The layers of one overlay mount. */
struct ovl_layers {
	const char *const *lower; /* lower directories, the top one first */
	size_t lower_count;       /* how many; at least 1 */
	const char *upper;        /* the writable layer, or NULL: read-only */
	const char *work;         /* the work directory (NULL without upper) */
};

/* What an entry of a layer means to overlayfs. */
enum ovl_kind {
	OVL_ABSENT,   /* no such entry in this layer */
	OVL_PLAIN,    /* an ordinary file, directory, link, ... */
	OVL_WHITEOUT, /* a character device 0/0: hides the name below */
	OVL_OPAQUE,   /* a directory that hides the directories below */
};

/* The kind of change `docker diff` reports. */
enum ovl_change {
	OVL_ADDED = 'A',   /* not in the lower layers before */
	OVL_CHANGED = 'C', /* in the lower layers, and in the upper now */
	OVL_DELETED = 'D', /* in the lower layers, hidden now */
};

/* Called by ovl_diff() once per change, PATH relative to the layer
 * ("etc/hostname"). A nonzero return stops the walk and is returned. */
typedef int ovl_change_fn(enum ovl_change change, const char *path, void *data);

/* Write the mount options for LAYERS into BUF of SIZE bytes:
 *	lowerdir=L1:L2,upperdir=U,workdir=W
 * (only lowerdir=... when upper is NULL). ',' separates options and ':'
 * lower layers, so a ',', ':' or '\' inside a path is escaped with a '\'
 * (the kernel's ovl_unescape()). Returns the length written (without the
 * NUL), -EINVAL if there is no lower layer, an empty path, upper without
 * work or work without upper, or -ENAMETOOLONG if the options do not fit
 * in SIZE or reach OVL_OPTIONS_MAX: never a cut string. */
int ovl_mount_options(const struct ovl_layers *layers, char *buf, size_t size);

/* Make LAYERS ready to mount: create the upper and work directories
 * (0755) if they are missing. Returns 0, -EOPNOTSUPP if the upper
 * directory is on overlayfs itself (the kernel refuses that upper with a
 * bare EINVAL), -EXDEV if upper and work are on different file systems,
 * or -errno (mkdir(2), statfs(2)). Nothing to do without an upper. */
int ovl_prepare(const struct ovl_layers *layers);

/* Mount an overlay on TARGET with OPTIONS (from ovl_mount_options()).
 * Returns 0, -ENAMETOOLONG if OPTIONS reach OVL_OPTIONS_MAX (mount(2)
 * would cut them), -EINVAL for empty OPTIONS, or mount(2)'s -errno. The
 * caller is in a mount namespace of its own with / private: a mount of the
 * lab must never show on the host. See mount(2). */
int ovl_mount(const char *options, const char *target);

/* Unmount the overlay on TARGET, not following a symbolic link there.
 * Returns 0 or umount2(2)'s -errno (-EINVAL: nothing mounted there). */
int ovl_umount(const char *target);

/* The kind of entry NAME in directory DIRFD (a layer, or a directory in
 * one). An opaque directory is marked by trusted.overlay.opaque, or by
 * user.overlay.opaque in a user namespace's mount (userxattr); both are
 * read. Returns 0 and sets *RET_KIND (OVL_ABSENT if there is no such
 * entry), or -errno. */
int ovl_entry_kind(int dirfd, const char *name, enum ovl_kind *ret_kind);

/* Make NAME in directory DIRFD a whiteout: a character device with
 * device number 0/0, mode 0 (what overlayfs makes on delete, and what an
 * image's layer unpacker makes of an OCI ".wh.NAME" entry, chapter 08).
 * Returns 0, -EEXIST if NAME exists, or mknodat(2)'s -errno. */
int ovl_make_whiteout(int dirfd, const char *name);

/* Mark directory NAME in DIRFD opaque: set trusted.overlay.opaque to "y"
 * (what overlayfs does to a directory made where one was deleted, and an
 * unpacker to one holding ".wh..wh..opq"). Returns 0, -ENOTDIR if NAME
 * is not a directory, or -errno (setxattr(2): -EPERM without
 * CAP_SYS_ADMIN, -EOPNOTSUPP on a file system without xattrs). */
int ovl_make_opaque(int dirfd, const char *name);

/* Which layer does PATH ("etc/hostname", relative) of the merged view
 * come from? Look it up the way overlayfs does, one component at a time,
 * upper first, then each lower from the top: a whiteout ends the search
 * (the name is gone), a plain entry ends it (found), and for a directory
 * the layers below it count only as long as no opaque directory was
 * met. Returns 0 and sets *RET_LAYER to 0 for the upper layer or 1 + i
 * for lower[i] (the layer the entry itself is taken from; a directory
 * merges several, this is the topmost), -ENOENT if PATH is hidden or in
 * no layer, -ENOTDIR if a component before the last is not a directory,
 * -E2BIG for more than OVL_MAX_LAYERS lower layers, or -errno. "" is
 * the root, in the topmost layer. */
int ovl_lookup(const struct ovl_layers *layers, const char *path,
               int *ret_layer);

/* What `docker diff` prints: walk the upper layer UPPER and compare it
 * with LOWER_VIEW, a directory showing the lower layers as one tree (the
 * single lower layer itself, or a read-only overlay of them all). Calls FN
 * for every entry of UPPER: OVL_DELETED for a whiteout, OVL_CHANGED if the
 * path is in LOWER_VIEW, else OVL_ADDED; and OVL_DELETED for every entry
 * of LOWER_VIEW under an opaque directory that UPPER does not have again.
 * The order is fixed: a directory before what is in it, names in strcmp()
 * order. Returns 0, FN's nonzero return, or -errno. */
int ovl_diff(const char *upper, const char *lower_view, ovl_change_fn *fn,
             void *data);

/* Challenge: mount LAYERS on TARGET with the new mount API (fsopen(2),
 * fsconfig(2), fsmount(2), move_mount(2)), giving each lower layer by
 * itself as "lowerdir+" (Linux 6.8): no escaping, and no page limit on
 * the number of layers. Returns 0, -EOPNOTSUPP if the kernel does not
 * know "lowerdir+", or -errno (-EINVAL for more than OVL_MAX_LAYERS). On
 * failure, the first error the kernel logged in the fs context (read(2)
 * from the fsopen() fd: "e overlay: too many lower directories, ...") is
 * copied into ERROR of ERROR_SIZE bytes without the "e ", or "" if it
 * logged none there (many of overlayfs's reasons still go to dmesg). */
int ovl_mount_layers(const struct ovl_layers *layers, const char *target,
                     char *error, size_t error_size);

#endif
