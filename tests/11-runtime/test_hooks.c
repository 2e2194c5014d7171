/* test_hooks.c - hooks run in order with the state on stdin (11.6). The
 * hooks are busybox's sh, from the test's own busybox root. */
#include "harness.h"
#include "runtime.h"
#include "testroot.h"

#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char sh[PATH_MAX];

/* A hook: sh -c SCRIPT, with ENV (or none). Its arguments and a copy of
 * SCRIPT live in static storage, a slot per hook of the test (each test
 * is a process of its own). */
static struct spec_hook hook(const char *script, char **env)
{
	static char scripts[4][PATH_MAX * 3], *args[4][4];
	static int used;
	int i = used++ % 4;

	snprintf(sh, sizeof(sh), "%s/bin/busybox", testroot_make());
	snprintf(scripts[i], sizeof(scripts[i]), "%s", script);
	args[i][0] = "sh";
	args[i][1] = "-c";
	args[i][2] = scripts[i];
	args[i][3] = NULL;
	return (struct spec_hook){ .path = sh, .args = args[i], .env = env };
}

static struct container_state state(void)
{
	struct container_state s = { .pid = 4321 };

	snprintf(s.id, sizeof(s.id), "box1");
	snprintf(s.bundle, sizeof(s.bundle), "/srv/b");
	return s;
}

START_TEST(hooks_get_the_state_in_order)
{
	char script[PATH_MAX * 3], *text, *env[] = { "GREETING=hi", NULL };
	char dir[PATH_MAX / 2];
	struct container_state s = state();
	struct spec_hook hooks[2];
	struct spec_error err;
	json_t *doc;

	snprintf(dir, sizeof(dir), "%s", test_tmpdir());
	snprintf(script, sizeof(script), "cat > %s/one; echo one >> %s/order",
	         dir, dir);
	hooks[0] = hook(script, NULL);
	snprintf(script, sizeof(script), "echo \"two $GREETING\" >> %s/order",
	         dir);
	hooks[1] = hook(script, env);
	ck_assert_ok(
	        runtime_run_hooks(hooks, 2, "prestart", &s, "creating", &err),
	        "runtime_run_hooks");
	snprintf(script, sizeof(script), "%s/one", dir);
	ck_assert_int_eq(file_read_all(AT_FDCWD, script, &text, NULL), 0);
	doc = json_loads(text, 0, NULL);
	ck_assert_msg(doc, "the hook's stdin was not JSON: %s", text);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")),
	                 "creating");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "id")), "box1");
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "pid")), 4321);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "ociVersion")),
	                 "1.0.2");
	json_decref(doc);
	free(text);
	snprintf(script, sizeof(script), "%s/order", dir);
	ck_assert_int_eq(file_read_all(AT_FDCWD, script, &text, NULL), 0);
	ck_assert_str_eq(text, "one\ntwo hi\n");
	free(text);
}
END_TEST

/* The first failure stops the rest, and is named. */
START_TEST(hooks_stop_at_the_first_failure)
{
	char script[PATH_MAX * 2], expected[PATH_MAX * 2];
	char dir[PATH_MAX / 2];
	struct container_state s = state();
	struct spec_hook hooks[2];
	struct spec_error err = { "" };

	snprintf(dir, sizeof(dir), "%s", test_tmpdir());
	hooks[0] = hook("exit 3", NULL);
	snprintf(script, sizeof(script), "touch %s/ran", dir);
	hooks[1] = hook(script, NULL);
	ck_assert_err(
	        runtime_run_hooks(hooks, 2, "poststart", &s, "running", &err),
	        -EIO, "a hook that exits with 3");
	snprintf(expected, sizeof(expected),
	         "hooks.poststart[0] (%s): exited with 3", sh);
	ck_assert_str_eq(err.text, expected);
	snprintf(script, sizeof(script), "%s/ran", dir);
	ck_assert_int_ne(access(script, F_OK), 0);
}
END_TEST

START_TEST(hooks_time_out)
{
	struct container_state s = state();
	struct spec_error err = { "" };
	struct spec_hook h = hook("sleep 30", NULL);
	time_t started = time(NULL);
	char expected[PATH_MAX * 2];

	h.timeout = 1;
	ck_assert_err(
	        runtime_run_hooks(&h, 1, "createRuntime", &s, "creating", &err),
	        -ETIMEDOUT, "a hook that sleeps past its timeout");
	ck_assert_int_le(time(NULL) - started, 5);
	snprintf(expected, sizeof(expected),
	         "hooks.createRuntime[0] (%s): timed out after 1 s", sh);
	ck_assert_str_eq(err.text, expected);
}
END_TEST

const struct graded_test hooks_tests[] = {
	GRADED("11.6", hooks_get_the_state_in_order),
	GRADED("11.6", hooks_stop_at_the_first_failure),
	GRADED("11.6", hooks_time_out),
	{ 0 },
};
