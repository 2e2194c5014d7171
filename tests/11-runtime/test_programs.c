/* test_programs.c - boxrun, run as podman or a user would, on a busybox
 * bundle of the test's own and a runtime root of its own. They need
 * every exercise of the chapter, so they carry no points.
 */
#include "cg.h"
#include "harness.h"
#include "spec.h"
#include "testroot.h"

#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char bundle[PATH_MAX / 2], state_root[PATH_MAX / 2];

#define BOXRUN(result, ...)                                                    \
	TEST_RUN(result, "boxrun", "--root", state_root, __VA_ARGS__)

/* A bundle: the test's busybox root as "rootfs", and the default config
 * with ARGS (a JSON array) as the process and no terminal. */
static void make_bundle(const char *args)
{
	char path[PATH_MAX], *text, *out;
	json_t *doc, *process;

	test_needs_root();
	snprintf(bundle, sizeof(bundle), "%s", test_tmpdir());
	snprintf(state_root, sizeof(state_root), "%s/state", test_tmpdir());
	snprintf(path, sizeof(path), "%s/rootfs", bundle);
	ck_assert_int_eq(rename(testroot_make(), path), 0);
	text = spec_default();
	doc = json_loads(text, 0, NULL);
	free(text);
	process = json_object_get(doc, "process");
	json_object_set_new(process, "terminal", json_false());
	json_object_set_new(process, "args", json_loads(args, 0, NULL));
	out = json_dumps(doc, JSON_INDENT(2));
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	testroot_write(path, out);
	free(out);
	json_decref(doc);
}

/* Set DOTTED ("linux.cgroupsPath") in the bundle's config.json to
 * VALUE (taken), making the objects on the way. */
static void config_set(const char *dotted, json_t *value)
{
	char path[PATH_MAX], key[128], *text, *dot;
	json_t *doc, *obj, *next;
	const char *at = dotted;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	ck_assert_int_eq(file_read_all(AT_FDCWD, path, &text, NULL), 0);
	doc = json_loads(text, 0, NULL);
	free(text);
	ck_assert_ptr_nonnull(doc);
	for (obj = doc; (dot = strchr(at, '.')); at = dot + 1, obj = next) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - at), at);
		next = json_object_get(obj, key);
		if (!next) {
			next = json_object();
			json_object_set_new(obj, key, next);
		}
	}
	json_object_set_new(obj, at, value);
	text = json_dumps(doc, JSON_INDENT(2));
	testroot_write(path, text);
	free(text);
	json_decref(doc);
}

/* `boxrun create`: the container it leaves running keeps the stdout and
 * stderr it was given (as with runc: the caller chooses them), so not
 * test_run()'s pipes, which would then never end. Its output goes to a
 * file, read back into RESULT. */
static void create(struct run_result *result, const char *id)
{
	char script[PATH_MAX * 3], log[PATH_MAX];

	snprintf(log, sizeof(log), "%s/create.log", test_tmpdir());
	snprintf(script, sizeof(script),
	         "exec %s --root %s create --bundle %s %s >%s 2>&1",
	         test_program("boxrun"), state_root, bundle, id, log);
	test_run((char *const[]){ "/bin/sh", "-c", script, NULL }, result);
	free(result->err);
	ck_assert_int_eq(file_read_all(AT_FDCWD, log, &result->err, NULL), 0);
}

/* Nothing left in the runtime root. */
static void expect_no_state(void)
{
	struct dirent *e;
	DIR *d = opendir(state_root);

	if (!d)
		return;
	while ((e = readdir(d)))
		ck_assert_msg(e->d_name[0] == '.', "state left: %s", e->d_name);
	closedir(d);
}

START_TEST(boxrun_run_passes_the_exit_status)
{
	struct run_result r;

	make_bundle("[\"sh\", \"-c\", \"echo $$ $(hostname); exit 3\"]");
	BOXRUN(&r, "run", "--bundle", bundle, "box1");
	test_assert_exit(&r, 3);
	ck_assert_str_eq(r.out, "1 boxrun\n");
	test_run_free(&r);
	expect_no_state();
}
END_TEST

START_TEST(boxrun_lifecycle)
{
	struct run_result r;

	make_bundle("[\"sleep\", \"1000\"]");
	create(&r, "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	BOXRUN(&r, "state", "box1");
	ck_assert_msg(strstr(r.out, "\"status\": \"created\""), "%s", r.out);
	test_run_free(&r);
	BOXRUN(&r, "start", "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	BOXRUN(&r, "state", "box1");
	ck_assert_msg(strstr(r.out, "\"status\": \"running\""), "%s", r.out);
	test_run_free(&r);
	BOXRUN(&r, "delete", "box1");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "not stopped"), "%s", r.err);
	test_run_free(&r);
	BOXRUN(&r, "kill", "box1", "KILL");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	BOXRUN(&r, "delete", "--force", "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	BOXRUN(&r, "state", "box1");
	test_assert_exit(&r, 1);
	ck_assert_str_eq(r.err, "boxrun: state box1: no such container\n");
	test_run_free(&r);
	expect_no_state();
}
END_TEST

START_TEST(boxrun_one_id_once)
{
	struct run_result r;

	make_bundle("[\"sleep\", \"1000\"]");
	create(&r, "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	create(&r, "box1");
	test_assert_exit(&r, 1);
	ck_assert_str_eq(r.err,
	                 "boxrun: create box1: container box1: exists\n");
	test_run_free(&r);
	BOXRUN(&r, "delete", "--force", "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
}
END_TEST

/* Bad input: one line, naming the file and the field. */
START_TEST(boxrun_names_what_is_wrong)
{
	char path[PATH_MAX], expected[PATH_MAX * 2];
	struct run_result r;

	make_bundle("[\"true\"]");
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	testroot_write(path, "{\"ociVersion\": \"1.0.2\", \"process\": "
	                     "{\"args\": \"true\", \"cwd\": \"/\", \"user\": "
	                     "{\"uid\": 0, \"gid\": 0}}, \"root\": {\"path\": "
	                     "\"rootfs\"}}");
	BOXRUN(&r, "run", "--bundle", bundle, "box1");
	test_assert_exit(&r, 1);
	snprintf(expected, sizeof(expected),
	         "boxrun: %s: process.args: expected an array of strings\n",
	         path);
	ck_assert_str_eq(r.err, expected);
	test_run_free(&r);
	testroot_write(path, "{not json");
	BOXRUN(&r, "run", "--bundle", bundle, "box1");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "/config.json: not JSON: "
	                            "line 1"),
	              "%s", r.err);
	test_run_free(&r);
	BOXRUN(&r, "run", "--bundle", bundle, "bad/id");
	test_assert_exit(&r, 1);
	test_run_free(&r);
	testroot_write(path, "{\"ociVersion\": \"1.0.2\", \"process\": "
	                     "{\"args\": [\"true\"], \"cwd\": \"/\", \"user\": "
	                     "{\"uid\": 0, \"gid\": 0}}, "
	                     "\"root\": {\"path\": \"nope\"}}");
	BOXRUN(&r, "run", "--bundle", bundle, "box1");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "root.path") && strstr(r.err, "/nope: No "
	                                                          "such file"),
	              "%s", r.err);
	test_run_free(&r);
	testroot_write(path, "{\"ociVersion\": \"1.0.2\", \"process\": "
	                     "{\"args\": [\"true\"], \"cwd\": \"/\", \"user\": "
	                     "{\"uid\": 0, \"gid\": 0}}, "
	                     "\"root\": {\"path\": \"rootfs\"}, \"linux\": "
	                     "{\"namespaces\": [{\"type\": \"pids\"}]}}");
	BOXRUN(&r, "run", "--bundle", bundle, "box1");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "linux.namespaces[0].type: unknown "
	                            "namespace type \"pids\""),
	              "%s", r.err);
	test_run_free(&r);
	testroot_write(path, "{\"ociVersion\": \"1.0.2\", \"process\": "
	                     "{\"args\": [\"true\"], \"cwd\": \"/\", \"user\": "
	                     "{\"uid\": 0, \"gid\": 0}}, "
	                     "\"root\": {\"path\": \"rootfs\"}}");
	BOXRUN(&r, "run", "--bundle", bundle, "bad/id");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "container ID \"bad/id\""), "%s", r.err);
	test_run_free(&r);
	BOXRUN(&r, "start", "nosuch");
	test_assert_exit(&r, 1);
	ck_assert_str_eq(r.err, "boxrun: start nosuch: no such container\n");
	test_run_free(&r);
	expect_no_state();
}
END_TEST

/* Under the sanitizers each run costs several times as much. */
#ifdef __SANITIZE_ADDRESS__
#define MANY_RUNS 40
#else
#define MANY_RUNS 200
#endif

/* Two hundred containers in a row: no state, mount, cgroup or process
 * is left (the harness checks the mounts, cgroups and processes). In a
 * qemu guest, where each costs ten times as much, twenty; under the
 * sanitizers, forty. */
START_TEST(boxrun_two_hundred_runs_leave_nothing)
{
	int i, runs = getenv("BOXLAB_GUEST") ? 20 : MANY_RUNS;
	struct run_result r;

	make_bundle("[\"true\"]");
	for (i = 0; i < runs; i++) {
		BOXRUN(&r, "run", "--bundle", bundle, "box1");
		test_assert_exit(&r, 0);
		test_run_free(&r);
	}
	expect_no_state();
}
END_TEST

/* linux.resources land in boxlab/boxrun-ID, whatever the layout, and
 * the group goes with the container. */
START_TEST(boxrun_resources_land_in_the_cgroup)
{
	char path[PATH_MAX * 2], *text, *out;
	struct cg_system system;
	struct run_result r;
	json_t *doc;
	struct cg cg;

	make_bundle("[\"sleep\", \"1000\"]");
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	ck_assert_int_eq(file_read_all(AT_FDCWD, path, &text, NULL), 0);
	doc = json_loads(text, 0, NULL);
	free(text);
	json_object_set_new(json_object_get(doc, "linux"), "resources",
	                    json_pack("{s:{s:i}, s:{s:i}}", "pids", "limit", 10,
	                              "memory", "limit", 64 << 20));
	out = json_dumps(doc, 0);
	testroot_write(path, out);
	free(out);
	json_decref(doc);
	create(&r, "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	ck_assert_int_eq(cg_detect("/proc/self/mounts", "", &system), 0);
	ck_assert_int_eq(cg_open(&system, "boxrun-box1", &cg), 0);
	snprintf(path, sizeof(path), "%s/pids.max", cg.dir[CG_PIDS]);
	ck_assert_int_eq(file_read_all(AT_FDCWD, path, &text, NULL), 0);
	ck_assert_str_eq(text, "10\n");
	free(text);
	snprintf(path, sizeof(path), "%s/%s", cg.dir[CG_MEMORY],
	         cg.v2[CG_MEMORY] ? "memory.max" : "memory.limit_in_bytes");
	ck_assert_int_eq(file_read_all(AT_FDCWD, path, &text, NULL), 0);
	ck_assert_str_eq(text, "67108864\n");
	free(text);
	BOXRUN(&r, "delete", "--force", "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	ck_assert_int_eq(cg_open(&system, "boxrun-box1", &cg), -ENOENT);
}
END_TEST

/* pause freezes the cgroup, resume thaws it; ps and list see it. */
START_TEST(boxrun_pause_resume_ps_list)
{
	struct run_result r;
	char pid[32];

	make_bundle("[\"sleep\", \"1000\"]");
	create(&r, "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	BOXRUN(&r, "start", "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	BOXRUN(&r, "pause", "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	BOXRUN(&r, "list");
	ck_assert_msg(strstr(r.out, " paused "), "%s", r.out);
	test_run_free(&r);
	BOXRUN(&r, "ps", "box1");
	ck_assert_int_eq(sscanf(r.out, "PID\n%31s", pid), 1);
	test_run_free(&r);
	BOXRUN(&r, "state", "box1");
	ck_assert_msg(strstr(r.out, pid), "ps said %s, state said\n%s", pid,
	              r.out);
	test_run_free(&r);
	BOXRUN(&r, "resume", "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	BOXRUN(&r, "resume", "box1");
	test_assert_exit(&r, 1);
	ck_assert_str_eq(r.err, "boxrun: resume box1: it is not paused\n");
	test_run_free(&r);
	BOXRUN(&r, "delete", "--force", "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
}
END_TEST

/* process.oomScoreAdj, noNewPrivileges, rlimits, user, cwd and env,
 * and linux.sysctl (in the container's own network namespace). */
START_TEST(boxrun_process_settings_take_effect)
{
	char path[PATH_MAX * 2], *text, *out;
	struct run_result r;
	json_t *doc, *process;

	make_bundle(
	        "[\"sh\", \"-c\", \"cat /proc/self/oom_score_adj "
	        "/proc/sys/net/ipv4/ip_forward; grep NoNewPrivs "
	        "/proc/self/status; ulimit -n; id -u; pwd; echo $GREETING\"]");
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	ck_assert_int_eq(file_read_all(AT_FDCWD, path, &text, NULL), 0);
	doc = json_loads(text, 0, NULL);
	free(text);
	process = json_object_get(doc, "process");
	json_object_set_new(process, "oomScoreAdj", json_integer(300));
	json_object_set_new(process, "cwd", json_string("/tmp"));
	json_object_set_new(process, "user",
	                    json_pack("{s:i, s:i}", "uid", 1234, "gid", 1234));
	json_array_append_new(json_object_get(process, "env"),
	                      json_string("GREETING=hi"));
	json_object_set_new(json_object_get(doc, "linux"), "sysctl",
	                    json_pack("{s:s}", "net.ipv4.ip_forward", "1"));
	out = json_dumps(doc, 0);
	testroot_write(path, out);
	free(out);
	json_decref(doc);
	BOXRUN(&r, "run", "--bundle", bundle, "box1");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out,
	                 "300\n1\nNoNewPrivs:\t1\n1024\n1234\n/tmp\nhi\n");
	test_run_free(&r);
}
END_TEST

/* The security of the config (chapter 10's layers): the default
 * config's masked and read-only paths and capabilities, and a seccomp
 * profile that refuses mkdir. */
START_TEST(boxrun_security_from_the_config)
{
	char path[PATH_MAX * 2], *text, *out;
	struct run_result r;
	json_t *doc;

	make_bundle("[\"sh\", \"-c\", \"wc -c < /proc/keys; "
	            "echo x > /proc/sys/kernel/hostname || echo read-only; "
	            "grep CapBnd /proc/self/status; "
	            "mkdir /tmp/x || echo mkdir refused\"]");
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	ck_assert_int_eq(file_read_all(AT_FDCWD, path, &text, NULL), 0);
	doc = json_loads(text, 0, NULL);
	free(text);
	json_object_set_new(json_object_get(doc, "linux"), "seccomp",
	                    json_pack("{s:s, s:[{s:[s, s], s:s, s:i}]}",
	                              "defaultAction", "SCMP_ACT_ALLOW",
	                              "syscalls", "names", "mkdir", "mkdirat",
	                              "action", "SCMP_ACT_ERRNO", "errnoRet",
	                              1));
	out = json_dumps(doc, 0);
	testroot_write(path, out);
	free(out);
	json_decref(doc);
	BOXRUN(&r, "run", "--bundle", bundle, "box1");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "0\nread-only\nCapBnd:\t0000000020000420\n"
	                        "mkdir refused\n");
	test_run_free(&r);
}
END_TEST

/* The first line of FILE in DIR, or "" (static buffer). */
static const char *first_line(const char *dir, const char *file)
{
	static char text[256];
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	text[0] = '\0';
	if (file_read_buf(AT_FDCWD, path, text, sizeof(text)) < 0)
		return "";
	text[strcspn(text, "\n")] = '\0';
	return text;
}

/* A cgroupsPath given by the caller is where the container goes, with
 * its resources (cpu.shares exactly, which chapter 05 has no call for);
 * a relative one is taken from the hierarchy's root; delete removes
 * the group and only the group. */
START_TEST(boxrun_cgroups_path_is_the_callers)
{
	char group[32], path[PATH_MAX * 2], relative[64];
	struct cg_system system;
	struct run_result r;
	struct cg cg;

	make_bundle("[\"sleep\", \"1000\"]");
	snprintf(group, sizeof(group), "t11-%d", (int)getpid());
	snprintf(path, sizeof(path), "/%s/%s/c1", CG_PARENT, group);
	config_set("linux.cgroupsPath", json_string(path));
	config_set("linux.resources",
	           json_pack("{s:{s:i}, s:{s:i}}", "pids", "limit", 7, "cpu",
	                     "shares", 512));
	create(&r, "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	ck_assert_int_eq(cg_detect("/proc/self/mounts", "", &system), 0);
	snprintf(path, sizeof(path), "%s/c1", group);
	ck_assert_int_eq(cg_open(&system, group, &cg), 0);
	snprintf(path, sizeof(path), "%s/c1", cg.dir[CG_PIDS]);
	ck_assert_str_eq(first_line(path, "pids.max"), "7");
	ck_assert_str_eq(first_line(path, "cgroup.procs")[0] ? "someone"
	                                                     : "nobody",
	                 "someone");
	if (cg.dir[CG_CPU][0] && !cg.v2[CG_CPU]) {
		snprintf(path, sizeof(path), "%s/c1", cg.dir[CG_CPU]);
		ck_assert_str_eq(first_line(path, "cpu.shares"), "512");
	} else if (cg.dir[CG_CPU][0]) {
		snprintf(path, sizeof(path), "%s/c1", cg.dir[CG_CPU]);
		ck_assert_str_eq(first_line(path, "cpu.weight"), "20");
	}
	BOXRUN(&r, "delete", "--force", "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	snprintf(path, sizeof(path), "%s/c1", cg.dir[CG_PIDS]);
	ck_assert_msg(access(path, F_OK) < 0, "%s is still there", path);
	ck_assert_msg(access(cg.dir[CG_PIDS], F_OK) == 0,
	              "delete removed the caller's parent %s too",
	              cg.dir[CG_PIDS]);
	/* Relative: below the hierarchy's root as well. */
	snprintf(relative, sizeof(relative), "%s/%s/c2", CG_PARENT, group);
	config_set("linux.cgroupsPath", json_string(relative));
	create(&r, "box2");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	snprintf(path, sizeof(path), "%s/c2", cg.dir[CG_PIDS]);
	ck_assert_str_eq(first_line(path, "pids.max"), "7");
	BOXRUN(&r, "delete", "--force", "box2");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	cg_destroy(&cg);
	/* Out of the hierarchy: refused, naming the field. */
	config_set("linux.cgroupsPath", json_string("/boxlab/../../x"));
	BOXRUN(&r, "run", "--bundle", bundle, "box3");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "linux.cgroupsPath"), "%s", r.err);
	test_run_free(&r);
	expect_no_state();
}
END_TEST

/* linux.devices are made with their owner and mode; in a user
 * namespace with mappings the process is its root, on the host's IDs
 * of the map. */
START_TEST(boxrun_devices_and_id_mappings)
{
	struct run_result r;
	json_t *ns;
	char path[PATH_MAX], *text;

	make_bundle("[\"sh\", \"-c\", \"ls -ln /dev/fuse; id -u; cat "
	            "/proc/self/uid_map\"]");
	config_set("linux.devices",
	           json_pack("[{s:s, s:s, s:i, s:i, s:i, s:i, s:i}]", "path",
	                     "/dev/fuse", "type", "c", "major", 10, "minor",
	                     229, "fileMode", 0600, "uid", 5, "gid", 6));
	BOXRUN(&r, "run", "--bundle", bundle, "box1");
	test_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.out, "crw-------") &&
	                      strstr(r.out, " 5        6 ") &&
	                      strstr(r.out, "10, 229"),
	              "ls -ln /dev/fuse: %s", r.out);
	ck_assert_msg(strstr(r.out, "\n0\n"), "%s", r.out);
	test_run_free(&r);
	/* The same in a user namespace of its own, whose root (host UID
	 * 100000) must reach the bundle. */
	ck_assert_int_eq(chmod(getenv("BOXLAB_TEST_TMP"), 0711), 0);
	ck_assert_int_eq(chmod(bundle, 0711), 0);
	snprintf(path, sizeof(path), "%s/rootfs", bundle);
	ck_assert_int_eq(chmod(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	ck_assert_int_eq(file_read_all(AT_FDCWD, path, &text, NULL), 0);
	free(text);
	ns = json_pack("[{s:s}, {s:s}, {s:s}, {s:s}, {s:s}, {s:s}]", "type",
	               "pid", "type", "network", "type", "ipc", "type", "uts",
	               "type", "mount", "type", "user");
	config_set("linux.namespaces", ns);
	/* (No device there: in a user namespace a node is the host's,
	 * bound, and a guest may have no /dev/fuse.) */
	config_set("linux.devices", json_array());
	config_set("linux.uidMappings",
	           json_pack("[{s:i, s:i, s:i}]", "containerID", 0, "hostID",
	                     100000, "size", 65536));
	config_set("linux.gidMappings",
	           json_pack("[{s:i, s:i, s:i}]", "containerID", 0, "hostID",
	                     100000, "size", 65536));
	BOXRUN(&r, "run", "--bundle", bundle, "box1");
	test_assert_exit(&r, 0);
	ck_assert_msg(!strncmp(r.out, "0\n", 2) &&
	                      strstr(r.out, "0     100000      65536"),
	              "%s", r.out);
	test_run_free(&r);
	expect_no_state();
}
END_TEST

/* The number of PIDs `boxrun ps ID` lists. */
static int count_pids(const char *id)
{
	struct run_result r;
	int n = -1;

	BOXRUN(&r, "ps", id);
	test_assert_exit(&r, 0);
	for (const char *p = r.out; *p; p++)
		n += *p == '\n';
	test_run_free(&r);
	return n;
}

/* kill signals the container's process, --all every process of its
 * cgroup; features says what boxrun does, as JSON; --log with
 * --log-format json keeps the error as a JSON line. */
START_TEST(boxrun_kill_all_features_and_log)
{
	char log[PATH_MAX], *text;
	struct run_result r;
	json_t *doc, *line;
	int i;

	/* PID 1 (sleep, no handler) ignores SIGTERM; its child does not. */
	make_bundle("[\"sh\", \"-c\", \"sleep 1000 & exec sleep 1001\"]");
	create(&r, "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	BOXRUN(&r, "start", "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	for (i = 0; i < 100 && count_pids("box1") < 2; i++)
		usleep(10000);
	ck_assert_int_eq(count_pids("box1"), 2);
	BOXRUN(&r, "kill", "box1", "TERM");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	usleep(100000);
	ck_assert_int_eq(count_pids("box1"), 2);
	BOXRUN(&r, "kill", "--all", "box1", "TERM");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	for (i = 0; i < 100 && count_pids("box1") > 1; i++)
		usleep(10000);
	ck_assert_int_eq(count_pids("box1"), 1);
	BOXRUN(&r, "delete", "--force", "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);

	BOXRUN(&r, "features");
	test_assert_exit(&r, 0);
	doc = json_loads(r.out, 0, NULL);
	ck_assert_msg(doc, "features: not JSON: %s", r.out);
	ck_assert_str_eq(
	        json_string_value(json_object_get(doc, "ociVersionMax")),
	        "1.0.2");
	ck_assert_msg(strstr(r.out, "\"CAP_SYS_ADMIN\"") &&
	                      strstr(r.out, "\"poststop\""),
	              "%s", r.out);
	json_decref(doc);
	test_run_free(&r);

	snprintf(log, sizeof(log), "%s/boxrun.log", test_tmpdir());
	TEST_RUN(&r, "boxrun", "--root", state_root, "--log", log,
	         "--log-format", "json", "state", "nosuch");
	test_assert_exit(&r, 1);
	test_run_free(&r);
	ck_assert_int_eq(file_read_all(AT_FDCWD, log, &text, NULL), 0);
	line = json_loads(text, 0, NULL);
	ck_assert_msg(line, "--log-format json: not JSON: %s", text);
	ck_assert_str_eq(json_string_value(json_object_get(line, "level")),
	                 "error");
	ck_assert_str_eq(json_string_value(json_object_get(line, "msg")),
	                 "state nosuch: no such container");
	json_decref(line);
	free(text);
	expect_no_state();
}
END_TEST

/* boxrun create killed (SIGKILL) half way, in its prestart hook: the
 * container's process exists and is in its cgroup, and delete --force
 * removes it, its cgroup and its state. */
START_TEST(boxrun_killed_create_is_cleaned_by_delete)
{
	char *argv[] = { (char *)test_program("boxrun"),
		         "--root",
		         state_root,
		         "create",
		         "--bundle",
		         bundle,
		         "box1",
		         NULL };
	struct cg_system system;
	struct run_result r;
	struct running create;
	struct cg cg;

	make_bundle("[\"sleep\", \"1000\"]");
	config_set("hooks.prestart",
	           json_pack("[{s:s, s:[s, s, s]}]", "path", "/bin/sh", "args",
	                     "sh", "-c", "echo in-the-hook >&2; exec sleep 1"));
	argv[5] = bundle;
	test_start(argv, &create);
	test_wait_for_line(create.err_fd, "in-the-hook");
	ck_assert_int_eq(cg_detect("/proc/self/mounts", "", &system), 0);
	ck_assert_int_eq(cg_open(&system, "boxrun-box1", &cg), 0);
	ck_assert_int_eq(kill(create.pid, SIGKILL), 0);
	test_finish(&create, &r); /* the hook's end closes its stderr */
	test_run_free(&r);
	BOXRUN(&r, "delete", "--force", "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	ck_assert_int_eq(cg_open(&system, "boxrun-box1", &cg), -ENOENT);
	expect_no_state();
}
END_TEST

/* The six hooks, each at its point of the lifecycle, each with the
 * state on its stdin: the runtime's four in the runtime's mount
 * namespace, createContainer in the container's before pivot_root (a
 * host path), startContainer inside the container (its own /bin/sh). */
START_TEST(boxrun_runs_the_six_hooks_in_order)
{
	static const char *const host_kinds[] = { "prestart", "createRuntime",
		                                  "createContainer",
		                                  "poststart", "poststop" };
	char script[PATH_MAX * 2], path[PATH_MAX], *text, expected[512];
	struct run_result r;
	json_t *hooks = json_object();
	size_t i;

	make_bundle("[\"true\"]");
	config_set("root.readonly", json_false());
	for (i = 0; i < 5; i++) {
		snprintf(script, sizeof(script),
		         "read -r s; echo \"%s $(echo \"$s\" | grep -o "
		         "'\"status\":\"[a-z]*\"')\" >> %s/order",
		         host_kinds[i], bundle);
		json_object_set_new(hooks, host_kinds[i],
		                    json_pack("[{s:s, s:[s, s, s]}]", "path",
		                              "/bin/sh", "args", "sh", "-c",
		                              script));
	}
	json_object_set_new(hooks, "startContainer",
	                    json_pack("[{s:s, s:[s, s, s]}]", "path", "/bin/sh",
	                              "args", "sh", "-c",
	                              "cat > /dev/null; echo startContainer "
	                              "inside > /order"));
	config_set("hooks", hooks);
	BOXRUN(&r, "run", "--bundle", bundle, "box1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	snprintf(path, sizeof(path), "%s/order", bundle);
	ck_assert_int_eq(file_read_all(AT_FDCWD, path, &text, NULL), 0);
	snprintf(expected, sizeof(expected),
	         "prestart \"status\":\"creating\"\n"
	         "createRuntime \"status\":\"creating\"\n"
	         "createContainer \"status\":\"creating\"\n"
	         "poststart \"status\":\"running\"\n"
	         "poststop \"status\":\"stopped\"\n");
	ck_assert_str_eq(text, expected);
	free(text);
	snprintf(path, sizeof(path), "%s/rootfs/order", bundle);
	ck_assert_int_eq(file_read_all(AT_FDCWD, path, &text, NULL), 0);
	ck_assert_str_eq(text, "startContainer inside\n");
	free(text);
	expect_no_state();
}
END_TEST

const struct graded_test programs_tests[] = {
	PROGRAM(boxrun_security_from_the_config),
	PROGRAM(boxrun_process_settings_take_effect),
	PROGRAM(boxrun_pause_resume_ps_list),
	PROGRAM(boxrun_resources_land_in_the_cgroup),
	PROGRAM(boxrun_run_passes_the_exit_status),
	PROGRAM(boxrun_lifecycle),
	PROGRAM(boxrun_one_id_once),
	PROGRAM(boxrun_names_what_is_wrong),
	PROGRAM(boxrun_two_hundred_runs_leave_nothing),
	PROGRAM(boxrun_cgroups_path_is_the_callers),
	PROGRAM(boxrun_devices_and_id_mappings),
	PROGRAM(boxrun_kill_all_features_and_log),
	PROGRAM(boxrun_killed_create_is_cleaned_by_delete),
	PROGRAM(boxrun_runs_the_six_hooks_in_order),
	{ 0 },
};
