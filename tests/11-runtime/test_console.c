/* test_console.c - a terminal through the console socket (challenge
 * 11.9): the test is podman's conmon, holding the other end of the
 * socket, and receives the master of the child's terminal. */
#include "harness.h"
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* The fd and text of one SCM_RIGHTS message on SOCK, or -1. */
static int receive_fd(int sock, char *text, size_t size)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = text, .iov_len = size - 1 };
	struct msghdr msg = { .msg_iov = &iov,
		              .msg_iovlen = 1,
		              .msg_control = control.buf,
		              .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cmsg;
	ssize_t len;
	int fd = -1;

	len = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (len < 0)
		return -1;
	text[len] = '\0';
	cmsg = CMSG_FIRSTHDR(&msg);
	if (cmsg && cmsg->cmsg_level == SOL_SOCKET &&
	    cmsg->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

START_TEST(console_master_comes_over_the_socket)
{
	char name[128] = "", buf[64];
	int pair[2], master, status;
	struct pollfd pfd;
	size_t got = 0;
	ssize_t n;
	pid_t child;

	ck_assert_int_eq(
	        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
	fflush(NULL);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(pair[0]);
		if (runtime_send_console(pair[1]) < 0)
			test_child_exit(1);
		/* stdout is the terminal now: what the user would see. */
		if (!isatty(STDOUT_FILENO) ||
		    write(STDOUT_FILENO, "ping\n", 5) != 5)
			test_child_exit(2);
		test_child_passed();
	}
	close(pair[1]);
	master = receive_fd(pair[0], name, sizeof(name));
	test_assert_no_stub();
	ck_assert_msg(master >= 0, "no fd came over the console socket");
	ck_assert_msg(!strncmp(name, "/dev/pts/", 9),
	              "the message should be the terminal's name, not \"%s\"",
	              name);
	pfd = (struct pollfd){ .fd = master, .events = POLLIN };
	while (got < 4 && poll(&pfd, 1, 5000) > 0 &&
	       (n = read(master, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	ck_assert_msg(!strncmp(buf, "ping", 4),
	              "read \"%s\" from the master, expected ping", buf);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_child_passed(status, NULL, 0);
	close(master);
	close(pair[0]);
}
END_TEST

const struct graded_test console_tests[] = {
	GRADED("11.9", console_master_comes_over_the_socket),
	{ 0 },
};
