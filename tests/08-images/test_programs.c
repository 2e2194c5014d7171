/* test_programs.c - boximg, run as a user would, each test on a store of
 * its own (--root in a test directory). They need every exercise of the
 * chapter, so they carry no points; they must pass for the solutions.
 */
#include "harness.h"
#include "testroot.h"

#include "file.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* boximg on the test's store. */
#define BOXIMG(result, ...)                                                    \
	TEST_RUN(result, "boximg", "--root", store_root, __VA_ARGS__)

static char store_root[PATH_MAX / 2];

/* A new store, with the test's busybox root imported as "busybox". */
static void store_with_busybox(void)
{
	struct run_result r;

	test_needs_root();
	snprintf(store_root, sizeof(store_root), "%s", test_tmpdir());
	BOXIMG(&r, "import", testroot_make(), "busybox");
	test_assert_exit(&r, 0);
	test_run_free(&r);
}

/* A build context holding a Boxfile with TEXT; its path. */
static const char *context_with(const char *text)
{
	static char dir[PATH_MAX / 2];
	char path[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", test_tmpdir());
	snprintf(path, sizeof(path), "%s/Boxfile", dir);
	testroot_write(path, text);
	return dir;
}

static void build(const char *tag, const char *boxfile, struct run_result *r)
{
	BOXIMG(r, "build", "-t", tag, context_with(boxfile));
	test_assert_exit(r, 0);
}

/* The inspect document of IMAGE, parsed (json_decref it). */
static json_t *inspect(const char *image)
{
	struct run_result r;
	json_error_t error;
	json_t *doc;

	BOXIMG(&r, "inspect", image);
	test_assert_exit(&r, 0);
	doc = json_loads(r.out, 0, &error);
	ck_assert_msg(json_is_array(doc), "inspect %s: %s:\n%s", image,
	              error.text, r.out);
	test_run_free(&r);
	return doc;
}

static const char *graph(json_t *doc, const char *key)
{
	return json_string_value(json_object_get(
	        json_object_get(
	                json_object_get(json_array_get(doc, 0), "GraphDriver"),
	                "Data"),
	        key));
}

/* The names in DIR, sorted, space-separated, in a static buffer. */
static const char *names_in(const char *dir)
{
	static char buf[1024];
	struct dirent **list;
	size_t len = 0;
	int n, i;

	n = scandir(dir, &list, NULL, alphasort);
	ck_assert_msg(n >= 0, "scandir %s: %s", dir, strerror(errno));
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.' && len < sizeof(buf))
			len += snprintf(buf + len, sizeof(buf) - len, "%s%s",
			                len ? " " : "", list[i]->d_name);
		free(list[i]);
	}
	free(list);
	return buf;
}

/* The seed's example: FROM busybox + RUN mkdir /data. Two layers; the
 * new one holds /data alone; inspect's LowerDir is the base's diff. */
START_TEST(boximg_build_puts_data_in_the_upper_dir)
{
	json_t *base, *image;
	struct run_result r;

	store_with_busybox();
	build("mybox", "FROM busybox\nRUN mkdir /data\n", &r);
	ck_assert_msg(strstr(r.out, "Step 2/2 : RUN mkdir /data") &&
	                      strstr(r.out, "Successfully tagged mybox:latest"),
	              "%s", r.out);
	test_run_free(&r);
	base = inspect("busybox");
	image = inspect("mybox");
	ck_assert_str_eq(graph(image, "LowerDir"), graph(base, "UpperDir"));
	ck_assert_str_eq(names_in(graph(image, "UpperDir")), "data");
	ck_assert_int_eq(
	        json_array_size(json_object_get(
	                json_object_get(json_array_get(image, 0), "RootFS"),
	                "Layers")),
	        2);
	json_decref(base);
	json_decref(image);
}
END_TEST

/* RUN rm leaves a whiteout, and the file is gone when the image runs:
 * a container's merged root (boximg mount) does not have it. */
START_TEST(boximg_rm_in_a_run_is_a_whiteout)
{
	char path[PATH_MAX];
	struct run_result r;
	json_t *image, *c;
	struct stat st;

	store_with_busybox();
	build("norun", "FROM busybox\nRUN rm /bin/true\n", &r);
	test_run_free(&r);
	image = inspect("norun");
	snprintf(path, sizeof(path), "%s/bin/true", graph(image, "UpperDir"));
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISCHR(st.st_mode) && st.st_rdev == 0);
	BOXIMG(&r, "mount", "norun", "c1");
	test_assert_exit(&r, 0);
	c = json_loads(r.out, 0, NULL);
	ck_assert_ptr_nonnull(c);
	snprintf(path, sizeof(path), "%s/bin/true",
	         json_string_value(json_object_get(json_object_get(c, "Data"),
	                                           "MergedDir")));
	ck_assert_int_ne(lstat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/bin/sh",
	         json_string_value(json_object_get(json_object_get(c, "Data"),
	                                           "MergedDir")));
	ck_assert_int_eq(lstat(path, &st), 0);
	test_run_free(&r);
	BOXIMG(&r, "umount", "--rm", "c1");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	json_decref(c);
	json_decref(image);
}
END_TEST

START_TEST(boximg_second_build_uses_the_cache)
{
	const char *boxfile = "FROM busybox\nRUN mkdir /data\nENV A=1\n";
	struct run_result first, second;
	const char *id;

	store_with_busybox();
	build("cached", boxfile, &first);
	build("cached", boxfile, &second);
	ck_assert_ptr_nonnull(strstr(second.out, " ---> Using cache\n"));
	ck_assert_ptr_null(strstr(second.out, "Running in"));
	id = strstr(first.out, "Successfully built ");
	ck_assert_ptr_nonnull(id);
	ck_assert_msg(
	        !strncmp(strstr(second.out, "Successfully built "), id, 31),
	        "different images:\n%s\n%s", first.out, second.out);
	test_run_free(&first);
	test_run_free(&second);
}
END_TEST

static void corrupt_largest_blob(const char *layout, char *ret_hex, size_t size)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	off_t largest = -1;
	unsigned char byte;

	ck_assert_uint_lt(strlen(layout), PATH_MAX - 16);
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd;

	snprintf(dir, sizeof(dir), "%.*s/blobs/sha256", PATH_MAX - 16, layout);
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (stat(path, &st) == 0 && st.st_size > largest) {
				largest = st.st_size;
				snprintf(ret_hex, size, "%.64s", e->d_name);
			}
		}
	closedir(d);
	snprintf(path, sizeof(path), "%s/%s", dir, ret_hex);
	/* One byte in its middle, flipped: never the byte it was (writing
	 * an "x" there did nothing when the byte was an "x" already). */
	fd = open(path, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &byte, 1, largest / 2), 1);
	byte = (unsigned char)~byte;
	ck_assert_int_eq(pwrite(fd, &byte, 1, largest / 2), 1);
	close(fd);
}

START_TEST(boximg_refuses_a_corrupted_blob)
{
	char layout[PATH_MAX], hex[128];
	struct run_result r;

	store_with_busybox();
	snprintf(layout, sizeof(layout), "%s/layout", test_tmpdir());
	BOXIMG(&r, "save", "busybox", layout);
	test_assert_exit(&r, 0);
	test_run_free(&r);
	corrupt_largest_blob(layout, hex, sizeof(hex));
	BOXIMG(&r, "import", layout, "broken");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, hex) && strstr(r.err, "corrupt"),
	              "expected the blob's digest %s named, got: %s", hex,
	              r.err);
	test_run_free(&r);
	BOXIMG(&r, "ls");
	ck_assert_ptr_null(strstr(r.out, "broken"));
	test_run_free(&r);
}
END_TEST

/* Write a tar at PATH with the entries of SPEC, each "f NAME" (a file),
 * "l NAME TARGET" (a symbolic link), made with libarchive. */
static void write_tar(const char *path, const char *const *spec)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e;
	char name[256], target[256];

	archive_write_set_format_pax_restricted(a);
	ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (; *spec; spec++) {
		e = archive_entry_new();
		if ((*spec)[0] == 'l') {
			ck_assert_int_eq(
			        sscanf(*spec, "l %255s %255s", name, target),
			        2);
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, target);
			archive_entry_set_perm(e, 0777);
		} else {
			ck_assert_int_eq(sscanf(*spec, "f %255s", name), 1);
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, 5);
		}
		archive_entry_set_pathname(e, name);
		ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
		if ((*spec)[0] == 'f')
			ck_assert_int_eq(archive_write_data(a, "evil\n", 5), 5);
		archive_entry_free(e);
	}
	archive_write_free(a);
}

/* Layers that try to write outside their directory are refused, and
 * nothing appears where they aimed. */
START_TEST(boximg_refuses_layers_that_escape)
{
	char tar[PATH_MAX], outside[PATH_MAX], link[PATH_MAX * 2];
	const char *dotdot[] = { "f ok", "f ../../../escaped", NULL };
	const char *absolute[] = { "f /tmp/boxlab-escaped-abs", NULL };
	const char *through[] = { link, "f out/escaped", NULL };
	const char *const *cases[] = { dotdot, absolute, through };
	struct run_result r;
	size_t i;

	store_with_busybox();
	snprintf(outside, sizeof(outside), "%s", test_tmpdir());
	snprintf(link, sizeof(link), "l out %s", outside);
	for (i = 0; i < 3; i++) {
		snprintf(tar, sizeof(tar), "%s/evil%zu.tar", test_tmpdir(), i);
		write_tar(tar, cases[i]);
		BOXIMG(&r, "import", tar, "evil");
		ck_assert_msg(test_exit_status(&r) == 1,
		              "case %zu was imported: %s", i, r.err);
		test_run_free(&r);
	}
	ck_assert_str_eq(names_in(outside), "");
	ck_assert_int_ne(access("/tmp/boxlab-escaped-abs", F_OK), 0);
	snprintf(link, sizeof(link), "%s/overlay2", store_root);
	/* Only the busybox layer and l/: nothing half made was left. */
	ck_assert_int_eq((int)strlen(names_in(link)), 64 + 2);
}
END_TEST

/* skopeo and umoci read what boximg save writes; boximg reads what
 * umoci writes. */
START_TEST(boximg_layouts_interoperate)
{
	char layout[PATH_MAX], bundle[PATH_MAX], path[PATH_MAX * 2];
	char src[PATH_MAX], ref[PATH_MAX * 2];
	struct run_result r;

	if (access("/usr/bin/skopeo", X_OK) || access("/usr/bin/umoci", X_OK))
		test_skip("needs skopeo and umoci (sudo make deps)");
	store_with_busybox();
	build("mybox", "FROM busybox\nRUN mkdir /data\n", &r);
	test_run_free(&r);
	snprintf(layout, sizeof(layout), "%s/saved", test_tmpdir());
	BOXIMG(&r, "save", "mybox", layout);
	test_assert_exit(&r, 0);
	test_run_free(&r);
	snprintf(ref, sizeof(ref), "oci:%s:latest", layout);
	test_run((char *const[]){ "/usr/bin/skopeo", "inspect", ref, NULL },
	         &r);
	test_assert_exit(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\"Layers\""));
	test_run_free(&r);
	snprintf(bundle, sizeof(bundle), "%s/bundle", test_tmpdir());
	snprintf(ref, sizeof(ref), "%s:latest", layout);
	test_run((char *const[]){ "/usr/bin/umoci", "unpack", "--image", ref,
	                          bundle, NULL },
	         &r);
	test_assert_exit(&r, 0);
	test_run_free(&r);
	snprintf(path, sizeof(path), "%s/rootfs/data", bundle);
	ck_assert_int_eq(access(path, F_OK), 0);

	/* And back: a layout umoci made, with a file inserted. */
	snprintf(layout, sizeof(layout), "%s/umoci", test_tmpdir());
	snprintf(src, sizeof(src), "%s", test_tmpdir());
	snprintf(path, sizeof(path), "%s/hello", src);
	testroot_write(path, "from umoci\n");
	snprintf(ref, sizeof(ref), "%s:latest", layout);
	test_run((char *const[]){ "/usr/bin/umoci", "init", "--layout", layout,
	                          NULL },
	         &r);
	test_run_free(&r);
	test_run((char *const[]){ "/usr/bin/umoci", "new", "--image", ref,
	                          NULL },
	         &r);
	test_run_free(&r);
	test_run((char *const[]){ "/usr/bin/umoci", "insert", "--image", ref,
	                          path, "/hello", NULL },
	         &r);
	test_assert_exit(&r, 0);
	test_run_free(&r);
	BOXIMG(&r, "import", layout, "fromumoci");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	BOXIMG(&r, "ls");
	ck_assert_ptr_nonnull(strstr(r.out, "fromumoci "));
	test_run_free(&r);
}
END_TEST

/* The other instructions: COPY (a file, a directory), ADD of a local
 * tar, WORKDIR, USER, LABEL, ENTRYPOINT and CMD, and a RUN that runs as
 * the USER in the WORKDIR; a COPY cannot reach out of its context. */
START_TEST(boximg_build_copies_adds_and_sets)
{
	const char *bundle[] = { "f x/y", NULL };
	char path[PATH_MAX * 2], merged[PATH_MAX];
	const char *ctx, *text;
	struct run_result r;
	json_t *image, *config, *c;

	store_with_busybox();
	ctx = context_with("FROM busybox\n"
	                   "WORKDIR /app\n"
	                   "COPY app.sh ./\n"
	                   "COPY dir /app/dir/\n"
	                   "ADD bundle.tar /opt/\n"
	                   "USER 1234:1234\n"
	                   "LABEL maintainer=\"the lab\" version=1\n"
	                   "ENTRYPOINT [\"sh\"]\n"
	                   "CMD [\"/app/app.sh\"]\n"
	                   "RUN { id -u; pwd; } > /tmp/who\n");
	snprintf(path, sizeof(path), "%s/app.sh", ctx);
	testroot_write(path, "echo app\n");
	snprintf(path, sizeof(path), "%s/dir", ctx);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/dir/a", ctx);
	testroot_write(path, "a\n");
	snprintf(path, sizeof(path), "%s/bundle.tar", ctx);
	write_tar(path, bundle);
	BOXIMG(&r, "build", "-t", "full", ctx);
	test_assert_exit(&r, 0);
	test_run_free(&r);
	image = inspect("full");
	config = json_object_get(json_array_get(image, 0), "Config");
	ck_assert_str_eq(
	        json_string_value(json_object_get(config, "WorkingDir")),
	        "/app");
	ck_assert_str_eq(json_string_value(json_object_get(config, "User")),
	                 "1234:1234");
	ck_assert_str_eq(
	        json_string_value(json_object_get(
	                json_object_get(config, "Labels"), "maintainer")),
	        "the lab");
	ck_assert_str_eq(json_string_value(json_array_get(
	                         json_object_get(config, "Entrypoint"), 0)),
	                 "sh");
	snprintf(path, sizeof(path), "%s/tmp/who", graph(image, "UpperDir"));
	ck_assert_int_eq(file_read_all(AT_FDCWD, path, (char **)&text, NULL),
	                 0);
	ck_assert_str_eq(text, "1234\n/app\n");
	free((char *)text);
	BOXIMG(&r, "mount", "full", "c2");
	test_assert_exit(&r, 0);
	c = json_loads(r.out, 0, NULL);
	test_run_free(&r);
	snprintf(merged, sizeof(merged), "%s",
	         json_string_value(json_object_get(json_object_get(c, "Data"),
	                                           "MergedDir")));
	snprintf(path, sizeof(path), "%s/app/app.sh", merged);
	ck_assert_int_eq(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/app/dir/a", merged);
	ck_assert_int_eq(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/opt/x/y", merged);
	ck_assert_int_eq(access(path, F_OK), 0);
	BOXIMG(&r, "umount", "--rm", "c2");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	json_decref(c);
	json_decref(image);

	ctx = context_with("FROM busybox\nCOPY ../../../etc/passwd /x\n");
	BOXIMG(&r, "build", "-t", "escape", ctx);
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "in the build context"), "%s", r.err);
	test_run_free(&r);
}
END_TEST

START_TEST(boximg_names_the_bad_boxfile_line)
{
	const char *ctx;
	struct run_result r;
	char expected[PATH_MAX];

	store_with_busybox();
	ctx = context_with("FROM busybox\n# fine so far\nRUNN mkdir /x\n");
	BOXIMG(&r, "build", "-t", "bad", ctx);
	test_assert_exit(&r, 1);
	snprintf(expected, sizeof(expected), "%s/Boxfile:3: ", ctx);
	ck_assert_msg(strstr(r.err, expected) && !strchr(r.err, '\n')[1],
	              "expected one line naming %s, got: %s", expected, r.err);
	test_run_free(&r);
	ctx = context_with("FROM busybox\nRUN false\n");
	BOXIMG(&r, "build", "-t", "bad", ctx);
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "Step 2/2 : The command '/bin/sh -c false' "
	                            "returned a non-zero code: 1"),
	              "%s", r.err);
	test_run_free(&r);
}
END_TEST

/* Deleting the base only untags it while an image built on it lives
 * (docker rmi does the same); deleting that image then takes the base
 * with it, and every layer: nothing is left. */
START_TEST(boximg_rm_keeps_what_others_use)
{
	char overlay[PATH_MAX];
	struct run_result r;
	json_t *image;

	store_with_busybox();
	build("mybox", "FROM busybox\nRUN mkdir /data\n", &r);
	test_run_free(&r);
	BOXIMG(&r, "rm", "busybox");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "Untagged: busybox:latest\n");
	test_run_free(&r);
	image = inspect("mybox");
	ck_assert_int_eq(access(graph(image, "LowerDir"), F_OK), 0);
	json_decref(image);
	BOXIMG(&r, "rm", "mybox");
	test_assert_exit(&r, 0);
	ck_assert_msg(
	        strstr(r.out, "Untagged: mybox:latest\nDeleted: ") &&
	                strstr(strstr(r.out, "Deleted: ") + 1, "Deleted: "),
	        "expected mybox and the base deleted:\n%s", r.out);
	test_run_free(&r);
	snprintf(overlay, sizeof(overlay), "%s/overlay2", store_root);
	ck_assert_str_eq(names_in(overlay), "l");
	snprintf(overlay, sizeof(overlay), "%s/overlay2/l", store_root);
	ck_assert_str_eq(names_in(overlay), "");
}
END_TEST

START_TEST(boximg_rejects_bad_input)
{
	struct run_result r;

	store_with_busybox();
	test_run_program(&r, "boximg", (const char *const[]){ NULL });
	test_assert_exit(&r, 2);
	test_run_free(&r);
	BOXIMG(&r, "frobnicate");
	test_assert_exit(&r, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "unknown command frobnicate"));
	test_run_free(&r);
	BOXIMG(&r, "inspect", "nosuch");
	test_assert_exit(&r, 1);
	ck_assert_str_eq(r.err, "boximg: nosuch: no such image (boximg ls "
	                        "lists them)\n");
	test_run_free(&r);
	BOXIMG(&r, "import", "/nonexistent", "x");
	test_assert_exit(&r, 1);
	ck_assert_str_eq(r.err, "boximg: import: /nonexistent: No such file "
	                        "or directory\n");
	test_run_free(&r);
	BOXIMG(&r, "tag", "busybox", "Bad:Name:Here");
	test_assert_exit(&r, 2);
	test_run_free(&r);
}
END_TEST

const struct graded_test programs_tests[] = {
	PROGRAM(boximg_build_puts_data_in_the_upper_dir),
	PROGRAM(boximg_rm_in_a_run_is_a_whiteout),
	PROGRAM(boximg_second_build_uses_the_cache),
	PROGRAM(boximg_refuses_a_corrupted_blob),
	PROGRAM(boximg_refuses_layers_that_escape),
	PROGRAM(boximg_layouts_interoperate),
	PROGRAM(boximg_build_copies_adds_and_sets),
	PROGRAM(boximg_names_the_bad_boxfile_line),
	PROGRAM(boximg_rm_keeps_what_others_use),
	PROGRAM(boximg_rejects_bad_input),
	{ 0 },
};
