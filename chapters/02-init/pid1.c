/* pid1 - run a command as PID 1 of a new PID namespace.
 *
 *	pid1 [--init] -- CMD [ARG...]
 *
 * Just enough of chapter 03 to see an init's life: the command becomes
 * PID 1 of its own PID namespace, with a /proc of its own so that ps and
 * ptree inside show only its processes. With --init, miniinit is PID 1
 * and CMD runs as its child, PID 2. Needs root.
 *
 * The /proc is mounted by util-linux's unshare(1) (or busybox's), run as
 * PID 1 before the command: `unshare --mount-proc` makes a mount namespace
 * of its own, mounts /proc there, and execs the command, which keeps
 * PID 1. How to do that yourself is exercise 3.4.
 */
#include "cmd.h"
#include "die.h"
#include "init.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static noreturn void usage(int status)
{
	printf("usage: pid1 [--init] -- CMD [ARG...]\n"
	       "Run CMD as PID 1 of a new PID namespace (needs root).\n"
	       "  --init      run miniinit as PID 1, and CMD under it\n"
	       "  -h, --help  show this help\n");
	exit(status);
}

/* If pid1 dies, so must this PID 1, and with it the whole namespace:
 * nothing we started may outlive us. PR_SET_PDEATHSIG only covers a
 * parent that dies after it is set, so check that ours still lives. In
 * a new PID namespace getppid() says 0 whoever the parent is; the pipe
 * PARENT_ALIVE tells instead: its write end, held by the parent only,
 * closes when the parent dies, and poll(2) then reports POLLHUP. */
static void die_with_parent(int parent_alive)
{
	struct pollfd pfd = { .fd = parent_alive, .events = POLLIN };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die_errno(errno, "prctl PR_SET_PDEATHSIG");
	if (poll(&pfd, 1, 0) < 0)
		die_errno(errno, "poll");
	if (pfd.revents & POLLHUP)
		_exit(EXIT_FAILURE);
}

/* In the new PID namespace, as its PID 1: become unshare(1), which gives
 * us a /proc of this namespace and then becomes COMMAND. */
static noreturn void run_pid1(char **command, bool with_init, int parent_alive)
{
	char **argv = command;
	char **unshare_argv;
	int count = 0;

	die_with_parent(parent_alive);
	if (with_init)
		argv = cmd_with_miniinit(command);
	while (argv[count])
		count++;
	unshare_argv = calloc(count + 3, sizeof(char *));
	if (!unshare_argv)
		die("out of memory");
	unshare_argv[0] = "unshare";
	unshare_argv[1] = "--mount-proc";
	memcpy(unshare_argv + 2, argv, (count + 1) * sizeof(char *));
	cmd_exec(unshare_argv);
}
int main(int argc, char **argv)
{
	struct clone_args args = {
		.flags = CLONE_NEWPID,
		.exit_signal = SIGCHLD,
	};
	bool with_init = false;
	int status, code, alive_pipe[2];
	pid_t child;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		usage(EXIT_SUCCESS);
	if (argc > 1 && !strcmp(argv[1], "--init")) {
		with_init = true;
		argv++;
		argc--;
	}
	if (argc > 1 && !strcmp(argv[1], "--"))
		argv++, argc--;
	if (argc < 2 || argv[1][0] == '-')
		die_usage(argc < 2 ? "no command to run" : "unknown option %s",
		          argv[1]);

	/* A child that is PID 1 of a new PID namespace, and a pipe whose
	 * write end only we hold, so that it can tell whether we live. */
	if (pipe2(alive_pipe, O_CLOEXEC) < 0)
		die_errno(errno, "pipe");
	child = sys_clone3(&args);
	if (child < 0)
		die_errno(child, "clone3 CLONE_NEWPID (are you root?)");
	if (child == 0) {
		close(alive_pipe[1]);
		run_pid1(argv + 1, with_init, alive_pipe[0]);
	}
	close(alive_pipe[0]);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			die_errno(errno, "waitpid");
	code = init_exit_code(status);
	return code < 0 ? EXIT_FAILURE : code;
}
