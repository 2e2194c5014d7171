/* cmd.h - what the lab's programs do to start a command.
 *
 * Like die.h, this is for programs (main() and the code around it), not
 * for library code: these functions print and exit.
 */
#ifndef BOXLAB_CMD_H
#define BOXLAB_CMD_H

#include <stdbool.h>
#include <stdnoreturn.h>
#include <sys/types.h>

/* Become ARGV, argv[0] looked up in PATH (execvp(3)). If that fails,
 * report it with cmd_exit_exec_failure(). Does not return. */
noreturn void cmd_exec(char *const argv[]);

/* COMMAND could not be started: exec failed with ERR (a positive or a
 * negative errno). Print "prog: COMMAND: command not found" (or the
 * error) and _exit with 127 when it was not found, 126 otherwise, as a
 * shell does. Safe in a forked child: it flushes stdout itself and ends
 * in _exit(). Does not return. */
noreturn void cmd_exit_exec_failure(const char *command, int err);

/* From now on, pass SIGINT, SIGTERM, SIGHUP and SIGQUIT, when this process
 * gets them, on to the process *TARGET (a PID 1 drops those it has no
 * handler for: chapter 02). Exits on error. */
void cmd_forward_signals(const pid_t *target);

/* A new argv, "miniinit" "--" COMMAND..., with the path of the miniinit
 * that sits next to this program's own file (/proc/self/exe), for
 * --init options. Exits on error. */
char **cmd_with_miniinit(char *const command[]);

/* The absolute path of ARG, a root file system given on the command
 * line (static buffer): it must be a directory. Otherwise say so in one
 * line ("prog: root file system /etc/passwd: not a directory ...") and
 * exit 1. */
const char *cmd_rootfs_path(const char *arg);

/* The main() of a "prog [PID...]" program (nsls, capls): with --help,
 * print HELP; otherwise check every argument is a PID (usage error, exit
 * 2, if not), open /proc, and call SHOW(proc_fd, pid) for each PID, or
 * for the program itself when there is none. SHOW reports its own
 * problems and returns false for them; the others are still shown.
 * Returns EXIT_SUCCESS, or EXIT_FAILURE if any SHOW returned false. */
int cmd_each_pid(int argc, char **argv, const char *help,
                 bool (*show)(int proc_fd, pid_t pid));

#endif
