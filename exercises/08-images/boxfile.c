/* boxfile.c - read a Boxfile: first the logical lines, then one
 * instruction from each. See boxfile.h for the contracts.
 *
 * The first half (boxfile_parse()) is given: it cuts the text into
 * logical lines the way docker build does, and knows nothing of what an
 * instruction means. The second half, boxfile_parse_line(), is the
 * exercise: the words of one instruction, with the quotes and escapes a
 * shell would take out, and the JSON array form read by jansson.
 */
#include "boxfile.h"

#include "exercise.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const boxfile_keywords[] = {
	[BOXFILE_FROM] = "FROM",
	[BOXFILE_RUN] = "RUN",
	[BOXFILE_COPY] = "COPY",
	[BOXFILE_ADD] = "ADD",
	[BOXFILE_ENV] = "ENV",
	[BOXFILE_WORKDIR] = "WORKDIR",
	[BOXFILE_USER] = "USER",
	[BOXFILE_CMD] = "CMD",
	[BOXFILE_ENTRYPOINT] = "ENTRYPOINT",
	[BOXFILE_LABEL] = "LABEL",
	NULL,
};

void boxfile_instr_free(struct boxfile_instr *instr)
{
	size_t i;

	if (!instr)
		return;
	for (i = 0; i < instr->n_args; i++)
		free(instr->args[i]);
	free(instr->args);
	free(instr->text);
	instr->args = NULL;
	instr->n_args = 0;
	instr->text = NULL;
}

void boxfile_free(struct boxfile *boxfile)
{
	size_t i;

	if (!boxfile)
		return;
	for (i = 0; i < boxfile->n_instrs; i++)
		boxfile_instr_free(&boxfile->instrs[i]);
	free(boxfile->instrs);
	boxfile->instrs = NULL;
	boxfile->n_instrs = 0;
}

/* EXERCISE 8.6: your own helper functions can go here. */

int boxfile_parse_line(const char *line, int number, struct boxfile_instr *ret,
                       const char **ret_error)
{
	/* EXERCISE 8.6: Parse a Boxfile instruction (15 points)
	 *
	 * Read one instruction into *RET (see boxfile.h for what ARGS holds):
	 *   - the keyword, compared with boxfile_keywords[] ignoring case
	 *     (strncasecmp(3)); TEXT: the line without the spaces around
	 *     it; LINE: NUMBER;
	 *   - RUN, CMD, ENTRYPOINT: if the rest starts with "[" and
	 *     json_loads() reads it, it must be an array of strings, which
	 *     are ARGS, with EXEC_FORM set; if it is not JSON at all it is
	 *     the shell form, as in Docker ("RUN [ -f /x ] && ..."): the
	 *     rest is the one argument;
	 *   - COPY, ADD: the JSON array or the words, the last one the
	 *     destination; a first word starting with "--" is an option we
	 *     do not support (say so rather than copy a file "--chown=1");
	 *   - FROM, WORKDIR, USER: exactly one word;
	 *   - ENV, LABEL: words, each KEY=VALUE with a KEY; ENV also takes
	 *     the old "ENV KEY VALUE", the value the rest of the line as it
	 *     is.
	 * Words are split as a shell would, without expanding $VARIABLES:
	 * spaces separate them; '...' keeps everything as it is; "..."
	 * keeps everything but \" \\ \$, which lose their backslash;
	 * outside quotes a backslash keeps the next character (a\ b is one
	 * word). A small struct for the words you collect (a growing,
	 * NULL-terminated array) and a splitter that takes one character at
	 * a time keep the functions short.
	 * On failure return -EINVAL with *RET_ERROR one of these messages,
	 * exactly (the tests compare them):
	 *   "unknown instruction"   "unterminated quote"   "bad JSON array"
	 *   "FROM needs one image"  "WORKDIR needs one path"
	 *   "USER needs one user"   "RUN needs a command" (CMD, ENTRYPOINT
	 *   likewise)  "COPY needs a source and a destination" (ADD too)
	 *   "ENV needs KEY=VALUE" (LABEL too)
	 *   "options such as --from or --chown are not supported"
	 * or -ENOMEM with "out of memory". Free what you allocated and leave
	 * *RET alone.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("8.6", line, number, ret, ret_error);
}

/* --- logical lines (given) ------------------------------------------- */

/* A logical line being put together. */
struct logical {
	char *text; /* the line so far, NUL-terminated */
	size_t len, size;
	int first; /* the physical line it started on, or 0: none yet */
};

/* Append the LEN bytes at PART to L, with one space before it if L holds
 * something already (continuations are joined with a space). */
static int logical_add(struct logical *l, const char *part, size_t len)
{
	size_t need = l->len + 1 + len + 1;
	char *text;

	if (need > l->size) {
		text = realloc(l->text, need * 2);
		if (!text)
			return -ENOMEM;
		l->text = text;
		l->size = need * 2;
	}
	if (l->len > 0)
		l->text[l->len++] = ' ';
	memcpy(l->text + l->len, part, len);
	l->len += len;
	l->text[l->len] = '\0';
	return 0;
}

/* One physical line, START to END (the newline or the NUL), of a Boxfile
 * into L. Returns 1 when L is a whole logical line, 0 when more is to
 * come (or nothing began: an empty line, a comment), or -ENOMEM. */
static int take_line(struct logical *l, const char *start, const char *end,
                     int number)
{
	bool more = false;
	int err;

	while (start < end && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--; /* "\r" too: a Boxfile written on Windows */
	if (start == end || *start == '#')
		return 0; /* skipped, even between continued lines */
	if (end[-1] == '\\') {
		more = true; /* a continuation: "\" and any spaces after it */
		for (end--; end > start && isspace((unsigned char)end[-1]);)
			end--;
	}
	if (l->first == 0)
		l->first = number;
	err = logical_add(l, start, (size_t)(end - start));
	if (err < 0)
		return err;
	return !more;
}

/* Add the instruction in L to RET (L is emptied). */
static int add_instruction(struct logical *l, struct boxfile *ret,
                           struct boxfile_error *err)
{
	struct boxfile_instr *instrs, instr;
	int status;

	status = boxfile_parse_line(l->text, l->first, &instr, &err->what);
	err->line = l->first;
	l->len = 0;
	l->first = 0;
	if (status < 0)
		return status;
	if (ret->n_instrs == 0 && instr.op != BOXFILE_FROM) {
		boxfile_instr_free(&instr);
		err->what = "the first instruction must be FROM";
		return -EINVAL;
	}
	instrs = realloc(ret->instrs, (ret->n_instrs + 1) * sizeof(*instrs));
	if (!instrs) {
		boxfile_instr_free(&instr);
		err->what = "out of memory";
		return -ENOMEM;
	}
	ret->instrs = instrs;
	ret->instrs[ret->n_instrs++] = instr;
	return 0;
}

int boxfile_parse(const char *text, struct boxfile *ret,
                  struct boxfile_error *err)
{
	struct boxfile boxfile = { 0 };
	struct logical l = { 0 };
	const char *start, *end;
	int number = 0, status = 0;

	err->line = 0;
	err->what = NULL;

	for (start = text; status == 0 && *start; start = end + !!*end) {
		end = strchrnul(start, '\n');
		status = take_line(&l, start, end, ++number);
		if (status == 1)
			status = add_instruction(&l, &boxfile, err);
	}
	if (status == 0 && l.first) /* the last line ended in "\" */
		status = add_instruction(&l, &boxfile, err);
	if (status == 0 && boxfile.n_instrs == 0) {
		err->line = 1;
		err->what = "no instruction: a Boxfile starts with FROM";
		status = -EINVAL;
	}
	if (status == -ENOMEM && !err->what)
		err->what = "out of memory";
	free(l.text);
	if (status < 0) {
		boxfile_free(&boxfile);
		return status;
	}
	*ret = boxfile;
	return 0;
}
