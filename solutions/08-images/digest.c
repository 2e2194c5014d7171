/* digest.c - sha256 digests through OpenSSL's libcrypto, and the check of
 * a blob against the digest it is stored under. See digest.h for the
 * contracts.
 */
#include "digest.h"

#include "exercise.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SHA256_PREFIX "sha256:"

/* A SHA-256 of 32 bytes as "sha256:" and 64 lowercase hex digits. */
static void format_digest(const unsigned char *hash, struct digest *ret)
{
	static const char hex[] = "0123456789abcdef";
	char *out = ret->text + strlen(SHA256_PREFIX);
	int i;

	memcpy(ret->text, SHA256_PREFIX, strlen(SHA256_PREFIX));
	for (i = 0; i < DIGEST_HEX_LEN / 2; i++) {
		*out++ = hex[hash[i] >> 4];
		*out++ = hex[hash[i] & 0xf];
	}
	*out = '\0';
}

int digest_buf(const void *data, size_t len, struct digest *ret)
{
	unsigned char hash[EVP_MAX_MD_SIZE];
	unsigned int hash_len;

	/* EVP_Digest() is init, update and final in one call. It fails only
	 * when it cannot allocate its context. */
	if (!EVP_Digest(data, len, hash, &hash_len, EVP_sha256(), NULL))
		return -ENOMEM;
	format_digest(hash, ret);
	return 0;
}

/* Feed everything FD has to CTX, 64 KiB at a time: a layer may be larger
 * than memory, and a hash needs to see each byte once, in order. */
static int hash_fd(EVP_MD_CTX *ctx, int fd)
{
	unsigned char buf[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		if (!EVP_DigestUpdate(ctx, buf, n))
			return -ENOMEM;
	}
}

int digest_fd(int fd, struct digest *ret)
{
	unsigned char hash[EVP_MAX_MD_SIZE];
	unsigned int hash_len;
	EVP_MD_CTX *ctx;
	int err;

	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	err = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ? 0 : -ENOMEM;
	if (err == 0)
		err = hash_fd(ctx, fd);
	if (err == 0 && !EVP_DigestFinal_ex(ctx, hash, &hash_len))
		err = -ENOMEM;
	if (err == 0)
		format_digest(hash, ret);
	EVP_MD_CTX_free(ctx);
	return err;
}

const char *digest_hex(const char *text)
{
	const char *hex;
	size_t i;

	if (strncmp(text, SHA256_PREFIX, strlen(SHA256_PREFIX)) != 0)
		return NULL;
	hex = text + strlen(SHA256_PREFIX);
	/* Lowercase only: the spec says so, and one blob must have one
	 * name (with "ABC" and "abc" both allowed, a store could hold the
	 * same blob twice, or be asked for a file it does not have on a
	 * case-sensitive file system). */
	for (i = 0; i < DIGEST_HEX_LEN; i++)
		if (hex[i] == '\0' || !strchr("0123456789abcdef", hex[i]))
			return NULL;
	return hex[DIGEST_HEX_LEN] == '\0' ? hex : NULL;
}

/* BEGIN EXERCISE 8.1 (helpers) */
/* Does TEXT have the shape the OCI spec gives every digest, whatever its
 * algorithm: "algorithm:encoded", the algorithm lowercase letters and
 * digits joined by '+', '.', '_' or '-', the encoded part letters,
 * digits, '=', '_' or '-'? No '/' anywhere, so no digest is a path. */
static bool digest_is_well_formed(const char *text)
{
	static const char lower[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	static const char encoded[] = "abcdefghijklmnopqrstuvwxyz0123456789"
	                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ=_-";
	const char *p = text;
	size_t n;

	/* The algorithm: components, each one or more of LOWER, with one
	 * separator between two, up to the ':'. */
	for (;;) {
		n = strspn(p, lower);
		if (n == 0)
			return false;
		p += n;
		if (*p == ':')
			break;
		if (*p == '\0' || !strchr("+._-", *p))
			return false;
		p++;
	}
	p++;
	return *p != '\0' && strspn(p, encoded) == strlen(p);
}
/* END EXERCISE 8.1 */

int digest_verify(int blobs_fd, const char *digest)
{
	/* BEGIN EXERCISE 8.1: Check a blob against its digest (10 points)
	 *
	 * A digest comes from a file someone else wrote (a manifest, an
	 * index), so check its shape before it goes near a path: a digest of
	 * the OCI grammar (see the spec's descriptor.md: lowercase algorithm,
	 * a ':', an encoded part of letters, digits, '=', '_', '-', never a
	 * '/' or a '.') whose algorithm is not "sha256" is one this code does
	 * not know: -ENOTSUP. Anything else that digest_hex() refuses is
	 * malformed: -EINVAL. Then open "sha256/HEX" under BLOBS_FD
	 * (openat(2), O_RDONLY | O_CLOEXEC; -ENOENT when it is missing), hash
	 * it with digest_fd() and compare it with DIGEST: -EBADMSG when they
	 * differ. Close the file on every path.
	 *
	 * stub: return exercise_todo("8.1", blobs_fd, digest);
	 */
	struct digest actual;
	char path[8 + DIGEST_HEX_LEN];
	const char *hex;
	int fd, ret;

	hex = digest_hex(digest);
	if (!hex && digest_is_well_formed(digest) &&
	    strncmp(digest, SHA256_PREFIX, strlen(SHA256_PREFIX)) != 0)
		return -ENOTSUP;
	if (!hex)
		return -EINVAL;
	snprintf(path, sizeof(path), "sha256/%s", hex);
	fd = openat(blobs_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = digest_fd(fd, &actual);
	close(fd);
	if (ret < 0)
		return ret;
	return strcmp(actual.text, digest) == 0 ? 0 : -EBADMSG;
	/* END EXERCISE 8.1 */
}
