/* enter.c - a container's root, in a runtime's order. See rootfs.h.
 *
 * The exercises of rootfs.c do the work; this file puts them in order:
 *   1. private propagation, and the root a mount point of its own;
 *   2. the mounts inside it (proc, sys, dev), while the host's /dev is
 *      still there to bind from;
 *   3. read-only, last of the mounts on the root itself (the ones under
 *      it keep their own flags, and /tmp stays writable);
 *   4. the switch: pivot_root (or chroot, to compare);
 *   5. no host file descriptor goes through the exec.
 */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void narrate(const struct rootfs_spec *spec, const char *fmt,
                    const char *arg)
{
	if (!spec->verbose)
		return;
	fprintf(stderr, "%s: [child] ", program_invocation_short_name);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
}

/* ROOT/NAME must exist for something to be mounted on it: make it if it
 * does not (a rootfs from an image may lack /proc or /sys). */
static int ensure_dir(const char *root, const char *name, mode_t mode)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", root, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int mount_inside(const struct rootfs_spec *spec, const char **step)
{
	const char *root = spec->root;
	int ret = 0;

	if (!spec->no_proc) {
		*step = "mount /proc and /sys";
		ret = ensure_dir(root, "proc", 0555);
		if (ret == 0)
			ret = ensure_dir(root, "sys", 0555);
		if (ret == 0)
			ret = rootfs_mount_kernel(root,
			                          ROOTFS_PROC | ROOTFS_SYS);
		if (ret < 0)
			return ret;
		narrate(spec, "mounted %s/proc (proc) and /sys (sysfs, ro)",
		        root);
	}
	if (!spec->no_dev) {
		*step = "populate /dev";
		ret = ensure_dir(root, "dev", 0755);
		if (ret == 0)
			ret = rootfs_setup_dev(root);
		if (ret < 0)
			return ret;
		narrate(spec,
		        "mounted a tmpfs on %s/dev: null zero full random "
		        "urandom tty, pts, shm, mqueue",
		        root);
	}
	if (spec->readonly) {
		*step = "make the root read-only";
		ret = ensure_dir(root, "tmp", 01777);
		if (ret == 0)
			ret = rootfs_make_readonly(root);
		if (ret < 0)
			return ret;
		narrate(spec, "remounted %s read-only, a tmpfs on /tmp", root);
	}
	return 0;
}

int rootfs_enter(const struct rootfs_spec *spec, const char **ret_step)
{
	const char *step = "make mounts private and bind the root";
	int ret;

	ret = rootfs_prepare(spec->root);
	if (ret < 0)
		goto out;
	narrate(spec, "mounts made private; %s bind-mounted onto itself",
	        spec->root);
	ret = mount_inside(spec, &step);
	if (ret < 0)
		goto out;
	step = spec->chroot ? "chroot" : "pivot_root";
	ret = spec->chroot ? rootfs_chroot(spec->root)
	                   : rootfs_pivot(spec->root);
	if (ret < 0)
		goto out;
	narrate(spec,
	        spec->chroot ? "chroot to %s: the old root is still there, "
	                       "above it"
	                     : "pivot_root to %s, the old root detached",
	        spec->root);
	step = "close the host's file descriptors";
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		ret = -errno;
out:
	if (ret < 0 && ret_step)
		*ret_step = step;
	return ret;
}
