/* status.c - ps's STATUS, and json-file log lines. See status.h. */
#include "status.h"

#include "exercise.h"

#include <errno.h>
#include <stdbool.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EXERCISE 12.5: your own helper functions can go here. */

/* EXERCISE 12.5: ps's STATUS words (10 points)
 *
 * status_duration(): the table of status.h, in that order (Docker's
 * go-units HumanDuration; the hours are rounded, (seconds + 1800) / 3600,
 * the other units are not). status_line(): "Created", "Up " + duration
 * (+ " (Paused)"), "Exited (N) " + duration + " ago".
 *
 * stub:
 * Replace the stub below with your code.
 */
int status_duration(long seconds, char *buf, size_t size)
{
	return exercise_todo("12.5", seconds, buf, size);
}
int status_line(const char *status, int exit_code, long seconds,
                char *buf, size_t size)
{
	return exercise_todo("12.5", status, exit_code, seconds, buf, size);
}

/* EXERCISE 12.6: A json-file log line, written and read back (10 points)
 *
 * log_line(): json_pack() with "s%" (a string and its length: the output
 * may hold NUL bytes) for "log", then "stream" ("stdout" or "stderr") and
 * "time"; json_dumps() it compact, and add the "\n". log_parse():
 * json_loads() with JSON_ALLOW_NUL; the "log" string with
 * json_string_length() (not strlen: NULs), copied with malloc and
 * memcpy; "stream" must be "stdout" or "stderr".
 *
 * stub:
 * Replace the stub below with your code.
 */
char *log_line(int stream, const char *bytes, size_t n, const char *when)
{
	exercise_todo("12.6", stream, bytes, n, when);
	return NULL;
}
int log_parse(const char *line, int *ret_stream, char **ret_bytes,
              size_t *ret_len)
{
	return exercise_todo("12.6", line, ret_stream, ret_bytes, ret_len);
}

int status_next(const char *status, const char *action, int force,
                const char **ret_status)
{
	/* EXERCISE 12.7: A container's lifecycle (15 points)
	 *
	 * The table of status.h, as code: first refuse (400) a STATUS
	 * that is none of the four and an ACTION that is none of the six;
	 * then answer each action. Set *RET_STATUS only with 204.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("12.7", status, action, force, ret_status);
}
