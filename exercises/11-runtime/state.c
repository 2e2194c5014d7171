/* state.c - a container's state.json, and its status now. See state.h. */
#include "state.h"

#include "exercise.h"
#include "file.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const state_status_names[] = {
	"creating", "created", "running", "stopped", "paused", NULL,
};

int state_check_id(const char *id)
{
	size_t len = strlen(id);

	if (len == 0 || len > 255 || id[0] == '.' || id[0] == '-' ||
	    strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	               "0123456789_.-+") != len)
		return -EINVAL;
	return 0;
}

int state_save(int root_fd, const struct container_state *state)
{
	/* EXERCISE 11.4: Save the state, whole or not at all (10 points)
	 *
	 * Build the document with jansson (json_pack(): "ociVersion"
	 * "1.0.2", "id", "status" (state_status_names[]), "pid", "bundle",
	 * "created", "startTime", "cgroupsPath": state->cgroup), dump it (json_dumps()), and write it to
	 * ID/state.json under ROOT_FD the way that never leaves half a file:
	 * a new temporary file in ID/ (its own name, O_EXCL), write all of
	 * it, fsync(2), rename(2) it over state.json (renameat()); on any
	 * failure remove the temporary file. (file_replace() in common/
	 * does exactly this: read it after you have written yours.)
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("11.4", root_fd, state);
}

/* Copy the JSON string at KEY of DOC into BUF; -EINVAL if none. */
static int get_string(json_t *doc, const char *key, char *buf, size_t size)
{
	const char *text = json_string_value(json_object_get(doc, key));

	if (!text || strlen(text) >= size)
		return -EINVAL;
	strcpy(buf, text);
	return 0;
}

int state_load(int root_fd, const char *id, struct container_state *ret)
{
	struct container_state state = { 0 };
	char path[512], status[32], *text;
	json_t *doc;
	int err, i;

	if (state_check_id(id) < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/state.json", id);
	err = file_read_all(root_fd, path, &text, NULL);
	if (err < 0)
		return err;
	doc = json_loads(text, 0, NULL);
	free(text);
	err = doc ? 0 : -EINVAL;
	if (err == 0)
		err = get_string(doc, "id", state.id, sizeof(state.id));
	if (err == 0)
		err = get_string(doc, "bundle", state.bundle,
		                 sizeof(state.bundle));
	if (err == 0)
		err = get_string(doc, "status", status, sizeof(status));
	if (err == 0)
		get_string(doc, "created", state.created,
		           sizeof(state.created));
	if (err == 0)
		get_string(doc, "cgroupsPath", state.cgroup,
		           sizeof(state.cgroup));
	state.pid = (pid_t)json_integer_value(json_object_get(doc, "pid"));
	state.start_time = (unsigned long long)json_integer_value(
	        json_object_get(doc, "startTime"));
	json_decref(doc);
	for (i = 0; err == 0 && state_status_names[i]; i++)
		if (!strcmp(status, state_status_names[i]))
			break;
	if (err == 0 && (!state_status_names[i] || strcmp(state.id, id)))
		err = -EINVAL;
	if (err < 0)
		return err;
	state.status = (enum state_status)i;
	*ret = state;
	return 0;
}

bool state_process_alive(pid_t pid, unsigned long long start_time)
{
	struct proc_stat stat;
	int proc_fd, ret;

	if (pid <= 0)
		return false;
	proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0)
		return kill(pid, 0) == 0;
	ret = proc_read_stat(proc_fd, pid, &stat);
	close(proc_fd);
	/* A zombie has ended: only its parent has not reaped it yet. */
	return ret == 0 && stat.state != 'Z' && stat.state != 'X' &&
	       (!start_time || stat.starttime == start_time);
}

unsigned long long state_start_time(pid_t pid)
{
	struct proc_stat stat;
	int proc_fd, ret;

	proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0)
		return 0;
	ret = proc_read_stat(proc_fd, pid, &stat);
	close(proc_fd);
	return ret < 0 ? 0 : stat.starttime;
}

void state_refresh(int root_fd, struct container_state *state, bool frozen)
{
	char path[512];

	if (!state_process_alive(state->pid, state->start_time)) {
		state->status = STATE_STOPPED;
		return;
	}
	snprintf(path, sizeof(path), "%s/exec.fifo", state->id);
	if (faccessat(root_fd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		state->status = STATE_CREATED;
	else
		state->status = frozen ? STATE_PAUSED : STATE_RUNNING;
}
