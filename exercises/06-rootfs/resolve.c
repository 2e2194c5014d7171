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

/* EXERCISE 6.6: your own helper functions can go here. */

int rootfs_open_in_root(int root_fd, const char *path, int flags)
{
	/* EXERCISE 6.6: Resolve a path inside the root (25 points)
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
	 * Replace the stub below with your code.
	 */
	return exercise_todo("6.6", root_fd, path, flags);
}
