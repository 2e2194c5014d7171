/* runner.c - run one chapter's graded suite and grade it.
 *
 *	run-tests [--json FILE] [--log FILE] [--verbose] [--graded]
 *	          [--exercise ID] [--not-built WHY] [TEST...]
 *
 * This is the supervisor of runner.h: it makes the rows, starts a worker
 * (worker.c) that runs the tests one by one in forked processes, and
 * collects one result per test. If the worker dies or stops answering,
 * the test it was running is charged and a new worker goes on from the
 * next test. The table printed at the end has one row per exercise;
 * --json writes the same results for grade.c to merge; --log takes what
 * the tests print, so nothing they print can pass for a line of the table.
 * --not-built runs nothing and fails every test with WHY: how `make grade`
 * scores a chapter whose exercises do not compile. --exercise ID runs
 * only exercise ID's tests, and exits 0 only if they all pass: one
 * exercise as one test of GitHub Classroom's autograding (make check
 * EXERCISE=ID).
 *
 * As root, the run has a mount namespace of its own (private: no mount
 * of a test reaches the host) in which the lab's tree is read-only, so no
 * test can rewrite the sources, the programs or the results.
 */
#include "runner.h"

#include "cgsweep.h"
#include "die.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <jansson.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef BOXLAB_TOP
#error "BOXLAB_TOP must name the lab's top directory"
#endif

/* Seconds the supervisor waits beyond a test's own time limit before it
 * decides the worker is stuck (stopped, or blocked by the test). */
#define GRACE_SECONDS 10

struct run {
	struct outcome_row *rows; /* one per test, in table order */
	size_t count;             /* number of rows */
	int json_fd;              /* --json FILE, opened at the start, or -1 */
	int log_fd;               /* --log FILE, or -1 */
	const char *log_path;     /* its name, for the reader */
	bool verbose;             /* --verbose: every failure, not the first */
	bool graded_only;         /* --graded: skip the program tests */
	const char *exercise;     /* --exercise ID: only its tests */
	const char *not_built; /* --not-built WHY: fail every test, run none */
	char scratch[64];      /* the tests' scratch directory */
};

static const char *const outcome_names[] = { "passed", "failed", "skipped" };

/* Set by SIGINT, SIGTERM and SIGHUP: clean up and stop. */
static volatile sig_atomic_t interrupted;

/* Every GRADED test must name a known exercise, and every exercise must
 * have a test: otherwise points would go missing without anyone noticing. */
static void check_tables(void)
{
	const struct graded_test *const *table;
	const struct exercise_info *ex;
	const struct graded_test *t;
	bool found;

	for (table = chapter_tests; *table; table++)
		for (t = *table; t->name; t++) {
			found = !t->exercise;
			for (ex = chapter_exercises; ex->id && !found; ex++)
				found = strcmp(ex->id, t->exercise) == 0;
			if (!found)
				die("test %s grades exercise %s, which has no "
				    "BEGIN EXERCISE marker",
				    t->name, t->exercise);
		}
	for (ex = chapter_exercises; ex->id; ex++) {
		found = false;
		for (table = chapter_tests; *table && !found; table++)
			for (t = *table; t->name && !found; t++)
				found = t->exercise &&
				        !strcmp(t->exercise, ex->id);
		if (!found)
			die("exercise %s has no graded test", ex->id);
	}
}

static bool selected(const char *name, char **names, int count)
{
	int i;

	for (i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return count == 0;
}

/* Make one row per selected test (--graded: graded ones only). */
static void make_rows(struct run *run, char **names, int count)
{
	const struct graded_test *const *table;
	const struct graded_test *t;

	for (table = chapter_tests; *table; table++)
		for (t = *table; t->name; t++) {
			if (!selected(t->name, names, count) ||
			    (run->graded_only && !t->exercise) ||
			    (run->exercise &&
			     (!t->exercise ||
			      strcmp(t->exercise, run->exercise))))
				continue;
			run->rows =
			        realloc(run->rows,
			                (run->count + 1) * sizeof(*run->rows));
			if (!run->rows)
				die("out of memory");
			run->rows[run->count++] =
			        (struct outcome_row){ .test = t };
		}
}

/* nftw(3) callback: remove whatever it is given, deepest first. */
static int remove_entry(const char *path, const struct stat *st, int type,
                        struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

/* The scratch directory tests get their test_tmpdir() in: made before the
 * first test, removed after the last, whatever happened in between. */
static void make_scratch(struct run *run)
{
	snprintf(run->scratch, sizeof(run->scratch), "/tmp/boxlab-test-%d",
	         (int)getpid());
	if (mkdir(run->scratch, 0700) < 0)
		die_errno(errno, "mkdir %s", run->scratch);
	setenv("BOXLAB_TEST_TMP", run->scratch, 1);
}

/* FTW_MOUNT: never cross into a file system mounted below the scratch
 * directory; what is mounted there is not ours to delete. */
static void remove_scratch(struct run *run)
{
	nftw(run->scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* A child that stays in the host's mount namespace and does nothing: its
 * /proc/PID/mountinfo is the host's table, which the worker checks after
 * every test. PR_SET_PDEATHSIG ends it with the supervisor; the getppid()
 * check covers a supervisor that died before the prctl() took effect. */
static pid_t start_host_observer(void)
{
	pid_t parent = getpid(), pid = fork();

	if (pid < 0)
		die_errno(errno, "fork");
	if (pid > 0)
		return pid;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	for (;;)
		pause();
}

/* As root: a private mount namespace for the run, and the lab's tree
 * read-only in it. Returns false where that is not allowed (not root):
 * the tests that need it skip themselves. */
static bool isolate_mounts(void)
{
	const char *top =
	        getenv("BOXLAB_TOP") ? getenv("BOXLAB_TOP") : BOXLAB_TOP;

	if (unshare(CLONE_NEWNS) < 0)
		return false;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die_errno(errno, "make / private in the runner's namespace");
	if (mount(top, top, NULL, MS_BIND | MS_REC, NULL) < 0 ||
	    mount(NULL, top, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
		die_errno(errno, "make %s read-only for the tests", top);
	return true;
}

static void on_signal(int sig)
{
	interrupted = sig;
}

/* SIGINT and friends interrupt poll() rather than kill the supervisor, so
 * it can clean up: the worker is in a session of its own and never sees
 * the terminal's Ctrl-C. */
static void catch_signals(void)
{
	struct sigaction action = { .sa_handler = on_signal };
	int signals[] = { SIGINT, SIGTERM, SIGHUP };
	size_t i;

	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (sigaction(signals[i], &action, NULL) < 0)
			die_errno(errno, "sigaction");
}

/* Milliseconds the supervisor waits for the next line about test INDEX. */
static int deadline_ms(const struct run *run, size_t index)
{
	const char *scale = getenv("CK_TIMEOUT_MULTIPLIER");
	const struct graded_test *t;
	double seconds;

	if (index >= run->count)
		return GRACE_SECONDS * 1000;
	t = run->rows[index].test;
	seconds = t->timeout ? t->timeout : DEFAULT_TIMEOUT;
	if (scale && atof(scale) > 0)
		seconds *= atof(scale);
	return (int)((seconds + GRACE_SECONDS) * 1000);
}

/* One line from the worker: "begin I" or "result I OUTCOME MESSAGE". */
static void take_line(struct run *run, const char *line, size_t *current)
{
	struct outcome_row *row;
	int outcome, consumed = 0;
	size_t index;

	if (sscanf(line, "begin %zu", &index) == 1 && index < run->count) {
		*current = index;
		return;
	}
	if (sscanf(line, "result %zu %d %n", &index, &outcome, &consumed) < 2 ||
	    index >= run->count || outcome < PASSED || outcome > SKIPPED)
		return;
	row = &run->rows[index];
	row->outcome = outcome;
	row->done = true;
	snprintf(row->message, sizeof(row->message), "%s", line + consumed);
	*current = index + 1;
}

/* Read what is there on FD and pass each whole line on; false at end of
 * file. BUF (4096 bytes) keeps a partial line between calls. */
static bool read_lines(struct run *run, int fd, char *buf, size_t *len,
                       size_t *current)
{
	ssize_t n = read(fd, buf + *len, 4095 - *len);
	char *line, *newline;

	if (n < 0)
		return errno == EINTR;
	if (n == 0)
		return false;
	*len += n;
	buf[*len] = '\0';
	line = buf;
	while ((newline = strchr(line, '\n'))) {
		*newline = '\0';
		take_line(run, line, current);
		line = newline + 1;
	}
	*len -= line - buf;
	memmove(buf, line, *len);
	return true;
}

/* True if PID is stopped (by a signal or a tracer): it will never answer
 * again on its own. */
static bool is_stopped(pid_t pid)
{
	char state;
	pid_t pgrp;

	return harness_proc_state(pid, &state, &pgrp) &&
	       (state == 'T' || state == 't');
}

static long long now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000LL + now.tv_nsec / 1000000;
}

/* Follow WORKER's lines on FD until it ends, is stopped, or stays silent
 * past the running test's deadline. Returns the index of the test it was
 * on; *RET_STUCK says it had to be given up on. */
static size_t follow_worker(struct run *run, pid_t worker, int fd, size_t first,
                            bool *ret_stuck)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t current = first, len = 0;
	long long deadline = now_ms() + deadline_ms(run, current);
	char buf[4096];
	int ready;

	*ret_stuck = false;
	for (;;) {
		ready = poll(&pfd, 1, 500);
		if (interrupted)
			break;
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready == 0) {
			*ret_stuck = is_stopped(worker) || now_ms() > deadline;
			if (*ret_stuck)
				break;
			continue;
		}
		if (!read_lines(run, fd, buf, &len, &current))
			break;
		deadline = now_ms() + deadline_ms(run, current);
	}
	return current;
}

/* Why the worker ended, as a message charged to the test it was on. */
static void describe_worker_end(int status, bool stuck, char *msg, size_t size)
{
	if (stuck)
		snprintf(msg, size,
		         "the test runner was stopped, or stopped answering, "
		         "during this test; killed and restarted");
	else if (WIFSIGNALED(status))
		snprintf(msg, size,
		         "the test runner was killed by signal %d (%s) during "
		         "this test",
		         WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(msg, size,
		         "the test runner exited (status %d) during this test",
		         WEXITSTATUS(status));
}

/* Run a worker from test FIRST on; returns where the next one starts. */
static size_t run_worker(struct run *run, struct worker_setup *setup,
                         size_t first)
{
	struct outcome_row *row;
	size_t current;
	int fds[2], status = 0;
	bool stuck;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		die_errno(errno, "pipe2");
	pid = fork();
	if (pid < 0)
		die_errno(errno, "fork");
	if (pid == 0) {
		close(fds[0]);
		setup->supervisor_fd = fds[1];
		setup->first = first;
		worker_run(setup);
	}
	close(fds[1]);
	current = follow_worker(run, pid, fds[0], first, &stuck);
	close(fds[0]);
	kill(pid, SIGKILL); /* it has exited already, unless stuck */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sweep_children(setup->host_observer, 0, NULL, 0);
	if (current >= run->count || interrupted)
		return current;
	row = &run->rows[current];
	if (!row->done) {
		row->outcome = FAILED;
		row->done = true;
		describe_worker_end(status, stuck, row->message,
		                    sizeof(row->message));
	}
	return current + 1;
}

/* One run at a time on a host: every test is checked for cgroups and
 * mounts it leaves, and another run's would be charged to it. The lock is
 * an flock(2) on the cgroup mount's directory, so it needs no file of its
 * own and goes with the last process that holds it. BOXLAB_HOST_LOCKED=1
 * says the caller holds it already (grade-submission.sh takes it with
 * flock(1), so that a time limit counts only the run's own time). */
static void lock_host(void)
{
	const char *held = getenv("BOXLAB_HOST_LOCKED");
	int fd;

	if (held && !strcmp(held, "1"))
		return;
	fd = open("/sys/fs/cgroup", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return;
	fprintf(stderr, "run-tests: waiting for another boxlab test run to "
	                "finish\n");
	if (flock(fd, LOCK_EX) < 0)
		die_errno(errno, "flock /sys/fs/cgroup");
}

/* --not-built: every test fails, with the reason the code did not build. */
static void fail_all(struct run *run)
{
	size_t i;

	for (i = 0; i < run->count; i++) {
		run->rows[i].outcome = FAILED;
		snprintf(run->rows[i].message, sizeof(run->rows[i].message),
		         "the exercises did not build: %s", run->not_built);
	}
}

/* Run every row, restarting the worker as often as it takes. */
static void supervise(struct run *run, struct worker_setup *setup)
{
	size_t next = 0;

	setup->rows = run->rows;
	setup->count = run->count;
	while (next < run->count && !interrupted)
		next = run_worker(run, setup, next);
}

/* Count the rows of exercise ID (NULL: the program tests). */
static void tally(const struct run *run, const char *id, int *ret_total,
                  int *ret_passed, int *ret_failed,
                  const struct outcome_row **ret_first_failure)
{
	const struct outcome_row *row;
	size_t i;

	*ret_total = *ret_passed = *ret_failed = 0;
	*ret_first_failure = NULL;
	for (i = 0; i < run->count; i++) {
		row = &run->rows[i];
		if (id ? !row->test->exercise || strcmp(row->test->exercise, id)
		       : row->test->exercise != NULL)
			continue;
		++*ret_total;
		if (row->outcome == PASSED)
			++*ret_passed;
		if (row->outcome == FAILED)
			++*ret_failed;
		if (row->outcome != PASSED && !*ret_first_failure)
			*ret_first_failure = row;
	}
}

static void print_failures(const struct run *run, const char *id,
                           const struct outcome_row *first)
{
	const struct outcome_row *row;
	size_t i;

	if (!run->verbose) {
		printf("        %s: %s\n", first->test->name, first->message);
		return;
	}
	for (i = 0; i < run->count; i++) {
		row = &run->rows[i];
		if (row->outcome != PASSED &&
		    (id ? row->test->exercise &&
		                     !strcmp(row->test->exercise, id)
		        : !row->test->exercise))
			printf("        %s: %s\n", row->test->name,
			       row->message);
	}
}

static void print_row(const struct run *run, const char *id, const char *title,
                      int points, double *earned, bool *ok)
{
	const struct outcome_row *first;
	int total, passed, failed;
	double score;

	tally(run, id, &total, &passed, &failed, &first);
	if (total == 0)
		return;
	score = points * (double)passed / total;
	*earned += score;
	if (id)
		printf("  %-5s %-40s %5.1f/%-4d", id, title, score, points);
	else
		printf("  %-5s %-40s %10s", "--", "program tests (no points)",
		       "");
	printf("  %s (%d/%d)\n", passed == total ? "ok  " : "FAIL", passed,
	       total);
	if (first)
		print_failures(run, id, first);
	if (failed && ok)
		*ok = false;
}

/* Print the grade table; returns true if no graded or program test
 * failed. Challenge exercises come last, with a total of their own, and
 * do not decide the exit status: they are optional. */
static bool print_table(const struct run *run)
{
	const struct exercise_info *ex;
	double earned = 0, bonus = 0, unused = 0;
	int possible = 0, bonus_possible = 0;
	bool ok = true;

	printf("\nChapter %s\n", chapter_name);
	for (ex = chapter_exercises; ex->id; ex++) {
		if (ex->challenge)
			continue;
		print_row(run, ex->id, ex->title, ex->points, &earned, &ok);
		possible += ex->points;
	}
	print_row(run, NULL, NULL, 0, &unused, &ok);
	printf("  %-46s %5.1f/%-4d\n", "total", earned, possible);
	for (ex = chapter_exercises; ex->id; ex++) {
		if (!ex->challenge)
			continue;
		if (bonus_possible == 0)
			printf("  challenge (optional, not in the total)\n");
		print_row(run, ex->id, ex->title, ex->points, &bonus, NULL);
		bonus_possible += ex->points;
	}
	if (bonus_possible)
		printf("  %-46s %5.1f/%-4d\n", "challenge total", bonus,
		       bonus_possible);
	return ok;
}

static json_t *row_json(const struct outcome_row *row)
{
	return json_pack("{s:s, s:s?, s:s, s:s}", "name", row->test->name,
	                 "exercise", row->test->exercise, "status",
	                 outcome_names[row->outcome], "message", row->message);
}

/* Write what grade.c needs: the exercises (with their points) and every
 * test's outcome. The file was opened before the tests ran, while the
 * lab's tree was still writable. */
static void write_json(const struct run *run)
{
	json_t *root = json_object(), *exercises = json_array(),
	       *tests = json_array();
	const struct exercise_info *ex;
	size_t i;

	for (ex = chapter_exercises; ex->id; ex++)
		json_array_append_new(exercises,
		                      json_pack("{s:s, s:s, s:i, s:b}", "id",
		                                ex->id, "title", ex->title,
		                                "points", ex->points,
		                                "challenge", ex->challenge));
	for (i = 0; i < run->count; i++)
		if (json_array_append_new(tests, row_json(&run->rows[i])) < 0)
			die("cannot put test %s in the results",
			    run->rows[i].test->name);
	json_object_set_new(root, "chapter", json_string(chapter_name));
	json_object_set_new(root, "exercises", exercises);
	json_object_set_new(root, "tests", tests);
	if (json_dumpfd(root, run->json_fd, JSON_INDENT(2)) < 0)
		die("cannot write the results");
	json_decref(root);
}

/* Open PATH for the results or the log now, before the tests run. */
static int open_output(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		die_errno(errno, "open %s", path);
	return fd;
}

static void parse_options(struct run *run, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", required_argument, NULL, 'j' },
		{ "log", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "graded", no_argument, NULL, 'g' },
		{ "not-built", required_argument, NULL, 'n' },
		{ "exercise", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "j:l:vgn:e:", longopts, NULL)) !=
	       -1) {
		if (c == 'j') {
			run->json_fd = open_output(optarg);
		} else if (c == 'l') {
			run->log_fd = open_output(optarg);
			run->log_path = optarg;
		} else if (c == 'v') {
			run->verbose = true;
		} else if (c == 'g') {
			run->graded_only = true;
		} else if (c == 'n') {
			run->not_built = optarg;
		} else if (c == 'e') {
			run->exercise = optarg;
		} else {
			die("usage: run-tests [--json FILE] [--log FILE] "
			    "[--verbose] [--graded] [--exercise ID] "
			    "[--not-built WHY] [TEST...]");
		}
	}
}

/* Everything the worker needs to know before the first test. */
static void prepare(struct run *run, struct worker_setup *setup)
{
	char path[64];
	int ret;

	setenv("BOXLAB_QUIET_TODO", "1", 1);
	make_scratch(run);
	catch_signals();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die_errno(errno, "PR_SET_CHILD_SUBREAPER");
	setup->host_observer = start_host_observer();
	setup->private_mounts = isolate_mounts();
	setup->log_fd = run->log_fd;
	snprintf(path, sizeof(path), "/proc/%d/mountinfo",
	         (int)setup->host_observer);
	ret = file_read_all(AT_FDCWD, path, &setup->host_mounts, NULL);
	if (ret < 0)
		die_errno(ret, "read %s", path);
	setup->lab_cgroups = cgsweep_list();
}

int main(int argc, char **argv)
{
	struct run run = { .json_fd = -1, .log_fd = -1 };
	struct worker_setup setup = { 0 };
	bool ok;

	parse_options(&run, argc, argv);
	check_tables();
	make_rows(&run, argv + optind, argc - optind);
	if (run.count == 0 && run.exercise)
		die("no exercise %s in chapter %s", run.exercise, chapter_name);
	if (run.count == 0 && optind < argc)
		die("no test is named %s", argv[optind]);
	if (run.count == 0)
		die("no tests to run");
	if (run.not_built) {
		fail_all(&run);
	} else {
		lock_host();
		prepare(&run, &setup);
		supervise(&run, &setup);
		remove_scratch(&run);
		cgsweep_remove_new(setup.lab_cgroups);
		free(setup.host_mounts);
		free(setup.lab_cgroups);
	}
	if (interrupted) {
		fprintf(stderr, "run-tests: interrupted; cleaned up\n");
		return 128 + interrupted;
	}
	ok = print_table(&run);
	if (run.log_path && lseek(run.log_fd, 0, SEEK_END) > 0)
		printf("  (what the tests printed: %s)\n", run.log_path);
	if (run.json_fd >= 0)
		write_json(&run);
	free(run.rows);
	return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
