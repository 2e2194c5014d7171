/* container.c - clone, hold, set up, release, wait. See container.h.
 *
 * The exercises of ns.c do the work; this file only puts them in the
 * order of a container's birth, and keeps the two processes apart: the
 * child runs child_main() from the moment clone returns, and never
 * comes back into the parent's code (its error paths, its cleanup).
 */
#include "container.h"

#include "cmd.h"
#include "die.h"
#include "ns.h"

#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The status a child ends with when it could not become the command: a
 * shell's "found but could not run". */
#define CHILD_FAILED 126

/* In the child, on a failure: nobody is left to return an error to (the
 * parent waits in waitpid), so the child reports it itself, one line in
 * the program's name, and ends without running the parent's atexit
 * handlers or flushing the stdio buffers it inherited. */
static noreturn void child_fail(int err, const char *what)
{
	warn_errno(err, "%s", what);
	_exit(CHILD_FAILED);
}

static void narrate(const struct container_spec *spec, const char *what)
{
	if (spec->verbose)
		fprintf(stderr, "%s: [child] %s\n",
		        program_invocation_short_name, what);
}

/* The child's setup from inside, once released. */
static void setup_inside(const struct container_spec *spec)
{
	char line[128];
	int ret;

	snprintf(line, sizeof(line), "released by the parent, I am PID %d here",
	         (int)getpid());
	narrate(spec, line);
	if (spec->hostname) {
		ret = ns_set_hostname(spec->hostname);
		snprintf(line, sizeof(line), "set host name %s",
		         spec->hostname);
		if (ret < 0)
			child_fail(ret, line);
		snprintf(line, sizeof(line), "host name set to %s",
		         spec->hostname);
		narrate(spec, line);
	}
	if (spec->flags & CLONE_NEWNS) {
		ret = ns_remount_proc();
		if (ret < 0)
			child_fail(ret, "make mounts private and mount /proc");
		narrate(spec, "mounts made private, a fresh /proc mounted");
	}
	if (spec->setup_child) {
		const char *what = "set up the container";

		ret = spec->setup_child(spec->data, &what);
		if (ret < 0)
			child_fail(ret, what);
	}
}

/* The child, from clone on. PARENT is the parent's PID as the child sees
 * it (0 from inside a new PID namespace: the parent is outside it). Does
 * not return. */
static noreturn void child_main(const struct container_spec *spec,
                                struct ns_handshake *handshake, pid_t parent)
{
	int ret;

	/* First of all: if the parent dies from now on, so does the child;
	 * nothing may outlive the program that started it, unless it is
	 * meant to (an OCI runtime's create). */
	if (!spec->detach && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		child_fail(errno, "prctl PR_SET_PDEATHSIG");
	/* The parent may have died before that: then we were handed to
	 * another parent, and no signal will come. (Inside a new PID
	 * namespace getppid() is 0 either way; there the handshake's end
	 * of file tells the same.) */
	if (getppid() != parent)
		_exit(CHILD_FAILED);
	ret = ns_handshake_wait(handshake);
	if (ret == -EPIPE)
		_exit(CHILD_FAILED); /* the parent gave up; it reports */
	if (ret < 0)
		child_fail(ret, "wait for the parent");
	setup_inside(spec);
	if (spec->verbose)
		fprintf(stderr, "%s: [child] exec %s\n",
		        program_invocation_short_name, spec->command[0]);
	cmd_exec(spec->command);
}

/* Wait for CHILD; returns its wait status or -errno. */
static int wait_for(pid_t child)
{
	int status;

	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return status;
}

/* Will a child of ours be in another PID namespace than we are: a new
 * one, or one we joined with setns(2) (which moves our children only)?
 * Then it sees its parent as PID 0. */
static bool children_elsewhere(const struct container_spec *spec)
{
	struct stat ours, theirs;

	if (spec->flags & CLONE_NEWPID)
		return true;
	return stat("/proc/self/ns/pid", &ours) == 0 &&
	       stat("/proc/self/ns/pid_for_children", &theirs) == 0 &&
	       ours.st_ino != theirs.st_ino;
}

pid_t container_spawn(const struct container_spec *spec)
{
	pid_t parent = children_elsewhere(spec) ? 0 : getpid();
	struct ns_handshake handshake;
	pid_t child;
	int ret = 0;

	/* The child gets a copy of our stdio buffers: empty them first, or
	 * what is waiting in them would be written twice. */
	if (fflush(NULL) == EOF)
		return -errno;
	/* 1. Create the child in its new namespaces; it waits for us. */
	ret = ns_handshake_open(&handshake);
	if (ret < 0)
		return ret;
	child = ns_clone(spec->flags, &handshake);
	if (child == 0)
		child_main(spec, &handshake, parent);
	if (child < 0) {
		ret = child;
		goto out_close;
	}
	/* 2-3. Set it up from outside; 4. let it go. */
	if (spec->setup_parent)
		ret = spec->setup_parent(child, spec->data);
	if (ret == 0)
		ret = ns_handshake_release(&handshake);
	/* A failure leaves no child behind: kill it (it cannot fail, the
	 * child is ours and not yet reaped), then reap it. */
	if (ret < 0) {
		kill(child, SIGKILL);
		wait_for(child);
	}
out_close:
	ns_handshake_close(&handshake);
	return ret < 0 ? ret : child;
}

int container_run(const struct container_spec *spec)
{
	pid_t child = container_spawn(spec);

	return child < 0 ? (int)child : wait_for(child);
}
