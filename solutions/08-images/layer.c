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

/* BEGIN EXERCISE 8.3 (helpers) */
/* What layer_apply() carries from one entry to the next. */
struct applier {
	struct archive *in;   /* reads the layer tar */
	struct archive *disk; /* writes files under DEST */
	char dest[PATH_MAX];  /* DEST, with its symbolic links resolved */
	int dest_fd;          /* DEST, for openat2() */
};

/* Is NAME a path a layer may not have: absolute, or with a ".."
 * component ("..", "../x", "a/../../x", "a/..")? */
static bool path_is_unsafe(const char *name)
{
	const char *p = name;

	if (name[0] == '/')
		return true;
	while (p) {
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return true;
		p = strchr(p, '/');
		if (p)
			p++;
	}
	return false;
}

/* Open the reader (any filter, any format: libarchive sniffs) on FD and
 * the disk writer, and resolve DEST. */
static int applier_open(struct applier *a, int fd, const char *dest)
{
	/* No ARCHIVE_EXTRACT_UNLINK: with it, a symbolic link in the way
	 * of a path would be removed instead of refused. And not
	 * ..._SECURE_NOABSOLUTEPATHS: every path handed to the writer is
	 * absolute, DEST/NAME; apply_entry() refuses absolute NAMEs. */
	const int flags = ARCHIVE_EXTRACT_SECURE_SYMLINKS |
	                  ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	                  ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM |
	                  ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR;

	/* The writer's symlink check looks at every component of a path,
	 * DEST's own too: with a link in DEST's path (/var -> private/var)
	 * everything would be refused. The real path has none. */
	if (!realpath(dest, a->dest))
		return -errno;
	a->dest_fd = open(a->dest, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (a->dest_fd < 0)
		return -errno;
	a->in = archive_read_new();
	a->disk = archive_write_disk_new();
	if (!a->in || !a->disk)
		return -ENOMEM;
	archive_read_support_filter_all(a->in);
	archive_read_support_format_all(a->in);
	if (archive_read_open_fd(a->in, fd, 65536) != ARCHIVE_OK)
		return -EINVAL;
	/* No user lookup: the uid and gid numbers of the entry are used,
	 * not names looked up in the host's /etc/passwd. */
	archive_write_disk_set_options(a->disk, flags);
	return 0;
}

static void applier_close(struct applier *a)
{
	archive_read_free(a->in);
	archive_write_free(a->disk);
	if (a->dest_fd >= 0)
		close(a->dest_fd);
}

/* ".wh..wh..opq" in directory DIR (the first DIR_LEN bytes of its
 * name, "" for the top): set trusted.overlay.opaque="y" on DIR. DIR is
 * opened beneath DEST without following any symbolic link, so a link
 * planted by an earlier entry cannot lead the attribute out. */
static int mark_opaque(struct applier *a, const char *name, size_t dir_len)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS,
	};
	char dir[PATH_MAX];
	int fd, ret = 0;

	snprintf(dir, sizeof(dir), "%.*s", (int)dir_len, name);
	fd = sys_openat2(a->dest_fd, dir_len ? dir : ".", &how);
	if (fd == -ELOOP || fd == -EXDEV)
		return -EPERM;
	if (fd < 0)
		return fd;
	if (fsetxattr(fd, OVERLAY_OPAQUE_XATTR, "y", 1, 0) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* ".wh.NAME" in directory DIR: turn ENTRY into what overlayfs calls a
 * whiteout, a character device 0/0 DIR/NAME, mode 0. Its owner and time
 * stay the entry's. */
static int make_whiteout(struct archive_entry *entry, const char *name,
                         size_t dir_len)
{
	const char *hidden = name + dir_len + strlen(LAYER_WHITEOUT_PREFIX);
	char path[PATH_MAX];

	if (!*hidden || !strcmp(hidden, ".") || !strcmp(hidden, ".."))
		return -EPERM;
	snprintf(path, sizeof(path), "%.*s%s", (int)dir_len, name, hidden);
	archive_entry_copy_pathname(entry, path);
	archive_entry_set_hardlink(entry, NULL);
	archive_entry_set_filetype(entry, AE_IFCHR);
	archive_entry_set_perm(entry, 0);
	archive_entry_set_rdev(entry, 0);
	archive_entry_set_size(entry, 0);
	archive_entry_xattr_clear(entry);
	return 0;
}

/* Point PATH (and a hard link's target) under DEST. Only the writer's
 * names change: a symbolic link's target is left as it is, since it is
 * read inside the container's root, later. */
static int rebase(struct applier *a, struct archive_entry *entry)
{
	const char *link = archive_entry_hardlink(entry);
	char path[PATH_MAX];
	int len;

	len = snprintf(path, sizeof(path), "%s/%s", a->dest,
	               archive_entry_pathname(entry));
	if (len < 0 || (size_t)len >= sizeof(path))
		return -ENAMETOOLONG;
	archive_entry_copy_pathname(entry, path);
	if (!link)
		return 0;
	len = snprintf(path, sizeof(path), "%s/%s", a->dest, link);
	if (len < 0 || (size_t)len >= sizeof(path))
		return -ENAMETOOLONG;
	archive_entry_copy_hardlink(entry, path);
	return 0;
}

/* Write one entry of the layer under DEST. */
static int apply_entry(struct applier *a, struct archive_entry *entry)
{
	const char *name = archive_entry_pathname(entry);
	const char *link = archive_entry_hardlink(entry);
	const char *base;
	int ret;

	if (!name || path_is_unsafe(name) || (link && path_is_unsafe(link)))
		return -EPERM;
	base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	if (!strcmp(base, LAYER_OPAQUE_MARKER))
		return mark_opaque(a, name, base - name);
	ret = drop_overlay_xattrs(entry);
	if (ret == 0 && !strncmp(base, LAYER_WHITEOUT_PREFIX,
	                         strlen(LAYER_WHITEOUT_PREFIX)))
		ret = make_whiteout(entry, name, base - name);
	if (ret == 0)
		ret = rebase(a, entry);
	if (ret < 0)
		return ret;
	/* ARCHIVE_WARN is a warning ("Removing symlink", an attribute the
	 * file system would not take): the file is there. */
	if (archive_write_header(a->disk, entry) < ARCHIVE_WARN)
		return archive_error(a->disk, -EPERM);
	if (archive_entry_size(entry) > 0) {
		ret = copy_data(a->in, a->disk);
		if (ret < 0)
			return ret;
	}
	if (archive_write_finish_entry(a->disk) < ARCHIVE_WARN)
		return archive_error(a->disk, -EIO);
	return 0;
}
/* END EXERCISE 8.3 */

int layer_apply(int archive_fd, const char *dest, struct layer_error *err)
{
	/* BEGIN EXERCISE 8.3: Unpack a layer, whiteouts and all (20 points)
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
	 * stub: return exercise_todo("8.3", archive_fd, dest, err);
	 */
	struct applier a = { .dest_fd = -1 };
	struct archive_entry *entry;
	int ret, r;

	err->entry[0] = '\0';
	ret = applier_open(&a, archive_fd, dest);
	while (ret == 0) {
		r = archive_read_next_header(a.in, &entry);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			ret = -EINVAL;
			break;
		}
		snprintf(err->entry, sizeof(err->entry), "%s",
		         archive_entry_pathname(entry) ?: "");
		ret = apply_entry(&a, entry);
	}
	if (ret == 0 && archive_write_close(a.disk) != ARCHIVE_OK)
		ret = archive_error(a.disk, -EIO);
	if (ret == 0)
		err->entry[0] = '\0';
	applier_close(&a);
	return ret;
	/* END EXERCISE 8.3 */
}

/* BEGIN EXERCISE 8.4 (helpers) */
/* What layer_create() carries down the tree. */
struct packer {
	struct archive *out;  /* the tar being written */
	struct archive *disk; /* reads a file's metadata into an entry */
	struct archive_entry_linkresolver *links; /* hard links seen */
	char path[PATH_MAX]; /* UPPER/..., the file at hand */
	size_t upper_len;    /* the length of UPPER in PATH */
};

/* scandir(3)'s order: by bytes, the same on every host. alphasort()
 * would follow the locale (LC_COLLATE). */
static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

static bool is_opaque(const char *path)
{
	char value[2];

	return lgetxattr(path, OVERLAY_OPAQUE_XATTR, value, sizeof(value)) ==
	               1 &&
	       value[0] == 'y';
}

/* Write ENTRY, with the file's bytes when it has any. A regular file with
 * more than one name goes through the link resolver: its first name gets
 * the data, the later ones become hard links to it. */
static int write_entry(struct packer *p, struct archive_entry *entry,
                       bool linkable)
{
	struct archive_entry *spare = NULL;

	if (linkable)
		archive_entry_linkify(p->links, &entry, &spare);
	if (archive_write_header(p->out, entry) < ARCHIVE_WARN)
		return archive_error(p->out, -EIO);
	if (archive_entry_size(entry) > 0)
		return write_file_data(p->out, p->path);
	return 0;
}

/* The entry ".wh..wh..opq" in directory DIR: a regular empty file with
 * the directory's owner, permissions and time. */
static int write_opaque_marker(struct packer *p, struct archive_entry *dir)
{
	struct archive_entry *marker = archive_entry_clone(dir);
	char name[PATH_MAX];
	int ret;

	if (!marker)
		return -ENOMEM;
	snprintf(name, sizeof(name), "%s/%s", p->path + p->upper_len + 1,
	         LAYER_OPAQUE_MARKER);
	archive_entry_copy_pathname(marker, name);
	archive_entry_set_filetype(marker, AE_IFREG);
	archive_entry_set_size(marker, 0);
	archive_entry_xattr_clear(marker);
	ret = write_entry(p, marker, false);
	archive_entry_free(marker);
	return ret;
}

/* A whiteout, character device 0/0 NAME: the empty file ".wh.NAME". */
static void whiteout_to_file(struct archive_entry *entry, const char *rel)
{
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	char name[PATH_MAX];

	snprintf(name, sizeof(name), "%.*s%s%s", (int)(base - rel), rel,
	         LAYER_WHITEOUT_PREFIX, base);
	archive_entry_copy_pathname(entry, name);
	archive_entry_set_filetype(entry, AE_IFREG);
	archive_entry_set_perm(entry, 0600);
	archive_entry_set_rdev(entry, 0);
	archive_entry_set_size(entry, 0);
}

static int pack_dir(struct packer *p);

/* Write the file at P->path, and under it if it is a directory. */
static int pack_one(struct packer *p)
{
	const char *rel = p->path + p->upper_len + 1;
	struct archive_entry *entry;
	struct stat st;
	int ret;

	if (lstat(p->path, &st) < 0)
		return -errno;
	entry = archive_entry_new();
	if (!entry)
		return -ENOMEM;
	/* Metadata from P->path (symlink target, xattrs), under the name
	 * REL. No atime and ctime: reading the tree changes them, and the
	 * same tree must give the same tar (the full pax format would store
	 * them). The mtime to the second, as Docker has it: nanoseconds
	 * would need a pax header for every file. */
	archive_entry_copy_sourcepath(entry, p->path);
	archive_entry_copy_pathname(entry, rel);
	ret = archive_read_disk_entry_from_file(p->disk, entry, -1, &st);
	ret = ret == ARCHIVE_OK ? drop_overlay_xattrs(entry)
	                        : archive_error(p->disk, -EIO);
	archive_entry_unset_atime(entry);
	archive_entry_unset_ctime(entry);
	archive_entry_set_mtime(entry, st.st_mtime, 0);
	if (S_ISCHR(st.st_mode) && st.st_rdev == 0)
		whiteout_to_file(entry, rel);
	if (ret == 0)
		ret = write_entry(p, entry, S_ISREG(st.st_mode));
	if (ret == 0 && S_ISDIR(st.st_mode) && is_opaque(p->path))
		ret = write_opaque_marker(p, entry);
	archive_entry_free(entry);
	if (ret == 0 && S_ISDIR(st.st_mode))
		ret = pack_dir(p);
	return ret;
}

/* Write what the directory P->path holds, sorted by name. */
static int pack_dir(struct packer *p)
{
	size_t len = strlen(p->path);
	struct dirent **names;
	int i, n, ret = 0;

	n = scandir(p->path, &names, not_dots, by_name);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		if (ret == 0 &&
		    snprintf(p->path + len, sizeof(p->path) - len, "/%s",
		             names[i]->d_name) >= (int)(sizeof(p->path) - len))
			ret = -ENAMETOOLONG;
		if (ret == 0)
			ret = pack_one(p);
		p->path[len] = '\0';
		free(names[i]);
	}
	free(names);
	return ret;
}
/* END EXERCISE 8.4 */

int layer_create(const char *upper, int out_fd)
{
	/* BEGIN EXERCISE 8.4: Pack an upper directory as a layer (15 points)
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
	 * stub: return exercise_todo("8.4", upper, out_fd);
	 */
	struct packer p = { 0 };
	int ret = -ENOMEM;

	p.out = archive_write_new();
	p.disk = archive_read_disk_new();
	p.links = archive_entry_linkresolver_new();
	if (!p.out || !p.disk || !p.links)
		goto out_free;
	ret = -EIO;
	if (archive_write_set_format_pax_restricted(p.out) != ARCHIVE_OK)
		goto out_free;
	archive_write_set_bytes_in_last_block(p.out, 1);
	if (archive_write_open_fd(p.out, out_fd) != ARCHIVE_OK)
		goto out_free;
	archive_read_disk_set_symlink_physical(p.disk);
	archive_read_disk_set_behavior(
	        p.disk, ARCHIVE_READDISK_NO_ACL | ARCHIVE_READDISK_NO_FFLAGS |
	                        ARCHIVE_READDISK_NO_SPARSE);
	archive_entry_linkresolver_set_strategy(p.links, archive_format(p.out));
	ret = -ENAMETOOLONG;
	p.upper_len = strlen(upper);
	if (p.upper_len >= sizeof(p.path))
		goto out_free;
	memcpy(p.path, upper, p.upper_len + 1);
	ret = pack_dir(&p);
	if (archive_write_close(p.out) != ARCHIVE_OK && ret == 0)
		ret = archive_error(p.out, -EIO);
out_free:
	archive_entry_linkresolver_free(p.links);
	archive_read_free(p.disk);
	archive_write_free(p.out);
	return ret;
	/* END EXERCISE 8.4 */
}
