/* test_memfd.c - re-executing from a sealed memfd (10.7). */
#include "file.h"
#include "harness.h"
#include "sec.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* In a child, run secprobe exe through sec_exec_sealed(); what it
 * printed, and the child's status in *RET_STATUS. */
static char *exe_through_memfd(int *ret_status)
{
	char *argv[] = { "secprobe", "exe", NULL };
	extern char **environ;
	int fds[2], fd;
	char *out;
	pid_t pid;

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	fd = open(test_program("secprobe"), O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		sec_exec_sealed(fd, argv, environ);
		test_child_exit(1);
	}
	close(fds[1]);
	close(fd);
	ck_assert_int_eq(file_read_fd_all(fds[0], &out, NULL), 0);
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, ret_status, 0), pid);
	return out;
}

START_TEST(exec_sealed_runs_from_a_sealed_memfd)
{
	int status;
	char *out = exe_through_memfd(&status);

	test_assert_no_stub();
	ck_assert_msg(!WIFEXITED(status) ||
	                      WEXITSTATUS(status) != TEST_CHILD_STUB,
	              "exercise 10.7 is not implemented yet");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "sec_exec_sealed() returned, or the program failed "
	              "(status %d)",
	              WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	ck_assert_msg(strstr(out, "exe /memfd:secprobe (deleted)\n") &&
	                      strstr(out, "seals seal shrink grow write\n"),
	              "expected /proc/self/exe to be a memfd named secprobe "
	              "with all four seals, got:\n%s",
	              out);
	free(out);
}
END_TEST

const struct graded_test memfd_tests[] = {
	GRADED("10.7", exec_sealed_runs_from_a_sealed_memfd), { 0 }
};
