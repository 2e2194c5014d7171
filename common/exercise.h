/* exercise.h - what an exercise stub calls until the student replaces it.
 *
 * Every exercise in exercises/ starts as a stub like
 *
 *	return exercise_todo("1.1", line, ret_stat);
 *
 * The stub compiles without warnings (the arguments after the id are
 * passed along only so the compiler sees them used), returns -ENOSYS so
 * the caller fails the way it would on any error, and the first time each
 * exercise is reached it says so on stderr:
 *
 *	boxlab: exercise 1.1 is not implemented yet
 *(exercises/01-process-tree/proc.c)
 *
 * Set BOXLAB_QUIET_TODO=1 to silence that line (the grader does; it
 * reports the same thing in its own table).
 */
#ifndef BOXLAB_EXERCISE_H
#define BOXLAB_EXERCISE_H

#include <stdbool.h>

/* Report that exercise ID is still a stub. Returns -ENOSYS. The trailing
 * arguments are ignored. */
#define exercise_todo(id, ...) exercise_todo_at(id, __FILE__, ##__VA_ARGS__)

int exercise_todo_at(const char *id, const char *file, ...);

/* The id of the last stub this process reached ("1.1"), or NULL if none.
 * Tests use it to say "exercise 1.1 is not implemented yet" instead of a
 * bare error code. */
const char *exercise_todo_last(void);

#endif
