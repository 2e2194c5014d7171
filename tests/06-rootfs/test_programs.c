/* test_programs.c - enterfs and escape, run as a user would. They need
 * every exercise of the chapter, so they carry no points; they must pass
 * for the solutions.
 */
#include "harness.h"
#include "testroot.h"

#include "file.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A file only the host has, with a token of this run in it; its path in
 * a static buffer. */
static const char *host_marker(void)
{
	static char path[PATH_MAX];
	char token[64];

	snprintf(path, sizeof(path), "%s/host-marker", test_tmpdir());
	snprintf(token, sizeof(token), "host token %d\n", (int)getpid());
	testroot_write(path, token);
	return path;
}

static char *mountinfo_now(void)
{
	char *text;

	ck_assert_int_eq(
	        file_read_all(AT_FDCWD, "/proc/self/mountinfo", &text, NULL),
	        0);
	return text;
}

START_TEST(enterfs_shows_the_rootfs_not_the_host)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "enterfs", testroot_make(), "--", "ls", "/");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "bin\ndev\netc\nproc\nroot\nsys\ntmp\n");
	test_run_free(&r);
}
END_TEST

START_TEST(enterfs_runs_a_container_in_its_namespaces)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "enterfs", "--hostname", "boxlab-fs", testroot_make(),
	         "--", "sh", "-c",
	         "echo $$; hostname; cat /etc/hostname; "
	         "ls /proc | grep -c '^[0-9]'");
	test_assert_exit(&r, 0);
	/* sh is PID 1; /proc shows it, ls and maybe grep: no host PID. */
	ck_assert_msg(!strncmp(r.out, "1\nboxlab-fs\ninside\n", 19) &&
	                      (!strcmp(r.out + 19, "2\n") ||
	                       !strcmp(r.out + 19, "3\n")),
	              "expected PID 1, the host name, the rootfs's "
	              "etc/hostname, 2 or 3 processes; got:\n%s",
	              r.out);
	test_run_free(&r);
}
END_TEST

START_TEST(enterfs_dev_works_and_shows_no_disk)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "enterfs", testroot_make(), "--", "sh", "-c",
	         "ls /dev | tr '\\n' ' '; echo; "
	         "head -c 16 /dev/urandom | wc -c; "
	         "echo gone > /dev/null && echo null ok");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "fd full mqueue null ptmx pts random shm "
	                        "stderr stdin stdout tty urandom zero \n"
	                        "16\nnull ok\n");
	test_run_free(&r);
}
END_TEST

/* /sys is read-only always; / with --readonly; /tmp stays writable. */
START_TEST(enterfs_readonly_refuses_writes_but_in_tmp)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "enterfs", "--readonly", testroot_make(), "--", "sh", "-c",
	         "touch /new 2>&1; touch /sys/new 2>&1; "
	         "touch /tmp/new && echo tmp ok");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "touch: /new: Read-only file system\n"
	                        "touch: /sys/new: Read-only file system\n"
	                        "tmp ok\n");
	test_run_free(&r);
}
END_TEST

START_TEST(enterfs_without_readonly_root_is_writable)
{
	char path[PATH_MAX];
	struct run_result r;
	const char *root;

	test_needs_root();
	root = testroot_make();
	TEST_RUN(&r, "enterfs", root, "--", "sh", "-c",
	         "echo written > /new && touch /sys/new");
	ck_assert_int_ne(test_exit_status(&r), 0);
	ck_assert_msg(strstr(r.err, "/sys/new: Read-only file system"),
	              "expected /sys to refuse the write, got: %s", r.err);
	snprintf(path, sizeof(path), "%s/new", root);
	ck_assert_int_eq(access(path, F_OK), 0);
	test_run_free(&r);
}
END_TEST

/* The escape reaches the host's file from a chroot... */
START_TEST(escape_leaves_a_chroot)
{
	const char *root, *marker;
	struct run_result r;
	char *token;

	test_needs_root();
	root = testroot_make();
	testroot_add_program(root, "escape");
	marker = host_marker();
	ck_assert_int_eq(file_read_all(AT_FDCWD, marker, &token, NULL), 0);
	token[strcspn(token, "\n")] = '\0';
	TEST_RUN(&r, "enterfs", "--chroot", root, "--", "/bin/escape", marker);
	test_assert_exit(&r, 0);
	ck_assert_msg(
	        strstr(r.out, token) && strstr(r.out, "out: the host's root is "
	                                              "reachable"),
	        "expected the host's token \"%s\", got:\n%s", token, r.out);
	free(token);
	test_run_free(&r);
}
END_TEST

/* ... and not after pivot_root, even with a directory fd of the host's
 * left open by the caller (fd 7, not close-on-exec). */
START_TEST(escape_stays_inside_after_pivot_root)
{
	char script[PATH_MAX * 3];
	const char *root, *marker;
	struct run_result r;

	test_needs_root();
	root = testroot_make();
	testroot_add_program(root, "escape");
	marker = host_marker();
	snprintf(script, sizeof(script), "exec 7< /; exec %s %s -- %s %s",
	         test_program("enterfs"), root, "/bin/escape", marker);
	test_run((char *const[]){ "/bin/sh", "-c", script, NULL }, &r);
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.out, "inherited directory fds: none") &&
	                      strstr(r.out, "contained: no way out") &&
	                      !strstr(r.out, "host token"),
	              "expected no fd and no way out, got:\n%s", r.out);
	test_run_free(&r);
}
END_TEST

/* The host's mount table, as this test's namespace shows it, is the same
 * byte for byte after a container was killed in the middle of its life. */
START_TEST(enterfs_killed_leaves_no_mount)
{
	char *before, *after;
	struct run_result r;
	struct running run;
	const char *root;

	test_needs_root();
	root = testroot_make();
	before = mountinfo_now();
	test_start((char *const[]){ (char *)test_program("enterfs"),
	                            (char *)root, "--", "sh", "-c",
	                            "echo ready; exec cat", NULL },
	           &run);
	test_wait_for_line(run.out_fd, "ready");
	ck_assert_int_eq(kill(run.pid, SIGKILL), 0);
	test_finish(&run, &r);
	ck_assert(WIFSIGNALED(r.status));
	after = mountinfo_now();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	test_run_free(&r);
}
END_TEST

/* --init: miniinit, static, from the host, is PID 1 in the new root. */
START_TEST(enterfs_init_is_pid_1)
{
	struct run_result r;
	const char *root;

	test_needs_root();
	root = testroot_make();
	testroot_add_program(root, "miniinit"); /* (its libraries, if any) */
	TEST_RUN(&r, "enterfs", "--init", root, "--", "sh", "-c",
	         "echo $$; cat /proc/1/comm");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "2\nminiinit\n");
	test_run_free(&r);
}
END_TEST

START_TEST(enterfs_verbose_names_each_step)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "enterfs", "-v", "--readonly", testroot_make(), "--",
	         "true");
	test_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.err, "bind-mounted onto itself") &&
	                      strstr(r.err, "(sysfs, ro)") &&
	                      strstr(r.err, "a tmpfs on") &&
	                      strstr(r.err, "read-only") &&
	                      strstr(r.err, "pivot_root to"),
	              "missing steps in:\n%s", r.err);
	test_run_free(&r);
}
END_TEST

START_TEST(enterfs_rejects_bad_input)
{
	char file[PATH_MAX];
	struct run_result r;
	const char *root;

	test_needs_root();
	root = testroot_make();
	snprintf(file, sizeof(file), "%s/bin/busybox", root);

	TEST_RUN(&r, "enterfs", "/nonexistent/rootfs", "--", "true");
	test_assert_exit(&r, 1);
	ck_assert_str_eq(r.err, "enterfs: root file system "
	                        "/nonexistent/rootfs: No such file or "
	                        "directory\n");
	test_run_free(&r);

	TEST_RUN(&r, "enterfs", file, "--", "true");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "not a directory") &&
	                      !strchr(r.err, '\n')[1],
	              "%s", r.err);
	test_run_free(&r);

	TEST_RUN(&r, "enterfs", root);
	test_assert_exit(&r, 2);
	ck_assert_msg(strstr(r.err, "no command to run"), "%s", r.err);
	test_run_free(&r);

	TEST_RUN(&r, "enterfs", "--chroot");
	test_assert_exit(&r, 2);
	ck_assert_msg(strstr(r.err, "no root file system given"), "%s", r.err);
	test_run_free(&r);

	TEST_RUN(&r, "enterfs", root, "--", "nosuch");
	test_assert_exit(&r, 127);
	ck_assert_str_eq(r.err, "enterfs: nosuch: command not found\n");
	test_run_free(&r);
}
END_TEST

START_TEST(escape_rejects_bad_input)
{
	struct run_result r;

	test_run_program(&r, "escape", (const char *const[]){ NULL });
	test_assert_exit(&r, 2);
	test_run_free(&r);
	TEST_RUN(&r, "escape", "relative/path");
	test_assert_exit(&r, 2);
	ck_assert_msg(strstr(r.err, "absolute"), "%s", r.err);
	test_run_free(&r);
	/* A file this root can see is no proof of anything. */
	TEST_RUN(&r, "escape", "/proc/self/stat");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "visible already"), "%s", r.err);
	test_run_free(&r);
}
END_TEST

/* inroot shows the naive path leaving the root and the resolved one
 * staying inside. */
START_TEST(inroot_shows_both_resolutions)
{
	char link[PATH_MAX], expected[PATH_MAX * 3];
	const char *root, *marker;
	struct run_result r;

	root = testroot_make();
	marker = host_marker();
	snprintf(link, sizeof(link), "%s/etc/motd", root);
	ck_assert_int_eq(symlink(marker, link), 0);
	TEST_RUN(&r, "inroot", root, "etc/motd", "../etc/hostname");
	test_assert_exit(&r, 1);
	snprintf(expected, sizeof(expected),
	         "etc/motd\n  naive:   %s\n  in root: No such file or "
	         "directory\n../etc/hostname\n  naive:   No such file or "
	         "directory\n  in root: %s/etc/hostname\n",
	         marker, root);
	ck_assert_str_eq(r.out, expected);
	test_run_free(&r);
}
END_TEST

const struct graded_test programs_tests[] = {
	PROGRAM(inroot_shows_both_resolutions),
	PROGRAM(enterfs_shows_the_rootfs_not_the_host),
	PROGRAM(enterfs_runs_a_container_in_its_namespaces),
	PROGRAM(enterfs_dev_works_and_shows_no_disk),
	PROGRAM(enterfs_readonly_refuses_writes_but_in_tmp),
	PROGRAM(enterfs_without_readonly_root_is_writable),
	PROGRAM(escape_leaves_a_chroot),
	PROGRAM(escape_stays_inside_after_pivot_root),
	PROGRAM(enterfs_killed_leaves_no_mount),
	PROGRAM(enterfs_init_is_pid_1),
	PROGRAM(enterfs_verbose_names_each_step),
	PROGRAM(enterfs_rejects_bad_input),
	PROGRAM(escape_rejects_bad_input),
	{ 0 },
};
