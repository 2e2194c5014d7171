/* state.h - what a runtime remembers of a container between commands.
 *
 * `boxrun create` starts a container and exits; `start`, `state`, `kill`
 * and `delete` are later, separate processes. What they share is a
 * directory per container under the runtime's root (--root, default
 * /run/boxlab/boxrun, a tmpfs: state does not outlive a reboot, and
 * neither do the containers):
 *
 *	ROOT/ID/state.json	the OCI state: id, status, pid, bundle
 *	ROOT/ID/exec.fifo	while created: the process waits on it
 *
 * The directory is made with mkdir(2), which fails if it exists: of two
 * `create` with one ID, exactly one gets it. state.json is replaced whole
 * (written to a temporary file, renamed), so a reader never sees half of
 * it, and a `kill -9` of boxrun at any moment leaves either no state or
 * a whole one. See the runtime spec, runtime.md ("State").
 */
#ifndef BOXLAB_STATE_H
#define BOXLAB_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define STATE_DEFAULT_ROOT "/run/boxlab/boxrun"

/* The lifecycle, as the spec names it. */
enum state_status {
	STATE_CREATING,
	STATE_CREATED,
	STATE_RUNNING,
	STATE_STOPPED,
	STATE_PAUSED,
};
extern const char *const state_status_names[]; /* "creating", ... */

struct container_state {
	char id[256];
	pid_t pid;         /* the container's process, as the host sees it */
	char bundle[4096]; /* absolute */
	char created[32];  /* RFC 3339 */
	unsigned long long start_time; /* of PID, /proc/PID/stat field 22 */
	char cgroup[4096]; /* its cgroup below each hierarchy's root:
	                    * linux.cgroupsPath, or "/boxlab/boxrun-ID" */
	enum state_status status;
};

/* Is ID a usable container ID: 1 to 255 characters of letters, digits,
 * '_', '.', '-', '+', not starting with '.' ("..", "a/b" and "" are not)?
 * Returns 0 or -EINVAL. */
int state_check_id(const char *id);

/* Write STATE as ROOT_FD/ID/state.json in the OCI state format
 * ({"ociVersion", "id", "status", "pid", "bundle"}, plus the lab's own
 * "created", "startTime" and "cgroupsPath"), whole or not at all: a temporary file in
 * the same directory, fsync(2)ed, renamed over state.json. Returns 0 or
 * -errno. */
int state_save(int root_fd, const struct container_state *state);

/* Read ROOT_FD/ID/state.json into RET. Returns 0, -ENOENT (no such
 * container), -EINVAL for a file that is not a state (damaged), or
 * -errno. The status read is the one last saved: see state_refresh(). */
int state_load(int root_fd, const char *id, struct container_state *ret);

/* Is PID still the process started at START_TIME (0: any), and not a
 * zombie? */
bool state_process_alive(pid_t pid, unsigned long long start_time);

/* The start time of process PID (/proc/PID/stat field 22), 0 if gone. */
unsigned long long state_start_time(pid_t pid);

/* The status now, as runc works it out: stopped if the process is gone
 * (a zombie, or another process that reused the PID: its start time
 * differs),
 * created while ROOT_FD/ID/exec.fifo exists, paused if its cgroup is
 * frozen (IS_FROZEN: 1), else running. Updates STATE->status. */
void state_refresh(int root_fd, struct container_state *state, bool frozen);

#endif
