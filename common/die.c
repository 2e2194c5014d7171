/* die.c - the one place where programs turn an error into a message. */
#include "die.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1, log_json;

void die_log_to(int fd, int json)
{
	log_fd = fd;
	log_json = json;
}

/* LINE (without its "prog: " and newline) to the log, if any. */
static void log_line(const char *level, const char *line, int len)
{
	char out[2048], stamp[32];
	time_t now = time(NULL);
	int n = 0, i;

	if (log_fd < 0)
		return;
	if (!log_json) {
		n = snprintf(out, sizeof(out), "%.*s\n", len, line);
	} else {
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ",
		         gmtime(&now));
		n = snprintf(out, sizeof(out), "{\"level\":\"%s\",\"msg\":\"",
		             level);
		for (i = 0; i < len && n < (int)sizeof(out) - 64; i++) {
			unsigned char c = (unsigned char)line[i];

			if (c == '"' || c == '\\')
				n += snprintf(out + n, sizeof(out) - n, "\\%c",
				              c);
			else if (c < 0x20)
				n += snprintf(out + n, sizeof(out) - n,
				              "\\u%04x", c);
			else
				out[n++] = (char)c;
		}
		n += snprintf(out + n, sizeof(out) - n, "\",\"time\":\"%s\"}\n",
		              stamp);
	}
	if (write(log_fd, out, (size_t)n) < 0)
		return; /* nowhere left to say it */
}

/* Format "prog: MESSAGE[: strerror]\n" and write it in one call, so lines
 * from concurrent processes do not interleave. err == 0 means no errno. */
static void report_level(const char *level, int err, const char *fmt,
                         va_list args)
{
	char line[1024];
	int len, prefix;

	len = snprintf(line, sizeof(line),
	               "%s: ", program_invocation_short_name);
	len += vsnprintf(line + len, sizeof(line) - len, fmt, args);
	if (len < (int)sizeof(line) && err != 0)
		len += snprintf(line + len, sizeof(line) - len, ": %s",
		                strerror(err < 0 ? -err : err));
	if (len >= (int)sizeof(line) - 1)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	fflush(stdout);
	fwrite(line, 1, len, stderr);
	prefix = (int)strlen(program_invocation_short_name) + 2;
	log_line(level, line + prefix, len - prefix - 1);
}

void die(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	report_level("error", 0, fmt, args);
	va_end(args);
	exit(EXIT_FAILURE);
}

void die_errno(int err, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	report_level("error", err, fmt, args);
	va_end(args);
	exit(EXIT_FAILURE);
}

void die_usage(const char *fmt, ...)
{
	char message[512];
	va_list args;

	va_start(args, fmt);
	vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);
	fflush(stdout);
	fprintf(stderr, "%s: %s (try %s --help)\n",
	        program_invocation_short_name, message,
	        program_invocation_short_name);
	exit(2);
}

/* getopt leaves in argv[optind - 1] the argument it choked on. For a long
 * option ("--pid", "--no-kernel=3") that is the best name to show; for
 * short ones ("-Kx") optopt holds the very letter. */
void die_bad_option(int c, char **argv)
{
	char option[3] = { '-', (char)optopt, '\0' };
	const char *argument = argv[optind - 1];
	const char *name = strncmp(argument, "--", 2) == 0 ? argument : option;

	if (c == ':')
		die_usage("option %s needs an argument", name);
	die_usage("unknown option %s", name);
}

void warn(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	report_level("warning", 0, fmt, args);
	va_end(args);
}

void warn_errno(int err, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	report_level("warning", err, fmt, args);
	va_end(args);
}
