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

/* BEGIN EXERCISE 8.7 (helpers) */
/* In the child (a private mount namespace already): the overlay, the
 * root, then the image's directory, user and environment. */
static int enter_layer(void *data, const char **what)
{
	const struct run_child *child = data;
	const struct build_base *base = child->base;
	struct rootfs_spec spec = { .root = child->merged,
		                    .verbose = base->verbose };
	extern char **environ;
	int ret;

	*what = "mount the overlay";
	/* By its path, not fchdir(store->overlay_fd): that fd was opened
	 * in the parent's mount namespace, and a directory reached
	 * through it is on the parent's mounts, which overlayfs refuses
	 * to take layers from ("failed to clone upperpath" in dmesg). */
	if (chdir(child->overlay_dir) < 0)
		return -errno;
	ret = ovl_mount(child->options, child->merged);
	if (ret < 0)
		return ret;
	ret = rootfs_enter(&spec, what);
	if (ret < 0)
		return ret;
	*what = "change to the working directory";
	if (mkdir(base->workdir, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (chdir(base->workdir) < 0)
		return -errno;
	*what = "become the image's user";
	if (setgroups(0, NULL) < 0 || setgid(base->gid) < 0 ||
	    setuid(base->uid) < 0)
		return -errno;
	environ = (char **)base->env;
	return 0;
}
/* END EXERCISE 8.7 */

int build_run(const struct store *store, const struct build_base *base,
              const char *cache_id, char *const argv[], int *ret_status)
{
	/* BEGIN EXERCISE 8.7: RUN: a container on a fresh layer (15 points)
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
	 * stub: return exercise_todo("8.7", store, base, cache_id, argv, ret_status);
	 */
	struct run_child child = { .store = store, .base = base };
	struct container_spec spec = {
		.flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS |
		         CLONE_NEWIPC | CLONE_NEWNET,
		.command = argv,
		.hostname = "boxlab-build",
		.verbose = base->verbose,
		.data = &child,
		.setup_child = enter_layer,
	};
	int ret, status;

	ret = store_layer_path(store, cache_id, "merged", child.merged,
	                       sizeof(child.merged));
	if (ret == 0)
		ret = store_layer_path(store, "", "", child.overlay_dir,
		                       sizeof(child.overlay_dir));
	if (ret == 0 && mkdir(child.merged, 0755) < 0 && errno != EEXIST)
		ret = -errno;
	if (ret == 0)
		ret = store_layer_options(store, cache_id, child.options,
		                          sizeof(child.options));
	if (ret < 0)
		return ret;
	status = container_run(&spec);
	if (status < 0)
		return status;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*ret_status = status;
		return -ECANCELED;
	}
	return 0;
	/* END EXERCISE 8.7 */
}
