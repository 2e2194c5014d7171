/* digest.h - content addresses: a blob is named by the hash of its bytes.
 *
 * An image is made of blobs (layer tars, a config, a manifest), each
 * stored and referred to by its digest, "sha256:" and 64 lowercase hex
 * digits of its SHA-256. Whoever holds a digest can check the bytes they
 * were given against it: a store addressed by content cannot be
 * corrupted or tampered with unnoticed. See the OCI image spec,
 * descriptor.md ("Digests").
 */
#ifndef BOXLAB_DIGEST_H
#define BOXLAB_DIGEST_H

#include <stddef.h>

/* "sha256:" + 64 hex digits. */
#define DIGEST_HEX_LEN 64
#define DIGEST_LEN     (7 + DIGEST_HEX_LEN)

struct digest {
	char text[DIGEST_LEN + 1]; /* "sha256:0123...", NUL-terminated */
};

/* The digest of LEN bytes at DATA, through OpenSSL's libcrypto (EVP).
 * Returns 0 or -ENOMEM. */
int digest_buf(const void *data, size_t len, struct digest *ret);

/* The digest of everything FD has from its current offset to its end,
 * read in chunks (a layer can be gigabytes). Returns 0 or -errno. */
int digest_fd(int fd, struct digest *ret);

/* The hex part of a well-formed digest TEXT, or NULL: exactly
 * "sha256:" and 64 lowercase hex digits, nothing else. */
const char *digest_hex(const char *text);

/* Check the blob DIGEST in the blob directory BLOBS_FD (an OCI layout's
 * "blobs", which holds sha256/HEX): the digest must be well formed (a
 * digest from a file may be "sha256:../../etc/shadow"), the file must
 * exist and its bytes must hash to it. Returns 0; -EINVAL for a malformed
 * DIGEST, -ENOTSUP for an algorithm other than sha256 ("sha512:..."),
 * -ENOENT if the blob is missing, -EBADMSG if its bytes do not match, or
 * -errno. */
int digest_verify(int blobs_fd, const char *digest);

#endif
