/* rootfs.c - private mounts, pivot_root, /proc, /sys, /dev, a read-only
 * root, and the way out of a chroot. See rootfs.h for the contracts. */
#include "rootfs.h"

#include "exercise.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* What Docker, runc and crun put in every container's /dev: the six
 * devices a program may expect, and nothing that reaches hardware. */
const struct rootfs_device rootfs_devices[] = {
	{ "null", 1, 3 },   { "zero", 1, 5 },    { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
	{ NULL, 0, 0 },
};

/* The links a /dev has that point into /proc (so they work once the
 * container has its own /proc) and into the devpts instance. */
const struct rootfs_link rootfs_dev_links[] = {
	{ "fd", "/proc/self/fd" },       { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	{ "ptmx", "pts/ptmx" },          { NULL, NULL },
};

/* ROOT/NAME into BUF; -ENAMETOOLONG if it does not fit. (These two are
 * inline so that exercises/, where nothing calls them until the
 * exercises do, compiles without a warning.) */
static inline int join(char *buf, size_t size, const char *root,
                       const char *name)
{
	int len = snprintf(buf, size, "%s/%s", root, name);

	return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : 0;
}

/* mount(2) returning 0 or -errno. */
static inline int do_mount(const char *source, const char *target,
                           const char *type, unsigned long flags,
                           const char *data)
{
	return mount(source, target, type, flags, data) < 0 ? -errno : 0;
}

int rootfs_prepare(const char *root)
{
	/* EXERCISE 6.1: Private, and a mount point (15 points)
	 *
	 * Check that ROOT is a directory (stat(2): -ENOTDIR if not; a bind
	 * mount would take a file too). Make every mount private, from "/"
	 * down (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)): without
	 * it, in a namespace copied from a host whose mounts are shared (any
	 * systemd host), the mounts that follow would appear on the host,
	 * and unmounting them would unmount the host's. Then bind-mount ROOT
	 * onto itself with MS_BIND | MS_REC (the mounts under it come along).
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("6.1", root);
}

int rootfs_pivot(const char *root)
{
	/* EXERCISE 6.2: pivot_root, and let go of the old root (20 points)
	 *
	 * chdir(2) into ROOT, then sys_pivot_root(".", ".") (sys.h; glibc
	 * has no wrapper): the new root becomes "/", and the old root is
	 * mounted on top of it, at "/" too, which is where "." still points.
	 * umount2(".", MNT_DETACH) takes that top mount off (lazily: a
	 * process may still use it; nothing new can reach it). Last,
	 * chdir("/") so the working directory is the new root itself.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("6.2", root);
}

int rootfs_chroot(const char *root)
{
	if (chroot(root) < 0)
		return -errno;
	return chdir("/") < 0 ? -errno : 0;
}

int rootfs_mount_kernel(const char *root, unsigned what)
{
	/* EXERCISE 6.3: /proc and a read-only /sys (10 points)
	 *
	 * With ROOTFS_PROC, mount a new "proc" file system on ROOT/proc;
	 * with ROOTFS_SYS, a "sysfs" on ROOT/sys with MS_RDONLY. Both with
	 * MS_NOSUID | MS_NODEV | MS_NOEXEC: nothing in them is meant to be
	 * run or to be a device. join() builds the paths.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("6.3", root, what);
}

/* EXERCISE 6.4: your own helper functions can go here. */

int rootfs_setup_dev(const char *root)
{
	/* EXERCISE 6.4: A minimal /dev (20 points)
	 *
	 * Mount a "tmpfs" on ROOT/dev (MS_NOSUID | MS_NOEXEC, data
	 * "mode=0755,size=65536k"); nothing of the host's /dev shows once
	 * it is there. Then make each device of rootfs_devices[]: mknod(2)
	 * a character device, mode 0666 (the umask takes bits off: chmod
	 * after), or, where mknod is refused with EPERM (a user namespace),
	 * create an empty file and bind-mount the host's /dev/NAME onto it.
	 * Then each link of rootfs_dev_links[] (symlink(2)), and under dev/
	 * three mounts, each on a new directory: "devpts" on pts (MS_NOSUID
	 * | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620": a terminal
	 * namespace of its own, not the host's terminals), "tmpfs" on shm
	 * ("mode=1777,size=65536k") and "mqueue" on mqueue (both MS_NOSUID |
	 * MS_NODEV | MS_NOEXEC).
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("6.4", root);
}

/* EXERCISE 6.5: your own helper functions can go here. */

int rootfs_make_readonly(const char *root)
{
	/* EXERCISE 6.5: A read-only root with a writable /tmp (10 points)
	 *
	 * First mount a "tmpfs" on ROOT/tmp (MS_NOSUID | MS_NODEV, data
	 * "mode=1777"): once the root is read-only nothing else could be
	 * written. Then remount ROOT itself: mount(NULL, ROOT, NULL,
	 * MS_REMOUNT | MS_BIND | MS_RDONLY | FLAGS, NULL), where FLAGS are
	 * those the mount has now: statvfs(3) reports them in f_flag as
	 * ST_NOSUID, ST_NODEV, ST_NOEXEC, ST_NOATIME, ST_NODIRATIME and
	 * ST_RELATIME, which have the values of the MS_ ones. A remount sets
	 * all the per-mount flags at once, and dropping one that a user
	 * namespace locked fails with EPERM. MS_BIND makes it change this
	 * mount only, not the file system under it (which the host's own
	 * mounts of it share).
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("6.5", root);
}

/* EXERCISE 6.7: your own helper functions can go here. */

int rootfs_chroot_escape(const char *dir)
{
	/* EXERCISE 6.7: Out of a chroot (challenge, 10 points)
	 *
	 * chroot(2) into DIR (unless it is NULL) without chdir(2) into it:
	 * the working directory is now outside the process's root, and the
	 * kernel stops ".." only at the root, which this walk never meets.
	 * chdir("..") until ".." is the same directory as "." (the same
	 * st_dev and st_ino; give up with -ELOOP after 4096 steps), then
	 * chroot(".") and chdir("/").
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("6.7", dir);
}
