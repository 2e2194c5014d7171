/* status.c - ps's STATUS, and json-file log lines. See status.h. */
#include "status.h"

#include "exercise.h"

#include <errno.h>
#include <stdbool.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* BEGIN EXERCISE 12.5 (helpers) */
/* snprintf() into BUF, -ENOSPC if it does not fit. */
static int put(char *buf, size_t size, const char *fmt, long n)
{
	int len = snprintf(buf, size, fmt, n);

	return len < 0 || (size_t)len >= size ? -ENOSPC : 0;
}
/* END EXERCISE 12.5 */

/* BEGIN EXERCISE 12.5: ps's STATUS words (10 points)
 *
 * status_duration(): the table of status.h, in that order (Docker's
 * go-units HumanDuration; the hours are rounded, (seconds + 1800) / 3600,
 * the other units are not). status_line(): "Created", "Up " + duration
 * (+ " (Paused)"), "Exited (N) " + duration + " ago".
 *
 * stub: int status_duration(long seconds, char *buf, size_t size)
 * stub: {
 * stub: 	return exercise_todo("12.5", seconds, buf, size);
 * stub: }
 * stub:
 * stub: int status_line(const char *status, int exit_code, long seconds,
 * stub:                 char *buf, size_t size)
 * stub: {
 * stub: 	return exercise_todo("12.5", status, exit_code, seconds, buf, size);
 * stub: }
 */
int status_duration(long seconds, char *buf, size_t size)
{
	long minutes = seconds / 60, hours = (seconds + 1800) / 3600;

	if (seconds < 1)
		return put(buf, size, "Less than a second", 0);
	if (seconds == 1)
		return put(buf, size, "1 second", 0);
	if (seconds < 60)
		return put(buf, size, "%ld seconds", seconds);
	if (minutes == 1)
		return put(buf, size, "About a minute", 0);
	if (minutes < 60)
		return put(buf, size, "%ld minutes", minutes);
	if (hours == 1)
		return put(buf, size, "About an hour", 0);
	if (hours < 48)
		return put(buf, size, "%ld hours", hours);
	if (hours < 24 * 7 * 2)
		return put(buf, size, "%ld days", hours / 24);
	if (hours < 24 * 30 * 2)
		return put(buf, size, "%ld weeks", hours / 24 / 7);
	if (hours < 24 * 365 * 2)
		return put(buf, size, "%ld months", hours / 24 / 30);
	return put(buf, size, "%ld years", seconds / 3600 / 24 / 365);
}

int status_line(const char *status, int exit_code, long seconds, char *buf,
                size_t size)
{
	char duration[64];
	int len;

	if (!strcmp(status, "created"))
		return put(buf, size, "Created", 0);
	if (strcmp(status, "running") && strcmp(status, "paused") &&
	    strcmp(status, "exited"))
		return -EINVAL;
	if (status_duration(seconds, duration, sizeof(duration)) < 0)
		return -ENOSPC;
	if (!strcmp(status, "exited"))
		len = snprintf(buf, size, "Exited (%d) %s ago", exit_code,
		               duration);
	else
		len = snprintf(buf, size, "Up %s%s", duration,
		               strcmp(status, "paused") ? "" : " (Paused)");
	return len < 0 || (size_t)len >= size ? -ENOSPC : 0;
}
/* END EXERCISE 12.5 */

/* BEGIN EXERCISE 12.6: A json-file log line, written and read back (10 points)
 *
 * log_line(): json_pack() with "s%" (a string and its length: the output
 * may hold NUL bytes) for "log", then "stream" ("stdout" or "stderr") and
 * "time"; json_dumps() it compact, and add the "\n". log_parse():
 * json_loads() with JSON_ALLOW_NUL; the "log" string with
 * json_string_length() (not strlen: NULs), copied with malloc and
 * memcpy; "stream" must be "stdout" or "stderr".
 *
 * stub: char *log_line(int stream, const char *bytes, size_t n, const char *when)
 * stub: {
 * stub: 	exercise_todo("12.6", stream, bytes, n, when);
 * stub: 	return NULL;
 * stub: }
 * stub:
 * stub: int log_parse(const char *line, int *ret_stream, char **ret_bytes,
 * stub:               size_t *ret_len)
 * stub: {
 * stub: 	return exercise_todo("12.6", line, ret_stream, ret_bytes, ret_len);
 * stub: }
 */
char *log_line(int stream, const char *bytes, size_t n, const char *when)
{
	json_t *doc =
	        json_pack("{s:s%, s:s, s:s}", "log", bytes, n, "stream",
	                  stream == 2 ? "stderr" : "stdout", "time", when);
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL, *line;
	size_t len;

	json_decref(doc);
	if (!text)
		return NULL;
	len = strlen(text);
	line = realloc(text, len + 2);
	if (!line) {
		free(text);
		return NULL;
	}
	line[len] = '\n';
	line[len + 1] = '\0';
	return line;
}

int log_parse(const char *line, int *ret_stream, char **ret_bytes,
              size_t *ret_len)
{
	json_t *doc = json_loads(line, JSON_ALLOW_NUL, NULL);
	json_t *log = json_object_get(doc, "log");
	const char *stream = json_string_value(json_object_get(doc, "stream"));
	size_t n = json_string_length(log);
	char *bytes;

	if (!json_is_string(log) || !stream ||
	    (strcmp(stream, "stdout") && strcmp(stream, "stderr"))) {
		json_decref(doc);
		return -EINVAL;
	}
	bytes = malloc(n + 1);
	if (!bytes) {
		json_decref(doc);
		return -ENOMEM;
	}
	memcpy(bytes, json_string_value(log), n);
	bytes[n] = '\0';
	*ret_stream = strcmp(stream, "stderr") ? 1 : 2;
	*ret_bytes = bytes;
	*ret_len = n;
	json_decref(doc);
	return 0;
}
/* END EXERCISE 12.6 */

int status_next(const char *status, const char *action, int force,
                const char **ret_status)
{
	/* BEGIN EXERCISE 12.7: A container's lifecycle (15 points)
	 *
	 * The table of status.h, as code: first refuse (400) a STATUS
	 * that is none of the four and an ACTION that is none of the six;
	 * then answer each action. Set *RET_STATUS only with 204.
	 *
	 * stub: return exercise_todo("12.7", status, action, force, ret_status);
	 */
	bool running = !strcmp(status, "running"),
	     paused = !strcmp(status, "paused");
	bool created = !strcmp(status, "created"),
	     exited = !strcmp(status, "exited");

	if (!running && !paused && !created && !exited)
		return 400;
	if (!strcmp(action, "start")) {
		if (running || paused)
			return 304;
		*ret_status = "running";
		return 204;
	}
	if (!strcmp(action, "stop") || !strcmp(action, "kill")) {
		if (created || exited)
			return action[0] == 's' ? 304 : 409;
		*ret_status = "exited";
		return 204;
	}
	if (!strcmp(action, "pause") || !strcmp(action, "unpause")) {
		if (action[0] == 'p' ? !running : !paused)
			return 409;
		*ret_status = action[0] == 'p' ? "paused" : "running";
		return 204;
	}
	if (!strcmp(action, "remove")) {
		if ((running || paused) && !force)
			return 409;
		*ret_status = "removed";
		return 204;
	}
	return 400;
	/* END EXERCISE 12.7 */
}
