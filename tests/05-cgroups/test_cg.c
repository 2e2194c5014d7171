/* test_cg.c - exercises 5.1 to 5.7: cgroups behind one interface.
 *
 * tests/fixtures/cgroup/ holds the three layouts as a mounts file plus a
 * directory tree (v2, v1 with a combined "cpu,cpuacct", hybrid like a VM
 * whose PID 1 is not systemd), counters to read (stats-*), and empty
 * control files to write into (knobs-*). Tests that write work on a copy.
 * The tests on the real kernel make their cgroups themselves, found with
 * getmntent here, so that each exercise is graded alone.
 */
#include "harness.h"

#include "cg.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* Detect fixture LAYOUT with mounts file MOUNTS. */
static struct cg_system detect_fixture(const char *layout, const char *mounts)
{
	char path[512], root[400];
	struct cg_system system;

	snprintf(root, sizeof(root), "%s", test_fixture(layout));
	snprintf(path, sizeof(path), "%s/%s", root, mounts);
	ck_assert_ok(cg_detect(path, root, &system), "cg_detect");
	return system;
}

/* Fail unless controller C of SYSTEM is at ROOT-relative DIR ("" none). */
static void expect_mount(const struct cg_system *system, int c,
                         const char *layout, const char *dir, bool v2)
{
	char expected[512] = "";

	if (dir[0])
		snprintf(expected, sizeof(expected), "%s%s",
		         test_fixture(layout), dir);
	ck_assert_msg(strcmp(system->mount[c], expected) == 0,
	              "%s: %s: expected \"%s\", got \"%s\"", layout,
	              cg_controller_names[c], expected, system->mount[c]);
	ck_assert_msg(system->v2[c] == v2, "%s: %s: v2 should be %d", layout,
	              cg_controller_names[c], v2);
}

START_TEST(detect_v2)
{
	struct cg_system system = detect_fixture("cgroup/v2", "mounts");
	int c;

	ck_assert_int_eq(system.layout, CG_LAYOUT_V2);
	for (c = 0; c < CG_CONTROLLERS; c++)
		expect_mount(&system, c, "cgroup/v2", "/sys/fs/cgroup", true);
}
END_TEST

START_TEST(detect_v1)
{
	struct cg_system system = detect_fixture("cgroup/v1", "mounts");

	ck_assert_int_eq(system.layout, CG_LAYOUT_V1);
	ck_assert_str_eq(system.v2_mount, "");
	expect_mount(&system, CG_MEMORY, "cgroup/v1", "/sys/fs/cgroup/memory",
	             false);
	expect_mount(&system, CG_PIDS, "cgroup/v1", "/sys/fs/cgroup/pids",
	             false);
	expect_mount(&system, CG_CPU, "cgroup/v1", "/sys/fs/cgroup/cpu,cpuacct",
	             false);
	expect_mount(&system, CG_CPUACCT, "cgroup/v1",
	             "/sys/fs/cgroup/cpu,cpuacct", false);
}
END_TEST

/* This machine's kind: v1 controllers, cgroup2 beside with hugetlb only. */
START_TEST(detect_hybrid)
{
	struct cg_system system = detect_fixture("cgroup/hybrid", "mounts");
	char v2[512];

	ck_assert_int_eq(system.layout, CG_LAYOUT_HYBRID);
	snprintf(v2, sizeof(v2), "%s/sys/fs/cgroup/unified",
	         test_fixture("cgroup/hybrid"));
	ck_assert_str_eq(system.v2_mount, v2);
	expect_mount(&system, CG_MEMORY, "cgroup/hybrid",
	             "/sys/fs/cgroup/memory", false);
	expect_mount(&system, CG_CPU, "cgroup/hybrid", "/sys/fs/cgroup/cpu",
	             false);
	expect_mount(&system, CG_CPUACCT, "cgroup/hybrid",
	             "/sys/fs/cgroup/cpuacct", false);
}
END_TEST

START_TEST(detect_edge_cases)
{
	struct cg_system system = detect_fixture("cgroup/none", "mounts");
	int c, ret;

	ck_assert_int_eq(system.layout, CG_LAYOUT_NONE);
	for (c = 0; c < CG_CONTROLLERS; c++)
		ck_assert_str_eq(system.mount[c], "");
	/* A named v1 hierarchy has no controllers: still pure v2. */
	system = detect_fixture("cgroup/v2", "mounts-with-named");
	ck_assert_int_eq(system.layout, CG_LAYOUT_V2);
	ret = cg_detect("/nonexistent/mounts", "", &system);
	ck_assert_err(ret, -ENOENT, "a missing mounts file");
}
END_TEST

/* The real machine: the layout agrees with statfs(2) of /sys/fs/cgroup
 * and with whether a cgroup2 is mounted anywhere. */
START_TEST(detect_this_machine)
{
	struct cg_system system;
	struct statfs fs;
	bool any_v2 = false;
	struct mntent *entry;
	struct stat st;
	FILE *mounts;

	ck_assert_ok(cg_detect("/proc/self/mounts", "", &system), "cg_detect");
	mounts = setmntent("/proc/self/mounts", "re");
	while ((entry = getmntent(mounts)))
		any_v2 = any_v2 || !strcmp(entry->mnt_type, "cgroup2");
	endmntent(mounts);
	ck_assert_int_eq(statfs("/sys/fs/cgroup", &fs), 0);
	if (fs.f_type == CGROUP2_SUPER_MAGIC)
		ck_assert_int_eq(system.layout, CG_LAYOUT_V2);
	else
		ck_assert_int_eq(system.layout,
		                 any_v2 ? CG_LAYOUT_HYBRID : CG_LAYOUT_V1);
	ck_assert_msg(system.mount[CG_MEMORY][0] &&
	                      stat(system.mount[CG_MEMORY], &st) == 0,
	              "no usable memory hierarchy found: \"%s\"",
	              system.mount[CG_MEMORY]);
}
END_TEST

/* A cg_system for a copy of fixture LAYOUT, written out by hand. */
static struct cg_system system_v2(const char *copy)
{
	struct cg_system system = { .layout = CG_LAYOUT_V2 };
	int c;

	snprintf(system.v2_mount, PATH_MAX, "%s/sys/fs/cgroup", copy);
	for (c = 0; c < CG_CONTROLLERS; c++) {
		snprintf(system.mount[c], PATH_MAX, "%s", system.v2_mount);
		system.v2[c] = true;
	}
	return system;
}

static void expect_file(const char *dir, const char *file, const char *expected)
{
	char path[PATH_MAX + 64], *text;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ck_assert_msg(file_read_all(AT_FDCWD, path, &text, NULL) == 0,
	              "%s was not created", path);
	ck_assert_msg(strcmp(text, expected) == 0,
	              "%s: expected \"%s\", got \"%s\"", path, expected, text);
	free(text);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* In cgroup2 the root and CG_PARENT must hand the controllers down. */
START_TEST(create_v2)
{
	const char *copy = test_copy_fixture("cgroup/v2");
	struct cg_system system = system_v2(copy);
	char expected[PATH_MAX + 32];
	struct cg cg;
	int c;

	ck_assert_ok(cg_create(&system, "test1", &cg), "cg_create");
	snprintf(expected, sizeof(expected), "%s/sys/fs/cgroup/boxlab/test1",
	         copy);
	ck_assert_msg(is_dir(expected), "%s was not made", expected);
	for (c = 0; c < CG_CONTROLLERS; c++) {
		ck_assert_str_eq(cg.dir[c], expected);
		ck_assert(cg.v2[c]);
	}
	expect_file(system.v2_mount, "cgroup.subtree_control",
	            "+memory +pids +cpu");
	snprintf(expected, sizeof(expected), "%s/boxlab", system.v2_mount);
	expect_file(expected, "cgroup.subtree_control", "+memory +pids +cpu");
}
END_TEST

/* In v1, one directory per hierarchy; cpu and cpuacct share one. */
START_TEST(create_v1)
{
	const char *copy = test_copy_fixture("cgroup/v1");
	struct cg_system system = { .layout = CG_LAYOUT_V1 };
	static const char *const dirs[CG_CONTROLLERS] = { "memory", "pids",
		                                          "cpu,cpuacct",
		                                          "cpu,cpuacct" };
	char expected[PATH_MAX + 64];
	struct cg cg;
	int c;

	for (c = 0; c < CG_CONTROLLERS; c++)
		snprintf(system.mount[c], PATH_MAX, "%s/sys/fs/cgroup/%s", copy,
		         dirs[c]);
	ck_assert_ok(cg_create(&system, "test1", &cg), "cg_create");
	for (c = 0; c < CG_CONTROLLERS; c++) {
		snprintf(expected, sizeof(expected), "%s/boxlab/test1",
		         system.mount[c]);
		ck_assert_str_eq(cg.dir[c], expected);
		ck_assert_msg(is_dir(expected), "%s was not made", expected);
		ck_assert(!cg.v2[c]);
	}
}
END_TEST

START_TEST(create_errors)
{
	const char *copy = test_copy_fixture("cgroup/v2");
	struct cg_system system = system_v2(copy), empty = { 0 };
	struct cg cg;
	int ret;

	ret = cg_create(&system, "taken", &cg);
	ck_assert_err(ret, -EEXIST, "a group that exists");
	ret = cg_create(&empty, "test1", &cg);
	ck_assert_err(ret, -ENOENT, "a system without controllers");
}
END_TEST

/* A cg whose controllers all use DIR (v2 when V2). */
static struct cg cg_in(const char *dir, bool v2)
{
	struct cg cg = { 0 };
	int c;

	for (c = 0; c < CG_CONTROLLERS; c++) {
		snprintf(cg.dir[c], PATH_MAX, "%s", dir);
		cg.v2[c] = v2;
	}
	return cg;
}

START_TEST(attach_writes_each_directory)
{
	const char *copy = test_copy_fixture("cgroup/v1/sys/fs/cgroup");
	struct cg cg = { 0 };
	char dir[PATH_MAX];

	snprintf(cg.dir[CG_MEMORY], PATH_MAX, "%s/memory", copy);
	snprintf(cg.dir[CG_PIDS], PATH_MAX, "%s/pids", copy);
	snprintf(cg.dir[CG_CPU], PATH_MAX, "%s/cpu,cpuacct", copy);
	snprintf(cg.dir[CG_CPUACCT], PATH_MAX, "%s/cpu,cpuacct", copy);
	ck_assert_ok(cg_attach(&cg, 4242), "cg_attach");
	expect_file(cg.dir[CG_MEMORY], "cgroup.procs", "4242");
	expect_file(cg.dir[CG_PIDS], "cgroup.procs", "4242");
	expect_file(cg.dir[CG_CPU], "cgroup.procs", "4242");
	snprintf(dir, sizeof(dir), "%s/devices", copy);
	expect_file(dir, "cgroup.procs", "");
}
END_TEST

/* The mount point of the v1 or v2 hierarchy with CONTROLLER, found by the
 * test itself; "" if none. */
static const char *find_hierarchy(const char *controller, bool *ret_v2)
{
	static char found[256];
	char path[PATH_MAX + 32], *text;
	struct mntent *entry;
	FILE *mounts = setmntent("/proc/self/mounts", "re");

	found[0] = '\0';
	while ((entry = getmntent(mounts)) && !found[0]) {
		if (!strcmp(entry->mnt_type, "cgroup") &&
		    hasmntopt(entry, controller)) {
			snprintf(found, sizeof(found), "%s", entry->mnt_dir);
			*ret_v2 = false;
		}
		if (strcmp(entry->mnt_type, "cgroup2"))
			continue;
		snprintf(path, sizeof(path), "%s/cgroup.controllers",
		         entry->mnt_dir);
		if (file_read_all(AT_FDCWD, path, &text, NULL) == 0) {
			if (strstr(text, controller)) {
				snprintf(found, sizeof(found), "%s",
				         entry->mnt_dir);
				*ret_v2 = true;
			}
			free(text);
		}
	}
	endmntent(mounts);
	return found;
}

/* A child that pauses until the test ends. */
static pid_t start_sleeper(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	return pid;
}

/* Is PID in DIR, by /proc/PID/cgroup? The line ends in DIR's path below
 * the hierarchy: ".../boxlab/NAME". */
static bool in_cgroup(pid_t pid, const char *name)
{
	char path[64], *text;
	bool found;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	ck_assert_int_eq(file_read_all(AT_FDCWD, path, &text, NULL), 0);
	found = strstr(text, name) != NULL;
	free(text);
	return found;
}

/* On the real kernel: the pids hierarchy, a group the test makes. */
START_TEST(attach_moves_a_real_process)
{
	char parent[300], dir[400], name[64];
	const char *mount;
	bool v2, moved;
	struct cg cg;
	pid_t sleeper;
	int ret;

	test_needs_root();
	mount = find_hierarchy("pids", &v2);
	ck_assert_msg(mount[0], "no pids controller on this machine");
	snprintf(name, sizeof(name), "/boxlab/attach-%d", (int)getpid());
	snprintf(parent, sizeof(parent), "%s/boxlab", mount);
	mkdir(parent, 0755);
	snprintf(dir, sizeof(dir), "%s%s", mount, name);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	cg = cg_in("", v2);
	snprintf(cg.dir[CG_PIDS], PATH_MAX, "%s", dir);
	sleeper = start_sleeper();
	ret = cg_attach(&cg, sleeper);
	moved = in_cgroup(sleeper, name);
	kill(sleeper, SIGKILL);
	waitpid(sleeper, NULL, 0);
	/* Clean up before asserting: a failed test leaves nothing. */
	rmdir(dir);
	rmdir(parent);
	ck_assert_ok(ret, "cg_attach");
	ck_assert_msg(moved, "/proc/%d/cgroup does not show %s", (int)sleeper,
	              name);
}
END_TEST

START_TEST(memory_v2_with_swap)
{
	struct cg cg = cg_in(test_copy_fixture("cgroup/knobs-v2"), true);

	ck_assert_ok(cg_set_memory(&cg, 64 << 20), "cg_set_memory");
	expect_file(cg.dir[CG_MEMORY], "memory.max", "67108864");
	expect_file(cg.dir[CG_MEMORY], "memory.swap.max", "0");
	cg = cg_in(test_copy_fixture("cgroup/knobs-v2-noswap"), true);
	ck_assert_ok(cg_set_memory(&cg, 4096), "cg_set_memory without swap");
	expect_file(cg.dir[CG_MEMORY], "memory.max", "4096");
}
END_TEST

START_TEST(memory_v1_and_missing)
{
	struct cg cg = cg_in(test_copy_fixture("cgroup/knobs-v1"), false);
	int ret;

	ck_assert_ok(cg_set_memory(&cg, 64 << 20), "cg_set_memory");
	expect_file(cg.dir[CG_MEMORY], "memory.limit_in_bytes", "67108864");
	expect_file(cg.dir[CG_MEMORY], "memory.memsw.limit_in_bytes",
	            "67108864");
	cg.dir[CG_MEMORY][0] = '\0';
	ret = cg_set_memory(&cg, 4096);
	ck_assert_err(ret, -ENOENT, "a cgroup without memory controller");
}
END_TEST

START_TEST(cpu_v2)
{
	struct cg cg = cg_in(test_copy_fixture("cgroup/knobs-v2"), true);
	int ret;

	ck_assert_ok(cg_set_cpu(&cg, 50000, 100000, 200), "cg_set_cpu");
	expect_file(cg.dir[CG_CPU], "cpu.max", "50000 100000");
	expect_file(cg.dir[CG_CPU], "cpu.weight", "200");
	cg = cg_in(test_copy_fixture("cgroup/knobs-v2"), true);
	ck_assert_ok(cg_set_cpu(&cg, 0, 100000, 0), "cg_set_cpu(no quota)");
	expect_file(cg.dir[CG_CPU], "cpu.max", "max 100000");
	expect_file(cg.dir[CG_CPU], "cpu.weight", "");
	ret = cg_set_cpu(&cg, 0, 100000, 20000);
	ck_assert_err(ret, -EINVAL, "weight 20000");
}
END_TEST

START_TEST(cpu_v1)
{
	struct cg cg = cg_in(test_copy_fixture("cgroup/knobs-v1"), false);

	ck_assert_ok(cg_set_cpu(&cg, 50000, 100000, 200), "cg_set_cpu");
	expect_file(cg.dir[CG_CPU], "cpu.cfs_period_us", "100000");
	expect_file(cg.dir[CG_CPU], "cpu.cfs_quota_us", "50000");
	expect_file(cg.dir[CG_CPU], "cpu.shares", "2048");
	cg = cg_in(test_copy_fixture("cgroup/knobs-v1"), false);
	ck_assert_ok(cg_set_cpu(&cg, 0, 100000, 0), "cg_set_cpu(no quota)");
	expect_file(cg.dir[CG_CPU], "cpu.cfs_quota_us", "-1");
}
END_TEST

START_TEST(stats_v2)
{
	struct cg cg = cg_in(test_fixture("cgroup/stats-v2"), true);
	struct cg_stats stats;

	ck_assert_ok(cg_read_stats(&cg, &stats), "cg_read_stats");
	ck_assert_uint_eq(stats.memory_current, 1048576);
	ck_assert_uint_eq(stats.memory_peak, 4194304);
	ck_assert_uint_eq(stats.oom_kills, 2);
	ck_assert_uint_eq(stats.pids_current, 3);
	ck_assert_uint_eq(stats.pids_refused, 57);
	ck_assert_uint_eq(stats.cpu_usage_usec, 1500000);
}
END_TEST

START_TEST(stats_v1)
{
	const char *base = test_fixture("cgroup/stats-v1");
	struct cg cg = { 0 };
	struct cg_stats stats;

	snprintf(cg.dir[CG_MEMORY], PATH_MAX, "%s/memory", base);
	snprintf(cg.dir[CG_PIDS], PATH_MAX, "%s/pids", base);
	snprintf(cg.dir[CG_CPUACCT], PATH_MAX, "%s/cpuacct", base);
	ck_assert_ok(cg_read_stats(&cg, &stats), "cg_read_stats");
	ck_assert_uint_eq(stats.memory_current, 2097152);
	ck_assert_uint_eq(stats.memory_peak, 8388608);
	ck_assert_uint_eq(stats.oom_kills, 1);
	ck_assert_uint_eq(stats.pids_current, 5);
	ck_assert_uint_eq(stats.pids_refused, 0);
	ck_assert_uint_eq(stats.cpu_usage_usec, 2500000);
}
END_TEST

/* On the real kernel: three sleepers in a pids group the test makes;
 * cg_destroy kills them and removes the group and boxlab/. */
START_TEST(destroy_kills_and_removes)
{
	char parent[512], dir[400], pid_text[16];
	pid_t sleepers[3];
	const char *mount;
	int i, status, ret;
	struct cg cg;
	bool v2;

	test_needs_root();
	mount = find_hierarchy("pids", &v2);
	ck_assert_msg(mount[0], "no pids controller on this machine");
	snprintf(parent, sizeof(parent), "%s/boxlab", mount);
	mkdir(parent, 0755);
	snprintf(dir, sizeof(dir), "%s/boxlab/destroy-%d", mount,
	         (int)getpid());
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	for (i = 0; i < 3; i++) {
		sleepers[i] = start_sleeper();
		snprintf(pid_text, sizeof(pid_text), "%d", (int)sleepers[i]);
		snprintf(parent, sizeof(parent), "%s/cgroup.procs", dir);
		ck_assert_int_eq(file_write_string(AT_FDCWD, parent, pid_text),
		                 0);
	}
	cg = cg_in("", v2);
	snprintf(cg.dir[CG_PIDS], PATH_MAX, "%s", dir);
	ret = cg_destroy(&cg);
	for (i = 0; i < 3; i++) {
		kill(sleepers[i], SIGKILL); /* in case it did not */
		waitpid(sleepers[i], &status, 0);
	}
	if (ret < 0) {
		rmdir(dir);
		snprintf(parent, sizeof(parent), "%s/boxlab", mount);
		rmdir(parent);
		ck_assert_ok(ret, "cg_destroy");
	}
	ck_assert_msg(!is_dir(dir), "%s is still there", dir);
	snprintf(parent, sizeof(parent), "%s/boxlab", mount);
	ck_assert_msg(!is_dir(parent) || rmdir(parent) < 0,
	              "the empty boxlab/ was left behind");
}
END_TEST

/* CG_PARENT stays while another group is in it. */
START_TEST(destroy_keeps_a_shared_parent)
{
	const char *copy = test_copy_fixture("cgroup/v2");
	char dir[PATH_MAX + 64], other[PATH_MAX + 64];
	struct cg cg;

	snprintf(dir, sizeof(dir), "%s/sys/fs/cgroup/boxlab/mine", copy);
	snprintf(other, sizeof(other), "%s/sys/fs/cgroup/boxlab/taken", copy);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	cg = cg_in(dir, false);
	ck_assert_ok(cg_destroy(&cg), "cg_destroy");
	ck_assert_msg(!is_dir(dir), "%s is still there", dir);
	ck_assert_msg(is_dir(other), "another group's directory was removed");
}
END_TEST

const struct graded_test cg_tests[] = {
	GRADED("5.1", detect_v2),
	GRADED("5.1", detect_v1),
	GRADED("5.1", detect_hybrid),
	GRADED("5.1", detect_edge_cases),
	GRADED("5.1", detect_this_machine),
	GRADED("5.2", create_v2),
	GRADED("5.2", create_v1),
	GRADED("5.2", create_errors),
	GRADED("5.3", attach_writes_each_directory),
	GRADED("5.3", attach_moves_a_real_process),
	GRADED("5.4", memory_v2_with_swap),
	GRADED("5.4", memory_v1_and_missing),
	GRADED("5.5", cpu_v2),
	GRADED("5.5", cpu_v1),
	GRADED("5.6", stats_v2),
	GRADED("5.6", stats_v1),
	GRADED("5.7", destroy_kills_and_removes),
	GRADED("5.7", destroy_keeps_a_shared_parent),
	{ 0 },
};
