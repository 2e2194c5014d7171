/* test_resolve.c - rootfs_open_in_root() (6.6) against a root full of
 * symbolic links that point out of it, with the kernel's own
 * openat2(RESOLVE_IN_ROOT) as the referee. The walk is the exercise: the
 * code under test runs with openat2 answering ENOSYS (a seccomp filter),
 * as on a kernel older than 5.6.
 */
#include "harness.h"
#include "rootfs.h"
#include "sys.h"
#include "testroot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The tree: ROOT is T/root; T/etc/hostname is a decoy just above it. */
struct node {
	const char *path; /* under T */
	const char *link; /* a symbolic link to this, or NULL */
	const char *text; /* a file with this, or NULL: a directory */
};
static const struct node tree[] = {
	{ "etc", NULL, NULL },
	{ "etc/hostname", NULL, "outside" },
	{ "root", NULL, NULL },
	{ "root/etc", NULL, NULL },
	{ "root/etc/hostname", NULL, "inside" },
	{ "root/etc/shadow", NULL, "inside shadow" },
	{ "root/a", NULL, NULL },
	{ "root/a/b", NULL, NULL },
	{ "root/a/b/c", NULL, NULL },
	{ "root/a/b/file", NULL, "deep" },
	{ "root/file", NULL, "plain" },
	{ "root/abs", "/etc/shadow", NULL },
	{ "root/up", "../../../../../../etc", NULL },
	{ "root/etclink", "/etc", NULL },
	{ "root/chain1", "chain2", NULL },
	{ "root/chain2", "/etclink", NULL },
	{ "root/dotdot", "../../..", NULL },
	{ "root/rel", "a/b", NULL },
	{ "root/a/b/back", "../../etc", NULL },
	{ "root/a/b/out", "../../../../etc", NULL },
	{ "root/loop", "loop", NULL },
	{ NULL, NULL, NULL },
};

/* Paths that must open a file inside ROOT, and what it says. */
static const struct {
	const char *path, *text;
} inside[] = {
	{ "etc/hostname", "inside" },
	{ "/etc/hostname", "inside" },
	{ "../etc/hostname", "inside" },
	{ "../../../../etc/hostname", "inside" },
	{ "abs", "inside shadow" },
	{ "up/hostname", "inside" },
	{ "etclink/hostname", "inside" },
	{ "chain1/hostname", "inside" },
	{ "dotdot/etc/hostname", "inside" },
	{ "a/b/back/hostname", "inside" },
	{ "a/b/out/hostname", "inside" },
	{ "rel/file", "deep" },
	{ "rel/../b/file", "deep" },
	{ "a/b/c/../file", "deep" },
	{ "//etc//./hostname", "inside" },
	{ NULL, NULL },
};

/* Every path the kernel is asked about too. */
static const char *const referee[] = {
	"etc/hostname",
	"/etc/hostname",
	"../etc/hostname",
	"abs",
	"up/hostname",
	"etclink/hostname",
	"chain1/hostname",
	"dotdot/etc/hostname",
	"a/b/back/hostname",
	"a/b/out/hostname",
	"rel/file",
	"rel/../b/file",
	"a/b/c/../file",
	"/",
	"..",
	"etc/",
	"dotdot",
	"up",
	"a/b/c/",
	"loop",
	"loop/x",
	"file/x",
	"missing",
	"etc/hostname/",
	"etc/missing/x",
	"abs/",
	"",
	NULL,
};

static int make_tree(const char *top)
{
	char path[PATH_MAX];
	const struct node *n;

	for (n = tree; n->path; n++) {
		snprintf(path, sizeof(path), "%s/%s", top, n->path);
		if (n->link && symlink(n->link, path) < 0)
			return -errno;
		if (n->text)
			testroot_write(path, n->text);
		else if (!n->link && mkdir(path, 0755) < 0)
			return -errno;
	}
	return 0;
}

static int open_root(void)
{
	char path[PATH_MAX];
	const char *top = test_tmpdir();
	int fd;

	ck_assert_int_eq(make_tree(top), 0);
	snprintf(path, sizeof(path), "%s/root", top);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

/* From here on this process gets ENOSYS for openat2(2) (libseccomp). */
static int forbid_openat2(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int ret;

	if (!ctx)
		return -ENOMEM;
	ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2),
	                       0);
	if (ret == 0)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	return ret;
}

/* The number of open file descriptors. */
static int count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!dir)
		return -1;
	while ((e = readdir(dir)))
		n += e->d_name[0] != '.';
	closedir(dir);
	return n - 1; /* not the one readdir uses */
}

/* Fork a child that forbids openat2 and runs FN(ROOT_FD); it ends with
 * test_child_passed() or the number of the case that failed. */
static void run_walk(int (*fn)(int), int root_fd, const char *what)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int ret = forbid_openat2();

		if (ret == 0)
			ret = fn(root_fd);
		if (ret == 0)
			test_child_passed();
		test_child_exit(ret < 0 ? 1 : ret);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	test_assert_no_stub();
	ck_assert_msg(!WIFEXITED(status) ||
	                      WEXITSTATUS(status) != TEST_CHILD_STUB,
	              "exercise 6.6 is not implemented yet");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != TEST_CHILD_PASSED)
		ck_abort_msg("%s: case %d failed (the log says how)", what,
		             WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static int check_inside(int root_fd)
{
	char text[64];
	ssize_t len;
	int i, fd;

	for (i = 0; inside[i].path; i++) {
		fd = rootfs_open_in_root(root_fd, inside[i].path, O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "rootfs_open_in_root(\"%s\"): %s\n",
			        inside[i].path, strerror(-fd));
			return 2 + i;
		}
		len = read(fd, text, sizeof(text) - 1);
		close(fd);
		text[len > 0 ? len : 0] = '\0';
		if (strcmp(text, inside[i].text)) {
			fprintf(stderr,
			        "rootfs_open_in_root(\"%s\") opened a file "
			        "saying \"%s\", expected \"%s\"\n",
			        inside[i].path, text, inside[i].text);
			return 2 + i;
		}
	}
	return 0;
}

START_TEST(open_in_root_never_leaves_the_root)
{
	run_walk(check_inside, open_root(), "open a path inside the root");
}
END_TEST

/* What the kernel says for each referee path, before the filter. */
struct answer {
	int err; /* 0, or the errno */
	dev_t dev;
	ino_t ino;
};
static struct answer kernel[64];

static struct answer answer_of(int fd)
{
	struct answer a = { 0 };
	struct stat st;

	if (fd < 0) {
		a.err = -fd;
		return a;
	}
	if (fstat(fd, &st) == 0) {
		a.dev = st.st_dev;
		a.ino = st.st_ino;
	}
	close(fd);
	return a;
}

static int compare_with_kernel(int root_fd)
{
	struct answer mine;
	int i;

	for (i = 0; referee[i]; i++) {
		mine = answer_of(
		        rootfs_open_in_root(root_fd, referee[i], O_RDONLY));
		if (mine.err != kernel[i].err || mine.dev != kernel[i].dev ||
		    mine.ino != kernel[i].ino) {
			fprintf(stderr,
			        "\"%s\": the kernel says %s (inode %lu), "
			        "rootfs_open_in_root() %s (inode %lu)\n",
			        referee[i], strerror(kernel[i].err),
			        (unsigned long)kernel[i].ino,
			        strerror(mine.err), (unsigned long)mine.ino);
			return 2 + i;
		}
	}
	return 0;
}

START_TEST(open_in_root_agrees_with_the_kernel)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC,
		                .resolve = RESOLVE_IN_ROOT };
	int root_fd = open_root(), i, fd;

	for (i = 0; referee[i]; i++) {
		fd = sys_openat2(root_fd, referee[i], &how);
		if (fd == -ENOSYS)
			test_skip("needs openat2 (Linux 5.6) as the referee");
		kernel[i] = answer_of(fd);
	}
	run_walk(compare_with_kernel, root_fd,
	         "compare with openat2(RESOLVE_IN_ROOT)");
}
END_TEST

static int check_errors(int root_fd)
{
	int before = count_fds(), fd;

	if (rootfs_open_in_root(root_fd, "loop", O_RDONLY) != -ELOOP)
		return 2;
	if (rootfs_open_in_root(root_fd, "file/x", O_RDONLY) != -ENOTDIR)
		return 3;
	if (rootfs_open_in_root(root_fd, "missing", O_RDONLY) != -ENOENT)
		return 4;
	if (rootfs_open_in_root(root_fd, "etc/new", O_CREAT | O_WRONLY) !=
	    -EINVAL)
		return 5;
	fd = rootfs_open_in_root(root_fd, "up", O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return 6;
	close(fd);
	/* Every descriptor of the walks was closed. */
	return count_fds() == before ? 0 : 7;
}

START_TEST(open_in_root_errors_and_descriptors)
{
	run_walk(check_errors, open_root(),
	         "2 ELOOP, 3 ENOTDIR, 4 ENOENT, 5 EINVAL for O_CREAT, 6 a "
	         "directory, 7 no fd left open");
}
END_TEST

const struct graded_test resolve_tests[] = {
	GRADED("6.6", open_in_root_never_leaves_the_root),
	GRADED("6.6", open_in_root_agrees_with_the_kernel),
	GRADED("6.6", open_in_root_errors_and_descriptors),
	{ 0 },
};
