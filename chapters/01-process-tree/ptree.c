/* ptree - the process tree, read from /proc, like `pstree -p`.
 *
 *	ptree               every process, kernel threads under kthreadd(2)
 *	ptree -K            without the kernel threads
 *	ptree -p $$         this shell's ancestors and its subtree
 *	ptree -t            threads too, as {name}(tid) under their process
 *	ptree --dot | dot -Tsvg > tree.svg
 *
 * The whole program is three steps: snapshot /proc (proc.h), rebuild the
 * tree from the PPIDs (tree.h), print it. The steps are the exercises.
 */
#include "die.h"
#include "parse.h"
#include "proc.h"
#include "tree.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <unistd.h>

struct options {
	const char *proc_root; /* /proc, or a fixture tree */
	pid_t focus;           /* -p: show only this PID's branch; 0: all */
	bool hide_kernel;      /* -K */
	bool show_state;       /* -s */
	bool threads;          /* -t: add the threads from /proc/PID/task */
	bool dot;              /* --dot */
};

static noreturn void usage(int status)
{
	printf("usage: ptree [-K] [-s] [-t] [-p PID] [--dot] [--proc DIR]\n"
	       "Show the process tree, read from /proc.\n"
	       "  -p, --pid PID     only PID's ancestors and its subtree\n"
	       "  -K, --no-kernel   leave out the kernel threads\n"
	       "  -s, --state       show each process's state letter (R, S, "
	       "Z...)\n"
	       "  -t, --threads     show threads too, as {name}(tid)\n"
	       "      --dot         write a Graphviz digraph instead of text\n"
	       "      --proc DIR    read DIR instead of /proc\n"
	       "  -h, --help        show this help\n");
	exit(status);
}

static struct options parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "no-kernel", no_argument, NULL, 'K' },
		{ "state", no_argument, NULL, 's' },
		{ "threads", no_argument, NULL, 't' },
		{ "dot", no_argument, NULL, 'D' },
		{ "proc", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opts = { .proc_root = "/proc" };
	int c;

	opterr = 0; /* we report bad options ourselves, in the lab's form */
	while ((c = getopt_long(argc, argv, ":p:Ksth", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_pid(optarg, &opts.focus) < 0)
				die_usage("-p %s: not a process ID", optarg);
			break;
		case 'K': opts.hide_kernel = true; break;
		case 's': opts.show_state = true; break;
		case 't': opts.threads = true; break;
		case 'D': opts.dot = true; break;
		case 'P': opts.proc_root = optarg; break;
		case 'h': usage(EXIT_SUCCESS);
		default: die_bad_option(c, argv);
		}
	}
	if (optind < argc)
		die_usage("unexpected argument '%s'", argv[optind]);
	return opts;
}

int main(int argc, char **argv)
{
	struct options opts = parse_options(argc, argv);
	struct tree tree = { 0 };
	struct proc_stat *procs;
	size_t count;
	int proc_fd, ret;

	/* 1. Snapshot /proc: every process's stat line. */
	proc_fd = open(opts.proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0)
		die_errno(errno, "open %s", opts.proc_root);
	ret = proc_snapshot(proc_fd, &procs, &count);
	if (ret < 0)
		die_errno(ret, "read processes from %s", opts.proc_root);
	if (opts.threads) {
		ret = proc_add_threads(proc_fd, &procs, &count);
		if (ret < 0)
			die_errno(ret, "read threads from %s", opts.proc_root);
	}
	close(proc_fd);

	/* 2. Rebuild the tree from the parent PIDs. */
	ret = tree_build(procs, count, &tree);
	free(procs);
	if (ret < 0)
		die_errno(ret, "build the process tree");

	/* 3. Keep what was asked for. */
	if (opts.hide_kernel)
		tree_hide_kernel_threads(&tree);
	if (opts.focus && tree_focus(&tree, opts.focus) < 0)
		die("-p %d: no such process in %s", (int)opts.focus,
		    opts.proc_root);

	/* 4. Print it. */
	ret = opts.dot ? tree_render_dot(&tree, stdout)
	               : tree_render(&tree, opts.show_state, stdout);
	if (ret < 0)
		die_errno(ret, "print the tree");
	tree_free(&tree);
	return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
