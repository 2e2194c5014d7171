/* runner.c - run one chapter's graded suite and grade it.
 *
 *	run-tests [--json FILE] [--verbose] [TEST...]
 *
 * Every test gets a TCase of its own (so its name comes back in
 * tr_tcname()), runs in a forked child (CK_FORK: a crash or a hang fails
 * that test, not the run) under a timeout, and counts toward the exercise
 * its table entry names. The table printed at the end has one row per
 * exercise; --json writes the same results for grade.c to merge.
 */
#include "harness.h"

#include "cgsweep.h"
#include "die.h"
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT     10
#define SKIP_STATUS_MESSAGE "Early exit with return value 77"

enum outcome { PASSED, FAILED, SKIPPED };

/* One test as it ran. */
struct outcome_row {
	const struct graded_test *test; /* its table entry */
	enum outcome outcome;           /* how it ended */
	char message[512];              /* why it failed or was skipped */
};

struct run {
	struct outcome_row *rows; /* one per test, in table order */
	size_t count;             /* number of rows */
	const char *json_path;    /* --json FILE, or NULL */
	bool verbose;             /* --verbose: every failure, not the first */
};

static const char *const outcome_names[] = { "passed", "failed", "skipped" };

/* The host's mount table before any test ran, and where to read it again:
 * the runner's own /proc/PID/mountinfo. Forked tests inherit both. */
static char *host_mounts;
static pid_t runner_pid;

/* The lab's cgroups before any test ran (cgsweep.h). */
static char *lab_cgroups;

/* The first line where A and B differ, for the failure message. */
static const char *first_difference(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	while (a > host_mounts && a[-1] != '\n')
		a--;
	return a;
}

/* Run in each test's process after the test (a Check "checked fixture"):
 * whatever a test did in its own namespaces, the host's mounts must be as
 * they were. The top complaint against container labs is a host /proc
 * wiped through shared mount propagation: this is where it is caught. */
static void check_host_mounts(void)
{
	char path[64], *now;
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)runner_pid);
	ret = file_read_all(AT_FDCWD, path, &now, NULL);
	ck_assert_msg(ret == 0, "read %s: %s", path, strerror(-ret));
	ck_assert_msg(strcmp(now, host_mounts) == 0,
	              "the host's mount table changed, from the line: %.200s",
	              first_difference(host_mounts, now));
	free(now);
}

/* Also after each test: no new cgroup under boxlab/ in any hierarchy. */
static void check_lab_cgroups(void)
{
	char *now = cgsweep_list();
	const char *left = cgsweep_new(lab_cgroups, now);

	ck_assert_msg(!left, "the test left the cgroup %s behind", left);
	free(now);
}

/* The checked teardown of every test. */
static void check_host(void)
{
	check_host_mounts();
	check_lab_cgroups();
}

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

/* Make the rows and a suite with one TCase per selected test. */
static Suite *make_suite(struct run *run, char **names, int count)
{
	const struct graded_test *const *table;
	const struct graded_test *t;
	Suite *suite = suite_create(chapter_name);
	TCase *tcase;

	for (table = chapter_tests; *table; table++)
		for (t = *table; t->name; t++) {
			if (!selected(t->name, names, count))
				continue;
			run->rows =
			        realloc(run->rows,
			                (run->count + 1) * sizeof(*run->rows));
			if (!run->rows)
				die("out of memory");
			run->rows[run->count++] =
			        (struct outcome_row){ .test = t };
			tcase = tcase_create(t->name);
			tcase_set_timeout(tcase, t->timeout ? t->timeout
			                                    : DEFAULT_TIMEOUT);
			_tcase_add_test(tcase, t->test, t->signal,
			                t->exit_value, 0, 1);
			tcase_add_checked_fixture(tcase, NULL, check_host);
			suite_add_tcase(suite, tcase);
		}
	return suite;
}

static struct outcome_row *find_row(struct run *run, const char *name)
{
	size_t i;

	for (i = 0; i < run->count; i++)
		if (strcmp(run->rows[i].test->name, name) == 0)
			return &run->rows[i];
	die("Check reported an unknown test %s", name);
}

/* Read Check's results into the rows; skip reasons come from SKIP_LOG,
 * one line per skipped test, in the order the tests ran. */
static void collect(struct run *run, SRunner *runner, FILE *skip_log)
{
	TestResult **results = srunner_results(runner);
	int i, n = srunner_ntests_run(runner);
	struct outcome_row *row;
	char reason[256];

	rewind(skip_log);
	for (i = 0; i < n; i++) {
		row = find_row(run, tr_tcname(results[i]));
		row->outcome =
		        tr_rtype(results[i]) == CK_PASS ? PASSED : FAILED;
		if (row->outcome == PASSED)
			continue;
		if (strcmp(tr_msg(results[i]), SKIP_STATUS_MESSAGE) == 0) {
			row->outcome = SKIPPED;
			if (!fgets(reason, sizeof(reason), skip_log))
				strcpy(reason, "no reason given\n");
			reason[strcspn(reason, "\n")] = '\0';
			snprintf(row->message, sizeof(row->message),
			         "skipped: %s", reason);
			continue;
		}
		snprintf(row->message, sizeof(row->message), "%s",
		         tr_msg(results[i]));
	}
	free(results); /* the array is ours, the results are Check's */
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
static void make_scratch(char *path, size_t size)
{
	snprintf(path, size, "/tmp/boxlab-test-%d", (int)getpid());
	if (mkdir(path, 0700) < 0)
		die_errno(errno, "mkdir %s", path);
	setenv("BOXLAB_TEST_TMP", path, 1);
}

/* One run at a time on a host: every test is checked for cgroups and
 * mounts it leaves, and another run's would be charged to it. The lock is
 * an flock(2) on the cgroup mount's directory, so it needs no file of its
 * own and goes with the last process that holds it. */
static void lock_host(void)
{
	int fd = open("/sys/fs/cgroup", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return;
	fprintf(stderr, "run-tests: waiting for another boxlab test run to "
	                "finish\n");
	if (flock(fd, LOCK_EX) < 0)
		die_errno(errno, "flock /sys/fs/cgroup");
}

static void run_suite(struct run *run, Suite *suite)
{
	SRunner *runner = srunner_create(suite);
	char fd_text[16], scratch[64];
	FILE *skip_log;
	int fd;

	fd = memfd_create("boxlab-skips", 0);
	if (fd < 0)
		die_errno(errno, "memfd_create");
	snprintf(fd_text, sizeof(fd_text), "%d", fd);
	setenv("BOXLAB_SKIP_FD", fd_text, 1);
	setenv("BOXLAB_QUIET_TODO", "1", 1);
	srunner_set_fork_status(runner, CK_FORK);
	make_scratch(scratch, sizeof(scratch));
	lab_cgroups = cgsweep_list();
	srunner_run_all(runner, CK_SILENT);
	nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	cgsweep_remove_new(lab_cgroups);
	skip_log = fdopen(fd, "r");
	if (!skip_log)
		die_errno(errno, "fdopen");
	collect(run, runner, skip_log);
	fclose(skip_log);
	srunner_free(runner);
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
 * test's outcome. */
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
		json_array_append_new(tests, row_json(&run->rows[i]));
	json_object_set_new(root, "chapter", json_string(chapter_name));
	json_object_set_new(root, "exercises", exercises);
	json_object_set_new(root, "tests", tests);
	if (json_dump_file(root, run->json_path, JSON_INDENT(2)) < 0)
		die("cannot write %s", run->json_path);
	json_decref(root);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", required_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct run run = { 0 };
	bool ok;
	int c;

	while ((c = getopt_long(argc, argv, "j:v", longopts, NULL)) != -1) {
		if (c == 'j')
			run.json_path = optarg;
		else if (c == 'v')
			run.verbose = true;
		else
			die("usage: run-tests [--json FILE] [--verbose] "
			    "[TEST...]");
	}
	check_tables();
	lock_host();
	runner_pid = getpid();
	c = file_read_all(AT_FDCWD, "/proc/self/mountinfo", &host_mounts, NULL);
	if (c < 0)
		die_errno(c, "read /proc/self/mountinfo");
	run_suite(&run, make_suite(&run, argv + optind, argc - optind));
	if (run.count == 0)
		die("no test is named %s", argv[optind]);
	ok = print_table(&run);
	if (run.json_path)
		write_json(&run);
	free(run.rows);
	return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
