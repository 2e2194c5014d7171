/* isolate - run a command in new namespaces: a container, minus the rest.
 *
 *	isolate [--uts] [--ipc] [--pid] [--mount] [--net] [--cgroup] [--time]
 *	        [--all] [--hostname NAME] [--init] [-v] -- CMD [ARG...]
 *
 * The steps are those of the overview's "container's birth": the parent
 * creates the child with clone and namespace flags (1), sets up what must
 * be set up from outside (2, 3: cgroups and networks, later chapters),
 * then lets the child go; the child finishes its own setup (host name,
 * private mounts, a fresh /proc) and becomes the command (4). Needs root.
 */
#include "cmd.h"
#include "die.h"
#include "init.h"
#include "ns.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
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
	uint64_t flags;       /* CLONE_NEW* */
	const char *hostname; /* --hostname, or NULL */
	bool init;            /* --init: miniinit is PID 1 */
	bool verbose;         /* -v: narrate */
	char **command;       /* CMD and its arguments */
};

/* The container's PID, where signals are forwarded. */
static pid_t container;

static noreturn void usage(int status)
{
	printf("usage: isolate [NAMESPACES] [--hostname NAME] [--init] [-v] "
	       "-- CMD [ARG...]\n"
	       "Run CMD in new namespaces (needs root).\n"
	       "  --uts --ipc --pid --mount --net --cgroup --time\n"
	       "                   the namespaces to create (--pid brings "
	       "--mount, for /proc)\n"
	       "  --all            all of them\n"
	       "  --hostname NAME  the host name inside (brings --uts)\n"
	       "  --init           run miniinit as PID 1, CMD as its child\n"
	       "  -v, --verbose    say what happens\n");
	exit(status);
}

static struct options parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "uts", no_argument, NULL, 'u' },
		{ "ipc", no_argument, NULL, 'i' },
		{ "pid", no_argument, NULL, 'p' },
		{ "mount", no_argument, NULL, 'm' },
		{ "net", no_argument, NULL, 'n' },
		{ "cgroup", no_argument, NULL, 'C' },
		{ "time", no_argument, NULL, 'T' },
		{ "all", no_argument, NULL, 'a' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "init", no_argument, NULL, 'I' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opts = { 0 };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'u': opts.flags |= CLONE_NEWUTS; break;
		case 'i': opts.flags |= CLONE_NEWIPC; break;
		case 'p': opts.flags |= CLONE_NEWPID | CLONE_NEWNS; break;
		case 'm': opts.flags |= CLONE_NEWNS; break;
		case 'n': opts.flags |= CLONE_NEWNET; break;
		case 'C': opts.flags |= CLONE_NEWCGROUP; break;
		case 'T': opts.flags |= CLONE_NEWTIME; break;
		case 'a':
			opts.flags |= CLONE_NEWUTS | CLONE_NEWIPC |
			              CLONE_NEWPID | CLONE_NEWNS |
			              CLONE_NEWNET | CLONE_NEWCGROUP |
			              CLONE_NEWTIME;
			break;
		case 'H':
			opts.hostname = optarg;
			opts.flags |= CLONE_NEWUTS;
			break;
		case 'I': opts.init = true; break;
		case 'v': opts.verbose = true; break;
		case 'h': usage(EXIT_SUCCESS);
		default: die_bad_option(c, argv);
		}
	}
	if (optind == argc)
		die_usage("no command to run");
	opts.command = argv + optind;
	return opts;
}

/* "uts, pid, mnt" for the flags set in FLAGS. */
static const char *describe_flags(uint64_t flags, char *buf, size_t size)
{
	const struct ns_type *type;
	size_t len = 0;

	buf[0] = '\0';
	for (type = ns_types; type->name; type++)
		if ((flags & type->flag) && len < size)
			len += snprintf(buf + len, size - len, "%s%s",
			                len ? ", " : "", type->name);
	return len ? buf : "no new";
}

/* The child, once released: finish the setup from inside, then become
 * the command. Does not return. */
static noreturn void run_container(const struct options *opts)
{
	char **argv = opts->command;
	int ret;

	/* If isolate dies, so does the container: nothing outlives us. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (opts->verbose)
		fprintf(stderr,
		        "isolate: [child] released by the parent, I am "
		        "PID %d here\n",
		        (int)getpid());
	if (opts->hostname) {
		ret = ns_set_hostname(opts->hostname);
		if (ret < 0)
			die_errno(ret, "set host name %s", opts->hostname);
		if (opts->verbose)
			fprintf(stderr,
			        "isolate: [child] host name set to %s\n",
			        opts->hostname);
	}
	if (opts->flags & CLONE_NEWNS) {
		ret = ns_remount_proc();
		if (ret < 0)
			die_errno(ret, "make mounts private and mount /proc");
		if (opts->verbose)
			fprintf(stderr, "isolate: [child] mounts made private, "
			                "a fresh /proc mounted\n");
	}
	if (opts->init)
		argv = cmd_with_miniinit(opts->command);
	if (opts->verbose)
		fprintf(stderr, "isolate: [child] exec %s\n", argv[0]);
	cmd_exec(argv);
}

int main(int argc, char **argv)
{
	struct options opts = parse_options(argc, argv);
	struct ns_handshake handshake;
	char names[128];
	int ret, status;

	/* 1. Create the child in its new namespaces; it waits for us. */
	ret = ns_handshake_open(&handshake);
	if (ret < 0)
		die_errno(ret, "pipe");
	container = ns_clone(opts.flags, &handshake);
	if (container < 0)
		die_errno(container, "clone into %s namespaces",
		          describe_flags(opts.flags, names, sizeof(names)));
	if (container == 0)
		run_container(&opts);

	/* 2-3. Setup from outside goes here (cgroups, network: later). */
	if (opts.verbose)
		fprintf(stderr,
		        "isolate: PID %d runs in %s namespaces; "
		        "releasing it\n",
		        (int)container,
		        describe_flags(opts.flags, names, sizeof(names)));
	/* Ctrl-C and friends go to the container; its PID 1 drops what it
	 * has no handler for (chapter 02), which --init gives it. */
	cmd_forward_signals(&container);

	/* 4. Let it go, and wait for it. */
	ret = ns_handshake_release(&handshake);
	if (ret < 0) {
		kill(container, SIGKILL);
		die_errno(ret, "release the child");
	}
	while (waitpid(container, &status, 0) < 0)
		if (errno != EINTR)
			die_errno(errno, "waitpid");
	ret = init_exit_code(status);
	return ret < 0 ? EXIT_FAILURE : ret;
}
