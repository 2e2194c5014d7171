/* test_oci.c - oci_read() (8.2) on OCI layouts the tests write blob by
 * blob, each named by its SHA-256 computed here with libcrypto (not with
 * the lab's digest.c, which is another exercise), and on a layout made
 * by umoci.
 */
#include "harness.h"
#include "oci.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- writing a layout ------------------------------------------------- */

/* "sha256:" and the hex SHA-256 of LEN bytes at DATA, in RET. */
static void sha256_digest(const void *data, size_t len,
                          char ret[DIGEST_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len, i;

	ck_assert(EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL));
	strcpy(ret, "sha256:");
	for (i = 0; i < md_len; i++)
		sprintf(ret + 7 + 2 * i, "%02x", md[i]);
}

/* Write TEXT to DIR/NAME. */
static void put(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Store TEXT as a blob of the layout DIR; its digest in RET. Returns its
 * size. */
static size_t put_blob(const char *dir, const char *text,
                       char ret[DIGEST_LEN + 1])
{
	char name[128];

	sha256_digest(text, strlen(text), ret);
	snprintf(name, sizeof(name), "blobs/sha256/%s", ret + 7);
	put(dir, name, text);
	return strlen(text);
}

/* A new empty layout in DIR/NAME, with oci-layout saying VERSION (NULL:
 * no oci-layout at all). Returns its path (static buffer). */
static const char *new_layout(const char *dir, const char *name,
                              const char *version)
{
	static char path[PATH_MAX];
	char sub[PATH_MAX + 16], text[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/blobs", path);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/blobs/sha256", path);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	if (version) {
		snprintf(text, sizeof(text), "{\"imageLayoutVersion\":\"%s\"}",
		         version);
		put(path, "oci-layout", text);
	}
	return path;
}

/* What write_image() changes from the usual image; 0 or NULL: usual. */
struct image_spec {
	const char *arch;          /* the config's architecture */
	const char *config_digest; /* the manifest names this config */
	const char *layer_digest;  /* ... and this as its first layer */
	const char *layer_type;    /* ... of this media type */
	const char *diff_id;       /* the config's first diff_id */
	bool no_layers;            /* the manifest has no "layers" */
	bool no_diff_ids;          /* the config has no rootfs.diff_ids */
};

/* What write_image() wrote. */
struct image_made {
	char manifest[DIGEST_LEN + 1];
	size_t manifest_size;
	char config[DIGEST_LEN + 1];
	size_t config_size;
	char config_text[1024];
	char layers[2][DIGEST_LEN + 1];
	size_t layer_sizes[2];
	char diff_ids[2][DIGEST_LEN + 1];
};

static const char *const layer_types[2] = { OCI_MEDIA_LAYER_GZ,
	                                    OCI_MEDIA_LAYER };

/* Write the blobs of a two-layer image into the layout DIR. */
static void write_image(const char *dir, const struct image_spec *spec,
                        struct image_made *ret)
{
	char manifest[2048], layers[1024] = "";
	int i;

	for (i = 0; i < 2; i++) {
		char layer[64];

		snprintf(layer, sizeof(layer), "layer %d of %s", i,
		         spec->arch ? spec->arch : "amd64");
		ret->layer_sizes[i] = put_blob(dir, layer, ret->layers[i]);
		sha256_digest(layer, 5, ret->diff_ids[i]); /* any digest */
		snprintf(layers + strlen(layers),
		         sizeof(layers) - strlen(layers),
		         "%s{\"mediaType\":\"%s\",\"digest\":\"%s\","
		         "\"size\":%zu}",
		         i ? "," : "",
		         !i && spec->layer_type ? spec->layer_type
		                                : layer_types[i],
		         !i && spec->layer_digest ? spec->layer_digest
		                                  : ret->layers[i],
		         ret->layer_sizes[i]);
	}
	snprintf(ret->config_text, sizeof(ret->config_text),
	         "{\"architecture\":\"%s\",\"os\":\"linux\",\n"
	         " \"config\":{\"Cmd\":[\"sh\"]},"
	         "\"rootfs\":{\"type\":\"layers\"%s\"%s\",\"%s\"]}}\n",
	         spec->arch ? spec->arch : "amd64",
	         spec->no_diff_ids ? ",\"x\":[" : ",\"diff_ids\":[",
	         spec->diff_id ? spec->diff_id : ret->diff_ids[0],
	         ret->diff_ids[1]);
	ret->config_size = put_blob(dir, ret->config_text, ret->config);
	snprintf(manifest, sizeof(manifest),
	         "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":"
	         "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu},"
	         "\"%s\":[%s]}",
	         OCI_MEDIA_MANIFEST, OCI_MEDIA_CONFIG,
	         spec->config_digest ? spec->config_digest : ret->config,
	         ret->config_size, spec->no_layers ? "x" : "layers", layers);
	ret->manifest_size = put_blob(dir, manifest, ret->manifest);
}

/* A descriptor for index.json: MEDIA_TYPE, DIGEST, SIZE, and REF (NULL:
 * no ref name) or PLATFORM ("os/arch"), in BUF. Returns BUF. */
static char *descriptor(char *buf, size_t len, const char *media_type,
                        const char *digest, size_t size, const char *ref,
                        const char *platform)
{
	char extra[256] = "";

	if (ref)
		snprintf(extra, sizeof(extra),
		         ",\"annotations\":{\"%s\":\"%s\"}", OCI_REF_NAME, ref);
	if (platform)
		snprintf(extra, sizeof(extra),
		         ",\"platform\":{\"os\":\"%.*s\",\"architecture\":"
		         "\"%s\"}",
		         (int)strcspn(platform, "/"), platform,
		         strchr(platform, '/') + 1);
	snprintf(buf, len,
	         "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu%s}",
	         media_type, digest, size, extra);
	return buf;
}

/* index.json (or an index blob) with the descriptors ENTRIES. */
static void put_index(const char *dir, const char *entries, char *ret_digest)
{
	char text[4096];

	snprintf(
	        text, sizeof(text),
	        "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"manifests\":[%s]}",
	        OCI_MEDIA_INDEX, entries);
	if (ret_digest)
		put_blob(dir, text, ret_digest);
	else
		put(dir, "index.json", text);
}

/* A layout in a new test directory holding one usual image, tagged REF
 * (NULL: no tag), with SPEC's changes. Returns its fd. */
static int one_image(const char *ref, const struct image_spec *spec,
                     struct image_made *ret)
{
	const char *dir = new_layout(test_tmpdir(), "layout", "1.0.0");
	char entry[512];
	int fd;

	write_image(dir, spec, ret);
	put_index(dir,
	          descriptor(entry, sizeof(entry), OCI_MEDIA_MANIFEST,
	                     ret->manifest, ret->manifest_size, ref, NULL),
	          NULL);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

/* The number of open file descriptors. */
static int count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	ck_assert(dir != NULL);
	while ((e = readdir(dir)))
		n += e->d_name[0] != '.';
	closedir(dir);
	return n;
}

/* oci_read() must give -EXPECTED. */
static void read_fails(int fd, const char *ref, int expected, const char *what)
{
	struct oci_image image = { 0 };
	int fds = count_fds();

	ck_assert_err(oci_read(fd, ref, &image), expected, what);
	ck_assert_msg(count_fds() == fds, "%s: oci_read() left an fd open",
	              what);
}

/* IMAGE must be what write_image() wrote as MADE. */
static void check_image(const struct oci_image *image,
                        const struct image_made *made)
{
	int i;

	ck_assert_str_eq(image->manifest.digest.text, made->manifest);
	ck_assert_str_eq(image->manifest.media_type, OCI_MEDIA_MANIFEST);
	ck_assert_int_eq(image->manifest.size, (int64_t)made->manifest_size);
	ck_assert_str_eq(image->config.digest.text, made->config);
	ck_assert_str_eq(image->config.media_type, OCI_MEDIA_CONFIG);
	ck_assert_int_eq(image->config.size, (int64_t)made->config_size);
	ck_assert_uint_eq(image->n_layers, 2);
	ck_assert_uint_eq(image->n_diff_ids, 2);
	for (i = 0; i < 2; i++) {
		ck_assert_str_eq(image->layers[i].digest.text, made->layers[i]);
		ck_assert_str_eq(image->layers[i].media_type, layer_types[i]);
		ck_assert_int_eq(image->layers[i].size,
		                 (int64_t)made->layer_sizes[i]);
		ck_assert_str_eq(image->diff_ids[i].text, made->diff_ids[i]);
	}
	ck_assert_msg(image->config_json &&
	                      image->config_len == strlen(made->config_text) &&
	                      !memcmp(image->config_json, made->config_text,
	                              image->config_len + 1),
	              "CONFIG_JSON must be the config blob's bytes exactly, "
	              "NUL-terminated");
}

/* --- 8.2 ----------------------------------------------------------------- */

START_TEST(reads_the_image_a_ref_names)
{
	const char *dir = new_layout(test_tmpdir(), "layout", "1.0.0");
	struct image_spec spec = { 0 }, other = { .arch = "arm64" };
	struct image_made made, made_other;
	struct oci_image image = { 0 };
	char entries[1024], *p;
	int fd, fds;

	write_image(dir, &other, &made_other);
	write_image(dir, &spec, &made);
	p = descriptor(entries, sizeof(entries), OCI_MEDIA_MANIFEST,
	               made_other.manifest, made_other.manifest_size, "other",
	               NULL);
	p += strlen(p);
	*p++ = ',';
	descriptor(p, sizeof(entries) - (size_t)(p - entries),
	           OCI_MEDIA_MANIFEST, made.manifest, made.manifest_size,
	           "latest", NULL);
	put_index(dir, entries, NULL);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);

	fds = count_fds();
	ck_assert_ok(oci_read(fd, "latest", &image), "oci_read(\"latest\")");
	ck_assert_msg(count_fds() == fds, "oci_read() left an fd open");
	check_image(&image, &made);
	oci_image_free(&image);
	oci_image_free(&image); /* zeroed: still fine */

	ck_assert_ok(oci_read(fd, "other", &image), "oci_read(\"other\")");
	check_image(&image, &made_other);
	oci_image_free(&image);
	close(fd);
}
END_TEST

START_TEST(a_missing_ref_is_enoent_and_null_needs_one_image)
{
	struct image_spec spec = { 0 };
	struct image_made made;
	struct oci_image image = { 0 };
	int fd = one_image("latest", &spec, &made);

	read_fails(fd, "v2", -ENOENT, "oci_read(\"v2\")");
	read_fails(fd, "late", -ENOENT, "oci_read(\"late\")");
	ck_assert_ok(oci_read(fd, NULL, &image), "oci_read(NULL)");
	check_image(&image, &made);
	oci_image_free(&image);
	close(fd);
}
END_TEST

START_TEST(null_ref_reads_an_untagged_image_and_refuses_two)
{
	struct image_spec spec = { 0 };
	struct image_made made;
	struct oci_image image = { 0 };
	const char *dir;
	char entries[1024], *p;
	int fd = one_image(NULL, &spec, &made);

	ck_assert_ok(oci_read(fd, NULL, &image), "oci_read(NULL)");
	check_image(&image, &made);
	oci_image_free(&image);
	read_fails(fd, "latest", -ENOENT, "oci_read(\"latest\") untagged");
	close(fd);

	/* Two images: NULL does not say which. */
	dir = new_layout(test_tmpdir(), "two", "1.0.0");
	write_image(dir, &spec, &made);
	p = descriptor(entries, sizeof(entries), OCI_MEDIA_MANIFEST,
	               made.manifest, made.manifest_size, "a", NULL);
	p += strlen(p);
	*p++ = ',';
	descriptor(p, sizeof(entries) - (size_t)(p - entries),
	           OCI_MEDIA_MANIFEST, made.manifest, made.manifest_size, "b",
	           NULL);
	put_index(dir, entries, NULL);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	read_fails(fd, NULL, -EINVAL, "oci_read(NULL) of two images");
	close(fd);
}
END_TEST

/* A layout whose "latest" is an image index of the images for the
 * platforms PLATFORMS ("os/arch"); the one for WANT in RET. */
static int multi_platform(const char *const *platforms, const char *want,
                          struct image_made *ret)
{
	const char *dir = new_layout(test_tmpdir(), "layout", "1.0.0");
	char entries[2048] = "", entry[512], nested[DIGEST_LEN + 1];
	struct image_made made;
	int i, fd;

	for (i = 0; platforms[i]; i++) {
		struct image_spec spec = { .arch = strchr(platforms[i], '/') +
			                           1 };

		write_image(dir, &spec, &made);
		if (!strcmp(platforms[i], want))
			*ret = made;
		descriptor(entry, sizeof(entry), OCI_MEDIA_MANIFEST,
		           made.manifest, made.manifest_size, NULL,
		           platforms[i]);
		snprintf(entries + strlen(entries),
		         sizeof(entries) - strlen(entries), "%s%s",
		         i ? "," : "", entry);
	}
	put_index(dir, entries, nested);
	put_index(dir,
	          descriptor(entry, sizeof(entry), OCI_MEDIA_INDEX, nested, 100,
	                     "latest", NULL),
	          NULL);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

START_TEST(a_nested_index_gives_the_linux_amd64_image)
{
	static const char *const platforms[] = { "linux/arm64", "windows/amd64",
		                                 "linux/amd64", "linux/s390x",
		                                 NULL };
	static const char *const no_amd64[] = { "linux/arm64", "linux/riscv64",
		                                NULL };
	struct oci_image image = { 0 };
	struct image_made made;
	int fd;

	fd = multi_platform(platforms, "linux/amd64", &made);
	ck_assert_ok(oci_read(fd, "latest", &image),
	             "oci_read() through an image index");
	check_image(&image, &made);
	ck_assert_ptr_nonnull(strstr(image.config_json, "\"amd64\""));
	oci_image_free(&image);
	close(fd);

	fd = multi_platform(no_amd64, "", &made);
	read_fails(fd, "latest", -ENOENT, "an index without linux/amd64");
	close(fd);
}
END_TEST

/* oci_read() of "latest" in FD must be -EINVAL, and must not have
 * opened the file WATCH watches. */
static void refused_unopened(int fd, int watch, const char *what)
{
	struct oci_image image = { 0 };
	char event[256];
	ssize_t len;
	int err;

	err = oci_read(fd, "latest", &image);
	test_assert_no_stub();
	len = read(watch, event, sizeof(event));
	ck_assert_msg(len < 0 && errno == EAGAIN,
	              "%s: oci_read() opened a file outside the layout", what);
	ck_assert_err(err, -EINVAL, what);
}

START_TEST(a_malformed_digest_is_einval_and_opens_nothing)
{
	/* From blobs/sha256/, three levels up is the test's directory. */
	static const char escape[] = "sha256:../../../secret";
	static const struct {
		const char *what;
		struct image_spec spec;
	} cases[] = {
		{ "config digest sha256:../../../secret",
		  { .config_digest = escape } },
		{ "config digest in capitals",
		  { .config_digest = "sha256:"
		                     "ABCDEF0123456789ABCDEF0123456789"
		                     "ABCDEF0123456789ABCDEF0123456789" } },
		{ "layer digest sha256:../../../secret",
		  { .layer_digest = escape } },
		{ "layer digest with /x after 64 digits",
		  { .layer_digest = "sha256:"
		                    "abcdef0123456789abcdef0123456789"
		                    "abcdef0123456789abcdef0123456789/x" } },
		{ "diff_id sha256:12", { .diff_id = "sha256:12" } },
		{ "diff_id sha512:...", { .diff_id = "sha512:abcdef" } },
	};
	char top[PATH_MAX], secret[PATH_MAX + 8], entry[512], name[32];
	struct image_made made;
	const char *dir;
	size_t i;
	int fd, watch;

	/* A decoy outside the layout, which a careless reader would take
	 * for a manifest or a config; inotify tells if it is opened. */
	snprintf(top, sizeof(top), "%s", test_tmpdir());
	put(top, "secret",
	    "{\"config\":{\"mediaType\":\"" OCI_MEDIA_CONFIG "\",\"digest\":"
	    "\"sha256:1111111111111111111111111111111111111111111111111111111"
	    "111111111\",\"size\":2},\"layers\":[],"
	    "\"rootfs\":{\"diff_ids\":[]}}");
	snprintf(secret, sizeof(secret), "%s/secret", top);
	watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	ck_assert_int_ge(watch, 0);
	ck_assert_int_ge(inotify_add_watch(watch, secret, IN_OPEN), 0);

	dir = new_layout(top, "layout", "1.0.0");
	write_image(dir, &cases[0].spec, &made);
	put_index(dir,
	          descriptor(entry, sizeof(entry), OCI_MEDIA_MANIFEST, escape,
	                     10, "latest", NULL),
	          NULL);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	refused_unopened(fd, watch, "index.json names sha256:../../../secret");
	close(fd);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "layout%zu", i);
		dir = new_layout(top, name, "1.0.0");
		write_image(dir, &cases[i].spec, &made);
		put_index(dir,
		          descriptor(entry, sizeof(entry), OCI_MEDIA_MANIFEST,
		                     made.manifest, made.manifest_size,
		                     "latest", NULL),
		          NULL);
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		refused_unopened(fd, watch, cases[i].what);
		close(fd);
	}
	close(watch);
}
END_TEST

START_TEST(not_a_layout_or_not_this_version)
{
	struct image_made made;
	const char *dir;
	char entry[512];
	int fd;

	dir = new_layout(test_tmpdir(), "none", NULL);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	read_fails(fd, NULL, -EINVAL, "a directory without oci-layout");
	close(fd);

	dir = new_layout(test_tmpdir(), "v2", "2.0.0");
	write_image(dir, &(struct image_spec){ 0 }, &made);
	put_index(dir,
	          descriptor(entry, sizeof(entry), OCI_MEDIA_MANIFEST,
	                     made.manifest, made.manifest_size, "latest", NULL),
	          NULL);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	read_fails(fd, "latest", -ENOTSUP, "imageLayoutVersion 2.0.0");
	close(fd);

	dir = new_layout(test_tmpdir(), "noversion", "1.0.0");
	put(dir, "oci-layout", "{\"version\":\"1.0.0\"}");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	read_fails(fd, NULL, -EINVAL, "oci-layout without imageLayoutVersion");
	close(fd);

	dir = new_layout(test_tmpdir(), "noindex", "1.0.0");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	read_fails(fd, NULL, -ENOENT, "a layout without index.json");
	put(dir, "index.json", "{\"schemaVersion\":2}");
	read_fails(fd, NULL, -EINVAL, "index.json without manifests");
	put(dir, "index.json", "{\"manifests\":[");
	read_fails(fd, NULL, -EINVAL, "index.json that is not JSON");
	close(fd);
}
END_TEST

START_TEST(documents_missing_a_field_are_einval)
{
	struct image_made made;
	char path[128];
	int fd;

	fd = one_image("latest", &(struct image_spec){ .no_layers = true },
	               &made);
	read_fails(fd, "latest", -EINVAL, "a manifest without \"layers\"");
	close(fd);

	fd = one_image("latest", &(struct image_spec){ .no_diff_ids = true },
	               &made);
	read_fails(fd, "latest", -EINVAL, "a config without diff_ids");
	close(fd);

	fd = one_image(
	        "latest",
	        &(struct image_spec){ .layer_type = "application/x-unknown" },
	        &made);
	read_fails(fd, "latest", -ENOTSUP, "a layer of an unknown media type");
	close(fd);

	fd = one_image("latest", &(struct image_spec){ 0 }, &made);
	snprintf(path, sizeof(path), "blobs/sha256/%.64s", made.config + 7);
	ck_assert_int_eq(unlinkat(fd, path, 0), 0);
	read_fails(fd, "latest", -ENOENT, "a config blob that is missing");
	close(fd);
}
END_TEST

/* --- a layout made by umoci --------------------------------------------- */

/* Run umoci with ARGS; skip the test if it is not installed. */
static void umoci(const char *const *args)
{
	char *argv[16] = { "/usr/bin/umoci" };
	struct run_result result;
	int i;

	if (access(argv[0], X_OK) < 0)
		test_skip("needs umoci");
	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = (char *)args[i];
	test_run(argv, &result);
	test_assert_exit(&result, 0);
	test_run_free(&result);
}
#define UMOCI(...) umoci((const char *const[]){ __VA_ARGS__, NULL })

/* The digest of the file DIR/blobs/sha256/HEX of DIGEST, in RET. */
static void digest_of_blob(int dir_fd, const char *digest,
                           char ret[DIGEST_LEN + 1])
{
	char path[128], data[65536];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "blobs/sha256/%s", digest + 7);
	fd = openat(dir_fd, path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	len = read(fd, data, sizeof(data));
	ck_assert_int_ge(len, 0);
	close(fd);
	sha256_digest(data, (size_t)len, ret);
}

/* skopeo copies the image at IMAGE_REF (oci:DIR:TAG) to another layout
 * under another tag: oci_read() must find the same image there. */
static void read_a_skopeo_copy(const char *image_ref,
                               const struct oci_image *original)
{
	char from[PATH_MAX + 32], to[PATH_MAX + 32];
	struct oci_image image = { 0 };
	struct run_result result;
	int fd;

	snprintf(from, sizeof(from), "oci:%s", image_ref);
	snprintf(to, sizeof(to), "oci:%s/copy:copied", test_tmpdir());
	test_run((char *[]){ "/usr/bin/skopeo", "--insecure-policy", "copy",
	                     "-q", from, to, NULL },
	         &result);
	test_assert_exit(&result, 0);
	test_run_free(&result);
	to[strlen(to) - strlen(":copied")] = '\0';
	fd = open(to + strlen("oci:"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_ok(oci_read(fd, "copied", &image),
	             "oci_read(\"copied\") of a skopeo copy");
	ck_assert_str_eq(image.config.digest.text,
	                 original->config.digest.text);
	ck_assert_str_eq(image.layers[0].digest.text,
	                 original->layers[0].digest.text);
	oci_image_free(&image);
	close(fd);
}

START_TEST(reads_a_layout_made_by_umoci)
{
	char layout[PATH_MAX + 8], src[PATH_MAX + 8], image_ref[PATH_MAX + 16];
	char sum[DIGEST_LEN + 1];
	struct oci_image image = { 0 };
	int fd;

	snprintf(layout, sizeof(layout), "%s/layout", test_tmpdir());
	snprintf(src, sizeof(src), "%s/src", test_tmpdir());
	snprintf(image_ref, sizeof(image_ref), "%s:latest", layout);
	ck_assert_int_eq(mkdir(src, 0755), 0);
	put(src, "hello", "hi\n");
	UMOCI("init", "--layout", layout);
	UMOCI("new", "--image", image_ref);
	UMOCI("insert", "--rootless", "--image", image_ref, src, "/data");
	UMOCI("config", "--image", image_ref, "--config.cmd", "sh");

	fd = open(layout, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_ok(oci_read(fd, "latest", &image), "oci_read(\"latest\")");
	ck_assert_uint_eq(image.n_layers, 1);
	ck_assert_uint_eq(image.n_diff_ids, 1);
	ck_assert_str_eq(image.layers[0].media_type, OCI_MEDIA_LAYER_GZ);
	ck_assert_str_eq(image.config.media_type, OCI_MEDIA_CONFIG);
	sha256_digest(image.config_json, image.config_len, sum);
	ck_assert_msg(!strcmp(sum, image.config.digest.text),
	              "CONFIG_JSON is not the config blob's bytes: their "
	              "digest is %s, the manifest says %s",
	              sum, image.config.digest.text);
	ck_assert_int_eq(image.config.size, (int64_t)image.config_len);
	digest_of_blob(fd, image.manifest.digest.text, sum);
	ck_assert_str_eq(sum, image.manifest.digest.text);
	digest_of_blob(fd, image.layers[0].digest.text, sum);
	ck_assert_str_eq(sum, image.layers[0].digest.text);
	ck_assert_ptr_nonnull(strstr(image.config_json, "\"Cmd\":[\"sh\"]"));
	oci_image_free(&image);
	ck_assert_ok(oci_read(fd, NULL, &image), "oci_read(NULL)");
	ck_assert_uint_eq(image.n_layers, 1);
	close(fd);
	if (access("/usr/bin/skopeo", X_OK) == 0)
		read_a_skopeo_copy(image_ref, &image);
	oci_image_free(&image);
}
END_TEST

const struct graded_test oci_tests[] = {
	GRADED("8.2", reads_the_image_a_ref_names),
	GRADED("8.2", a_missing_ref_is_enoent_and_null_needs_one_image),
	GRADED("8.2", null_ref_reads_an_untagged_image_and_refuses_two),
	GRADED("8.2", a_nested_index_gives_the_linux_amd64_image),
	GRADED("8.2", a_malformed_digest_is_einval_and_opens_nothing),
	GRADED("8.2", not_a_layout_or_not_this_version),
	GRADED("8.2", documents_missing_a_field_are_einval),
	GRADED("8.2", reads_a_layout_made_by_umoci),
	{ 0 },
};
