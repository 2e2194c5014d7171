/* exercise.c - the stub's side of an unfinished exercise. */
#include "exercise.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The last stub reached; per process, which is what a forked test needs. */
static const char *last_todo;

/* The first stub a process reaches is reported; later ones would only
 * repeat the news, once per /proc entry in ptree's case. */
static bool already_reported(const char *id)
{
	bool seen = last_todo && strcmp(last_todo, id) == 0;

	last_todo = id;
	return seen;
}

int exercise_todo_at(const char *id, const char *file, ...)
{
	const char *quiet = getenv("BOXLAB_QUIET_TODO");

	if (!already_reported(id) && !(quiet && *quiet == '1'))
		fprintf(stderr,
		        "boxlab: exercise %s is not implemented yet (%s)\n", id,
		        file);
	return -ENOSYS;
}

const char *exercise_todo_last(void)
{
	return last_todo;
}
