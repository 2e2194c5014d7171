/* test_state.c - state.json written whole or not at all (11.4), read
 * back with the given state_load().
 */
#include "harness.h"
#include "state.h"

#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int open_root(const char *id)
{
	int fd = open(test_tmpdir(), O_PATH | O_DIRECTORY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	if (id)
		ck_assert_int_eq(mkdirat(fd, id, 0700), 0);
	return fd;
}

static struct container_state sample(const char *bundle)
{
	struct container_state s = { .pid = 4242,
		                     .start_time = 123456,
		                     .status = STATE_CREATED };

	snprintf(s.id, sizeof(s.id), "box1");
	snprintf(s.bundle, sizeof(s.bundle), "%s", bundle);
	snprintf(s.created, sizeof(s.created), "2026-11-29T02:30:00Z");
	snprintf(s.cgroup, sizeof(s.cgroup), "/boxlab/boxrun-box1");
	return s;
}

/* The names in DIRFD/DIR, space-separated. */
static const char *names(int dirfd, const char *dir)
{
	static char buf[512];
	struct dirent *e;
	size_t len = 0;
	int fd = openat(dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);

	ck_assert_ptr_nonnull(d);
	buf[0] = '\0';
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			len += snprintf(buf + len, sizeof(buf) - len, "%s ",
			                e->d_name);
	closedir(d);
	return buf;
}

START_TEST(state_is_the_oci_document)
{
	struct container_state s = sample("/srv/bundle"), back;
	int root = open_root("box1");
	json_t *doc;
	char *text;

	ck_assert_ok(state_save(root, &s), "state_save");
	ck_assert_int_eq(file_read_all(root, "box1/state.json", &text, NULL),
	                 0);
	doc = json_loads(text, 0, NULL);
	ck_assert_msg(doc, "state.json is not JSON: %s", text);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "ociVersion")),
	                 "1.0.2");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "id")), "box1");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")),
	                 "created");
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "pid")), 4242);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "bundle")),
	                 "/srv/bundle");
	ck_assert_int_eq(state_load(root, "box1", &back), 0);
	ck_assert_uint_eq(back.start_time, 123456);
	ck_assert_str_eq(back.created, "2026-11-29T02:30:00Z");
	ck_assert_str_eq(back.cgroup, "/boxlab/boxrun-box1");
	ck_assert_str_eq(names(root, "box1"), "state.json ");
	json_decref(doc);
	free(text);
	close(root);
}
END_TEST

/* A reader never sees half a state: a child saves two states of very
 * different sizes over and over while this process reads. */
START_TEST(state_is_replaced_whole)
{
	struct container_state small = sample("/a"), back;
	char big[3000];
	int root = open_root("box1"), i, status;
	pid_t writer;

	memset(big, 'b', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	ck_assert_ok(state_save(root, &small), "state_save");
	fflush(NULL);
	writer = fork();
	ck_assert_int_ge(writer, 0);
	if (writer == 0) {
		struct container_state large = sample(big);

		for (i = 0; i < 300; i++)
			if (state_save(root, i % 2 ? &small : &large) < 0)
				test_child_exit(1);
		test_child_passed();
	}
	for (i = 0; i < 300; i++)
		ck_assert_msg(state_load(root, "box1", &back) == 0,
		              "read %d saw a damaged state.json", i);
	ck_assert_int_eq(waitpid(writer, &status, 0), writer);
	ck_assert_child_passed(status, NULL, 0);
	ck_assert_str_eq(names(root, "box1"), "state.json ");
	close(root);
}
END_TEST

START_TEST(state_save_fails_cleanly)
{
	struct container_state s = sample("/srv/bundle");
	int root = open_root(NULL);

	ck_assert_err(state_save(root, &s), -ENOENT,
	              "state_save without its directory");
	ck_assert_str_eq(names(root, "."), "");
	close(root);
}
END_TEST

const struct graded_test state_tests[] = {
	GRADED("11.4", state_is_the_oci_document),
	GRADED("11.4", state_is_replaced_whole),
	GRADED("11.4", state_save_fails_cleanly),
	{ 0 },
};
