/* userns.h - user namespaces: root inside, nobody outside.
 *
 * A user namespace gives its processes their own user and group IDs. The
 * kernel keeps one table per namespace, the UID map (and one for GIDs),
 * that translates an ID inside to an ID in the parent namespace: "0 1000
 * 1" means "uid 0 in here is uid 1000 out there, for 1 ID". A process can
 * be root (uid 0, every capability) inside and remain user 1000, with no
 * power at all, to the rest of the machine. Every other namespace is
 * owned by a user namespace, and a capability counts only over what its
 * user namespace owns. See user_namespaces(7).
 */
#ifndef BOXLAB_USERNS_H
#define BOXLAB_USERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The kernel accepts at most 340 lines in one uid_map or gid_map. */
#define USERNS_MAP_MAX 340

/* What an ID that has no mapping looks like from inside
 * (/proc/sys/kernel/overflowuid): `ls -ln` shows 65534, "nobody". */
#define USERNS_OVERFLOW_ID 65534

/* How deep user namespaces nest below the initial one. user_namespaces(7)
 * says 32; the kernel refuses a new one only when its parent is deeper
 * than 32 (create_user_ns()), so the 33rd level is the last, and the
 * 34th fails with ENOSPC (EUSERS before Linux 4.9). */
#define USERNS_MAX_DEPTH 33

/* One line of a map: COUNT IDs starting at INSIDE are the IDs starting
 * at OUTSIDE in the parent namespace. */
struct userns_extent {
	uint32_t inside;  /* first ID in the namespace */
	uint32_t outside; /* first ID in the parent namespace */
	uint32_t count;   /* how many; at least 1 */
};

/* A whole uid_map or gid_map, in the order its lines were added. */
struct userns_map {
	size_t count;                                 /* lines in use */
	struct userns_extent extents[USERNS_MAP_MAX]; /* the lines */
};

/* A user's range of subordinate IDs, from /etc/subuid or /etc/subgid. */
struct userns_subids {
	uint32_t start; /* first ID of the range */
	uint32_t count; /* how many */
};

/* Parse TEXT, "INSIDE:OUTSIDE:COUNT" in decimal ("0:1000:1"), as given
 * to rootless --map. COUNT must be at least 1 and neither range may reach
 * ID 4294967295 ((uid_t)-1 means "no ID" to the kernel). Returns 0 or
 * -EINVAL, leaving *RET_EXTENT alone on error. */
int userns_parse_extent(const char *text, struct userns_extent *ret_extent);

/* Append EXTENT to MAP, as the kernel would accept it: -EINVAL for a
 * COUNT of 0 or a range that reaches 4294967295, -EEXIST if its inside
 * or its outside range overlaps a line already there, -E2BIG if MAP
 * holds USERNS_MAP_MAX lines. Returns 0 or that error; MAP is unchanged
 * on error. */
int userns_map_add(struct userns_map *map, const struct userns_extent *extent);

/* Find USER's subordinate IDs in the file PATH (relative to DIRFD, e.g.
 * "etc/subuid" under a fixture, or AT_FDCWD and "/etc/subuid"). Lines
 * are "NAME:START:COUNT", where NAME may also be the numeric ID (ID);
 * blank lines, comments (#) and malformed lines are skipped, as
 * newuidmap(1) does. The first match wins. Returns 0, -ENOENT if no line
 * is USER's (or the file does not exist), or -errno. See subuid(5). */
int userns_find_subids(int dirfd, const char *path, const char *user, uid_t id,
                       struct userns_subids *ret_subids);

/* Read a map in the kernel's format ("         0       1000          1"
 * per line: /proc/PID/uid_map) from PATH relative to DIRFD into
 * RET_MAP. An empty file is an empty map (nothing written yet). Returns
 * 0, -EINVAL for a malformed line, or -errno. */
int userns_read_map(int dirfd, const char *path, struct userns_map *ret_map);

/* Which way userns_map_id() translates. */
enum userns_direction {
	USERNS_TO_OUTSIDE, /* map_id_down() in kernel/user_namespace.c */
	USERNS_TO_INSIDE,  /* map_id_up() */
};

/* Translate ID through MAP as the kernel does, in DIRECTION. Returns 0,
 * or -ENOENT if no line covers ID (the kernel then shows
 * USERNS_OVERFLOW_ID). */
int userns_map_id(const struct userns_map *map, enum userns_direction direction,
                  uint32_t id, uint32_t *ret_id);

/* Format MAP the way the kernel wants it written: one "INSIDE OUTSIDE
 * COUNT\n" per line, NUL-terminated, in BUF of SIZE bytes. Returns the
 * length, or -ENOSPC if it does not fit. */
int userns_format_map(const struct userns_map *map, char *buf, size_t size);

/* From the parent namespace: give process PID, which has just made a new
 * user namespace, its maps. UIDS and GIDS may each be NULL or empty
 * (then that map is left alone). Writes /proc/PID/uid_map, then "deny"
 * to /proc/PID/setgroups, then /proc/PID/gid_map, each map in a single
 * write(2): the kernel accepts one write per map, ever. Returns 0, -EPERM
 * if the kernel refuses (a second write, or a line an unprivileged writer
 * may not write), or -errno. */
int userns_write_maps(pid_t pid, const struct userns_map *uids,
                      const struct userns_map *gids);

/* The same through the setuid helpers newuidmap(1) and newgidmap(1)
 * (Debian package uidmap), which check each line against /etc/subuid and
 * /etc/subgid: how an ordinary user maps more than one ID. Returns 0,
 * -ENOENT if a helper is not installed, -EPERM if it refused, or
 * -errno. */
int userns_write_maps_with_helpers(pid_t pid, const struct userns_map *uids,
                                   const struct userns_map *gids);

/* In the child, once its maps are written: become root of the new
 * namespace, setresgid(0, 0, 0) then setresuid(0, 0, 0). The creator of
 * a user namespace holds every capability in it, CAP_SETUID too, so
 * this works for any mapped ID. Returns 0, -EINVAL if uid 0 or gid 0 is
 * not mapped, or -errno. */
int userns_become_root(void);

/* How many levels process PID's user namespace lies below the caller's
 * own: 0 for the same one, 1 for a child of it, ... Walks up with the
 * NS_GET_PARENT ioctl, which fails with EPERM when the parent is above
 * the caller's own namespace (or there is none). From the host that is
 * the depth below the initial namespace; inside a container, always 0
 * for the container itself. Returns the depth or -errno (-ESRCH if there
 * is no such process). See ioctl_ns(2). */
int userns_depth(pid_t pid);

#endif
