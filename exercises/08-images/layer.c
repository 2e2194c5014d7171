/* layer.c - layer tars to overlayfs upper directories and back, with
 * libarchive. See layer.h for the contracts.
 */
#include "layer.h"

#include "exercise.h"
#include "sys.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* The extended attributes overlayfs keeps its own state in (chapter 07).
 * They describe an upper directory on this host, not the image: a layer
 * tar never carries them, in either direction. */
#define OVERLAY_XATTR_PREFIX "trusted.overlay."
#define OVERLAY_OPAQUE_XATTR "trusted.overlay.opaque"

/* The error of the last call on A as -errno. libarchive sets a real errno
 * when a system call failed; its own refusals (a path it judges unsafe, a
 * damaged archive) come with 0 or its private ARCHIVE_ERRNO_MISC (-1), for
 * which the caller gives NO_ERRNO. (Inline, like the helpers below, so
 * that exercises/, where nothing calls them yet, compiles cleanly.) */
static inline int archive_error(struct archive *a, int no_errno)
{
	int err = archive_errno(a);

	return err > 0 ? -err : no_errno;
}

/* Copy the data of the entry IN has just read to the entry OUT has just
 * started, block by block. A block comes with its offset: archive_write_
 * disk leaves the holes of a sparse file as holes. */
static inline int copy_data(struct archive *in, struct archive *out)
{
	const void *block;
	size_t size;
	la_int64_t offset;
	int r;

	for (;;) {
		r = archive_read_data_block(in, &block, &size, &offset);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return -EINVAL;
		if (archive_write_data_block(out, block, size, offset) < 0)
			return archive_error(out, -EIO);
	}
}

/* Copy what FD has, from its offset on, into the entry OUT has just
 * started, 64 KiB at a time. */
static int write_fd_data(struct archive *out, int fd)
{
	char buf[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : 0;
		if (archive_write_data(out, buf, n) != n)
			return archive_error(out, -EIO);
	}
}

/* The same, from the file at PATH (not through a symbolic link). */
static inline int write_file_data(struct archive *out, const char *path)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write_fd_data(out, fd);
	close(fd);
	return ret;
}

/* Take the trusted.overlay.* attributes off ENTRY and keep the others
 * (security.capability, user.*: those belong to the file). libarchive has
 * no call to remove one attribute: the kept ones go through a scratch
 * entry, since clearing ENTRY's list frees their names and values. */
static inline int drop_overlay_xattrs(struct archive_entry *entry)
{
	struct archive_entry *kept;
	const char *name;
	const void *value;
	size_t size;

	if (archive_entry_xattr_count(entry) == 0)
		return 0;
	kept = archive_entry_new();
	if (!kept)
		return -ENOMEM;
	archive_entry_xattr_reset(entry);
	while (archive_entry_xattr_next(entry, &name, &value, &size) ==
	       ARCHIVE_OK)
		if (strncmp(name, OVERLAY_XATTR_PREFIX,
		            strlen(OVERLAY_XATTR_PREFIX)) != 0)
			archive_entry_xattr_add_entry(kept, name, value, size);
	archive_entry_xattr_clear(entry);
	archive_entry_xattr_reset(kept);
	while (archive_entry_xattr_next(kept, &name, &value, &size) ==
	       ARCHIVE_OK)
		archive_entry_xattr_add_entry(entry, name, value, size);
	archive_entry_free(kept);
	return 0;
}

int layer_gzip(int in_fd, int out_fd)
{
	struct archive *out;
	struct archive_entry *entry;
	int ret = -ENOMEM;

	/* The "raw" format writes one entry's bytes and nothing else: no
	 * tar header; with the gzip filter on top, a .gz of IN_FD. */
	out = archive_write_new();
	entry = archive_entry_new();
	if (!out || !entry)
		goto out_free;
	ret = -EIO;
	if (archive_write_add_filter_gzip(out) != ARCHIVE_OK ||
	    archive_write_set_format_raw(out) != ARCHIVE_OK)
		goto out_free;
	/* No time stamp in the gzip header: the same tar must give the same
	 * blob, hence the same digest, whenever it is compressed. */
	archive_write_set_filter_option(out, "gzip", "timestamp", NULL);
	/* libarchive pads the last block with zeros by default (tapes
	 * wanted it); after gzip data they would be trailing garbage. */
	archive_write_set_bytes_in_last_block(out, 1);
	if (archive_write_open_fd(out, out_fd) != ARCHIVE_OK)
		goto out_free;
	archive_entry_set_pathname(entry, "layer.tar");
	archive_entry_set_filetype(entry, AE_IFREG);
	archive_entry_set_perm(entry, 0644);
	if (archive_write_header(out, entry) != ARCHIVE_OK)
		goto out_free;
	ret = write_fd_data(out, in_fd);
	if (archive_write_close(out) != ARCHIVE_OK && ret == 0)
		ret = archive_error(out, -EIO);
out_free:
	archive_entry_free(entry);
	archive_write_free(out);
	return ret;
}

/* EXERCISE 8.3: your own helper functions can go here. */

int layer_apply(int archive_fd, const char *dest, struct layer_error *err)
{
	/* EXERCISE 8.3: Unpack a layer, whiteouts and all (20 points)
	 *
	 * Read the tar with libarchive: archive_read_new(),
	 * archive_read_support_filter_all() and _format_all() (it tells gzip
	 * from zstd from plain by the first bytes), archive_read_open_fd().
	 * Write with archive_write_disk_new() and these options:
	 * ARCHIVE_EXTRACT_SECURE_SYMLINKS (refuse to write through a symbolic
	 * link), _SECURE_NODOTDOT, _OWNER, _PERM, _TIME, _XATTR; no user
	 * lookup (the numbers in the tar are the image's). Not _UNLINK (it
	 * would remove a link in the way instead of refusing), and not
	 * _SECURE_NOABSOLUTEPATHS: every path you give the writer is
	 * DEST/NAME, absolute; absolute NAMEs are refused by your own check.
	 * The writer checks every component of a path for links, DEST's
	 * too, so give it DEST's realpath(3).
	 *
	 * Then, for each archive_read_next_header() (ARCHIVE_EOF: done; an
	 * error: -EINVAL), copy its path into ERR->entry and:
	 * - refuse it (-EPERM) if its path, or its hard link's target
	 *   (archive_entry_hardlink()), is absolute or has a ".." component;
	 * - if its last component is LAYER_OPAQUE_MARKER, set the xattr
	 *   trusted.overlay.opaque="y" on its directory, opened with
	 *   sys_openat2() beneath DEST with RESOLVE_BENEATH |
	 *   RESOLVE_NO_SYMLINKS (a link there: -EPERM), and write nothing;
	 * - take the trusted.overlay.* attributes off (drop_overlay_xattrs());
	 * - if its last component is ".wh.NAME", change the entry into a
	 *   character device 0/0 named NAME, mode 0, no size, no link;
	 * - make its path, and a hard link's target, DEST/PATH
	 *   (archive_entry_copy_pathname(), _copy_hardlink());
	 * - archive_write_header() (worse than ARCHIVE_WARN: the writer
	 *   refused; archive_error() gives the errno, -EPERM if none), then
	 *   copy_data() if it has a size, then archive_write_finish_entry().
	 * At the end archive_write_close() gives directories their modes
	 * and times (deferred, so that their contents could be written).
	 * Free both archives on every path; on success ERR->entry is "".
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("8.3", archive_fd, dest, err);
}

/* EXERCISE 8.4: your own helper functions can go here. */

int layer_create(const char *upper, int out_fd)
{
	/* EXERCISE 8.4: Pack an upper directory as a layer (15 points)
	 *
	 * Open a writer: archive_write_new(), archive_write_set_format_pax_
	 * restricted() (ustar, with pax headers only where ustar falls short:
	 * long names, xattrs), archive_write_set_bytes_in_last_block(1) (no
	 * padding to 10 KiB), archive_write_open_fd(). Make an
	 * archive_read_disk_new() to fill entries from files
	 * (_set_symlink_physical(); _set_behavior() with
	 * ARCHIVE_READDISK_NO_ACL | _NO_FFLAGS | _NO_SPARSE), and an
	 * archive_entry_linkresolver_new() with the writer's archive_format()
	 * as its strategy.
	 *
	 * Then walk UPPER depth first, each directory's names sorted with
	 * strcmp (scandir(3)), so the same tree always gives the same bytes.
	 * For each file: lstat(2); an entry with archive_entry_copy_
	 * sourcepath() the full path, _copy_pathname() the path relative to
	 * UPPER ("etc/hostname"), archive_read_disk_entry_from_file(DISK,
	 * ENTRY, -1, &st); unset its atime and ctime (they change when the
	 * tree is read), keep the mtime's seconds only; drop_overlay_xattrs();
	 * a character device 0/0 NAME becomes a regular file ".wh.NAME", mode
	 * 0600, size 0. For a file that was a regular file on disk,
	 * archive_entry_linkify(): a second name of the same file becomes a
	 * hard link (not for whiteouts: overlayfs makes them as links to one
	 * device, and each must stay a whiteout). archive_write_header(), then
	 * write_file_data() if the entry has a size. After a directory with
	 * trusted.overlay.opaque="y" (lgetxattr(2)), an entry DIR/.wh..wh..opq,
	 * an empty regular file with the directory's owner, permissions and
	 * time; then what the directory holds.
	 * archive_write_close() writes the end of the archive. Free all on
	 * every path.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("8.4", upper, out_fd);
}
