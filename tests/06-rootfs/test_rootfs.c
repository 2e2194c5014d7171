/* test_rootfs.c - the mounts and the switch of a container's root (6.1 to
 * 6.5, 6.7), as root. Each test does its mounting in a forked child with
 * a mount namespace of its own, which ends with test_child_passed() or
 * the number of the check that failed, explained by the test's WHY list.
 */
#include "harness.h"
#include "rootfs.h"
#include "sys.h"
#include "testroot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif

/* Fork; the child runs FN(ARG) and exits with what it returns (0 is
 * turned into test_child_passed()). The parent checks it passed. */
static void in_child(int (*fn)(const char *), const char *arg,
                     const char *const *why, int n)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int ret = fn(arg);

		if (ret == 0)
			test_child_passed();
		test_child_exit(ret);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	test_assert_no_stub();
	ck_assert_child_passed(status, why, n);
}

/* The line of /proc/self/mountinfo whose mount point is PATH, in BUF. */
static bool find_mount(int proc_fd, const char *path, char *buf, size_t size)
{
	char line[4096], point[PATH_MAX];
	bool found = false;
	FILE *f;
	int fd;

	fd = openat(proc_fd, "self/mountinfo", O_RDONLY | O_CLOEXEC);
	f = fd < 0 ? NULL : fdopen(fd, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 &&
		    !strcmp(point, path)) {
			snprintf(buf, size, "%s", line);
			found = true; /* the last one: the top of a stack */
		}
	fclose(f);
	return found;
}

/* The mountinfo lines the caller can see. */
static int count_mounts(int proc_fd)
{
	char line[4096];
	int n = 0, fd;
	FILE *f;

	fd = openat(proc_fd, "self/mountinfo", O_RDONLY | O_CLOEXEC);
	f = fd < 0 ? NULL : fdopen(fd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/* --- 6.1 ---------------------------------------------------------------- */

static const char *const why_prepare[] = {
	[1] = "rootfs_prepare() failed",
	[2] = "ROOT is not a mount point afterwards",
	[3] = "ROOT's mount still propagates (\"shared:\" in mountinfo)",
	[4] = "\"/\" still propagates: mounts would reach the host",
	[5] = "the mount under ROOT did not come along (MS_REC)",
	[6] = "could not set up the test",
};

static int prepare_child(const char *root)
{
	char line[4096], sub[PATH_MAX];
	int proc_fd;

	if (unshare(CLONE_NEWNS) < 0)
		return 6;
	proc_fd = open("/proc", O_PATH | O_CLOEXEC);
	snprintf(sub, sizeof(sub), "%s/sub", root);
	if (proc_fd < 0 || mkdir(sub, 0755) < 0)
		return 6;
	if (rootfs_prepare(root) < 0)
		return 1;
	if (!find_mount(proc_fd, root, line, sizeof(line)))
		return 2;
	if (strstr(line, " shared:"))
		return 3;
	if (!find_mount(proc_fd, "/", line, sizeof(line)) ||
	    strstr(line, " shared:"))
		return 4;
	/* Mounted on the directory now, under the bind (a private one). */
	if (mount("tmpfs", sub, "tmpfs", 0, NULL) < 0)
		return 6;
	return find_mount(proc_fd, sub, line, sizeof(line)) ? 0 : 5;
}

/* The test's own namespace has shared mounts, as a systemd host has: a
 * bind made before making "/" private shows up in it, and the harness
 * fails the test for that too. */
START_TEST(prepare_makes_a_private_mount_point)
{
	test_needs_root();
	in_child(prepare_child, test_tmpdir(), why_prepare, 7);
}
END_TEST

static int prepare_refuses_child(const char *dir)
{
	char file[PATH_MAX], missing[PATH_MAX];

	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 6;
	snprintf(file, sizeof(file), "%s/file", dir);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	testroot_write(file, "not a root\n");
	if (rootfs_prepare(file) != -ENOTDIR)
		return 1;
	return rootfs_prepare(missing) == -ENOENT ? 0 : 2;
}

START_TEST(prepare_refuses_what_is_not_a_directory)
{
	static const char *const why[] = {
		[1] = "rootfs_prepare(a file) did not return -ENOTDIR",
		[2] = "rootfs_prepare(a missing path) did not return -ENOENT",
		[6] = "could not set up the test",
	};

	test_needs_root();
	in_child(prepare_refuses_child, test_tmpdir(), why, 7);
}
END_TEST

/* --- 6.2 ---------------------------------------------------------------- */

/* Where the host's marker is, for the children to look for. */
static char host_marker[PATH_MAX];

/* Put the marker in the host's test directory, out of every root. */
static void write_host_marker(void)
{
	snprintf(host_marker, sizeof(host_marker), "%s/host-marker",
	         test_tmpdir());
	testroot_write(host_marker, "host\n");
}

static int pivot_child(const char *root)
{
	char cwd[PATH_MAX];
	struct stat top, up;
	int proc_fd, ret;

	ret = testroot_private_namespace();
	if (ret == 0)
		ret = testroot_bind_onto_itself(root);
	proc_fd = open("/proc", O_PATH | O_CLOEXEC);
	if (ret || proc_fd < 0)
		return 9;
	if (rootfs_pivot(root) < 0)
		return 1;
	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/"))
		return 2;
	if (access("/etc/hostname", F_OK) < 0)
		return 3; /* the old root is on top, at "/" */
	if (access(host_marker, F_OK) == 0)
		return 4;
	if (stat("/", &top) < 0 || stat("/..", &up) < 0 ||
	    top.st_ino != up.st_ino || top.st_dev != up.st_dev)
		return 5;
	/* Only the new root is left in this namespace's table. */
	return count_mounts(proc_fd) == 1 ? 0 : 6;
}

START_TEST(pivot_leaves_the_old_root_behind)
{
	static const char *const why[] = {
		[1] = "rootfs_pivot() failed",
		[2] = "the working directory is not \"/\" afterwards",
		[3] = "\"/\" is not the new root (the old root still stacked "
		      "on it?)",
		[4] = "a file of the host's is still reachable by its path",
		[5] = "\"/..\" is not \"/\"",
		[6] = "mounts of the old root are still attached (umount2 "
		      "MNT_DETACH)",
		[9] = "could not set up the test",
	};
	const char *root;

	test_needs_root();
	root = testroot_make();
	write_host_marker();
	in_child(pivot_child, root, why, 10);
}
END_TEST

static int pivot_refuses_child(const char *root)
{
	if (testroot_private_namespace())
		return 9;
	int ret;

	/* ROOT is an ordinary directory: pivot_root(2) wants a mount. */
	ret = rootfs_pivot(root);
	return ret == -EINVAL || ret == -EBUSY ? 0 : 1;
}

START_TEST(pivot_needs_a_mount_point)
{
	static const char *const why[] = {
		[1] = "rootfs_pivot() of a plain directory did not return "
		      "-EINVAL or -EBUSY",
		[9] = "could not set up the test",
	};

	test_needs_root();
	in_child(pivot_refuses_child, testroot_make(), why, 10);
}
END_TEST

/* --- 6.3 ---------------------------------------------------------------- */

static bool is_fs(const char *root, const char *name, long type)
{
	char path[PATH_MAX];
	struct statfs st;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	return statfs(path, &st) == 0 && st.f_type == type;
}

static bool has_flags(const char *root, const char *name, unsigned long want)
{
	char path[PATH_MAX];
	struct statvfs st;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	return statvfs(path, &st) == 0 && (st.f_flag & want) == want;
}

/* As PID 1 of a new PID namespace, as a container's first process. */
static int kernel_fs_pid1(const char *root)
{
	const unsigned long safe = ST_NOSUID | ST_NODEV | ST_NOEXEC;
	char path[PATH_MAX], self[32];
	ssize_t len;

	if (rootfs_mount_kernel(root, ROOTFS_PROC | ROOTFS_SYS) < 0)
		return 1;
	if (!is_fs(root, "proc", PROC_SUPER_MAGIC) ||
	    !is_fs(root, "sys", SYSFS_MAGIC))
		return 2;
	if (!has_flags(root, "sys", ST_RDONLY))
		return 3;
	if (!has_flags(root, "proc", safe) || !has_flags(root, "sys", safe))
		return 4;
	snprintf(path, sizeof(path), "%s/proc/self", root);
	len = readlink(path, self, sizeof(self) - 1);
	if (len != 1 || self[0] != '1')
		return 5; /* a /proc of another PID namespace */
	return 0;
}

static int kernel_fs_child(const char *root)
{
	int status;
	pid_t pid;

	if (testroot_private_namespace() || unshare(CLONE_NEWPID) < 0)
		return 9;
	pid = fork();
	if (pid < 0)
		return 9;
	if (pid == 0) {
		int ret = kernel_fs_pid1(root);

		if (ret == 0)
			test_child_passed();
		test_child_exit(ret);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 9;
	if (WEXITSTATUS(status) == TEST_CHILD_PASSED)
		return 0;
	/* Status 0 is no success: the code under test exited early. */
	return WEXITSTATUS(status) ? WEXITSTATUS(status) : 6;
}

START_TEST(mounts_proc_and_a_readonly_sys)
{
	static const char *const why[] = {
		[1] = "rootfs_mount_kernel() failed",
		[2] = "ROOT/proc is not a proc, or ROOT/sys not a sysfs",
		[3] = "ROOT/sys is writable",
		[4] = "proc and sys must be nosuid, nodev and noexec",
		[5] = "ROOT/proc/self is not 1: not this PID namespace's proc",
		[6] = "the container's PID 1 exited early (status 0) before "
		      "its checks ran",
		[9] = "could not set up the test",
	};

	test_needs_root();
	in_child(kernel_fs_child, testroot_make(), why, 10);
}
END_TEST

static int proc_only_child(const char *root)
{
	if (testroot_private_namespace())
		return 9;
	if (rootfs_mount_kernel(root, ROOTFS_PROC) < 0)
		return 1;
	if (!is_fs(root, "proc", PROC_SUPER_MAGIC))
		return 2;
	return is_fs(root, "sys", SYSFS_MAGIC) ? 3 : 0;
}

START_TEST(mounts_only_what_is_asked)
{
	static const char *const why[] = {
		[1] = "rootfs_mount_kernel(ROOTFS_PROC) failed",
		[2] = "ROOT/proc is not a proc",
		[3] = "ROOT/sys was mounted, which was not asked for",
		[9] = "could not set up the test",
	};

	test_needs_root();
	in_child(proc_only_child, testroot_make(), why, 10);
}
END_TEST

/* --- 6.4 ---------------------------------------------------------------- */

/* The number of the terminal a ptmx fd opened: /dev/pts/N. */
static int pty_number(int fd)
{
	unsigned int n;

	return ioctl(fd, TIOCGPTN, &n) < 0 ? -1 : (int)n;
}

/* Exactly these names in ROOT/dev, in the order ls sorts them. */
static const char expected_dev[] = "fd full mqueue null ptmx pts random shm "
                                   "stderr stdin stdout tty urandom zero ";

static int dev_names(const char *dev, char *buf, size_t size)
{
	struct dirent **names;
	size_t len = 0;
	int n, i;

	n = scandir(dev, &names, NULL, alphasort);
	if (n < 0)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' && len < size)
			len += snprintf(buf + len, size - len, "%s ",
			                names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return 0;
}

static int check_devices(const char *dev)
{
	const struct rootfs_device *d;
	char path[PATH_MAX];
	struct stat st;

	for (d = rootfs_devices; d->name; d++) {
		snprintf(path, sizeof(path), "%s/%s", dev, d->name);
		if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode) ||
		    st.st_rdev != makedev(d->major, d->minor) ||
		    (st.st_mode & 0777) != 0666)
			return 3;
	}
	return 0;
}

static int dev_child(const char *root)
{
	char dev[1024], path[PATH_MAX], names[512], buf[16];
	int fd, ret;

	if (testroot_private_namespace() || unshare(CLONE_NEWIPC) < 0)
		return 9;
	snprintf(dev, sizeof(dev), "%s/dev", root);
	if (rootfs_setup_dev(root) < 0)
		return 1;
	if (dev_names(dev, names, sizeof(names)) < 0 ||
	    strcmp(names, expected_dev)) {
		fprintf(stderr, "ROOT/dev has: %s\nexpected:     %s\n", names,
		        expected_dev);
		return 2;
	}
	ret = check_devices(dev);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/urandom", dev);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof(buf)) != sizeof(buf))
		return 4;
	close(fd);
	if (!is_fs(root, "dev", TMPFS_MAGIC) ||
	    !is_fs(dev, "pts", DEVPTS_SUPER_MAGIC) ||
	    !is_fs(dev, "shm", TMPFS_MAGIC) ||
	    !is_fs(dev, "mqueue", MQUEUE_MAGIC))
		return 5;
	/* A devpts of its own: the first terminal made in it is number 0,
	 * whatever the host has open. */
	snprintf(path, sizeof(path), "%s/ptmx", dev);
	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || pty_number(fd) != 0)
		return 6;
	close(fd);
	snprintf(path, sizeof(path), "%s/fd", dev);
	if (readlink(path, buf, sizeof(buf)) != 13 ||
	    strncmp(buf, "/proc/self/fd", 13))
		return 7;
	return 0;
}

START_TEST(dev_has_the_devices_and_nothing_else)
{
	static const char *const why[] = {
		[1] = "rootfs_setup_dev() failed",
		[2] = "ROOT/dev does not hold exactly the expected names (see "
		      "the log)",
		[3] = "a device is not a character device with its "
		      "major:minor and mode 0666",
		[4] = "could not read 16 bytes from ROOT/dev/urandom",
		[5] = "dev must be a tmpfs, dev/pts a devpts, dev/shm a tmpfs, "
		      "dev/mqueue an mqueue",
		[6] = "dev/ptmx does not open a terminal of a new devpts "
		      "instance (number 0)",
		[7] = "dev/fd does not point to /proc/self/fd",
		[9] = "could not set up the test",
	};

	test_needs_root();
	in_child(dev_child, testroot_make(), why, 10);
}
END_TEST

/* --- 6.5 ---------------------------------------------------------------- */

static int readonly_child(const char *root)
{
	char path[PATH_MAX];
	int fd;

	if (testroot_private_namespace() || testroot_bind_onto_itself(root) ||
	    mount(NULL, root, NULL, MS_REMOUNT | MS_BIND | MS_NOSUID, NULL) < 0)
		return 9;
	if (rootfs_make_readonly(root) < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/new-file", root);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0 || errno != EROFS)
		return 2;
	snprintf(path, sizeof(path), "%s/tmp/new-file", root);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return 3;
	close(fd);
	if (!is_fs(root, "tmp", TMPFS_MAGIC) ||
	    !has_flags(root, "tmp", ST_NOSUID | ST_NODEV))
		return 4;
	if (!has_flags(root, ".", ST_RDONLY | ST_NOSUID))
		return 5;
	return 0;
}

START_TEST(readonly_root_with_a_writable_tmp)
{
	static const char *const why[] = {
		[1] = "rootfs_make_readonly() failed",
		[2] = "creating a file in ROOT did not fail with EROFS",
		[3] = "ROOT/tmp is not writable",
		[4] = "ROOT/tmp is not a tmpfs with nosuid and nodev",
		[5] = "the remount dropped the root's nosuid (keep the mount's "
		      "flags)",
		[9] = "could not set up the test",
	};
	char path[PATH_MAX];
	const char *root;

	test_needs_root();
	root = testroot_make();
	in_child(readonly_child, root, why, 10);
	/* Only the child's view was read-only: the directory is not. */
	snprintf(path, sizeof(path), "%s/still-writable", root);
	testroot_write(path, "yes\n");
}
END_TEST

/* --- 6.7 (challenge) ---------------------------------------------------- */

static int escape_chroot_child(const char *jail)
{
	struct stat real, now;

	if (stat("/", &real) < 0 || chroot(jail) < 0 || chdir("/") < 0)
		return 9;
	if (rootfs_chroot_escape("/sub") < 0)
		return 1;
	if (stat("/", &now) < 0 || now.st_ino != real.st_ino ||
	    now.st_dev != real.st_dev)
		return 2;
	return access(host_marker, F_OK) == 0 ? 0 : 3;
}

START_TEST(chroot_escape_reaches_the_real_root)
{
	static const char *const why[] = {
		[1] = "rootfs_chroot_escape() failed",
		[2] = "\"/\" is not the real root afterwards",
		[3] = "the host's file is not reachable afterwards",
		[9] = "could not set up the test",
	};
	char jail[PATH_MAX / 2], sub[PATH_MAX];

	test_needs_root();
	snprintf(jail, sizeof(jail), "%s", test_tmpdir());
	snprintf(sub, sizeof(sub), "%s/sub", jail);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	write_host_marker();
	in_child(escape_chroot_child, jail, why, 10);
}
END_TEST

/* After a real pivot_root (done here, not by 6.2's code), the walk ends
 * at the container's own root. */
static int escape_pivot_child(const char *root)
{
	if (testroot_private_namespace() || testroot_bind_onto_itself(root) ||
	    chdir(root) < 0 || sys_pivot_root(".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return 9;
	if (rootfs_chroot_escape("/tmp") < 0)
		return 1;
	if (access("/etc/hostname", F_OK) < 0)
		return 2;
	return access(host_marker, F_OK) < 0 ? 0 : 3;
}

START_TEST(chroot_escape_stops_at_a_pivoted_root)
{
	static const char *const why[] = {
		[1] = "rootfs_chroot_escape() failed",
		[2] = "\"/\" is not the container's root afterwards",
		[3] = "the host's file is reachable after pivot_root?",
		[9] = "could not set up the test",
	};
	const char *root;

	test_needs_root();
	root = testroot_make();
	write_host_marker();
	in_child(escape_pivot_child, root, why, 10);
}
END_TEST

const struct graded_test rootfs_tests[] = {
	GRADED("6.1", prepare_makes_a_private_mount_point),
	GRADED("6.1", prepare_refuses_what_is_not_a_directory),
	GRADED("6.2", pivot_leaves_the_old_root_behind),
	GRADED("6.2", pivot_needs_a_mount_point),
	GRADED("6.3", mounts_proc_and_a_readonly_sys),
	GRADED("6.3", mounts_only_what_is_asked),
	GRADED("6.4", dev_has_the_devices_and_nothing_else),
	GRADED("6.5", readonly_root_with_a_writable_tmp),
	GRADED("6.7", chroot_escape_reaches_the_real_root),
	GRADED("6.7", chroot_escape_stops_at_a_pivoted_root),
	{ 0 },
};
