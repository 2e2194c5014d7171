/* enterfs - run a command with a root file system of its own.
 *
 *	enterfs [--chroot | --pivot] [--readonly] [--no-dev] [--no-proc]
 *	        [--hostname NAME] [--init] [-v] ROOTFS -- CMD [ARG...]
 *
 * Chapter 03's container (new mount, PID, UTS and IPC namespaces), whose
 * child, before it becomes CMD, makes its mounts private, mounts /proc,
 * a read-only /sys and a minimal /dev inside ROOTFS, and switches to it
 * with pivot_root(2), detaching the host's root; or with chroot(2), to
 * show what that leaves open. Needs root.
 */
#include "cmd.h"
#include "container.h"
#include "die.h"
#include "init.h"
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct options {
	struct rootfs_spec rootfs; /* what the child does with ROOTFS */
	const char *hostname;      /* --hostname, or NULL */
	bool init;                 /* --init: miniinit is PID 1 */
	char **command;            /* CMD and its arguments */
	char **init_argv;          /* with --init: miniinit -- CMD... */
	int init_fd;               /* with --init: miniinit, opened here */
};

/* The container's PID, where signals are forwarded. */
static pid_t container;

static noreturn void usage(int status)
{
	printf("usage: enterfs [--chroot | --pivot] [--readonly] [--no-dev] "
	       "[--no-proc]\n"
	       "               [--hostname NAME] [--init] [-v] ROOTFS -- CMD "
	       "[ARG...]\n"
	       "Run CMD with ROOTFS as its root, in new mount, PID, UTS and "
	       "IPC namespaces\n"
	       "(needs root).\n"
	       "  --pivot          switch with pivot_root, detach the old "
	       "root (default)\n"
	       "  --chroot         switch with chroot: the host's root stays "
	       "reachable\n"
	       "  --readonly       mount ROOTFS read-only, with a tmpfs on "
	       "/tmp\n"
	       "  --no-dev         leave ROOTFS/dev as it is (no tmpfs, no "
	       "devices)\n"
	       "  --no-proc        mount neither /proc nor /sys\n"
	       "  --hostname NAME  the host name inside\n"
	       "  --init           run miniinit as PID 1, CMD as its child\n"
	       "  -v, --verbose    say what happens\n");
	exit(status);
}

static struct options parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "chroot", no_argument, NULL, 'c' },
		{ "pivot", no_argument, NULL, 'p' },
		{ "readonly", no_argument, NULL, 'r' },
		{ "no-dev", no_argument, NULL, 'D' },
		{ "no-proc", no_argument, NULL, 'P' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "init", no_argument, NULL, 'I' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opts = { .init_fd = -1 };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opts.rootfs.chroot = true; break;
		case 'p': opts.rootfs.chroot = false; break;
		case 'r': opts.rootfs.readonly = true; break;
		case 'D': opts.rootfs.no_dev = true; break;
		case 'P': opts.rootfs.no_proc = true; break;
		case 'H': opts.hostname = optarg; break;
		case 'I': opts.init = true; break;
		case 'v': opts.rootfs.verbose = true; break;
		case 'h': usage(EXIT_SUCCESS);
		default: die_bad_option(c, argv);
		}
	}
	if (optind == argc)
		die_usage("no root file system given");
	opts.rootfs.root = cmd_rootfs_path(argv[optind++]);
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind == argc)
		die_usage("no command to run in %s", opts.rootfs.root);
	opts.command = argv + optind;
	return opts;
}

/* In the child: the new root, then, with --init, miniinit from the file
 * opened before the switch (it is not in ROOTFS: Docker bind-mounts its
 * docker-init the same way). It must be a static binary, since ROOTFS
 * need not have the host's C library. */
static int setup_child(void *data, const char **what)
{
	const struct options *opts = data;
	extern char **environ;
	int ret;

	ret = rootfs_enter(&opts->rootfs, what);
	if (ret < 0 || opts->init_fd < 0)
		return ret;
	if (opts->rootfs.verbose)
		fprintf(stderr,
		        "enterfs: [child] exec %s (from the host, "
		        "opened before the switch)\n",
		        opts->init_argv[0]);
	fflush(stderr);
	execveat(opts->init_fd, "", opts->init_argv, environ, AT_EMPTY_PATH);
	/* ENOENT here means its program interpreter (ld.so) is missing in
	 * ROOTFS: a dynamically linked miniinit. */
	*what = errno == ENOENT ? "run miniinit (not a static binary?)"
	                        : "run miniinit";
	return -errno;
}

static int prepare_parent(pid_t child, void *data)
{
	const struct options *opts = data;

	container = child;
	if (opts->rootfs.verbose)
		fprintf(stderr,
		        "enterfs: PID %d will have %s as its root; "
		        "releasing it\n",
		        (int)child, opts->rootfs.root);
	cmd_forward_signals(&container);
	return 0;
}

int main(int argc, char **argv)
{
	struct options opts = parse_options(argc, argv);
	struct container_spec spec = {
		.flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS |
		         CLONE_NEWIPC,
		.command = opts.command,
		.hostname = opts.hostname,
		.verbose = opts.rootfs.verbose,
		.data = &opts,
		.setup_parent = prepare_parent,
		.setup_child = setup_child,
	};
	int ret;

	if (opts.init) {
		opts.init_argv = cmd_with_miniinit(opts.command);
		opts.init_fd = open(opts.init_argv[0], O_RDONLY | O_CLOEXEC);
		if (opts.init_fd < 0)
			die_errno(-errno, "open %s", opts.init_argv[0]);
	}
	ret = container_run(&spec);
	free(opts.init_argv);
	if (ret < 0)
		die_errno(ret, "run a container in %s", opts.rootfs.root);
	ret = init_exit_code(ret);
	return ret < 0 ? EXIT_FAILURE : ret;
}
