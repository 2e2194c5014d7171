/* run.c - a RUN step: a container on a fresh layer. See build.h.
 *
 * Chapters 03, 06 and 07 meet here: chapter 03's container_run() makes
 * the child in new namespaces, chapter 07's overlay gives it the image's
 * layers with an empty writable layer on top, and chapter 06 makes that
 * overlay its root.
 */
#include "build.h"

#include "container.h"
#include "exercise.h"
#include "file.h"
#include "ovl.h"
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* What the container's child needs, worked out in the parent. */
struct run_child {
	const struct store *store;
	const struct build_base *base;
	char merged[PATH_MAX];      /* overlay2/CACHE/merged, absolute */
	char overlay_dir[PATH_MAX]; /* overlay2/, absolute */
	char options[OVL_OPTIONS_MAX];
};

/* EXERCISE 8.7: your own helper functions can go here. */

int build_run(const struct store *store, const struct build_base *base,
              const char *cache_id, char *const argv[], int *ret_status)
{
	/* EXERCISE 8.7: RUN: a container on a fresh layer (15 points)
	 *
	 * Work out, in the parent, what the child needs (struct
	 * run_child): the absolute path of overlay2/CACHE_ID/merged
	 * (store_layer_path(); create the directory) and the overlay's
	 * options (store_layer_options(): relative to overlay2/). Then run
	 * ARGV with container_run() (chapter 03) in new mount, PID, UTS, IPC
	 * and network namespaces, host name "boxlab-build", with a
	 * setup_child hook that, in the child: chdir(2)s to the store's
	 * overlay2/ by its path (so the relative names resolve; not
	 * fchdir(store->overlay_fd), an fd of the parent's mount
	 * namespace, whose mounts overlayfs refuses), mounts the
	 * overlay (ovl_mount()), calls rootfs_enter() on merged (chapter 06),
	 * makes and enters BASE's working directory, drops to BASE's gid and
	 * uid (setgroups(0, NULL) first), and sets environ to BASE's env
	 * (exec then finds argv[0] in the image's PATH). Return 0 if the
	 * command exited with 0; else -ECANCELED and its wait status in
	 * *RET_STATUS; container_run()'s own errors as they are.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("8.7", store, base, cache_id, argv, ret_status);
}
