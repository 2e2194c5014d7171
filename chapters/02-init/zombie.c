/* zombie - make zombies, and show who has to reap them.
 *
 *	zombie [-n N]                    N children exit; I never wait()
 *	zombie --orphans [-n N] [--sync] [--tree]
 *		N grandchildren exit after their parent did: they are
 *		orphans, and it is their new parent's job to reap them
 *
 * A process that has exited stays in the process table, state Z, until
 * its parent calls wait(): the kernel keeps its exit status for the
 * parent to read. Run `pid1 -- zombie --orphans --tree` and the orphans
 * pile up under a PID 1 that never waits, like the java of the overview's
 * tomcat container; run `pid1 --init -- zombie --orphans --sync --tree`
 * and miniinit reaps them.
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
#include <sys/wait.h>
#include <unistd.h>

struct options {
	int count;    /* -n: how many zombies */
	bool orphans; /* --orphans: make them someone else's */
	bool sync;    /* --sync: ask our init to reap before we count */
	bool tree;    /* --tree: draw the tree from PID 1 */
};

static noreturn void usage(int status)
{
	printf("usage: zombie [-n N] [--orphans [--sync] [--tree]]\n"
	       "Leave N exited processes (default 3) for someone to reap.\n"
	       "  -n N        how many\n"
	       "  --orphans   let their parent exit first: they are orphans\n"
	       "  --sync      under miniinit: wait until it has reaped\n"
	       "  --tree      draw the process tree from PID 1 with states\n");
	exit(status);
}

static struct options parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "orphans", no_argument, NULL, 'o' },
		{ "sync", no_argument, NULL, 'S' },
		{ "tree", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opts = { .count = 3 };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_int(optarg, &opts.count) < 0 ||
			    opts.count < 1 || opts.count > 100000)
				die_usage("-n %s: expected 1 to 100000",
				          optarg);
			break;
		case 'o': opts.orphans = true; break;
		case 'S': opts.sync = true; break;
		case 't': opts.tree = true; break;
		case 'h': usage(EXIT_SUCCESS);
		default: die_bad_option(c, argv);
		}
	}
	if (optind < argc)
		die_usage("unexpected argument '%s'", argv[optind]);
	if (opts.sync && !opts.orphans)
		die_usage("--sync goes with --orphans");
	return opts;
}

/* Fork a child that exits at once. */
static pid_t fork_short_lived(void)
{
	pid_t pid = fork();

	if (pid < 0)
		die_errno(errno, "fork");
	if (pid == 0)
		_exit(0);
	return pid;
}

/* Wait until our child PID has exited, without reaping it: waitid(2)
 * with WNOWAIT leaves it a zombie. */
static void wait_exited(pid_t pid)
{
	siginfo_t info;

	while (waitid(P_PID, pid, &info, WEXITED | WNOWAIT) < 0)
		if (errno != EINTR)
			die_errno(errno, "waitid %d", (int)pid);
}

/* The parent of the orphans: start COUNT children, tell the grandparent
 * their PIDs, and once they have all exited, exit without reaping them:
 * the kernel hands the zombies to our init all at once. */
static noreturn void run_middle(int count, int pid_pipe)
{
	pid_t *pids = calloc(count, sizeof(pid_t));
	int i;

	if (!pids)
		_exit(1);
	for (i = 0; i < count; i++)
		pids[i] = fork_short_lived();
	/* With no signal handler to interrupt it, a blocking write to a
	 * pipe writes everything or fails (pipe(7)). */
	if (write(pid_pipe, pids, count * sizeof(pid_t)) < 0)
		_exit(1);
	for (i = 0; i < count; i++)
		wait_exited(pids[i]);
	_exit(0);
}

/* Make COUNT orphans; store their PIDs in PIDS. */
static void make_orphans(int count, pid_t *pids)
{
	int pipe_fds[2], i;
	pid_t middle;

	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		die_errno(errno, "pipe");
	middle = fork();
	if (middle < 0)
		die_errno(errno, "fork");
	if (middle == 0)
		run_middle(count, pipe_fds[1]);
	close(pipe_fds[1]);
	for (i = 0; i < count; i++)
		if (read(pipe_fds[0], &pids[i], sizeof(pid_t)) != sizeof(pid_t))
			die("the middle process did not report its children");
	close(pipe_fds[0]);
	/* When the middle process can be reaped, its exit is complete, and
	 * with it the handover of its exited children to our init. */
	if (waitpid(middle, NULL, 0) < 0)
		die_errno(errno, "waitpid %d", (int)middle);
	printf("zombie %d: PID %d started %d children and exited after them: "
	       "they are orphans now\n",
	       (int)getpid(), (int)middle, count);
}

/* Under miniinit: signal it and wait for the signal to come back. It
 * reaps before it forwards, so when SIGUSR1 returns every orphan that
 * exited before we sent it has been reaped. */
static void sync_with_init(void)
{
	sigset_t usr1;

	int sig, ret;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &usr1, NULL) < 0)
		die_errno(errno, "block SIGUSR1");
	if (kill(getppid(), SIGUSR1) < 0)
		die_errno(errno, "kill %d", (int)getppid());
	/* sigwait(3) returns an error number, not -1 and errno. */
	ret = sigwait(&usr1, &sig);
	if (ret != 0)
		die_errno(ret, "sigwait");
}

/* How many of PIDS are zombies now (state Z in /proc)? */
static int count_zombies(const pid_t *pids, int count)
{
	struct proc_stat stat;
	int proc_fd, i, zombies = 0;

	proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0)
		die_errno(errno, "open /proc");
	for (i = 0; i < count; i++)
		if (proc_read_stat(proc_fd, pids[i], &stat) == 0 &&
		    stat.state == 'Z')
			zombies++;
	close(proc_fd);
	return zombies;
}

/* Draw the tree of FOCUS's branch with states, kernel threads hidden. */
static void draw_tree(pid_t focus)
{
	struct tree tree = { 0 };
	struct proc_stat *procs;
	size_t count;
	int proc_fd, ret;

	proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0)
		die_errno(errno, "open /proc");
	ret = proc_snapshot(proc_fd, &procs, &count);
	close(proc_fd);
	if (ret < 0)
		die_errno(ret, "read /proc");
	ret = tree_build(procs, count, &tree);
	free(procs);
	if (ret < 0)
		die_errno(ret, "build the tree");
	tree_hide_kernel_threads(&tree);
	if (tree_focus(&tree, focus) == 0)
		tree_render(&tree, true, stdout);
	tree_free(&tree);
}

int main(int argc, char **argv)
{
	struct options opts = parse_options(argc, argv);
	pid_t *pids = calloc(opts.count, sizeof(pid_t));
	int i, zombies;

	if (!pids)
		die("out of memory");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (opts.orphans) {
		make_orphans(opts.count, pids);
	} else {
		for (i = 0; i < opts.count; i++)
			pids[i] = fork_short_lived();
		printf("zombie %d: started %d children; I will not wait() for "
		       "them\n",
		       (int)getpid(), opts.count);
	}
	if (!opts.orphans)
		for (i = 0; i < opts.count; i++)
			wait_exited(pids[i]);
	if (opts.sync)
		sync_with_init();

	zombies = count_zombies(pids, opts.count);
	printf("zombie %d: all %d have exited; %d %s zombies (state Z)\n",
	       (int)getpid(), opts.count, zombies,
	       zombies == 1 ? "is a" : "are");
	if (opts.tree || !opts.orphans)
		draw_tree(opts.orphans ? 1 : getpid());
	free(pids);
	return EXIT_SUCCESS;
}
