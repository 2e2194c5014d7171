/* test_layer.c - layer tars (8.3, 8.4). The tars layer_apply() reads are
 * written here with libarchive, and the tars layer_create() writes are
 * read back here with libarchive, so that each exercise is graded alone.
 * Whiteouts (character devices) and trusted.* attributes need root.
 */
#include "harness.h"
#include "layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define OPAQUE_XATTR "trusted.overlay.opaque"
#define MTIME        1000000000 /* 2001-09-09, for entries and files */

/* --- writing tars, for 8.3 ---------------------------------------------- */

/* An entry of a test tar. */
struct tar_entry {
	const char *name;
	char type;     /* 'f' file, 'd' directory, 's' symlink, 'h' hard link */
	unsigned mode; /* permission bits */
	const char *data; /* a file's bytes, a link's target, or NULL */
	unsigned uid, gid;
};

/* Where a name or link target starting with '@' points: a directory
 * outside the one the layer is applied to. */
static char outside[PATH_MAX];

/* TEXT, its '@' replaced by OUTSIDE, in BUF (NULL stays NULL). */
static const char *expand(char *buf, size_t size, const char *text)
{
	if (!text)
		return NULL;
	if (text[0] == '@')
		snprintf(buf, size, "%s%s", outside, text + 1);
	else
		snprintf(buf, size, "%s", text);
	return buf;
}

static void add_entry(struct archive *a, const struct tar_entry *e)
{
	struct archive_entry *entry = archive_entry_new();
	size_t size = e->type == 'f' && e->data ? strlen(e->data) : 0;
	char name[PATH_MAX], data[PATH_MAX];

	archive_entry_set_pathname(entry, expand(name, sizeof(name), e->name));
	archive_entry_set_perm(entry, e->mode);
	archive_entry_set_uid(entry, e->uid);
	archive_entry_set_gid(entry, e->gid);
	archive_entry_set_mtime(entry, MTIME, 0);
	archive_entry_set_size(entry, size);
	switch (e->type) {
	case 'd': archive_entry_set_filetype(entry, AE_IFDIR); break;
	case 's':
		archive_entry_set_filetype(entry, AE_IFLNK);
		archive_entry_set_symlink(entry,
		                          expand(data, sizeof(data), e->data));
		break;
	case 'h':
		archive_entry_set_filetype(entry, AE_IFREG);
		archive_entry_set_hardlink(entry,
		                           expand(data, sizeof(data), e->data));
		break;
	default: archive_entry_set_filetype(entry, AE_IFREG);
	}
	ck_assert_int_eq(archive_write_header(a, entry), ARCHIVE_OK);
	if (size)
		ck_assert_int_eq(archive_write_data(a, e->data, size),
		                 (la_ssize_t)size);
	archive_entry_free(entry);
}

/* Write ENTRIES (up to a NULL name) as a tar at PATH, gzipped if GZIP. */
static void write_tar(const char *path, const struct tar_entry *entries,
                      bool gzip)
{
	struct archive *a = archive_write_new();

	ck_assert_int_eq(archive_write_set_format_pax_restricted(a),
	                 ARCHIVE_OK);
	if (gzip)
		ck_assert_int_eq(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (; entries->name; entries++)
		add_entry(a, entries);
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* DIR/NAME, in one of four static buffers (used in turn): for paths
 * used at once. */
static const char *at(const char *dir, const char *name)
{
	static char path[4][PATH_MAX];
	static int next;
	char *p = path[next++ % 4];

	ck_assert_int_lt(snprintf(p, PATH_MAX, "%s/%s", dir, name), PATH_MAX);
	return p;
}

/* layer_apply() of the tar at TAR into DEST, which it creates. */
static int apply(const char *tar, const char *dest, struct layer_error *err)
{
	int fd, ret;

	ck_assert_int_eq(mkdir(dest, 0755), 0);
	fd = open(tar, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	memset(err, 0, sizeof(*err));
	ret = layer_apply(fd, dest, err);
	close(fd);
	return ret;
}

/* --- reading files ------------------------------------------------------ */

static void assert_file(const char *path, const char *text, unsigned mode)
{
	char buf[256] = "";
	struct stat st;
	ssize_t n;
	int fd;

	ck_assert_msg(lstat(path, &st) == 0, "%s is missing", path);
	ck_assert_msg(S_ISREG(st.st_mode), "%s is not a regular file", path);
	ck_assert_msg((st.st_mode & 07777) == mode, "%s: mode %o, expected %o",
	              path, st.st_mode & 07777, mode);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	ck_assert_msg(!strcmp(buf, text), "%s holds \"%s\", expected \"%s\"",
	              path, buf, text);
}

static void assert_whiteout(const char *path)
{
	struct stat st;

	ck_assert_msg(lstat(path, &st) == 0, "no whiteout at %s", path);
	ck_assert_msg(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0),
	              "%s is not a character device 0/0 (mode %o)", path,
	              st.st_mode);
}

/* How many names DIR holds, besides "." and "..". */
static int count_names(const char *dir)
{
	struct dirent *d;
	int n = 0;
	DIR *dp;

	dp = opendir(dir);
	ck_assert_msg(dp != NULL, "cannot open %s", dir);
	while ((d = readdir(dp)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			n++;
	closedir(dp);
	return n;
}

/* Does any name under DIR start with ".wh."? */
static bool has_wh_names(const char *dir)
{
	struct dirent *d;
	bool found = false;
	struct stat st;
	DIR *dp;

	dp = opendir(dir);
	ck_assert_msg(dp != NULL, "cannot open %s", dir);
	while (!found && (d = readdir(dp))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		found = !strncmp(d->d_name, ".wh.", 4);
		if (!found && lstat(at(dir, d->d_name), &st) == 0 &&
		    S_ISDIR(st.st_mode)) {
			char sub[PATH_MAX];

			snprintf(sub, sizeof(sub), "%s/%s", dir, d->d_name);
			found = has_wh_names(sub);
		}
	}
	closedir(dp);
	return found;
}

/* --- 8.3 ---------------------------------------------------------------- */

/* A small root: owners, modes, a read-only directory with a file in it
 * (its mode can only be set after), a symbolic link, a hard link. */
static const struct tar_entry small_root[] = {
	{ "etc/", 'd', 0755, NULL, 0, 0 },
	{ "etc/hostname", 'f', 0644, "boxlab\n", 0, 0 },
	{ "etc/shadow", 'f', 0640, "root:*:\n", 0, 42 },
	{ "bin/", 'd', 0755, NULL, 0, 0 },
	{ "bin/busybox", 'f', 0755, "#!busybox\n", 0, 0 },
	{ "bin/sh", 's', 0777, "busybox", 0, 0 },
	{ "bin/ls", 'h', 0755, "bin/busybox", 0, 0 },
	{ "home/", 'd', 0755, NULL, 0, 0 },
	{ "home/user/", 'd', 0700, NULL, 1000, 1000 },
	{ "home/user/notes", 'f', 0600, "mine\n", 1000, 1000 },
	{ "ro/", 'd', 0555, NULL, 0, 0 },
	{ "ro/file", 'f', 0444, "read only\n", 0, 0 },
	{ "tmp/", 'd', 01777, NULL, 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0 },
};

static void assert_small_root(const char *dest)
{
	struct stat st, link;
	char target[64] = "";

	assert_file(at(dest, "etc/hostname"), "boxlab\n", 0644);
	assert_file(at(dest, "etc/shadow"), "root:*:\n", 0640);
	ck_assert_int_eq(lstat(at(dest, "etc/shadow"), &st), 0);
	ck_assert_msg(st.st_uid == 0 && st.st_gid == 42,
	              "etc/shadow is owned by %d:%d, expected 0:42", st.st_uid,
	              st.st_gid);
	ck_assert_msg(st.st_mtime == MTIME, "etc/shadow's time was not kept");
	assert_file(at(dest, "home/user/notes"), "mine\n", 0600);
	ck_assert_int_eq(lstat(at(dest, "home/user"), &st), 0);
	ck_assert_msg(st.st_uid == 1000 && (st.st_mode & 07777) == 0700,
	              "home/user: owner %d, mode %o; expected 1000, 700",
	              st.st_uid, st.st_mode & 07777);
	ck_assert_int_eq(lstat(at(dest, "bin/sh"), &st), 0);
	ck_assert_msg(S_ISLNK(st.st_mode), "bin/sh is not a symbolic link");
	ck_assert_int_gt(readlink(at(dest, "bin/sh"), target, 63), 0);
	ck_assert_str_eq(target, "busybox");
	ck_assert_int_eq(lstat(at(dest, "bin/busybox"), &st), 0);
	ck_assert_int_eq(lstat(at(dest, "bin/ls"), &link), 0);
	ck_assert_msg(st.st_ino == link.st_ino && st.st_nlink == 2,
	              "bin/ls is not a hard link to bin/busybox");
	assert_file(at(dest, "ro/file"), "read only\n", 0444);
	ck_assert_int_eq(lstat(at(dest, "ro"), &st), 0);
	ck_assert_msg((st.st_mode & 07777) == 0555 && st.st_mtime == MTIME,
	              "ro/: mode %o (expected 555) or time not set last",
	              st.st_mode & 07777);
	ck_assert_int_eq(lstat(at(dest, "tmp"), &st), 0);
	ck_assert_msg((st.st_mode & 07777) == 01777, "tmp/: mode %o",
	              st.st_mode & 07777);
	ck_assert_int_eq(count_names(dest), 5);
}

START_TEST(apply_writes_files_directories_and_links)
{
	const char *dir = test_tmpdir();
	char tar[PATH_MAX], dest[PATH_MAX];
	struct layer_error err;

	test_needs_root(); /* owners */
	strcpy(tar, at(dir, "layer.tar"));
	write_tar(tar, small_root, false);
	snprintf(dest, sizeof(dest), "%s/dest", dir);
	ck_assert_ok(apply(tar, dest, &err), "layer_apply()");
	ck_assert_str_eq(err.entry, "");
	assert_small_root(dest);
}
END_TEST

/* Gzipped, and DEST reached through a symbolic link, as /var is one to
 * /private/var on some systems: that link is DEST's own, not the layer's. */
START_TEST(apply_reads_a_gzipped_layer)
{
	const char *dir = test_tmpdir();
	char tar[PATH_MAX], real[PATH_MAX], dest[PATH_MAX];
	struct layer_error err;
	unsigned char magic[2];
	int fd;

	test_needs_root();
	strcpy(tar, at(dir, "layer.tar.gz"));
	write_tar(tar, small_root, true);
	fd = open(tar, O_RDONLY | O_CLOEXEC);
	ck_assert_int_eq(read(fd, magic, 2), 2);
	ck_assert(magic[0] == 0x1f && magic[1] == 0x8b);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	strcpy(real, at(dir, "real"));
	strcpy(dest, at(dir, "dest"));
	ck_assert_int_eq(mkdir(real, 0755), 0);
	ck_assert_int_eq(symlink("real", dest), 0);
	ck_assert_ok(
	        layer_apply(fd, dest, &err),
	        "layer_apply() of a .tar.gz to DEST, a link to a directory");
	close(fd);
	assert_small_root(real);
}
END_TEST

START_TEST(apply_turns_whiteouts_into_devices)
{
	static const struct tar_entry layer[] = {
		{ "etc/", 'd', 0755, NULL, 0, 0 },
		{ "etc/.wh.motd", 'f', 0600, NULL, 0, 0 },
		{ "etc/issue", 'f', 0644, "boxlab\n", 0, 0 },
		{ ".wh.opt", 'f', 0600, NULL, 0, 0 },
		{ "usr/", 'd', 0755, NULL, 0, 0 },
		{ "usr/lib/", 'd', 0755, NULL, 0, 0 },
		{ "usr/lib/.wh.libgone.so", 'f', 0600, NULL, 0, 0 },
		{ NULL, 0, 0, NULL, 0, 0 },
	};
	const char *dir = test_tmpdir();
	char tar[PATH_MAX], dest[PATH_MAX];
	struct layer_error err;

	test_needs_root(); /* mknod */
	strcpy(tar, at(dir, "layer.tar"));
	write_tar(tar, layer, false);
	snprintf(dest, sizeof(dest), "%s/dest", dir);
	ck_assert_ok(apply(tar, dest, &err), "layer_apply()");
	assert_whiteout(at(dest, "etc/motd"));
	assert_whiteout(at(dest, "opt"));
	assert_whiteout(at(dest, "usr/lib/libgone.so"));
	assert_file(at(dest, "etc/issue"), "boxlab\n", 0644);
	ck_assert_msg(!has_wh_names(dest),
	              "a \".wh.\" file was written as it is");
}
END_TEST

START_TEST(apply_marks_opaque_directories)
{
	static const struct tar_entry layer[] = {
		{ "etc/", 'd', 0755, NULL, 0, 0 },
		{ "etc/.wh..wh..opq", 'f', 0755, NULL, 0, 0 },
		{ "etc/fresh", 'f', 0644, "new\n", 0, 0 },
		{ "var/", 'd', 0755, NULL, 0, 0 },
		{ "var/log/", 'd', 0755, NULL, 0, 0 },
		{ NULL, 0, 0, NULL, 0, 0 },
	};
	const char *dir = test_tmpdir();
	char tar[PATH_MAX], dest[PATH_MAX], value[8] = "";
	struct layer_error err;

	test_needs_root(); /* trusted.* attributes */
	strcpy(tar, at(dir, "layer.tar"));
	write_tar(tar, layer, false);
	snprintf(dest, sizeof(dest), "%s/dest", dir);
	ck_assert_ok(apply(tar, dest, &err), "layer_apply()");
	ck_assert_msg(getxattr(at(dest, "etc"), OPAQUE_XATTR, value,
	                       sizeof(value)) == 1 &&
	                      value[0] == 'y',
	              "etc/ has no %s=\"y\"", OPAQUE_XATTR);
	assert_file(at(dest, "etc/fresh"), "new\n", 0644);
	ck_assert_msg(getxattr(at(dest, "var"), OPAQUE_XATTR, value,
	                       sizeof(value)) < 0 &&
	                      errno == ENODATA,
	              "var/ is marked opaque too");
	ck_assert_msg(!has_wh_names(dest), "the opaque marker was written "
	                                   "as a file");
}
END_TEST

/* Apply LAYER to a new DEST, next to OUTSIDE (holding "secret"): it must
 * be refused with -EPERM naming the entry BAD, and nothing but DEST may
 * change: no new name beside DEST or in OUTSIDE, the secret as it was
 * (content, mode, one link), no attribute on OUTSIDE. */
static void assert_refused(const struct tar_entry *layer, const char *bad)
{
	const char *dir = test_tmpdir();
	char tar[PATH_MAX], dest[PATH_MAX], expected[PATH_MAX];
	char what[PATH_MAX + 64];
	struct layer_error err;
	struct stat st;
	char value[8];
	int fd;

	snprintf(outside, sizeof(outside), "%s/outside", dir);
	ck_assert_int_eq(mkdir(outside, 0755), 0);
	fd = open(at(outside, "secret"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "secret\n", 7), 7);
	close(fd);
	strcpy(tar, at(dir, "layer.tar"));
	write_tar(tar, layer, false);
	snprintf(dest, sizeof(dest), "%s/dest", dir);
	expand(expected, sizeof(expected), bad);
	snprintf(what, sizeof(what), "layer_apply() of a layer with \"%s\"",
	         expected);
	ck_assert_err(apply(tar, dest, &err), -EPERM, what);
	ck_assert_msg(!strcmp(err.entry, expected),
	              "the error names entry \"%s\", expected \"%s\"",
	              err.entry, expected);
	ck_assert_msg(count_names(dir) == 3 && count_names(outside) == 1,
	              "something was written outside DEST");
	assert_file(at(outside, "secret"), "secret\n", 0644);
	ck_assert_int_eq(lstat(at(outside, "secret"), &st), 0);
	ck_assert_msg(st.st_nlink == 1, "a hard link to a file outside DEST "
	                                "was made");
	ck_assert_msg(getxattr(outside, OPAQUE_XATTR, value, sizeof(value)) < 0,
	              "a directory outside DEST was marked opaque");
}

START_TEST(apply_refuses_dotdot_paths)
{
	static const struct tar_entry up[] = {
		{ "fine", 'f', 0644, "fine\n", 0, 0 },
		{ "../x", 'f', 0644, "escaped\n", 0, 0 },
		{ NULL, 0, 0, NULL, 0, 0 },
	};
	static const struct tar_entry deep[] = {
		{ "a/", 'd', 0755, NULL, 0, 0 },
		{ "a/../../outside/x", 'f', 0644, "escaped\n", 0, 0 },
		{ NULL, 0, 0, NULL, 0, 0 },
	};
	static const struct tar_entry hard_link[] = {
		{ "x", 'h', 0644, "../outside/secret", 0, 0 },
		{ NULL, 0, 0, NULL, 0, 0 },
	};

	assert_refused(up, "../x");
	assert_refused(deep, "a/../../outside/x");
	assert_refused(hard_link, "x");
}
END_TEST

START_TEST(apply_refuses_absolute_paths)
{
	static const struct tar_entry absolute[] = {
		{ "@/x", 'f', 0644, "escaped\n", 0, 0 },
		{ NULL, 0, 0, NULL, 0, 0 },
	};
	static const struct tar_entry hard_link[] = {
		{ "x", 'h', 0644, "@/secret", 0, 0 },
		{ NULL, 0, 0, NULL, 0, 0 },
	};

	assert_refused(absolute, "@/x");
	assert_refused(hard_link, "x");
}
END_TEST

START_TEST(apply_refuses_to_write_through_symlinks)
{
	static const struct tar_entry absolute[] = {
		{ "evil", 's', 0777, "@", 0, 0 },
		{ "evil/x", 'f', 0644, "escaped\n", 0, 0 },
		{ NULL, 0, 0, NULL, 0, 0 },
	};
	static const struct tar_entry relative[] = {
		{ "a/", 'd', 0755, NULL, 0, 0 },
		{ "a/up", 's', 0777, "../../outside", 0, 0 },
		{ "a/up/x", 'f', 0644, "escaped\n", 0, 0 },
		{ NULL, 0, 0, NULL, 0, 0 },
	};
	static const struct tar_entry whiteout[] = {
		{ "evil", 's', 0777, "@", 0, 0 },
		{ "evil/.wh.secret", 'f', 0600, NULL, 0, 0 },
		{ NULL, 0, 0, NULL, 0, 0 },
	};
	static const struct tar_entry hard_link[] = {
		{ "evil", 's', 0777, "@", 0, 0 },
		{ "x", 'h', 0644, "evil/secret", 0, 0 },
		{ NULL, 0, 0, NULL, 0, 0 },
	};
	static const struct tar_entry opaque[] = {
		{ "evil", 's', 0777, "@", 0, 0 },
		{ "evil/.wh..wh..opq", 'f', 0600, NULL, 0, 0 },
		{ NULL, 0, 0, NULL, 0, 0 },
	};

	assert_refused(absolute, "evil/x");
	assert_refused(relative, "a/up/x");
	assert_refused(whiteout, "evil/.wh.secret");
	assert_refused(opaque, "evil/.wh..wh..opq");
	assert_refused(hard_link, "x");
}
END_TEST

START_TEST(apply_refuses_what_is_not_a_tar)
{
	static const struct tar_entry big[] = {
		{ "etc/", 'd', 0755, NULL, 0, 0 },
		{ "etc/big", 'f', 0644, NULL, 0, 0 },
		{ NULL, 0, 0, NULL, 0, 0 },
	};
	const char *dir = test_tmpdir();
	char text[2048], dest[PATH_MAX];
	struct archive_entry *entry;
	struct layer_error err;
	struct archive *a;
	int fd;

	/* Text. */
	memset(text, 'x', sizeof(text));
	memcpy(text, "This is not a layer.\n", 21);
	fd = open(at(dir, "text"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_eq(write(fd, text, sizeof(text)), sizeof(text));
	close(fd);
	ck_assert_err(apply(at(dir, "text"), at(dir, "dest1"), &err), -EINVAL,
	              "layer_apply() of a text file");
	/* A tar cut short in the middle of a file's data. */
	a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	ck_assert_int_eq(archive_write_open_filename(a, at(dir, "cut.tar")),
	                 ARCHIVE_OK);
	add_entry(a, &big[0]);
	entry = archive_entry_new();
	archive_entry_set_pathname(entry, big[1].name);
	archive_entry_set_filetype(entry, AE_IFREG);
	archive_entry_set_perm(entry, 0644);
	archive_entry_set_size(entry, sizeof(text));
	ck_assert_int_eq(archive_write_header(a, entry), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_data(a, text, sizeof(text)),
	                 sizeof(text));
	archive_entry_free(entry);
	archive_write_close(a);
	archive_write_free(a);
	ck_assert_int_eq(truncate(at(dir, "cut.tar"), 2048), 0);
	snprintf(dest, sizeof(dest), "%s/dest2", dir);
	ck_assert_err(apply(at(dir, "cut.tar"), dest, &err), -EINVAL,
	              "layer_apply() of a tar cut short");
	ck_assert_str_eq(err.entry, "etc/big");
}
END_TEST

/* --- reading tars, for 8.4 ---------------------------------------------- */

/* An entry of a tar layer_create() wrote. */
struct tar_item {
	char name[256];     /* without a trailing '/' */
	mode_t type;        /* AE_IFREG, AE_IFDIR... */
	unsigned mode, uid; /* permission bits, owner */
	la_int64_t size;    /* as the header says */
	char data[64];      /* its first bytes */
	char link[256];     /* a symbolic link's target */
	char hardlink[256]; /* a hard link's target, or "" */
	dev_t rdev;         /* a device's number */
	bool overlay_xattr; /* has a trusted.overlay.* attribute */
	bool kept_xattr;    /* has trusted.boxlab="kept" */
};

#define MAX_ITEMS 32

static void read_item(struct archive *a, struct archive_entry *entry,
                      struct tar_item *item)
{
	const char *name, *text;
	const void *value;
	size_t size;

	memset(item, 0, sizeof(*item));
	snprintf(item->name, sizeof(item->name), "%s",
	         archive_entry_pathname(entry));
	if (strlen(item->name) > 1 && item->name[strlen(item->name) - 1] == '/')
		item->name[strlen(item->name) - 1] = '\0';
	item->type = archive_entry_filetype(entry);
	item->mode = archive_entry_perm(entry);
	item->uid = archive_entry_uid(entry);
	item->size = archive_entry_size(entry);
	item->rdev = archive_entry_rdev(entry);
	text = archive_entry_symlink(entry);
	snprintf(item->link, sizeof(item->link), "%s", text ? text : "");
	text = archive_entry_hardlink(entry);
	snprintf(item->hardlink, sizeof(item->hardlink), "%s",
	         text ? text : "");
	archive_entry_xattr_reset(entry);
	while (archive_entry_xattr_next(entry, &name, &value, &size) ==
	       ARCHIVE_OK) {
		if (!strncmp(name, "trusted.overlay.", 16))
			item->overlay_xattr = true;
		if (!strcmp(name, "trusted.boxlab") && size == 4 &&
		    !memcmp(value, "kept", 4))
			item->kept_xattr = true;
	}
	if (item->size > 0)
		archive_read_data(a, item->data, sizeof(item->data) - 1);
}

/* Read the tar at PATH into ITEMS; it must be a plain tar. Returns how
 * many entries it has. */
static int read_tar(const char *path, struct tar_item *items)
{
	struct archive_entry *entry;
	struct archive *a;
	int n = 0, r;

	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	ck_assert_int_eq(archive_read_open_filename(a, path, 65536),
	                 ARCHIVE_OK);
	while ((r = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
		ck_assert_msg(n < MAX_ITEMS, "more entries than expected");
		read_item(a, entry, &items[n++]);
	}
	ck_assert_msg(r == ARCHIVE_EOF, "the tar does not read back: %s",
	              archive_error_string(a));
	ck_assert_msg(archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE,
	              "the layer is compressed");
	ck_assert_msg((archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) ==
	                      ARCHIVE_FORMAT_TAR,
	              "the layer is not a tar");
	archive_read_free(a);
	return n;
}

/* The index of NAME among the N ITEMS; fails the test if it is not there. */
static int find_item(const struct tar_item *items, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(items[i].name, name))
			return i;
	ck_abort_msg("the layer has no entry \"%s\"", name);
	return -1;
}

static bool has_item(const struct tar_item *items, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(items[i].name, name))
			return true;
	return false;
}

/* layer_create() of UPPER into the new file TAR. */
static void create(const char *upper, const char *tar)
{
	char what[PATH_MAX];
	int fd, ret;

	fd = open(tar, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ret = layer_create(upper, fd);
	close(fd);
	snprintf(what, sizeof(what), "layer_create(\"%s\")", upper);
	ck_assert_ok(ret, what);
}

/* Make the file, directory or symbolic link UPPER/NAME. */
static void make(const char *upper, const char *name, char type, unsigned mode,
                 const char *data)
{
	const char *path = at(upper, name);
	int fd;

	if (type == 'd') {
		ck_assert_int_eq(mkdir(path, mode), 0);
		ck_assert_int_eq(chmod(path, mode), 0);
	} else if (type == 's') {
		ck_assert_int_eq(symlink(data, path), 0);
	} else if (type == 'h') {
		ck_assert_int_eq(link(at(upper, data), path), 0);
	} else if (type == 'w') {
		ck_assert_int_eq(mknod(path, S_IFCHR, makedev(0, 0)), 0);
	} else {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, data, strlen(data)),
		                 (ssize_t)strlen(data));
		close(fd);
		ck_assert_int_eq(chmod(path, mode), 0);
	}
}

/* The parent directory of every entry comes before it. */
static void assert_parents_first(const struct tar_item *items, int n)
{
	char parent[256], *slash;
	int i;

	for (i = 0; i < n; i++) {
		ck_assert_msg(items[i].name[0] != '/' &&
		                      strncmp(items[i].name, "./", 2) &&
		                      strcmp(items[i].name, ".") &&
		                      !strstr(items[i].name, "boxlab-test"),
		              "entry \"%s\" is not relative to the upper "
		              "directory",
		              items[i].name);
		snprintf(parent, sizeof(parent), "%s", items[i].name);
		slash = strrchr(parent, '/');
		if (!slash)
			continue;
		*slash = '\0';
		ck_assert_msg(find_item(items, n, parent) < i,
		              "\"%s\" comes before its directory",
		              items[i].name);
	}
}

/* --- 8.4 ---------------------------------------------------------------- */

START_TEST(create_writes_the_tree_with_relative_paths)
{
	const char *dir = test_tmpdir();
	char upper[PATH_MAX], tar[PATH_MAX];
	struct tar_item items[MAX_ITEMS];
	const struct tar_item *item, *busybox, *ls;
	int n;

	test_needs_root(); /* owners */
	strcpy(upper, at(dir, "upper"));
	strcpy(tar, at(dir, "layer.tar"));
	ck_assert_int_eq(mkdir(upper, 0755), 0);
	make(upper, "etc", 'd', 0755, NULL);
	make(upper, "etc/hostname", 'f', 0644, "boxlab\n");
	make(upper, "bin", 'd', 0755, NULL);
	make(upper, "bin/busybox", 'f', 0755, "#!busybox\n");
	make(upper, "bin/sh", 's', 0, "busybox");
	make(upper, "bin/ls", 'h', 0, "bin/busybox");
	make(upper, "data", 'd', 0700, NULL);
	make(upper, "data/notes", 'f', 0600, "mine\n");
	ck_assert_int_eq(chown(at(upper, "data/notes"), 1000, 1000), 0);
	create(upper, tar);
	n = read_tar(tar, items);
	ck_assert_int_eq(n, 8);
	assert_parents_first(items, n);
	item = &items[find_item(items, n, "etc/hostname")];
	ck_assert_msg(item->type == AE_IFREG && item->mode == 0644 &&
	                      !strcmp(item->data, "boxlab\n"),
	              "etc/hostname: wrong type, mode or content");
	item = &items[find_item(items, n, "data/notes")];
	ck_assert_msg(item->uid == 1000 && item->mode == 0600,
	              "data/notes: owner %u, mode %o", item->uid, item->mode);
	item = &items[find_item(items, n, "data")];
	ck_assert_msg(item->type == AE_IFDIR && item->mode == 0700,
	              "data: not a directory of mode 700");
	item = &items[find_item(items, n, "bin/sh")];
	ck_assert_msg(item->type == AE_IFLNK && !strcmp(item->link, "busybox"),
	              "bin/sh is not the link to busybox");
	/* One name has the bytes, the other is a hard link to it. */
	busybox = &items[find_item(items, n, "bin/busybox")];
	ls = &items[find_item(items, n, "bin/ls")];
	if (busybox > ls) {
		item = busybox;
		busybox = ls;
		ls = item;
	}
	ck_assert_msg(!strcmp(busybox->data, "#!busybox\n") &&
	                      !strcmp(ls->hardlink, busybox->name) &&
	                      ls->size == 0,
	              "bin/ls and bin/busybox are not stored as one file "
	              "with two names");
}
END_TEST

START_TEST(create_turns_whiteouts_into_wh_files)
{
	const char *dir = test_tmpdir();
	char upper[PATH_MAX], tar[PATH_MAX];
	struct tar_item items[MAX_ITEMS];
	const struct tar_item *item;
	int n, i;

	test_needs_root(); /* mknod */
	strcpy(upper, at(dir, "upper"));
	strcpy(tar, at(dir, "layer.tar"));
	ck_assert_int_eq(mkdir(upper, 0755), 0);
	make(upper, "etc", 'd', 0755, NULL);
	make(upper, "etc/motd", 'w', 0, NULL);
	/* overlayfs makes whiteouts as links to one device (nlink 3, 4...):
	 * each is a whiteout of its own, not a hard link to another. */
	make(upper, "etc/gone", 'h', 0, "etc/motd");
	make(upper, "etc/issue", 'f', 0644, "boxlab\n");
	make(upper, "opt", 'w', 0, NULL);
	/* A device that is not a whiteout stays a device. */
	ck_assert_int_eq(
	        mknod(at(upper, "null"), S_IFCHR | 0666, makedev(1, 3)), 0);
	create(upper, tar);
	n = read_tar(tar, items);
	ck_assert_int_eq(n, 6);
	assert_parents_first(items, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(
		        !(items[i].type == AE_IFCHR && items[i].rdev == 0),
		        "\"%s\" is still a character device 0/0",
		        items[i].name);
	item = &items[find_item(items, n, "etc/.wh.motd")];
	ck_assert_msg(item->type == AE_IFREG && item->size == 0 &&
	                      !item->hardlink[0],
	              "etc/.wh.motd is not an empty regular file");
	item = &items[find_item(items, n, "etc/.wh.gone")];
	ck_assert_msg(item->type == AE_IFREG && item->size == 0 &&
	                      !item->hardlink[0],
	              "etc/.wh.gone (a second link to the whiteout device) is "
	              "not an empty regular file");
	item = &items[find_item(items, n, ".wh.opt")];
	ck_assert_msg(item->type == AE_IFREG && item->size == 0,
	              ".wh.opt is not an empty regular file");
	item = &items[find_item(items, n, "null")];
	ck_assert_msg(item->type == AE_IFCHR && item->rdev == makedev(1, 3),
	              "the device null (1/3) did not stay a device");
	ck_assert(!has_item(items, n, "etc/motd") &&
	          !has_item(items, n, "opt") &&
	          !has_item(items, n, "etc/gone"));
}
END_TEST

START_TEST(create_marks_opaque_directories)
{
	const char *dir = test_tmpdir();
	char upper[PATH_MAX], tar[PATH_MAX];
	struct tar_item items[MAX_ITEMS];
	const struct tar_item *item;
	int n, i, marker;

	test_needs_root(); /* trusted.* attributes */
	strcpy(upper, at(dir, "upper"));
	strcpy(tar, at(dir, "layer.tar"));
	ck_assert_int_eq(mkdir(upper, 0755), 0);
	make(upper, "etc", 'd', 0751, NULL);
	ck_assert_int_eq(setxattr(at(upper, "etc"), OPAQUE_XATTR, "y", 1, 0),
	                 0);
	make(upper, "etc/fresh", 'f', 0644, "new\n");
	ck_assert_int_eq(setxattr(at(upper, "etc/fresh"),
	                          "trusted.overlay.origin", "\0\xfb", 2, 0),
	                 0);
	ck_assert_int_eq(setxattr(at(upper, "etc/fresh"), "trusted.boxlab",
	                          "kept", 4, 0),
	                 0);
	make(upper, "var", 'd', 0755, NULL);
	ck_assert_int_eq(setxattr(at(upper, "var"), OPAQUE_XATTR, "n", 1, 0),
	                 0);
	create(upper, tar);
	n = read_tar(tar, items);
	ck_assert_int_eq(n, 4);
	assert_parents_first(items, n);
	marker = find_item(items, n, "etc/.wh..wh..opq");
	ck_assert_msg(items[marker].type == AE_IFREG && items[marker].size == 0,
	              "etc/.wh..wh..opq is not an empty regular file");
	ck_assert_msg(!has_item(items, n, "var/.wh..wh..opq"),
	              "var/ is marked opaque (its attribute says \"n\")");
	for (i = 0; i < n; i++)
		ck_assert_msg(!items[i].overlay_xattr,
		              "\"%s\" carries a trusted.overlay.* attribute",
		              items[i].name);
	item = &items[find_item(items, n, "etc/fresh")];
	ck_assert_msg(item->kept_xattr, "etc/fresh lost its trusted.boxlab "
	                                "attribute");
}
END_TEST

/* The same tree, made in the order ORDER gives (indexes into NAMES: odd
 * ones are directories), with every time set. */
static void make_tree(const char *upper, const int *order)
{
	static const char *const names[] = { "b", "a", "e", "d", "c", "ab" };
	struct timespec times[2] = { { MTIME, 0 }, { MTIME, 0 } };
	char path[PATH_MAX];
	int i;

	ck_assert_int_eq(mkdir(upper, 0755), 0);
	for (i = 0; i < 6; i++)
		make(upper, names[order[i]], order[i] % 2 ? 'd' : 'f', 0644,
		     names[order[i]]);
	/* An attribute makes a pax header: that too must come out the
	 * same. */
	ck_assert_int_eq(
	        setxattr(at(upper, "b"), "trusted.boxlab", "kept", 4, 0), 0);
	for (i = 0; i < 6; i++) {
		strcpy(path, at(upper, names[order[i]]));
		if (order[i] % 2) {
			ck_assert_int_eq(chmod(path, 0755), 0);
			make(path, "inner", 'f', 0644, "inner\n");
			ck_assert_int_eq(utimensat(AT_FDCWD, at(path, "inner"),
			                           times, AT_SYMLINK_NOFOLLOW),
			                 0);
		}
		ck_assert_int_eq(
		        utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW),
		        0);
	}
}

/* Are the files at A and B the same bytes? */
static bool same_bytes(const char *a, const char *b)
{
	char buf_a[4096], buf_b[4096];
	ssize_t na, nb;
	bool same = true;
	int fa, fb;

	fa = open(a, O_RDONLY | O_CLOEXEC);
	fb = open(b, O_RDONLY | O_CLOEXEC);
	ck_assert(fa >= 0 && fb >= 0);
	do {
		na = read(fa, buf_a, sizeof(buf_a));
		nb = read(fb, buf_b, sizeof(buf_b));
		same = na == nb && na >= 0 && !memcmp(buf_a, buf_b, na);
	} while (same && na > 0);
	close(fa);
	close(fb);
	return same;
}

START_TEST(create_is_deterministic)
{
	static const int forward[] = { 0, 1, 2, 3, 4, 5 };
	static const int backward[] = { 5, 4, 3, 2, 1, 0 };
	const char *dir = test_tmpdir();
	char upper1[PATH_MAX], upper2[PATH_MAX];
	char first[PATH_MAX], again[PATH_MAX], other[PATH_MAX];
	struct tar_item items[MAX_ITEMS];
	int n, i;

	test_needs_root(); /* trusted.* attributes */
	strcpy(upper1, at(dir, "upper1"));
	strcpy(upper2, at(dir, "upper2"));
	strcpy(first, at(dir, "first.tar"));
	strcpy(again, at(dir, "again.tar"));
	strcpy(other, at(dir, "other.tar"));
	make_tree(upper1, forward);
	make_tree(upper2, backward);
	create(upper1, first);
	n = read_tar(first, items);
	ck_assert_int_eq(n, 9);
	assert_parents_first(items, n);
	/* Names of one directory in strcmp(3) order. */
	for (i = 1; i < n; i++)
		if (!strchr(items[i].name, '/') &&
		    !strchr(items[i - 1].name, '/'))
			ck_assert_msg(strcmp(items[i - 1].name, items[i].name) <
			                      0,
			              "\"%s\" comes before \"%s\"",
			              items[i - 1].name, items[i].name);
	create(upper1, again);
	ck_assert_msg(same_bytes(first, again),
	              "the same tree packed twice gives two tars");
	create(upper2, other);
	ck_assert_msg(same_bytes(first, other),
	              "the same tree made in another order gives another tar");
}
END_TEST

/* --- both, and layer_gzip() (given) ------------------------------------ */

/* An upper directory packed, gzipped and unpacked again is the same
 * upper directory: what a build commits is what a container will see. */
START_TEST(layer_round_trip)
{
	const char *dir = test_tmpdir();
	char upper[PATH_MAX], dest[PATH_MAX], tar[PATH_MAX], gz[PATH_MAX];
	char value[8] = "";
	struct layer_error err;
	struct stat st, link;
	int in, out;

	test_needs_root();
	strcpy(upper, at(dir, "upper"));
	strcpy(dest, at(dir, "dest"));
	strcpy(tar, at(dir, "layer.tar"));
	strcpy(gz, at(dir, "layer.tar.gz"));
	ck_assert_int_eq(mkdir(upper, 0755), 0);
	make(upper, "etc", 'd', 0755, NULL);
	ck_assert_int_eq(setxattr(at(upper, "etc"), OPAQUE_XATTR, "y", 1, 0),
	                 0);
	make(upper, "etc/hostname", 'f', 0644, "boxlab\n");
	make(upper, "etc/motd", 'w', 0, NULL);
	make(upper, "bin", 'd', 0755, NULL);
	make(upper, "bin/busybox", 'f', 04755, "#!busybox\n");
	make(upper, "bin/ls", 'h', 0, "bin/busybox");
	make(upper, "bin/sh", 's', 0, "busybox");
	create(upper, tar);
	in = open(tar, O_RDONLY | O_CLOEXEC);
	out = open(gz, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ck_assert_ok(layer_gzip(in, out), "layer_gzip()");
	close(in);
	close(out);
	ck_assert_ok(apply(gz, dest, &err), "layer_apply()");
	ck_assert(getxattr(at(dest, "etc"), OPAQUE_XATTR, value, 8) == 1);
	assert_file(at(dest, "etc/hostname"), "boxlab\n", 0644);
	assert_whiteout(at(dest, "etc/motd"));
	assert_file(at(dest, "bin/busybox"), "#!busybox\n", 04755);
	ck_assert_int_eq(lstat(at(dest, "bin/busybox"), &st), 0);
	ck_assert_int_eq(lstat(at(dest, "bin/ls"), &link), 0);
	ck_assert(st.st_ino == link.st_ino);
	ck_assert_int_eq(lstat(at(dest, "bin/sh"), &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert(!has_wh_names(dest));
}
END_TEST

const struct graded_test layer_tests[] = {
	GRADED("8.3", apply_writes_files_directories_and_links),
	GRADED("8.3", apply_reads_a_gzipped_layer),
	GRADED("8.3", apply_turns_whiteouts_into_devices),
	GRADED("8.3", apply_marks_opaque_directories),
	GRADED("8.3", apply_refuses_dotdot_paths),
	GRADED("8.3", apply_refuses_absolute_paths),
	GRADED("8.3", apply_refuses_to_write_through_symlinks),
	GRADED("8.3", apply_refuses_what_is_not_a_tar),
	GRADED("8.4", create_writes_the_tree_with_relative_paths),
	GRADED("8.4", create_turns_whiteouts_into_wh_files),
	GRADED("8.4", create_marks_opaque_directories),
	GRADED("8.4", create_is_deterministic),
	PROGRAM(layer_round_trip),
	{ 0 },
};
