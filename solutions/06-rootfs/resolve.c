/* resolve.c - open a path inside a root without leaving it. See rootfs.h.
 *
 * A runtime touches paths inside a root file system that someone else
 * made: it mounts /proc on ROOT/proc, writes ROOT/etc/hostname, bind-
 * mounts volumes onto ROOT/data. If ROOT/proc is a symbolic link to
 * "/etc", a naive open(ROOT + "/proc") follows it on the host. Walking
 * the path one component at a time, each opened relative to the last
 * with O_NOFOLLOW, lets the walk decide what every symbolic link and
 * every ".." means: relative to ROOT, never above it.
 */
#include "rootfs.h"

#include "exercise.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The kernel's limit on symbolic links in one lookup (MAXSYMLINKS). */
#define MAX_LINKS 40

/* BEGIN EXERCISE 6.6 (helpers) */
/* The walk's state: the directory reached so far, and what is left. */
struct walk {
	int root_fd;             /* the root: ".." stops here */
	int dir_fd;              /* where the walk is (O_PATH), owned */
	char rest[PATH_MAX];     /* the path still to walk */
	char name[NAME_MAX + 1]; /* the component being looked at */
	bool last;               /* NAME is the last component */
	bool want_dir;           /* ... and a slash followed it */
};

/* Take the next component of W->rest into W->name ("" when none is
 * left), and note whether it is the last. */
static int next_component(struct walk *w)
{
	const char *p = w->rest, *end;
	size_t len;

	while (*p == '/')
		p++;
	end = strchrnul(p, '/');
	len = (size_t)(end - p);
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(w->name, p, len);
	w->name[len] = '\0';
	w->want_dir = *end == '/';
	while (*end == '/')
		end++;
	w->last = *end == '\0';
	memmove(w->rest, end, strlen(end) + 1);
	return 0;
}

/* Is FD the same directory as the root? */
static bool at_root(const struct walk *w)
{
	struct stat a, b;

	return fstat(w->dir_fd, &a) == 0 && fstat(w->root_fd, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Move the walk to FD (owned). */
static void move_to(struct walk *w, int fd)
{
	close(w->dir_fd);
	w->dir_fd = fd;
}

/* A symbolic link at W->name: its target goes in front of what is left;
 * an absolute one sends the walk back to the root. */
static int follow_link(struct walk *w, int link_fd)
{
	char target[PATH_MAX];
	size_t tlen, rlen = strlen(w->rest);
	ssize_t len;
	int fd;

	len = readlinkat(link_fd, "", target, sizeof(target));
	if (len < 0)
		return -errno;
	tlen = (size_t)len;
	if (tlen + 1 + rlen + 1 > sizeof(w->rest))
		return -ENAMETOOLONG;
	memmove(w->rest + tlen + 1, w->rest, rlen + 1);
	memcpy(w->rest, target, tlen);
	w->rest[tlen] = '/';
	if (rlen == 0 && !w->want_dir)
		w->rest[tlen] = '\0'; /* keep "no trailing slash" */
	if (target[0] == '/') {
		fd = fcntl(w->root_fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		move_to(w, fd);
	}
	return 0;
}
/* END EXERCISE 6.6 */

int rootfs_open_in_root(int root_fd, const char *path, int flags)
{
	/* BEGIN EXERCISE 6.6: Resolve a path inside the root (25 points)
	 *
	 * Walk PATH one component at a time, holding an O_PATH fd on the
	 * directory reached so far (a copy of ROOT_FD to start with):
	 *   - "" (from "//") and "." change nothing;
	 *   - ".." goes up (openat(dir, "..", O_PATH | O_DIRECTORY)) unless
	 *     the walk is at the root (the same st_dev and st_ino as
	 *     ROOT_FD), where it stays;
	 *   - a name is opened with O_PATH | O_NOFOLLOW; if it is a
	 *     symbolic link (fstat: S_ISLNK), count it (more than MAX_LINKS:
	 *     -ELOOP), read it (readlinkat(fd, "", ...)) and put its target
	 *     in front of what is left of the path; if the target is
	 *     absolute, the walk goes back to the root;
	 *   - anything else must be a directory (-ENOTDIR), unless it is
	 *     the last component.
	 * The last component is opened with FLAGS | O_NOFOLLOW | O_CLOEXEC
	 * (its link, if any, was followed already; O_NOFOLLOW makes sure no
	 * link swapped in meanwhile is), with O_DIRECTORY if a "/" followed
	 * it. A path that ends at a directory ("/", "a/..") opens that
	 * directory ("."). An empty PATH is -ENOENT, as for open(2); O_CREAT
	 * is refused with -EINVAL. Close every fd but the one returned, on
	 * every path.
	 *
	 * stub: return exercise_todo("6.6", root_fd, path, flags);
	 */
	struct walk w = { .root_fd = root_fd };
	int links = 0, fd = -1, ret = 0;
	struct stat st;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		return -EINVAL;
	if (path[0] == '\0')
		return -ENOENT;
	if (strlen(path) >= sizeof(w.rest))
		return -ENAMETOOLONG;
	strcpy(w.rest, path);
	w.dir_fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
	if (w.dir_fd < 0)
		return -errno;
	while (ret == 0) {
		ret = next_component(&w);
		if (ret < 0)
			break;
		if (w.name[0] == '\0' || !strcmp(w.name, ".") ||
		    !strcmp(w.name, "..")) {
			if (!strcmp(w.name, "..") && !at_root(&w)) {
				fd = openat(w.dir_fd, "..",
				            O_PATH | O_DIRECTORY | O_CLOEXEC);
				if (fd < 0) {
					ret = -errno;
					break;
				}
				move_to(&w, fd);
			}
			if (w.last || w.name[0] == '\0') {
				fd = openat(w.dir_fd, ".", flags | O_CLOEXEC);
				ret = fd < 0 ? -errno : fd;
				break;
			}
			continue;
		}
		fd = openat(w.dir_fd, w.name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0) {
			ret = -errno;
			break;
		}
		if (S_ISLNK(st.st_mode) && !(w.last && (flags & O_NOFOLLOW))) {
			ret = ++links > MAX_LINKS ? -ELOOP
			                          : follow_link(&w, fd);
			close(fd);
			continue;
		}
		if (w.last) {
			close(fd);
			fd = openat(w.dir_fd, w.name,
			            flags | O_NOFOLLOW | O_CLOEXEC |
			                    (w.want_dir ? O_DIRECTORY : 0));
			ret = fd < 0 ? -errno : fd;
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			ret = -ENOTDIR;
			break;
		}
		move_to(&w, fd);
	}
	close(w.dir_fd);
	return ret;
	/* END EXERCISE 6.6 */
}
