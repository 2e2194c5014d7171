/* test_userns.c - exercises 4.1 to 4.6 and 4.8: maps, subordinate IDs,
 * writing the maps, becoming root inside, nesting.
 *
 * The parsing and translating tests run on strings and fixtures
 * (tests/fixtures/userns/). The kernel tests make real user namespaces
 * in children, most of them as the ordinary user TEST_UID (testuser.h),
 * and look at the result from both sides. Each test builds the maps it
 * needs by hand, so it depends on its own exercise alone.
 */
#include "harness.h"

#include "testuser.h"
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Child exit codes used below; 1 is testuser_start()'s own failure. */
enum { FAILED = 1, WRONG = 2, NOT_IMPLEMENTED = 4 };
static const char *const why[] = {
	[FAILED] = "the child could not make its user namespace",
	[WRONG] = "the child saw the wrong result",
	[NOT_IMPLEMENTED] = "the child reached a stub",
};
#define WHY why, 5

static struct userns_map one_line(uint32_t inside, uint32_t outside,
                                  uint32_t count)
{
	struct userns_map map = { .count = 1 };

	map.extents[0] = (struct userns_extent){ inside, outside, count };
	return map;
}

/* --- 4.1 ---------------------------------------------------------------- */

START_TEST(parse_accepts_maps)
{
	struct userns_extent e;

	ck_assert_ok(userns_parse_extent("0:1000:1", &e), "0:1000:1");
	ck_assert(e.inside == 0 && e.outside == 1000 && e.count == 1);
	ck_assert_ok(userns_parse_extent("1:100000:65536", &e), "subids");
	ck_assert(e.inside == 1 && e.outside == 100000 && e.count == 65536);
	/* The initial namespace's own map: every ID but 4294967295. */
	ck_assert_ok(userns_parse_extent("0:0:4294967295", &e), "all");
	ck_assert(e.inside == 0 && e.outside == 0 && e.count == 4294967295u);
}
END_TEST

START_TEST(parse_rejects_bad_maps)
{
	static const char *const bad[] = {
		"",
		"0:1000",
		"0:1000:",
		"0:1000:0",
		"-1:0:1",
		" 0:1:1",
		"0:1:1x",
		"a:b:c",
		"0:1:1:1",
		"0::1",
		"0:+1:1",
		"0:4294967296:1",
		"0:4294967295:1",
		"4294967294:0:2",
		"1:0:4294967295",
	};
	struct userns_extent e = { 7, 7, 7 };
	size_t i;
	int ret;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ret = userns_parse_extent(bad[i], &e);
		ck_assert_err(ret, -EINVAL, bad[i]);
	}
	ck_assert_msg(e.inside == 7 && e.outside == 7 && e.count == 7,
	              "a rejected map changed *ret_extent");
}
END_TEST

/* --- 4.2 ---------------------------------------------------------------- */

START_TEST(map_add_keeps_order)
{
	static struct userns_map map;
	struct userns_extent a = { 0, 1000, 1 }, b = { 1, 100000, 65536 },
	                     c = { 70000, 2000, 10 };

	ck_assert_ok(userns_map_add(&map, &a), "0 1000 1");
	ck_assert_ok(userns_map_add(&map, &b), "1 100000 65536");
	ck_assert_ok(userns_map_add(&map, &c), "70000 2000 10");
	ck_assert_int_eq(map.count, 3);
	ck_assert(map.extents[1].outside == 100000 &&
	          map.extents[2].inside == 70000);
}
END_TEST

START_TEST(map_add_rejects_overlaps)
{
	static struct userns_map map;
	struct userns_extent first = { 0, 1000, 10 },
	                     inside = { 9, 5000, 1 }, /* 9 is taken */
	        outside = { 100, 995, 6 },            /* 1000 is taken */
	        zero = { 200, 200, 0 }, wraps = { 300, 4294967295u, 1 },
	                     next = { 10, 1010, 5 }; /* just after */

	ck_assert_ok(userns_map_add(&map, &first), "0 1000 10");
	ck_assert_err(userns_map_add(&map, &inside), -EEXIST,
	              "9 5000 1 after 0 1000 10");
	ck_assert_err(userns_map_add(&map, &outside), -EEXIST,
	              "100 995 6 after 0 1000 10");
	ck_assert_err(userns_map_add(&map, &zero), -EINVAL, "count 0");
	ck_assert_err(userns_map_add(&map, &wraps), -EINVAL,
	              "outside 4294967295");
	ck_assert_int_eq(map.count, 1);
	ck_assert_ok(userns_map_add(&map, &next), "10 1010 5");
	ck_assert_int_eq(map.count, 2);
}
END_TEST

START_TEST(map_add_stops_at_the_kernel_limit)
{
	static struct userns_map map;
	struct userns_extent e;
	uint32_t i;

	for (i = 0; i < USERNS_MAP_MAX; i++) {
		e = (struct userns_extent){ i * 10, 100000 + i * 10, 10 };
		ck_assert_ok(userns_map_add(&map, &e), "a line below 340");
	}
	e = (struct userns_extent){ 50000, 50000, 1 };
	ck_assert_err(userns_map_add(&map, &e), -E2BIG, "line 341");
	ck_assert_int_eq(map.count, USERNS_MAP_MAX);
}
END_TEST

/* --- 4.3 ---------------------------------------------------------------- */

START_TEST(subids_by_name_and_by_number)
{
	int dir = test_open_fixture("userns");
	struct userns_subids s;

	ck_assert_ok(userns_find_subids(dir, "etc/subuid", "bob", 1001, &s),
	             "bob");
	ck_assert(s.start == 165536 && s.count == 65536);
	/* The first line that names alice wins. */
	ck_assert_ok(userns_find_subids(dir, "etc/subuid", "alice", 1000, &s),
	             "alice");
	ck_assert(s.start == 100000 && s.count == 65536);
	/* By uid: the line "61234:..." comes before "boxlab-user:...". */
	ck_assert_ok(
	        userns_find_subids(dir, "etc/subuid", "boxlab-user", 61234, &s),
	        "uid 61234");
	ck_assert_uint_eq(s.start, 612340000u);
	ck_assert_ok(userns_find_subids(dir, "etc/subuid", NULL, 61234, &s),
	             "uid 61234, no name");
	ck_assert_uint_eq(s.count, 65536);
	close(dir);
}
END_TEST

START_TEST(subids_skip_bad_lines)
{
	int dir = test_open_fixture("userns");
	struct userns_subids s = { 7, 7 };
	static const char *const nobody[] = { "carol",   "dave", "erin",
		                              "mallory", "#",    "" };
	size_t i;

	for (i = 0; i < sizeof(nobody) / sizeof(nobody[0]); i++)
		ck_assert_err(userns_find_subids(dir, "etc/subuid", nobody[i],
		                                 4242, &s),
		              -ENOENT, nobody[i]);
	ck_assert_err(
	        userns_find_subids(dir, "etc/nonexistent", "alice", 1000, &s),
	        -ENOENT, "a missing file");
	ck_assert(s.start == 7 && s.count == 7);
	close(dir);
}
END_TEST

/* --- 4.4 ---------------------------------------------------------------- */

START_TEST(translate_both_ways)
{
	static struct userns_map map;
	int dir = test_open_fixture("userns");
	uint32_t id = 7;

	ck_assert_int_eq(userns_read_map(dir, "proc/uid_map", &map), 0);
	ck_assert_ok(userns_map_id(&map, USERNS_TO_OUTSIDE, 0, &id), "0");
	ck_assert_uint_eq(id, 61234);
	ck_assert_ok(userns_map_id(&map, USERNS_TO_OUTSIDE, 65536, &id),
	             "65536");
	ck_assert_uint_eq(id, 612405535u);
	ck_assert_err(userns_map_id(&map, USERNS_TO_OUTSIDE, 65537, &id),
	              -ENOENT, "65537 inside");
	ck_assert_ok(userns_map_id(&map, USERNS_TO_INSIDE, 61234, &id),
	             "61234");
	ck_assert_uint_eq(id, 0);
	ck_assert_ok(userns_map_id(&map, USERNS_TO_INSIDE, 612340999u, &id),
	             "612340999");
	ck_assert_uint_eq(id, 1000);
	ck_assert_err(userns_map_id(&map, USERNS_TO_INSIDE, 0, &id), -ENOENT,
	              "root outside");
	ck_assert_err(userns_map_id(&map, USERNS_TO_INSIDE, 612339999u, &id),
	              -ENOENT, "just below the range");
	close(dir);
}
END_TEST

START_TEST(translate_near_the_top)
{
	static struct userns_map map;
	int dir = test_open_fixture("userns");
	uint32_t id = 7;

	ck_assert_int_eq(userns_read_map(dir, "proc/uid_map-initial", &map), 0);
	ck_assert_ok(userns_map_id(&map, USERNS_TO_OUTSIDE, 4294967294u, &id),
	             "4294967294");
	ck_assert_uint_eq(id, 4294967294u);
	ck_assert_err(userns_map_id(&map, USERNS_TO_INSIDE, 4294967295u, &id),
	              -ENOENT, "4294967295 is no ID");
	/* first + count would wrap here: the comparison must not. */
	map = one_line(10, 4294967000u, 294);
	ck_assert_ok(userns_map_id(&map, USERNS_TO_INSIDE, 4294967293u, &id),
	             "4294967293");
	ck_assert_uint_eq(id, 303);
	ck_assert_err(userns_map_id(&map, USERNS_TO_INSIDE, 5, &id), -ENOENT,
	              "5");
	close(dir);
}
END_TEST

/* In a user namespace mapped "0 61234 1": /etc/passwd belongs to root
 * outside, which has no mapping here, so stat(2) says 65534; the map,
 * read back from /proc, agrees. */
static int check_overflow(void)
{
	static struct userns_map map;
	struct stat st;
	uint32_t id;
	int ret;

	if (stat("/etc/passwd", &st) < 0 ||
	    userns_read_map(AT_FDCWD, "/proc/self/uid_map", &map) < 0)
		return WRONG;
	ret = userns_map_id(&map, USERNS_TO_INSIDE, 0, &id);
	if (ret == -ENOSYS)
		return NOT_IMPLEMENTED;
	if (ret != -ENOENT || st.st_uid != USERNS_OVERFLOW_ID || getuid() != 0)
		return WRONG;
	ret = userns_map_id(&map, USERNS_TO_INSIDE, TEST_UID, &id);
	return ret == 0 && id == 0 ? 0 : WRONG;
}

START_TEST(translate_unmapped_is_overflow)
{
	struct testuser_child child;

	testuser_become();
	testuser_start(&child, 0, check_overflow);
	ck_assert_int_eq(
	        testuser_write_proc(child.pid, "uid_map", "0 61234 1\n"), 0);
	testuser_finish(&child, WHY);
}
END_TEST

/* --- 4.5 ---------------------------------------------------------------- */

/* Root inside, and setgroups denied. */
static int check_root_and_deny(void)
{
	char text[16] = "";
	int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, text, sizeof(text) - 1) < 0)
		return WRONG;
	close(fd);
	return getuid() == 0 && getgid() == 0 && !strcmp(text, "deny\n")
	               ? 0
	               : WRONG;
}

START_TEST(write_maps_as_an_ordinary_user)
{
	struct userns_map uids = one_line(0, TEST_UID, 1),
	                  gids = one_line(0, TEST_UID, 1);
	struct testuser_child child;

	testuser_become();
	testuser_start(&child, 0, check_root_and_deny);
	ck_assert_ok(userns_write_maps(child.pid, &uids, &gids),
	             "userns_write_maps");
	testuser_finish(&child, WHY);
}
END_TEST

/* The one-write rule: the second time, the kernel says EPERM. */
START_TEST(write_maps_only_once)
{
	struct userns_map uids = one_line(0, TEST_UID, 1),
	                  gids = one_line(0, TEST_UID, 1);
	struct testuser_child child;

	testuser_become();
	testuser_start(&child, 0, check_root_and_deny);
	ck_assert_ok(userns_write_maps(child.pid, &uids, NULL), "uid_map");
	ck_assert_err(userns_write_maps(child.pid, &uids, NULL), -EPERM,
	              "uid_map written twice");
	ck_assert_ok(userns_write_maps(child.pid, NULL, &gids), "gid_map");
	testuser_finish(&child, WHY);
}
END_TEST

/* An ordinary user may map its own ID, nothing else. */
START_TEST(write_maps_refused_beyond_own_id)
{
	struct userns_map uids = one_line(0, TEST_UID + 1, 1);
	struct testuser_child child;
	char text[64] = "";
	int fd, n;

	testuser_become();
	testuser_start(&child, 0, check_root_and_deny);
	ck_assert_err(userns_write_maps(child.pid, &uids, NULL), -EPERM,
	              "mapping someone else's uid");
	snprintf(text, sizeof(text), "/proc/%d/uid_map", (int)child.pid);
	fd = open(text, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	n = read(fd, text, sizeof(text));
	ck_assert_msg(n == 0, "a refused map left %d bytes in uid_map", n);
	close(fd);
	kill(child.pid, SIGKILL);
	waitpid(child.pid, NULL, 0);
}
END_TEST

static int check_two_lines(void)
{
	char text[256] = "";
	int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC), ok;

	if (fd < 0 || read(fd, text, sizeof(text) - 1) < 0)
		return WRONG;
	close(fd);
	ok = strstr(text, "0     100000       1000\n") &&
	     strstr(text, "1000          0          1\n") && getuid() == 1000;
	fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, text, sizeof(text) - 1) < 0)
		return WRONG;
	close(fd);
	/* No gid_map was given: setgroups stays as it was. */
	return ok && !strncmp(text, "allow\n", 6) ? 0 : WRONG;
}

/* Root may write several lines, in one write. */
START_TEST(write_maps_several_lines_as_root)
{
	struct userns_map uids = one_line(0, 100000, 1000);
	struct testuser_child child;

	test_needs_root();
	uids.extents[1] = (struct userns_extent){ 1000, 0, 1 };
	uids.count = 2;
	testuser_start(&child, 0, check_two_lines);
	ck_assert_ok(userns_write_maps(child.pid, &uids, NULL), "two lines");
	testuser_finish(&child, WHY);
}
END_TEST

/* --- 4.6 ---------------------------------------------------------------- */

static int check_become_root(void)
{
	int ret = userns_become_root();
	uid_t r, e, s;
	gid_t gr, ge, gs;

	if (ret == -ENOSYS)
		return NOT_IMPLEMENTED;
	if (ret < 0 || getresuid(&r, &e, &s) < 0 || getresgid(&gr, &ge, &gs))
		return WRONG;
	return r == 0 && e == 0 && s == 0 && gr == 0 && ge == 0 && gs == 0
	               ? 0
	               : WRONG;
}

/* Created by root, the child is uid 1000 in here ("1000 0 1"); it becomes
 * 0, which is 100000 outside. */
START_TEST(become_root_inside)
{
	struct testuser_child child;

	test_needs_root();
	testuser_start(&child, 0, check_become_root);
	ck_assert_int_eq(testuser_write_proc(child.pid, "uid_map",
	                                     "0 100000 1000\n1000 0 1\n"),
	                 0);
	ck_assert_int_eq(testuser_write_proc(child.pid, "gid_map",
	                                     "0 100000 1000\n1000 0 1\n"),
	                 0);
	testuser_finish(&child, WHY);
}
END_TEST

static int check_unmapped_root(void)
{
	int ret = userns_become_root();

	if (ret == -ENOSYS)
		return NOT_IMPLEMENTED;
	return ret == -EINVAL && getuid() == 1000 ? 0 : WRONG;
}

START_TEST(become_root_needs_a_mapped_root)
{
	struct testuser_child child;

	test_needs_root();
	testuser_start(&child, 0, check_unmapped_root);
	ck_assert_int_eq(
	        testuser_write_proc(child.pid, "uid_map", "1000 0 1\n"), 0);
	ck_assert_int_eq(
	        testuser_write_proc(child.pid, "gid_map", "1000 0 1\n"), 0);
	testuser_finish(&child, WHY);
}
END_TEST

/* --- 4.8 ---------------------------------------------------------------- */

/* Make one more user namespace, mapped "0 0 1" by this process itself
 * (allowed: one line, its own IDs, setgroups denied): a namespace can
 * only be made by a process whose uid and gid are mapped. Returns 0 or
 * -errno. */
static int nest_once(void)
{
	if (unshare(CLONE_NEWUSER) < 0)
		return -errno;
	if (testuser_write_proc(getpid(), "uid_map", "0 0 1\n") < 0 ||
	    testuser_write_proc(getpid(), "setgroups", "deny") < 0 ||
	    testuser_write_proc(getpid(), "gid_map", "0 0 1\n") < 0)
		return -EIO;
	return 0;
}

START_TEST(depth_of_the_host_is_zero)
{
	ck_assert_int_eq(userns_depth(getpid()), 0);
	test_assert_no_stub();
}
END_TEST

/* A child three levels down is 3 deep seen from here, 0 from inside,
 * and it can go on to 33 levels below the initial namespace, no more. */
START_TEST(depth_of_nested_namespaces)
{
	int ready[2], go[2], depth, levels = 3, status;
	char byte;
	pid_t child;

	test_needs_root();
	ck_assert_int_eq(pipe2(ready, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(go, O_CLOEXEC), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		close(ready[0]);
		while (levels-- > 0)
			if (nest_once() < 0)
				_exit(1);
		if (userns_depth(getpid()) != 0)
			_exit(WRONG);
		close(ready[1]);
		if (read(go[0], &byte, 1) < 0)
			_exit(1);
		for (levels = 3; nest_once() == 0; levels++)
			;
		/* 33 below the initial namespace, which the runner is
		 * in on a machine of one's own. */
		if ((errno != ENOSPC && errno != EUSERS) ||
		    levels > USERNS_MAX_DEPTH)
			_exit(WRONG);
		test_child_passed();
	}
	close(ready[1]);
	close(go[0]);
	ck_assert_int_eq(read(ready[0], &byte, 1), 0);
	depth = userns_depth(child);
	close(go[1]);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_ok(depth, "userns_depth");
	ck_assert_int_eq(depth, 3);
	ck_assert_child_passed(status, why, 5);
}
END_TEST

const struct graded_test userns_tests[] = {
	GRADED("4.1", parse_accepts_maps),
	GRADED("4.1", parse_rejects_bad_maps),
	GRADED("4.2", map_add_keeps_order),
	GRADED("4.2", map_add_rejects_overlaps),
	GRADED("4.2", map_add_stops_at_the_kernel_limit),
	GRADED("4.3", subids_by_name_and_by_number),
	GRADED("4.3", subids_skip_bad_lines),
	GRADED("4.4", translate_both_ways),
	GRADED("4.4", translate_near_the_top),
	GRADED("4.4", translate_unmapped_is_overflow),
	GRADED("4.5", write_maps_as_an_ordinary_user),
	GRADED("4.5", write_maps_only_once),
	GRADED("4.5", write_maps_refused_beyond_own_id),
	GRADED("4.5", write_maps_several_lines_as_root),
	GRADED("4.6", become_root_inside),
	GRADED("4.6", become_root_needs_a_mapped_root),
	GRADED("4.8", depth_of_the_host_is_zero),
	GRADED("4.8", depth_of_nested_namespaces),
	{ 0 },
};
