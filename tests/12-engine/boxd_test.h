/* boxd_test.h - boxd on a socket and a store of the test's own, for the
 * tests that drive it as a program (box, the docker CLI). */
#ifndef BOXLAB_BOXD_TEST_H
#define BOXLAB_BOXD_TEST_H

#include "harness.h"

#include <limits.h>

/* A boxd the test started. */
struct boxd_test {
	char root[PATH_MAX / 2];      /* its --root, under test_tmpdir() */
	char exec_root[PATH_MAX / 2]; /* its --exec-root, there too */
	char sock[PATH_MAX / 2];      /* its socket */
	char host[PATH_MAX]; /* "unix://SOCK", for -H and DOCKER_HOST */
	struct running proc;
};

/* Start boxd on a new root and socket under test_tmpdir(); returns once
 * it listens. Skips the test unless root. */
void boxd_test_start(struct boxd_test *d);

/* Start it again on the same root, exec root and socket (after the
 * test killed it). */
void boxd_test_restart(struct boxd_test *d);

/* Stop it with SIGTERM: it must exit 0, say "boxd: stopped" and remove
 * its socket. */
void boxd_test_stop(struct boxd_test *d);

/* Skip the test unless the docker CLI is installed. */
void boxd_test_needs_docker(void);

/* Run `docker ARGS...` (NULL-terminated) against D, like test_run(). */
void boxd_test_docker(const struct boxd_test *d, struct run_result *ret,
                      const char *const *args);
#define DOCKER(d, result, ...)                                                 \
	boxd_test_docker(d, result, (const char *const[]){ __VA_ARGS__, NULL })

#endif
