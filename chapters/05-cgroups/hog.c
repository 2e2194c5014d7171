/* hog - use too much of something, to see a cgroup stop it.
 *
 *	hog --memory MB      allocate and touch MB mebibytes, 1 MiB at a time
 *	hog --forks          fork until fork() fails, then report and clean up
 *	hog --forks --stay   the same, but stay at the limit until a signal
 *	                     ends it (for tests of teardown under a full group)
 *	hog --cpu N          burn N units of CPU work (about 0.1 s each on an
 *	                     idle modern core) and report the time it took
 *
 * Under cgbox, the memory hog is killed by the OOM killer, the fork bomb
 * is held at pids.max, and the CPU burner runs at the quota's pace.
 */
#include "die.h"
#include "parse.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void hog_memory(int megabytes)
{
	char *block;
	int i;

	for (i = 1; i <= megabytes; i++) {
		block = malloc(1 << 20);
		if (!block)
			die("malloc failed after %d MiB", i - 1);
		memset(block, i, 1 << 20); /* touch it: only used pages count */
		if (i % 16 == 0) {
			printf("hog: %d MiB\n", i);
			fflush(stdout);
		}
	}
	printf("hog: allocated %d MiB and was not stopped\n", megabytes);
}

/* Children wait for their parent to die, so none outlives the bomb.
 * STAY: keep them, and wait for a signal, instead of cleaning up. */
static void hog_forks(bool stay)
{
	int count = 0;
	pid_t pid;

	for (;;) {
		pid = fork();
		if (pid < 0)
			break;
		if (pid == 0) {
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
				_exit(1);
			pause();
			_exit(0);
		}
		count++;
	}
	printf("hog: %d children, then fork failed: %s\n", count,
	       strerror(errno));
	fflush(stdout);
	while (stay)
		pause();
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM); /* our process group: the children */
	while (wait(NULL) > 0 || errno == EINTR)
		;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void hog_cpu(int units)
{
	volatile unsigned long sink = 0;
	double start = now();
	unsigned long i;

	for (i = 0; i < units * 150000000ul; i++)
		sink += i;
	printf("hog: %d units of CPU work in %.2f s\n", units, now() - start);
}

int main(int argc, char **argv)
{
	int amount = 0;

	if (argc == 3 &&
	    (!strcmp(argv[1], "--memory") || !strcmp(argv[1], "--cpu"))) {
		if (parse_int(argv[2], &amount) < 0 || amount < 1)
			die_usage("%s %s: expected a positive number", argv[1],
			          argv[2]);
		if (!strcmp(argv[1], "--memory"))
			hog_memory(amount);
		else
			hog_cpu(amount);
		return EXIT_SUCCESS;
	}
	if ((argc == 2 || (argc == 3 && !strcmp(argv[2], "--stay"))) &&
	    !strcmp(argv[1], "--forks")) {
		/* Its own process group, which its clean-up signals. */
		if (setpgid(0, 0) < 0)
			die("setpgid: %s", strerror(errno));
		hog_forks(argc == 3);
		return EXIT_SUCCESS;
	}
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: hog --memory MB | --forks [--stay] | --cpu "
		       "UNITS\n");
		return EXIT_SUCCESS;
	}
	die_usage("expected --memory MB, --forks or --cpu UNITS");
}
