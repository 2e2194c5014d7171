/* test_status.c - ps's STATUS words (12.5) and json-file lines (12.6). */
#include "harness.h"
#include "status.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* status_duration(SECONDS) is TEXT. */
static void duration_is(long seconds, const char *text)
{
	char buf[64] = "";

	ck_assert_ok(status_duration(seconds, buf, sizeof(buf)),
	             "status_duration");
	ck_assert_msg(!strcmp(buf, text),
	              "status_duration(%ld): \"%s\", expected \"%s\"", seconds,
	              buf, text);
}

START_TEST(durations_in_docker_words)
{
	duration_is(0, "Less than a second");
	duration_is(1, "1 second");
	duration_is(59, "59 seconds");
	duration_is(60, "About a minute");
	duration_is(119, "About a minute");
	duration_is(120, "2 minutes");
	duration_is(3599, "59 minutes");
	duration_is(3600, "About an hour");
	duration_is(5399, "About an hour");
	duration_is(5400, "2 hours");
	duration_is(47 * 3600, "47 hours");
	duration_is(48 * 3600, "2 days");
	duration_is(13 * 86400, "13 days");
	duration_is(14 * 86400, "2 weeks");
	duration_is(59 * 86400, "8 weeks");
	duration_is(60 * 86400, "2 months");
	duration_is(729 * 86400, "24 months");
	duration_is(730 * 86400, "2 years");
}
END_TEST

START_TEST(status_lines_as_ps_shows_them)
{
	char buf[64];

	ck_assert_ok(status_line("created", 0, 5, buf, sizeof(buf)), "created");
	ck_assert_str_eq(buf, "Created");
	ck_assert_ok(status_line("running", 0, 3, buf, sizeof(buf)), "running");
	ck_assert_str_eq(buf, "Up 3 seconds");
	ck_assert_ok(status_line("paused", 0, 90, buf, sizeof(buf)), "paused");
	ck_assert_str_eq(buf, "Up About a minute (Paused)");
	ck_assert_ok(status_line("exited", 137, 7200, buf, sizeof(buf)),
	             "exited");
	ck_assert_str_eq(buf, "Exited (137) 2 hours ago");
	ck_assert_err(status_line("sleeping", 0, 1, buf, sizeof(buf)), -EINVAL,
	              "an unknown status");
	ck_assert_err(status_line("exited", 0, 1, buf, 8), -ENOSPC,
	              "a buffer too small");
}
END_TEST

/* What Docker's json-file driver writes, NUL bytes and quotes included,
 * and read back the same. */
START_TEST(log_lines_round_trip)
{
	static const char out[] = "say \"hi\"\n\0tab\t";
	char *line, *bytes;
	size_t len;
	json_t *doc;
	int stream;

	line = log_line(2, out, sizeof(out) - 1, "2026-11-29T05:01:02.5Z");
	ck_assert_ptr_nonnull(line);
	ck_assert_msg(line[strlen(line) - 1] == '\n', "no newline: %s", line);
	doc = json_loads(line, JSON_ALLOW_NUL, NULL);
	ck_assert_msg(doc, "not JSON: %s", line);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "stream")),
	                 "stderr");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "time")),
	                 "2026-11-29T05:01:02.5Z");
	ck_assert_uint_eq(json_string_length(json_object_get(doc, "log")),
	                  sizeof(out) - 1);
	json_decref(doc);
	ck_assert_ok(log_parse(line, &stream, &bytes, &len), "log_parse");
	ck_assert_int_eq(stream, 2);
	ck_assert_uint_eq(len, sizeof(out) - 1);
	ck_assert_mem_eq(bytes, out, len);
	free(bytes);
	free(line);
	ck_assert_err(log_parse("{\"log\": \"x\", \"stream\": \"stdin\"}",
	                        &stream, &bytes, &len),
	              -EINVAL, "a stream that is not stdout or stderr");
	ck_assert_err(log_parse("not json", &stream, &bytes, &len), -EINVAL,
	              "a line that is not JSON");
}
END_TEST

/* status_next(STATUS, ACTION, FORCE) answers CODE (and NEXT with 204). */
static void next_is(const char *status, const char *action, int force, int code,
                    const char *next)
{
	const char *got = "untouched";
	int ret = status_next(status, action, force, &got);

	ck_assert_msg(ret == code, "%s of a %s container: %d, expected %d",
	              action, status, ret, code);
	ck_assert_msg(code != 204 ? !strcmp(got, "untouched")
	                          : !strcmp(got, next),
	              "%s of a %s container leads to \"%s\", expected \"%s\"",
	              action, status, got, code == 204 ? next : "untouched");
}

START_TEST(lifecycle_moves)
{
	next_is("created", "start", 0, 204, "running");
	next_is("exited", "start", 0, 204, "running");
	next_is("running", "stop", 0, 204, "exited");
	next_is("paused", "stop", 0, 204, "exited");
	next_is("running", "kill", 0, 204, "exited");
	next_is("running", "pause", 0, 204, "paused");
	next_is("paused", "unpause", 0, 204, "running");
	next_is("created", "remove", 0, 204, "removed");
	next_is("exited", "remove", 0, 204, "removed");
	next_is("running", "remove", 1, 204, "removed");
}
END_TEST

START_TEST(lifecycle_refusals)
{
	next_is("running", "start", 0, 304, NULL);
	next_is("paused", "start", 0, 304, NULL);
	next_is("exited", "stop", 0, 304, NULL);
	next_is("created", "stop", 0, 304, NULL);
	next_is("exited", "kill", 0, 409, NULL);
	next_is("exited", "pause", 0, 409, NULL);
	next_is("running", "unpause", 0, 409, NULL);
	next_is("running", "remove", 0, 409, NULL);
	next_is("paused", "remove", 0, 409, NULL);
	next_is("sleeping", "start", 0, 400, NULL);
	next_is("running", "jump", 0, 400, NULL);
}
END_TEST

const struct graded_test status_tests[] = {
	GRADED("12.5", durations_in_docker_words),
	GRADED("12.5", status_lines_as_ps_shows_them),
	GRADED("12.6", log_lines_round_trip),
	GRADED("12.7", lifecycle_moves),
	GRADED("12.7", lifecycle_refusals),
	{ 0 },
};
