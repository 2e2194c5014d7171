/* nsjoin - run a command inside another process's namespaces.
 *
 *	nsjoin -t PID [--uts] [--ipc] [--net] [--pid] [--mount] [--cgroup]
 *	       [--time] [--all] [--pidfd] -- CMD [ARG...]
 *
 * What nsenter(1) does, and `docker exec`: setns(2) moves this process
 * into the target's namespaces, then it becomes the command. Joining a
 * PID namespace only affects children, so then the command runs in a
 * child. With --pidfd, one setns() call on a pidfd enters them all, or
 * none. Needs root.
 */
#include "cmd.h"
#include "die.h"
#include "init.h"
#include "ns.h"
#include "parse.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct options {
	pid_t target;   /* -t */
	uint64_t types; /* CLONE_NEW* to join */
	bool all;       /* --all: every type that differs from ours */
	bool pidfd;     /* --pidfd: all at once, through a pidfd */
	char **command; /* CMD and its arguments */
};

static noreturn void usage(int status)
{
	printf("usage: nsjoin -t PID [NAMESPACES | --all] [--pidfd] -- CMD "
	       "[ARG...]\n"
	       "Run CMD in the namespaces of process PID (needs root).\n"
	       "  --uts --ipc --net --pid --mount --cgroup --time\n"
	       "  --all    every namespace of PID that differs from ours\n"
	       "  --pidfd  join them all in one setns() call, or none\n");
	exit(status);
}

static struct options parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "uts", no_argument, NULL, 'u' },
		{ "ipc", no_argument, NULL, 'i' },
		{ "net", no_argument, NULL, 'n' },
		{ "pid", no_argument, NULL, 'p' },
		{ "mount", no_argument, NULL, 'm' },
		{ "cgroup", no_argument, NULL, 'C' },
		{ "time", no_argument, NULL, 'T' },
		{ "all", no_argument, NULL, 'a' },
		{ "pidfd", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opts = { 0 };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:t:ah", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (parse_pid(optarg, &opts.target) < 0)
				die_usage("-t %s: not a process ID", optarg);
			break;
		case 'u': opts.types |= CLONE_NEWUTS; break;
		case 'i': opts.types |= CLONE_NEWIPC; break;
		case 'n': opts.types |= CLONE_NEWNET; break;
		case 'p': opts.types |= CLONE_NEWPID; break;
		case 'm': opts.types |= CLONE_NEWNS; break;
		case 'C': opts.types |= CLONE_NEWCGROUP; break;
		case 'T': opts.types |= CLONE_NEWTIME; break;
		case 'a': opts.all = true; break;
		case 'P': opts.pidfd = true; break;
		case 'h': usage(EXIT_SUCCESS);
		default: die_bad_option(c, argv);
		}
	}
	if (!opts.target)
		die_usage("which process? (-t PID)");
	if (optind == argc)
		die_usage("no command to run");
	if (!opts.types && !opts.all)
		die_usage("no namespace to join (--uts, ..., or --all)");
	opts.command = argv + optind;
	return opts;
}

/* --all: the types in which TARGET's namespace is not ours. (setns into
 * the namespace one is already in fails for user namespaces, and is
 * pointless for the rest.) The user namespace is chapter 04's. */
static uint64_t differing_types(pid_t target)
{
	const struct ns_type *type;
	struct ns_id theirs, ours;
	uint64_t types = 0;
	int proc_fd, ret;

	proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0)
		die_errno(errno, "open /proc");
	for (type = ns_types; type->name; type++) {
		if (type->flag == CLONE_NEWUSER)
			continue;
		ret = ns_identity(proc_fd, target, type->name, &theirs);
		if (ret == -ENOENT)
			continue;
		if (ret == -ESRCH)
			die("-t %d: no such process", (int)target);
		if (ret < 0)
			die_errno(ret, "%d/ns/%s", (int)target, type->name);
		ret = ns_identity(proc_fd, getpid(), type->name, &ours);
		if (ret < 0)
			die_errno(ret, "self/ns/%s", type->name);
		if (theirs.ino != ours.ino || theirs.dev != ours.dev)
			types |= type->flag;
	}
	close(proc_fd);
	return types;
}

int main(int argc, char **argv)
{
	struct options opts = parse_options(argc, argv);
	int ret, status;
	pid_t child;

	if (opts.all)
		opts.types |= differing_types(opts.target);
	if (opts.types) {
		ret = opts.pidfd ? ns_join_pidfd(opts.target, opts.types)
		                 : ns_join(opts.target, opts.types);
		if (ret == -ESRCH)
			die("-t %d: no such process", (int)opts.target);
		if (ret < 0)
			die_errno(ret, "join the namespaces of %d",
			          (int)opts.target);
	}
	if (!(opts.types & CLONE_NEWPID))
		cmd_exec(opts.command);

	/* Our own PID does not change; our children are born inside. */
	child = fork();
	if (child < 0)
		die_errno(errno, "fork");
	if (child == 0) {
		/* If nsjoin dies, the command goes too: nothing of ours
		 * stays behind in the target's namespaces. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
			warn_errno(errno, "prctl PR_SET_PDEATHSIG");
			_exit(126); /* a child never returns, nor exit()s */
		}
		cmd_exec(opts.command);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			die_errno(errno, "waitpid");
	ret = init_exit_code(status);
	return ret < 0 ? EXIT_FAILURE : ret;
}
