/* orphan - watch a process lose its parent and get a new one.
 *
 * Three generations: this program (the grandparent), a parent, a child.
 * The parent exits; the kernel gives the orphaned child a new parent:
 * the nearest ancestor that asked to be a "child subreaper"
 * (prctl PR_SET_CHILD_SUBREAPER), else the init of its PID namespace,
 * PID 1. That new parent is who will reap it: "init 也负责孤儿进程的资源回收".
 *
 *	orphan               the child is adopted by PID 1
 *	orphan --subreaper   the grandparent is a subreaper and adopts it
 *
 * No sleeps: the child holds a pidfd on its parent and polls it; a pidfd
 * becomes readable when its process has exited, and by then the kernel
 * has already reparented the children (exit_notify() in kernel/exit.c).
 */
#include "die.h"
#include "proc.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* "1191 (bash)", or "1191 (gone)" if /proc no longer has it. */
static const char *describe(pid_t pid, char *buf, size_t size)
{
	struct proc_stat stat;
	int proc_fd, ret;

	proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ret = proc_fd < 0 ? -errno : proc_read_stat(proc_fd, pid, &stat);
	if (proc_fd >= 0)
		close(proc_fd);
	snprintf(buf, size, "%d (%s)", (int)pid, ret == 0 ? stat.comm : "?");
	return buf;
}

/* The child: wait for its parent to die, then report who adopted it. */
static noreturn void run_child(void)
{
	char before[128], after[128];
	struct pollfd pfd = { .events = POLLIN };
	pid_t parent = getppid();

	pfd.fd = sys_pidfd_open(parent, 0);
	if (pfd.fd < 0)
		die_errno(pfd.fd, "pidfd_open %d", (int)parent);
	printf("child  %d: my parent is %s\n", (int)getpid(),
	       describe(parent, before, sizeof(before)));
	fflush(stdout);
	kill(parent, SIGUSR1); /* "go ahead and exit" */
	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		;
	printf("child  %d: my parent exited; my parent is now %s\n",
	       (int)getpid(), describe(getppid(), after, sizeof(after)));
	fflush(stdout);
	_exit(EXIT_SUCCESS);
}

/* The parent: start the child, wait until it is watching, then exit
 * without waiting for it, which makes the child an orphan. */
static noreturn void run_parent(void)
{
	sigset_t usr1;
	pid_t child;
	int sig;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	printf("parent %d: starting a child; I will exit without waiting "
	       "for it\n",
	       (int)getpid());
	fflush(stdout);
	child = fork();
	if (child < 0)
		die_errno(errno, "fork");
	if (child == 0) {
		sigprocmask(SIG_UNBLOCK, &usr1, NULL);
		run_child();
	}
	sigwait(&usr1, &sig);
	_exit(EXIT_SUCCESS);
}

int main(int argc, char **argv)
{
	bool subreaper = argc == 2 && strcmp(argv[1], "--subreaper") == 0;
	int done[2], status;
	pid_t parent, pid;
	char byte;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: orphan [--subreaper]\n"
		       "Show a child losing its parent and being adopted.\n");
		return EXIT_SUCCESS;
	}
	if (argc > 2 || (argc == 2 && !subreaper))
		die_usage("expected no argument or --subreaper, got '%s'",
		          argv[argc - 1]);
	if (subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die_errno(errno, "prctl PR_SET_CHILD_SUBREAPER");
	printf("grandparent %d:%s starting a parent\n", (int)getpid(),
	       subreaper ? " I am a subreaper;" : "");
	fflush(stdout);

	/* The child inherits done[1]; reading done[0] to end of file tells
	 * us it has finished, whoever ends up reaping it. */
	if (pipe2(done, O_CLOEXEC) < 0)
		die_errno(errno, "pipe");
	parent = fork();
	if (parent < 0)
		die_errno(errno, "fork");
	if (parent == 0)
		run_parent();
	close(done[1]);

	/* Reap the parent; a subreaper also reaps the child it adopts. */
	while ((pid = wait(&status)) > 0 || (pid < 0 && errno == EINTR))
		if (pid > 0 && pid != parent)
			printf("grandparent %d: reaped my adopted grandchild "
			       "%d\n",
			       (int)getpid(), (int)pid);
	while (read(done[0], &byte, 1) < 0 && errno == EINTR)
		;
	return EXIT_SUCCESS;
}
