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

/* BEGIN EXERCISE 8.6 (helpers) */
/* A growing list of words: the ARGS of the instruction being read. */
struct words {
	char **v; /* NULL-terminated once a word is in */
	size_t n;
};

/* Add the LEN bytes at WORD to W as a new string. Returns 0 or -ENOMEM. */
static int words_add(struct words *w, const char *word, size_t len)
{
	char **v = realloc(w->v, (w->n + 2) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	w->v = v;
	v[w->n] = strndup(word, len);
	if (!v[w->n])
		return -ENOMEM;
	v[++w->n] = NULL;
	return 0;
}

static void words_free(struct words *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

/* Where the word splitter is. */
struct splitter {
	const char *p; /* the next character */
	char *word;    /* the word read so far (as long as the text) */
	size_t len;
	bool in_word; /* a word has begun: even "" is a word */
	char quote;   /* '\'' or '"' inside quotes, else 0 */
};

/* Take one character (two for an escape) into the word. Returns true for
 * a space outside quotes: the end of a word, if one has begun. */
static bool take_char(struct splitter *s)
{
	char c = *s->p++;

	if (s->quote == '\'') { /* '...': nothing is special but ' */
		if (c == '\'')
			s->quote = 0;
		else
			s->word[s->len++] = c;
		return false;
	}
	if (!s->quote && isspace((unsigned char)c))
		return true;
	s->in_word = true;
	if (c == '"' && s->quote == '"')
		s->quote = 0;
	else if (!s->quote && (c == '\'' || c == '"'))
		s->quote = c;
	else if (c == '\\' && *s->p && (!s->quote || strchr("\"\\$", *s->p)))
		s->word[s->len++] = *s->p++; /* "\"" and a\ b, as sh(1) */
	else
		s->word[s->len++] = c;
	return false;
}

/* Split TEXT into words as a shell would, without expanding anything:
 * spaces separate words, quotes and backslashes are taken out. */
static int split_words(const char *text, struct words *ret,
                       const char **ret_error)
{
	struct splitter s = { .p = text };
	int err = 0;

	s.word = malloc(strlen(text) + 1);
	if (!s.word)
		return -ENOMEM;
	while (*s.p && err == 0) {
		if (take_char(&s) && s.in_word) {
			err = words_add(ret, s.word, s.len);
			s.in_word = false;
			s.len = 0;
		}
	}
	if (err == 0 && s.quote) {
		*ret_error = "unterminated quote";
		err = -EINVAL;
	}
	if (err == 0 && s.in_word)
		err = words_add(ret, s.word, s.len);
	free(s.word);
	return err;
}

/* The exec form: if TEXT is a JSON array, its strings go in RET.
 * Returns 1 if it was one, 0 if TEXT is not JSON at all (Docker then
 * takes it as the shell form: "RUN [ -f x ] && ..." is a command), or
 * -EINVAL if it is JSON but not an array of strings. */
static int json_words(const char *text, struct words *ret)
{
	json_t *array, *item;
	int err = 0;
	size_t i;

	if (text[0] != '[')
		return 0;
	array = json_loads(text, 0, NULL);
	if (!array)
		return 0;
	if (!json_is_array(array))
		err = -EINVAL;
	json_array_foreach(array, i, item)
	{
		if (err == 0 && !json_is_string(item))
			err = -EINVAL;
		if (err == 0)
			err = words_add(ret, json_string_value(item),
			                json_string_length(item));
	}
	json_decref(array);
	return err < 0 ? err : 1;
}

/* What each instruction takes: the fewest and the most words (0: no
 * limit), and what to say when it gets another number. */
static const struct boxfile_rule {
	size_t min, max;
	const char *error;
} rules[] = {
	[BOXFILE_FROM] = { 1, 1, "FROM needs one image" },
	[BOXFILE_RUN] = { 1, 0, "RUN needs a command" },
	[BOXFILE_COPY] = { 2, 0, "COPY needs a source and a destination" },
	[BOXFILE_ADD] = { 2, 0, "ADD needs a source and a destination" },
	[BOXFILE_ENV] = { 1, 0, "ENV needs KEY=VALUE" },
	[BOXFILE_WORKDIR] = { 1, 1, "WORKDIR needs one path" },
	[BOXFILE_USER] = { 1, 1, "USER needs one user" },
	[BOXFILE_CMD] = { 0, 0, "CMD needs a command" },
	[BOXFILE_ENTRYPOINT] = { 0, 0, "ENTRYPOINT needs a command" },
	[BOXFILE_LABEL] = { 1, 0, "LABEL needs KEY=VALUE" },
};

/* The keyword at the start of LINE: its op, and where its arguments
 * begin (spaces skipped). Returns 0 or -EINVAL. */
static int find_keyword(const char *line, enum boxfile_op *ret_op,
                        const char **ret_rest)
{
	size_t len, op;

	while (isspace((unsigned char)*line))
		line++;
	len = strcspn(line, " \t\r\n\v\f");
	for (op = 0; boxfile_keywords[op]; op++) {
		if (strlen(boxfile_keywords[op]) == len &&
		    !strncasecmp(line, boxfile_keywords[op], len)) {
			*ret_op = (enum boxfile_op)op;
			for (line += len; isspace((unsigned char)*line); line++)
				;
			*ret_rest = line;
			return 0;
		}
	}
	return -EINVAL;
}

/* TEXT without the spaces around it, as a new string (NULL: no memory). */
static char *strdup_trimmed(const char *text)
{
	size_t len;

	while (isspace((unsigned char)*text))
		text++;
	len = strlen(text);
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;
	return strndup(text, len);
}

/* RUN, CMD, ENTRYPOINT: a JSON array, or the whole of REST as one word. */
static int command_args(const char *rest, struct boxfile_instr *instr,
                        struct words *args)
{
	int err = json_words(rest, args);

	if (err < 0)
		return err;
	instr->exec_form = err == 1;
	if (instr->exec_form || rest[0] == '\0')
		return 0;
	return words_add(args, rest, strlen(rest));
}

/* COPY, ADD: a JSON array, or words; no options. */
static int path_args(const char *rest, struct words *args,
                     const char **ret_error)
{
	int err = json_words(rest, args);

	if (err != 0)
		return err < 0 ? err : 0;
	err = split_words(rest, args, ret_error);
	if (err == 0 && args->n > 0 && !strncmp(args->v[0], "--", 2)) {
		*ret_error = "options such as --from or --chown are not "
		             "supported";
		err = -EINVAL;
	}
	return err;
}

/* ENV, LABEL: every word KEY=VALUE with a KEY; or, for ENV alone, the
 * old form "ENV KEY VALUE", the value the rest of the line as it is. */
static int pair_args(const char *rest, enum boxfile_op op, struct words *args,
                     const char **ret_error)
{
	size_t i, key_len = strcspn(rest, " \t=");
	const char *value = rest + key_len;
	char *pair;
	int err;

	if (op == BOXFILE_ENV && key_len > 0 && *value && *value != '=') {
		while (isspace((unsigned char)*value))
			value++;
		if (asprintf(&pair, "%.*s=%s", (int)key_len, rest, value) < 0)
			return -ENOMEM;
		err = words_add(args, pair, strlen(pair));
		free(pair);
		return err;
	}
	err = split_words(rest, args, ret_error);
	for (i = 0; err == 0 && i < args->n; i++) {
		if (args->v[i][0] == '=' || !strchr(args->v[i], '=')) {
			*ret_error = rules[op].error;
			err = -EINVAL;
		}
	}
	return err;
}

/* The arguments of INSTR, whose text after the keyword is REST. */
static int read_args(const char *rest, struct boxfile_instr *instr,
                     struct words *args, const char **ret_error)
{
	switch (instr->op) {
	case BOXFILE_RUN:
	case BOXFILE_CMD:
	case BOXFILE_ENTRYPOINT: return command_args(rest, instr, args);
	case BOXFILE_COPY:
	case BOXFILE_ADD: return path_args(rest, args, ret_error);
	case BOXFILE_ENV:
	case BOXFILE_LABEL: return pair_args(rest, instr->op, args, ret_error);
	default: return split_words(rest, args, ret_error);
	}
}

/* Does the number of arguments suit the instruction? */
static bool count_ok(const struct boxfile_instr *instr, const char *rest,
                     size_t n)
{
	const struct boxfile_rule *rule = &rules[instr->op];

	return rest[0] != '\0' && n >= rule->min &&
	       (!rule->max || n <= rule->max);
}
/* END EXERCISE 8.6 */

int boxfile_parse_line(const char *line, int number, struct boxfile_instr *ret,
                       const char **ret_error)
{
	/* BEGIN EXERCISE 8.6: Parse a Boxfile instruction (15 points)
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
	 * stub: return exercise_todo("8.6", line, number, ret, ret_error);
	 */
	struct boxfile_instr instr = { .line = number };
	const char *error = NULL, *rest;
	struct words args = { 0 };
	char *body;
	int err;

	if (find_keyword(line, &instr.op, &rest) < 0) {
		*ret_error = "unknown instruction";
		return -EINVAL;
	}
	instr.text = strdup_trimmed(line);
	body = strdup_trimmed(rest);
	err = instr.text && body ? read_args(body, &instr, &args, &error)
	                         : -ENOMEM;
	if (err == -EINVAL && !error)
		error = "bad JSON array";
	if (err == 0 && !count_ok(&instr, body, args.n)) {
		error = rules[instr.op].error;
		err = -EINVAL;
	}
	if (err == 0 && !args.v) { /* CMD []: no arguments, still a list */
		args.v = calloc(1, sizeof(*args.v));
		if (!args.v)
			err = -ENOMEM;
	}
	free(body);
	if (err < 0) {
		*ret_error = error ? error : "out of memory";
		words_free(&args);
		free(instr.text);
		return err;
	}
	instr.args = args.v;
	instr.n_args = args.n;
	*ret = instr;
	return 0;
	/* END EXERCISE 8.6 */
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
