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
	/* BEGIN EXERCISE 6.1: Private, and a mount point (15 points)
	 *
	 * Check that ROOT is a directory (stat(2): -ENOTDIR if not; a bind
	 * mount would take a file too). Make every mount private, from "/"
	 * down (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)): without
	 * it, in a namespace copied from a host whose mounts are shared (any
	 * systemd host), the mounts that follow would appear on the host,
	 * and unmounting them would unmount the host's. Then bind-mount ROOT
	 * onto itself with MS_BIND | MS_REC (the mounts under it come along).
	 *
	 * stub: return exercise_todo("6.1", root);
	 */
	struct stat st;

	if (stat(root, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	return do_mount(root, root, NULL, MS_BIND | MS_REC, NULL);
	/* END EXERCISE 6.1 */
}

int rootfs_pivot(const char *root)
{
	/* BEGIN EXERCISE 6.2: pivot_root, and let go of the old root (20 points)
	 *
	 * chdir(2) into ROOT, then sys_pivot_root(".", ".") (sys.h; glibc
	 * has no wrapper): the new root becomes "/", and the old root is
	 * mounted on top of it, at "/" too, which is where "." still points.
	 * umount2(".", MNT_DETACH) takes that top mount off (lazily: a
	 * process may still use it; nothing new can reach it). Last,
	 * chdir("/") so the working directory is the new root itself.
	 *
	 * stub: return exercise_todo("6.2", root);
	 */
	int ret;

	if (chdir(root) < 0)
		return -errno;
	ret = sys_pivot_root(".", ".");
	if (ret < 0)
		return ret;
	if (umount2(".", MNT_DETACH) < 0)
		return -errno;
	return chdir("/") < 0 ? -errno : 0;
	/* END EXERCISE 6.2 */
}

int rootfs_chroot(const char *root)
{
	if (chroot(root) < 0)
		return -errno;
	return chdir("/") < 0 ? -errno : 0;
}

int rootfs_mount_kernel(const char *root, unsigned what)
{
	/* BEGIN EXERCISE 6.3: /proc and a read-only /sys (10 points)
	 *
	 * With ROOTFS_PROC, mount a new "proc" file system on ROOT/proc;
	 * with ROOTFS_SYS, a "sysfs" on ROOT/sys with MS_RDONLY. Both with
	 * MS_NOSUID | MS_NODEV | MS_NOEXEC: nothing in them is meant to be
	 * run or to be a device. join() builds the paths.
	 *
	 * stub: return exercise_todo("6.3", root, what);
	 */
	const unsigned long safe = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char path[PATH_MAX];
	int ret;

	if (what & ROOTFS_PROC) {
		ret = join(path, sizeof(path), root, "proc");
		if (ret == 0)
			ret = do_mount("proc", path, "proc", safe, NULL);
		if (ret < 0)
			return ret;
	}
	if (what & ROOTFS_SYS) {
		ret = join(path, sizeof(path), root, "sys");
		if (ret == 0)
			ret = do_mount("sysfs", path, "sysfs", safe | MS_RDONLY,
			               NULL);
		if (ret < 0)
			return ret;
	}
	return 0;
	/* END EXERCISE 6.3 */
}

/* BEGIN EXERCISE 6.4 (helpers) */
/* One device node at DEV/NAME: mknod(2) where allowed; otherwise (EPERM,
 * as in a user namespace, where devices may not be made) an empty file
 * with the host's /dev/NAME bind-mounted onto it, runc's fallback. */
static int make_device(const char *dev, const struct rootfs_device *device)
{
	char path[PATH_MAX], host[64];
	int fd, ret;

	ret = join(path, sizeof(path), dev, device->name);
	if (ret < 0)
		return ret;
	if (mknod(path, S_IFCHR | 0666,
	          makedev(device->major, device->minor)) == 0)
		/* The umask took bits off the mode: put them back. */
		return chmod(path, 0666) < 0 ? -errno : 0;
	if (errno != EPERM)
		return -errno;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return -errno;
	close(fd);
	snprintf(host, sizeof(host), "/dev/%s", device->name);
	return do_mount(host, path, NULL, MS_BIND, NULL);
}

/* The file systems under /dev: a terminal namespace of its own, shared
 * memory, POSIX message queues (those of the caller's IPC namespace). */
static int mount_dev_children(const char *dev)
{
	const unsigned long safe = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	static const struct {
		const char *name, *type, *data;
		unsigned long flags;
	} mounts[] = {
		{ "pts", "devpts", "newinstance,ptmxmode=0666,mode=0620",
		  MS_NOSUID | MS_NOEXEC },
		{ "shm", "tmpfs", "mode=1777,size=65536k", safe },
		{ "mqueue", "mqueue", NULL, safe },
	};
	char path[PATH_MAX];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		ret = join(path, sizeof(path), dev, mounts[i].name);
		if (ret == 0 && mkdir(path, 0755) < 0)
			ret = -errno;
		if (ret == 0)
			ret = do_mount(mounts[i].type, path, mounts[i].type,
			               mounts[i].flags, mounts[i].data);
		if (ret < 0)
			return ret;
	}
	return 0;
}
/* END EXERCISE 6.4 */

int rootfs_setup_dev(const char *root)
{
	/* BEGIN EXERCISE 6.4: A minimal /dev (20 points)
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
	 * stub: return exercise_todo("6.4", root);
	 */
	const struct rootfs_device *device;
	const struct rootfs_link *link;
	char dev[PATH_MAX], path[PATH_MAX];
	int ret;

	ret = join(dev, sizeof(dev), root, "dev");
	if (ret == 0)
		ret = do_mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC,
		               "mode=0755,size=65536k");
	for (device = rootfs_devices; ret == 0 && device->name; device++)
		ret = make_device(dev, device);
	for (link = rootfs_dev_links; ret == 0 && link->name; link++) {
		ret = join(path, sizeof(path), dev, link->name);
		if (ret == 0 && symlink(link->target, path) < 0)
			ret = -errno;
	}
	if (ret == 0)
		ret = mount_dev_children(dev);
	return ret;
	/* END EXERCISE 6.4 */
}

/* BEGIN EXERCISE 6.5 (helpers) */
/* The MS_* flags of the mount PATH is on that a bind remount must keep:
 * statvfs(3) reports them as ST_*, with the same values. */
static int mount_flags_of(const char *path, unsigned long *ret_flags)
{
	static const unsigned long kept[] = {
		ST_NOSUID,  ST_NODEV,      ST_NOEXEC,
		ST_NOATIME, ST_NODIRATIME, ST_RELATIME,
	};
	struct statvfs st;
	size_t i;

	if (statvfs(path, &st) < 0)
		return -errno;
	*ret_flags = 0;
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		*ret_flags |= st.f_flag & kept[i];
	return 0;
}
/* END EXERCISE 6.5 */

int rootfs_make_readonly(const char *root)
{
	/* BEGIN EXERCISE 6.5: A read-only root with a writable /tmp (10 points)
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
	 * stub: return exercise_todo("6.5", root);
	 */
	unsigned long flags = 0;
	char path[PATH_MAX];
	int ret;

	ret = join(path, sizeof(path), root, "tmp");
	if (ret == 0)
		ret = do_mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV,
		               "mode=1777");
	if (ret == 0)
		ret = mount_flags_of(root, &flags);
	if (ret == 0)
		ret = do_mount(NULL, root, NULL,
		               MS_REMOUNT | MS_BIND | MS_RDONLY | flags, NULL);
	return ret;
	/* END EXERCISE 6.5 */
}

/* BEGIN EXERCISE 6.7 (helpers) */
/* Do A and B name the same directory? */
static int same_directory(const char *a, const char *b, bool *ret_same)
{
	struct stat sa, sb;

	if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return -errno;
	*ret_same = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	return 0;
}
/* END EXERCISE 6.7 */

int rootfs_chroot_escape(const char *dir)
{
	/* BEGIN EXERCISE 6.7: Out of a chroot (challenge, 10 points)
	 *
	 * chroot(2) into DIR (unless it is NULL) without chdir(2) into it:
	 * the working directory is now outside the process's root, and the
	 * kernel stops ".." only at the root, which this walk never meets.
	 * chdir("..") until ".." is the same directory as "." (the same
	 * st_dev and st_ino; give up with -ELOOP after 4096 steps), then
	 * chroot(".") and chdir("/").
	 *
	 * stub: return exercise_todo("6.7", dir);
	 */
	bool top = false;
	int steps, ret;

	if (dir && chroot(dir) < 0)
		return -errno;
	for (steps = 0; steps < 4096; steps++) {
		ret = same_directory(".", "..", &top);
		if (ret < 0)
			return ret;
		if (top)
			break;
		if (chdir("..") < 0)
			return -errno;
	}
	if (!top)
		return -ELOOP;
	if (chroot(".") < 0)
		return -errno;
	return chdir("/") < 0 ? -errno : 0;
	/* END EXERCISE 6.7 */
}
