/* die.h - error reporting for programs (never for library code).
 *
 * Library functions return -errno and never print; only a program's main()
 * and the command-line code around it report errors, always in one shape:
 *
 *	ptree: read /proc/42/stat: No such file or directory
 *
 * The program name is glibc's program_invocation_short_name, so the prefix
 * is right whatever name the binary was started under.
 */
#ifndef BOXLAB_DIE_H
#define BOXLAB_DIE_H

#include <stdnoreturn.h>

/* Print "prog: MESSAGE\n" on stderr and exit with status 1. Does not return. */
noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "prog: MESSAGE: strerror(err)\n" and exit 1. err is a positive or a
 * negative errno value (library functions return -errno). Does not return. */
noreturn void die_errno(int err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* A mistake on the command line: print "prog: MESSAGE (try prog --help)"
 * and exit with status 2, the convention for usage errors. */
noreturn void die_usage(const char *fmt, ...)
        __attribute__((format(printf, 1, 2)));

/* Report what getopt_long(3) returned as C when it is '?' (an unknown
 * option) or ':' (a missing argument; the option string must start with
 * ':' and opterr be 0), through die_usage(). Does not return. */
noreturn void die_bad_option(int c, char **argv);

/* Print "prog: MESSAGE\n" on stderr and carry on. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "prog: MESSAGE: strerror(err)\n" and carry on. */
void warn_errno(int err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Also write every message of die() and warn() (not die_usage()) to the
 * open file descriptor FD (-1: stop), as a plain line, or, with JSON, as
 * a JSON line {"level": "error"|"warning", "msg": ..., "time": ...}: an
 * OCI runtime's --log and --log-format, which podman and containerd read
 * for the reason a runtime command failed. */
void die_log_to(int fd, int json);

#endif
