/* test_build.c - a RUN step (8.7): a container on a fresh layer. The
 * store is laid out by the test: a base layer holding a busybox root
 * (testroot.h) and an empty layer on it, with their link and lower files
 * written here, so that only 8.7's code is under test.
 */
#include "build.h"
#include "harness.h"
#include "store.h"
#include "testroot.h"

#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define BASE_LINK "BASEBASEBASEBASEBASEBASE00"

static char *const path_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

/* A store with layer "base" (a busybox root) and layer "new" on it. */
static void make_store(struct store *store)
{
	char path[PATH_MAX], diff[PATH_MAX * 2];
	const char *root;

	test_needs_root();
	root = testroot_make();
	ck_assert_int_eq(store_open(test_tmpdir(), store), 0);
	ck_assert_int_eq(mkdirat(store->overlay_fd, "base", 0700), 0);
	snprintf(diff, sizeof(diff), "%s/overlay2/base/diff", store->root);
	ck_assert_msg(rename(root, diff) == 0, "move %s to %s: %s", root, diff,
	              strerror(errno));
	ck_assert_int_eq(file_replace(store->overlay_fd, "base/link", BASE_LINK,
	                              strlen(BASE_LINK), 0644),
	                 0);
	ck_assert_int_eq(
	        symlinkat("../base/diff", store->overlay_fd, "l/" BASE_LINK),
	        0);
	ck_assert_int_eq(mkdirat(store->overlay_fd, "new", 0700), 0);
	ck_assert_int_eq(mkdirat(store->overlay_fd, "new/diff", 0755), 0);
	ck_assert_int_eq(mkdirat(store->overlay_fd, "new/work", 0700), 0);
	snprintf(path, sizeof(path), "l/%s", BASE_LINK);
	ck_assert_int_eq(file_replace(store->overlay_fd, "new/lower", path,
	                              strlen(path), 0644),
	                 0);
}

static void run_ok(const struct store *store, const struct build_base *base,
                   const char *script)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	int status = 0;

	ck_assert_ok(build_run(store, base, "new", argv, &status),
	             "build_run()");
}

/* The seed's step: RUN mkdir /data changes only the new layer; a file
 * deleted is a whiteout there; the base is as it was; nothing is left
 * mounted. */
START_TEST(run_lands_in_the_new_layer)
{
	struct build_base base = { .env = path_env, .workdir = "/" };
	struct store store;
	struct statfs fs;
	struct stat st;

	make_store(&store);
	run_ok(&store, &base, "mkdir /data && rm /bin/true");
	ck_assert_int_eq(fstatat(store.overlay_fd, "new/diff/data", &st, 0), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(fstatat(store.overlay_fd, "new/diff/bin/true", &st,
	                         AT_SYMLINK_NOFOLLOW),
	                 0);
	ck_assert_msg(S_ISCHR(st.st_mode) && st.st_rdev == 0,
	              "bin/true in the new layer is not a whiteout");
	ck_assert_int_eq(fstatat(store.overlay_fd, "base/diff/bin/true", &st,
	                         AT_SYMLINK_NOFOLLOW),
	                 0);
	ck_assert_int_ne(fstatat(store.overlay_fd, "base/diff/data", &st, 0),
	                 0);
	ck_assert_int_eq(fstatat(store.overlay_fd, "new/merged", &st, 0), 0);
	ck_assert_int_eq(statfs(store.root, &fs), 0);
	{
		char merged[PATH_MAX * 2];
		struct statfs m;

		snprintf(merged, sizeof(merged), "%s/overlay2/new/merged",
		         store.root);
		ck_assert_int_eq(statfs(merged, &m), 0);
		ck_assert_msg(m.f_type != OVERLAYFS_SUPER_MAGIC,
		              "an overlay is still mounted on %s", merged);
	}
	store_close(&store);
}
END_TEST

START_TEST(run_reports_a_failing_command)
{
	struct build_base base = { .env = path_env, .workdir = "/" };
	char *argv[] = { "/bin/sh", "-c", "exit 3", NULL };
	struct store store;
	int status = 0;

	make_store(&store);
	ck_assert_err(build_run(&store, &base, "new", argv, &status),
	              -ECANCELED, "build_run(exit 3)");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 3,
	              "expected the wait status of exit 3, got 0x%x", status);
	store_close(&store);
}
END_TEST

/* The image's environment, working directory and user, and no network
 * but lo. */
START_TEST(run_takes_env_workdir_and_user)
{
	char *const env[] = { "PATH=/bin", "GREETING=hello", NULL };
	struct build_base base = {
		.env = env, .workdir = "/work", .uid = 1234, .gid = 1234
	};
	struct store store;
	char *text;

	make_store(&store);
	run_ok(&store, &base,
	       "{ echo $GREETING; pwd; id -u; id -g; "
	       "grep -c : /proc/net/dev; } > /tmp/out");
	ck_assert_int_eq(file_read_all(store.overlay_fd, "new/diff/tmp/out",
	                               &text, NULL),
	                 0);
	/* /proc/net/dev: two header lines, then lo alone. */
	ck_assert_str_eq(text, "hello\n/work\n1234\n1234\n1\n");
	free(text);
	store_close(&store);
}
END_TEST

const struct graded_test build_tests[] = {
	GRADED("8.7", run_lands_in_the_new_layer),
	GRADED("8.7", run_reports_a_failing_command),
	GRADED("8.7", run_takes_env_workdir_and_user),
	{ 0 },
};
