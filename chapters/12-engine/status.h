/* status.h - what `docker ps` says of a container, and its log's lines.
 *
 * ps's STATUS column is made from the container's status, its exit code
 * and how long ago it started or ended, in the words of Docker's
 * go-units HumanDuration: "Up 3 seconds", "Exited (0) About a minute
 * ago". Its output is kept as Docker's json-file driver keeps it, one
 * JSON document per chunk the container wrote:
 *
 *	{"log":"hello\n","stream":"stdout","time":"2026-11-29T05:01:02.123456789Z"}
 *
 * which `docker logs` reads back. Functions return 0 or -errno and never
 * print.
 */
#ifndef BOXLAB_STATUS_H
#define BOXLAB_STATUS_H

#include <stddef.h>

/* SECONDS in HumanDuration's words, into BUF: below 1 "Less than a
 * second"; 1 "1 second"; below 60 "N seconds"; then whole minutes: 1
 * "About a minute", below 60 "N minutes"; then hours, rounded to the
 * nearest: 1 "About an hour", below 48 "N hours"; below 14 days "N days"
 * (hours / 24); below 60 days "N weeks" (hours / 24 / 7); below 730 days
 * "N months" (hours / 24 / 30); else "N years" (whole hours / 24 / 365).
 * Returns 0, or -ENOSPC if it does not fit in SIZE. */
int status_duration(long seconds, char *buf, size_t size);

/* ps's STATUS for a container whose STATUS is "created", "running",
 * "paused" or "exited": "Created", "Up DURATION", "Up DURATION (Paused)",
 * "Exited (EXIT_CODE) DURATION ago"; SECONDS is the time since it
 * started (running, paused) or ended (exited). Returns 0, -EINVAL for
 * another status, or -ENOSPC. */
int status_line(const char *status, int exit_code, long seconds, char *buf,
                size_t size);

/* The json-file line (with its newline) for N bytes of output BYTES on
 * STREAM (1 stdout, 2 stderr) at time WHEN (RFC 3339): malloc'd, or NULL
 * if out of memory. BYTES may hold any byte, NUL included: jansson
 * escapes them. */
char *log_line(int stream, const char *bytes, size_t n, const char *when);

/* Read LINE back: its stream (1 or 2) in *RET_STREAM and its output in
 * *RET_BYTES (malloc'd, *RET_LEN bytes). Returns 0, or -EINVAL for a line
 * that is not one (not JSON, no "log" string, a "stream" other than
 * "stdout" or "stderr"). */
int log_parse(const char *line, int *ret_stream, char **ret_bytes,
              size_t *ret_len);

/* What an action does to a container in STATUS ("created", "running",
 * "paused", "exited"), as the API answers it: the status it leads to, or
 * why not. ACTION is "start", "stop", "kill", "pause", "unpause",
 * "remove" (FORCE: `rm -f`, which stops a running one first).
 *	start	created, exited -> running; running, paused: nothing to do
 *	stop	running, paused -> exited; created, exited: nothing to do
 *	kill	running, paused -> exited; else refused
 *	pause	running -> paused; else refused
 *	unpause	paused -> running; else refused
 *	remove	created, exited -> removed; running, paused -> removed
 *		with FORCE, else refused
 * Returns the HTTP status of the answer: 204 (done: *RET_STATUS is the
 * new one), 304 (nothing to do: it stays), 409 (refused: a conflict), or
 * 400 for an action or a status that is not one. */
int status_next(const char *status, const char *action, int force,
                const char **ret_status);

#endif
