/* userns.c - user namespace maps: parse, check, translate, write. See
 * userns.h for the contracts. */
#include "userns.h"

#include "exercise.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* The kernel's test for a range that would reach (uid_t)-1 or wrap
 * around: first + count, computed in 32 bits, must stay above first. */
static bool range_fits(uint32_t first, uint32_t count)
{
	return count > 0 && (uint32_t)(first + count) > first;
}

/* BEGIN EXERCISE 4.1 (helpers) */
/* Parse one decimal field of TEXT ending at STOP ('\0' or ':'); digits
 * only, no sign, no spaces, at most 4294967295. */
static int parse_field(const char **text, char stop, uint32_t *ret)
{
	const char *start = *text;
	uint64_t value = 0;

	while (**text >= '0' && **text <= '9') {
		value = value * 10 + (uint64_t)(**text - '0');
		if (value > UINT32_MAX)
			return -EINVAL;
		(*text)++;
	}
	if (*text == start || **text != stop)
		return -EINVAL;
	if (stop)
		(*text)++;
	*ret = (uint32_t)value;
	return 0;
}
/* END EXERCISE 4.1 */

int userns_parse_extent(const char *text, struct userns_extent *ret_extent)
{
	/* BEGIN EXERCISE 4.1: Parse a map line (10 points)
	 *
	 * Three decimal fields separated by ':'. strtoul() alone is too
	 * lenient here: it skips spaces, takes a '-' and wraps it. Accept
	 * digits only, check each value fits in 32 bits, then check the
	 * ranges as the kernel will: a COUNT of 0, or a range whose end
	 * (first + count, in 32 bits) is not above its first ID, is
	 * invalid.
	 *
	 * stub: return exercise_todo("4.1", text, ret_extent);
	 */
	struct userns_extent extent;

	if (parse_field(&text, ':', &extent.inside) < 0 ||
	    parse_field(&text, ':', &extent.outside) < 0 ||
	    parse_field(&text, '\0', &extent.count) < 0)
		return -EINVAL;
	if (!range_fits(extent.inside, extent.count) ||
	    !range_fits(extent.outside, extent.count))
		return -EINVAL;
	*ret_extent = extent;
	return 0;
	/* END EXERCISE 4.1 */
}

/* BEGIN EXERCISE 4.2 (helpers) */
/* Do [A, A + A_COUNT) and [B, B + B_COUNT) share an ID? */
static bool ranges_overlap(uint32_t a, uint32_t a_count, uint32_t b,
                           uint32_t b_count)
{
	return a < b + b_count && b < a + a_count;
}
/* END EXERCISE 4.2 */

int userns_map_add(struct userns_map *map, const struct userns_extent *extent)
{
	/* BEGIN EXERCISE 4.2: Check a map as the kernel does (15 points)
	 *
	 * The kernel refuses a map in which two lines overlap, inside or
	 * outside (mappings_overlap() in kernel/user_namespace.c): an ID
	 * inside must have one meaning outside, and the other way round.
	 * Check the new line's own ranges first (see range_fits()), then
	 * compare it with every line already in MAP, then the size.
	 *
	 * stub: return exercise_todo("4.2", map, extent);
	 */
	const struct userns_extent *old;
	size_t i;

	if (!range_fits(extent->inside, extent->count) ||
	    !range_fits(extent->outside, extent->count))
		return -EINVAL;
	for (i = 0; i < map->count; i++) {
		old = &map->extents[i];
		if (ranges_overlap(old->inside, old->count, extent->inside,
		                   extent->count) ||
		    ranges_overlap(old->outside, old->count, extent->outside,
		                   extent->count))
			return -EEXIST;
	}
	if (map->count == USERNS_MAP_MAX)
		return -E2BIG;
	map->extents[map->count++] = *extent;
	return 0;
	/* END EXERCISE 4.2 */
}

/* BEGIN EXERCISE 4.3 (helpers) */
/* Does LINE ("NAME:START:COUNT", no newline) belong to USER or ID? If so
 * fill RET. A malformed line belongs to no one. */
static bool subid_line_matches(char *line, const char *user, uid_t id,
                               struct userns_subids *ret)
{
	char *colon = strchr(line, ':'), *end;
	unsigned long start, count;
	char number[16];

	if (!colon || colon == line)
		return false;
	*colon = '\0';
	snprintf(number, sizeof(number), "%u", (unsigned)id);
	if (strcmp(line, user ? user : "") && strcmp(line, number))
		return false;
	errno = 0;
	start = strtoul(colon + 1, &end, 10);
	if (*end != ':' || end == colon + 1 || errno)
		return false;
	count = strtoul(end + 1, &end, 10);
	if (*end || errno || start > UINT32_MAX || count == 0 ||
	    count > UINT32_MAX || !range_fits(start, count))
		return false;
	ret->start = (uint32_t)start;
	ret->count = (uint32_t)count;
	return true;
}
/* END EXERCISE 4.3 */

int userns_find_subids(int dirfd, const char *path, const char *user, uid_t id,
                       struct userns_subids *ret_subids)
{
	/* BEGIN EXERCISE 4.3: Find your subordinate IDs (15 points)
	 *
	 * file_read_all() (common/file.h) the whole file, then go through
	 * it line by line (strtok_r() on "\n" skips empty lines). A line
	 * names its owner by user name or by numeric ID; skip comments
	 * and anything that does not parse, as newuidmap does. A file that
	 * does not exist means "no subordinate IDs": -ENOENT either way.
	 *
	 * stub: return exercise_todo("4.3", dirfd, path, user, id, ret_subids);
	 */
	char *text, *line, *save = NULL;
	int ret;

	ret = file_read_all(dirfd, path, &text, NULL);
	if (ret < 0)
		return ret;
	ret = -ENOENT;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (subid_line_matches(line, user, id, ret_subids)) {
			ret = 0;
			break;
		}
	}
	free(text);
	return ret;
	/* END EXERCISE 4.3 */
}

int userns_read_map(int dirfd, const char *path, struct userns_map *ret_map)
{
	unsigned int inside, outside, count;
	char *text, *line, *save = NULL;
	int ret, used;

	ret = file_read_all(dirfd, path, &text, NULL);
	if (ret < 0)
		return ret;
	ret_map->count = 0;
	for (line = strtok_r(text, "\n", &save); line && ret == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, " %u %u %u %n", &inside, &outside, &count,
		           &used) != 3 ||
		    line[used] != '\0' || ret_map->count == USERNS_MAP_MAX ||
		    !range_fits(inside, count) || !range_fits(outside, count))
			ret = -EINVAL;
		else
			ret_map->extents[ret_map->count++] =
			        (struct userns_extent){ inside, outside,
				                        count };
	}
	free(text);
	return ret;
}

int userns_map_id(const struct userns_map *map, enum userns_direction direction,
                  uint32_t id, uint32_t *ret_id)
{
	/* BEGIN EXERCISE 4.4: Translate an ID through a map (10 points)
	 *
	 * Find the line whose range (inside for USERNS_TO_OUTSIDE,
	 * outside for USERNS_TO_INSIDE) holds ID; the answer is at the
	 * same offset in the other range. Careful with the comparison:
	 * id - first < count avoids first + count, which can wrap.
	 *
	 * stub: return exercise_todo("4.4", map, direction, id, ret_id);
	 */
	const struct userns_extent *line;
	uint32_t from, to;
	size_t i;

	for (i = 0; i < map->count; i++) {
		line = &map->extents[i];
		from = direction == USERNS_TO_OUTSIDE ? line->inside
		                                      : line->outside;
		to = direction == USERNS_TO_OUTSIDE ? line->outside
		                                    : line->inside;
		if (id >= from && id - from < line->count) {
			*ret_id = to + (id - from);
			return 0;
		}
	}
	return -ENOENT;
	/* END EXERCISE 4.4 */
}

int userns_format_map(const struct userns_map *map, char *buf, size_t size)
{
	const struct userns_extent *line;
	size_t len = 0, i;
	int n;

	if (size == 0)
		return -ENOSPC;
	buf[0] = '\0';
	for (i = 0; i < map->count; i++) {
		line = &map->extents[i];
		n = snprintf(buf + len, size - len,
		             "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n",
		             line->inside, line->outside, line->count);
		if (n < 0 || (size_t)n >= size - len)
			return -ENOSPC;
		len += (size_t)n;
	}
	return (int)len;
}

/* BEGIN EXERCISE 4.5 (helpers) */
/* Write TEXT to /proc/PID/NAME in one write(2). */
static int write_proc_file(pid_t pid, const char *name, const char *text)
{
	char path[64];
	size_t len = strlen(text);
	ssize_t n;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	close(fd);
	return ret;
}

/* Format MAP and write it to /proc/PID/NAME; nothing for an empty map. */
static int write_map(pid_t pid, const char *name, const struct userns_map *map)
{
	char text[USERNS_MAP_MAX * 36];
	int len;

	if (!map || map->count == 0)
		return 0;
	len = userns_format_map(map, text, sizeof(text));
	if (len < 0)
		return len;
	return write_proc_file(pid, name, text);
}
/* END EXERCISE 4.5 */

int userns_write_maps(pid_t pid, const struct userns_map *uids,
                      const struct userns_map *gids)
{
	/* BEGIN EXERCISE 4.5: Write setgroups and the maps (20 points)
	 *
	 * Three files under /proc/PID/, in this order: uid_map, then
	 * "deny" into setgroups, then gid_map. Why deny? An unprivileged
	 * writer may map its own GID only if the process can never call
	 * setgroups(2): otherwise it could drop a supplementary group that
	 * was there to deny it access ("rw----r--" files). The kernel
	 * demands the deny before such a gid_map, and it cannot be undone.
	 * Each map goes in one write(2) call (userns_format_map() builds
	 * the text); a second write to the same map fails with EPERM.
	 *
	 * stub: return exercise_todo("4.5", pid, uids, gids);
	 */
	int ret;

	ret = write_map(pid, "uid_map", uids);
	if (ret < 0)
		return ret;
	if (gids && gids->count > 0) {
		ret = write_proc_file(pid, "setgroups", "deny");
		if (ret < 0)
			return ret;
	}
	return write_map(pid, "gid_map", gids);
	/* END EXERCISE 4.5 */
}

/* Run HELPER ("newuidmap") with PID and MAP's lines as its arguments and
 * wait for it. */
static int run_map_helper(const char *helper, pid_t pid,
                          const struct userns_map *map)
{
	char *argv[3 + 3 * USERNS_MAP_MAX], (*numbers)[12];
	int status, ret = 0;
	size_t i, n = 0;
	pid_t child;

	numbers = calloc(1 + 3 * map->count, sizeof(*numbers));
	if (!numbers)
		return -ENOMEM;
	argv[n++] = (char *)helper;
	snprintf(numbers[0], sizeof(numbers[0]), "%d", (int)pid);
	argv[n++] = numbers[0];
	for (i = 0; i < 3 * map->count; i++) {
		const struct userns_extent *line = &map->extents[i / 3];
		uint32_t v = i % 3 == 0   ? line->inside
		             : i % 3 == 1 ? line->outside
		                          : line->count;

		snprintf(numbers[i + 1], sizeof(numbers[0]), "%" PRIu32, v);
		argv[n++] = numbers[i + 1];
	}
	argv[n] = NULL;
	child = fork();
	if (child < 0) {
		ret = -errno;
	} else if (child == 0) {
		execvp(helper, argv);
		_exit(errno == ENOENT ? 127 : 126);
	} else if (waitpid(child, &status, 0) < 0) {
		ret = -errno;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ret = WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -ENOENT
		                                                      : -EPERM;
	}
	free(numbers);
	return ret;
}

int userns_write_maps_with_helpers(pid_t pid, const struct userns_map *uids,
                                   const struct userns_map *gids)
{
	int ret = 0;

	/* newgidmap writes "deny" to setgroups itself only when told to;
	 * with a subordinate range approved by the administrator, groups
	 * may stay allowed, as they do under rootless Podman. */
	if (uids && uids->count > 0)
		ret = run_map_helper("newuidmap", pid, uids);
	if (ret == 0 && gids && gids->count > 0)
		ret = run_map_helper("newgidmap", pid, gids);
	return ret;
}

int userns_become_root(void)
{
	/* BEGIN EXERCISE 4.6: Become root inside (10 points)
	 *
	 * setresgid(0, 0, 0) first, then setresuid(0, 0, 0): once the
	 * UIDs are no longer 0 we would lose the capability (CAP_SETGID)
	 * that lets us change GIDs. The kernel answers EINVAL for an ID
	 * that has no mapping in this namespace.
	 *
	 * stub: return exercise_todo("4.6");
	 */
	if (setresgid(0, 0, 0) < 0)
		return -errno;
	if (setresuid(0, 0, 0) < 0)
		return -errno;
	return 0;
	/* END EXERCISE 4.6 */
}

int userns_depth(pid_t pid)
{
	/* BEGIN EXERCISE 4.8: How deep is this user namespace? (challenge, 10 points)
	 *
	 * Open /proc/PID/ns/user (O_RDONLY), then ask
	 * ioctl(fd, NS_GET_PARENT) (<linux/nsfs.h>) for an fd on its parent
	 * until it fails with EPERM: the parent is then above the
	 * caller's own namespace, or there is none. Count the steps;
	 * close every fd on the way.
	 *
	 * stub: return exercise_todo("4.8", pid);
	 */
	char path[64];
	int fd, parent, depth = 0;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((parent = ioctl(fd, NS_GET_PARENT)) >= 0) {
		close(fd);
		fd = parent;
		depth++;
	}
	parent = errno;
	close(fd);
	return parent == EPERM ? depth : -parent;
	/* END EXERCISE 4.8 */
}
