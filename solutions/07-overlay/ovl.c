/* ovl.c - overlayfs: options, mounts, whiteouts, lookup and diff. See
 * ovl.h. */
#include "ovl.h"

#include "exercise.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

/* --- mount options ------------------------------------------------------- */

/* BEGIN EXERCISE 7.1 (helpers) */
/* Append TEXT to BUF, which holds *LEN bytes and may grow to LIMIT - 1
 * (a NUL always follows). With ESCAPE, a '\' goes before each ',' (the
 * option separator), ':' (the layer separator) and '\' itself. */
static int append(char *buf, size_t limit, size_t *len, const char *text,
                  bool escape)
{
	for (; *text; text++) {
		if (escape && strchr(",:\\", *text)) {
			if (*len + 1 >= limit)
				return -ENAMETOOLONG;
			buf[(*len)++] = '\\';
		}
		if (*len + 1 >= limit)
			return -ENAMETOOLONG;
		buf[(*len)++] = *text;
	}
	buf[*len] = '\0';
	return 0;
}

/* Every path present and not empty; upper and work come together. */
static bool layers_valid(const struct ovl_layers *layers)
{
	size_t i;

	if (!layers || !layers->lower || layers->lower_count == 0)
		return false;
	for (i = 0; i < layers->lower_count; i++)
		if (!layers->lower[i] || !layers->lower[i][0])
			return false;
	if (!layers->upper != !layers->work)
		return false;
	return !layers->upper || (layers->upper[0] && layers->work[0]);
}
/* END EXERCISE 7.1 */

int ovl_mount_options(const struct ovl_layers *layers, char *buf, size_t size)
{
	/* BEGIN EXERCISE 7.1: Build the mount options (20 points)
	 *
	 * Check LAYERS first (-EINVAL: no lower layer, a NULL or empty
	 * path, upper without work or work without upper). Then write
	 * "lowerdir=" and the lower layers joined by ':', and, with an
	 * upper layer, ",upperdir=U,workdir=W". Put a '\' before every
	 * ',', ':' and '\' of a path. The string must fit in SIZE with
	 * its NUL and stay shorter than OVL_OPTIONS_MAX: else
	 * -ENAMETOOLONG, never a string cut short. Return its length.
	 *
	 * stub: return exercise_todo("7.1", layers, buf, size);
	 */
	size_t limit = size < OVL_OPTIONS_MAX ? size : OVL_OPTIONS_MAX;
	size_t len = 0, i;
	int ret;

	if (!layers_valid(layers))
		return -EINVAL;
	if (limit == 0)
		return -ENAMETOOLONG;
	ret = append(buf, limit, &len, "lowerdir=", false);
	for (i = 0; ret == 0 && i < layers->lower_count; i++) {
		if (i > 0)
			ret = append(buf, limit, &len, ":", false);
		if (ret == 0)
			ret = append(buf, limit, &len, layers->lower[i], true);
	}
	if (ret == 0 && layers->upper) {
		ret = append(buf, limit, &len, ",upperdir=", false);
		if (ret == 0)
			ret = append(buf, limit, &len, layers->upper, true);
		if (ret == 0)
			ret = append(buf, limit, &len, ",workdir=", false);
		if (ret == 0)
			ret = append(buf, limit, &len, layers->work, true);
	}
	if (ret < 0)
		return ret;
	return (int)len;
	/* END EXERCISE 7.1 */
}

/* --- mount and unmount --------------------------------------------------- */

/* BEGIN EXERCISE 7.2 (helpers) */
static int make_dir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}
/* END EXERCISE 7.2 */

/* BEGIN EXERCISE 7.2: Mount and unmount (15 points)
 *
 * ovl_prepare(): nothing to do without an upper layer. Else mkdir(2)
 * the upper and work directories (an existing one is fine), then refuse
 * an upper on overlayfs (statfs(2) says OVERLAYFS_SUPER_MAGIC:
 * -EOPNOTSUPP) and an upper and work on two file systems (their st_dev
 * differ: -EXDEV).
 * ovl_mount(): refuse empty OPTIONS (-EINVAL) and OPTIONS of
 * OVL_OPTIONS_MAX bytes or more (-ENAMETOOLONG), then mount(2) with
 * source "overlay", type "overlay".
 * ovl_umount(): umount2(2) with UMOUNT_NOFOLLOW.
 *
 * stub: int ovl_prepare(const struct ovl_layers *layers)
 * stub: {
 * stub: 	return exercise_todo("7.2", layers);
 * stub: }
 * stub: int ovl_mount(const char *options, const char *target)
 * stub: {
 * stub: 	return exercise_todo("7.2", options, target);
 * stub: }
 * stub: int ovl_umount(const char *target)
 * stub: {
 * stub: 	return exercise_todo("7.2", target);
 * stub: }
 */
int ovl_prepare(const struct ovl_layers *layers)
{
	struct stat upper_stat, work_stat;
	struct statfs upper_fs;
	int ret;

	if (!layers->upper)
		return 0;
	ret = make_dir(layers->upper);
	if (ret == 0)
		ret = make_dir(layers->work);
	if (ret < 0)
		return ret;
	if (statfs(layers->upper, &upper_fs) < 0)
		return -errno;
	if (upper_fs.f_type == OVERLAYFS_SUPER_MAGIC)
		return -EOPNOTSUPP;
	if (stat(layers->upper, &upper_stat) < 0)
		return -errno;
	if (stat(layers->work, &work_stat) < 0)
		return -errno;
	if (upper_stat.st_dev != work_stat.st_dev)
		return -EXDEV;
	return 0;
}

int ovl_mount(const char *options, const char *target)
{
	size_t len = strnlen(options, OVL_OPTIONS_MAX);

	if (len == 0)
		return -EINVAL;
	if (len >= OVL_OPTIONS_MAX)
		return -ENAMETOOLONG;
	if (mount("overlay", target, "overlay", 0, options) < 0)
		return -errno;
	return 0;
}

int ovl_umount(const char *target)
{
	if (umount2(target, UMOUNT_NOFOLLOW) < 0)
		return -errno;
	return 0;
}
/* END EXERCISE 7.2 */

/* --- whiteouts and opaque directories ------------------------------------ */

/* Does directory NAME in DIRFD carry an opaque mark? Only the value "y"
 * means opaque: since Linux 6.7 "x" marks a directory that merely holds
 * whiteouts made of xattrs, for overlays stacked on overlays. */
static bool is_opaque(int dirfd, const char *name)
{
	static const char *const names[] = { "trusted.overlay.opaque",
		                             "user.overlay.opaque" };
	char value[2];
	bool opaque = false;
	ssize_t len;
	size_t i;
	int fd;

	fd = openat(dirfd, name,
	            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	for (i = 0; i < 2 && !opaque; i++) {
		len = fgetxattr(fd, names[i], value, sizeof(value));
		opaque = len == 1 && value[0] == 'y';
	}
	close(fd);
	return opaque;
}

int ovl_entry_kind(int dirfd, const char *name, enum ovl_kind *ret_kind)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return -errno;
		*ret_kind = OVL_ABSENT;
		return 0;
	}
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0))
		*ret_kind = OVL_WHITEOUT;
	else if (S_ISDIR(st.st_mode) && is_opaque(dirfd, name))
		*ret_kind = OVL_OPAQUE;
	else
		*ret_kind = OVL_PLAIN;
	return 0;
}

/* BEGIN EXERCISE 7.3: Make whiteouts and opaque directories (15 points)
 *
 * ovl_make_whiteout(): mknodat(2) a character device, permission bits
 * 0, device number makedev(0, 0).
 * ovl_make_opaque(): open NAME as a directory (O_DIRECTORY, and
 * O_NOFOLLOW: a symbolic link is not the directory; the kernel says
 * ELOOP for one, report -ENOTDIR), then fsetxattr(2)
 * "trusted.overlay.opaque" to the one byte "y".
 *
 * stub: int ovl_make_whiteout(int dirfd, const char *name)
 * stub: {
 * stub: 	return exercise_todo("7.3", dirfd, name);
 * stub: }
 * stub: int ovl_make_opaque(int dirfd, const char *name)
 * stub: {
 * stub: 	return exercise_todo("7.3", dirfd, name);
 * stub: }
 */
int ovl_make_whiteout(int dirfd, const char *name)
{
	if (mknodat(dirfd, name, S_IFCHR | 0000, makedev(0, 0)) < 0)
		return -errno;
	return 0;
}

int ovl_make_opaque(int dirfd, const char *name)
{
	int fd, ret = 0;

	fd = openat(dirfd, name,
	            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP ? -ENOTDIR : -errno;
	if (fsetxattr(fd, "trusted.overlay.opaque", "y", 1, 0) < 0)
		ret = -errno;
	close(fd);
	return ret;
}
/* END EXERCISE 7.3 */

/* --- lookup through the layers ------------------------------------------- */

/* BEGIN EXERCISE 7.4 (helpers) */
/* The directories one lookup step searches, topmost first. */
struct lookup_level {
	int fd[OVL_MAX_LAYERS + 1];    /* open directories (O_PATH) */
	int layer[OVL_MAX_LAYERS + 1]; /* 0: upper, 1 + i: lower[i] */
	int count;                     /* how many */
};

static void level_close(struct lookup_level *level)
{
	int i;

	for (i = 0; i < level->count; i++)
		close(level->fd[i]);
	level->count = 0;
}

/* Add directory NAME of DIRFD to LEVEL; nothing if it is not a directory.
 * A layer's root may be a symbolic link (Docker's short l/ names are), an
 * entry inside a layer is taken as it is: overlayfs never follows one. */
static int level_add(struct lookup_level *level, int dirfd, const char *name,
                     int layer, bool follow)
{
	int fd;

	if (level->count == OVL_MAX_LAYERS + 1)
		return -E2BIG;
	fd = openat(dirfd, name,
	            O_PATH | O_DIRECTORY | O_CLOEXEC |
	                    (follow ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return errno == ENOTDIR || errno == ELOOP ? 0 : -errno;
	level->fd[level->count] = fd;
	level->layer[level->count++] = layer;
	return 0;
}

/* The layers' roots: the upper layer (if any), then each lower. */
static int level_roots(const struct ovl_layers *layers,
                       struct lookup_level *level)
{
	size_t i;
	int ret = 0;

	level->count = 0;
	if (layers->upper)
		ret = level_add(level, AT_FDCWD, layers->upper, 0, true);
	for (i = 0; ret == 0 && i < layers->lower_count; i++)
		ret = level_add(level, AT_FDCWD, layers->lower[i], 1 + (int)i,
		                true);
	if (ret < 0)
		level_close(level);
	return ret;
}

/* One component NAME through LEVEL, top down. Sets *RET_LAYER to the
 * layer of the topmost entry (-1: none, or hidden), and fills NEXT with
 * the directories the next component searches: the entry's, if it is a
 * directory, and those below it, until an opaque one or a non-directory. */
static int lookup_step(const struct lookup_level *level, const char *name,
                       struct lookup_level *next, int *ret_layer)
{
	enum ovl_kind kind;
	int i, before, ret;

	*ret_layer = -1;
	next->count = 0;
	for (i = 0; i < level->count; i++) {
		ret = ovl_entry_kind(level->fd[i], name, &kind);
		if (ret < 0)
			return ret;
		if (kind == OVL_ABSENT)
			continue;
		if (kind == OVL_WHITEOUT)
			break;
		before = next->count;
		ret = level_add(next, level->fd[i], name, level->layer[i],
		                false);
		if (ret < 0)
			return ret;
		if (*ret_layer < 0)
			*ret_layer = level->layer[i];
		if (next->count == before || kind == OVL_OPAQUE)
			break; /* not a directory, or opaque: nothing below */
	}
	return 0;
}
/* END EXERCISE 7.4 */

int ovl_lookup(const struct ovl_layers *layers, const char *path,
               int *ret_layer)
{
	/* BEGIN EXERCISE 7.4: Which layer is it from? (20 points)
	 *
	 * Open the layers' roots, upper first. For each component of PATH
	 * (skip empty ones: "a//b"), ask each directory of the current
	 * level with ovl_entry_kind(), top down: absent, go on; a whiteout
	 * hides the name and everything below; an entry is found (the
	 * first one is the answer for this component); a directory adds
	 * itself to the next level, and the layers below may add theirs
	 * until one is opaque or not a directory. No entry: -ENOENT; a
	 * component that is not the last and not a directory: -ENOTDIR.
	 * Close every fd on every path.
	 *
	 * stub: return exercise_todo("7.4", layers, path, ret_layer);
	 */
	struct lookup_level level, next;
	char *copy, *name, *save = NULL;
	int layer, ret;

	if (layers->lower_count > OVL_MAX_LAYERS)
		return -E2BIG;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	ret = level_roots(layers, &level);
	if (ret < 0)
		goto out_free;
	layer = level.count ? level.layer[0] : -1;
	for (name = strtok_r(copy, "/", &save); name && ret == 0;
	     name = strtok_r(NULL, "/", &save)) {
		if (level.count == 0) {
			ret = -ENOTDIR; /* the last one was not a directory */
			break;
		}
		ret = lookup_step(&level, name, &next, &layer);
		level_close(&level);
		level = next; /* on an error, closed below */
		if (ret == 0 && layer < 0)
			ret = -ENOENT;
	}
	level_close(&level);
	if (ret == 0 && layer < 0)
		ret = -ENOENT;
	if (ret == 0)
		*ret_layer = layer;
out_free:
	free(copy);
	return ret;
	/* END EXERCISE 7.4 */
}

/* --- docker diff --------------------------------------------------------- */

/* BEGIN EXERCISE 7.5 (helpers) */
/* The names in directory DIRFD but "." and "..", sorted with strcmp(). */
struct names {
	char **name;
	size_t count;
};

static void names_free(struct names *names)
{
	size_t i;

	for (i = 0; i < names->count; i++)
		free(names->name[i]);
	free(names->name);
	names->name = NULL;
	names->count = 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int names_push(struct names *names, const char *name)
{
	char **grown;

	grown = realloc(names->name, (names->count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	names->name = grown;
	names->name[names->count] = strdup(name);
	if (!names->name[names->count])
		return -ENOMEM;
	names->count++;
	return 0;
}

/* file_each_entry()'s callback: NAME onto the list NAMES. */
static int push_name(int dir_fd, const char *name, void *names)
{
	(void)dir_fd;
	return names_push(names, name);
}

static int names_read(int dirfd, struct names *ret_names)
{
	int ret;

	ret_names->name = NULL;
	ret_names->count = 0;
	ret = file_each_entry(dirfd, ".", push_name, ret_names);
	if (ret < 0)
		names_free(ret_names);
	else if (ret_names->count > 1) /* qsort(NULL, 0) is undefined */
		qsort(ret_names->name, ret_names->count, sizeof(char *),
		      compare_names);
	return ret;
}

/* One directory of the walk: UPPER in the upper layer, LOWER the same
 * path in the lower view (-1 if it has none there), PATH its path with
 * room for PATH_MAX bytes. HIDING: an opaque directory at or above it
 * hides what the lower view has here. */
struct diff_dir {
	int upper;
	int lower;
	char *path;
	bool hiding;
	ovl_change_fn *fn;
	void *data;
};

static int diff_walk(const struct diff_dir *dir);

/* Report NAME (in the upper layer) and walk into it if it is a directory. */
static int diff_entry(const struct diff_dir *dir, const char *name)
{
	struct diff_dir sub = *dir;
	enum ovl_kind kind;
	struct stat st;
	bool in_lower;
	int ret;

	ret = ovl_entry_kind(dir->upper, name, &kind);
	if (ret < 0)
		return ret;
	in_lower = dir->lower >= 0 &&
	           fstatat(dir->lower, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	ret = dir->fn(kind == OVL_WHITEOUT ? OVL_DELETED
	              : in_lower           ? OVL_CHANGED
	                                   : OVL_ADDED,
	              dir->path, dir->data);
	if (ret != 0 || kind == OVL_WHITEOUT)
		return ret;
	sub.upper = openat(dir->upper, name,
	                   O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub.upper < 0)
		return errno == ENOTDIR ? 0 : -errno;
	sub.lower =
	        in_lower ? openat(dir->lower, name,
	                          O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
	                 : -1;
	sub.hiding = dir->hiding || kind == OVL_OPAQUE;
	ret = diff_walk(&sub);
	if (sub.lower >= 0)
		close(sub.lower);
	close(sub.upper);
	return ret;
}

/* Put "/NAME" after DIR's path (or NAME at the top); LEN: its old length. */
static int path_push(const struct diff_dir *dir, const char *name, size_t *len)
{
	int n;

	*len = strlen(dir->path);
	n = snprintf(dir->path + *len, PATH_MAX - *len, "%s%s", *len ? "/" : "",
	             name);
	if (n < 0 || (size_t)n >= PATH_MAX - *len)
		return -ENAMETOOLONG;
	return 0;
}

/* The entries of one directory, upper and (when hiding) lower merged in
 * strcmp() order: upper ones reported and walked, lower-only ones
 * deleted. */
static int diff_walk(const struct diff_dir *dir)
{
	struct names upper, lower = { 0 };
	size_t u = 0, l = 0, len;
	int cmp, ret;

	ret = names_read(dir->upper, &upper);
	if (ret == 0 && dir->hiding && dir->lower >= 0)
		ret = names_read(dir->lower, &lower);
	while (ret == 0 && (u < upper.count || l < lower.count)) {
		cmp = u == upper.count   ? 1
		      : l == lower.count ? -1
		                         : strcmp(upper.name[u], lower.name[l]);
		ret = path_push(dir, cmp <= 0 ? upper.name[u] : lower.name[l],
		                &len);
		if (ret == 0 && cmp <= 0)
			ret = diff_entry(dir, upper.name[u]);
		else if (ret == 0)
			ret = dir->fn(OVL_DELETED, dir->path, dir->data);
		dir->path[len] = '\0';
		u += cmp <= 0;
		l += cmp >= 0;
	}
	names_free(&upper);
	names_free(&lower);
	return ret;
}
/* END EXERCISE 7.5 */

int ovl_diff(const char *upper, const char *lower_view, ovl_change_fn *fn,
             void *data)
{
	/* BEGIN EXERCISE 7.5: What changed: docker diff (30 points)
	 *
	 * Walk UPPER depth first, each directory's names sorted with
	 * strcmp() (read them all, then qsort(3)), a directory reported
	 * before its entries. A whiteout is OVL_DELETED; another entry is
	 * OVL_CHANGED if the same path exists in LOWER_VIEW (fstatat(2),
	 * AT_SYMLINK_NOFOLLOW), else OVL_ADDED. Walk into directories,
	 * not into symbolic links. Below an opaque directory (and at any
	 * depth under it), every name LOWER_VIEW has and UPPER has not is
	 * OVL_DELETED too, in the same sorted order. Paths are relative:
	 * "etc", "etc/hostname".
	 *
	 * stub: return exercise_todo("7.5", upper, lower_view, fn, data);
	 */
	char path[PATH_MAX] = "";
	struct diff_dir top = { .path = path, .fn = fn, .data = data };
	int ret;

	top.upper = open(upper, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (top.upper < 0)
		return -errno;
	top.lower = open(lower_view, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (top.lower < 0) {
		ret = -errno;
		close(top.upper);
		return ret;
	}
	ret = diff_walk(&top);
	close(top.lower);
	close(top.upper);
	return ret;
	/* END EXERCISE 7.5 */
}

/* --- challenge: the new mount API ---------------------------------------- */

/* BEGIN EXERCISE 7.6 (helpers) */
/* Copy the first error the fs context logged ("e overlayfs: ...") into
 * ERROR, without its "e " prefix; "" if there is none. */
static void read_context_log(int fs_fd, char *error, size_t error_size)
{
	char line[512];
	ssize_t len;

	if (error_size == 0)
		return;
	error[0] = '\0';
	while ((len = read(fs_fd, line, sizeof(line) - 1)) > 0) {
		line[len] = '\0';
		if (line[0] == 'e' && !error[0])
			snprintf(error, error_size, "%s", line + 2);
	}
}

static int set_string(int fs_fd, const char *key, const char *value)
{
	if (fsconfig(fs_fd, FSCONFIG_SET_STRING, key, value, 0) < 0)
		return -errno;
	return 0;
}

/* Give the context every layer; the first lowerdir+ tells whether the
 * kernel knows the key at all. */
static int configure(int fs_fd, const struct ovl_layers *layers)
{
	size_t i;
	int ret = 0;

	for (i = 0; ret == 0 && i < layers->lower_count; i++) {
		ret = set_string(fs_fd, "lowerdir+", layers->lower[i]);
		if (ret == -EINVAL && i == 0)
			return -EOPNOTSUPP;
	}
	if (ret == 0 && layers->upper)
		ret = set_string(fs_fd, "upperdir", layers->upper);
	if (ret == 0 && layers->work)
		ret = set_string(fs_fd, "workdir", layers->work);
	if (ret == 0 && fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		ret = -errno;
	return ret;
}
/* END EXERCISE 7.6 */

/* BEGIN EXERCISE 7.6: Mount with the new mount API (challenge, 10 points)
 *
 * fsopen("overlay", FSOPEN_CLOEXEC) gives a file system context.
 * fsconfig(FSCONFIG_SET_STRING) "lowerdir+" once per lower layer, top
 * first (an -EINVAL on the first one: the kernel is older than 6.8,
 * -EOPNOTSUPP), then "upperdir" and "workdir" if there is an upper,
 * then FSCONFIG_CMD_CREATE. fsmount() turns it into a detached mount,
 * and move_mount(MOVE_MOUNT_F_EMPTY_PATH) attaches that on TARGET. On a
 * failure, read the context's log into ERROR before closing it.
 *
 * stub: int ovl_mount_layers(const struct ovl_layers *layers,
 * stub:                      const char *target, char *error,
 * stub:                      size_t error_size)
 * stub: {
 * stub: 	return exercise_todo("7.6", layers, target, error,
 * stub: 	                     error_size);
 * stub: }
 */
int ovl_mount_layers(const struct ovl_layers *layers, const char *target,
                     char *error, size_t error_size)
{
	int fs_fd, mount_fd = -1, ret;

	if (error_size > 0)
		error[0] = '\0';
	if (!layers || layers->lower_count == 0 ||
	    !layers->upper != !layers->work)
		return -EINVAL;
	fs_fd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs_fd < 0)
		return -errno;
	ret = configure(fs_fd, layers);
	if (ret == 0) {
		mount_fd = fsmount(fs_fd, FSMOUNT_CLOEXEC, 0);
		if (mount_fd < 0)
			ret = -errno;
	}
	if (ret == 0 && move_mount(mount_fd, "", AT_FDCWD, target,
	                           MOVE_MOUNT_F_EMPTY_PATH) < 0)
		ret = -errno;
	if (ret < 0)
		read_context_log(fs_fd, error, error_size);
	if (mount_fd >= 0)
		close(mount_fd);
	close(fs_fd);
	return ret;
}
/* END EXERCISE 7.6 */
