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
#include "container.h"
#include "die.h"
#include "init.h"
#include "ns.h"

#include <getopt.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>

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

/* In the parent, between clone and release (steps 2-3): cgroups and
 * networks come here in later chapters; isolate only gets ready to
 * forward signals. */
static int prepare_parent(pid_t child, void *data)
{
	const struct options *opts = data;
	char names[128];

	container = child;
	if (opts->verbose)
		fprintf(stderr,
		        "isolate: PID %d runs in %s namespaces; "
		        "releasing it\n",
		        (int)child,
		        describe_flags(opts->flags, names, sizeof(names)));
	/* Ctrl-C and friends go to the container; its PID 1 drops what it
	 * has no handler for (chapter 02), which --init gives it. */
	cmd_forward_signals(&container);
	return 0;
}

int main(int argc, char **argv)
{
	struct options opts = parse_options(argc, argv);
	struct container_spec spec = {
		.flags = opts.flags,
		.command = opts.command,
		.hostname = opts.hostname,
		.verbose = opts.verbose,
		.data = &opts,
		.setup_parent = prepare_parent,
	};
	char **with_init = NULL, names[128];
	int ret;

	/* Found before the clone, so a missing miniinit is reported once,
	 * by the program, not by a child. */
	if (opts.init)
		spec.command = with_init = cmd_with_miniinit(opts.command);
	/* Clone, hold, set up, release, wait: container.h. The child
	 * reports its own failures; these are the parent's. */
	ret = container_run(&spec);
	free(with_init);
	if (ret < 0)
		die_errno(ret, "run a container in %s namespaces",
		          describe_flags(opts.flags, names, sizeof(names)));
	ret = init_exit_code(ret);
	return ret < 0 ? EXIT_FAILURE : ret;
}
