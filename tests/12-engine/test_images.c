/* test_images.c - the image module of boxd, driven by the stock docker
 * CLI: images (and its reference filter), inspect, history, build, tag,
 * rmi, import, save, load.
 * Each test starts boxd on a store of its own holding the test's busybox
 * root (imported with chapter 08's boximg). They need the whole chapter,
 * so they carry no points.
 */
#include "boxd_test.h"
#include "harness.h"
#include "testroot.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* boxd with busybox in its store, and the docker CLI to drive it. */
static void start_with_busybox(struct boxd_test *d)
{
	struct run_result r;

	boxd_test_needs_docker();
	boxd_test_start(d);
	TEST_RUN(&r, "boximg", "--root", d->root, "import", testroot_make(),
	         "busybox");
	test_assert_exit(&r, 0);
	test_run_free(&r);
}

/* What `docker image inspect --format FORMAT IMAGE` prints, without its
 * newline, in BUF. */
static const char *inspect(const struct boxd_test *d, const char *format,
                           const char *image, char *buf, size_t size)
{
	struct run_result r;

	DOCKER(d, &r, "image", "inspect", "--format", format, image);
	test_assert_exit(&r, 0);
	snprintf(buf, size, "%.*s", (int)strcspn(r.out, "\n"), r.out);
	test_run_free(&r);
	return buf;
}

/* Run docker ARGS and check it exits with STATUS and prints TEXT (on
 * stdout, or stderr for a failure). */
static void docker_says(const struct boxd_test *d, int status, const char *text,
                        const char *const *args)
{
	struct run_result r;
	const char *where;

	boxd_test_docker(d, &r, args);
	test_assert_exit(&r, status);
	where = status ? r.err : r.out;
	ck_assert_msg(strstr(where, text), "expected \"%s\" in:\n%s%s", text,
	              r.out, r.err);
	test_run_free(&r);
}
#define DOCKER_SAYS(d, status, text, ...)                                      \
	docker_says(d, status, text, (const char *const[]){ __VA_ARGS__, NULL })

/* docker images and docker image inspect show chapter 08's store: the
 * paths of GraphDriver are the layer's directories. */
START_TEST(docker_inspects_an_image)
{
	struct boxd_test d;
	char upper[PATH_MAX], path[PATH_MAX + 16], buf[256];

	start_with_busybox(&d);
	DOCKER_SAYS(&d, 0, "busybox      latest", "images");
	inspect(&d, "{{.GraphDriver.Data.UpperDir}}", "busybox", upper,
	        sizeof(upper));
	ck_assert_msg(!strncmp(upper, d.root, strlen(d.root)), "%s", upper);
	snprintf(path, sizeof(path), "%s/bin/busybox", upper);
	ck_assert_msg(access(path, X_OK) == 0, "%s: not there", path);
	ck_assert_str_eq(inspect(&d,
	                         "{{.GraphDriver.Name}} {{.RootFS.Type}} "
	                         "{{.Config.Cmd}} {{.RepoTags}} {{.Os}}",
	                         "docker.io/library/busybox:latest", buf,
	                         sizeof(buf)),
	                 "overlay2 layers [sh] [busybox:latest] linux");
	DOCKER_SAYS(&d, 0, "boximg import", "history", "busybox");
	DOCKER_SAYS(&d, 1, "Error response from daemon: No such image: nope",
	            "image", "inspect", "nope");
	boxd_test_stop(&d);
}
END_TEST

/* The seed's demonstration: docker build (the classic builder) runs
 * RUN mkdir /data in a container; the new layer is the UpperDir, and
 * busybox's the LowerDir. */
START_TEST(docker_build_puts_data_in_the_upper_dir)
{
	struct boxd_test d;
	char ctx[PATH_MAX / 2], path[PATH_MAX + 16];
	char upper[PATH_MAX], lower[PATH_MAX], base[PATH_MAX];
	struct stat st;

	start_with_busybox(&d);
	snprintf(ctx, sizeof(ctx), "%s", test_tmpdir());
	snprintf(path, sizeof(path), "%s/Dockerfile", ctx);
	testroot_write(path, "FROM busybox\nRUN mkdir /data\n");
	DOCKER_SAYS(&d, 0, "Step 1/2 : FROM busybox\n", "build", "-t", "seed",
	            ctx);
	DOCKER_SAYS(&d, 0, "Successfully tagged seed:latest\n", "build", "-t",
	            "seed", ctx);
	inspect(&d, "{{.GraphDriver.Data.UpperDir}}", "seed", upper,
	        sizeof(upper));
	inspect(&d, "{{.GraphDriver.Data.LowerDir}}", "seed", lower,
	        sizeof(lower));
	inspect(&d, "{{.GraphDriver.Data.UpperDir}}", "busybox", base,
	        sizeof(base));
	snprintf(path, sizeof(path), "%s/data", upper);
	ck_assert_msg(stat(path, &st) == 0 && S_ISDIR(st.st_mode),
	              "%s: no directory", path);
	ck_assert_str_eq(lower, base);
	snprintf(path, sizeof(path), "%s/Dockerfile", ctx);
	testroot_write(path, "FROM busybox\nRUN false\n");
	DOCKER_SAYS(&d, 1, "returned a non-zero code: 1", "build", ctx);
	boxd_test_stop(&d);
}
END_TEST

/* The build's progress is streamed: a step's line reaches the client
 * while the step still runs (its RUN sleeps a second), not all at the
 * end. */
START_TEST(docker_build_streams_its_progress)
{
	char ctx[PATH_MAX / 2], path[PATH_MAX + 16], env[PATH_MAX + 16];
	struct running build;
	struct boxd_test d;
	struct run_result r;
	int status;

	start_with_busybox(&d);
	snprintf(ctx, sizeof(ctx), "%s", test_tmpdir());
	snprintf(path, sizeof(path), "%s/Dockerfile", ctx);
	testroot_write(path, "FROM busybox\nRUN echo before the sleep && "
	                     "sleep 1\nRUN echo after\n");
	snprintf(env, sizeof(env), "DOCKER_HOST=%s", d.host);
	test_start((char *[]){ "/usr/bin/env", env, "/usr/local/bin/docker",
	                       "build", ctx, NULL },
	           &build);
	test_wait_for_line(build.out_fd, "before the sleep");
	ck_assert_msg(waitpid(build.pid, &status, WNOHANG) == 0,
	              "the build had ended when its first RUN's output came");
	test_finish(&build, &r);
	test_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.out, "Step 3/3 : RUN echo after"), "%s", r.out);
	test_run_free(&r);
	boxd_test_stop(&d);
}
END_TEST

/* docker tag and docker rmi, with docker's rules: a tag is untagged, an
 * image goes with its last tag, an ID with two tags needs -f. */
START_TEST(docker_tags_and_removes_images)
{
	struct boxd_test d;
	struct run_result r;
	char id[128];

	start_with_busybox(&d);
	DOCKER_SAYS(&d, 0, "", "tag", "busybox", "mine/box:1");
	DOCKER_SAYS(&d, 0, "mine/box     1", "images");
	DOCKER(&d, &r, "images", "mine/*");
	test_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.out, "mine/box") && !strstr(r.out, "busybox"),
	              "docker images mine/* lists:\n%s", r.out);
	test_run_free(&r);
	inspect(&d, "{{.Id}}", "mine/box:1", id, sizeof(id));
	DOCKER_SAYS(&d, 1,
	            "(must be forced) - image is referenced in "
	            "multiple repositories",
	            "rmi", id + 7);
	DOCKER_SAYS(&d, 0, "Untagged: mine/box:1\n", "rmi", "mine/box:1");
	DOCKER_SAYS(&d, 0, "Deleted: sha256:", "rmi", "busybox");
	DOCKER_SAYS(&d, 1,
	            "Error response from daemon: No such image: "
	            "busybox:latest",
	            "rmi", "busybox");
	boxd_test_stop(&d);
}
END_TEST

/* docker import of a tar; docker save, then docker load of what it
 * wrote, gives the same image back. */
START_TEST(docker_imports_saves_and_loads)
{
	struct boxd_test d;
	char tar[PATH_MAX], saved[PATH_MAX], id[128], again[128];
	const char *root;
	struct run_result r;

	start_with_busybox(&d);
	root = testroot_make();
	snprintf(tar, sizeof(tar), "%s/root.tar", test_tmpdir());
	test_run((char *const[]){ "/bin/tar", "-C", (char *)root, "-cf", tar,
	                          ".", NULL },
	         &r);
	test_assert_exit(&r, 0);
	test_run_free(&r);
	DOCKER_SAYS(&d, 0, "sha256:", "import", tar, "imported:1");
	inspect(&d, "{{.Id}}", "imported:1", id, sizeof(id));
	snprintf(saved, sizeof(saved), "%s/saved.tar", test_tmpdir());
	DOCKER_SAYS(&d, 0, "", "save", "-o", saved, "imported:1");
	DOCKER_SAYS(&d, 0, "Untagged: imported:1", "rmi", "imported:1");
	DOCKER_SAYS(&d, 0, "Loaded image: imported:1\n", "load", "-i", saved);
	ck_assert_str_eq(
	        inspect(&d, "{{.Id}}", "imported:1", again, sizeof(again)), id);
	boxd_test_stop(&d);
}
END_TEST

/* Bad input gets a message, and boxd goes on serving. */
START_TEST(docker_gets_errors_for_bad_input)
{
	struct boxd_test d;
	char junk[PATH_MAX];

	start_with_busybox(&d);
	snprintf(junk, sizeof(junk), "%s/junk.tar", test_tmpdir());
	testroot_write(junk, "not a tar at all\n");
	DOCKER_SAYS(&d, 1,
	            "Error response from daemon: import: the body is "
	            "not a tar",
	            "import", junk, "junk");
	DOCKER_SAYS(&d, 1, "not a tar", "load", "-i", junk);
	DOCKER_SAYS(&d, 1, "no registry", "pull", "alpine");
	DOCKER_SAYS(&d, 1, "No such image: nope", "tag", "nope", "x:1");
	DOCKER_SAYS(&d, 0, "busybox      latest", "images");
	boxd_test_stop(&d);
}
END_TEST

const struct graded_test images_tests[] = {
	PROGRAM(docker_inspects_an_image),
	PROGRAM(docker_build_puts_data_in_the_upper_dir),
	PROGRAM(docker_build_streams_its_progress),
	PROGRAM(docker_tags_and_removes_images),
	PROGRAM(docker_imports_saves_and_loads),
	PROGRAM(docker_gets_errors_for_bad_input),
	{ 0 },
};
