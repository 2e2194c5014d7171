/* test_caps.c - capability lists, the bounding set and ambient
 * capabilities (10.1 to 10.3). The last two change the process's own
 * capabilities, so they do it in a forked child. */
#include "child.h"
#include "harness.h"
#include "sec.h"

#include "caps.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>

/* --- 10.1 --------------------------------------------------------------- */

START_TEST(caps_parse_names_and_sets)
{
	uint64_t set = 1;

	ck_assert_ok(sec_caps_parse("chown,NET_RAW,cap_kill", &set, NULL),
	             "sec_caps_parse(\"chown,NET_RAW,cap_kill\")");
	ck_assert_uint_eq(set, SEC_CAP(CAP_CHOWN) | SEC_CAP(CAP_NET_RAW) |
	                               SEC_CAP(CAP_KILL));
	ck_assert_ok(sec_caps_parse("none", &set, NULL), "parse none");
	ck_assert_uint_eq(set, 0);
	ck_assert_ok(sec_caps_parse("all", &set, NULL), "parse all");
	ck_assert_uint_eq(set, caps_all());
	ck_assert_ok(sec_caps_parse("docker", &set, NULL), "parse docker");
	ck_assert_int_eq(__builtin_popcountll(set), 14);
	ck_assert(set & SEC_CAP(CAP_NET_RAW));
	ck_assert_ok(sec_caps_parse("default", &set, NULL), "parse default");
	ck_assert_int_eq(__builtin_popcountll(set), 11);
	ck_assert(!(set & (SEC_CAP(CAP_NET_RAW) | SEC_CAP(CAP_MKNOD) |
	                   SEC_CAP(CAP_AUDIT_WRITE))));
}
END_TEST

START_TEST(caps_parse_rejects_an_unknown_name)
{
	const char *list = "chown,cap_bogus,kill", *bad = NULL;
	uint64_t set = 0;

	ck_assert_err(sec_caps_parse(list, &set, &bad), -EINVAL,
	              "sec_caps_parse(\"chown,cap_bogus,kill\")");
	ck_assert_ptr_eq(bad, list + 6);
	ck_assert_err(sec_caps_parse("chown,,kill", &set, &bad), -EINVAL,
	              "sec_caps_parse(\"chown,,kill\") (an empty item)");
}
END_TEST

/* --- 10.2 --------------------------------------------------------------- */

static const char *const why_limit[] = {
	[1] = "sec_caps_limit(CHOWN | KILL | SETPCAP) failed",
	[2] = "CAP_SYS_ADMIN is still in the bounding set",
	[3] = "CAP_CHOWN or CAP_KILL left the bounding set",
	[4] = "CAP_SYS_ADMIN is still permitted or effective",
	[5] = "CAP_CHOWN is no longer effective",
	[6] = "mount(2) was not refused with EPERM",
};

static int limit_child(const char *unused)
{
	cap_flag_value_t admin_p, admin_e, chown_e;
	cap_t caps;

	(void)unused;
	if (sec_caps_limit(SEC_CAP(CAP_CHOWN) | SEC_CAP(CAP_KILL) |
	                   SEC_CAP(CAP_SETPCAP)) < 0)
		return 1;
	if (prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN) != 0)
		return 2;
	if (prctl(PR_CAPBSET_READ, CAP_CHOWN) != 1 ||
	    prctl(PR_CAPBSET_READ, CAP_KILL) != 1)
		return 3;
	caps = cap_get_proc();
	cap_get_flag(caps, CAP_SYS_ADMIN, CAP_PERMITTED, &admin_p);
	cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &admin_e);
	cap_get_flag(caps, CAP_CHOWN, CAP_EFFECTIVE, &chown_e);
	cap_free(caps);
	if (admin_p || admin_e)
		return 4;
	if (!chown_e)
		return 5;
	/* A file system type that does not exist: with CAP_SYS_ADMIN this
	 * is ENODEV and mounts nothing; without, EPERM. */
	if (mount("none", "/", "boxlab-nofs", 0, NULL) == 0 || errno != EPERM)
		return 6;
	return 0;
}

START_TEST(caps_limit_drops_the_rest_for_good)
{
	test_needs_root();
	sec_in_child(limit_child, NULL, why_limit, 7);
}
END_TEST

/* --- 10.3 --------------------------------------------------------------- */

/* In a child: become nobody, keeping the permitted set (KEEPCAPS), make
 * NET_BIND_SERVICE ambient, and run secprobe whoami, its output on the
 * pipe FD. Exits 3 if the test's own setup failed. */
static void ambient_child(int fd, bool ambient)
{
	char *argv[] = { (char *)test_program("secprobe"), "whoami", NULL };
	extern char **environ;

	dup2(fd, 1);
	if (prctl(PR_SET_KEEPCAPS, 1) < 0 || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534) < 0)
		test_child_exit(3);
	if (ambient && sec_caps_ambient(SEC_CAP(CAP_NET_BIND_SERVICE)) < 0)
		test_child_exit(1);
	execve(argv[0], argv, environ);
	test_child_exit(2);
}

/* What secprobe whoami printed, run as nobody, with or without the
 * ambient capability. */
static char *whoami_as_nobody(bool ambient)
{
	int fds[2], status;
	char *out;
	pid_t pid;

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		ambient_child(fds[1], ambient);
	close(fds[1]);
	ck_assert_int_eq(file_read_fd_all(fds[0], &out, NULL), 0);
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	test_assert_no_stub();
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "the child ended with status %d (1: sec_caps_ambient() "
	              "failed; 2: exec failed)",
	              WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return out;
}

START_TEST(caps_ambient_survive_exec_as_nobody)
{
	char *out;

	test_needs_root();
	out = whoami_as_nobody(true);
	ck_assert_msg(strstr(out, "uid 65534 euid 65534\n") &&
	                      strstr(out, "CapEff:\t0000000000000400\n"),
	              "expected nobody with cap_net_bind_service (0x400) "
	              "effective after exec, got:\n%s",
	              out);
	free(out);
}
END_TEST

const struct graded_test caps_tests[] = {
	GRADED("10.1", caps_parse_names_and_sets),
	GRADED("10.1", caps_parse_rejects_an_unknown_name),
	GRADED("10.2", caps_limit_drops_the_rest_for_good),
	GRADED("10.3", caps_ambient_survive_exec_as_nobody),
	{ 0 }
};
