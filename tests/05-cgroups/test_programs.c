/* test_programs.c - cgbox and hog, run as a user would. They need every
 * exercise of the chapter, so they carry no points; they must pass for
 * the solutions. After each, the runner checks that no new cgroup is
 * left under boxlab/ in any hierarchy.
 */
#include "harness.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A fork bomb is held at --pids, and the host can still fork. */
START_TEST(cgbox_holds_a_fork_bomb)
{
	struct run_result r;
	int count = 0, status;
	pid_t pid;

	test_needs_root();
	TEST_RUN(&r, "cgbox", "--pids", "64", "--", test_program("hog"),
	         "--forks");
	test_assert_exit(&r, 0);
	ck_assert_msg(sscanf(r.out, "hog: %d children", &count) == 1,
	              "unexpected output: %s", r.out);
	ck_assert_msg(count == 63,
	              "expected 63 children (64 processes with "
	              "hog), got %d",
	              count);
	ck_assert_ptr_nonnull(strstr(r.err, "cgbox: the pids limit refused"));
	test_run_free(&r);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(7);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 7);
}
END_TEST

START_TEST(cgbox_oom_kills_a_memory_hog)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "cgbox", "--memory", "32M", "--", test_program("hog"),
	         "--memory", "256");
	test_assert_exit(&r, 137);
	ck_assert_msg(strstr(r.err, "cgbox: the OOM killer fired (1 kill)"),
	              "no OOM report: %s", r.err);
	ck_assert_ptr_null(strstr(r.out, "was not stopped"));
	test_run_free(&r);
}
END_TEST

/* --cpus 0.5: the group's own usage counter over the wall time the
 * command ran, with a tolerance. Half a CPU makes the work take twice
 * its time, which in an emulated guest is seconds: a longer limit. */
START_TEST(cgbox_limits_cpu)
{
	double used = 0, wall = 0, share = 0;
	struct run_result r;
	const char *at;

	test_needs_root();
	TEST_RUN(&r, "cgbox", "--cpus", "0.5", "--stats", "--",
	         test_program("hog"), "--cpu", "5");
	test_assert_exit(&r, 0);
	at = strstr(r.err, "cgbox: cpu ");
	ck_assert_msg(at && sscanf(at, "cgbox: cpu %lf s in %lf s (%lf", &used,
	                           &wall, &share) == 3,
	              "no cpu line: %s", r.err);
	ck_assert_msg(share > 0.35 && share < 0.65,
	              "used %.2f s of CPU in %.2f s: %.2f of a CPU, expected "
	              "about 0.5",
	              used, wall, share);
	test_run_free(&r);
}
END_TEST

/* Ctrl-C reaches the command; cgbox still removes the cgroup. */
START_TEST(cgbox_cleans_up_after_ctrl_c)
{
	char *argv[] = {
		(char *)test_program("cgbox"), "--pids", "10", "--", "sh", "-c",
		"echo running; cat",           NULL
	};
	struct running running;
	struct run_result r;

	test_needs_root();
	test_start(argv, &running);
	test_wait_for_line(running.out_fd, "running");
	ck_assert_int_eq(kill(running.pid, SIGINT), 0);
	test_finish(&running, &r);
	ck_assert_msg(test_exit_status(&r) == 130 || test_exit_status(&r) == 0,
	              "unexpected status %#x: %s", r.status, r.err);
	test_run_free(&r);
}
END_TEST

/* Churn: SIGTERM reaches cgbox while a fork bomb holds the group at
 * pids.max. The bomb dies, its children die with it, and cgbox tears the
 * group down while they are still exiting; it must not fail or hang. */
START_TEST(cgbox_cleans_up_a_full_group_on_sigterm)
{
	char *argv[] = {
		(char *)test_program("cgbox"), "--pids",  "32",     "--",
		(char *)test_program("hog"),   "--forks", "--stay", NULL
	};
	struct running running;
	struct run_result r;

	test_needs_root();
	test_start(argv, &running);
	test_wait_for_line(running.out_fd, "then fork failed");
	ck_assert_int_eq(kill(running.pid, SIGTERM), 0);
	test_finish(&running, &r);
	test_assert_exit(&r, 128 + SIGTERM);
	ck_assert_msg(!strstr(r.err, "remove cgroup"), "teardown failed: %s",
	              r.err);
	test_run_free(&r);
}
END_TEST

/* The challenge's options, on a running cgbox: its group boxlab/cgbox-PID
 * is frozen, thawed, then killed at once, and that cgbox cleans up. */
START_TEST(cgbox_pauses_resumes_and_kills)
{
	char *argv[] = {
		(char *)test_program("cgbox"), "--pids", "10", "--", "sh", "-c",
		"echo running; cat",           NULL
	};
	static const char *const actions[][2] = {
		{ "--pause", "frozen" },
		{ "--resume", "thawed" },
		{ "--kill", "killed" },
	};
	char name[32], expected[64];
	struct running running;
	struct run_result r;
	size_t i;

	test_needs_root();
	test_start(argv, &running);
	test_wait_for_line(running.out_fd, "running");
	snprintf(name, sizeof(name), "cgbox-%d", (int)running.pid);
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		TEST_RUN(&r, "cgbox", actions[i][0], name);
		test_assert_exit(&r, 0);
		snprintf(expected, sizeof(expected), "cgbox: boxlab/%s %s\n",
		         name, actions[i][1]);
		ck_assert_str_eq(r.out, expected);
		test_run_free(&r);
	}
	test_finish(&running, &r);
	test_assert_exit(&r, 137);
	test_run_free(&r);
	TEST_RUN(&r, "cgbox", "--pause", name);
	test_assert_exit(&r, 1);
	test_run_free(&r);
}
END_TEST

START_TEST(cgbox_rejects_bad_input)
{
	static const struct {
		const char *args[4];
		int status;
		const char *message;
	} cases[] = {
		{ { "--memory", "12QB", "true" },
		  2,
		  "cgbox: --memory 12QB: expected a size like 64M (try cgbox "
		  "--help)\n" },
		{ { "--pids", "0", "true" },
		  2,
		  "cgbox: --pids 0: expected at least 1 (try cgbox --help)\n" },
		{ { "--cpus", "abc", "true" },
		  2,
		  "cgbox: --cpus abc: expected a number of CPUs, like 0.5 (try "
		  "cgbox --help)\n" },
		{ { "--cpu-weight", "0", "true" },
		  2,
		  "cgbox: --cpu-weight 0: expected 1 to 10000 (try cgbox "
		  "--help)\n" },
		{ { "--pids", "5", NULL },
		  2,
		  "cgbox: no command to run (try cgbox --help)\n" },
		{ { "--kill", "../../x", NULL },
		  1,
		  "cgbox: boxlab/../../x: Invalid argument\n" },
	};
	struct run_result r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TEST_RUN(&r, "cgbox", cases[i].args[0], cases[i].args[1],
		         cases[i].args[2]);
		test_assert_exit(&r, cases[i].status);
		ck_assert_str_eq(r.err, cases[i].message);
		test_run_free(&r);
	}
}
END_TEST

START_TEST(cgbox_command_not_found)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "cgbox", "--pids", "5", "--", "/nonexistent");
	test_assert_exit(&r, 127);
	ck_assert_str_eq(r.err, "cgbox: /nonexistent: command not found\n");
	test_run_free(&r);
}
END_TEST

const struct graded_test programs_tests[] = {
	PROGRAM(cgbox_holds_a_fork_bomb),
	PROGRAM(cgbox_oom_kills_a_memory_hog),
	PROGRAM_TIMED(cgbox_limits_cpu, 30),
	PROGRAM(cgbox_cleans_up_after_ctrl_c),
	PROGRAM(cgbox_cleans_up_a_full_group_on_sigterm),
	PROGRAM(cgbox_pauses_resumes_and_kills),
	PROGRAM(cgbox_rejects_bad_input),
	PROGRAM(cgbox_command_not_found),
	{ 0 },
};
