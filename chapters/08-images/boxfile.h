/* boxfile.h - the build recipe: a Dockerfile, by another name.
 *
 *	# a comment
 *	FROM busybox
 *	ENV GREETING="hello world" LANG=C
 *	RUN mkdir /data \
 *	    && echo "$GREETING" > /data/hello
 *	COPY app.sh /usr/local/bin/
 *	CMD ["sh", "/usr/local/bin/app.sh"]
 *
 * One instruction per logical line: a line ending in a backslash goes on
 * on the next; lines that start with "#" are comments (also between
 * continued lines) and empty lines are skipped. The keyword is
 * case-insensitive. RUN, CMD and ENTRYPOINT take a JSON array ("exec
 * form", run as it is) or a string ("shell form", run by /bin/sh -c).
 * No C library parses Dockerfiles, so this is the lesson's own parser.
 * See the Dockerfile reference (docs.docker.com/reference/dockerfile/).
 */
#ifndef BOXLAB_BOXFILE_H
#define BOXLAB_BOXFILE_H

#include <stdbool.h>
#include <stddef.h>

enum boxfile_op {
	BOXFILE_FROM,       /* FROM IMAGE[:TAG] */
	BOXFILE_RUN,        /* RUN CMD or RUN ["prog", "arg"] */
	BOXFILE_COPY,       /* COPY SRC... DEST (from the build context) */
	BOXFILE_ADD,        /* ADD SRC... DEST (a local tar is unpacked) */
	BOXFILE_ENV,        /* ENV K=V [K=V...], or ENV K V (one) */
	BOXFILE_WORKDIR,    /* WORKDIR /path */
	BOXFILE_USER,       /* USER uid[:gid] */
	BOXFILE_CMD,        /* CMD, like RUN */
	BOXFILE_ENTRYPOINT, /* ENTRYPOINT, like RUN */
	BOXFILE_LABEL,      /* LABEL K=V [K=V...] */
};

/* The keywords, in the order of enum boxfile_op, then NULL. */
extern const char *const boxfile_keywords[];

/* One instruction. */
struct boxfile_instr {
	enum boxfile_op op;
	int line;    /* the line it starts on, from 1 */
	char *text;  /* the instruction as written, continuations joined
	              * with a space: "RUN mkdir /data && ..." (history) */
	char **args; /* its arguments, NULL-terminated (see below) */
	size_t n_args;
	bool exec_form; /* RUN/CMD/ENTRYPOINT given as a JSON array */
};

/* What boxfile_parse_line() puts in ARGS:
 *   FROM, WORKDIR, USER: the one word;
 *   RUN, CMD, ENTRYPOINT: the array's strings (exec form), or the whole
 *     rest of the line as one string (shell form); text that starts
 *     with "[" but is not JSON is the shell form, as in Docker ("RUN
 *     [ -f /x ] && ..."); CMD [] and ENTRYPOINT [] have no arguments;
 *   COPY, ADD: the words, the last one the destination (at least two;
 *     the JSON array form too); options (--from, --chown) are refused;
 *   ENV, LABEL: "KEY=VALUE" strings, the values unquoted ("a b" and
 *     a\ b are both `a b`); the old form "ENV KEY VALUE" gives one
 *     "KEY=VALUE" with the rest of the line, as it is, as the value.
 * Words are split at spaces as a shell would, with nothing expanded
 * ($VAR stays as it is): '...' keeps all it holds, "..." all but \",
 * \\ and \$, which lose their backslash, and outside quotes a
 * backslash keeps the next character (a\ b is one word). */

/* Parse one logical LINE (continuations already joined, no comment) that
 * started on line NUMBER into RET. Returns 0, or -EINVAL with a message
 * in *RET_ERROR (a static string: "unknown instruction", "FROM needs one
 * image", "unterminated quote", "bad JSON array"...), or -ENOMEM ("out
 * of memory"). On failure *RET is left as it was, with nothing to free.
 * The JSON array form is read with jansson. */
int boxfile_parse_line(const char *line, int number, struct boxfile_instr *ret,
                       const char **ret_error);

/* Free what boxfile_parse_line() allocated in INSTR. */
void boxfile_instr_free(struct boxfile_instr *instr);

/* A whole Boxfile. */
struct boxfile {
	struct boxfile_instr *instrs;
	size_t n_instrs;
};

/* Where a Boxfile went wrong. */
struct boxfile_error {
	int line;         /* the line number, from 1 */
	const char *what; /* the message, static */
};

/* Read the Boxfile TEXT (all of it, NUL-terminated): split it into
 * logical lines (comments, empty lines, continuations), parse each with
 * boxfile_parse_line(), and check the order (the first instruction must
 * be FROM; a Boxfile without any is refused too). Returns 0, or -EINVAL
 * (or -ENOMEM) with ERR filled in: the line the instruction starts on. */
int boxfile_parse(const char *text, struct boxfile *ret,
                  struct boxfile_error *err);

/* Free what boxfile_parse() allocated. */
void boxfile_free(struct boxfile *boxfile);

#endif
