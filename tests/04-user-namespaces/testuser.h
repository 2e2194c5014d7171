/* testuser.h - an ordinary user for chapter 04's tests.
 *
 * The tests run as root, but a user namespace is only interesting when
 * an ordinary user makes it. So a test that needs one becomes TEST_UID,
 * a fixed high uid no real account uses, in its own process (its
 * saved uid stays 0, so it can come back), and the files it needs
 * (a writable directory, /etc/passwd and /etc/subuid entries) are put in
 * place in a private mount namespace of the test's own: the host's files
 * are never written.
 */
#ifndef BOXLAB_TESTUSER_H
#define BOXLAB_TESTUSER_H

#include <stdbool.h>
#include <sys/types.h>

/* The ordinary user of the tests, and its subordinate IDs. */
#define TEST_UID         61234
#define TEST_USER        "boxlab-user"
#define TEST_SUBID_START 612340000u
#define TEST_SUBID_COUNT 65536u

/* A mount namespace of this test's own, private, with a fresh tmpfs on
 * the run's scratch directory, so TEST_UID can reach test_tmpdir(). */
void testuser_sandbox(void);

/* A new directory for this test owned by TEST_UID (after
 * testuser_sandbox()). */
const char *testuser_dir(void);

/* Copies of /etc/passwd, /etc/group, /etc/subuid and /etc/subgid, each
 * with a line for TEST_USER, bind-mounted over the real ones (after
 * testuser_sandbox(); the host's files are untouched). Returns false,
 * doing nothing, where newuidmap and newgidmap are not installed (the
 * tests then check that rootless says so); skips the test if they are
 * but /etc/subuid or /etc/subgid is missing. */
bool testuser_add_to_etc(void);

/* Become TEST_UID (effective and real; saved stays 0), with no
 * capabilities in effect, and back. */
void testuser_become(void);
void testuser_unbecome(void);

/* A child that makes a new user namespace (unshare(2), CLONE_NEWUSER |
 * FLAGS), tells the test, and waits for testuser_release() before it runs
 * CHECK. CHECK returns 0 for success (the child then ends with
 * test_child_passed()) or an exit code. */
struct testuser_child {
	pid_t pid; /* the child */
	int go_fd; /* write end: a byte or EOF lets it go */
};
void testuser_start(struct testuser_child *child, int flags,
                    int (*check)(void));

/* Let CHILD run its check and wait for it; fail the test unless it
 * passed. WHY[N] explains exit code N (NULL or N entries). */
void testuser_finish(struct testuser_child *child, const char *const *why,
                     int n);

/* Write TEXT to /proc/PID/NAME in one write (the tests' own way, so that
 * no exercise's code is used by another's test); returns 0 or -errno. */
int testuser_write_proc(pid_t pid, const char *name, const char *text);

#endif
