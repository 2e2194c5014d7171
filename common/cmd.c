/* cmd.c - starting commands, for the lab's programs. See cmd.h. */
#include "cmd.h"

#include "die.h"
#include "file.h"
#include "parse.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cmd_exec(char *const argv[])
{
	execvp(argv[0], argv);
	cmd_exit_exec_failure(argv[0], errno);
}

void cmd_exit_exec_failure(const char *command, int err)
{
	if (err < 0)
		err = -err;
	/* _exit() flushes nothing: what the program printed before must
	 * come out before the error, and only once (a forked child holds a
	 * copy of the parent's buffer, which the parent flushes itself). */
	fflush(stdout);
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, command,
	        err == ENOENT ? "command not found" : strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

/* The process signals go to; set once by cmd_forward_signals(). */
static const pid_t *forward_target;

/* A signal handler runs between any two instructions of the program,
 * perhaps right after a failed call and before its errno is read: it
 * must leave errno as it found it (signal-safety(7)). kill() is
 * async-signal-safe; if it fails there is no one to tell. */
static void forward_signal(int sig)
{
	int saved_errno = errno;

	kill(*forward_target, sig);
	errno = saved_errno;
}

void cmd_forward_signals(const pid_t *target)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction action = { .sa_handler = forward_signal,
		                    .sa_flags = SA_RESTART };
	size_t i;

	forward_target = target;
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (sigaction(signals[i], &action, NULL) < 0)
			die_errno(errno, "sigaction %s",
			          sigabbrev_np(signals[i]));
}

char **cmd_with_miniinit(char *const command[])
{
	static char path[PATH_MAX];
	int count = 0, err = file_beside_self("miniinit", path, sizeof(path));
	char **argv;

	if (err < 0)
		die_errno(err, "readlink /proc/self/exe");
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

int cmd_each_pid(int argc, char **argv, const char *help,
                 bool (*show)(int proc_fd, pid_t pid))
{
	bool ok = true;
	int proc_fd, i;
	pid_t pid;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		fputs(help, stdout);
		return EXIT_SUCCESS;
	}
	for (i = 1; i < argc; i++)
		if (parse_pid(argv[i], &pid) < 0)
			die_usage("%s: not a process ID", argv[i]);
	proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0)
		die_errno(errno, "open /proc");
	if (argc == 1)
		ok = show(proc_fd, getpid());
	for (i = 1; i < argc; i++)
		if (parse_pid(argv[i], &pid) == 0)
			ok = show(proc_fd, pid) && ok;
	close(proc_fd);
	return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

const char *cmd_rootfs_path(const char *arg)
{
	static char path[PATH_MAX];
	struct stat st;

	if (stat(arg, &st) < 0)
		die_errno(-errno, "root file system %s", arg);
	if (!S_ISDIR(st.st_mode))
		die("root file system %s: not a directory (a root file "
		    "system is a directory tree, like `make rootfs` makes)",
		    arg);
	if (!realpath(arg, path))
		die_errno(-errno, "root file system %s", arg);
	return path;
}
