/* test_digest.c - sha256 digests (given) and digest_verify() (8.1), on
 * blob directories made in the test's temporary directory.
 */
#include "digest.h"
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* sha256sum of nothing, and of "hello\n". */
#define EMPTY_HEX                                                              \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define HELLO_HEX                                                              \
	"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define EMPTY_SHA256 "sha256:" EMPTY_HEX
#define HELLO_SHA256 "sha256:" HELLO_HEX

/* Write LEN bytes of DATA to DIR/NAME. */
static void write_file(const char *dir, const char *name, const void *data,
                       size_t len)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_msg(fd >= 0, "cannot create %s", path);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* A new blob directory, "blobs" with an empty "sha256" in it, next to a
 * file "secret" (for digests that try to climb out). Returns its fd. */
static int make_blobs(void)
{
	const char *layout = test_tmpdir();
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/blobs", layout);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/blobs/sha256", layout);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	write_file(layout, "secret", "", 0);
	snprintf(path, sizeof(path), "%s/blobs", layout);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

/* Store DATA in BLOBS_FD as sha256/HEX. */
static void store_blob(int blobs_fd, const char *hex, const void *data,
                       size_t len)
{
	char name[128];
	int fd;

	snprintf(name, sizeof(name), "sha256/%s", hex);
	fd = openat(blobs_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	            0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* --- given: digest_buf(), digest_fd(), digest_hex() ------------------- */

START_TEST(digests_of_known_bytes)
{
	const char *dir = test_tmpdir();
	char path[4096];
	struct digest d;
	int fd;

	ck_assert_ok(digest_buf("", 0, &d), "digest_buf(\"\")");
	ck_assert_str_eq(d.text, EMPTY_SHA256);
	ck_assert_ok(digest_buf("hello\n", 6, &d), "digest_buf(\"hello\\n\")");
	ck_assert_str_eq(d.text, HELLO_SHA256);
	write_file(dir, "hello", "hello\n", 6);
	snprintf(path, sizeof(path), "%s/hello", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_ok(digest_fd(fd, &d), "digest_fd()");
	close(fd);
	ck_assert_str_eq(d.text, HELLO_SHA256);
	ck_assert_str_eq(digest_hex(HELLO_SHA256), HELLO_HEX);
	ck_assert_ptr_null(digest_hex("sha256:../../etc/shadow"));
	ck_assert_ptr_null(digest_hex("sha512:abc"));
}
END_TEST

/* --- 8.1 ---------------------------------------------------------------- */

START_TEST(verify_accepts_a_blob_that_matches)
{
	static char big[3 * 65536 + 17];
	struct digest d;
	int blobs_fd;

	blobs_fd = make_blobs();
	store_blob(blobs_fd, HELLO_HEX, "hello\n", 6);
	ck_assert_ok(digest_verify(blobs_fd, HELLO_SHA256),
	             "digest_verify(\"hello\\n\")");
	store_blob(blobs_fd, EMPTY_HEX, "", 0);
	ck_assert_ok(digest_verify(blobs_fd, EMPTY_SHA256),
	             "digest_verify() of an empty blob");
	/* Larger than one read: every chunk must count. */
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = 'y';
	ck_assert_ok(digest_buf(big, sizeof(big), &d), "digest_buf()");
	store_blob(blobs_fd, d.text + 7, big, sizeof(big));
	ck_assert_ok(digest_verify(blobs_fd, d.text),
	             "digest_verify() of a 192 KiB blob");
	close(blobs_fd);
}
END_TEST

START_TEST(verify_refuses_a_blob_that_changed)
{
	int blobs_fd;

	blobs_fd = make_blobs();
	store_blob(blobs_fd, HELLO_HEX, "hellO\n", 6);
	ck_assert_err(digest_verify(blobs_fd, HELLO_SHA256), -EBADMSG,
	              "digest_verify() of a blob with one byte changed");
	store_blob(blobs_fd, HELLO_HEX, "hello", 5);
	ck_assert_err(digest_verify(blobs_fd, HELLO_SHA256), -EBADMSG,
	              "digest_verify() of a truncated blob");
	store_blob(blobs_fd, HELLO_HEX, "hello\nhello\n", 12);
	ck_assert_err(digest_verify(blobs_fd, HELLO_SHA256), -EBADMSG,
	              "digest_verify() of a blob with bytes added");
	close(blobs_fd);
}
END_TEST

START_TEST(verify_reports_a_missing_blob)
{
	int blobs_fd;

	blobs_fd = make_blobs();
	ck_assert_err(digest_verify(blobs_fd, HELLO_SHA256), -ENOENT,
	              "digest_verify() of a blob that is not there");
	close(blobs_fd);
}
END_TEST

/* Digests that must be refused before any file is opened. */
static const char *const malformed[] = {
	"",
	"sha256",
	"sha256:",
	":" HELLO_HEX,
	"sha256:../../secret",
	"sha256:../secret",
	"sha256:/etc/passwd",
	"sha256:"
	"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be0",
	"sha256:"
	"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be033",
	"sha256:"
	"5891B5B522D5DF086D0FF0B110FBD9D21BB4FC7163AF34D08286A2E846F6BE03",
	"sha256:"
	"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be0g",
	HELLO_SHA256 "\n",
	HELLO_SHA256 " ",
	" " HELLO_SHA256,
	HELLO_SHA256 "/../" HELLO_HEX,
	"SHA256:" HELLO_HEX,
	"sha512:../../secret",
	"sha512:",
	"-sha512:" HELLO_HEX,
	"sha256::" HELLO_HEX,
	NULL,
};

START_TEST(verify_refuses_malformed_digests)
{
	char what[256];
	int blobs_fd, i;

	blobs_fd = make_blobs();
	/* The blob is there: a digest close to its name must still fail. */
	store_blob(blobs_fd, HELLO_HEX, "hello\n", 6);
	for (i = 0; malformed[i]; i++) {
		snprintf(what, sizeof(what), "digest_verify(\"%s\")",
		         malformed[i]);
		ck_assert_err(digest_verify(blobs_fd, malformed[i]), -EINVAL,
		              what);
	}
	close(blobs_fd);
}
END_TEST

START_TEST(verify_does_not_know_other_algorithms)
{
	static const char *const others[] = {
		"sha512:"
		"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9"
		"ce"
		"47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da"
		"3e",
		"sha384:"
		"38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf"
		"63f6e1da274edebfe76f65fbd51ad2f14898b95b",
		"sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",
		"blake3:" HELLO_HEX,
		NULL,
	};
	char what[256];
	int blobs_fd, i;

	blobs_fd = make_blobs();
	for (i = 0; others[i]; i++) {
		snprintf(what, sizeof(what), "digest_verify(\"%s\")",
		         others[i]);
		ck_assert_err(digest_verify(blobs_fd, others[i]), -ENOTSUP,
		              what);
	}
	close(blobs_fd);
}
END_TEST

const struct graded_test digest_tests[] = {
	PROGRAM(digests_of_known_bytes),
	GRADED("8.1", verify_accepts_a_blob_that_matches),
	GRADED("8.1", verify_refuses_a_blob_that_changed),
	GRADED("8.1", verify_reports_a_missing_blob),
	GRADED("8.1", verify_refuses_malformed_digests),
	GRADED("8.1", verify_does_not_know_other_algorithms),
	{ 0 },
};
