/* boxd_test.c - boxd started and stopped by a test. See boxd_test.h. */
#include "boxd_test.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DOCKER_CLI "/usr/local/bin/docker"

/* boxd on D's root, exec root and socket, in a network namespace of
 * its own: the bridge and the rules its containers get are never the
 * host's. */
static void run_boxd(struct boxd_test *d)
{
	char *argv[] = { "/usr/bin/unshare",
		         "-n",
		         "--",
		         (char *)test_program("boxd"),
		         "--root",
		         d->root,
		         "--exec-root",
		         d->exec_root,
		         "-H",
		         d->host,
		         NULL };

	test_start(argv, &d->proc);
	test_wait_for_line(d->proc.err_fd, "boxd: API");
}

void boxd_test_start(struct boxd_test *d)
{
	const char *dir;

	test_needs_root();
	dir = test_tmpdir();
	snprintf(d->root, sizeof(d->root), "%s/root", dir);
	snprintf(d->exec_root, sizeof(d->exec_root), "%s/exec", dir);
	snprintf(d->sock, sizeof(d->sock), "%s/boxd.sock", dir);
	snprintf(d->host, sizeof(d->host), "unix://%s", d->sock);
	run_boxd(d);
}

void boxd_test_restart(struct boxd_test *d)
{
	run_boxd(d);
}

void boxd_test_stop(struct boxd_test *d)
{
	struct run_result r;

	ck_assert_int_eq(kill(d->proc.pid, SIGTERM), 0);
	test_finish(&d->proc, &r);
	test_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.err, "boxd: stopped"), "%s", r.err);
	test_run_free(&r);
	ck_assert_msg(access(d->sock, F_OK) < 0, "boxd left its socket");
}

void boxd_test_needs_docker(void)
{
	if (access(DOCKER_CLI, X_OK) < 0)
		test_skip("no docker CLI");
}

void boxd_test_docker(const struct boxd_test *d, struct run_result *ret,
                      const char *const *args)
{
	char env[PATH_MAX + 16];
	const char *argv[32] = { "/usr/bin/env", env, DOCKER_CLI };
	size_t n = 3;

	snprintf(env, sizeof(env), "DOCKER_HOST=%s", d->host);
	while (*args && n < sizeof(argv) / sizeof(argv[0]) - 1)
		argv[n++] = *args++;
	argv[n] = NULL;
	test_run((char *const *)argv, ret);
}
