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
	/* EXERCISE 10.5: Mask paths (15 points)
	 *
	 * For each path: stat(2) it (ENOENT: skip it); over a directory
	 * mount a new tmpfs, read-only (MS_RDONLY), so it looks empty and
	 * stays so; over anything else bind-mount /dev/null (MS_BIND), so
	 * it reads as empty. This is runc's maskPath().
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("10.5", paths);
}

/* EXERCISE 10.6: your own helper functions can go here. */

int sec_make_readonly(const char *const *paths)
{
	/* EXERCISE 10.6: Make paths read-only (10 points)
	 *
	 * For each path: bind it onto itself (MS_BIND | MS_REC; ENOENT:
	 * skip it), which gives it a mount of its own; then remount that
	 * mount MS_REMOUNT | MS_BIND | MS_RDONLY, plus the flags it has
	 * already (mount_flags_of(), a helper of yours, from statvfs(3)):
	 * a remount sets all of its flags at once. This is runc's
	 * readonlyPath().
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("10.6", paths);
}
