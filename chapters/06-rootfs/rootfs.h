/* rootfs.h - a root file system of the container's own.
 *
 * The overview: at boot the kernel mounts a read-only rootfs, checks it,
 * then switches to a read-write one or mounts another file system over
 * it; Docker likewise mounts a container's rootfs read-only and puts a
 * writable layer on top (chapter 07). This chapter gives a process a root
 * of its own, the way runc and crun do: in a new mount namespace whose
 * mounts are private, the root directory made a mount point, the kernel
 * file systems and a small /dev mounted inside it, then pivot_root(2) to
 * it and the old root detached, so no path leads back out. And it shows
 * why chroot(2) alone is not enough.
 *
 * Every function here runs in the container's child, in a mount namespace
 * of its own (mount_namespaces(7)); ROOT is the root file system's
 * directory as the child sees it before the switch, an absolute path.
 * None of them prints; each returns 0 or -errno.
 */
#ifndef BOXLAB_ROOTFS_H
#define BOXLAB_ROOTFS_H

#include <stdbool.h>
#include <sys/types.h>

/* Make every mount of this namespace private (MS_REC | MS_PRIVATE), so
 * that nothing mounted from now on propagates to the host, and nothing
 * the host mounts appears here; then bind-mount ROOT onto itself,
 * recursively (MS_BIND | MS_REC), which makes it a mount point:
 * pivot_root(2) needs one, and a read-only remount needs a mount of the
 * root's own. Returns 0, -ENOTDIR if ROOT is not a directory, -ENOENT if
 * it does not exist, or another -errno. See mount(2). */
int rootfs_prepare(const char *root);

/* Make ROOT (a mount point, see rootfs_prepare()) the root of this mount
 * namespace and of the calling process, and detach the old root: runc's
 * way, pivot_root(".", ".") from inside ROOT, which stacks the old root on
 * top of the new one at "/", then umount2(".", MNT_DETACH) to take it off.
 * On return the working directory is the new "/", and no path, not even
 * "..", leads to the old root. Returns 0, or -errno: when ROOT is not a
 * mount point, -EBUSY if it is on the current root's mount and -EINVAL
 * otherwise; -EINVAL too if the namespace's mounts are shared. See
 * pivot_root(2). */
int rootfs_pivot(const char *root);

/* Switch the root the old way, for comparison: chroot(2) to ROOT and
 * chdir("/"). The mount namespace's root stays where it was, and so the
 * container can walk back out (see rootfs_chroot_escape()). */
int rootfs_chroot(const char *root);

/* What rootfs_mount_kernel() mounts. */
enum {
	ROOTFS_PROC = 1 << 0, /* proc on ROOT/proc */
	ROOTFS_SYS = 1 << 1,  /* sysfs, read-only, on ROOT/sys */
};

/* Mount the kernel's file systems WHAT (ROOTFS_PROC, ROOTFS_SYS) inside
 * ROOT: a new proc on ROOT/proc, which shows the processes of the caller's
 * PID namespace; sysfs on ROOT/sys, read-only, as every runtime mounts it.
 * Both nosuid, nodev, noexec. The directories must exist. Returns 0 or
 * -errno. See proc(5), sysfs(5). */
int rootfs_mount_kernel(const char *root, unsigned what);

/* The device nodes a container gets in its /dev, and nothing else: no
 * disks, no /dev/mem. Terminated by a NULL name. */
struct rootfs_device {
	const char *name; /* under /dev */
	unsigned major, minor;
};
extern const struct rootfs_device rootfs_devices[];

/* The symbolic links every /dev has, in the same form. */
struct rootfs_link {
	const char *name;   /* under /dev */
	const char *target; /* what it points to */
};
extern const struct rootfs_link rootfs_dev_links[];

/* Make ROOT/dev a minimal /dev: a new tmpfs (mode 0755, nosuid, noexec),
 * the character devices of rootfs_devices[] (mode 0666, made with
 * mknod(2); where that is not allowed, as in a user namespace, an empty
 * file with the host's /dev/NAME bind-mounted onto it), the links of
 * rootfs_dev_links[], a devpts of its own on dev/pts (newinstance,
 * ptmxmode=0666) with dev/ptmx pointing into it, a tmpfs on dev/shm (mode
 * 1777) and mqueue on dev/mqueue. ROOT/dev must exist. Returns 0 or
 * -errno. See mknod(2), pts(4), mq_overview(7). */
int rootfs_setup_dev(const char *root);

/* Make ROOT read-only, as the overview's rootfs is, keeping one place to
 * write: a new tmpfs on ROOT/tmp (mode 1777, nosuid, nodev), then ROOT
 * remounted read-only (MS_REMOUNT | MS_BIND | MS_RDONLY), keeping the
 * flags its mount already has (nosuid, nodev, noexec, ...), which a user
 * namespace would otherwise refuse to drop (EPERM). ROOT must be a mount
 * point (rootfs_prepare()); the mounts below it keep their own flags.
 * Returns 0 or -errno. See mount(2), statvfs(3). */
int rootfs_make_readonly(const char *root);

/* Open PATH inside the directory ROOT_FD as if ROOT_FD were "/": an
 * absolute PATH, or an absolute symbolic link met on the way, starts
 * again at ROOT_FD; ".." at ROOT_FD stays there. So no symbolic link in
 * an untrusted root file system ("etc" -> "/etc", "x" -> "../../..")
 * can lead a runtime out of it. This is what openat2(2) with
 * RESOLVE_IN_ROOT does in the kernel (Linux 5.6); here it is done by
 * hand, one component at a time, the way runtimes did before (runc's
 * securejoin). FLAGS are open(2) flags for the last component, whose
 * symbolic link is followed too (O_CREAT is not supported; an empty PATH
 * is -ENOENT, as for open(2)). Returns a new
 * file descriptor (O_CLOEXEC), -ELOOP after more than 40 symbolic links,
 * -ENOENT, -ENOTDIR, -EINVAL for O_CREAT, or -errno. */
int rootfs_open_in_root(int root_fd, const char *path, int flags);

/* The classic escape from a chroot, as a root process inside one: chroot
 * again, into DIR (a directory below the current root), which leaves the
 * working directory outside the new root; then walk ".." up until it
 * leads nowhere higher (the same device and inode as "."), which is the
 * root of the mount namespace, not of the chroot; chroot(".") there and
 * chdir("/"). With DIR NULL, the working directory is outside the root
 * already (fchdir(2) to a directory fd that leaked in from outside), and
 * only the walk is done. Returns 0 once there, or -errno. After a
 * chroot(2) this reaches the host's root; after pivot_root(2) it only
 * reaches the container's own. */
int rootfs_chroot_escape(const char *dir);

/* All of the above, in a runtime's order, for the child of a container
 * (chapter 03's setup_child hook). */
struct rootfs_spec {
	const char *root; /* the root file system, an absolute path */
	bool chroot;      /* chroot(2) instead of pivot_root(2) */
	bool readonly;    /* read-only, with a writable /tmp */
	bool no_dev;      /* leave ROOT/dev alone */
	bool no_proc;     /* no /proc and /sys */
	bool verbose;     /* narrate each step on stderr */
};

/* Prepare SPEC->root, mount what SPEC asks for in it, switch to it, and
 * mark every file descriptor above 2 close-on-exec, so nothing of the
 * host's leaks into the command (CVE-2024-21626 was a leaked directory).
 * Missing mount points (proc, sys, dev, tmp) are created first. Returns
 * 0, or -errno; the step that failed is in *RET_STEP ("mount /proc"). */
int rootfs_enter(const struct rootfs_spec *spec, const char **ret_step);

#endif
