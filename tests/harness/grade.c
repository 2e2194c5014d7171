/* grade.c - merge chapter results into one grade, or check a stub.
 *
 *	grade --out grade.json RESULTS.json...
 *		print the total over the chapters and write grade.json in
 *		Gradescope's results.json shape (score, max_score, tests[]).
 *		Challenge exercises are optional: their points are reported
 *		apart (extra_data) and their failures do not count. Exits 1
 *		if any graded or program test failed.
 *
 *	grade --expect-stub ID RESULTS.json
 *		the lab's own check: with only exercise ID's stub in place,
 *		every test of ID must fail and every other graded test pass,
 *		so the stub loses exactly ID's points. Exits 1 otherwise.
 *
 *	grade --expect full|full-or-skipped|zero grade.json
 *		full: every test passed, program and challenge tests
 *		included (the solutions); zero: every graded and challenge
 *		test failed (the untouched exercises). Exits 1 otherwise.
 *
 *	grade --same A.json B.json
 *		two grades agree: the same graded tests (max_score > 0),
 *		each with the same score, and the same total. Program and
 *		challenge tests are not compared (a guest may skip one its
 *		kernel cannot run). Exits 1, naming each difference, if not.
 *
 *	grade --csv STUDENT RESULTS.json...
 *		one CSV row per exercise, for a class's spreadsheet
 *		(make grade-all): student,chapter,exercise,points,
 *		max_points,challenge. An exercise's points are its tests'
 *		share of them, as in grade.json. No header row.
 *
 * RESULTS.json files are what run-tests --json writes.
 */
#include "die.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The points of exercise ID in RESULTS, how many tests it has, and
 * whether it is a challenge (optional, graded apart). */
static int exercise_points(json_t *results, const char *id, int *ret_tests,
                           bool *ret_challenge)
{
	json_t *ex, *test;
	const char *of;
	int points = 0;
	size_t i;

	*ret_challenge = false;
	json_array_foreach(json_object_get(results, "exercises"), i, ex)
	{
		if (strcmp(json_string_value(json_object_get(ex, "id")), id))
			continue;
		points = json_integer_value(json_object_get(ex, "points"));
		*ret_challenge = json_is_true(json_object_get(ex, "challenge"));
	}
	*ret_tests = 0;
	json_array_foreach(json_object_get(results, "tests"), i, test)
	{
		of = json_string_value(json_object_get(test, "exercise"));
		if (of && !strcmp(of, id))
			++*ret_tests;
	}
	return points;
}

static json_t *load(const char *path)
{
	json_error_t error;
	json_t *root = json_load_file(path, 0, &error);

	if (!root)
		die("%s:%d: %s", path, error.line, error.text);
	if (!json_is_array(json_object_get(root, "tests")) ||
	    !json_is_array(json_object_get(root, "exercises")))
		die("%s: not a run-tests result (no tests/exercises arrays)",
		    path);
	return root;
}

/* What the merged chapters add up to. */
struct totals {
	double score;           /* points earned in graded exercises */
	double max_score;       /* points possible in them */
	double challenge;       /* points earned in challenge exercises */
	double challenge_max;   /* points possible in them */
	int failures;           /* failed graded and program tests */
	int challenge_failures; /* failed challenge tests (not an error) */
};

/* One test as a Gradescope test entry. Challenge tests carry their points
 * in extra_data, not in score, so the total stays the chapter's own. */
static json_t *gradescope_test(const char *chapter, json_t *test,
                               const char *id, double worth, bool challenge)
{
	const char *status = json_string_value(json_object_get(test, "status"));
	bool passed = !strcmp(status, "passed");
	char name[256];

	snprintf(name, sizeof(name), "%s %s%s: %s", chapter,
	         challenge ? "challenge " : "", id ? id : "program",
	         json_string_value(json_object_get(test, "name")));
	return json_pack("{s:s, s:f, s:f, s:s, s:s, s:{s:b, s:f}}", "name",
	                 name, "score", passed && !challenge ? worth : 0.0,
	                 "max_score", challenge ? 0.0 : worth, "status",
	                 passed ? "passed" : "failed", "output",
	                 json_string_value(json_object_get(test, "message")),
	                 "extra_data", "challenge", challenge, "points",
	                 passed ? worth : 0.0);
}

/* Append one chapter's tests to the Gradescope TESTS array and add them
 * up in TOTALS. */
static void add_chapter(json_t *results, json_t *tests, struct totals *totals)
{
	const char *id, *status, *chapter;
	bool challenge = false, passed;
	double worth;
	json_t *test;
	int count;
	size_t i;

	chapter = json_string_value(json_object_get(results, "chapter"));
	json_array_foreach(json_object_get(results, "tests"), i, test)
	{
		id = json_string_value(json_object_get(test, "exercise"));
		status = json_string_value(json_object_get(test, "status"));
		passed = !strcmp(status, "passed");
		worth = id ? (double)exercise_points(results, id, &count,
		                                     &challenge) /
		                        count
		           : 0;
		if (!id)
			challenge = false;
		if (challenge) {
			totals->challenge_max += worth;
			totals->challenge += passed ? worth : 0;
			totals->challenge_failures += !strcmp(status, "failed");
		} else {
			totals->max_score += worth;
			totals->score += passed ? worth : 0;
			totals->failures += !strcmp(status, "failed");
		}
		json_array_append_new(tests, gradescope_test(chapter, test, id,
		                                             worth, challenge));
	}
}

static int merge(const char *out_path, char **paths, int count)
{
	json_t *tests = json_array(), *grade, *results;
	struct totals totals = { 0 };
	int i;

	for (i = 0; i < count; i++) {
		results = load(paths[i]);
		add_chapter(results, tests, &totals);
		json_decref(results);
	}
	grade = json_pack("{s:f, s:f, s:o, s:{s:f, s:f}}", "score",
	                  totals.score, "max_score", totals.max_score, "tests",
	                  tests, "extra_data", "challenge_score",
	                  totals.challenge, "challenge_max_score",
	                  totals.challenge_max);
	if (json_dump_file(grade, out_path, JSON_INDENT(2)) < 0)
		die("cannot write %s", out_path);
	json_decref(grade);
	printf("\nGrade: %.1f/%.0f points in %d chapter%s; %d test%s failed "
	       "(details in %s)\n",
	       totals.score, totals.max_score, count, count == 1 ? "" : "s",
	       totals.failures, totals.failures == 1 ? "" : "s", out_path);
	if (totals.challenge_max > 0)
		printf("Challenge: %.1f/%.0f points (optional, not in the "
		       "grade)\n",
		       totals.challenge, totals.challenge_max);
	return totals.failures ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* With only ID stubbed: ID's tests fail, every other graded test passes.
 * Program tests are not judged: they need every exercise. */
static int expect_stub(const char *id, const char *path)
{
	json_t *results = load(path), *test;
	int kept_passing = 0, others_failing = 0, tests, points;
	const char *of, *status, *name;
	bool challenge;
	size_t i;

	points = exercise_points(results, id, &tests, &challenge);
	json_array_foreach(json_object_get(results, "tests"), i, test)
	{
		of = json_string_value(json_object_get(test, "exercise"));
		status = json_string_value(json_object_get(test, "status"));
		name = json_string_value(json_object_get(test, "name"));
		if (!of)
			continue;
		if (!strcmp(of, id) && strcmp(status, "failed")) {
			printf("stub %s: test %s %s with the stub in place\n",
			       id, name, status);
			kept_passing++;
		} else if (strcmp(of, id) && strcmp(status, "passed")) {
			printf("stub %s: test %s of exercise %s %s\n", id, name,
			       of, status);
			others_failing++;
		}
	}
	json_decref(results);
	if (tests == 0 || kept_passing || others_failing) {
		printf("stub %s: FAIL (%d of its %d tests did not fail, %d "
		       "other tests did not pass)\n",
		       id, kept_passing, tests, others_failing);
		return EXIT_FAILURE;
	}
	printf("stub %s: ok, loses exactly its %d points (%d tests)\n", id,
	       points, tests);
	return EXIT_SUCCESS;
}

/* TEXT as one CSV field (RFC 4180): quoted when it holds a comma, a
 * quote or a line break, its quotes doubled. */
static void csv_field(const char *text)
{
	if (!strpbrk(text, ",\"\r\n")) {
		fputs(text, stdout);
		return;
	}
	putchar('"');
	for (; *text; text++) {
		if (*text == '"')
			putchar('"');
		putchar(*text);
	}
	putchar('"');
}

/* STUDENT's points per exercise in each of PATHS (run-tests results). */
static int csv(const char *student, char **paths, int count)
{
	json_t *results, *ex, *test;
	const char *chapter, *id, *of, *status;
	double earned;
	bool challenge;
	int points, tests, passed, i;
	size_t j, k;

	for (i = 0; i < count; i++) {
		results = load(paths[i]);
		chapter =
		        json_string_value(json_object_get(results, "chapter"));
		json_array_foreach(json_object_get(results, "exercises"), j, ex)
		{
			id = json_string_value(json_object_get(ex, "id"));
			if (!id)
				continue;
			points = exercise_points(results, id, &tests,
			                         &challenge);
			passed = 0;
			json_array_foreach(json_object_get(results, "tests"), k,
			                   test)
			{
				of = json_string_value(
				        json_object_get(test, "exercise"));
				status = json_string_value(
				        json_object_get(test, "status"));
				passed += of && status && !strcmp(of, id) &&
				          !strcmp(status, "passed");
			}
			earned = tests ? (double)points * passed / tests : 0;
			csv_field(student);
			printf(",%s,%s,%g,%d,%d\n", chapter ? chapter : "", id,
			       earned, points, challenge);
		}
		json_decref(results);
	}
	return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static json_t *load_grade(const char *path)
{
	json_error_t error;
	json_t *grade = json_load_file(path, 0, &error);

	if (!grade)
		die("%s:%d: %s", path, error.line, error.text);
	if (!json_is_array(json_object_get(grade, "tests")))
		die("%s: not a grade (no tests array)", path);
	return grade;
}

/* The graded test NAME of GRADE, or NULL. */
static json_t *graded_test(json_t *grade, const char *name)
{
	json_t *test;
	size_t i;

	json_array_foreach(json_object_get(grade, "tests"), i, test)
	{
		const char *n =
		        json_string_value(json_object_get(test, "name"));

		if (n && !strcmp(n, name) &&
		    json_number_value(json_object_get(test, "max_score")) > 0)
			return test;
	}
	return NULL;
}

/* Each graded test of FROM (read from FROM_PATH) is in TO (TO_PATH)
 * and, with SCORES, has the same score there; the differences, printed
 * and counted. */
static int compare_tests(json_t *from, json_t *to, const char *from_path,
                         const char *to_path, bool scores)
{
	json_t *test, *other;
	const char *name;
	double a, b;
	int wrong = 0;
	size_t i;

	json_array_foreach(json_object_get(from, "tests"), i, test)
	{
		if (json_number_value(json_object_get(test, "max_score")) <= 0)
			continue;
		name = json_string_value(json_object_get(test, "name"));
		other = graded_test(to, name ? name : "");
		if (!other) {
			printf("only in %s: %s\n", from_path, name);
			wrong++;
			continue;
		}
		if (!scores)
			continue;
		a = json_number_value(json_object_get(test, "score"));
		b = json_number_value(json_object_get(other, "score"));
		if (a - b > 1e-6 || b - a > 1e-6) {
			printf("%s: %g in %s, %g in %s\n", name, a, from_path,
			       b, to_path);
			wrong++;
		}
	}
	return wrong;
}

static int same(const char *path_a, const char *path_b)
{
	json_t *a = load_grade(path_a), *b = load_grade(path_b);
	double score_a = json_number_value(json_object_get(a, "score"));
	double score_b = json_number_value(json_object_get(b, "score"));
	int wrong;

	wrong = compare_tests(a, b, path_a, path_b, true) +
	        compare_tests(b, a, path_b, path_a, false);
	if (score_a - score_b > 1e-6 || score_b - score_a > 1e-6) {
		printf("total: %.1f in %s, %.1f in %s\n", score_a, path_a,
		       score_b, path_b);
		wrong++;
	}
	if (!wrong)
		printf("same grade: %.1f points\n", score_a);
	json_decref(a);
	json_decref(b);
	return wrong ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* A program test is worth nothing and is not a challenge test. */
static bool is_program_test(json_t *test)
{
	json_t *extra = json_object_get(test, "extra_data");

	return json_real_value(json_object_get(test, "max_score")) == 0 &&
	       !json_is_true(json_object_get(extra, "challenge"));
}

/* Every test of a merged grade.json passed (FULL), or every graded one
 * (max_score > 0) failed (!FULL). With SKIP_OK, a skipped test counts as
 * passed, and is listed: for the guests, whose older kernel may lack
 * what a test needs ("needs Linux 6.8"). */
static int expect_all(bool full, bool skip_ok, const char *path)
{
	json_t *grade = load_grade(path), *test;
	const char *want = full ? "passed" : "failed", *status, *output;
	int wrong = 0;
	size_t i;

	json_array_foreach(json_object_get(grade, "tests"), i, test)
	{
		status = json_string_value(json_object_get(test, "status"));
		if (!full && is_program_test(test))
			continue;
		output = json_string_value(json_object_get(test, "output"));
		if (skip_ok && output && !strncmp(output, "skipped: ", 9)) {
			printf("skipped here: %s (%s)\n",
			       json_string_value(json_object_get(test, "name")),
			       json_string_value(
			               json_object_get(test, "output")));
			continue;
		}
		if (strcmp(status, want)) {
			printf("expected %s: %s %s (%s)\n", want,
			       json_string_value(json_object_get(test, "name")),
			       status,
			       json_string_value(
			               json_object_get(test, "output")));
			wrong++;
		}
	}
	if (json_array_size(json_object_get(grade, "tests")) == 0)
		wrong++;
	json_decref(grade);
	return wrong ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--expect") &&
	    (!strcmp(argv[2], "full") || !strcmp(argv[2], "zero") ||
	     !strcmp(argv[2], "full-or-skipped")))
		return expect_all(strcmp(argv[2], "zero") != 0,
		                  !strcmp(argv[2], "full-or-skipped"), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "--expect-stub"))
		return expect_stub(argv[2], argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "--out"))
		return merge(argv[2], argv + 3, argc - 3);
	if (argc == 4 && !strcmp(argv[1], "--same"))
		return same(argv[2], argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "--csv"))
		return csv(argv[2], argv + 3, argc - 3);
	die("usage: grade --out FILE RESULTS.json... | --expect-stub ID "
	    "RESULTS.json | --expect full|full-or-skipped|zero GRADE.json | "
	    "--same A.json B.json | --csv STUDENT RESULTS.json...");
}
