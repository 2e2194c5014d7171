/* test_programs.c - boxd on a socket and a store of the test's own, driven
 * by the lab's box and by the stock docker CLI where it is installed.
 * They need every exercise of the chapter, so they carry no points.
 */
#include "harness.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char sock[PATH_MAX / 2], host[PATH_MAX];
static struct running boxd_proc;

/* boxd on the test's own socket and root; returns once it listens. */
static void start_boxd(void)
{
	char root[PATH_MAX];
	char *argv[] = {
		(char *)test_program("boxd"), "--root", root, "-H", host, NULL
	};

	test_needs_root();
	snprintf(root, sizeof(root), "%s/root", test_tmpdir());
	snprintf(sock, sizeof(sock), "%s/boxd.sock", test_tmpdir());
	snprintf(host, sizeof(host), "unix://%s", sock);
	test_start(argv, &boxd_proc);
	test_wait_for_line(boxd_proc.err_fd, "boxd: API");
}

static void stop_boxd(void)
{
	struct run_result r;

	ck_assert_int_eq(kill(boxd_proc.pid, SIGTERM), 0);
	test_finish(&boxd_proc, &r);
	test_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.err, "boxd: stopped"), "%s", r.err);
	test_run_free(&r);
	ck_assert_msg(access(sock, F_OK) < 0, "boxd left its socket");
}

/* box version: the client's section and the boxd_proc's, through the API. */
START_TEST(box_version_asks_the_daemon)
{
	struct run_result r;
	struct stat st;

	start_boxd();
	ck_assert_int_eq(stat(sock, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0660);
	TEST_RUN(&r, "box", "-H", host, "version");
	test_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.out, "Client:\n") &&
	                      strstr(r.out, "Server: boxlab engine\n") &&
	                      strstr(r.out, "API version:      1.50 (minimum "
	                                    "version 1.24)"),
	              "%s", r.out);
	test_run_free(&r);
	TEST_RUN(&r, "box", "-H", host, "images");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "REPOSITORY           TAG        IMAGE ID   "
	                        "    SIZE\n");
	test_run_free(&r);
	stop_boxd();
}
END_TEST

/* The stock docker CLI against boxd: version negotiation, the Server
 * section, an error for what is not there yet. */
START_TEST(docker_cli_talks_to_boxd)
{
	char env[PATH_MAX + 16];
	struct run_result r;

	if (access("/usr/local/bin/docker", X_OK) < 0 &&
	    access("/usr/bin/docker", X_OK) < 0)
		test_skip("no docker CLI");
	start_boxd();
	snprintf(env, sizeof(env), "DOCKER_HOST=%s", host);
	test_run((char *const[]){ "/usr/bin/env", env, "docker", "version",
	                          "--format",
	                          "{{.Server.Version}} "
	                          "{{.Server.APIVersion}}",
	                          NULL },
	         &r);
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "0.12.0 1.50\n");
	test_run_free(&r);
	test_run((char *const[]){ "/usr/bin/env", env, "docker", "volume", "ls",
	                          NULL },
	         &r);
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "Error response from daemon: boxd: GET "
	                            "/volumes is not implemented"),
	              "%s", r.err);
	test_run_free(&r);
	stop_boxd();
}
END_TEST

/* Send DATA on a new connection to SOCK, read what comes back (at most
 * SIZE - 1 bytes) until the daemon closes; "" if it only closed. */
static void raw_exchange(const char *sock_path, const char *data, size_t len,
                         char *buf, size_t size)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t got = 0;
	ssize_t n;
	int fd;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%.100s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&addr, sizeof(addr)),
	                 0);
	signal(SIGPIPE, SIG_IGN);
	while (len && (n = write(fd, data, len)) > 0) {
		data += n;
		len -= (size_t)n;
	}
	shutdown(fd, SHUT_WR);
	while (got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd);
}

/* Garbage, a request cut short, a 10 MB header, a body that is not
 * JSON: each gets an error or a closed connection, and the daemon
 * answers the next request. */
START_TEST(boxd_survives_bad_requests)
{
	static const char ping[] = "GET /_ping HTTP/1.1\r\nHost: x\r\n"
	                           "Connection: close\r\n\r\n";
	static const char bad_json[] =
	        "POST /v1.50/containers/create HTTP/1.1\r\nHost: x\r\n"
	        "Content-Length: 5\r\nConnection: close\r\n\r\n{nope";
	size_t big_len = 10u << 20;
	char *big = malloc(big_len + 64), reply[4096];
	struct run_result r;

	ck_assert_ptr_nonnull(big);
	start_boxd();
	raw_exchange(sock, "garbage\r\n\r\n", 11, reply, sizeof(reply));
	raw_exchange(sock, "GET /v1.50/vers", 15, reply, sizeof(reply));
	memcpy(big, "GET /_ping HTTP/1.1\r\nX-Big: ", 29);
	memset(big + 29, 'a', big_len - 29);
	raw_exchange(sock, big, big_len, reply, sizeof(reply));
	ck_assert_msg(!strstr(reply, " 200 "), "a 10 MB header was served");
	raw_exchange(sock, bad_json, sizeof(bad_json) - 1, reply,
	             sizeof(reply));
	ck_assert_msg(!strncmp(reply, "HTTP/1.1 400 ", 13), "%s", reply);
	ck_assert_msg(strstr(reply, "{\"message\":"), "%s", reply);
	raw_exchange(sock, ping, sizeof(ping) - 1, reply, sizeof(reply));
	ck_assert_msg(!strncmp(reply, "HTTP/1.1 200 ", 13) &&
	                      strstr(reply, "\r\n\r\nOK"),
	              "%s", reply);
	TEST_RUN(&r, "box", "-H", host, "version");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	free(big);
	stop_boxd();
}
END_TEST

const struct graded_test programs_tests[] = {
	PROGRAM(box_version_asks_the_daemon),
	PROGRAM(docker_cli_talks_to_boxd),
	PROGRAM(boxd_survives_bad_requests),
	{ 0 },
};
