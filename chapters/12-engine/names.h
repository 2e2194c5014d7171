/* names.h - a container by what the user typed: its ID, a prefix of it,
 * or its name.
 *
 * A container has a 64-hex-digit ID and a name ("/web": Docker keeps the
 * leading slash, a relic of links). `docker stop web`, `docker stop /web`,
 * `docker stop 3f2a` and the full ID all name it. Docker decides in this
 * order (moby's daemon.GetContainer): a full ID, then a name, then a
 * unique prefix of an ID; a prefix that starts two IDs is an error, not
 * a guess. Functions return 0 or -errno and never print.
 */
#ifndef BOXLAB_NAMES_H
#define BOXLAB_NAMES_H

#include <stddef.h>

/* Whether NAME (with or without one leading "/") may name a container:
 * Docker's [a-zA-Z0-9][a-zA-Z0-9_.-]+, so two characters at least, a
 * letter or digit first. Returns 0 or -EINVAL. */
int name_valid(const char *name);

/* Which of N containers REF means: IDS[i] is container i's ID, NAMES[i]
 * its name with its leading "/" (NULL: it has none). In order: an ID
 * equal to REF; a name equal to REF, or to "/" + REF; an ID that REF
 * starts (a prefix of one character or more). Returns the index i,
 * -ENOENT if none matches, -EEXIST if REF is a prefix of two IDs or
 * more and no ID or name is equal to it, or -EINVAL for an empty REF. */
int name_resolve(const char *ref, const char *const ids[],
                 const char *const names[], size_t n);

#endif
