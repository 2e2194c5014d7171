/* test_seccomp.c - OCI seccomp profiles as libseccomp filters (10.4 and
 * the challenge 10.8). A filter is loaded in a forked child, which it
 * then binds for good. */
#include "child.h"
#include "harness.h"
#include "sec.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Everything allowed, but mkdir and mkdirat (EACCES) and uname
 * (EOPNOTSUPP). */
static const char profile_errnos[] =
        "{ \"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
        "  \"architectures\": [ \"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\" ],\n"
        "  \"syscalls\": [\n"
        "    { \"names\": [ \"mkdir\", \"mkdirat\" ],\n"
        "      \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13 },\n"
        "    { \"names\": [ \"uname\" ], \"action\": \"SCMP_ACT_ERRNO\",\n"
        "      \"errnoRet\": 95 } ] }\n";

/* Build TEXT's filter and load it, here, for good. 1: build failed,
 * 2: load failed. */
static int load_profile(const char *text)
{
	scmp_filter_ctx ctx = NULL;
	char why[256];

	if (sec_seccomp_build(text, &ctx, why, sizeof(why)) < 0)
		return 1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load(ctx))
		return 2;
	seccomp_release(ctx);
	return 0;
}

/* --- 10.4 --------------------------------------------------------------- */

static const char *const why_errnos[] = {
	[1] = "sec_seccomp_build() failed on a good profile",
	[2] = "the filter could not be loaded",
	[3] = "mkdir was not refused with EACCES (errnoRet 13)",
	[4] = "uname was not refused with EOPNOTSUPP (errnoRet 95)",
	[5] = "an allowed call (getpid, open) failed",
};

static int errnos_child(const char *dir)
{
	char path[4096];
	struct utsname un;
	int ret = load_profile(profile_errnos);

	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/new", dir);
	if (mkdir(path, 0755) == 0 || errno != EACCES)
		return 3;
	if (uname(&un) == 0 || errno != EOPNOTSUPP)
		return 4;
	if (getpid() <= 0 || access(dir, F_OK) < 0)
		return 5;
	return 0;
}

START_TEST(seccomp_profile_gives_its_errnos)
{
	sec_in_child(errnos_child, test_tmpdir(), why_errnos, 6);
}
END_TEST

/* A bad profile's error says what is wrong and where. */
static void expect_error(const char *text, const char *expected)
{
	scmp_filter_ctx ctx = NULL;
	char why[256] = "";

	ck_assert_err(sec_seccomp_build(text, &ctx, why, sizeof(why)), -EINVAL,
	              "sec_seccomp_build() of a bad profile");
	ck_assert_msg(strstr(why, expected),
	              "expected the error to name %s, got \"%s\"", expected,
	              why);
}

START_TEST(seccomp_profile_errors_name_the_culprit)
{
	expect_error("{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
	             "[ { \"names\": [ \"read\" ], \"action\": "
	             "\"SCMP_ACT_ALLOW\" }, { \"names\": [ \"getpid\", "
	             "\"mkdirr\" ], \"action\": \"SCMP_ACT_ERRNO\" } ] }",
	             "syscalls[1]: unknown system call \"mkdirr\"");
	expect_error("{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
	             "[ { \"names\": [ \"mkdir\" ], \"action\": "
	             "\"SCMP_ACT_PRAY\" } ] }",
	             "syscalls[0]: unknown action \"SCMP_ACT_PRAY\"");
	expect_error("{ \"defaultAction\": \"SCMP_ACT_MAYBE\" }",
	             "\"SCMP_ACT_MAYBE\"");
	expect_error("{ \"defaultAction\": \"SCMP_ACT_ALLOW\", "
	             "\"architectures\": [ \"SCMP_ARCH_PDP11\" ] }",
	             "\"SCMP_ARCH_PDP11\"");
	expect_error("{ \"defaultAction\": ", "line 1");
}
END_TEST

/* --- 10.8 --------------------------------------------------------------- */

/* Add a rule ACTION for system call NR with the conditions of ARGS (the
 * JSON of a rule's "args") to CTX, through sec_seccomp_conditions() and
 * nothing else of the chapter's. Returns 0, or 1 if the conditions
 * failed. */
static int add_rule_with(scmp_filter_ctx ctx, uint32_t action, int nr,
                         const char *args)
{
	struct scmp_arg_cmp conds[6];
	json_t *json = json_loads(args, 0, NULL);
	unsigned count = 0;
	char why[256];
	int ret;

	ret = sec_seccomp_conditions(json, conds, 6, &count, why, sizeof(why));
	json_decref(json);
	if (ret < 0 || count != 1)
		return 1;
	return seccomp_rule_add_array(ctx, action, nr, count, conds) ? 2 : 0;
}

/* kill(2) with signal 0 refused (EBADFD, 77); umask(2) refused when
 * all of "others" bits are in the new mask (masked: value 7, datum 7). */
static int load_conditions(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int ret;

	ret = add_rule_with(ctx, SCMP_ACT_ERRNO(77), SCMP_SYS(kill),
	                    "[ { \"index\": 1, \"value\": 0, "
	                    "\"valueTwo\": 0, \"op\": \"SCMP_CMP_EQ\" } ]");
	if (ret == 0)
		ret = add_rule_with(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(umask),
		                    "[ { \"index\": 0, \"value\": 7, "
		                    "\"valueTwo\": 7, \"op\": "
		                    "\"SCMP_CMP_MASKED_EQ\" } ]");
	if (ret == 0 &&
	    (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load(ctx)))
		ret = 2;
	seccomp_release(ctx);
	return ret;
}

static const char *const why_args[] = {
	[1] = "sec_seccomp_conditions() failed or gave not one condition",
	[2] = "the filter could not be loaded",
	[3] = "kill(self, 0) was not refused with EBADFD (77)",
	[4] = "kill(self, SIGCONT) was refused: its condition does not hold",
	[5] = "umask(0777) was not refused (MASKED_EQ 7 == 7)",
	[6] = "umask(022) was refused (MASKED_EQ: 2 != 7)",
};

static int args_child(const char *unused)
{
	int ret = load_conditions();

	(void)unused;
	if (ret)
		return ret;
	if (kill(getpid(), 0) == 0 || errno != 77)
		return 3;
	if (kill(getpid(), SIGCONT) < 0)
		return 4;
	if ((int)syscall(SYS_umask, 0777) != -1 || errno != EPERM)
		return 5;
	if ((int)syscall(SYS_umask, 022) < 0)
		return 6;
	return 0;
}

START_TEST(seccomp_conditions_on_arguments)
{
	sec_in_child(args_child, NULL, why_args, 7);
}
END_TEST

START_TEST(seccomp_conditions_name_a_bad_op)
{
	json_t *args = json_loads("[ { \"index\": 1, \"value\": 0, \"op\": "
	                          "\"SCMP_CMP_EQ\" }, "
	                          "{ \"index\": 1, \"value\": 0, \"op\": "
	                          "\"SCMP_CMP_ABOUT\" } ]",
	                          0, NULL);
	struct scmp_arg_cmp conds[6];
	unsigned count;
	char why[256] = "";

	ck_assert_err(sec_seccomp_conditions(args, conds, 6, &count, why,
	                                     sizeof(why)),
	              -EINVAL, "sec_seccomp_conditions() with a bad op");
	ck_assert_msg(
	        strstr(why, "args[1]: unknown op \"SCMP_CMP_ABOUT\""),
	        "expected the error to name args[1] and its op, got \"%s\"",
	        why);
	json_decref(args);
}
END_TEST

const struct graded_test seccomp_tests[] = {
	GRADED("10.4", seccomp_profile_gives_its_errnos),
	GRADED("10.4", seccomp_profile_errors_name_the_culprit),
	GRADED("10.8", seccomp_conditions_on_arguments),
	GRADED("10.8", seccomp_conditions_name_a_bad_op),
	{ 0 }
};
