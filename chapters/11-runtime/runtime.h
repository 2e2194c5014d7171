/* runtime.h - the lifecycle of an OCI container: create, start, kill,
 * delete. See the runtime spec, runtime.md ("Lifecycle", "Operations").
 *
 * `create` does the overview's steps (1)-(3): the child is made in its
 * namespaces, put in its cgroup, given its root and mounts; then, instead
 * of running the user's program, it blocks opening the container's
 * exec.fifo for writing. `create` records the state and exits: the
 * container is "created", and whoever called the runtime (podman,
 * containerd) can set up its network now. `start` opens the fifo for
 * reading, which lets the child go on: it execs the program (step 4),
 * and the container is "running".
 */
#ifndef BOXLAB_RUNTIME_H
#define BOXLAB_RUNTIME_H

#include "spec.h"
#include "state.h"

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct runtime {
	char root[PATH_MAX]; /* --root, absolute */
	int root_fd;         /* O_PATH on it */
};

/* Open (and make, mode 0700, the first time) the runtime root ROOT.
 * Returns 0 or -errno. */
int runtime_open(const char *root, struct runtime *ret);
void runtime_close(struct runtime *rt);

/* What to create. */
struct runtime_create {
	const char *id;
	const char *bundle; /* absolute */
	const struct spec *spec;
	bool foreground; /* `run`: the caller waits for the child */
	int console_fd;  /* with process.terminal: a unix socket connected
	                  * to --console-socket, or -1 */
};

/* Create container C->id from C->spec: its state directory (-EEXIST if
 * the ID is taken) with a state.json "creating" (no process yet: if
 * create is killed from then on, delete --force cleans up), exec.fifo,
 * the child (new namespaces as the spec says; hostname, mounts, root;
 * then waiting on the fifo), state.json "created". On failure nothing of
 * it is left, and ERR says what
 * failed ("mounts[2]: mount /dev/pts: No such device"). Returns 0 with
 * RET filled in, or -errno. */
int runtime_create(const struct runtime *rt, const struct runtime_create *c,
                   struct container_state *ret, struct spec_error *err);

/* Give the process a terminal, the way runc does for --console-socket:
 * open a new pseudo-terminal in the container's own devpts (/dev/ptmx,
 * chapter 06), make its other end (the slave) this process's controlling
 * terminal and its stdin, stdout and stderr, and send the master, the
 * end whoever asked (podman's conmon) reads and writes, over the
 * connected unix socket SOCKET_FD as SCM_RIGHTS ancillary data, with the
 * slave's name as the message. Returns 0 or -errno. See pty(7),
 * unix(7), cmsg(3). */
int runtime_send_console(int socket_fd);

/* The other end: the terminal's master, received from the connected
 * unix socket SOCKET_FD (close-on-exec), or -errno (-EPROTO: a message
 * without a file descriptor). What conmon, or boxd's monitor, does with
 * a --console-socket. */
int runtime_receive_console(int socket_fd);

/* Start created container ID: open its exec.fifo for reading, without
 * blocking (O_NONBLOCK: a container that died while created must not
 * hang us), wait (poll(2), in slices, checking the process is still
 * there) for the one byte the container writes once it has the fifo
 * open, then remove the fifo: the container execs its program. Returns
 * 0, -ENOENT (no such container), -EINVAL if it is running or paused,
 * -ESRCH if its process is gone (it died while created, or it ran and
 * ended), or -errno. */
int runtime_start(const struct runtime *rt, const char *id);

/* Send SIG to container ID's process (a pidfd, so a reused PID is never
 * signalled), or with ALL to every process in its cgroup (`kill --all`).
 * Returns 0, -ENOENT, -ESRCH if it is stopped, or -errno. */
int runtime_kill(const struct runtime *rt, const char *id, int sig, bool all);

/* Delete container ID: a stopped (or, with FORCE, any: SIGKILL first,
 * and wait until it has exited) container's cgroup and state directory
 * go; with FORCE also a damaged state. Returns 0, -ENOENT, -EBUSY if it
 * is running or created and not FORCE, -EINVAL for a damaged state
 * without FORCE, or -errno. */
int runtime_delete(const struct runtime *rt, const char *id, bool force);

/* What `boxrun exec` runs in a container. */
struct runtime_exec {
	char *const *argv;       /* argv[0] looked up in the container's PATH */
	char *const *env;        /* the environment, or NULL: the config's */
	const char *cwd;         /* or NULL: "/" */
	bool detach;             /* -d: do not wait for it */
	bool terminal;           /* -t: a terminal, sent to CONSOLE_FD */
	int console_fd;          /* with TERMINAL: the --console-socket */
	const struct spec *spec; /* the process to become (its user,
	                          * capabilities, seccomp...), or NULL */
	pid_t pid;               /* set by runtime_exec(): the new process */
};

/* Run E in running container ID, the way `docker exec` does: enter the
 * container's cgroup, then its namespaces (each type in which its
 * process is elsewhere than we are; chapter 03's ns_join(), which makes
 * the container's root our root), fork (a PID namespace applies to the
 * children only), and in the child change to the directory, take the
 * environment and exec. Unless E->detach, wait for it. Returns the wait
 * status (or, detached, 0), -ENOENT, -EINVAL if the container is not
 * running, or -errno. The calling process stays in the container's
 * namespaces: it should exit. */
int runtime_exec(const struct runtime *rt, const char *id,
                 struct runtime_exec *e);

/* In the container, last before exec: become SPEC's process, in a
 * runtime's order: oomScoreAdj, rlimits, directory; the seccomp filter
 * (before no_new_privs if that is not set); the user, keeping the
 * capabilities through setuid(2); the capabilities (chapter 10);
 * no_new_privs; the filter (with no_new_privs); the environment.
 * Returns 0, or -errno with *WHAT naming the step. */
int runtime_become_process(const struct spec *spec, const char **what);

/* The status of STATE now (state_refresh(), with "paused" when the
 * container's cgroup is frozen). */
void runtime_refresh(const struct runtime *rt, struct container_state *state);

/* Freeze (FROZEN) or thaw container ID's cgroup: pause and resume.
 * Returns 0, -ENOENT, -EINVAL if it is not running (pause) or paused
 * (resume), -EOPNOTSUPP without a freezer, or -errno. */
int runtime_pause(const struct runtime *rt, const char *id, bool frozen);

/* The PIDs of container ID's processes (its cgroup.procs), in *RET
 * (free it) and *RET_COUNT. Returns 0, -ENOENT, or -errno. */
int runtime_pids(const struct runtime *rt, const char *id, pid_t **ret,
                 size_t *ret_count);

/* Run the hooks HOOKS[0..N) in order, each with the container's STATE
 * (the OCI state document, status STATUS) on its standard input: fork,
 * execve(2) hook->path with hook->args (or just the path) and hook->env
 * (or none), write the state to a pipe on its stdin, wait for it, at
 * most hook->timeout seconds (0: no limit; a hook still running then is
 * killed). The first hook that fails stops the others. Returns 0; -EIO
 * if a hook exited with a status other than 0 or was killed by a
 * signal; -ETIMEDOUT; or -errno; ERR then names it ("hooks.prestart[1]
 * (/usr/bin/x): exited with 3"). See the runtime spec, config.md
 * ("POSIX-platform Hooks"). KIND names the list for the messages. */
int runtime_run_hooks(const struct spec_hook *hooks, size_t n, const char *kind,
                      const struct container_state *state, const char *status,
                      struct spec_error *err);

#endif
