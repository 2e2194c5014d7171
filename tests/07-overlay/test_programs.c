/* test_programs.c - cowdemo, run as a user would. It needs every
 * exercise of the chapter, so it carries no points; it must pass for the
 * solutions. cowdemo mounts in a namespace of its own: the runner checks
 * that the test's mount table is the same after it.
 */
#include "harness.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

const struct graded_test programs_tests[] = {
	PROGRAM(cowdemo_shows_every_step),
	PROGRAM(cowdemo_runs_one_step_verbose),
	PROGRAM(cowdemo_cleans_up_after_ctrl_c),
	PROGRAM(cowdemo_rejects_bad_input),
	{ 0 },
};
