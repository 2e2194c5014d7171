/* cgbox - run a command in a cgroup of its own, with limits.
 *
 *	cgbox [--memory SIZE] [--pids N] [--cpus FRACTION] [--cpu-weight W]
 *	      [--isolate] [--stats] -- CMD [ARG...]
 *	cgbox --pause NAME | --resume NAME | --kill NAME
 *
 * Step (2) of the overview's container birth: 子进程创建完成后，使用cgroup
 * 技术来处理子进程，实现子进程的资源隔离，资源包括：使用的内存大小、使用的CPU
 * 优先级等等. The child is created and held (chapter 03's handshake), put
 * in a new cgroup under "boxlab", then let go; when it is done, cgbox
 * reports what it used and whether a limit struck, and removes the
 * cgroup, also after a failure or Ctrl-C. Needs root.
 *
 * The second form acts on the group boxlab/NAME of a cgbox running
 * elsewhere (NAME is cgbox-PID): freeze it, thaw it, or kill all of its
 * processes at once, like docker pause, unpause and kill (exercise 5.8).
 */
#include "cg.h"
#include "cmd.h"
#include "container.h"
#include "die.h"
#include "init.h"
#include "parse.h"

#include <errno.h>
#include <getopt.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CPU_PERIOD_USEC 100000

struct options {
	uint64_t memory;     /* --memory, bytes; 0: no limit */
	uint64_t pids;       /* --pids; 0: no limit */
	uint64_t cpu_quota;  /* --cpus as microseconds per period; 0: none */
	unsigned int weight; /* --cpu-weight; 0: leave alone */
	bool isolate;        /* --isolate: new PID, mount, UTS, IPC ns */
	bool stats;          /* --stats: report usage */
	char **command;      /* CMD and its arguments */
};

/* The command's PID, where signals are forwarded. */
static pid_t child;

static noreturn void usage(int status)
{
	printf("usage: cgbox [LIMITS] [--isolate] [--stats] -- CMD [ARG...]\n"
	       "       cgbox --pause NAME | --resume NAME | --kill NAME\n"
	       "Run CMD in a new cgroup with limits (needs root).\n"
	       "  --memory SIZE      memory limit: 64M, 1G, 4096, ...\n"
	       "  --pids N           at most N processes\n"
	       "  --cpus FRACTION    CPU time: 0.5 is half a CPU\n"
	       "  --cpu-weight W     CPU priority, 1 to 10000 (100 normal)\n"
	       "  --isolate          also new PID, mount, UTS, IPC namespaces\n"
	       "  --stats            report what the command used\n"
	       "Or act on the group boxlab/NAME of another cgbox (cgbox-PID):\n"
	       "  --pause NAME       freeze its processes where they are\n"
	       "  --resume NAME      thaw them\n"
	       "  --kill NAME        kill all of them at once\n");
	exit(status);
}

/* --pause, --resume, --kill: freeze, thaw or empty the running group
 * boxlab/NAME, then exit. Its own cgbox waits on, and cleans up. */
static noreturn void act_on_group(int c, const char *name)
{
	const char *action = c == 'P' ? "pause" : c == 'R' ? "resume" : "kill";
	const char *done = c == 'P' ? "frozen" : c == 'R' ? "thawed" : "killed";
	struct cg_system system;
	struct cg cg;
	int ret;

	ret = cg_detect("/proc/self/mounts", "", &system);
	if (ret < 0)
		die_errno(ret, "read /proc/self/mounts");
	ret = cg_open(&system, name, &cg);
	if (ret < 0)
		die_errno(ret, "%s/%s", CG_PARENT, name);
	ret = c == 'K' ? cg_kill_all(&cg) : cg_freeze(&cg, c == 'P');
	if (ret == -EOPNOTSUPP)
		die("%s %s/%s: this kernel has no %s for it", action, CG_PARENT,
		    name, c == 'K' ? "cgroup.kill or freezer" : "freezer");
	if (ret < 0)
		die_errno(ret, "%s %s/%s", action, CG_PARENT, name);
	printf("cgbox: %s/%s %s\n", CG_PARENT, name, done);
	exit(EXIT_SUCCESS);
}

static uint64_t parse_cpus(const char *text)
{
	char *end;
	double cpus;

	errno = 0;
	cpus = strtod(text, &end);
	if (errno || *end || end == text || !(cpus > 0) || cpus > 1024)
		die_usage("--cpus %s: expected a number of CPUs, like 0.5",
		          text);
	return (uint64_t)(cpus * CPU_PERIOD_USEC + 0.5);
}

static void parse_limit(int c, const char *arg, struct options *opts)
{
	int weight;

	switch (c) {
	case 'm':
		if (cg_parse_size(arg, &opts->memory) < 0 || !opts->memory)
			die_usage("--memory %s: expected a size like 64M", arg);
		break;
	case 'p':
		if (parse_uint64(arg, &opts->pids) < 0 || !opts->pids)
			die_usage("--pids %s: expected at least 1", arg);
		break;
	case 'c': opts->cpu_quota = parse_cpus(arg); break;
	case 'w':
		if (parse_int(arg, &weight) < 0 || weight < 1 || weight > 10000)
			die_usage("--cpu-weight %s: expected 1 to 10000", arg);
		opts->weight = weight;
		break;
	}
}

static struct options parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "memory", required_argument, NULL, 'm' },
		{ "pids", required_argument, NULL, 'p' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "cpu-weight", required_argument, NULL, 'w' },
		{ "isolate", no_argument, NULL, 'i' },
		{ "stats", no_argument, NULL, 's' },
		{ "pause", required_argument, NULL, 'P' },
		{ "resume", required_argument, NULL, 'R' },
		{ "kill", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opts = { 0 };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (c == 'i')
			opts.isolate = true;
		else if (c == 's')
			opts.stats = true;
		else if (c == 'h')
			usage(EXIT_SUCCESS);
		else if (strchr("mpcw", c) && c != 0)
			parse_limit(c, optarg, &opts);
		else if (strchr("PRK", c) && c != 0)
			act_on_group(c, optarg);
		else
			die_bad_option(c, argv);
	}
	if (optind == argc)
		die_usage("no command to run");
	opts.command = argv + optind;
	return opts;
}

/* Which controllers the limits need, and whether the system has them. */
static void check_controllers(const struct cg_system *system,
                              const struct options *opts)
{
	static const char *const layouts[] = { "none", "v1", "v2", "hybrid" };
	const bool needed[CG_CONTROLLERS] = {
		[CG_MEMORY] = opts->memory != 0,
		[CG_PIDS] = opts->pids != 0,
		[CG_CPU] = opts->cpu_quota || opts->weight,
	};
	int c;

	for (c = 0; c < CG_CONTROLLERS; c++)
		if (needed[c] && !system->mount[c][0])
			die("no %s controller in any cgroup hierarchy (layout: "
			    "%s; see make doctor)",
			    cg_controller_names[c], layouts[system->layout]);
}

static void set_limits(struct cg *cg, const struct options *opts)
{
	int ret = 0;

	if (opts->memory)
		ret = cg_set_memory(cg, opts->memory);
	if (ret == 0 && opts->pids)
		ret = cg_set_pids(cg, opts->pids);
	if (ret == 0 && (opts->cpu_quota || opts->weight))
		ret = cg_set_cpu(cg, opts->cpu_quota, CPU_PERIOD_USEC,
		                 opts->weight);
	if (ret < 0) {
		if (cg_destroy(cg) < 0)
			warn("the cgroup could not be removed either");
		die_errno(ret, "set the limits");
	}
}

static double now(void)
{
	struct timespec ts;

	/* Cannot fail with a valid clock and pointer; 0 keeps a report. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* What the limits did, always; what was used, with --stats. */
static void report(const struct cg *cg, const struct options *opts,
                   double seconds)
{
	struct cg_stats stats;
	double cpu;
	int ret;

	ret = cg_read_stats(cg, &stats);
	if (ret < 0) {
		warn_errno(ret, "read the cgroup's counters");
		return;
	}
	if (stats.oom_kills)
		fprintf(stderr, "cgbox: the OOM killer fired (%llu kill%s)\n",
		        (unsigned long long)stats.oom_kills,
		        stats.oom_kills == 1 ? "" : "s");
	if (stats.pids_refused)
		fprintf(stderr, "cgbox: the pids limit refused %llu fork%s\n",
		        (unsigned long long)stats.pids_refused,
		        stats.pids_refused == 1 ? "" : "s");
	if (!opts->stats)
		return;
	cpu = stats.cpu_usage_usec / 1e6;
	fprintf(stderr, "cgbox: memory peak %.1f MiB\n",
	        stats.memory_peak / 1048576.0);
	fprintf(stderr, "cgbox: cpu %.2f s in %.2f s (%.2f of a CPU)\n", cpu,
	        seconds, seconds > 0 ? cpu / seconds : 0);
}

/* What the parent's hook needs: the cgroup to put the command in, and
 * when it was let go. */
struct placement {
	struct cg *cg; /* the command's cgroup */
	double start;  /* when it was released, for --stats */
};

/* Step 2, between clone and release: into the cgroup before the command
 * runs a single instruction, so everything it does is counted. */
static int place_in_cgroup(pid_t command, void *data)
{
	struct placement *placement = data;
	int ret;

	ret = cg_attach(placement->cg, command);
	if (ret < 0)
		return ret;
	child = command;
	/* Ctrl-C and friends go to the command; we stay to clean up. */
	cmd_forward_signals(&child);
	placement->start = now();
	return 0;
}

int main(int argc, char **argv)
{
	struct options opts = parse_options(argc, argv);
	struct cg_system system;
	struct placement placement;
	struct container_spec spec = {
		.flags = opts.isolate ? CLONE_NEWPID | CLONE_NEWNS |
		                                CLONE_NEWUTS | CLONE_NEWIPC
		                      : 0,
		.command = opts.command,
		.data = &placement,
		.setup_parent = place_in_cgroup,
	};
	int ret, status;
	char name[64];
	struct cg cg;

	/* 1. Find the controllers, make the cgroup, set the limits. */
	ret = cg_detect("/proc/self/mounts", "", &system);
	if (ret < 0)
		die_errno(ret, "read /proc/self/mounts");
	check_controllers(&system, &opts);
	snprintf(name, sizeof(name), "cgbox-%d", (int)getpid());
	ret = cg_create(&system, name, &cg);
	if (ret < 0)
		die_errno(ret, "create cgroup %s/%s", CG_PARENT, name);
	set_limits(&cg, &opts);

	/* 2. Start the command, held until it is in the cgroup, and wait
	 * for it (chapter 03's container.h). */
	placement.cg = &cg;
	status = container_run(&spec);
	if (status < 0) {
		cg_destroy(&cg);
		die_errno(status, "start the command");
	}

	/* 3. Report; remove the cgroup whatever happened. */
	report(&cg, &opts, now() - placement.start);
	ret = cg_destroy(&cg);
	if (ret < 0)
		warn_errno(ret, "remove cgroup %s/%s", CG_PARENT, name);
	ret = init_exit_code(status);
	return ret < 0 ? EXIT_FAILURE : ret;
}
