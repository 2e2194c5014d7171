/* cmd.c - starting commands, for the lab's programs. See cmd.h. */
#include "cmd.h"

#include "die.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cmd_exec(char *const argv[])
{
	int err;

	execvp(argv[0], argv);
	err = errno;
	fflush(stdout);
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, argv[0],
	        err == ENOENT ? "command not found" : strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

/* The process signals go to; set once by cmd_forward_signals(). */
static const pid_t *forward_target;

static void forward_signal(int sig)
{
	kill(*forward_target, sig);
}

void cmd_forward_signals(const pid_t *target)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction action = { .sa_handler = forward_signal,
		                    .sa_flags = SA_RESTART };
	size_t i;

	forward_target = target;
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigaction(signals[i], &action, NULL);
}

char **cmd_with_miniinit(char *const command[])
{
	static char path[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", path,
	                       sizeof(path) - sizeof("miniinit"));
	char **argv;
	int count = 0;

	if (len < 0)
		die_errno(errno, "readlink /proc/self/exe");
	path[len] = '\0';
	strcpy(strrchr(path, '/') + 1, "miniinit");
	while (command[count])
		count++;
	argv = calloc(count + 3, sizeof(char *));
	if (!argv)
		die("out of memory");
	argv[0] = path;
	argv[1] = "--";
	memcpy(argv + 2, command, (count + 1) * sizeof(char *));
	return argv;
}
