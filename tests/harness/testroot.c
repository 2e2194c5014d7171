/* testroot.c - root file systems for the container chapters' tests. See
 * testroot.h. */
#include "testroot.h"

#include "file.h"
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* The applets the tests run; each a link to /bin/busybox. */
static const char *const applets[] = {
	"sh",     "ls",   "cat",      "echo",     "touch", "mkdir",
	"head",   "wc",   "grep",     "hostname", "stat",  "sleep",
	"id",     "ps",   "test",     "true",     "false", "env",
	"mount",  "rm",   "readlink", "mknod",    "tr",    "sort",
	"chroot", "wget", "httpd",    "stty",     "tty",   NULL,
};

/* Copy the file FROM to TO with MODE. */
static void copy_file(const char *from, const char *to, mode_t mode)
{
	int in, out, err;

	in = open(from, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(in >= 0, "open %s: %s", from, strerror(errno));
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ck_assert_msg(out >= 0, "create %s: %s", to, strerror(errno));
	err = file_copy_fd(in, out);
	ck_assert_msg(err == 0, "copy %s to %s: %s", from, to, strerror(-err));
	close(in);
	close(out);
}

void testroot_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_msg(fd >= 0, "create %s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

const char *testroot_make(void)
{
	static const char *const dirs[] = { "bin", "etc", "proc", "sys",
		                            "dev", "tmp", "root", NULL };
	static char root[512];
	char path[1024];
	int i;

	if (access("/bin/busybox", X_OK) < 0)
		test_skip("needs busybox-static (sudo make deps)");
	snprintf(root, sizeof(root), "%s/rootfs", test_tmpdir());
	ck_assert_int_eq(mkdir(root, 0755), 0);
	for (i = 0; dirs[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		ck_assert_int_eq(mkdir(path, 0755), 0);
	}
	snprintf(path, sizeof(path), "%s/tmp", root);
	ck_assert_int_eq(chmod(path, 01777), 0);
	snprintf(path, sizeof(path), "%s/bin/busybox", root);
	copy_file("/bin/busybox", path, 0755);
	for (i = 0; applets[i]; i++) {
		snprintf(path, sizeof(path), "%s/bin/%s", root, applets[i]);
		ck_assert_int_eq(symlink("busybox", path), 0);
	}
	snprintf(path, sizeof(path), "%s/etc/hostname", root);
	testroot_write(path, "inside\n");
	return root;
}

int testroot_private_namespace(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return errno;
	return 0;
}

int testroot_bind_onto_itself(const char *root)
{
	return mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0 ? errno : 0;
}

#if defined(__SANITIZE_ADDRESS__)
/* A sanitizer build's programs load the sanitizers' runtime, and the C
 * library, from the host: give ROOT the host's /usr (read-only) and the
 * links a merged-/usr system has. */
static void share_host_libraries(const char *root)
{
	char path[1024];

	ck_assert_int_eq(testroot_private_namespace(), 0);
	snprintf(path, sizeof(path), "%s/usr", root);
	if (mkdir(path, 0755) < 0)
		ck_assert_int_eq(errno, EEXIST);
	ck_assert_msg(mount("/usr", path, NULL, MS_BIND | MS_REC, NULL) == 0,
	              "bind /usr into %s: %s", root, strerror(errno));
	ck_assert_int_eq(
	        mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL),
	        0);
	snprintf(path, sizeof(path), "%s/lib", root);
	if (symlink("usr/lib", path) < 0)
		ck_assert_int_eq(errno, EEXIST);
	snprintf(path, sizeof(path), "%s/lib64", root);
	if (symlink("usr/lib64", path) < 0)
		ck_assert_int_eq(errno, EEXIST);
}
#endif

void testroot_add_program(const char *root, const char *name)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/bin/%s", root, name);
	copy_file(test_program(name), path, 0755);
#if defined(__SANITIZE_ADDRESS__)
	share_host_libraries(root);
#endif
}
