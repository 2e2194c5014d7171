/* testuser.c - an ordinary user for chapter 04's tests. See testuser.h. */
#include "testuser.h"

#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

void testuser_sandbox(void)
{
	const char *scratch = getenv("BOXLAB_TEST_TMP");

	test_needs_root();
	ck_assert_ptr_nonnull(scratch);
	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare: %s",
	              strerror(errno));
	/* Private first: nothing below may reach the test's namespace. */
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	ck_assert_msg(
	        mount("boxlab-userns", scratch, "tmpfs", 0, "mode=0755") == 0,
	        "mount a tmpfs on %s: %s", scratch, strerror(errno));
}

const char *testuser_dir(void)
{
	const char *dir = test_tmpdir();

	ck_assert_int_eq(chown(dir, TEST_UID, TEST_UID), 0);
	return dir;
}

/* Copy /etc/NAME into DIR with LINE appended; bind it over the original. */
static void add_line(const char *dir, const char *name, const char *line)
{
	char source[256], copy[512], buf[4096];
	int in, out;
	ssize_t n;

	snprintf(source, sizeof(source), "/etc/%s", name);
	snprintf(copy, sizeof(copy), "%s/%s", dir, name);
	in = open(source, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(in >= 0, "open %s: %s", source, strerror(errno));
	out = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ck_assert_int_ge(out, 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(out, buf, n), n);
	ck_assert_int_eq(write(out, line, strlen(line)), (ssize_t)strlen(line));
	close(in);
	close(out);
	ck_assert_msg(mount(copy, source, NULL, MS_BIND, NULL) == 0,
	              "bind %s over %s: %s", copy, source, strerror(errno));
}

bool testuser_add_to_etc(void)
{
	char subids[128];
	const char *dir;

	if (access("/usr/bin/newuidmap", X_OK) < 0 ||
	    access("/usr/bin/newgidmap", X_OK) < 0)
		return false;
	if (access("/etc/subuid", F_OK) < 0 || access("/etc/subgid", F_OK) < 0)
		test_skip("needs /etc/subuid and /etc/subgid");
	dir = test_tmpdir();
	snprintf(subids, sizeof(subids), "%s:%u:%u\n", TEST_USER,
	         TEST_SUBID_START, TEST_SUBID_COUNT);
	add_line(dir, "passwd",
	         TEST_USER ":x:61234:61234::/nonexistent:/bin/false\n");
	add_line(dir, "group", TEST_USER ":x:61234:\n");
	add_line(dir, "subuid", subids);
	add_line(dir, "subgid", subids);
	return true;
}

/* Set once this process has become the test user. */
static bool became_test_user;

/* LeakSanitizer (make SAN=1) checks for leaks at exit by stopping the
 * process's threads with ptrace(2); a process that has changed its uid,
 * and maybe its user namespace, may not be allowed to, and then exits 1
 * with "LeakSanitizer has encountered a fatal error". The sanitizer calls
 * this documented hook, if it exists, to ask whether to skip that check:
 * only for such processes. Without the sanitizer nothing calls it. */
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
	return became_test_user;
}

void testuser_become(void)
{
	test_needs_root();
	ck_assert_int_eq(setgroups(0, NULL), 0);
	ck_assert_int_eq(setresgid(TEST_UID, TEST_UID, 0), 0);
	ck_assert_int_eq(setresuid(TEST_UID, TEST_UID, 0), 0);
	/* A change of uid makes a process undumpable, and its /proc files
	 * root's: the tests need their children's as an ordinary user's. */
	ck_assert_int_eq(prctl(PR_SET_DUMPABLE, 1), 0);
	became_test_user = true;
}

void testuser_unbecome(void)
{
	ck_assert_int_eq(setresuid(0, 0, 0), 0);
	ck_assert_int_eq(setresgid(0, 0, 0), 0);
}

void testuser_start(struct testuser_child *child, int flags, int (*check)(void))
{
	int ready[2], go[2], ret;
	char byte;

	ck_assert_int_eq(pipe2(ready, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(go, O_CLOEXEC), 0);
	child->pid = fork();
	ck_assert_int_ge(child->pid, 0);
	if (child->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		if (unshare(CLONE_NEWUSER | flags) < 0)
			_exit(1);
		close(ready[1]);
		if (read(go[0], &byte, 1) < 0)
			_exit(1);
		ret = check();
		if (ret == 0)
			test_child_passed();
		_exit(ret);
	}
	close(ready[1]);
	close(go[0]);
	ck_assert_int_eq(read(ready[0], &byte, 1), 0);
	close(ready[0]);
	child->go_fd = go[1];
}

void testuser_finish(struct testuser_child *child, const char *const *why,
                     int n)
{
	int status;

	close(child->go_fd);
	ck_assert_int_eq(waitpid(child->pid, &status, 0), child->pid);
	ck_assert_child_passed(status, why, n);
}

int testuser_write_proc(pid_t pid, const char *name, const char *text)
{
	char path[64];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}
