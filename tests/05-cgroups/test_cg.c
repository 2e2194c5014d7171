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
	/* cgroup2 has no freezer controller: cgroup.freeze is in every group. */
	for (c = 0; c < CG_CONTROLLERS; c++)
		expect_mount(&system, c, "cgroup/v2",
		             c == CG_FREEZER ? "" : "/sys/fs/cgroup",
		             c != CG_FREEZER);
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
	expect_mount(&system, CG_FREEZER, "cgroup/v1", "/sys/fs/cgroup/freezer",
	             false);
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
		if (c == CG_FREEZER)
			continue; /* cg_detect never finds it in cgroup2 */
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
		ck_assert_str_eq(cg.dir[c], c == CG_FREEZER ? "" : expected);
		ck_assert(cg.v2[c] == (c != CG_FREEZER));
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
	static const char *const dirs[CG_CONTROLLERS] = {
		"memory", "pids", "cpu,cpuacct", "cpu,cpuacct", "freezer"
	};
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

/* All or nothing: boxlab/taken exists in the pids hierarchy only, so the
 * group made in memory, which comes first, must be removed again. */
START_TEST(create_undoes_a_partial_group)
{
	const char *copy = test_copy_fixture("cgroup/v1");
	struct cg_system system = { .layout = CG_LAYOUT_V1 };
	char made[PATH_MAX + 64];
	struct cg cg;
	int ret;

	snprintf(system.mount[CG_MEMORY], PATH_MAX, "%s/sys/fs/cgroup/memory",
	         copy);
	snprintf(system.mount[CG_PIDS], PATH_MAX, "%s/sys/fs/cgroup/pids",
	         copy);
	ret = cg_create(&system, "taken", &cg);
	ck_assert_err(ret, -EEXIST, "a group that exists in one hierarchy");
	snprintf(made, sizeof(made), "%s/boxlab/taken",
	         system.mount[CG_MEMORY]);
	ck_assert_msg(!is_dir(made), "%s was left behind", made);
	snprintf(made, sizeof(made), "%s/boxlab", system.mount[CG_MEMORY]);
	ck_assert_msg(!is_dir(made), "the empty %s was left behind", made);
	snprintf(made, sizeof(made), "%s/boxlab/taken", system.mount[CG_PIDS]);
	ck_assert_msg(is_dir(made), "the group that was there is gone");
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

/* Linux 5.10, as in Debian 11: no memory.peak yet (5.19), memory.events
 * without oom_group_kill, cpu.stat without the cpu controller's lines. */
START_TEST(stats_v2_older_kernel)
{
	struct cg cg = cg_in(test_fixture("cgroup/stats-v2-5.10"), true);
	struct cg_stats stats;

	ck_assert_ok(cg_read_stats(&cg, &stats), "cg_read_stats");
	ck_assert_uint_eq(stats.memory_current, 1048576);
	ck_assert_uint_eq(stats.memory_peak, 0);
	ck_assert_uint_eq(stats.oom_kills, 1);
	ck_assert_uint_eq(stats.pids_current, 2);
	ck_assert_uint_eq(stats.pids_refused, 0);
	ck_assert_uint_eq(stats.cpu_usage_usec, 700000);
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

/* A group gone already (removed underneath, by hand or by another
 * cgbox) is torn down: there is nothing left to do. */
START_TEST(destroy_a_group_already_gone)
{
	const char *copy = test_copy_fixture("cgroup/v2");
	char dir[PATH_MAX + 64];
	struct cg cg;

	snprintf(dir, sizeof(dir), "%s/sys/fs/cgroup/boxlab/vanished", copy);
	cg = cg_in(dir, true);
	ck_assert_ok(cg_destroy(&cg), "cg_destroy of a group already removed");
	snprintf(dir, sizeof(dir), "%s/sys/fs/cgroup/boxlab/taken", copy);
	ck_assert_msg(is_dir(dir), "another group's directory was removed");
}
END_TEST

/* cgroup.procs lists a PID that is not, or no longer, in the group: the
 * PID was reused by a process of the host. Here the "host process" is a
 * sleeper of the test's own, listed in a fixture group it is not in; it
 * must survive cg_destroy(). */
START_TEST(destroy_spares_a_reused_pid)
{
	const char *copy = test_copy_fixture("cgroup/v2");
	char dir[PATH_MAX + 64], pid_text[16];
	pid_t sleeper = start_sleeper();
	bool alive;
	struct cg cg;
	int ret;

	snprintf(dir, sizeof(dir), "%s/sys/fs/cgroup/boxlab/taken", copy);
	snprintf(pid_text, sizeof(pid_text), "%d", (int)sleeper);
	ck_assert_int_eq(file_write_string(AT_FDCWD,
	                                   strcat(dir, "/cgroup.procs"),
	                                   pid_text),
	                 0);
	*strrchr(dir, '/') = '\0';
	cg = cg_in(dir, true);
	ret = cg_destroy(&cg); /* rmdir fails: a fixture is not a cgroup */
	alive = waitpid(sleeper, NULL, WNOHANG) == 0;
	kill(sleeper, SIGKILL);
	waitpid(sleeper, NULL, 0);
	test_assert_no_stub();
	ck_assert_msg(ret != -ETIMEDOUT, "cg_destroy waited for a stranger");
	ck_assert_msg(alive, "cg_destroy killed a process outside the group");
}
END_TEST

/* A mount point of cgroup2, whatever its controllers; "" if none. */
static const char *find_cgroup2(void)
{
	static char found[256];
	struct mntent *entry;
	FILE *mounts = setmntent("/proc/self/mounts", "re");

	found[0] = '\0';
	while ((entry = getmntent(mounts)) && !found[0])
		if (!strcmp(entry->mnt_type, "cgroup2"))
			snprintf(found, sizeof(found), "%s", entry->mnt_dir);
	endmntent(mounts);
	return found;
}

/* A real group MOUNT/boxlab/TAG-PID, made by the test, with COUNT
 * sleepers in it; its path goes to DIR (PATH_MAX). */
static void make_real_group(const char *mount, const char *tag, char *dir,
                            pid_t *sleepers, int count)
{
	char path[PATH_MAX + 16], pid_text[16];
	int i;

	snprintf(path, sizeof(path), "%s/boxlab", mount);
	mkdir(path, 0755);
	snprintf(dir, PATH_MAX, "%s/boxlab/%s-%d", mount, tag, (int)getpid());
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	for (i = 0; i < count; i++) {
		sleepers[i] = start_sleeper();
		snprintf(pid_text, sizeof(pid_text), "%d", (int)sleepers[i]);
		ck_assert_int_eq(file_write_string(AT_FDCWD, path, pid_text),
		                 0);
	}
}

/* Whether PID has died of SIGKILL, reaped within a second. cgroup2 says
 * "populated 0" once its tasks leave the group, a moment before they
 * become zombies their parent can reap, so a busy machine needs the
 * wait. */
static bool died_of_sigkill(pid_t pid)
{
	int status, tries;

	for (tries = 0; tries < 100; tries++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFSIGNALED(status) &&
			       WTERMSIG(status) == SIGKILL;
		usleep(10000);
	}
	return false;
}

/* Undo make_real_group(), whatever the code under test did: thaw, kill,
 * reap, remove. With SETTLE, returns how many sleepers died of SIGKILL
 * before it killed them (it waits a second at most for each); without,
 * it only cleans up. */
static int remove_real_group(const char *dir, pid_t *sleepers, int count,
                             bool settle)
{
	char path[PATH_MAX + 16];
	int i, killed = 0;

	snprintf(path, sizeof(path), "%s/freezer.state", dir);
	file_write_string(AT_FDCWD, path, "THAWED");
	snprintf(path, sizeof(path), "%s/cgroup.freeze", dir);
	file_write_string(AT_FDCWD, path, "0");
	for (i = 0; i < count; i++) {
		if (settle && died_of_sigkill(sleepers[i])) {
			killed++;
			continue;
		}
		kill(sleepers[i], SIGKILL);
		waitpid(sleepers[i], NULL, 0);
	}
	rmdir(dir);
	snprintf(path, sizeof(path), "%s", dir);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	return killed;
}

/* /proc/PID/cgroup as the kernel writes it, for the three layouts
 * (tests/fixtures/cgroup/proc/): v1 lines with comounted controllers,
 * cgroup2's "0::/" at the root, a name that only starts the same, and the
 * paths a container without a cgroup namespace sees. */
START_TEST(contains_reads_proc_cgroup)
{
	const char *proc = test_fixture("cgroup/proc");
	struct cg v1 = cg_in("/sys/fs/cgroup/memory/boxlab/test1", false);
	struct cg v2 = cg_in("/sys/fs/cgroup/boxlab/test1", true);

	ck_assert_int_eq(cg_contains(&v1, CG_MEMORY, proc, 100), 1);
	ck_assert_int_eq(cg_contains(&v1, CG_CPUACCT, proc, 100), 1);
	ck_assert_int_eq(cg_contains(&v1, CG_FREEZER, proc, 100), 0);
	ck_assert_int_eq(cg_contains(&v2, CG_MEMORY, proc, 100), 0);
	ck_assert_int_eq(cg_contains(&v2, CG_PIDS, proc, 101), 1);
	ck_assert_int_eq(cg_contains(&v1, CG_PIDS, proc, 101), 0);
	ck_assert_int_eq(cg_contains(&v2, CG_PIDS, proc, 102), 0);
	ck_assert_int_eq(cg_contains(&v2, CG_PIDS, proc, 103), 0);
	ck_assert_int_eq(cg_contains(&v2, CG_PIDS, proc, 999), 0);
	/* In a container without a cgroup namespace, the line is longer. */
	ck_assert_int_eq(cg_contains(&v1, CG_PIDS, proc, 104), 1);
	ck_assert_int_eq(cg_contains(&v2, CG_PIDS, proc, 104), 0);
	v2 = cg_in("/sys/fs/cgroup/elsewhere", true);
	ck_assert_int_eq(cg_contains(&v2, CG_PIDS, proc, 101), -EINVAL);
}
END_TEST

/* Fail unless DIR/FILE starts with TEXT. */
static void expect_start(const char *dir, const char *file, const char *text)
{
	char path[PATH_MAX + 64], *data;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ck_assert_int_eq(file_read_all(AT_FDCWD, path, &data, NULL), 0);
	ck_assert_msg(strncmp(data, text, strlen(text)) == 0,
	              "%s: expected \"%s\", got \"%s\"", path, text, data);
	free(data);
}

/* cgroup2: "1" into cgroup.freeze, and cgroup.events says "frozen 1"
 * already; thawing waits for "frozen 0". */
START_TEST(freeze_v2_files)
{
	const char *copy = test_copy_fixture("cgroup/freeze-v2");
	struct cg cg = cg_in(copy, true);
	char events[PATH_MAX + 16];

	ck_assert_ok(cg_freeze(&cg, true), "cg_freeze(true)");
	expect_file(copy, "cgroup.freeze", "1");
	snprintf(events, sizeof(events), "%s/cgroup.events", copy);
	ck_assert_int_eq(
	        file_write_string(AT_FDCWD, events, "populated 0\nfrozen 0\n"),
	        0);
	ck_assert_ok(cg_freeze(&cg, false), "cg_freeze(false)");
	expect_file(copy, "cgroup.freeze", "0");
}
END_TEST

/* v1: "FROZEN" and "THAWED" into freezer.state, in the freezer's own
 * hierarchy; a group without a freezer says so. */
START_TEST(freeze_v1_files)
{
	const char *copy = test_copy_fixture("cgroup/freeze-v1");
	struct cg cg = cg_in("", false);
	int ret;

	snprintf(cg.dir[CG_FREEZER], PATH_MAX, "%s", copy);
	ck_assert_ok(cg_freeze(&cg, true), "cg_freeze(true)");
	expect_start(copy, "freezer.state", "FROZEN");
	ck_assert_ok(cg_freeze(&cg, false), "cg_freeze(false)");
	expect_start(copy, "freezer.state", "THAWED");
	cg = cg_in(test_copy_fixture("cgroup/knobs-v1"), false);
	ret = cg_freeze(&cg, true);
	ck_assert_err(ret, -EOPNOTSUPP, "a group without a freezer");
}
END_TEST

/* cgroup.kill where it exists; else the v1 freezer's way, which leaves
 * the group thawed; neither: -EOPNOTSUPP. */
START_TEST(kill_all_files)
{
	const char *copy = test_copy_fixture("cgroup/freeze-v2");
	struct cg cg = cg_in(copy, true);
	int ret;

	ck_assert_ok(cg_kill_all(&cg), "cg_kill_all with cgroup.kill");
	expect_file(copy, "cgroup.kill", "1");
	copy = test_copy_fixture("cgroup/freeze-v1");
	cg = cg_in("", false);
	snprintf(cg.dir[CG_FREEZER], PATH_MAX, "%s", copy);
	ck_assert_ok(cg_kill_all(&cg), "cg_kill_all with a v1 freezer");
	expect_start(copy, "freezer.state", "THAWED");
	cg = cg_in(test_copy_fixture("cgroup/knobs-v1"), false);
	ret = cg_kill_all(&cg);
	ck_assert_err(ret, -EOPNOTSUPP, "a group without either");
}
END_TEST

/* Is the real group DIR frozen, by the kernel's own account? */
static bool frozen_now(const char *dir, bool v2)
{
	char path[PATH_MAX + 16], *text;
	bool frozen;

	snprintf(path, sizeof(path), "%s/%s", dir,
	         v2 ? "cgroup.events" : "freezer.state");
	ck_assert_int_eq(file_read_all(AT_FDCWD, path, &text, NULL), 0);
	frozen = strstr(text, v2 ? "frozen 1" : "FROZEN") != NULL;
	free(text);
	return frozen;
}

/* The real freezers this kernel has: cgroup2's cgroup.freeze (any
 * cgroup2 mount, even one without controllers) and the v1 freezer. Puts
 * their mounts in MOUNTS[0] (v2) and MOUNTS[1] (v1); skips if neither. */
static void find_freezers(const char *mounts[2])
{
	static char v2_mount[256], v1_mount[256];
	bool v2 = false;
	const char *found;

	snprintf(v2_mount, sizeof(v2_mount), "%s", find_cgroup2());
	found = find_hierarchy("freezer", &v2);
	snprintf(v1_mount, sizeof(v1_mount), "%s", v2 ? "" : found);
	mounts[0] = v2_mount;
	mounts[1] = v1_mount;
	if (!v2_mount[0] && !v1_mount[0])
		test_skip("no freezer on this kernel (no cgroup2, no v1 "
		          "freezer hierarchy)");
}

/* A cg for the real group DIR: the v2 one, or the v1 freezer's. */
static struct cg real_cg(const char *dir, bool v2)
{
	struct cg cg = cg_in("", v2);

	snprintf(cg.dir[v2 ? CG_PIDS : CG_FREEZER], PATH_MAX, "%s", dir);
	return cg;
}

/* On the real kernel: a frozen group, v1's freezer where the kernel has
 * one, else cgroup2's. A frozen v1 process does not die of SIGKILL until
 * thawed, so cg_destroy() must thaw it first; a frozen v2 one does. */
START_TEST(destroy_kills_a_frozen_group)
{
	char dir[PATH_MAX], state[PATH_MAX + 16];
	const char *mounts[2];
	bool v2;
	pid_t sleeper;
	struct cg cg;
	int ret;

	test_needs_root();
	find_freezers(mounts);
	v2 = !mounts[1][0];
	make_real_group(mounts[v2 ? 0 : 1], "frozen", dir, &sleeper, 1);
	snprintf(state, sizeof(state), "%s/%s", dir,
	         v2 ? "cgroup.freeze" : "freezer.state");
	ck_assert_int_eq(
	        file_write_string(AT_FDCWD, state, v2 ? "1" : "FROZEN"), 0);
	cg = real_cg(dir, v2);
	ret = cg_destroy(&cg);
	if (ret < 0 || is_dir(dir))
		remove_real_group(dir, &sleeper, 1, false);
	else
		waitpid(sleeper, NULL, 0);
	ck_assert_ok(ret, "cg_destroy of a frozen group");
}
END_TEST

/* On the real kernel, each freezer it has: frozen, then thawed. */
START_TEST(freeze_a_real_group)
{
	const char *mounts[2];
	bool frozen, thawed;
	char dir[PATH_MAX];
	int kind, ret, ret2;
	pid_t sleeper;
	struct cg cg;

	test_needs_root();
	find_freezers(mounts);
	for (kind = 0; kind < 2; kind++) {
		if (!mounts[kind][0])
			continue;
		make_real_group(mounts[kind], "freeze", dir, &sleeper, 1);
		cg = real_cg(dir, kind == 0);
		ret = cg_freeze(&cg, true);
		frozen = ret == 0 && frozen_now(dir, kind == 0);
		ret2 = cg_freeze(&cg, false);
		thawed = ret2 == 0 && !frozen_now(dir, kind == 0);
		remove_real_group(dir, &sleeper, 1, false);
		ck_assert_ok(ret, "cg_freeze(true)");
		ck_assert_ok(ret2, "cg_freeze(false)");
		ck_assert_msg(frozen && thawed, "%s: frozen %d, then thawed %d",
		              mounts[kind], frozen, thawed);
	}
}
END_TEST

/* On the real kernel: three sleepers, killed at once by cgroup.kill
 * (where the kernel has it) and by the v1 freezer's way. When
 * cg_kill_all() returns, all have exited: waitpid() needs no waiting. */
START_TEST(kill_all_in_a_real_group)
{
	const char *mounts[2];
	char dir[PATH_MAX];
	pid_t sleepers[3];
	int kind, ret, killed;
	struct cg cg;

	test_needs_root();
	find_freezers(mounts);
	for (kind = 0; kind < 2; kind++) {
		if (!mounts[kind][0])
			continue;
		make_real_group(mounts[kind], "killall", dir, sleepers, 3);
		cg = real_cg(dir, kind == 0);
		ret = cg_kill_all(&cg);
		killed = remove_real_group(dir, sleepers, 3, ret == 0);
		if (ret == -EOPNOTSUPP && kind == 0)
			continue; /* cgroup2 before 5.14: the v1 case decides */
		ck_assert_ok(ret, "cg_kill_all");
		ck_assert_msg(killed == 3, "%s: %d of 3 killed", mounts[kind],
		              killed);
	}
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
	GRADED("5.2", create_undoes_a_partial_group),
	GRADED("5.3", attach_writes_each_directory),
	GRADED("5.3", attach_moves_a_real_process),
	GRADED("5.4", memory_v2_with_swap),
	GRADED("5.4", memory_v1_and_missing),
	GRADED("5.5", cpu_v2),
	GRADED("5.5", cpu_v1),
	GRADED("5.6", stats_v2),
	GRADED("5.6", stats_v1),
	GRADED("5.6", stats_v2_older_kernel),
	GRADED("5.7", destroy_kills_and_removes),
	GRADED("5.7", destroy_keeps_a_shared_parent),
	GRADED("5.7", destroy_a_group_already_gone),
	GRADED("5.7", destroy_spares_a_reused_pid),
	GRADED("5.7", destroy_kills_a_frozen_group),
	GRADED("5.8", freeze_v2_files),
	GRADED("5.8", freeze_v1_files),
	GRADED("5.8", kill_all_files),
	GRADED("5.8", freeze_a_real_group),
	GRADED("5.8", kill_all_in_a_real_group),
	PROGRAM(contains_reads_proc_cgroup),
	{ 0 },
};
