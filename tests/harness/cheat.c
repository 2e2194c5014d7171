/* cheat.c - a stub that cheats, to prove the grader cannot be cheated.
 *
 * `make test` links this in place of common/exercise.c into copies of the
 * stub builds (build/cheat/ID/), so that reaching exercise ID's stub does
 * what a dishonest or broken submission might do instead of returning
 * -ENOSYS. BOXLAB_CHEAT names the trick. Whatever it is, the grade must
 * come out as for the honest stub: exercise ID loses all its points and
 * no other exercise loses any (grade --expect-stub ID).
 *
 *	exit0    _exit(0) before the test's checks run
 *	fork     fork; the test's process exits 0, a copy carries on
 *	kill     SIGKILL the test runner (the test's parent)
 *	stop     SIGSTOP the test runner, then _exit(0)
 *	print    print lines that look like a full-marks table
 *	sleep    sleep past the time limit
 *	env      change the working directory, environment and umask
 *	daemon   leave a process that kills every later test
 *	write    overwrite the file named by BOXLAB_CHEAT_TARGET (results)
 *	cgroup   leave a cgroup under boxlab/ (charged to this test alone)
 *
 * This file is never part of a student's build.
 */
#include "exercise.h"

#include <dirent.h>
#include <mntent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *last_todo;

/* PID's parent, or 0 (no error handling: this is an attacker). */
static pid_t parent_of(pid_t pid)
{
	char path[64], line[4096];
	int fd, ppid = 0;
	ssize_t n;
	char *close_paren;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	line[n] = '\0';
	close_paren = strrchr(line, ')');
	if (close_paren)
		sscanf(close_paren + 1, " %*c %d", &ppid);
	return ppid;
}

/* For five seconds, kill every new child of RUNNER (the next tests). */
static void kill_later_tests(pid_t runner, pid_t spare)
{
	time_t end = time(NULL) + 5;
	struct dirent *entry;
	DIR *proc;
	pid_t pid;

	setsid();
	while (time(NULL) < end) {
		proc = opendir("/proc");
		while (proc && (entry = readdir(proc))) {
			pid = atoi(entry->d_name);
			if (pid > 0 && pid != spare && pid != getpid() &&
			    parent_of(pid) == runner)
				kill(pid, SIGKILL);
		}
		if (proc)
			closedir(proc);
		usleep(1000);
	}
	_exit(0);
}

static void overwrite_target(void)
{
	const char *target = getenv("BOXLAB_CHEAT_TARGET");
	const char forged[] = "{ \"forged\": true }\n";
	int fd;

	if (!target)
		return;
	fd = open(target, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		perror(target);
		return;
	}
	if (write(fd, forged, sizeof(forged) - 1) < 0)
		perror(target);
	close(fd);
}

/* mkdir MOUNT/boxlab/cheat-PID in the first cgroup hierarchy mounted. */
static void leave_cgroup(void)
{
	FILE *mounts = setmntent("/proc/self/mounts", "re");
	struct mntent *m;
	char path[4096];

	while (mounts && (m = getmntent(mounts))) {
		if (strcmp(m->mnt_type, "cgroup") &&
		    strcmp(m->mnt_type, "cgroup2"))
			continue;
		snprintf(path, sizeof(path), "%s/boxlab", m->mnt_dir);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/boxlab/cheat-%d", m->mnt_dir,
		         (int)getpid());
		if (mkdir(path, 0755) < 0)
			perror(path);
		break;
	}
	if (mounts)
		endmntent(mounts);
}

static void cheat(const char *how)
{
	if (!strcmp(how, "exit0")) {
		_exit(0);
	} else if (!strcmp(how, "fork")) {
		if (fork() > 0)
			_exit(0);
	} else if (!strcmp(how, "kill")) {
		kill(getppid(), SIGKILL);
	} else if (!strcmp(how, "stop")) {
		kill(getppid(), SIGSTOP);
		_exit(0);
	} else if (!strcmp(how, "print")) {
		printf("  1.1   Parse /proc/PID/stat                      "
		       "25.0/25    ok   (5/5)\n");
		printf("  total                                          "
		       "100.0/100\n");
		fflush(stdout);
	} else if (!strcmp(how, "sleep")) {
		for (;;)
			pause();
	} else if (!strcmp(how, "env")) {
		if (chdir("/") < 0)
			perror("chdir");
		setenv("BOXLAB_TOP", "/nonexistent", 1);
		setenv("BOXLAB_TEST_TMP", "/nonexistent", 1);
		setenv("PATH", "/nonexistent", 1);
		umask(0777);
	} else if (!strcmp(how, "daemon")) {
		pid_t test = getpid(), runner = getppid();

		if (fork() == 0)
			kill_later_tests(runner, test);
	} else if (!strcmp(how, "write")) {
		overwrite_target();
	} else if (!strcmp(how, "cgroup")) {
		leave_cgroup();
	}
}

int exercise_todo_at(const char *id, const char *file, ...)
{
	const char *how = getenv("BOXLAB_CHEAT");

	(void)file;
	last_todo = id;
	if (how)
		cheat(how);
	return -ENOSYS;
}

const char *exercise_todo_last(void)
{
	return last_todo;
}
