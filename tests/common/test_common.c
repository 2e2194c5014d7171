/* test_common.c - the shared library in common/, tested on its own.
 *
 * Not graded: these guard the lab itself. `make test` runs them.
 */
#include "die.h"
#include "exercise.h"
#include "file.h"
#include "parse.h"
#include "sys.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

START_TEST(parse_int_accepts_numbers)
{
	int value;
	int64_t big;
	uint64_t u;
	pid_t pid;

	ck_assert_int_eq(parse_int("42", &value), 0);
	ck_assert_int_eq(value, 42);
	ck_assert_int_eq(parse_int("-7\n", &value), 0);
	ck_assert_int_eq(value, -7);
	ck_assert_int_eq(
	        parse_int64("9223372036854775807", INT64_MIN, INT64_MAX, &big),
	        0);
	ck_assert(big == INT64_MAX);
	ck_assert_int_eq(parse_uint64("18446744073709551615", &u), 0);
	ck_assert(u == UINT64_MAX);
	ck_assert_int_eq(parse_pid("4194304", &pid), 0);
	ck_assert_int_eq(pid, 4194304);
}
END_TEST

START_TEST(parse_int_rejects_the_rest)
{
	static const char *const not_numbers[] = {
		"", " 1", "1 ", "12x", "x", "1\n\n", "0x10", "--1", "+", "1.5",
	};
	uint64_t u;
	size_t i;
	int value;
	pid_t pid;

	for (i = 0; i < sizeof(not_numbers) / sizeof(*not_numbers); i++)
		ck_assert_msg(parse_int(not_numbers[i], &value) == -EINVAL,
		              "\"%s\" was accepted", not_numbers[i]);
	ck_assert_int_eq(parse_int("2147483648", &value), -ERANGE);
	ck_assert_int_eq(parse_uint64("-1", &u), -EINVAL);
	ck_assert_int_eq(parse_uint64("18446744073709551616", &u), -ERANGE);
	ck_assert_int_eq(parse_pid("0", &pid), -ERANGE);
	ck_assert_int_eq(parse_pid("-5", &pid), -ERANGE);
	ck_assert_int_eq(parse_int(NULL, &value), -EINVAL);
}
END_TEST

START_TEST(file_read_all_reads_proc)
{
	char *data, expected[32];
	size_t len;

	ck_assert_int_eq(
	        file_read_all(AT_FDCWD, "/proc/self/stat", &data, &len), 0);
	snprintf(expected, sizeof(expected), "%d (", (int)getpid());
	ck_assert_int_eq(strncmp(data, expected, strlen(expected)), 0);
	ck_assert_uint_eq(strlen(data), len);
	free(data);
	ck_assert_int_eq(file_read_all(AT_FDCWD, "/nonexistent", &data, NULL),
	                 -ENOENT);
}
END_TEST

START_TEST(file_read_buf_limits)
{
	char buf[8];

	ck_assert_int_eq(
	        file_read_buf(AT_FDCWD, "/proc/self/stat", buf, sizeof(buf)),
	        -EFBIG);
	ck_assert_int_eq(file_read_buf(AT_FDCWD, "/proc/sys/kernel/ostype", buf,
	                               sizeof(buf)),
	                 6);
	ck_assert_str_eq(buf, "Linux\n");
	ck_assert_int_eq(
	        file_read_buf(AT_FDCWD, "/nonexistent", buf, sizeof(buf)),
	        -ENOENT);
}
END_TEST

START_TEST(file_write_then_read)
{
	char dir[] = "/tmp/boxlab-test-XXXXXX", path[64], *data;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	ck_assert_int_eq(file_write_string(AT_FDCWD, path, "x"), -ENOENT);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	close(fd);
	ck_assert_int_eq(file_write_string(AT_FDCWD, path, "hello\n"), 0);
	ck_assert_int_eq(file_read_all(AT_FDCWD, path, &data, NULL), 0);
	ck_assert_str_eq(data, "hello\n");
	free(data);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* die() prints one line "prog: message: strerror" and exits 1. */
START_TEST(die_prints_one_line)
{
	char out[256] = "";
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe(pipefd), 0);
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		program_invocation_short_name = "boxtest";
		die_errno(-ENOENT, "open %s", "/x");
	}
	close(pipefd[1]);
	n = read(pipefd[0], out, sizeof(out) - 1);
	ck_assert_int_gt(n, 0);
	waitpid(pid, &status, 0);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	ck_assert_str_eq(out, "boxtest: open /x: No such file or directory\n");
}
END_TEST

START_TEST(exercise_todo_returns_enosys)
{
	setenv("BOXLAB_QUIET_TODO", "1", 1);
	ck_assert_ptr_null(exercise_todo_last());
	ck_assert_int_eq(exercise_todo("9.9", 1, "two"), -ENOSYS);
	ck_assert_str_eq(exercise_todo_last(), "9.9");
}
END_TEST

START_TEST(sys_wrappers_return_negative_errno)
{
	int fd = sys_pidfd_open(getpid(), 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sys_pidfd_send_signal(fd, 0, NULL, 0), 0);
	close(fd);
	ck_assert_int_eq(sys_pidfd_open(-1, 0), -EINVAL);
	ck_assert_int_lt(sys_pivot_root("/nonexistent", "/nonexistent"), 0);
}
END_TEST

int main(void)
{
	Suite *suite = suite_create("common");
	TCase *tcase = tcase_create("common");
	SRunner *runner;
	int failed;

	tcase_add_test(tcase, parse_int_accepts_numbers);
	tcase_add_test(tcase, parse_int_rejects_the_rest);
	tcase_add_test(tcase, file_read_all_reads_proc);
	tcase_add_test(tcase, file_read_buf_limits);
	tcase_add_test(tcase, file_write_then_read);
	tcase_add_test(tcase, die_prints_one_line);
	tcase_add_test(tcase, exercise_todo_returns_enosys);
	tcase_add_test(tcase, sys_wrappers_return_negative_errno);
	suite_add_tcase(suite, tcase);
	runner = srunner_create(suite);
	srunner_set_fork_status(runner, CK_FORK);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
