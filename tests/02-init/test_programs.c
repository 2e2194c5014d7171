/* test_programs.c - miniinit, pid1, zombie and initsearch, run as a user
 * would. They need every exercise of the chapter, so they carry no
 * points; they must pass for the solutions.
 */
#include "harness.h"

#include "sys.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Wait until the process PIDFD refers to has exited (a pidfd polls
 * readable then), without reaping it. */
static void wait_exited(int pidfd)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

	while (poll(&pfd, 1, -1) < 0)
		ck_assert_int_eq(errno, EINTR);
}

/* Read one line from FD into BUF (SIZE bytes), without its newline. */
static void read_line(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len + 1 < size) {
		ck_assert_int_eq(read(fd, buf + len, 1), 1);
		if (buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = '\0';
}

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

/* Under fault: signals rain on miniinit while 1000 orphans exit and are
 * reaped. A child floods it with SIGWINCH (forwarded to zombie, which
 * ignores it) through a pidfd, so the flood stops safely when miniinit
 * is gone. zombie --sync counts exactly: no orphan may be missed, and the
 * exit code must still be the command's. */
START_TEST(miniinit_reaps_through_signal_storm)
{
	char *argv[] = { (char *)test_program("miniinit"),
		         "-s",
		         "--",
		         (char *)test_program("zombie"),
		         "--orphans",
		         "-n",
		         "1000",
		         "--sync",
		         NULL };
	struct running running;
	struct run_result r;
	pid_t storm, parent = getpid();
	int pidfd, status;

	test_start(argv, &running);
	pidfd = sys_pidfd_open(running.pid, 0);
	ck_assert_int_ge(pidfd, 0);
	storm = fork();
	ck_assert_int_ge(storm, 0);
	if (storm == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(1);
		while (sys_pidfd_send_signal(pidfd, SIGWINCH, NULL, 0) == 0)
			continue;
		_exit(0);
	}
	test_finish(&running, &r); /* miniinit reaped: the flood ends */
	ck_assert_int_eq(waitpid(storm, &status, 0), storm);
	close(pidfd);
	test_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.out, "all 1000 have exited; 0 are zombies"),
	              "expected every orphan reaped:\n%s", r.out);
	test_run_free(&r);
}
END_TEST

/* Under fault: SIGTERM arrives while the command makes orphans as fast as
 * it can, so miniinit is in the middle of reaping. It must still forward
 * it, and leave with the command's exit code. */
START_TEST(miniinit_forwards_sigterm_while_reaping)
{
	char *argv[] = { (char *)test_program("miniinit"),
		         "-s",
		         "--",
		         "sh",
		         "-c",
		         "trap 'exit 7' TERM; echo ready; "
		         "while :; do (true &); done",
		         NULL };
	struct running running;
	struct run_result r;

	test_start(argv, &running);
	test_wait_for_line(running.out_fd, "ready");
	ck_assert_int_eq(kill(running.pid, SIGTERM), 0);
	test_finish(&running, &r);
	test_assert_exit(&r, 7);
	test_run_free(&r);
}
END_TEST

/* Challenge 2.7, -k: outside a PID namespace, what the command leaves in
 * its group must not outlive miniinit. The cat reads the test's stdin
 * (fd 3: an asynchronous list of sh otherwise reads /dev/null), so only a
 * kill ends it before the test does. */
START_TEST(miniinit_kill_group_ends_leftovers)
{
	char *argv[] = { (char *)test_program("miniinit"),
		         "-s",
		         "-k",
		         "--",
		         "sh",
		         "-c",
		         "exec 3<&0; cat <&3 >/dev/null & echo $!; exit 3",
		         NULL };
	struct running running;
	struct run_result r;
	char line[32];
	bool alive;
	int pidfd;
	pid_t cat;

	test_start(argv, &running);
	pidfd = sys_pidfd_open(running.pid, 0);
	ck_assert_int_ge(pidfd, 0);
	read_line(running.out_fd, line, sizeof(line));
	cat = atoi(line);
	ck_assert_int_gt(cat, 0);
	wait_exited(pidfd);
	close(pidfd);
	alive = kill(cat, 0) == 0;
	test_finish(&running, &r); /* closes stdin: a live cat ends now */
	test_assert_exit(&r, 3);
	ck_assert_msg(!alive, "cat (PID %d) outlived miniinit -k", (int)cat);
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

/* Even SIGKILL: sent from inside the namespace to a PID 1 without a
 * handler (and SIGKILL can have none), the kernel drops it. */
START_TEST(pid1_ignores_sigkill_from_inside)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "pid1", "--", "sh", "-c",
	         "kill -KILL $$; echo survived $$");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "survived 1\n");
	test_run_free(&r);
}
END_TEST

/* When PID 1 exits, the kernel kills every other process of its
 * namespace, and PID 1's exit is complete only once they are gone. The
 * cat would read the test's stdin for as long as the test lives; once
 * pid1 has exited nothing may hold its stdout open. */
START_TEST(pid1_exit_ends_namespace)
{
	char *argv[] = { (char *)test_program("pid1"),  "--", "sh", "-c",
		         "exec 3<&0; cat <&3 & exit 4", NULL };
	struct pollfd out = { .events = POLLIN };
	struct running running;
	struct run_result r;
	int pidfd;

	test_needs_root();
	test_start(argv, &running);
	pidfd = sys_pidfd_open(running.pid, 0);
	ck_assert_int_ge(pidfd, 0);
	wait_exited(pidfd);
	close(pidfd);
	out.fd = running.out_fd;
	ck_assert_int_eq(poll(&out, 1, 0), 1);
	ck_assert_msg(out.revents & POLLHUP,
	              "a process of the namespace outlived its PID 1");
	test_finish(&running, &r);
	test_assert_exit(&r, 4);
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
	PROGRAM(miniinit_reaps_through_signal_storm),
	PROGRAM(miniinit_forwards_sigterm_while_reaping),
	PROGRAM(miniinit_kill_group_ends_leftovers),
	PROGRAM(miniinit_rejects_bad_usage),
	PROGRAM(pid1_ignores_unhandled_sigterm),
	PROGRAM(pid1_ignores_sigkill_from_inside),
	PROGRAM(pid1_exit_ends_namespace),
	PROGRAM(zombies_pile_up_without_init),
	PROGRAM(miniinit_reaps_orphans_as_pid1),
	PROGRAM(initsearch_reports_each_candidate),
	{ 0 },
};
