/* container.h - a container's birth, in one function.
 *
 * The overview names the steps: (1) the parent creates the child with
 * clone and namespace flags; (2, 3) it sets up from outside what the child
 * cannot do for itself (a cgroup, chapter 05; a network, chapter 09);
 * (4) it lets the child go, which finishes its own setup (host name,
 * private mounts, /proc; later a new root, chapter 06, and fewer
 * privileges, chapter 10) and becomes the command. isolate and cgbox both
 * run this one flow; the later chapters add their steps through the
 * hooks of struct container_spec.
 */
#ifndef BOXLAB_CONTAINER_H
#define BOXLAB_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct container_spec {
	uint64_t flags;       /* CLONE_NEW* of the child's new namespaces */
	char *const *command; /* what the child becomes (execvp(3)) */
	const char *hostname; /* with CLONE_NEWUTS: its host name, or NULL */
	bool verbose;         /* narrate the child's steps on stderr */
	bool detach;          /* the child may outlive the caller (see
	                       * container_spawn()) */
	void *data;           /* passed to the hooks as it is */

	/* In the parent, after clone and before release: place the child
	 * (its PID as the parent sees it) from outside. Returns 0 or
	 * -errno; on an error the child is killed and reaped, and
	 * container_run() returns that error. NULL: nothing to do. */
	int (*setup_parent)(pid_t child, void *data);

	/* In the child, after its own setup (host name, /proc), just before
	 * it becomes the command (chapter 06 changes its root here). Returns
	 * 0 or -errno; on an error it may point *WHAT at what failed ("pivot
	 * to /srv/rootfs"; by default "set up the container"), and the child
	 * reports both and ends (see container_run). NULL: nothing. */
	int (*setup_child)(void *data, const char **what);
};

/* Run SPEC->command in a new child process in SPEC->flags namespaces,
 * held until SPEC->setup_parent has placed it, and wait for it to end.
 *
 * The child never returns into the caller's code: from its first
 * instruction it runs container_run's own path, which ends in exec or in
 * _exit(). It asks for SIGKILL when its parent dies, first of all, so
 * nothing outlives the caller. A failure in the child is reported by the
 * child, one line on stderr in the program's name ("isolate: set host
 * name x: Invalid argument"), and it then _exits with 126, as a shell
 * does for a command it could not run (127: command not found). A child
 * whose parent gave up before releasing it ends silently: the parent
 * reports its own error.
 *
 * In the parent: returns the child's wait status (waitpid(2); decode it
 * with WIFEXITED() and friends, or init_exit_code()), or -errno if the
 * child could not be created, set up or released, in which case no child
 * is left behind. */
int container_run(const struct container_spec *spec);

/* Like container_run(), without the wait: returns the child's PID once
 * it is released (the caller waits for it, or, with SPEC->detach, may
 * exit and leave it running, as `boxrun create` does: its parent becomes
 * the nearest subreaper or init), or -errno, with no child left. */
pid_t container_spawn(const struct container_spec *spec);

#endif
