/* test_spec.c - config.json's process (11.1), mount options (11.2) and
 * namespaces (11.3), each read from JSON written here, and the messages
 * a user gets for a wrong field.
 */
#include "harness.h"
#include "spec.h"

#include <errno.h>
#include <linux/sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

static json_t *json(const char *text)
{
	json_error_t error;
	json_t *doc = json_loads(text, 0, &error);

	ck_assert_msg(doc, "test JSON: %s", error.text);
	return doc;
}

/* --- 11.1 ---------------------------------------------------------------- */

START_TEST(process_reads_every_field)
{
	json_t *doc = json(
	        "{\"terminal\": true, \"user\": {\"uid\": 1000, \"gid\": 100,"
	        " \"additionalGids\": [5, 20]}, \"args\": [\"sh\", \"-c\", "
	        "\"true\"], \"env\": [\"PATH=/bin\", \"A=b=c\"], \"cwd\": "
	        "\"/work\", \"noNewPrivileges\": true, \"oomScoreAdj\": -500,"
	        " \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 64, "
	        "\"hard\": 128}], \"capabilities\": {\"bounding\": "
	        "[\"CAP_KILL\"], \"ambient\": []}}");
	struct spec_process p = { 0 };
	struct spec_error err;

	ck_assert_ok(spec_parse_process(doc, &p, &err), "spec_parse_process");
	ck_assert(p.terminal);
	ck_assert_int_eq(p.uid, 1000);
	ck_assert_int_eq(p.gid, 100);
	ck_assert_uint_eq(p.n_additional_gids, 2);
	ck_assert_int_eq(p.additional_gids[1], 20);
	ck_assert_str_eq(p.args[0], "sh");
	ck_assert_str_eq(p.args[2], "true");
	ck_assert_ptr_null(p.args[3]);
	ck_assert_str_eq(p.env[1], "A=b=c");
	ck_assert_str_eq(p.cwd, "/work");
	ck_assert(p.no_new_privileges);
	ck_assert(p.has_oom_score_adj);
	ck_assert_int_eq(p.oom_score_adj, -500);
	ck_assert_uint_eq(p.n_rlimits, 1);
	ck_assert_int_eq(p.rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(p.rlimits[0].soft, 64);
	ck_assert_uint_eq(p.rlimits[0].hard, 128);
	ck_assert_str_eq(p.caps[SPEC_CAP_BOUNDING][0], "CAP_KILL");
	ck_assert_ptr_nonnull(p.caps[SPEC_CAP_AMBIENT]);
	ck_assert_ptr_null(p.caps[SPEC_CAP_AMBIENT][0]);
	ck_assert_ptr_null(p.caps[SPEC_CAP_EFFECTIVE]);
	spec_process_free(&p);
	json_decref(doc);
}
END_TEST

/* Each wrong field, and the one line a user gets for it. */
START_TEST(process_names_the_wrong_field)
{
	static const struct {
		const char *json, *message;
	} cases[] = {
		{ "[]", "process: expected an object" },
		{ "{\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": \"sh\", "
		  "\"cwd\": \"/\"}",
		  "process.args: expected an array of strings" },
		{ "{\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [], "
		  "\"cwd\": \"/\"}",
		  "process.args: expected at least one string" },
		{ "{\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"sh\", 1], "
		  "\"cwd\": \"/\"}",
		  "process.args[1]: expected a string" },
		{ "{\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"sh\"], "
		  "\"cwd\": \"work\"}",
		  "process.cwd: expected an absolute path" },
		{ "{\"user\": {\"uid\": -1, \"gid\": 0}, \"args\": [\"sh\"], "
		  "\"cwd\": \"/\"}",
		  "process.user.uid: expected an integer from 0 to "
		  "4294967294" },
		{ "{\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"sh\"], "
		  "\"cwd\": \"/\", \"env\": [\"PATH\"]}",
		  "process.env[0]: expected KEY=VALUE" },
		{ "{\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"sh\"], "
		  "\"cwd\": \"/\", \"rlimits\": [{\"type\": \"RLIMIT_FILES\", "
		  "\"soft\": 1, \"hard\": 1}]}",
		  "process.rlimits[0].type: unknown rlimit \"RLIMIT_FILES\"" },
		{ "{\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"sh\"], "
		  "\"cwd\": \"/\", \"oomScoreAdj\": 2000}",
		  "process.oomScoreAdj: expected an integer from -1000 to "
		  "1000" },
		{ "{\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"sh\"], "
		  "\"cwd\": \"/\", \"capabilities\": {\"bounding\": \"all\"}}",
		  "process.capabilities.bounding: expected an array of "
		  "strings" },
		{ "{\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"sh\"], "
		  "\"cwd\": \"/\", \"terminal\": \"yes\"}",
		  "process.terminal: expected true or false" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spec_process p = { 0 };
		struct spec_error err = { "" };
		json_t *doc = json(cases[i].json);

		ck_assert_err(spec_parse_process(doc, &p, &err), -EINVAL,
		              cases[i].message);
		ck_assert_str_eq(err.text, cases[i].message);
		spec_process_free(&p);
		json_decref(doc);
	}
}
END_TEST

/* --- 11.2 ---------------------------------------------------------------- */

START_TEST(mount_options_set_flags_and_data)
{
	json_t *doc = json("[\"nosuid\", \"strictatime\", \"mode=755\", "
	                   "\"ro\", \"size=65536k\", \"rprivate\", \"nodev\"]");
	struct spec_mount m = { 0 };
	struct spec_error err;

	ck_assert_ok(
	        spec_parse_mount_options(doc, "mounts[0].options", &m, &err),
	        "spec_parse_mount_options");
	ck_assert_uint_eq(m.flags,
	                  MS_NOSUID | MS_STRICTATIME | MS_RDONLY | MS_NODEV);
	ck_assert_uint_eq(m.propagation, MS_PRIVATE | MS_REC);
	ck_assert_str_eq(m.data, "mode=755,size=65536k");
	free(m.data);
	json_decref(doc);
}
END_TEST

/* Later options win: "ro" then "rw" is read-write; "rbind" is a
 * recursive bind; no data stays NULL; no array is nothing. */
START_TEST(mount_options_in_order)
{
	json_t *doc = json("[\"ro\", \"noexec\", \"rw\", \"exec\", \"rbind\", "
	                   "\"slave\"]");
	struct spec_mount m = { 0 };
	struct spec_error err;

	ck_assert_ok(spec_parse_mount_options(doc, "o", &m, &err),
	             "spec_parse_mount_options");
	ck_assert_uint_eq(m.flags, MS_BIND | MS_REC);
	ck_assert_uint_eq(m.propagation, MS_SLAVE);
	ck_assert_ptr_null(m.data);
	json_decref(doc);
	ck_assert_ok(spec_parse_mount_options(NULL, "o", &m, &err),
	             "spec_parse_mount_options(NULL)");
	doc = json("[\"ro\", 7]");
	ck_assert_err(
	        spec_parse_mount_options(doc, "mounts[3].options", &m, &err),
	        -EINVAL, "a number among the options");
	ck_assert_str_eq(err.text, "mounts[3].options[1]: expected a string");
	json_decref(doc);
}
END_TEST

/* --- 11.3 ---------------------------------------------------------------- */

START_TEST(namespaces_new_and_joined)
{
	json_t *doc = json("[{\"type\": \"pid\"}, {\"type\": \"network\", "
	                   "\"path\": \"/run/netns/boxlab-x\"}, {\"type\": "
	                   "\"mount\"}, {\"type\": \"user\"}, {\"type\": "
	                   "\"cgroup\"}, {\"type\": \"uts\"}, {\"type\": "
	                   "\"ipc\"}, {\"type\": \"time\"}]");
	static const uint64_t expected[] = {
		CLONE_NEWPID,    CLONE_NEWNET, CLONE_NEWNS,  CLONE_NEWUSER,
		CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWTIME,
	};
	struct spec_namespace *ns = NULL;
	struct spec_error err;
	size_t n = 0, i;

	ck_assert_ok(spec_parse_namespaces(doc, &ns, &n, &err),
	             "spec_parse_namespaces");
	ck_assert_uint_eq(n, 8);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(ns[i].type, expected[i]);
	ck_assert_str_eq(ns[1].path, "/run/netns/boxlab-x");
	ck_assert_ptr_null(ns[0].path);
	for (i = 0; i < n; i++)
		free(ns[i].path);
	free(ns);
	json_decref(doc);
}
END_TEST

START_TEST(namespaces_refuse_what_is_wrong)
{
	static const struct {
		const char *json, *message;
	} cases[] = {
		{ "{}", "linux.namespaces: expected an array" },
		{ "[{\"type\": \"pids\"}]",
		  "linux.namespaces[0].type: unknown namespace type \"pids\"" },
		{ "[{\"type\": \"pid\"}, {\"type\": \"pid\"}]",
		  "linux.namespaces[1].type: \"pid\" twice" },
		{ "[{\"type\": \"uts\", \"path\": \"proc/1/ns/uts\"}]",
		  "linux.namespaces[0].path: expected an absolute path" },
		{ "[{\"path\": \"/proc/1/ns/uts\"}]",
		  "linux.namespaces[0].type: unknown namespace type "
		  "\"(none)\"" },
	};
	size_t i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spec_namespace *ns = NULL;
		struct spec_error err = { "" };
		json_t *doc = json(cases[i].json);
		size_t n = 0;

		ck_assert_err(spec_parse_namespaces(doc, &ns, &n, &err),
		              -EINVAL, cases[i].message);
		ck_assert_str_eq(err.text, cases[i].message);
		for (k = 0; k < n; k++)
			free(ns[k].path);
		free(ns);
		json_decref(doc);
	}
}
END_TEST

/* --- the whole file (given code, no points) -------------------------------- */

START_TEST(spec_reads_the_default_config)
{
	char *text = spec_default();
	struct spec spec;
	struct spec_error err;

	ck_assert_int_eq(spec_parse(text, &spec, &err), 0);
	ck_assert_str_eq(spec.process.args[0], "sh");
	ck_assert_str_eq(spec.root_path, "rootfs");
	ck_assert(spec.root_readonly);
	ck_assert_uint_eq(spec.n_mounts, 6);
	ck_assert_str_eq(spec.mounts[1].data, "mode=755,size=65536k");
	ck_assert_uint_eq(spec.n_namespaces, 6);
	ck_assert_str_eq(spec.masked_paths[2], "/proc/kcore");
	spec_free(&spec);
	free(text);
}
END_TEST

START_TEST(spec_names_the_broken_field)
{
	static const struct {
		const char *json, *message;
	} cases[] = {
		{ "{\"ociVersion\": \"1.0.2\",",
		  "config.json: not JSON: line 1: "
		  "string or '}' expected near end of "
		  "file" },
		{ "{\"process\": {}}", "ociVersion: missing" },
		{ "{\"ociVersion\": \"1.0.2\", \"process\": {\"user\": "
		  "{\"uid\": "
		  "0, \"gid\": 0}, \"args\": [\"sh\"], \"cwd\": \"/\"}, "
		  "\"root\": {\"path\": \"rootfs\"}, \"mounts\": "
		  "[{\"destination\":"
		  " \"/proc\"}, {\"destination\": \"dev\"}]}",
		  "mounts[1].destination: expected an absolute path" },
		{ "{\"ociVersion\": \"1.0.2\", \"process\": {\"user\": "
		  "{\"uid\": "
		  "0, \"gid\": 0}, \"args\": [\"sh\"], \"cwd\": \"/\"}}",
		  "root: expected an object with a path" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spec_error err = { "" };
		struct spec spec;

		ck_assert_int_eq(spec_parse(cases[i].json, &spec, &err),
		                 -EINVAL);
		ck_assert_str_eq(err.text, cases[i].message);
	}
}
END_TEST

const struct graded_test spec_tests[] = {
	GRADED("11.1", process_reads_every_field),
	GRADED("11.1", process_names_the_wrong_field),
	GRADED("11.2", mount_options_set_flags_and_data),
	GRADED("11.2", mount_options_in_order),
	GRADED("11.3", namespaces_new_and_joined),
	GRADED("11.3", namespaces_refuse_what_is_wrong),
	PROGRAM(spec_reads_the_default_config),
	PROGRAM(spec_names_the_broken_field),
	{ 0 },
};
