/* cgpath.h - a container's cgroup, at the path its config names.
 *
 * Chapter 05's cg_create() makes a group by name, always below boxlab/.
 * A runtime is told where instead: linux.cgroupsPath, which podman sets
 * to "/libpod_parent/libpod-ID" and the conformance suite to
 * "/testdir/...". The spec says an absolute path is taken relative to
 * each hierarchy's mount point; a relative one is left to the runtime,
 * and boxrun reads it the same way ("a/b" is "/a/b"). The caller chose
 * that name and owns it; with no cgroupsPath, boxrun uses
 * "/boxlab/boxrun-ID", under the lab's prefix.
 *
 * The group is described as chapter 05's struct cg (a directory per
 * controller), so chapter 05's cg_attach(), cg_set_memory(),
 * cg_set_pids(), cg_freeze() and cg_kill_all() work on it unchanged.
 * Two v1 controllers chapter 05 leaves out, cpuset and blkio, are
 * handled here, only when the config asks for them.
 */
#ifndef BOXLAB_CGPATH_H
#define BOXLAB_CGPATH_H

#include "cg.h"
#include "spec.h"

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/* The group for container ID: CGROUPS_PATH ("/" prepended when it is
 * relative), or "/boxlab/boxrun-ID" when it is NULL, into BUF. Returns 0,
 * or -EINVAL (with ERR set) for a path with a ".." or "." component, an
 * empty one, or "/" itself. */
int cgpath_resolve(const char *cgroups_path, const char *id, char *buf,
                   size_t size, struct spec_error *err);

/* Make PATH in every hierarchy that has one of chapter 05's controllers
 * (and cpuset, blkio if SPEC's resources name them), with its missing
 * parents; in cgroup2 each parent hands its controllers down
 * (cgroup.subtree_control). Then SPEC's linux.resources go into it, and
 * CHILD joins it. On failure nothing made is left, and ERR says what
 * failed ("linux.resources.cpu.shares: write /sys/fs/cgroup/cpu/x/
 * cpu.shares: Invalid argument"). Returns 0 or -errno. */
int cgpath_create(const char *path, const struct spec *spec, pid_t child,
                  struct spec_error *err);

/* Find PATH's directories that exist, as a struct cg. Returns 0, or
 * -ENOENT if no hierarchy has it. */
int cgpath_open(const char *path, struct cg *ret);

/* Send SIG to every process in PATH (the cgroup.procs of each of its
 * directories, each PID through a pidfd). Returns 0, -ENOENT, or -errno. */
int cgpath_signal_all(const char *path, int sig);

/* Remove PATH: kill what is still in it (chapter 05's cg_kill_all(),
 * or SIGKILL to each listed process), remove its directories, and, for
 * the lab's own "/boxlab/..." groups, boxlab/ when it is left empty.
 * The caller's parents of a cgroupsPath stay: they are the caller's.
 * Returns 0 (also when there is nothing to remove) or -errno. */
int cgpath_remove(const char *path);

#endif
