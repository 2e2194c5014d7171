/* test_boxfile.c - reading a Boxfile: one instruction (8.6), and a whole
 * file cut into logical lines by the given boxfile_parse() (PROGRAM
 * tests: they need 8.6 too, and carry no points).
 */
#include "boxfile.h"
#include "harness.h"

#include <errno.h>
#include <string.h>

/* Parse LINE, which must succeed, into RET. */
static void parse_ok(const char *line, struct boxfile_instr *ret)
{
	const char *error = NULL;
	int err;

	err = boxfile_parse_line(line, 7, ret, &error);
	ck_assert_ok(err, line);
	ck_assert_msg(ret->line == 7, "%s: line is %d, expected 7", line,
	              ret->line);
	ck_assert_msg(ret->args && ret->args[ret->n_args] == NULL,
	              "%s: ARGS must end with a NULL", line);
}

/* LINE must parse as OP with the N_ARGS ARGS (exec form: EXEC). */
static void expect(const char *line, enum boxfile_op op, bool exec,
                   size_t n_args, const char *const *args)
{
	struct boxfile_instr instr;
	size_t i;

	parse_ok(line, &instr);
	ck_assert_msg(instr.op == op, "%s: op %d, expected %s (%d)", line,
	              instr.op, boxfile_keywords[op], op);
	ck_assert_msg(instr.exec_form == exec, "%s: exec_form is %d", line,
	              instr.exec_form);
	ck_assert_msg(instr.n_args == n_args, "%s: %zu arguments, expected %zu",
	              line, instr.n_args, n_args);
	for (i = 0; i < n_args; i++)
		ck_assert_msg(!strcmp(instr.args[i], args[i]),
		              "%s: argument %zu is [%s], expected [%s]", line,
		              i, instr.args[i], args[i]);
	boxfile_instr_free(&instr);
}

#define ARGS(...)                                                              \
	(const char *const[])                                                  \
	{                                                                      \
		__VA_ARGS__                                                    \
	}
#define NARGS(...) (sizeof(ARGS(__VA_ARGS__)) / sizeof(const char *))
#define EXPECT(line, op, exec, ...)                                            \
	expect(line, op, exec, NARGS(__VA_ARGS__), ARGS(__VA_ARGS__))

START_TEST(keyword_in_any_case_and_the_text_as_written)
{
	struct boxfile_instr instr;

	EXPECT("FROM busybox", BOXFILE_FROM, false, "busybox");
	EXPECT("from alpine:3", BOXFILE_FROM, false, "alpine:3");
	EXPECT("  Workdir   /data  ", BOXFILE_WORKDIR, false, "/data");
	EXPECT("uSeR 1000:1000", BOXFILE_USER, false, "1000:1000");
	EXPECT("entrypoint [\"sh\"]", BOXFILE_ENTRYPOINT, true, "sh");
	parse_ok("  Run   echo  hi  ", &instr);
	ck_assert_msg(!strcmp(instr.text, "Run   echo  hi"),
	              "TEXT is [%s], expected the instruction as written "
	              "without the spaces around it: [Run   echo  hi]",
	              instr.text);
	boxfile_instr_free(&instr);
}
END_TEST

START_TEST(run_cmd_entrypoint_in_both_forms)
{
	struct boxfile_instr instr;

	EXPECT("RUN mkdir /data && echo \"$A\" > /data/x", BOXFILE_RUN, false,
	       "mkdir /data && echo \"$A\" > /data/x");
	EXPECT("RUN [\"/bin/sh\", \"-c\", \"echo 'a  b'\"]", BOXFILE_RUN, true,
	       "/bin/sh", "-c", "echo 'a  b'");
	EXPECT("CMD [\"sh\",\"-c\",\"echo \\\"q\\\"\"]", BOXFILE_CMD, true,
	       "sh", "-c", "echo \"q\"");
	EXPECT("CMD sh /app.sh", BOXFILE_CMD, false, "sh /app.sh");
	EXPECT("ENTRYPOINT [ \"/init\" , \"--\" ]", BOXFILE_ENTRYPOINT, true,
	       "/init", "--");
	EXPECT("ENTRYPOINT exec /init", BOXFILE_ENTRYPOINT, false,
	       "exec /init");
	/* Not JSON: the shell's test command, as Docker takes it. */
	EXPECT("RUN [ -f /etc/passwd ] && echo yes", BOXFILE_RUN, false,
	       "[ -f /etc/passwd ] && echo yes");
	/* CMD [] clears the command: no arguments, the exec form. */
	parse_ok("CMD []", &instr);
	ck_assert_msg(instr.n_args == 0 && instr.exec_form,
	              "CMD []: %zu arguments, exec_form %d; expected none, "
	              "exec form",
	              instr.n_args, instr.exec_form);
	boxfile_instr_free(&instr);
}
END_TEST

START_TEST(copy_and_add_take_sources_and_a_destination)
{
	EXPECT("COPY app.sh /usr/local/bin/", BOXFILE_COPY, false, "app.sh",
	       "/usr/local/bin/");
	EXPECT("COPY a b c /dest/", BOXFILE_COPY, false, "a", "b", "c",
	       "/dest/");
	EXPECT("COPY [\"my file\", \"/my dir/\"]", BOXFILE_COPY, false,
	       "my file", "/my dir/");
	EXPECT("COPY \"my file\" my\\ other /x", BOXFILE_COPY, false, "my file",
	       "my other", "/x");
	EXPECT("add rootfs.tar /", BOXFILE_ADD, false, "rootfs.tar", "/");
}
END_TEST

START_TEST(env_and_label_unquote_their_values)
{
	EXPECT("ENV GREETING=\"hello world\" LANG=C", BOXFILE_ENV, false,
	       "GREETING=hello world", "LANG=C");
	EXPECT("ENV A='single $x \"q\"' B=a\\ b", BOXFILE_ENV, false,
	       "A=single $x \"q\"", "B=a b");
	EXPECT("ENV C=\"say \\\"hi\\\"\" D=\"back\\\\slash\" E=\"\\n\"",
	       BOXFILE_ENV, false, "C=say \"hi\"", "D=back\\slash", "E=\\n");
	EXPECT("ENV EMPTY= QUOTED=\"\" X=1=2", BOXFILE_ENV, false,
	       "EMPTY=", "QUOTED=", "X=1=2");
	EXPECT("LABEL \"com.example.key\"=\"v 1\" version=2", BOXFILE_LABEL,
	       false, "com.example.key=v 1", "version=2");
	EXPECT("label a=b\\\"c", BOXFILE_LABEL, false, "a=b\"c");
}
END_TEST

START_TEST(env_old_form_takes_the_rest_of_the_line)
{
	EXPECT("ENV PATH /usr/bin:/bin", BOXFILE_ENV, false,
	       "PATH=/usr/bin:/bin");
	EXPECT("ENV MSG   hello  big world", BOXFILE_ENV, false,
	       "MSG=hello  big world");
	EXPECT("ENV A B=c", BOXFILE_ENV, false, "A=B=c");
}
END_TEST

START_TEST(errors_say_what_is_wrong)
{
	static const struct {
		const char *line, *error;
	} cases[] = {
		{ "FRUM busybox", "unknown instruction" },
		{ "EXPOSE 80", "unknown instruction" },
		{ "FROMbusybox", "unknown instruction" },
		{ "FROM", "FROM needs one image" },
		{ "FROM a b", "FROM needs one image" },
		{ "RUN", "RUN needs a command" },
		{ "RUN   ", "RUN needs a command" },
		{ "RUN []", "RUN needs a command" },
		{ "CMD", "CMD needs a command" },
		{ "ENTRYPOINT", "ENTRYPOINT needs a command" },
		{ "COPY onlyone", "COPY needs a source and a destination" },
		{ "COPY [\"onlyone\"]",
		  "COPY needs a source and a destination" },
		{ "ADD", "ADD needs a source and a destination" },
		{ "ENV", "ENV needs KEY=VALUE" },
		{ "ENV A", "ENV needs KEY=VALUE" },
		{ "ENV A=1 =2", "ENV needs KEY=VALUE" },
		{ "LABEL x", "LABEL needs KEY=VALUE" },
		{ "LABEL x y", "LABEL needs KEY=VALUE" },
		{ "WORKDIR", "WORKDIR needs one path" },
		{ "USER a b", "USER needs one user" },
		{ "ENV A=\"open", "unterminated quote" },
		{ "LABEL a='open", "unterminated quote" },
		{ "COPY \"a /b", "unterminated quote" },
		{ "RUN [\"sh\", 1]", "bad JSON array" },
		{ "CMD [[\"sh\"]]", "bad JSON array" },
		{ "COPY [\"a\", null]", "bad JSON array" },
		{ "COPY --chown=1:1 a /b",
		  "options such as --from or --chown are not supported" },
	};
	struct boxfile_instr instr, untouched;
	const char *error;
	size_t i;
	int err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&instr, 0x5a, sizeof(instr));
		untouched = instr;
		error = NULL;
		err = boxfile_parse_line(cases[i].line, 1, &instr, &error);
		test_assert_no_stub();
		ck_assert_msg(err == -EINVAL,
		              "[%s]: expected -EINVAL, got %d (%s)",
		              cases[i].line, err, err ? "" : "it parsed");
		ck_assert_msg(error && !strcmp(error, cases[i].error),
		              "[%s]: the message is \"%s\", expected \"%s\"",
		              cases[i].line, error ? error : "(none)",
		              cases[i].error);
		ck_assert_msg(!memcmp(&instr, &untouched, sizeof(instr)),
		              "[%s]: *RET changed on failure", cases[i].line);
	}
}
END_TEST

/* --- boxfile_parse(): given, it uses 8.6 ------------------------------ */

static const char example[] = "# a comment\n"
                              "FROM busybox\n"
                              "\n"
                              "   # an indented comment\n"
                              "ENV GREETING=\"hello world\" LANG=C\n"
                              "RUN mkdir /data \\\n"
                              "    # a comment between continued lines\n"
                              "\n"
                              "    && echo \"$GREETING\" > /data/hello\n"
                              "copy app.sh /usr/local/bin/\r\n"
                              "CMD [\"sh\", \\\n"
                              "     \"/usr/local/bin/app.sh\"]\n"
                              "RUN echo # not a comment: the shell's \\   \n"
                              "  last";

START_TEST(parse_joins_lines_and_skips_comments)
{
	static const struct {
		enum boxfile_op op;
		int line;
		const char *text;
	} want[] = {
		{ BOXFILE_FROM, 2, "FROM busybox" },
		{ BOXFILE_ENV, 5, "ENV GREETING=\"hello world\" LANG=C" },
		{ BOXFILE_RUN, 6,
		  "RUN mkdir /data && echo \"$GREETING\" > /data/hello" },
		{ BOXFILE_COPY, 10, "copy app.sh /usr/local/bin/" },
		{ BOXFILE_CMD, 11, "CMD [\"sh\", \"/usr/local/bin/app.sh\"]" },
		{ BOXFILE_RUN, 13,
		  "RUN echo # not a comment: the shell's last" },
	};
	struct boxfile_error error = { 0 };
	struct boxfile boxfile;
	size_t i;

	ck_assert_ok(boxfile_parse(example, &boxfile, &error), "boxfile_parse");
	ck_assert_uint_eq(boxfile.n_instrs, 6);
	for (i = 0; i < 6; i++) {
		ck_assert_int_eq(boxfile.instrs[i].op, want[i].op);
		ck_assert_int_eq(boxfile.instrs[i].line, want[i].line);
		ck_assert_str_eq(boxfile.instrs[i].text, want[i].text);
	}
	ck_assert_str_eq(boxfile.instrs[2].args[0],
	                 "mkdir /data && echo \"$GREETING\" > /data/hello");
	ck_assert_uint_eq(boxfile.instrs[4].n_args, 2);
	ck_assert(boxfile.instrs[4].exec_form);
	boxfile_free(&boxfile);
	boxfile_free(&boxfile); /* a destructor may run twice */
}
END_TEST

START_TEST(parse_names_the_line_that_is_wrong)
{
	static const struct {
		const char *text;
		int line;
		const char *what;
	} cases[] = {
		{ "FROM a\nRUN true\n\nENV A=\"x \\\n  y\nRUN true\n", 4,
		  "unterminated quote" },
		{ "# only a comment\nRUN true\nFROM a\n", 2,
		  "the first instruction must be FROM" },
		{ "FROM a\n\n\nBOGUS thing\n", 4, "unknown instruction" },
		{ "FROM a\nCOPY \\\n  one\n", 2,
		  "COPY needs a source and a destination" },
		{ "\n# nothing\n   \n", 1,
		  "no instruction: a Boxfile starts with FROM" },
	};
	struct boxfile_error error;
	struct boxfile boxfile;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&error, 0, sizeof(error));
		ck_assert_int_eq(boxfile_parse(cases[i].text, &boxfile, &error),
		                 -EINVAL);
		ck_assert_int_eq(error.line, cases[i].line);
		ck_assert_str_eq(error.what, cases[i].what);
	}
}
END_TEST

const struct graded_test boxfile_tests[] = {
	GRADED("8.6", keyword_in_any_case_and_the_text_as_written),
	GRADED("8.6", run_cmd_entrypoint_in_both_forms),
	GRADED("8.6", copy_and_add_take_sources_and_a_destination),
	GRADED("8.6", env_and_label_unquote_their_values),
	GRADED("8.6", env_old_form_takes_the_rest_of_the_line),
	GRADED("8.6", errors_say_what_is_wrong),
	PROGRAM(parse_joins_lines_and_skips_comments),
	PROGRAM(parse_names_the_line_that_is_wrong),
	{ 0 },
};
