/* test_programs.c - cowdemo and ovlrun, run as a user would. It needs every
 * exercise of the chapter, so it carries no points; it must pass for the
 * solutions. cowdemo mounts in a namespace of its own: the runner checks
 * that the test's mount table is the same after it.
 */
#include "harness.h"
#include "testroot.h"

#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Is DIR empty: did cowdemo remove its scratch directory? */
static void expect_empty(const char *dir)
{
	struct dirent *entry;
	DIR *stream = opendir(dir);

	ck_assert_ptr_nonnull(stream);
	while ((entry = readdir(stream)) != NULL)
		ck_assert_msg(!strcmp(entry->d_name, ".") ||
		                      !strcmp(entry->d_name, ".."),
		              "cowdemo left %s/%s", dir, entry->d_name);
	closedir(stream);
}

static void expect_line(const char *out, const char *line)
{
	ck_assert_msg(strstr(out, line), "no line \"%s\" in:\n%s", line, out);
}

START_TEST(cowdemo_shows_every_step)
{
	const char *dir = test_tmpdir();
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "cowdemo", "--dir", dir);
	test_assert_exit(&r, 0);
	expect_line(r.out, "$ mount -t overlay overlay -o "
	                   "lowerdir=lower,upperdir=upper,workdir=work merged");
	expect_line(r.out, "0  whiteout\n  merged  gone.txt  (none)\n");
	expect_line(r.out, "60  opaque\n");
	expect_line(r.out, "15  \"version 2 of A\\n\"\n  upper   A         "
	                   "(none)\n");
	expect_line(r.out, "40  \"version 1 of B\\nchanged by the contai...\"");
	expect_line(r.out, "== diff: what `docker diff` would say, read off "
	                   "the upper layer\n"
	                   "  C /B\n  C /a.txt\n  C /dir\n  A /dir/new\n"
	                   "  D /dir/one\n  D /dir/two\n  D /gone.txt\n"
	                   "  C /run.sh\n");
	ck_assert_str_eq(r.err, "");
	test_run_free(&r);
	expect_empty(dir);
}
END_TEST

/* One step, with the upper layer's xattrs: the copied-up file carries
 * its origin. */
START_TEST(cowdemo_runs_one_step_verbose)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "cowdemo", "-v", "--step", "write");
	test_assert_exit(&r, 0);
	expect_line(r.out, "== write: ");
	expect_line(r.out, "  upper/a.txt  trusted.overlay.origin");
	ck_assert_ptr_null(strstr(r.out, "== chmod"));
	expect_line(r.out, "read off the upper layer\n  C /a.txt\n");
	test_run_free(&r);
}
END_TEST

START_TEST(cowdemo_cleans_up_after_ctrl_c)
{
	const char *dir = test_tmpdir();
	char *argv[] = { (char *)test_program("cowdemo"), "--dir", (char *)dir,
		         NULL };
	struct running running;
	struct run_result r;

	test_needs_root();
	test_start(argv, &running);
	test_wait_for_line(running.out_fd, "cowdemo: layers in");
	ck_assert_int_eq(kill(running.pid, SIGINT), 0);
	test_finish(&running, &r);
	ck_assert_msg(test_exit_status(&r) == 130 || test_exit_status(&r) == 0,
	              "unexpected status %#x: %s", r.status, r.err);
	test_run_free(&r);
	expect_empty(dir);
}
END_TEST

START_TEST(cowdemo_rejects_bad_input)
{
	static const struct {
		const char *args[3];
		int status;
		const char *message;
	} cases[] = {
		{ { "--dir", "/nonexistent/boxlab", NULL },
		  1,
		  "cowdemo: --dir /nonexistent/boxlab: No such file or "
		  "directory\n" },
		{ { "--step", "nope", NULL },
		  2,
		  "cowdemo: --step nope: no such step (try cowdemo --help)\n" },
		{ { "extra", NULL, NULL },
		  2,
		  "cowdemo: unexpected argument extra (try cowdemo --help)\n" },
		{ { "--dir", NULL, NULL },
		  2,
		  "cowdemo: option --dir needs an argument (try cowdemo "
		  "--help)\n" },
	};
	struct run_result r;
	size_t i;

	test_needs_root();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TEST_RUN(&r, "cowdemo", cases[i].args[0], cases[i].args[1],
		         cases[i].args[2]);
		test_assert_exit(&r, cases[i].status);
		ck_assert_str_eq(r.err, cases[i].message);
		test_run_free(&r);
	}
	TEST_RUN(&r, "cowdemo", "--help");
	test_assert_exit(&r, 0);
	expect_line(r.out, "usage: cowdemo");
	test_run_free(&r);
}
END_TEST

/* A container's changes, as docker diff shows them; the lower layer is
 * what it was, and nothing of the run is left. */
START_TEST(ovlrun_prints_the_diff_and_keeps_lowers)
{
	char path[PATH_MAX];
	struct run_result r;
	const char *root;

	test_needs_root();
	root = testroot_make();
	TEST_RUN(&r, "ovlrun", root, "--", "sh", "-c",
	         "mkdir /data && echo hi > /data/x && rm /bin/true && "
	         "echo more >> /etc/hostname && cat /etc/hostname");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "inside\nmore\n"
	                        "C /bin\nD /bin/true\nA /data\nA /data/x\n"
	                        "C /etc\nC /etc/hostname\n");
	snprintf(path, sizeof(path), "%s/bin/true", root);
	ck_assert_int_eq(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/data", root);
	ck_assert_int_ne(access(path, F_OK), 0);
	test_run_free(&r);
}
END_TEST

/* Two lowers, the first on top: the top one's file shows, a deletion of
 * it is a D, and --keep leaves the layer with a whiteout in it. */
START_TEST(ovlrun_stacks_lowers_and_keeps_the_layer)
{
	char top[PATH_MAX / 2], keep[PATH_MAX / 2], path[PATH_MAX];
	struct run_result r;
	struct stat st;
	const char *root;

	test_needs_root();
	root = testroot_make();
	snprintf(top, sizeof(top), "%s/top", test_tmpdir());
	snprintf(path, sizeof(path), "%s/etc", top);
	ck_assert_int_eq(mkdir(top, 0755), 0);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/hostname", top);
	testroot_write(path, "from the top layer\n");
	snprintf(keep, sizeof(keep), "%s/kept", test_tmpdir());
	TEST_RUN(&r, "ovlrun", "--keep", keep, top, root, "--", "sh", "-c",
	         "cat /etc/hostname; rm /etc/hostname");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "from the top layer\nC /etc\n"
	                        "D /etc/hostname\n");
	snprintf(path, sizeof(path), "%s/upper/etc/hostname", keep);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISCHR(st.st_mode) && st.st_rdev == 0);
	test_run_free(&r);
}
END_TEST

START_TEST(ovlrun_passes_the_exit_status_and_rejects_bad_input)
{
	struct run_result r;
	const char *root;

	test_needs_root();
	root = testroot_make();
	TEST_RUN(&r, "ovlrun", root, "--", "sh", "-c", "exit 3");
	test_assert_exit(&r, 3);
	test_run_free(&r);
	TEST_RUN(&r, "ovlrun", "/nonexistent", "--", "true");
	test_assert_exit(&r, 1);
	ck_assert_str_eq(r.err, "ovlrun: lower layer /nonexistent: No such "
	                        "file or directory\n");
	test_run_free(&r);
	TEST_RUN(&r, "ovlrun", root);
	test_assert_exit(&r, 2);
	expect_line(r.err, "no command to run");
	test_run_free(&r);
	TEST_RUN(&r, "ovlrun", "--", "true");
	test_assert_exit(&r, 2);
	expect_line(r.err, "no lower layer given");
	test_run_free(&r);
}
END_TEST

const struct graded_test programs_tests[] = {
	PROGRAM(ovlrun_prints_the_diff_and_keeps_lowers),
	PROGRAM(ovlrun_stacks_lowers_and_keeps_the_layer),
	PROGRAM(ovlrun_passes_the_exit_status_and_rejects_bad_input),
	PROGRAM(cowdemo_shows_every_step),
	PROGRAM(cowdemo_runs_one_step_verbose),
	PROGRAM(cowdemo_cleans_up_after_ctrl_c),
	PROGRAM(cowdemo_rejects_bad_input),
	{ 0 },
};
