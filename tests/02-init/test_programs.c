/* test_programs.c - miniinit, pid1, zombie and initsearch, run as a user
 * would. They need every exercise of the chapter, so they carry no
 * points; they must pass for the solutions.
 */
#include "harness.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The command's exit code is miniinit's, as a shell would give it. */
START_TEST(miniinit_passes_exit_codes)
{
	struct run_result r;

	TEST_RUN(&r, "miniinit", "--", "true");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	TEST_RUN(&r, "miniinit", "--", "sh", "-c", "exit 3");
	test_assert_exit(&r, 3);
	test_run_free(&r);
	TEST_RUN(&r, "miniinit", "--", "sh", "-c", "kill -KILL $$");
	test_assert_exit(&r, 137);
	test_run_free(&r);
	TEST_RUN(&r, "miniinit", "--", "/nonexistent");
	test_assert_exit(&r, 127);
	ck_assert_str_eq(r.err, "miniinit: /nonexistent: command not found\n");
	test_run_free(&r);
	TEST_RUN(&r, "miniinit", "--", "/etc/passwd");
	test_assert_exit(&r, 126);
	ck_assert_str_eq(r.err, "miniinit: /etc/passwd: Permission denied\n");
	test_run_free(&r);
}
END_TEST

/* SIGTERM to miniinit reaches the command; sleep dies of it: 143. */
START_TEST(miniinit_forwards_sigterm)
{
	char *argv[] = { (char *)test_program("miniinit"),
		         "-v",
		         "--",
		         "sleep",
		         "60",
		         NULL };
	struct running running;
	struct run_result r;

	test_start(argv, &running);
	test_wait_for_line(running.err_fd, "started sleep as PID");
	ck_assert_int_eq(kill(running.pid, SIGTERM), 0);
	test_finish(&running, &r);
	test_assert_exit(&r, 143);
	ck_assert_ptr_nonnull(strstr(r.err, "forwarding SIGTERM"));
	test_run_free(&r);
}
END_TEST

START_TEST(miniinit_rejects_bad_usage)
{
	struct run_result r;

	TEST_RUN(&r, "miniinit", "--");
	test_assert_exit(&r, 2);
	ck_assert_str_eq(r.err, "miniinit: no command to run "
	                        "(try miniinit --help)\n");
	test_run_free(&r);
	TEST_RUN(&r, "miniinit", "--bogus", "true");
	test_assert_exit(&r, 2);
	ck_assert_str_eq(r.err, "miniinit: unknown option --bogus "
	                        "(try miniinit --help)\n");
	test_run_free(&r);
}
END_TEST

/* The kernel's rule for PID 1: a signal it has no handler for, sent from
 * inside its namespace, is dropped. sh has no SIGTERM handler; as PID 1
 * it survives kill -TERM 1. */
START_TEST(pid1_ignores_unhandled_sigterm)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "pid1", "--", "sh", "-c",
	         "kill -TERM $$; echo survived $$");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "survived 1\n");
	test_run_free(&r);
}
END_TEST

/* Without an init the orphans stay zombies under PID 1 ... */
START_TEST(zombies_pile_up_without_init)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "pid1", "--", test_program("zombie"), "--orphans", "-n",
	         "100");
	test_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.out, "all 100 have exited; 100 are zombies"),
	              "expected 100 zombies:\n%s", r.out);
	test_run_free(&r);
}
END_TEST

/* ... and with miniinit as PID 1 they are reaped. */
START_TEST(miniinit_reaps_orphans_as_pid1)
{
	struct run_result r;
	const char *tree;

	test_needs_root();
	TEST_RUN(&r, "pid1", "--init", "--", test_program("zombie"),
	         "--orphans", "-n", "100", "--sync", "--tree");
	test_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.out, "all 100 have exited; 0 are zombies"),
	              "expected no zombies:\n%s", r.out);
	tree = strstr(r.out, "miniinit(1) ");
	ck_assert_msg(tree && strstr(tree, "\n└─zombie(2) R\n") &&
	                      strchr(tree, '\n') + strlen("\n└─zombie(2) R") ==
	                              r.out + strlen(r.out) - 1,
	              "expected miniinit(1) with zombie(2) alone below:\n%s",
	              r.out);
	test_run_free(&r);
}
END_TEST

START_TEST(initsearch_reports_each_candidate)
{
	struct run_result r;

	TEST_RUN(&r, "initsearch", test_fixture("rootfs-init/etc-init"));
	test_assert_exit(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out,
	                             "  /sbin/init   Permission denied\n"
	                             "  /etc/init    runs: this is init\n"));
	test_run_free(&r);
	TEST_RUN(&r, "initsearch", test_fixture("rootfs-init/empty"));
	test_assert_exit(&r, 1);
	ck_assert_ptr_nonnull(strstr(r.out, "no working init found"));
	test_run_free(&r);
	TEST_RUN(&r, "initsearch", "/nonexistent");
	test_assert_exit(&r, 1);
	ck_assert_str_eq(r.err, "initsearch: open /nonexistent: No such file "
	                        "or directory\n");
	test_run_free(&r);
}
END_TEST

const struct graded_test programs_tests[] = {
	PROGRAM(miniinit_passes_exit_codes),
	PROGRAM(miniinit_forwards_sigterm),
	PROGRAM(miniinit_rejects_bad_usage),
	PROGRAM(pid1_ignores_unhandled_sigterm),
	PROGRAM(zombies_pile_up_without_init),
	PROGRAM(miniinit_reaps_orphans_as_pid1),
	PROGRAM(initsearch_reports_each_candidate),
	{ 0 },
};
