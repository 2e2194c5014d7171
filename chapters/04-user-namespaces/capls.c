/* capls - a process's capability sets, and whose they are.
 *
 *	capls [PID...]
 *
 * A capability means something only together with the user namespace it
 * is held in: "all" inside a rootless container is all over what that
 * container's namespace owns, and nothing over the host. So capls prints,
 * for each process (default: itself), its user namespace (how many levels
 * below capls's own, and which user created it) and its five sets, read
 * through libcap.
 */
#include "caps.h"
#include "cmd.h"
#include "die.h"
#include "ns.h"
#include "parse.h"
#include "proc.h"
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The user that created PID's user namespace, as capls sees it
 * (NS_GET_OWNER_UID, ioctl_ns(2)); -1 if it cannot tell. */
static long owner_of(pid_t pid)
{
	char path[64];
	uid_t owner;
	int fd, ret;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = ioctl(fd, NS_GET_OWNER_UID, &owner);
	close(fd);
	return ret < 0 ? -1 : (long)owner;
}

/* "user namespace 4026531837 (mine, created by uid 0)". */
static void print_namespace(int proc_fd, pid_t pid)
{
	struct ns_id id, mine;
	int depth = userns_depth(pid);
	long owner = owner_of(pid);

	if (ns_identity(proc_fd, pid, "user", &id) < 0 ||
	    ns_identity(proc_fd, getpid(), "user", &mine) < 0) {
		printf("  user namespace unknown\n");
		return;
	}
	printf("  user namespace %lu (", (unsigned long)id.ino);
	if (id.ino == mine.ino && id.dev == mine.dev)
		printf("mine");
	else if (depth > 0)
		printf("%d below mine", depth);
	else
		printf("not below mine");
	if (owner >= 0)
		printf(", created by uid %ld", owner);
	printf(")\n");
}

/* One line per set, then libcap's own text. */
static bool list_process(int proc_fd, pid_t pid)
{
	const char *names[] = { "permitted", "effective", "inheritable",
		                "bounding", "ambient" };
	struct caps_sets sets;
	struct proc_stat stat;
	char text[2048];
	uint64_t values[5];
	int ret, i;

	ret = proc_read_stat(proc_fd, pid, &stat);
	if (ret == 0)
		ret = caps_read(pid, &sets);
	if (ret < 0) {
		warn_errno(ret, "PID %d", (int)pid);
		return false;
	}
	printf("PID %d (%s)\n", (int)pid, stat.comm);
	print_namespace(proc_fd, pid);
	values[0] = sets.permitted;
	values[1] = sets.effective;
	values[2] = sets.inheritable;
	values[3] = sets.bounding;
	values[4] = sets.ambient;
	for (i = 0; i < 5; i++) {
		ret = caps_describe(values[i], text, sizeof(text));
		printf("  %-12s %s\n", names[i], ret < 0 ? "?" : text);
	}
	ret = caps_text(pid, text, sizeof(text));
	printf("  %-12s %s\n", "libcap text", ret < 0 ? "?" : text);
	return true;
}

int main(int argc, char **argv)
{
	return cmd_each_pid(
	        argc, argv,
	        "usage: capls [PID...]\n"
	        "Show the capability sets of each PID (default: capls "
	        "itself)\nand the user namespace they count in.\n",
	        list_process);
}
