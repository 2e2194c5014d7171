/* test_programs.c - rootless and capls, run by an ordinary user as a
 * student would. They need every exercise of the chapter, so they carry
 * no points; they must pass for the solutions.
 *
 * Each test becomes TEST_UID (testuser.h) before it runs rootless, in a
 * private mount namespace of its own where its directory and, for
 * --subids, its lines in /etc/passwd, /etc/subuid and /etc/subgid live.
 */
#include "harness.h"

#include "testuser.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* Root inside; the file it makes belongs to TEST_UID outside. */
START_TEST(rootless_is_root_inside_and_a_user_outside)
{
	char script[1024], file[256];
	struct run_result r;
	struct stat st;
	const char *dir;

	testuser_sandbox();
	dir = testuser_dir();
	snprintf(file, sizeof(file), "%s/made-inside", dir);
	snprintf(script, sizeof(script),
	         "id -u; id -g; touch %s; stat -c %%u %s", file, file);
	testuser_become();
	TEST_RUN(&r, "rootless", "--", "sh", "-c", script);
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "0\n0\n0\n");
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_int_eq(st.st_uid, TEST_UID);
	ck_assert_int_eq(st.st_gid, TEST_UID);
	test_run_free(&r);
}
END_TEST

/* Root's files outside have no mapping inside: 65534. */
START_TEST(rootless_shows_unmapped_owners_as_overflow)
{
	struct run_result r;

	testuser_sandbox();
	testuser_become();
	TEST_RUN(&r, "rootless", "--", "stat", "-c", "%u:%g", "/etc/passwd");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "65534:65534\n");
	test_run_free(&r);
}
END_TEST

/* Its own UTS namespace, yes; the host's, no. */
START_TEST(rootless_names_its_own_host_only)
{
	char before[128], after[128];
	struct run_result r;

	testuser_sandbox();
	ck_assert_int_eq(gethostname(before, sizeof(before)), 0);
	testuser_become();
	TEST_RUN(&r, "rootless", "--hostname", "boxlab-box", "--", "hostname");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "boxlab-box\n");
	test_run_free(&r);
	TEST_RUN(&r, "rootless", "--", "sh", "-c",
	         "hostname boxlab-evil 2>/dev/null; echo $?");
	test_assert_exit(&r, 0);
	ck_assert_str_ne(r.out, "0\n");
	ck_assert_int_eq(gethostname(after, sizeof(after)), 0);
	ck_assert_str_eq(after, before);
	test_run_free(&r);
}
END_TEST

/* A tmpfs is for anyone's namespace; a real file system on a device is
 * not, nor is signalling a process of the host's root. */
START_TEST(rootless_gets_no_privilege_outside)
{
	struct run_result r;

	testuser_sandbox();
	testuser_become();
	TEST_RUN(&r, "rootless", "--mount", "--", "sh", "-c",
	         "mount -t tmpfs boxlab-tmp /tmp && echo tmpfs-ok; "
	         "mount -t ext4 /dev/null /mnt 2>/dev/null || echo "
	         "ext4-refused; kill -0 1 2>/dev/null || echo "
	         "init-untouchable");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "tmpfs-ok\next4-refused\ninit-untouchable\n");
	test_run_free(&r);
}
END_TEST

/* All capabilities inside, counted in a namespace capls calls its own. */
START_TEST(rootless_has_every_capability_inside)
{
	struct run_result r;

	testuser_sandbox();
	testuser_become();
	TEST_RUN(&r, "rootless", "--", test_program("capls"));
	test_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.out, "(mine, created by uid 0)") &&
	                      strstr(r.out, "  permitted    all\n") &&
	                      strstr(r.out, "  effective    all\n") &&
	                      strstr(r.out, "  libcap text  =ep\n"),
	              "unexpected capls output:\n%s", r.out);
	test_run_free(&r);
}
END_TEST

/* capls from the host: the container's sets are all, one level below,
 * made by the ordinary user. */
START_TEST(capls_sees_a_container_from_outside)
{
	char *argv[] = { (char *)test_program("rootless"),
		         "--pid",
		         "--",
		         "sh",
		         "-c",
		         "echo up; cat",
		         NULL };
	struct running container;
	struct run_result r, seen;
	char pid[16], line[128] = "";
	ssize_t n;

	testuser_sandbox();
	testuser_become();
	test_start(argv, &container);
	test_wait_for_line(container.out_fd, "up");
	testuser_unbecome();
	/* The container's sh is rootless's only child. */
	snprintf(line, sizeof(line), "/proc/%d/task/%d/children",
	         (int)container.pid, (int)container.pid);
	{
		int fd = open(line, O_RDONLY | O_CLOEXEC);

		ck_assert_int_ge(fd, 0);
		n = read(fd, pid, sizeof(pid) - 1);
		close(fd);
		ck_assert_int_gt(n, 0);
		pid[n] = '\0';
		pid[strcspn(pid, " \n")] = '\0';
	}
	TEST_RUN(&seen, "capls", pid);
	test_finish(&container, &r);
	test_assert_exit(&seen, 0);
	ck_assert_msg(
	        strstr(seen.out, "(1 below mine, created by uid 61234)") &&
	                strstr(seen.out, "  permitted    all\n"),
	        "unexpected capls output:\n%s", seen.out);
	test_assert_exit(&r, 0);
	test_run_free(&seen);
	test_run_free(&r);
}
END_TEST

START_TEST(rootless_pid_namespace)
{
	struct run_result r;

	testuser_sandbox();
	testuser_become();
	TEST_RUN(&r, "rootless", "--pid", "--", "sh", "-c",
	         "echo $$; ls /proc | grep -c '^[0-9]'");
	test_assert_exit(&r, 0);
	ck_assert_msg(!strncmp(r.out, "1\n", 2), "not PID 1:\n%s", r.out);
	test_run_free(&r);
}
END_TEST

/* rootless in rootless in rootless: three user namespaces, each root. */
START_TEST(rootless_nests_three_deep)
{
	char script[1024], inner[512];
	struct run_result r;
	const char *rootless = test_program("rootless");
	char a[64], b[64], c[64];
	int uid;

	testuser_sandbox();
	snprintf(inner, sizeof(inner),
	         "readlink /proc/self/ns/user; %s -- sh -c 'readlink "
	         "/proc/self/ns/user; id -u'",
	         rootless);
	snprintf(script, sizeof(script),
	         "readlink /proc/self/ns/user; %s -- sh -c \"%s\"", rootless,
	         inner);
	testuser_become();
	TEST_RUN(&r, "rootless", "--", "sh", "-c", script);
	test_assert_exit(&r, 0);
	ck_assert_msg(sscanf(r.out, "%63s %63s %63s %d", a, b, c, &uid) == 4,
	              "unexpected output:\n%s", r.out);
	ck_assert_str_ne(a, b);
	ck_assert_str_ne(b, c);
	ck_assert_str_ne(a, c);
	ck_assert_int_eq(uid, 0);
	test_run_free(&r);
}
END_TEST

/* The whole contents of PATH. */
static char *slurp(const char *path)
{
	char *text = calloc(1, 65536);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	ck_assert_ptr_nonnull(text);
	if (fd >= 0) {
		ck_assert_int_ge(read(fd, text, 65535), 0);
		close(fd);
	}
	return text;
}

/* Where the helpers are not installed, rootless --subids says so. */
static void expect_no_helpers(void)
{
	struct run_result r;

	testuser_become();
	TEST_RUN(&r, "rootless", "--subids", "--", "true");
	test_assert_exit(&r, 1);
	ck_assert_str_eq(r.err, "rootless: --subids: newuidmap or newgidmap "
	                        "is not installed (Debian package uidmap)\n");
	test_run_free(&r);
}

/* --subids: 65536 more IDs from /etc/subuid; id and ls -ln inside agree
 * with stat outside. */
START_TEST(rootless_subids_maps_a_range)
{
	char script[2048], file[256], *subuid, *subgid;
	struct run_result r;
	struct stat st;
	const char *dir;

	testuser_sandbox();
	subuid = slurp("/etc/subuid");
	subgid = slurp("/etc/subgid");
	if (!testuser_add_to_etc()) {
		expect_no_helpers();
		free(subuid);
		free(subgid);
		return;
	}
	dir = testuser_dir();
	snprintf(file, sizeof(file), "%s/owned-by-1000", dir);
	snprintf(script, sizeof(script),
	         "busybox id -u; busybox touch %s; busybox chown 1000:1000 %s; "
	         "busybox ls -ln %s | busybox awk '{ print $3, $4 }'; "
	         "busybox awk '{ print $1, $2, $3 }' /proc/self/uid_map",
	         file, file, file);
	testuser_become();
	TEST_RUN(&r, "rootless", "--subids", "--", "/bin/busybox", "sh", "-c",
	         script);
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "0\n1000 1000\n0 61234 1\n1 612340000 65536\n");
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_int_eq(st.st_uid, TEST_SUBID_START + 999);
	ck_assert_int_eq(st.st_gid, TEST_SUBID_START + 999);
	test_run_free(&r);
	/* The real files, under the copies, are as they were. */
	testuser_unbecome();
	ck_assert_int_eq(umount2("/etc/subuid", 0), 0);
	ck_assert_int_eq(umount2("/etc/subgid", 0), 0);
	{
		char *now_uid = slurp("/etc/subuid"),
		     *now_gid = slurp("/etc/subgid");

		ck_assert_str_eq(now_uid, subuid);
		ck_assert_str_eq(now_gid, subgid);
		free(now_uid);
		free(now_gid);
	}
	free(subuid);
	free(subgid);
}
END_TEST

START_TEST(rootless_subids_errors)
{
	struct run_result r;

	testuser_sandbox();
	if (!testuser_add_to_etc()) {
		expect_no_helpers();
		return;
	}
	testuser_become();
	TEST_RUN(&r, "rootless", "--subids", "--map", "0:612340000:70000", "--",
	         "true");
	test_assert_exit(&r, 1);
	ck_assert_str_eq(r.err, "rootless: --map 0:612340000:70000: outside "
	                        "the range /etc/subuid gives you "
	                        "(612340000:65536)\n");
	test_run_free(&r);
	/* Without --subids, only one's own ID can be mapped. */
	TEST_RUN(&r, "rootless", "--map", "0:61234:1", "--map",
	         "1:612340000:10", "--", "true");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "Operation not permitted (alone, a user "
	                            "may map only its own ID; --subids maps "
	                            "more)\n"),
	              "unexpected error: %s", r.err);
	test_run_free(&r);
}
END_TEST

/* Bad input: one clear line, status 2. */
START_TEST(bad_input_is_reported)
{
	struct run_result r;

	TEST_RUN(&r, "rootless", "--map", "0:1000", "--", "true");
	test_assert_exit(&r, 2);
	ck_assert_str_eq(r.err, "rootless: --map 0:1000: expected "
	                        "INSIDE:OUTSIDE:COUNT (try rootless --help)\n");
	test_run_free(&r);
	TEST_RUN(&r, "rootless", "--map", "0:1000:10", "--map", "5:2000:1",
	         "--", "true");
	test_assert_exit(&r, 2);
	ck_assert_str_eq(r.err, "rootless: --map 5:2000:1: overlaps an earlier "
	                        "--map (try rootless --help)\n");
	test_run_free(&r);
	TEST_RUN(&r, "rootless", "--map-root", "--map", "0:1000:1", "--",
	         "true");
	test_assert_exit(&r, 2);
	test_run_free(&r);
	TEST_RUN(&r, "rootless", "--bogus");
	test_assert_exit(&r, 2);
	ck_assert_str_eq(r.err, "rootless: unknown option --bogus "
	                        "(try rootless --help)\n");
	test_run_free(&r);
	TEST_RUN(&r, "capls", "abc");
	test_assert_exit(&r, 2);
	ck_assert_str_eq(r.err, "capls: abc: not a process ID "
	                        "(try capls --help)\n");
	test_run_free(&r);
}
END_TEST

const struct graded_test programs_tests[] = {
	PROGRAM(rootless_is_root_inside_and_a_user_outside),
	PROGRAM(rootless_shows_unmapped_owners_as_overflow),
	PROGRAM(rootless_names_its_own_host_only),
	PROGRAM(rootless_gets_no_privilege_outside),
	PROGRAM(rootless_has_every_capability_inside),
	PROGRAM(capls_sees_a_container_from_outside),
	PROGRAM(rootless_pid_namespace),
	PROGRAM(rootless_nests_three_deep),
	PROGRAM(rootless_subids_maps_a_range),
	PROGRAM(rootless_subids_errors),
	PROGRAM(bad_input_is_reported),
	{ 0 },
};
