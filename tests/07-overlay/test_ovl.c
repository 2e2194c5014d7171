/* test_ovl.c - exercises 7.1 to 7.6: overlayfs layers, for real.
 *
 * Every test that mounts runs its checks in a forked child that first
 * enters a mount namespace of its own, makes / private and puts a tmpfs
 * on a new test_tmpdir(): no mount can reach the host, and when the child
 * is gone, so are its mounts, also when a check failed half way. A tmpfs
 * has all an upper layer needs, even where /tmp is itself on overlayfs.
 * The child reports a failed check through a pipe and exits 1; it passes
 * only by reaching test_child_passed() at its end.
 *
 * Each test uses its own exercise and nothing else of ovl.c: the layers
 * are made, and other overlays mounted, by this file's own code.
 */
#include "harness.h"

#include "exercise.h"
#include "ovl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

/* --- the child's checks -------------------------------------------------- */

/* In the child: the write end of the pipe to its test. */
static int report_fd = -1;

/* In the child: tell the test what went wrong, and exit. */
static void __attribute__((noreturn, format(printf, 1, 2)))
child_fail(const char *fmt, ...)
{
	char message[1024];
	va_list args;
	ssize_t ret;

	va_start(args, fmt);
	vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);
	ret = write(report_fd, message, strlen(message));
	(void)ret;
	_exit(1);
}

#define expect(condition, ...)                                                 \
	do {                                                                   \
		if (!(condition))                                              \
			child_fail(__VA_ARGS__);                               \
	} while (0)

/* Like ck_assert_ok(), in the child. */
static void expect_ok(long ret, const char *what)
{
	if (ret < 0 && exercise_todo_last())
		child_fail("exercise %s is not implemented yet",
		           exercise_todo_last());
	expect(ret >= 0, "%s failed: %s", what, strerror((int)-ret));
}

static void expect_err(long ret, int expected, const char *what)
{
	if (ret < 0 && exercise_todo_last())
		child_fail("exercise %s is not implemented yet",
		           exercise_todo_last());
	expect(ret == -expected, "%s: expected -%d (%s), got %ld", what,
	       expected, strerror(expected), ret);
}

/* Run CHECK in a child in a private mount namespace, in a fresh tmpfs
 * (its working directory), and fail the test with what it reported. */
static void in_sandbox(void (*check)(void))
{
	static const char *const why[] = {
		[1] = "a check failed",
		[2] = "could not set up a private mount namespace with a tmpfs",
	};
	const char *dir = test_tmpdir();
	char message[1024] = "";
	int pipe_fds[2], status;
	ssize_t len;
	pid_t child;

	test_needs_root();
	ck_assert_int_eq(pipe2(pipe_fds, O_CLOEXEC), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(pipe_fds[0]);
		report_fd = pipe_fds[1];
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("boxlab-test", dir, "tmpfs", 0, NULL) < 0 ||
		    chdir(dir) < 0)
			_exit(2);
		check();
		test_child_passed();
	}
	close(pipe_fds[1]);
	len = read(pipe_fds[0], message, sizeof(message) - 1);
	close(pipe_fds[0]);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	if (len > 0) {
		message[len] = '\0';
		ck_abort_msg("%s", message);
	}
	ck_assert_child_passed(status, why, 3);
}

/* --- making layers, without ovl.c ---------------------------------------- */

static void make_dirs(const char *const *paths)
{
	for (; *paths; paths++)
		expect(mkdir(*paths, 0755) == 0, "mkdir %s: %s", *paths,
		       strerror(errno));
}

static void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t len;

	expect(fd >= 0, "create %s: %s", path, strerror(errno));
	len = write(fd, text, strlen(text));
	expect(len == (ssize_t)strlen(text), "write %s", path);
	close(fd);
}

static void append(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	ssize_t len;

	expect(fd >= 0, "open %s: %s", path, strerror(errno));
	len = write(fd, text, strlen(text));
	expect(len == (ssize_t)strlen(text), "append to %s: %s", path,
	       strerror(errno));
	close(fd);
}

/* The whole of a small file, or "(none)". */
static const char *get(const char *path)
{
	static char text[4][256];
	static int next;
	char *buf = text[next++ % 4];
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "(none)";
	len = read(fd, buf, 255);
	close(fd);
	buf[len > 0 ? len : 0] = '\0';
	return buf;
}

static void expect_text(const char *path, const char *text)
{
	const char *got = get(path);

	expect(strcmp(got, text) == 0, "%s: expected \"%s\", got \"%s\"", path,
	       text, got);
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void whiteout(const char *path)
{
	expect(mknod(path, S_IFCHR, makedev(0, 0)) == 0, "mknod %s: %s", path,
	       strerror(errno));
}

static void opaque(const char *path)
{
	expect(setxattr(path, "trusted.overlay.opaque", "y", 1, 0) == 0,
	       "setxattr %s: %s", path, strerror(errno));
}

/* mount(2) an overlay of LOWERS ("a:b") with UPPER and WORK (or NULL). */
static void overlay(const char *lowers, const char *upper, const char *work,
                    const char *target)
{
	char options[1024];

	if (upper)
		snprintf(options, sizeof(options),
		         "lowerdir=%s,upperdir=%s,workdir=%s", lowers, upper,
		         work);
	else
		snprintf(options, sizeof(options), "lowerdir=%s", lowers);
	expect(mount("overlay", target, "overlay", 0, options) == 0,
	       "mount -o %s %s: %s", options, target, strerror(errno));
}

static bool is_overlay(const char *path)
{
	struct statfs fs;

	return statfs(path, &fs) == 0 && fs.f_type == OVERLAYFS_SUPER_MAGIC;
}

/* lower/ with the image, upper/ and work/ empty, merged/ to mount on. */
static void image(void)
{
	static const char *const dirs[] = { "lower", "lower/dir", "upper",
		                            "work",  "merged",    NULL };

	make_dirs(dirs);
	put("lower/a.txt", "version 1\n");
	put("lower/run.sh", "echo hello\n");
	put("lower/gone.txt", "soon deleted\n");
	put("lower/dir/one", "1\n");
	put("lower/A", "version 1 of A\n");
}

/* --- 7.1: mount options --------------------------------------------------- */

static void expect_options(const struct ovl_layers *layers,
                           const char *expected)
{
	char buf[OVL_OPTIONS_MAX];
	int ret;

	ret = ovl_mount_options(layers, buf, sizeof(buf));
	ck_assert_ok(ret, "ovl_mount_options");
	ck_assert_str_eq(buf, expected);
	ck_assert_int_eq(ret, (int)strlen(expected));
}

START_TEST(options_in_layer_order)
{
	static const char *const one[] = { "/l" };
	static const char *const three[] = { "/img/top", "/img/mid",
		                             "/img/base" };
	struct ovl_layers layers = { .lower = one, .lower_count = 1 };

	expect_options(&layers, "lowerdir=/l");
	layers.lower = three;
	layers.lower_count = 3;
	layers.upper = "/c/upper";
	layers.work = "/c/work";
	expect_options(&layers, "lowerdir=/img/top:/img/mid:/img/base,"
	                        "upperdir=/c/upper,workdir=/c/work");
}
END_TEST

START_TEST(options_escape_separators)
{
	static const char *const lower[] = { "/a,b", "/c:d", "/e\\f" };
	const struct ovl_layers layers = { .lower = lower,
		                           .lower_count = 3,
		                           .upper = "/u:1",
		                           .work = "/w,1" };

	expect_options(&layers, "lowerdir=/a\\,b:/c\\:d:/e\\\\f,"
	                        "upperdir=/u\\:1,workdir=/w\\,1");
}
END_TEST

START_TEST(options_refuse_bad_layers)
{
	static const char *const good[] = { "/l" };
	static const char *const empty[] = { "/l", "" };
	static const char *const null[] = { NULL };
	const struct ovl_layers cases[] = {
		{ .lower = good, .lower_count = 0 },
		{ .lower = empty, .lower_count = 2 },
		{ .lower = null, .lower_count = 1 },
		{ .lower = good, .lower_count = 1, .upper = "/u" },
		{ .lower = good, .lower_count = 1, .work = "/w" },
		{ .lower = good, .lower_count = 1, .upper = "", .work = "/w" },
	};
	char buf[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_err(ovl_mount_options(&cases[i], buf, sizeof(buf)),
		              -EINVAL, "bad layers");
}
END_TEST

/* A string is never cut: too small a buffer, or one page or more, is
 * -ENAMETOOLONG; 4095 bytes (with the NUL, one page) still fit. */
START_TEST(options_refuse_too_long)
{
	static char path[OVL_OPTIONS_MAX + 1], buf[2 * OVL_OPTIONS_MAX];
	const char *lower[] = { path };
	const struct ovl_layers layers = { .lower = lower, .lower_count = 1 };
	size_t room = OVL_OPTIONS_MAX - 1 - strlen("lowerdir=");

	memset(path, 'x', room);
	path[0] = '/';
	ck_assert_int_eq(ovl_mount_options(&layers, buf, sizeof(buf)),
	                 OVL_OPTIONS_MAX - 1);
	ck_assert_err(ovl_mount_options(&layers, buf, 100), -ENAMETOOLONG,
	              "a buffer of 100 bytes");
	path[room] = 'x';
	ck_assert_err(ovl_mount_options(&layers, buf, sizeof(buf)),
	              -ENAMETOOLONG, "4096 bytes of options");
	path[room - 1] = ',';
	path[room] = '\0';
	ck_assert_err(ovl_mount_options(&layers, buf, sizeof(buf)),
	              -ENAMETOOLONG, "4095 bytes of options and an escape");
}
END_TEST

/* Docker's paths: 64 hex digits each. About 60 of them fill the page. */
START_TEST(options_too_many_layers)
{
	static char paths[100][100];
	const char *lower[100];
	const struct ovl_layers layers = { .lower = lower, .lower_count = 100 };
	char buf[OVL_OPTIONS_MAX];
	int i;

	for (i = 0; i < 100; i++) {
		snprintf(paths[i], sizeof(paths[i]),
		         "/var/lib/docker/overlay2/%064x/diff", i);
		lower[i] = paths[i];
	}
	ck_assert_err(ovl_mount_options(&layers, buf, sizeof(buf)),
	              -ENAMETOOLONG, "100 layers");
}
END_TEST

static void escaped_paths_mount(void)
{
	static const char *const dirs[] = { "low,er:1", "low\\er", "up:per",
		                            "wo,rk",    "merged",  NULL };
	static const char *const lower[] = { "low,er:1", "low\\er" };
	const struct ovl_layers layers = { .lower = lower,
		                           .lower_count = 2,
		                           .upper = "up:per",
		                           .work = "wo,rk" };
	char options[OVL_OPTIONS_MAX];

	make_dirs(dirs);
	put("low,er:1/top", "top\n");
	put("low\\er/f", "bottom\n");
	put("low\\er/top", "hidden\n");
	expect_ok(ovl_mount_options(&layers, options, sizeof(options)),
	          "ovl_mount_options");
	expect(mount("overlay", "merged", "overlay", 0, options) == 0,
	       "mount -o %s: %s", options, strerror(errno));
	expect_text("merged/top", "top\n");
	expect_text("merged/f", "bottom\n");
	put("merged/new", "new\n");
	expect_text("up:per/new", "new\n");
}

START_TEST(options_escaped_paths_mount)
{
	in_sandbox(escaped_paths_mount);
}
END_TEST

/* --- 7.2: mount and unmount ---------------------------------------------- */

static const char *const image_lower[] = { "lower" };
static const struct ovl_layers image_layers = {
	.lower = image_lower,
	.lower_count = 1,
	.upper = "upper",
	.work = "work",
};

static void mount_image(void)
{
	image();
	expect_ok(ovl_prepare(&image_layers), "ovl_prepare");
	expect_ok(ovl_mount("lowerdir=lower,upperdir=upper,workdir=work",
	                    "merged"),
	          "ovl_mount");
	expect(is_overlay("merged"), "merged is not an overlay mount");
}

/* Writing through merged copies the file up; lower is byte for byte as
 * it was. */
static void write_copies_up(void)
{
	struct stat before, after;

	mount_image();
	expect(stat("lower/a.txt", &before) == 0, "stat lower/a.txt");
	append("merged/a.txt", "changed\n");
	expect_text("lower/a.txt", "version 1\n");
	expect_text("upper/a.txt", "version 1\nchanged\n");
	expect_text("merged/a.txt", "version 1\nchanged\n");
	expect(stat("lower/a.txt", &after) == 0, "stat lower/a.txt");
	expect(before.st_mtim.tv_nsec == after.st_mtim.tv_nsec &&
	               before.st_mtime == after.st_mtime,
	       "lower/a.txt was modified");
	expect(!exists("upper/run.sh"), "an untouched file was copied up");
	expect_ok(ovl_umount("merged"), "ovl_umount");
	expect(!is_overlay("merged"), "merged is still mounted");
	expect(!exists("merged/a.txt"), "merged still shows the layers");
}

START_TEST(mount_write_copies_up)
{
	in_sandbox(write_copies_up);
}
END_TEST

/* chmod alone copies the whole file up. */
static void chmod_copies_up(void)
{
	struct stat st;

	mount_image();
	expect(chmod("merged/run.sh", 0755) == 0, "chmod: %s", strerror(errno));
	expect(stat("upper/run.sh", &st) == 0, "chmod did not copy up");
	expect((st.st_mode & 0777) == 0755, "upper/run.sh has mode %o",
	       st.st_mode & 0777);
	expect_text("upper/run.sh", "echo hello\n");
	expect(stat("lower/run.sh", &st) == 0 && (st.st_mode & 0777) == 0644,
	       "lower/run.sh changed its mode");
}

START_TEST(mount_chmod_copies_up)
{
	in_sandbox(chmod_copies_up);
}
END_TEST

static void delete_leaves_whiteout(void)
{
	struct stat st;

	mount_image();
	expect(unlink("merged/gone.txt") == 0, "rm: %s", strerror(errno));
	expect(!exists("merged/gone.txt"), "merged/gone.txt is still there");
	expect_text("lower/gone.txt", "soon deleted\n");
	expect(lstat("upper/gone.txt", &st) == 0, "no whiteout in upper");
	expect(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0),
	       "upper/gone.txt is not a character device 0/0");
}

START_TEST(mount_delete_leaves_whiteout)
{
	in_sandbox(delete_leaves_whiteout);
}
END_TEST

static void rmdir_mkdir_makes_opaque(void)
{
	char value[8] = "";

	mount_image();
	expect(unlink("merged/dir/one") == 0, "rm: %s", strerror(errno));
	expect(rmdir("merged/dir") == 0, "rmdir: %s", strerror(errno));
	expect(mkdir("merged/dir", 0755) == 0, "mkdir: %s", strerror(errno));
	expect(getxattr("upper/dir", "trusted.overlay.opaque", value,
	                sizeof(value)) == 1 &&
	               value[0] == 'y',
	       "upper/dir is not opaque");
	expect(!exists("merged/dir/one"), "dir/one shows through");
	expect(exists("lower/dir/one"), "lower/dir/one was removed");
}

START_TEST(mount_rmdir_mkdir_makes_opaque)
{
	in_sandbox(rmdir_mkdir_makes_opaque);
}
END_TEST

static void mount_refuses(void)
{
	static char options[OVL_OPTIONS_MAX + 1];

	make_dirs((const char *const[]){ "merged", NULL });
	memset(options, 'x', OVL_OPTIONS_MAX);
	memcpy(options, "lowerdir=/", 10);
	expect_err(ovl_mount(options, "merged"), ENAMETOOLONG,
	           "ovl_mount with 4096 bytes of options");
	expect_err(ovl_mount("", "merged"), EINVAL, "ovl_mount with \"\"");
	expect(!is_overlay("merged"), "something was mounted");
	expect_err(ovl_umount("merged"), EINVAL, "ovl_umount of a plain dir");
}

START_TEST(mount_refuses_long_options)
{
	in_sandbox(mount_refuses);
}
END_TEST

/* ovl_prepare() makes upper and work, and refuses an upper on overlayfs
 * (what a container in a container meets) and a work dir elsewhere. */
static void prepare_checks(void)
{
	static const char *const lower[] = { "lower" };
	struct ovl_layers layers = { .lower = lower,
		                     .lower_count = 1,
		                     .upper = "new/upper",
		                     .work = "new/work" };
	struct stat st;

	make_dirs((const char *const[]){ "lower", "new", "other", "m", "u", "w",
	                                 NULL });
	expect_ok(ovl_prepare(&layers), "ovl_prepare");
	expect(stat("new/upper", &st) == 0 && S_ISDIR(st.st_mode),
	       "no upper directory");
	expect(stat("new/work", &st) == 0 && S_ISDIR(st.st_mode),
	       "no work directory");
	expect_ok(ovl_prepare(&layers), "ovl_prepare again");
	expect(mount("boxlab-test", "other", "tmpfs", 0, NULL) == 0, "tmpfs");
	layers.work = "other/work";
	expect_err(ovl_prepare(&layers), EXDEV, "work on another tmpfs");
	overlay("lower", "u", "w", "m");
	layers.upper = "m/upper";
	layers.work = "m/work";
	expect_err(ovl_prepare(&layers), EOPNOTSUPP, "an upper on overlayfs");
}

START_TEST(prepare_makes_dirs_and_refuses_bad_upper)
{
	in_sandbox(prepare_checks);
}
END_TEST

/* --- 7.3: making whiteouts and opaque directories ------------------------ */

static int open_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	expect(fd >= 0, "open %s: %s", path, strerror(errno));
	return fd;
}

static void whiteout_hides(void)
{
	struct stat st;
	int upper;

	image();
	upper = open_dir("upper");
	expect_ok(ovl_make_whiteout(upper, "a.txt"), "ovl_make_whiteout");
	expect(lstat("upper/a.txt", &st) == 0 && S_ISCHR(st.st_mode) &&
	               st.st_rdev == makedev(0, 0) && (st.st_mode & 07777) == 0,
	       "upper/a.txt is not a character device 0/0 with mode 0");
	expect_err(ovl_make_whiteout(upper, "a.txt"), EEXIST, "twice");
	close(upper);
	overlay("lower", "upper", "work", "merged");
	expect(!exists("merged/a.txt"), "the whiteout does not hide a.txt");
	expect_text("merged/run.sh", "echo hello\n");
}

START_TEST(whiteout_hides_lower_file)
{
	in_sandbox(whiteout_hides);
}
END_TEST

static void opaque_hides(void)
{
	char value[8] = "";
	int upper;

	image();
	make_dirs((const char *const[]){ "upper/dir", NULL });
	put("upper/dir/new", "new\n");
	upper = open_dir("upper");
	expect_ok(ovl_make_opaque(upper, "dir"), "ovl_make_opaque");
	close(upper);
	expect(getxattr("upper/dir", "trusted.overlay.opaque", value,
	                sizeof(value)) == 1 &&
	               value[0] == 'y',
	       "trusted.overlay.opaque is not \"y\"");
	overlay("lower", "upper", "work", "merged");
	expect(!exists("merged/dir/one"), "lower's dir/one shows through");
	expect_text("merged/dir/new", "new\n");
}

START_TEST(opaque_hides_lower_dir)
{
	in_sandbox(opaque_hides);
}
END_TEST

static void make_refuses(void)
{
	int dir;

	make_dirs((const char *const[]){ "d", "d/sub", NULL });
	put("d/file", "x");
	expect(symlink("sub", "d/link") == 0, "symlink");
	dir = open_dir("d");
	expect_err(ovl_make_opaque(dir, "file"), ENOTDIR, "a file");
	expect_err(ovl_make_opaque(dir, "link"), ENOTDIR, "a symbolic link");
	expect_err(ovl_make_opaque(dir, "none"), ENOENT, "a missing dir");
	expect_err(ovl_make_whiteout(dir, "sub"), EEXIST, "over a dir");
	expect(!exists("d/none"), "something was made");
	close(dir);
}

START_TEST(make_refuses_wrong_entries)
{
	in_sandbox(make_refuses);
}
END_TEST

/* --- 7.4: which layer? --------------------------------------------------- */

/* Three lower layers and an upper, with whiteouts and opaque directories
 * at several depths:
 *	upper:  f (file), gone (whiteout), d/ (dir), o/ (opaque), o/x
 *	l1:     f, d/a, d/w (whiteout), n/ (dir), n/deep/ (opaque), n/deep/y
 *	l2:     gone, d/b, d/w, o/hidden, n/deep/z, n/file, file/
 *	l3:     d/c, n/ (file: below a directory, it is not seen), only
 */
static void lookup_tree(void)
{
	make_dirs((const char *const[]){ "u", "u/d", "u/o", "l1", "l1/d",
	                                 "l1/n", "l1/n/deep", "l2", "l2/d",
	                                 "l2/o", "l2/n", "l2/n/deep", "l2/file",
	                                 "l3", "l3/d", NULL });
	put("u/f", "u");
	whiteout("u/gone");
	opaque("u/o");
	put("u/o/x", "u");
	put("l1/f", "1");
	put("l1/d/a", "1");
	whiteout("l1/d/w");
	opaque("l1/n/deep");
	put("l1/n/deep/y", "1");
	put("l2/gone", "2");
	put("l2/d/b", "2");
	put("l2/d/w", "2");
	put("l2/o/hidden", "2");
	put("l2/n/deep/z", "2");
	put("l2/n/file", "2");
	put("l3/d/c", "3");
	put("l3/n", "3");
	put("l3/only", "3");
}

static const char *const lookup_lowers[] = { "l1", "l2", "l3" };
static const struct ovl_layers lookup_layers = {
	.lower = lookup_lowers,
	.lower_count = 3,
	.upper = "u",
	.work = "w",
};

static void expect_layer(const char *path, int expected)
{
	int layer = -1, ret;

	ret = ovl_lookup(&lookup_layers, path, &layer);
	if (expected < 0) {
		expect_err(ret, -expected, path);
		return;
	}
	expect_ok(ret, path);
	expect(layer == expected, "%s: expected layer %d, got %d", path,
	       expected, layer);
}

static void lookup_layers_check(void)
{
	lookup_tree();
	expect_layer("f", 0);
	expect_layer("only", 3);
	expect_layer("d", 0);
	expect_layer("d/a", 1);
	expect_layer("d/b", 2);
	expect_layer("d//c", 3);
	expect_layer("o/x", 0);
	expect_layer("n", 1);
	expect_layer("n/file", 2);
	expect_layer("n/deep/y", 1);
	expect_layer("", 0);
	expect_layer("gone", -ENOENT);
	expect_layer("d/w", -ENOENT);
	expect_layer("o/hidden", -ENOENT);
	expect_layer("n/deep/z", -ENOENT);
	expect_layer("nothing", -ENOENT);
	expect_layer("f/x", -ENOTDIR);
}

START_TEST(lookup_through_whiteouts_and_opaque_dirs)
{
	in_sandbox(lookup_layers_check);
}
END_TEST

/* The same tree through the kernel: every path the lookup finds shows in
 * merged with the content of that layer's file, and every path it does
 * not find is not there. */
static void lookup_agrees(void)
{
	static const char *const paths[] = { "f",      "only",     "d/a",
		                             "d/b",    "d/c",      "o/x",
		                             "n/file", "n/deep/y", "gone",
		                             "d/w",    "o/hidden", "n/deep/z",
		                             NULL };
	static const char *const names[] = { "u", "l1", "l2", "l3" };
	const char *const *path;
	char merged[64], layer_path[64];
	int layer, ret;

	lookup_tree();
	make_dirs((const char *const[]){ "w", "m", NULL });
	overlay("l1:l2:l3", "u", "w", "m");
	for (path = paths; *path; path++) {
		snprintf(merged, sizeof(merged), "m/%s", *path);
		ret = ovl_lookup(&lookup_layers, *path, &layer);
		if (ret == -ENOENT) {
			expect(!exists(merged), "%s: the kernel shows it",
			       *path);
			continue;
		}
		expect_ok(ret, *path);
		snprintf(layer_path, sizeof(layer_path), "%s/%s", names[layer],
		         *path);
		expect_text(merged, get(layer_path));
	}
}

START_TEST(lookup_agrees_with_the_kernel)
{
	in_sandbox(lookup_agrees);
}
END_TEST

/* The seed's two cases, on this kernel: A changed in the image under a
 * live mount. Untouched by the container, A comes from the image, and
 * the container sees the change; copied up, it comes from the upper
 * layer, and the container keeps its own copy. */
static void seed_cases(void)
{
	static const char *const lower[] = { "lower" };
	const struct ovl_layers layers = { .lower = lower,
		                           .lower_count = 1,
		                           .upper = "upper",
		                           .work = "work" };
	int layer = -1;

	image();
	put("lower/B", "version 1 of B\n");
	overlay("lower", "upper", "work", "merged");
	expect_text("merged/A", "version 1 of A\n");
	put("lower/A", "version 2 of A\n");
	expect_ok(ovl_lookup(&layers, "A", &layer), "ovl_lookup A");
	expect(layer == 1, "A: expected the image's layer (1), got %d", layer);
	expect_text("merged/A", "version 2 of A\n");

	append("merged/B", "changed\n");
	put("lower/B", "version 2 of B\n");
	expect_ok(ovl_lookup(&layers, "B", &layer), "ovl_lookup B");
	expect(layer == 0, "B: expected the upper layer (0), got %d", layer);
	expect_text("merged/B", "version 1 of B\nchanged\n");
}

START_TEST(lookup_the_seed_cases)
{
	in_sandbox(seed_cases);
}
END_TEST

/* --- 7.5: docker diff ---------------------------------------------------- */

/* Collect the changes as "A path\n" lines. */
static int collect(enum ovl_change change, const char *path, void *data)
{
	char *text = data;
	size_t len = strlen(text);

	snprintf(text + len, 4096 - len, "%c %s\n", change, path);
	return 0;
}

static void expect_diff(const char *upper, const char *lower,
                        const char *expected)
{
	char text[4096] = "";

	expect_ok(ovl_diff(upper, lower, collect, text), "ovl_diff");
	expect(strcmp(text, expected) == 0, "diff: expected\n%sgot\n%s",
	       expected, text);
}

/* A fixture tree: nested whiteouts, a new directory, an opaque directory
 * that hides some of the lower one's names and makes one again. */
static void diff_tree(void)
{
	make_dirs((const char *const[]){ "l", "l/etc", "l/etc/ssl", "l/opt",
	                                 "l/opt/app", "l/var", "u", "u/etc",
	                                 "u/etc/ssl", "u/new", "u/new/sub",
	                                 "u/opt", "u/opt/app", NULL });
	put("l/etc/hosts", "1");
	put("l/etc/ssl/cert", "1");
	put("l/etc/ssl/key", "1");
	put("l/opt/app/bin", "1");
	put("l/opt/app/lib", "1");
	put("l/opt/keep", "1");
	put("l/z", "1");
	put("u/etc/hosts", "2");
	whiteout("u/etc/ssl/key");
	put("u/etc/ssl/new", "2");
	put("u/new/sub/f", "2");
	opaque("u/opt/app");
	put("u/opt/app/lib", "2");
	put("u/opt/app/man", "2");
	whiteout("u/z");
}

static void diff_fixture(void)
{
	diff_tree();
	expect_diff("u", "l",
	            "C etc\n"
	            "C etc/hosts\n"
	            "C etc/ssl\n"
	            "D etc/ssl/key\n"
	            "A etc/ssl/new\n"
	            "A new\n"
	            "A new/sub\n"
	            "A new/sub/f\n"
	            "C opt\n"
	            "C opt/app\n"
	            "D opt/app/bin\n"
	            "C opt/app/lib\n"
	            "A opt/app/man\n"
	            "D z\n");
}

START_TEST(diff_nested_whiteouts_and_opaque)
{
	in_sandbox(diff_fixture);
}
END_TEST

/* Under an opaque directory, deeper directories hide their lower content
 * too; symbolic links are reported, never followed. */
static void diff_deep(void)
{
	make_dirs((const char *const[]){ "l", "l/a", "l/a/b", "u", "u/a",
	                                 "u/a/b", "u/c", NULL });
	put("l/a/b/old", "1");
	put("l/a/b/same", "1");
	opaque("u/a");
	put("u/a/b/same", "2");
	expect(symlink("/etc", "u/c/etc") == 0, "symlink");
	expect_diff("u", "l",
	            "C a\n"
	            "C a/b\n"
	            "D a/b/old\n"
	            "C a/b/same\n"
	            "A c\n"
	            "A c/etc\n");
	expect_err(ovl_diff("nothing", "l", collect, (char[4096]){ 0 }), ENOENT,
	           "ovl_diff of a missing upper");
}

START_TEST(diff_under_opaque_dirs_and_links)
{
	in_sandbox(diff_deep);
}
END_TEST

/* The changes made through a real mount, read back as docker diff does,
 * with two lower layers seen through a read-only overlay of them. */
static void diff_real(void)
{
	make_dirs((const char *const[]){ "l1", "l2", "l2/dir", "upper", "work",
	                                 "merged", "view", NULL });
	put("l1/a.txt", "1");
	put("l2/run.sh", "2");
	put("l2/gone", "2");
	put("l2/dir/one", "2");
	overlay("l1:l2", "upper", "work", "merged");
	overlay("l1:l2", NULL, NULL, "view");
	append("merged/a.txt", "changed");
	expect(chmod("merged/run.sh", 0700) == 0, "chmod");
	expect(unlink("merged/gone") == 0, "rm");
	expect(unlink("merged/dir/one") == 0 && rmdir("merged/dir") == 0 &&
	               mkdir("merged/dir", 0755) == 0,
	       "rm -r dir; mkdir dir");
	put("merged/dir/two", "new");
	put("merged/added", "new");
	expect_diff("upper", "view",
	            "C a.txt\n"
	            "A added\n"
	            "C dir\n"
	            "D dir/one\n"
	            "A dir/two\n"
	            "D gone\n"
	            "C run.sh\n");
}

START_TEST(diff_of_a_real_container)
{
	in_sandbox(diff_real);
}
END_TEST

/* --- 7.6: the new mount API (challenge) ---------------------------------- */

/* lowerdir+ came in Linux 6.8. */
static void needs_lowerdir_plus(void)
{
	struct utsname name;
	int major = 0, minor = 0;

	ck_assert_int_eq(uname(&name), 0);
	sscanf(name.release, "%d.%d", &major, &minor);
	if (major < 6 || (major == 6 && minor < 8))
		test_skip("needs Linux 6.8 (lowerdir+)");
}

/* 100 layers with Docker-long paths: far beyond the page of mount(2). */
static void many_layers(void)
{
	static char paths[100][96];
	const char *lower[100];
	const struct ovl_layers layers = { .lower = lower,
		                           .lower_count = 100,
		                           .upper = "upper",
		                           .work = "work" };
	char path[160], error[256];
	int i;

	make_dirs((const char *const[]){ "upper", "work", "merged", NULL });
	for (i = 0; i < 100; i++) {
		snprintf(paths[i], sizeof(paths[i]), "layer-%064x", i);
		lower[i] = paths[i];
		make_dirs((const char *const[]){ paths[i], NULL });
		snprintf(path, sizeof(path), "%.96s/f%d", paths[i], i);
		put(path, paths[i]);
		snprintf(path, sizeof(path), "%.96s/top", paths[i]);
		put(path, paths[i]);
	}
	expect_ok(ovl_mount_layers(&layers, "merged", error, sizeof(error)),
	          "ovl_mount_layers");
	expect_text("merged/f0", paths[0]);
	expect_text("merged/f99", paths[99]);
	expect_text("merged/top", paths[0]);
	put("merged/new", "x");
	expect_text("upper/new", "x");
}

START_TEST(mount_layers_beyond_the_page)
{
	needs_lowerdir_plus();
	in_sandbox(many_layers);
}
END_TEST

/* The kernel's own reason, from the fs context's log: one layer too many
 * (the same directory 501 times: the count is checked first). */
static void kernel_message(void)
{
	static const char *lower[OVL_MAX_LAYERS + 1];
	const struct ovl_layers layers = { .lower = lower,
		                           .lower_count = OVL_MAX_LAYERS + 1 };
	char error[256] = "x";
	int i, ret;

	make_dirs((const char *const[]){ "lower", "merged", NULL });
	for (i = 0; i <= OVL_MAX_LAYERS; i++)
		lower[i] = "lower";
	ret = ovl_mount_layers(&layers, "merged", error, sizeof(error));
	expect_err(ret, EINVAL, "501 lower layers");
	expect(strstr(error, "too many lower directories"),
	       "not the kernel's message: \"%s\"", error);
	expect(!is_overlay("merged"), "something was mounted");
}

START_TEST(mount_layers_reports_the_kernel_message)
{
	needs_lowerdir_plus();
	in_sandbox(kernel_message);
}
END_TEST

const struct graded_test ovl_tests[] = {
	GRADED("7.1", options_in_layer_order),
	GRADED("7.1", options_escape_separators),
	GRADED("7.1", options_refuse_bad_layers),
	GRADED("7.1", options_refuse_too_long),
	GRADED("7.1", options_too_many_layers),
	GRADED("7.1", options_escaped_paths_mount),
	GRADED("7.2", mount_write_copies_up),
	GRADED("7.2", mount_chmod_copies_up),
	GRADED("7.2", mount_delete_leaves_whiteout),
	GRADED("7.2", mount_rmdir_mkdir_makes_opaque),
	GRADED("7.2", mount_refuses_long_options),
	GRADED("7.2", prepare_makes_dirs_and_refuses_bad_upper),
	GRADED("7.3", whiteout_hides_lower_file),
	GRADED("7.3", opaque_hides_lower_dir),
	GRADED("7.3", make_refuses_wrong_entries),
	GRADED("7.4", lookup_through_whiteouts_and_opaque_dirs),
	GRADED("7.4", lookup_agrees_with_the_kernel),
	GRADED("7.4", lookup_the_seed_cases),
	GRADED("7.5", diff_nested_whiteouts_and_opaque),
	GRADED("7.5", diff_under_opaque_dirs_and_links),
	GRADED("7.5", diff_of_a_real_container),
	GRADED("7.6", mount_layers_beyond_the_page),
	GRADED("7.6", mount_layers_reports_the_kernel_message),
	{ 0 },
};
