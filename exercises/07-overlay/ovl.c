/* ovl.c - overlayfs: options, mounts, whiteouts, lookup and diff. See
 * ovl.h. */
#include "ovl.h"

#include "exercise.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

/* --- mount options ------------------------------------------------------- */

/* EXERCISE 7.1: your own helper functions can go here. */

int ovl_mount_options(const struct ovl_layers *layers, char *buf, size_t size)
{
	/* EXERCISE 7.1: Build the mount options (20 points)
	 *
	 * Check LAYERS first (-EINVAL: no lower layer, a NULL or empty
	 * path, upper without work or work without upper). Then write
	 * "lowerdir=" and the lower layers joined by ':', and, with an
	 * upper layer, ",upperdir=U,workdir=W". Put a '\' before every
	 * ',', ':' and '\' of a path. The string must fit in SIZE with
	 * its NUL and stay shorter than OVL_OPTIONS_MAX: else
	 * -ENAMETOOLONG, never a string cut short. Return its length.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("7.1", layers, buf, size);
}

/* --- mount and unmount --------------------------------------------------- */

/* EXERCISE 7.2: your own helper functions can go here. */

/* EXERCISE 7.2: Mount and unmount (15 points)
 *
 * ovl_prepare(): nothing to do without an upper layer. Else mkdir(2)
 * the upper and work directories (an existing one is fine), then refuse
 * an upper on overlayfs (statfs(2) says OVERLAYFS_SUPER_MAGIC:
 * -EOPNOTSUPP) and an upper and work on two file systems (their st_dev
 * differ: -EXDEV).
 * ovl_mount(): refuse empty OPTIONS (-EINVAL) and OPTIONS of
 * OVL_OPTIONS_MAX bytes or more (-ENAMETOOLONG), then mount(2) with
 * source "overlay", type "overlay".
 * ovl_umount(): umount2(2) with UMOUNT_NOFOLLOW.
 *
 * Replace the stub below with your code.
 */
int ovl_prepare(const struct ovl_layers *layers)
{
	return exercise_todo("7.2", layers);
}
int ovl_mount(const char *options, const char *target)
{
	return exercise_todo("7.2", options, target);
}
int ovl_umount(const char *target)
{
	return exercise_todo("7.2", target);
}

/* --- whiteouts and opaque directories ------------------------------------ */

/* Does directory NAME in DIRFD carry an opaque mark? Only the value "y"
 * means opaque: since Linux 6.7 "x" marks a directory that merely holds
 * whiteouts made of xattrs, for overlays stacked on overlays. */
static bool is_opaque(int dirfd, const char *name)
{
	static const char *const names[] = { "trusted.overlay.opaque",
		                             "user.overlay.opaque" };
	char value[2];
	bool opaque = false;
	ssize_t len;
	size_t i;
	int fd;

	fd = openat(dirfd, name,
	            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	for (i = 0; i < 2 && !opaque; i++) {
		len = fgetxattr(fd, names[i], value, sizeof(value));
		opaque = len == 1 && value[0] == 'y';
	}
	close(fd);
	return opaque;
}

int ovl_entry_kind(int dirfd, const char *name, enum ovl_kind *ret_kind)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return -errno;
		*ret_kind = OVL_ABSENT;
		return 0;
	}
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0))
		*ret_kind = OVL_WHITEOUT;
	else if (S_ISDIR(st.st_mode) && is_opaque(dirfd, name))
		*ret_kind = OVL_OPAQUE;
	else
		*ret_kind = OVL_PLAIN;
	return 0;
}

/* EXERCISE 7.3: Make whiteouts and opaque directories (15 points)
 *
 * ovl_make_whiteout(): mknodat(2) a character device, permission bits
 * 0, device number makedev(0, 0).
 * ovl_make_opaque(): open NAME as a directory (O_DIRECTORY, and
 * O_NOFOLLOW: a symbolic link is not the directory; the kernel says
 * ELOOP for one, report -ENOTDIR), then fsetxattr(2)
 * "trusted.overlay.opaque" to the one byte "y".
 *
 * Replace the stub below with your code.
 */
int ovl_make_whiteout(int dirfd, const char *name)
{
	return exercise_todo("7.3", dirfd, name);
}
int ovl_make_opaque(int dirfd, const char *name)
{
	return exercise_todo("7.3", dirfd, name);
}

/* --- lookup through the layers ------------------------------------------- */

/* EXERCISE 7.4: your own helper functions can go here. */

int ovl_lookup(const struct ovl_layers *layers, const char *path,
               int *ret_layer)
{
	/* EXERCISE 7.4: Which layer is it from? (20 points)
	 *
	 * Open the layers' roots, upper first. For each component of PATH
	 * (skip empty ones: "a//b"), ask each directory of the current
	 * level with ovl_entry_kind(), top down: absent, go on; a whiteout
	 * hides the name and everything below; an entry is found (the
	 * first one is the answer for this component); a directory adds
	 * itself to the next level, and the layers below may add theirs
	 * until one is opaque or not a directory. No entry: -ENOENT; a
	 * component that is not the last and not a directory: -ENOTDIR.
	 * Close every fd on every path.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("7.4", layers, path, ret_layer);
}

/* --- docker diff --------------------------------------------------------- */

/* EXERCISE 7.5: your own helper functions can go here. */

int ovl_diff(const char *upper, const char *lower_view, ovl_change_fn *fn,
             void *data)
{
	/* EXERCISE 7.5: What changed: docker diff (30 points)
	 *
	 * Walk UPPER depth first, each directory's names sorted with
	 * strcmp() (read them all, then qsort(3)), a directory reported
	 * before its entries. A whiteout is OVL_DELETED; another entry is
	 * OVL_CHANGED if the same path exists in LOWER_VIEW (fstatat(2),
	 * AT_SYMLINK_NOFOLLOW), else OVL_ADDED. Walk into directories,
	 * not into symbolic links. Below an opaque directory (and at any
	 * depth under it), every name LOWER_VIEW has and UPPER has not is
	 * OVL_DELETED too, in the same sorted order. Paths are relative:
	 * "etc", "etc/hostname".
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("7.5", upper, lower_view, fn, data);
}

/* --- challenge: the new mount API ---------------------------------------- */

/* EXERCISE 7.6: your own helper functions can go here. */

/* EXERCISE 7.6: Mount with the new mount API (challenge, 10 points)
 *
 * fsopen("overlay", FSOPEN_CLOEXEC) gives a file system context.
 * fsconfig(FSCONFIG_SET_STRING) "lowerdir+" once per lower layer, top
 * first (an -EINVAL on the first one: the kernel is older than 6.8,
 * -EOPNOTSUPP), then "upperdir" and "workdir" if there is an upper,
 * then FSCONFIG_CMD_CREATE. fsmount() turns it into a detached mount,
 * and move_mount(MOVE_MOUNT_F_EMPTY_PATH) attaches that on TARGET. On a
 * failure, read the context's log into ERROR before closing it.
 *
 * Replace the stub below with your code.
 */
int ovl_mount_layers(const struct ovl_layers *layers,
                     const char *target, char *error,
                     size_t error_size)
{
	return exercise_todo("7.6", layers, target, error,
	                     error_size);
}
