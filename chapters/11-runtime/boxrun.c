/* boxrun - an OCI runtime with runc's command line.
 *
 *	boxrun [--root DIR] [--log FILE] [--log-format text|json] [--debug]
 *	       COMMAND [ARG...]
 *
 * Being written: `spec` works; the lifecycle commands (create, start,
 * run, state, kill, delete, list, exec, ps, pause, resume, features)
 * come with the rest of chapter 11.
 */
#include "die.h"
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <unistd.h>

static noreturn void usage(int status)
{
	printf("usage: boxrun [--root DIR] COMMAND [ARG...]\n"
	       "An OCI runtime with runc's command line.\n"
	       "  spec [--bundle DIR]   write a default config.json (runc "
	       "spec)\n");
	exit(status);
}

/* `spec`: config.json in the bundle, never over an existing one. */
static int cmd_spec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "rootless", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = ".";
	char path[4096], *text;
	ssize_t len;
	int c, fd;

	while ((c = getopt_long(argc, argv, "+:b:", longopts, NULL)) != -1) {
		if (c == 'b')
			bundle = optarg;
		else if (c == 'r')
			die("spec --rootless: not supported (chapter 04 runs "
			    "rootless containers)");
		else
			die_bad_option(c, argv);
	}
	if (optind != argc)
		die_usage("spec takes no argument");
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	text = spec_default();
	if (!text)
		die_errno(ENOMEM, "spec");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST)
		die("%s exists; remove it first", path);
	if (fd < 0)
		die_errno(errno, "create %s", path);
	len = write(fd, text, strlen(text));
	if (len != (ssize_t)strlen(text) || close(fd) < 0)
		die_errno(errno, "write %s", path);
	free(text);
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-format", required_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "systemd-cgroup", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
		case 'l':
		case 'f':
		case 'd':
		case 's': break;
		case 'h': usage(EXIT_SUCCESS);
		default: die_bad_option(c, argv);
		}
	}
	if (optind == argc)
		die_usage("no command");
	if (!strcmp(argv[optind], "spec")) {
		argv += optind;
		argc -= optind;
		optind = 0;
		return cmd_spec(argc, argv);
	}
	die_usage("unknown command %s", argv[optind]);
}
