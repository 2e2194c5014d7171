/* nsls - the namespaces of processes, and which differ from mine.
 *
 *	nsls [PID...]
 *
 * Each process is in exactly one namespace of each type; /proc/PID/ns/
 * has a link per type, and the namespace's identity is the inode those
 * links lead to. Two processes share a namespace when the identities are
 * equal; nsls marks the ones that differ from its own.
 */
#include "cmd.h"
#include "die.h"
#include "ns.h"
#include "parse.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Print one line for namespace TYPE of PID. Returns 0, 1 if this kernel
 * has no such type, or -errno (reported). */
static int list_type(int proc_fd, pid_t pid, const struct ns_type *type)
{
	struct ns_id id, mine;
	int ret;

	ret = ns_identity(proc_fd, getpid(), type->name, &mine);
	if (ret == -ENOENT)
		return 1; /* a type this kernel does not have */
	if (ret < 0)
		die_errno(ret, "self/ns/%s", type->name);
	ret = ns_identity(proc_fd, pid, type->name, &id);
	if (ret == -ENOENT) {
		/* We have the type, it has not: PID has exited. A zombie
		 * keeps its /proc/PID directory, but its namespaces were
		 * dropped when it died; the links lead nowhere. */
		warn("PID %d: has exited; a zombie has no namespaces",
		     (int)pid);
		return ret;
	}
	if (ret < 0) {
		/* -ESRCH: it vanished since we read its name. -EACCES:
		 * /proc/PID/ns needs the right to ptrace PID. */
		warn_errno(ret, "PID %d: /proc/%d/ns/%s", (int)pid, (int)pid,
		           type->name);
		return ret;
	}
	printf("  %-7s %lu%s\n", type->name, (unsigned long)id.ino,
	       id.ino != mine.ino || id.dev != mine.dev
	               ? "  (differs from mine)"
	               : "");
	return 0;
}

/* List PID's namespaces; returns false if PID does not exist (any more). */
static bool list_process(int proc_fd, pid_t pid)
{
	const struct ns_type *type;
	struct proc_stat stat;
	int ret;

	ret = proc_read_stat(proc_fd, pid, &stat);
	if (ret < 0) {
		warn_errno(ret, "PID %d", (int)pid);
		return false;
	}
	printf("PID %d (%s)\n", (int)pid, stat.comm);
	for (type = ns_types; type->name; type++)
		if (list_type(proc_fd, pid, type) < 0)
			return false;
	return true;
}

int main(int argc, char **argv)
{
	return cmd_each_pid(argc, argv,
	                    "usage: nsls [PID...]\n"
	                    "Show the namespaces of each PID (default: nsls "
	                    "itself).\n",
	                    list_process);
}
