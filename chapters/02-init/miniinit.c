/* miniinit - a container's PID 1, in the spirit of tini.
 *
 *	miniinit [-s] [-g] [-k] [-v] -- CMD [ARG...]
 *
 * It starts CMD, then does the two jobs an application run as PID 1 does
 * not: it reaps every zombie it inherits, and it passes the signals it
 * gets on to CMD. It exits when CMD does, with CMD's exit code (128 + N if
 * signal N killed it), so the container's exit code is the command's.
 */
#include "cmd.h"
#include "die.h"
#include "init.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

struct options {
	bool subreaper; /* -s: adopt orphans even when not PID 1 */
	bool group;     /* -g: signal CMD's whole process group */
	bool end_group; /* -k: kill what is left of it when CMD exits */
	bool verbose;   /* -v: say what happens on stderr */
	char **command; /* CMD and its arguments */
};

static noreturn void usage(int status)
{
	printf("usage: miniinit [-s] [-g] [-k] [-v] -- CMD [ARG...]\n"
	       "Run CMD as a well-behaved PID 1: reap zombies, forward "
	       "signals.\n"
	       "  -s, --subreaper  adopt orphans even when not PID 1\n"
	       "  -g, --group      forward signals to CMD's process group\n"
	       "  -k, --kill-group when CMD exits, kill and reap what is "
	       "left\n"
	       "                   of its process group (implies -g)\n"
	       "  -v, --verbose    report each signal and reaped process\n"
	       "  -h, --help       show this help\n");
	exit(status);
}

static struct options parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "subreaper", no_argument, NULL, 's' },
		{ "group", no_argument, NULL, 'g' },
		{ "kill-group", no_argument, NULL, 'k' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opts = { 0 };
	int c;

	opterr = 0;
	/* "+": stop at the first non-option, so CMD's own options stay
	 * CMD's even without "--". */
	while ((c = getopt_long(argc, argv, "+:sgkvh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': opts.subreaper = true; break;
		case 'g': opts.group = true; break;
		case 'k': opts.group = opts.end_group = true; break;
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

/* A fatal error once CMD runs: an init that dies must not leave the
 * command running without it, so take CMD (and its group) down first. */
static noreturn void die_with_child(pid_t child, bool group, int err,
                                    const char *what)
{
	if (kill(group ? -child : child, SIGKILL) < 0)
		warn_errno(errno, "kill %d", (int)child);
	die_errno(err, "%s", what);
}

int main(int argc, char **argv)
{
	struct options opts = parse_options(argc, argv);
	int signal_fd, sig, status = 0, reaped;
	bool exited = false;
	sigset_t old_mask;
	pid_t child;

	/* 1. Take over the signals before anything can arrive. */
	signal_fd = init_signals_open(&old_mask);
	if (signal_fd < 0)
		die_errno(signal_fd, "block signals");
	if (opts.subreaper && getpid() != 1 &&
	    prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die_errno(errno, "prctl PR_SET_CHILD_SUBREAPER");

	/* 2. Start the command, with the signal mask we had. */
	sig = init_spawn(opts.command, &old_mask, opts.group, &child);
	if (sig < 0)
		cmd_exit_exec_failure(opts.command[0], sig);
	if (opts.verbose)
		fprintf(stderr, "miniinit: started %s as PID %d\n",
		        opts.command[0], (int)child);

	/* 3. Serve: every signal wakes us; reap first, then forward, so
	 *    that a forwarded signal also tells the child "every orphan
	 *    that exited before this signal has been reaped". */
	while (!exited) {
		sig = init_next_signal(signal_fd);
		if (sig < 0)
			die_with_child(child, opts.group, sig, "read signals");
		reaped = init_reap(child, &exited, &status);
		if (reaped < 0)
			die_with_child(child, opts.group, reaped, "reap");
		if (opts.verbose && reaped > 0)
			fprintf(stderr, "miniinit: reaped %d process%s\n",
			        reaped, reaped == 1 ? "" : "es");
		if (!exited && sig != SIGCHLD) {
			if (opts.verbose)
				fprintf(stderr, "miniinit: forwarding SIG%s\n",
				        sigabbrev_np(sig));
			sig = init_forward_signal(child, sig, opts.group);
			if (sig < 0)
				die_with_child(child, opts.group, sig,
				               "forward a signal");
		}
	}

	/* 4. With -k: outside a PID namespace nothing ends with us, so end
	 *    what the command left in its process group ourselves. */
	if (opts.end_group) {
		reaped = init_end_group(child);
		if (reaped < 0)
			die_errno(reaped, "end the process group");
		if (opts.verbose)
			fprintf(stderr,
			        "miniinit: killed and reaped %d left "
			        "in the group\n",
			        reaped);
	}

	/* 5. Leave with the command's exit code. */
	sig = init_exit_code(status);
	if (opts.verbose)
		fprintf(stderr, "miniinit: %s exited, code %d\n",
		        opts.command[0], sig);
	return sig < 0 ? EXIT_FAILURE : sig;
}
