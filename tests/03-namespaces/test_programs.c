/* test_programs.c - isolate, nsls and nsjoin, run as a user would. They
 * need every exercise of the chapter, so they carry no points; they must
 * pass for the solutions.
 */
#include "harness.h"

#include "sys.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

START_TEST(isolate_hostname_stays_inside)
{
	char before[128], after[128];
	struct run_result r;

	test_needs_root();
	ck_assert_int_eq(gethostname(before, sizeof(before)), 0);
	TEST_RUN(&r, "isolate", "--hostname", "boxlab-box", "--", "hostname");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "boxlab-box\n");
	ck_assert_int_eq(gethostname(after, sizeof(after)), 0);
	ck_assert_str_eq(after, before);
	test_run_free(&r);
}
END_TEST

/* The first process is PID 1 and ps sees only the container. */
START_TEST(isolate_pid_namespace_sees_itself)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "isolate", "--pid", "--", "sh", "-c",
	         "echo $$; ls /proc | grep -c '^[0-9]'");
	test_assert_exit(&r, 0);
	/* sh (PID 1) and ls; grep may or may not have started yet. */
	ck_assert_msg(!strncmp(r.out, "1\n", 2) && (!strcmp(r.out + 2, "2\n") ||
	                                            !strcmp(r.out + 2, "3\n")),
	              "expected PID 1 and 2 or 3 processes, got:\n%s", r.out);
	test_run_free(&r);
}
END_TEST

/* isolate inside isolate: PID 1 again, and other namespaces than the
 * outer container's (the overview: a container can create containers). */
START_TEST(isolate_nests)
{
	char script[512];
	struct run_result r;

	test_needs_root();
	snprintf(script, sizeof(script),
	         "readlink /proc/self/ns/uts; %s --pid --hostname inner -- sh "
	         "-c 'echo $$; hostname; readlink /proc/self/ns/uts'",
	         test_program("isolate"));
	TEST_RUN(&r, "isolate", "--pid", "--hostname", "outer", "--", "sh",
	         "-c", script);
	test_assert_exit(&r, 0);
	{
		char outer_uts[64], inner_uts[64], host[64];
		int pid;

		ck_assert_msg(sscanf(r.out, "%63s %d %63s %63s", outer_uts,
		                     &pid, host, inner_uts) == 4,
		              "unexpected output:\n%s", r.out);
		ck_assert_int_eq(pid, 1);
		ck_assert_str_eq(host, "inner");
		ck_assert_str_ne(outer_uts, inner_uts);
	}
	test_run_free(&r);
}
END_TEST

START_TEST(isolate_init_runs_miniinit_as_pid1)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "isolate", "--pid", "--init", "--", "sh", "-c",
	         "cat /proc/1/comm; echo $$");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "miniinit\n2\n");
	test_run_free(&r);
}
END_TEST

/* nsjoin into a running container sees its host name: docker exec. */
START_TEST(nsjoin_enters_running_container)
{
	char *argv[] = { (char *)test_program("isolate"),
		         "-v",
		         "--hostname",
		         "boxlab-running",
		         "--",
		         "sh",
		         "-c",
		         "echo up; cat",
		         NULL };
	struct running container;
	struct run_result r, inside;
	char pid[16];
	const char *at;

	test_needs_root();
	test_start(argv, &container);
	test_wait_for_line(container.out_fd, "up");
	/* isolate -v said "isolate: PID N runs in ..." before releasing. */
	{
		char line[256] = "";
		ssize_t n = read(container.err_fd, line, sizeof(line) - 1);

		ck_assert_int_gt(n, 0);
		at = strstr(line, "PID ");
		ck_assert_ptr_nonnull(at);
		snprintf(pid, sizeof(pid), "%d", atoi(at + 4));
	}
	TEST_RUN(&inside, "nsjoin", "-t", pid, "--uts", "--", "hostname");
	test_assert_exit(&inside, 0);
	ck_assert_str_eq(inside.out, "boxlab-running\n");
	test_run_free(&inside);
	/* The same through a pidfd, all at once (challenge 3.6). */
	TEST_RUN(&inside, "nsjoin", "-t", pid, "--pidfd", "--all", "--",
	         "hostname");
	test_finish(&container, &r);
	test_assert_exit(&inside, 0);
	ck_assert_str_eq(inside.out, "boxlab-running\n");
	test_assert_exit(&r, 0);
	test_run_free(&inside);
	test_run_free(&r);
}
END_TEST

/* From inside a new UTS namespace, this test's process differs in uts
 * and only there. */
START_TEST(nsls_marks_differences)
{
	struct run_result r;
	char pid[16];
	const char *uts, *ipc;

	test_needs_root();
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	TEST_RUN(&r, "isolate", "--uts", "--", test_program("nsls"), pid);
	test_assert_exit(&r, 0);
	uts = strstr(r.out, "\n  uts ");
	ipc = strstr(r.out, "\n  ipc ");
	ck_assert_msg(uts && ipc, "no uts or ipc line:\n%s", r.out);
	ck_assert_msg(strstr(uts + 1, "(differs from mine)") &&
	                      strchr(uts + 1, '\n') >
	                              strstr(uts + 1, "(differs from mine)"),
	              "uts not marked as different:\n%s", r.out);
	ck_assert_msg(strchr(ipc + 1, '\n') < strstr(ipc + 1, "(differs") ||
	                      !strstr(ipc + 1, "(differs"),
	              "ipc marked as different:\n%s", r.out);
	test_run_free(&r);
}
END_TEST

/* Bad input: one clear line, a non-zero status. */
START_TEST(bad_input_is_reported)
{
	struct run_result r;

	TEST_RUN(&r, "isolate", "--bogus", "true");
	test_assert_exit(&r, 2);
	ck_assert_str_eq(r.err, "isolate: unknown option --bogus "
	                        "(try isolate --help)\n");
	test_run_free(&r);
	TEST_RUN(&r, "nsjoin", "--uts", "--", "true");
	test_assert_exit(&r, 2);
	ck_assert_str_eq(r.err, "nsjoin: which process? (-t PID) "
	                        "(try nsjoin --help)\n");
	test_run_free(&r);
	TEST_RUN(&r, "nsls", "abc");
	test_assert_exit(&r, 2);
	ck_assert_str_eq(r.err, "nsls: abc: not a process ID "
	                        "(try nsls --help)\n");
	test_run_free(&r);
	TEST_RUN(&r, "nsls", "2000000000");
	test_assert_exit(&r, 1);
	ck_assert_str_eq(r.err, "nsls: PID 2000000000: No such process\n");
	test_run_free(&r);
}
END_TEST

START_TEST(bad_input_needing_root)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "isolate", "--uts", "--", "/nonexistent");
	test_assert_exit(&r, 127);
	ck_assert_str_eq(r.err, "isolate: /nonexistent: command not found\n");
	test_run_free(&r);
	TEST_RUN(&r, "nsjoin", "-t", "2000000000", "--uts", "--", "true");
	test_assert_exit(&r, 1);
	ck_assert_str_eq(r.err, "nsjoin: -t 2000000000: no such process\n");
	test_run_free(&r);
}
END_TEST

/* A failure in the child (a host name longer than 64 bytes) is reported
 * by the child, once, and the child ends there: the parent adds no line
 * of its own and exits with the child's 126. */
START_TEST(isolate_child_failure_reported_once)
{
	char name[80];
	char expected[160];
	struct run_result r;

	test_needs_root();
	memset(name, 'x', 65);
	name[65] = '\0';
	TEST_RUN(&r, "isolate", "--hostname", name, "--", "true");
	test_assert_exit(&r, 126);
	snprintf(expected, sizeof(expected),
	         "isolate: set host name %s: Invalid argument\n", name);
	ck_assert_str_eq(r.err, expected);
	ck_assert_str_eq(r.out, "");
	test_run_free(&r);
}
END_TEST

/* The PID isolate -v reports for its container, from its stderr. */
static pid_t read_container_pid(int err_fd)
{
	char line[256] = "";
	ssize_t n = read(err_fd, line, sizeof(line) - 1);
	const char *at;

	ck_assert_int_gt(n, 0);
	at = strstr(line, "PID ");
	ck_assert_msg(at, "no PID in isolate -v's output:\n%s", line);
	return atoi(at + 4);
}

/* isolate killed (kill -9: no handler, no cleanup of its own) while its
 * container runs: PR_SET_PDEATHSIG takes the container with it, so
 * nothing outlives the program. */
START_TEST(isolate_killed_leaves_nothing)
{
	char *argv[] = { (char *)test_program("isolate"),
		         "-v",
		         "--pid",
		         "--",
		         "sh",
		         "-c",
		         "echo up; exec cat",
		         NULL };
	struct pollfd gone = { .events = POLLIN };
	struct running running;
	struct run_result r;
	pid_t container;

	test_needs_root();
	test_start(argv, &running);
	test_wait_for_line(running.out_fd, "up");
	container = read_container_pid(running.err_fd);
	gone.fd = sys_pidfd_open(container, 0);
	ck_assert_ok(gone.fd, "pidfd_open(container)");
	ck_assert_int_eq(kill(running.pid, SIGKILL), 0);
	/* The container's cat still has its stdin from this test: only the
	 * parent-death signal can end it. The test's timeout is the limit. */
	ck_assert_int_eq(poll(&gone, 1, -1), 1);
	test_finish(&running, &r);
	ck_assert_msg(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL,
	              "isolate: status %#x, not killed", r.status);
	close(gone.fd);
	test_run_free(&r);
}
END_TEST

/* Processes come and go: a zombie still has /proc/PID, but no
 * namespaces any more. nsls lists the live ones, reports the dead one in
 * one line, and exits 1. */
START_TEST(nsls_process_gone_midway)
{
	char zombie_pid[16], my_pid[16], expected[128];
	struct run_result r;
	siginfo_t info;
	pid_t zombie;

	test_needs_root();
	zombie = fork();
	ck_assert_int_ge(zombie, 0);
	if (zombie == 0)
		_exit(0);
	/* Wait until it has exited, but leave it unreaped: a zombie. */
	ck_assert_int_eq(waitid(P_PID, zombie, &info, WEXITED | WNOWAIT), 0);
	snprintf(zombie_pid, sizeof(zombie_pid), "%d", (int)zombie);
	snprintf(my_pid, sizeof(my_pid), "%d", (int)getpid());
	TEST_RUN(&r, "nsls", zombie_pid, my_pid);
	test_assert_exit(&r, 1);
	snprintf(expected, sizeof(expected),
	         "nsls: PID %d: has exited; a zombie has no namespaces\n",
	         (int)zombie);
	ck_assert_str_eq(r.err, expected);
	ck_assert_msg(strstr(r.out, "\n  uts "),
	              "no uts line for the live "
	              "process:\n%s",
	              r.out);
	ck_assert_int_eq(waitpid(zombie, NULL, 0), zombie);
	test_run_free(&r);
}
END_TEST

/* When PID 1 of a namespace exits, the kernel kills every other process
 * in it: the sleep left in the background here holds isolate's stdout,
 * so the run would last until the test's timeout if it survived. */
START_TEST(isolate_pid1_exit_ends_the_namespace)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "isolate", "--pid", "--", "sh", "-c",
	         "sleep 1000 & echo $$");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "1\n");
	test_run_free(&r);
}
END_TEST

/* isolate exits as its command did: with its status, or 128 + the
 * signal that killed it, as a shell reports it. */
START_TEST(isolate_passes_the_status_on)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "isolate", "--uts", "--", "sh", "-c", "exit 3");
	test_assert_exit(&r, 3);
	test_run_free(&r);
	TEST_RUN(&r, "isolate", "--uts", "--", "sh", "-c", "kill -TERM $$");
	test_assert_exit(&r, 128 + SIGTERM);
	test_run_free(&r);
}
END_TEST

const struct graded_test programs_tests[] = {
	PROGRAM(isolate_hostname_stays_inside),
	PROGRAM(isolate_pid_namespace_sees_itself),
	PROGRAM(isolate_nests),
	PROGRAM(isolate_init_runs_miniinit_as_pid1),
	PROGRAM(nsjoin_enters_running_container),
	PROGRAM(nsls_marks_differences),
	PROGRAM(bad_input_is_reported),
	PROGRAM(bad_input_needing_root),
	PROGRAM(isolate_child_failure_reported_once),
	PROGRAM(isolate_killed_leaves_nothing),
	PROGRAM(nsls_process_gone_midway),
	PROGRAM(isolate_pid1_exit_ends_the_namespace),
	PROGRAM(isolate_passes_the_status_on),
	{ 0 },
};
