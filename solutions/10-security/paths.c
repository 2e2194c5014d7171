/* paths.c - masked and read-only paths. See sec.h.
 *
 * /proc and /sys were written for the host: some of their files show the
 * host's memory (/proc/kcore), keys (/proc/keys) or firmware; some change
 * the host's kernel when written (/proc/sys, /proc/sysrq-trigger). A
 * container gets its own /proc, but these files are the host's. Runtimes
 * cover the first kind and make the second read-only.
 */
#include "sec.h"

#include "exercise.h"

#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

/* runc's and Docker's defaults (moby's oci/defaults.go). */
const char *const sec_masked_paths[] = {
	"/proc/asound",
	"/proc/acpi",
	"/proc/kcore",
	"/proc/keys",
	"/proc/latency_stats",
	"/proc/timer_list",
	"/proc/timer_stats",
	"/proc/sched_debug",
	"/proc/scsi",
	"/sys/firmware",
	"/sys/devices/virtual/powercap",
	NULL,
};

const char *const sec_readonly_paths[] = {
	"/proc/bus",           "/proc/fs", "/proc/irq", "/proc/sys",
	"/proc/sysrq-trigger", NULL,
};

int sec_mask_paths(const char *const *paths)
{
	/* BEGIN EXERCISE 10.5: Mask paths (15 points)
	 *
	 * For each path: stat(2) it (ENOENT: skip it); over a directory
	 * mount a new tmpfs, read-only (MS_RDONLY), so it looks empty and
	 * stays so; over anything else bind-mount /dev/null (MS_BIND), so
	 * it reads as empty. This is runc's maskPath().
	 *
	 * stub: return exercise_todo("10.5", paths);
	 */
	struct stat st;
	int ret;

	for (; *paths; paths++) {
		if (stat(*paths, &st) < 0) {
			if (errno == ENOENT)
				continue;
			return -errno;
		}
		if (S_ISDIR(st.st_mode))
			ret = mount("tmpfs", *paths, "tmpfs", MS_RDONLY,
			            "size=0,mode=0555");
		else
			ret = mount("/dev/null", *paths, NULL, MS_BIND, NULL);
		if (ret < 0)
			return -errno;
	}
	return 0;
	/* END EXERCISE 10.5 */
}

/* BEGIN EXERCISE 10.6 (helpers) */
/* The mount flags that statvfs(3) reports for PATH, as mount(2) flags:
 * a remount must repeat them, or ask to drop them (EPERM where locked). */
static int mount_flags_of(const char *path, unsigned long *ret_flags)
{
	static const struct {
		unsigned long st, ms;
	} map[] = {
		{ ST_NOSUID, MS_NOSUID },         { ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC },         { ST_NOATIME, MS_NOATIME },
		{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	struct statvfs sv;
	size_t i;

	if (statvfs(path, &sv) < 0)
		return -errno;
	*ret_flags = 0;
	for (i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (sv.f_flag & map[i].st)
			*ret_flags |= map[i].ms;
	return 0;
}
/* END EXERCISE 10.6 */

int sec_make_readonly(const char *const *paths)
{
	/* BEGIN EXERCISE 10.6: Make paths read-only (10 points)
	 *
	 * For each path: bind it onto itself (MS_BIND | MS_REC; ENOENT:
	 * skip it), which gives it a mount of its own; then remount that
	 * mount MS_REMOUNT | MS_BIND | MS_RDONLY, plus the flags it has
	 * already (mount_flags_of(), a helper of yours, from statvfs(3)):
	 * a remount sets all of its flags at once. This is runc's
	 * readonlyPath().
	 *
	 * stub: return exercise_todo("10.6", paths);
	 */
	unsigned long flags = 0;
	int ret;

	for (; *paths; paths++) {
		ret = mount(*paths, *paths, NULL, MS_BIND | MS_REC, NULL);
		if (ret < 0 && errno == ENOENT)
			continue;
		if (ret < 0)
			return -errno;
		ret = mount_flags_of(*paths, &flags);
		if (ret < 0)
			return ret;
		ret = mount(NULL, *paths, NULL,
		            MS_REMOUNT | MS_BIND | MS_RDONLY | flags, NULL);
		if (ret < 0)
			return -errno;
	}
	return 0;
	/* END EXERCISE 10.6 */
}
