/* pid1 - run a command as PID 1 of a new PID namespace.
 *
 *	pid1 [--init] -- CMD [ARG...]
 *
 * Just enough of chapter 03 to see an init's life: the command becomes
 * PID 1 of its own PID namespace, with a /proc of its own so that ps and
 * ptree inside show only its processes. With --init, miniinit is PID 1
 * and CMD runs as its child, PID 2. Needs root.
 */
#include "cmd.h"
#include "die.h"
#include "init.h"
#include "sys.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/mount.h>
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

/* In the new namespaces: make the copy of the mounts private, then mount
 * a /proc that shows this PID namespace. MS_PRIVATE first: without it the
 * new /proc would propagate to the host's mount namespace and hide the
 * host's own. */
static void mount_own_proc(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die_errno(errno, "make / private");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	          NULL) < 0)
		die_errno(errno, "mount /proc");
}

static noreturn void run_pid1(char **command, bool with_init)
{
	char **argv = command;

	/* If pid1 dies, so does this PID 1, and with it the whole namespace:
	 * nothing we started can outlive us. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	mount_own_proc();
	if (with_init)
		argv = cmd_with_miniinit(command);
	cmd_exec(argv);
}

int main(int argc, char **argv)
{
	struct clone_args args = {
		.flags = CLONE_NEWPID | CLONE_NEWNS,
		.exit_signal = SIGCHLD,
	};
	bool with_init = false;
	int status, code;
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

	/* A child that is PID 1 of a new PID namespace, with a copy of our
	 * mount namespace to mount its /proc in. */
	child = sys_clone3(&args);
	if (child < 0)
		die_errno(child,
		          "clone3 CLONE_NEWPID|CLONE_NEWNS (are you root?)");
	if (child == 0)
		run_pid1(argv + 1, with_init);
	if (waitpid(child, &status, 0) < 0)
		die_errno(errno, "waitpid");
	code = init_exit_code(status);
	return code < 0 ? EXIT_FAILURE : code;
}
