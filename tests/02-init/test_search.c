/* test_search.c - exercise 2.6: the kernel's search for init.
 *
 * tests/fixtures/rootfs-init/ holds small root filesystems: one shaped
 * like busybox (/sbin/init -> /bin/busybox), one with only /bin/sh, one
 * whose /sbin/init is not executable, one whose /sbin/init is a directory,
 * an empty one, and "escape", whose links point at the host's /bin/true.
 */
#include "harness.h"

#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int open_rootfs(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "rootfs-init/%s", name);
	return test_open_fixture(path);
}

/* init_probe(ROOTFS, PATH) must return EXPECTED. */
static void expect_probe(const char *rootfs, const char *path, int expected)
{
	int root_fd = open_rootfs(rootfs);
	char what[256];
	int ret;

	ret = init_probe(root_fd, path);
	close(root_fd);
	snprintf(what, sizeof(what), "init_probe(%s, %s)", rootfs, path);
	ck_assert_err(ret, expected, what);
}

START_TEST(probe_accepts_executables)
{
	expect_probe("busybox-like", "/bin/busybox", 0);
	expect_probe("sh-only", "/bin/sh", 0);
	expect_probe("etc-init", "/etc/init", 0);
}
END_TEST

/* /sbin/init -> /bin/busybox must mean ROOTFS/bin/busybox. */
START_TEST(probe_follows_links_inside_root)
{
	expect_probe("busybox-like", "/sbin/init", 0);
	expect_probe("busybox-like", "/bin/sh", 0);
}
END_TEST

START_TEST(probe_rejects_what_cannot_run)
{
	expect_probe("etc-init", "/sbin/init", -EACCES);
	expect_probe("dir-init", "/sbin/init", -EACCES);
	expect_probe("empty", "/sbin/init", -ENOENT);
	expect_probe("sh-only", "/sbin/init", -ENOENT);
}
END_TEST

/* The host has /bin/true; the root filesystem does not. A probe that
 * follows the links on the host would say yes. */
START_TEST(probe_never_leaves_root)
{
	ck_assert_int_eq(access("/bin/true", X_OK), 0);
	expect_probe("escape", "/sbin/init", -ENOENT);
	expect_probe("escape", "/bin/init", -ENOENT);
	expect_probe("escape", "/../../../../bin/true", -ENOENT);
}
END_TEST

/* The kernel's order, through init_search(), which uses init_probe(). */
START_TEST(search_follows_kernel_order)
{
	static const struct {
		const char *rootfs, *override, *expected;
	} cases[] = {
		{ "busybox-like", NULL, "/sbin/init" },
		{ "etc-init", NULL, "/etc/init" },
		{ "sh-only", NULL, "/bin/sh" },
		{ "busybox-like", "/bin/sh", "/bin/sh" },
		{ "sh-only", "/sbin/init", NULL }, /* init= failed: panic */
		{ "empty", NULL, NULL },
		{ "escape", NULL, NULL },
	};
	const char *chosen;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fd = open_rootfs(cases[i].rootfs);
		chosen = init_search(fd, cases[i].override);
		close(fd);
		test_assert_no_stub();
		ck_assert_msg((!chosen && !cases[i].expected) ||
		                      (chosen && cases[i].expected &&
		                       !strcmp(chosen, cases[i].expected)),
		              "%s (init=%s): expected %s, got %s",
		              cases[i].rootfs,
		              cases[i].override ? cases[i].override : "none",
		              cases[i].expected ? cases[i].expected : "none",
		              chosen ? chosen : "none");
	}
}
END_TEST

const struct graded_test search_tests[] = {
	GRADED("2.6", probe_accepts_executables),
	GRADED("2.6", probe_follows_links_inside_root),
	GRADED("2.6", probe_rejects_what_cannot_run),
	GRADED("2.6", probe_never_leaves_root),
	GRADED("2.6", search_follows_kernel_order),
	{ 0 },
};
