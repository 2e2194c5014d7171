/* test_containers.c - the container module of boxd, driven by the stock
 * docker CLI: run --rm with its exit status, run -d with ps, logs,
 * inspect, stop and rm, create + start + wait, rm -f, and a container that
 * outlives a boxd killed with SIGKILL. Each test starts boxd on a store of
 * its own holding the test's busybox root. They need the whole chapter,
 * so they carry no points.
 */
#include "boxd_test.h"
#include "harness.h"
#include "testroot.h"

#include "cg.h"
#include "file.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Remove the directory NAME of DIR if it is empty: 0, or -errno
 * (-ENOTEMPTY: something is left in it). */
static int rmdir_if_empty(const char *dir, const char *name)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return rmdir(path) == 0 || errno == ENOENT ? 0 : -errno;
}

/* boxd on a store holding the test's busybox root as "busybox". */
static void start_plain(struct boxd_test *d)
{
	struct run_result r;

	boxd_test_start(d);
	TEST_RUN(&r, "boximg", "--root", d->root, "import", testroot_make(),
	         "busybox");
	test_assert_exit(&r, 0);
	test_run_free(&r);
}

/* docker ARGS exits with STATUS; its stdout in BUF, first line. */
static const char *docker_out(const struct boxd_test *d, int status, char *buf,
                              size_t size, const char *const *args)
{
	struct run_result r;

	boxd_test_docker(d, &r, args);
	test_assert_exit(&r, status);
	snprintf(buf, size, "%s", r.out);
	test_run_free(&r);
	return buf;
}
/* The same, for a test that drives it with the docker CLI. */
static void start_with_busybox(struct boxd_test *d)
{
	boxd_test_needs_docker();
	start_plain(d);
}

#define DOCKER_OUT(d, status, buf, ...)                                        \
	docker_out(d, status, buf, sizeof(buf),                                \
	           (const char *const[]){ __VA_ARGS__, NULL })

/* The seed's docker run: the output through attach (stdout and stderr
 * apart, in multiplexed frames), the exit status passed on, and --rm
 * leaves nothing. */
START_TEST(docker_run_rm_passes_output_and_status)
{
	struct boxd_test d;
	struct run_result r;
	char out[4096];

	start_with_busybox(&d);
	DOCKER(&d, &r, "run", "--rm", "busybox", "sh", "-c",
	       "echo hi; echo oops >&2; exit 3");
	test_assert_exit(&r, 3);
	ck_assert_str_eq(r.out, "hi\n");
	ck_assert_str_eq(r.err, "oops\n");
	test_run_free(&r);
	DOCKER_OUT(&d, 0, out, "ps", "-aq");
	ck_assert_str_eq(out, "");
	boxd_test_stop(&d);
}
END_TEST

/* run -d, then ps, logs, inspect (the seed's UpperDir), stop, rm. */
START_TEST(docker_run_detached_and_its_lifecycle)
{
	char out[4096], upper[PATH_MAX + 16];
	struct boxd_test d;
	int i;

	start_with_busybox(&d);
	DOCKER_OUT(&d, 0, out, "run", "-d", "--name", "web", "busybox", "sh",
	           "-c", "echo started; touch /here; exec sleep 1000");
	ck_assert_int_eq(strlen(out), 65); /* the ID and a newline */
	DOCKER_OUT(&d, 0, out, "ps", "--format", "{{.Names}} {{.Status}}");
	ck_assert_msg(!strncmp(out, "web Up ", 7), "%s", out);
	for (i = 0; i < 100; i++) {
		DOCKER_OUT(&d, 0, out, "logs", "web");
		if (out[0])
			break;
		usleep(20000);
	}
	ck_assert_str_eq(out, "started\n");
	DOCKER_OUT(&d, 0, out, "logs", "--tail", "0", "web");
	ck_assert_str_eq(out, "");
	DOCKER_OUT(&d, 0, out, "logs", "-t", "web");
	ck_assert_msg(strlen(out) > 20 && out[4] == '-' &&
	                      !strcmp(strchr(out, ' '), " started\n"),
	              "%s", out);
	DOCKER_OUT(&d, 0, out, "inspect", "--format",
	           "{{.State.Status}} {{.GraphDriver.Data.UpperDir}}", "web");
	ck_assert_msg(!strncmp(out, "running /", 9), "%s", out);
	snprintf(upper, sizeof(upper), "%.*s/here", (int)strcspn(out + 8, "\n"),
	         out + 8);
	ck_assert_msg(access(upper, F_OK) == 0, "%s: not there", upper);
	DOCKER_OUT(&d, 0, out, "stop", "-t", "1", "web");
	DOCKER_OUT(&d, 0, out, "ps", "-a", "--format", "{{.Status}}");
	ck_assert_msg(!strncmp(out, "Exited (137)", 12), "%s", out);
	DOCKER_OUT(&d, 0, out, "rm", "web");
	DOCKER_OUT(&d, 0, out, "ps", "-aq");
	ck_assert_str_eq(out, "");
	boxd_test_stop(&d);
}
END_TEST

/* create, start, wait; rm of a running one needs -f; errors name what
 * is missing. */
START_TEST(docker_create_start_wait_and_errors)
{
	struct boxd_test d;
	struct run_result r;
	char out[4096];

	start_with_busybox(&d);
	DOCKER_OUT(&d, 0, out, "create", "--name", "c1", "busybox", "sh", "-c",
	           "exit 7");
	DOCKER_OUT(&d, 0, out, "start", "c1");
	DOCKER_OUT(&d, 0, out, "wait", "c1");
	ck_assert_str_eq(out, "7\n");
	DOCKER_OUT(&d, 0, out, "run", "-d", "--name", "c3", "busybox", "sleep",
	           "1000");
	DOCKER_OUT(&d, 0, out, "ps", "-a", "--filter", "status=exited",
	           "--format", "{{.Names}}");
	ck_assert_str_eq(out, "c1\n");
	DOCKER_OUT(&d, 0, out, "ps", "--filter", "name=c3", "--format",
	           "{{.Names}} {{.State}}");
	ck_assert_str_eq(out, "c3 running\n");
	DOCKER_OUT(&d, 0, out, "rm", "-f", "c3");
	DOCKER_OUT(&d, 0, out, "rm", "c1");
	DOCKER_OUT(&d, 0, out, "run", "-d", "--name", "c2", "busybox", "sleep",
	           "1000");
	DOCKER(&d, &r, "rm", "c2");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "Error response from daemon: cannot "
	                            "remove container"),
	              "%s", r.err);
	test_run_free(&r);
	DOCKER_OUT(&d, 0, out, "rm", "-f", "c2");
	DOCKER(&d, &r, "start", "nosuch");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "No such container: nosuch"), "%s", r.err);
	test_run_free(&r);
	DOCKER(&d, &r, "run", "--rm", "nosuchimage", "true");
	test_assert_exit(&r, 125);
	test_run_free(&r);
	/* A --rm container whose start fails: the error, and it is gone
	 * (a wait for its removal answers). */
	DOCKER(&d, &r, "run", "--rm", "--network", "none", "--workdir",
	       "/nonexistent/x", "--user", "12345", "busybox", "true");
	test_assert_exit(&r, 125);
	ck_assert_msg(strstr(r.err, "Error response from daemon"), "%s", r.err);
	test_run_free(&r);
	DOCKER_OUT(&d, 0, out, "ps", "-aq");
	ck_assert_str_eq(out, "");
	boxd_test_stop(&d);
}
END_TEST

/* The daemon dies (SIGKILL); the container does not: its monitor is on
 * its own. A new boxd lists it and stops it. */
START_TEST(containers_outlive_a_killed_daemon)
{
	struct boxd_test d;
	struct run_result r;
	char out[4096];

	start_with_busybox(&d);
	DOCKER_OUT(&d, 0, out, "run", "-d", "--name", "long", "busybox",
	           "sleep", "1000");
	ck_assert_int_eq(kill(d.proc.pid, SIGKILL), 0);
	test_finish(&d.proc, &r);
	test_run_free(&r);
	unlink(d.sock);
	boxd_test_restart(&d);
	DOCKER_OUT(&d, 0, out, "ps", "--format", "{{.Names}} {{.State}}");
	ck_assert_str_eq(out, "long running\n");
	DOCKER_OUT(&d, 0, out, "rm", "-f", "long");
	boxd_test_stop(&d);
}
END_TEST

/* docker exec: another process in the running container, its output
 * framed, its exit status passed on; with -i, stdin. */
START_TEST(docker_exec_runs_in_the_container)
{
	struct boxd_test d;
	struct run_result r;
	char out[4096], host[64];

	start_with_busybox(&d);
	DOCKER_OUT(&d, 0, out, "run", "-d", "--name", "web", "busybox", "sleep",
	           "1000");
	snprintf(host, sizeof(host), "%.12s\n", out);
	DOCKER(&d, &r, "exec", "web", "sh", "-c",
	       "hostname; echo oops >&2; exit 4");
	test_assert_exit(&r, 4);
	ck_assert_str_eq(r.out, host);
	ck_assert_str_eq(r.err, "oops\n");
	test_run_free(&r);
	DOCKER_OUT(&d, 0, out, "exec", "web", "ps", "-o", "pid,comm");
	ck_assert_msg(strstr(out, "    1 sleep"), "%s", out);
	DOCKER(&d, &r, "exec", "nosuch", "true");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "No such container: nosuch"), "%s", r.err);
	test_run_free(&r);
	DOCKER_OUT(&d, 0, out, "rm", "-f", "web");
	boxd_test_stop(&d);
}
END_TEST

/* docker run -it: a terminal from the container's own devpts (chapter
 * 11's console socket, received by the monitor), its size from the
 * client's (resize), the exit status passed on. script(1) gives the CLI
 * a terminal. */
START_TEST(docker_run_with_a_terminal)
{
	char command[PATH_MAX * 2], log[PATH_MAX], *text;
	struct boxd_test d;
	struct run_result r;

	if (access("/usr/bin/script", X_OK) < 0)
		test_skip("no script(1)");
	start_with_busybox(&d);
	snprintf(log, sizeof(log), "%s/typescript", test_tmpdir());
	snprintf(command, sizeof(command),
	         "stty rows 33 cols 99; DOCKER_HOST=%s /usr/local/bin/docker "
	         "run -it --rm busybox sh -c 'tty; sleep 0.3; stty size; "
	         "exit 6'",
	         d.host);
	test_run((char *const[]){ "/usr/bin/script", "-qec", command, log,
	                          NULL },
	         &r);
	test_assert_exit(&r, 6);
	test_run_free(&r);
	ck_assert_int_eq(file_read_all(AT_FDCWD, log, &text, NULL), 0);
	ck_assert_msg(strstr(text, "/dev/pts/0\r\n") &&
	                      strstr(text, "33 99\r\n"),
	              "%s", text);
	free(text);
	boxd_test_stop(&d);
}
END_TEST

/* The same flows through the lab's own client, box. */
START_TEST(box_runs_and_manages_containers)
{
	struct boxd_test d;
	struct run_result r;

	start_plain(&d);
	TEST_RUN(&r, "box", "-H", d.host, "run", "--rm", "busybox", "sh", "-c",
	         "echo hi; echo oops >&2; exit 3");
	test_assert_exit(&r, 3);
	ck_assert_str_eq(r.out, "hi\n");
	ck_assert_str_eq(r.err, "oops\n");
	test_run_free(&r);
	TEST_RUN(&r, "box", "-H", d.host, "run", "-d", "--name", "web",
	         "busybox", "sh", "-c",
	         "trap 'exit 0' TERM; echo started; sleep 100 & wait");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	TEST_RUN(&r, "box", "-H", d.host, "ps");
	test_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.out, " Up ") && strstr(r.out, " web\n"), "%s",
	              r.out);
	test_run_free(&r);
	for (int i = 0; i < 100; i++) {
		TEST_RUN(&r, "box", "-H", d.host, "logs", "web");
		if (r.out[0])
			break;
		test_run_free(&r);
		usleep(20000);
	}
	ck_assert_str_eq(r.out, "started\n");
	test_run_free(&r);
	TEST_RUN(&r, "box", "-H", d.host, "rm", "web");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "box: Error response from daemon: cannot "
	                            "remove container"),
	              "%s", r.err);
	test_run_free(&r);
	TEST_RUN(&r, "box", "-H", d.host, "stop", "web");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	TEST_RUN(&r, "box", "-H", d.host, "rm", "web");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	TEST_RUN(&r, "box", "-H", d.host, "ps", "-a");
	test_assert_exit(&r, 0);
	ck_assert_msg(!strstr(r.out, "web"), "%s", r.out);
	test_run_free(&r);
	boxd_test_stop(&d);
}
END_TEST

/* ARGV run in boxd's network namespace (the test's boxd has one of its
 * own: its bridge and rules never touch the host's). */
static void in_boxd_net(const struct boxd_test *d, struct run_result *r,
                        const char *const *args)
{
	char pid[16];
	const char *argv[16] = { "/usr/bin/nsenter", "-n", "-t", pid };
	size_t n = 4;

	snprintf(pid, sizeof(pid), "%d", (int)d->proc.pid);
	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	test_run((char *const *)argv, r);
}
#define IN_BOXD_NET(d, r, ...)                                                 \
	in_boxd_net(d, r, (const char *const[]){ __VA_ARGS__, NULL })

/* The seed's network: a container on the bridge (chapter 09's boxnet,
 * which boxmon runs), its port published: reached at its address, and
 * through the published port on the host's own 127.0.0.1 (the monitor's
 * proxy); ps and inspect show it; --network none has lo alone; and the
 * bridge goes with the last container. */
START_TEST(docker_run_publishes_a_port)
{
	struct boxd_test d;
	struct run_result r;
	char out[4096];
	int i;

	if (access("/usr/bin/nsenter", X_OK) < 0 ||
	    access("/bin/busybox", X_OK) < 0)
		test_skip("needs nsenter and busybox");
	start_with_busybox(&d);
	/* Its namespace's lo, for 127.0.0.1. */
	IN_BOXD_NET(&d, &r, "/bin/busybox", "ip", "link", "set", "lo", "up");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	DOCKER_OUT(&d, 0, out, "run", "-d", "--name", "web", "-p", "18080:80",
	           "busybox", "sh", "-c",
	           "mkdir /www && echo hello from web > /www/index.html && "
	           "exec httpd -f -p 80 -h /www");
	DOCKER_OUT(&d, 0, out, "inspect", "--format",
	           "{{.NetworkSettings.IPAddress}} "
	           "{{.NetworkSettings.Gateway}}",
	           "web");
	ck_assert_str_eq(out, "10.89.0.2 10.89.0.1\n");
	DOCKER_OUT(&d, 0, out, "ps", "--format", "{{.Ports}}");
	ck_assert_str_eq(out, "0.0.0.0:18080->80/tcp\n");
	/* httpd may not listen yet. */
	for (i = 0; i < 50; i++) {
		IN_BOXD_NET(&d, &r, "/bin/busybox", "wget", "-qO-",
		            "http://10.89.0.2/");
		if (r.status == 0)
			break;
		test_run_free(&r);
		usleep(50000);
	}
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "hello from web\n");
	test_run_free(&r);
	IN_BOXD_NET(&d, &r, "/bin/busybox", "wget", "-qO-",
	            "http://127.0.0.1:18080/");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "hello from web\n");
	test_run_free(&r);
	/* Another container, on the same bridge, reaches it by address. */
	DOCKER(&d, &r, "run", "--rm", "busybox", "wget", "-qO-",
	       "http://10.89.0.2/");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "hello from web\n");
	test_run_free(&r);
	DOCKER(&d, &r, "run", "--rm", "--network", "none", "busybox", "ls",
	       "/sys/class/net");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "lo\n");
	test_run_free(&r);
	DOCKER(&d, &r, "run", "--rm", "-p", "80/udp", "busybox", "true");
	test_assert_exit(&r, 125);
	ck_assert_msg(strstr(r.err, "TCP ports only"), "%s", r.err);
	test_run_free(&r);
	DOCKER_OUT(&d, 0, out, "rm", "-f", "web");
	IN_BOXD_NET(&d, &r, "/bin/busybox", "ip", "link", "show", "bx0");
	ck_assert_msg(r.status != 0, "bx0 is still there: %s", r.out);
	test_run_free(&r);
	boxd_test_stop(&d);
}
END_TEST

/* box run -m: the limit in the container's own cgroup, under the lab's
 * prefix (chapter 05's files, whichever layout the host has); pause
 * freezes it. Through box, so that it runs in the guests too (where the
 * docker CLI is not). */
START_TEST(box_run_with_a_memory_limit_and_pause)
{
	struct cg_system system;
	char group[32], path[PATH_MAX + 32], *text;
	struct boxd_test d;
	struct run_result r;
	struct cg cg;

	start_plain(&d);
	TEST_RUN(&r, "box", "-H", d.host, "run", "-d", "-m", "64m", "--network",
	         "none", "busybox", "sleep", "1000");
	test_assert_exit(&r, 0);
	snprintf(group, sizeof(group), "boxd-%.12s", r.out);
	test_run_free(&r);
	ck_assert_int_eq(cg_detect("/proc/self/mounts", "", &system), 0);
	ck_assert_int_eq(cg_open(&system, group, &cg), 0);
	snprintf(path, sizeof(path), "%s/%s", cg.dir[CG_MEMORY],
	         cg.v2[CG_MEMORY] ? "memory.max" : "memory.limit_in_bytes");
	ck_assert_int_eq(file_read_all(AT_FDCWD, path, &text, NULL), 0);
	ck_assert_str_eq(text, "67108864\n");
	free(text);
	TEST_RUN(&r, "box", "-H", d.host, "pause", group + 5);
	test_assert_exit(&r, 0);
	test_run_free(&r);
	TEST_RUN(&r, "box", "-H", d.host, "ps");
	test_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.out, "(Paused)"), "%s", r.out);
	test_run_free(&r);
	TEST_RUN(&r, "box", "-H", d.host, "unpause", group + 5);
	test_assert_exit(&r, 0);
	test_run_free(&r);
	TEST_RUN(&r, "box", "-H", d.host, "rm", "-f", group + 5);
	test_assert_exit(&r, 0);
	test_run_free(&r);
	ck_assert_int_eq(cg_open(&system, group, &cg), -ENOENT);
	boxd_test_stop(&d);
}
END_TEST

/* Names and prefixes as Docker takes them (name_resolve(), name_valid()):
 * a prefix of two IDs is refused, a bad or taken name too. */
START_TEST(containers_by_name_and_prefix)
{
	struct boxd_test d;
	struct run_result r;
	char out[4096], a[80], b[80], prefix[80];
	size_t len;

	start_with_busybox(&d);
	DOCKER_OUT(&d, 0, a, "create", "--network", "none", "--name", "one",
	           "busybox", "true");
	/* Two IDs that start alike: create until the first digits match. */
	for (;;) {
		DOCKER_OUT(&d, 0, b, "create", "--network", "none", "busybox",
		           "true");
		if (b[0] == a[0])
			break;
		DOCKER_OUT(&d, 0, out, "rm", b);
	}
	for (len = 1; a[len] == b[len]; len++)
		;
	snprintf(prefix, sizeof(prefix), "%.*s", (int)len, a);
	DOCKER(&d, &r, "inspect", "--format", "{{.Name}}", prefix);
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "multiple IDs found with provided prefix"),
	              "%s", r.err);
	test_run_free(&r);
	snprintf(prefix, sizeof(prefix), "%.*s", (int)len + 1, a);
	DOCKER_OUT(&d, 0, out, "inspect", "--format", "{{.Name}}", prefix);
	ck_assert_str_eq(out, "/one\n");
	DOCKER_OUT(&d, 0, out, "inspect", "--format", "{{.Name}}", "/one");
	ck_assert_str_eq(out, "/one\n");
	DOCKER(&d, &r, "create", "--name", "one", "busybox", "true");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "The container name \"/one\" is already "
	                            "in use"),
	              "%s", r.err);
	test_run_free(&r);
	DOCKER(&d, &r, "create", "--name=-x", "busybox", "true");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "Invalid container name (-x)"), "%s",
	              r.err);
	test_run_free(&r);
	DOCKER_OUT(&d, 0, out, "rm", "one", b);
	boxd_test_stop(&d);
}
END_TEST

/* pause and unpause (the freezer), top, restart (the log goes on), logs
 * --follow until the container ends, --since, and prune. */
START_TEST(docker_pause_top_restart_follow_prune)
{
	char out[4096], env[PATH_MAX + 16];
	struct running follower;
	struct boxd_test d;
	struct run_result r;
	int i;

	start_with_busybox(&d);
	DOCKER_OUT(&d, 0, out, "run", "-d", "--network", "none", "--name",
	           "tick", "busybox", "sh", "-c",
	           "echo up; trap 'echo bye; exit 0' TERM; "
	           "while :; do sleep 0.1; done");
	DOCKER_OUT(&d, 0, out, "pause", "tick");
	DOCKER_OUT(&d, 0, out, "ps", "--format", "{{.Status}}");
	ck_assert_msg(strstr(out, "(Paused)"), "ps after pause: \"%s\"", out);
	DOCKER(&d, &r, "pause", "tick");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, "is already paused"), "%s", r.err);
	test_run_free(&r);
	DOCKER_OUT(&d, 0, out, "unpause", "tick");
	DOCKER_OUT(&d, 0, out, "top", "tick");
	ck_assert_msg(strstr(out, "PID") && strstr(out, "sh -c echo up"),
	              "top: \"%s\"", out);
	DOCKER_OUT(&d, 0, out, "restart", "-t", "5", "tick");
	DOCKER_OUT(&d, 0, out, "ps", "--format", "{{.Status}}");
	ck_assert_msg(!strncmp(out, "Up ", 3), "ps after restart: \"%s\"", out);
	for (i = 0; i < 100; i++) {
		DOCKER_OUT(&d, 0, out, "logs", "tick");
		if (!strcmp(out, "up\nbye\nup\n"))
			break;
		usleep(20000);
	}
	ck_assert_str_eq(out, "up\nbye\nup\n");
	/* --since and --until bound the entries' times. */
	DOCKER_OUT(&d, 0, out, "logs", "--since", "1h", "tick");
	ck_assert_str_eq(out, "up\nbye\nup\n");
	DOCKER_OUT(&d, 0, out, "logs", "--since", "2100-01-01T00:00:00Z",
	           "tick");
	ck_assert_str_eq(out, "");
	DOCKER_OUT(&d, 0, out, "logs", "--until", "2000-01-01T00:00:00Z",
	           "tick");
	ck_assert_str_eq(out, "");
	/* --follow ends when the container does, with what it wrote last. */
	snprintf(env, sizeof(env), "DOCKER_HOST=%s", d.host);
	test_start((char *[]){ "/usr/bin/env", env, "/usr/local/bin/docker",
	                       "logs", "--follow", "tick", NULL },
	           &follower);
	test_wait_for_line(follower.out_fd, "up");
	DOCKER_OUT(&d, 0, out, "stop", "tick");
	test_finish(&follower, &r);
	test_assert_exit(&r, 0);
	/* (What came before the first "up" was read by the wait.) */
	ck_assert_msg(strlen(r.out) >= 4 &&
	                      !strcmp(r.out + strlen(r.out) - 4, "bye\n"),
	              "logs --follow ended with \"%s\"", r.out);
	test_run_free(&r);
	DOCKER_OUT(&d, 0, out, "container", "prune", "-f");
	ck_assert_msg(strstr(out, "Deleted Containers:"), "prune: \"%s\"", out);
	DOCKER_OUT(&d, 0, out, "ps", "-aq");
	ck_assert_str_eq(out, "");
	boxd_test_stop(&d);
}
END_TEST

/* The overview's last sentence: a container that runs boxd and box can
 * start a container of its own. The outer one is privileged (every
 * capability, /sys and the cgroup tree writable), its store on a tmpfs
 * (overlayfs will not stack an upper layer on an overlay), the host's
 * /usr bound in for the lab's programs' libraries. */
START_TEST(docker_runs_a_container_in_a_container)
{
	char programs[PATH_MAX], bind_programs[PATH_MAX + 16],
	        bind_image[PATH_MAX + 16], built[PATH_MAX],
	        bind_built[PATH_MAX * 2 + 8];
	struct boxd_test d;
	struct run_result r;

	start_with_busybox(&d);
	snprintf(programs, sizeof(programs), "%s", test_program("boxd"));
	*strrchr(programs, '/') = '\0';
	snprintf(bind_programs, sizeof(bind_programs), "%s:/opt/boxlab:ro",
	         programs);
	snprintf(bind_image, sizeof(bind_image), "%s:/images/busybox:ro",
	         testroot_make());
	/* The earlier chapters' programs are links to where they were
	 * built: that directory too, at the same path. */
	ck_assert_ptr_nonnull(realpath(test_program("boximg"), built));
	*strrchr(built, '/') = '\0';
	snprintf(bind_built, sizeof(bind_built), "%s:%s:ro", built, built);
	DOCKER(&d, &r, "run", "--rm", "--privileged", "--network", "none",
	       "--tmpfs", "/var/lib/boxlab", "--tmpfs", "/run/boxlab", "-v",
	       "/usr:/usr:ro", "-v", "/usr/lib:/lib:ro", "-v",
	       "/usr/lib64:/lib64:ro", "-v", bind_programs, "-v", bind_built,
	       "-v", bind_image, "busybox", "sh", "-c",
	       "/opt/boxlab/boximg import /images/busybox busybox >/dev/null &&"
	       " { /opt/boxlab/boxd 2>/dev/null & } &&"
	       " while [ ! -S /run/boxlab/boxd.sock ]; do sleep 0.05; done &&"
	       " /opt/boxlab/box run --rm --network none busybox sh -c"
	       " 'echo hello from the inner container; hostname' &&"
	       " /opt/boxlab/box ps -a | wc -l");
	test_assert_exit(&r, 0);
	ck_assert_msg(!strncmp(r.out, "hello from the inner container\n", 31) &&
	                      strlen(r.out) == 31 + 13 + 2 &&
	                      !strcmp(r.out + 31 + 13, "1\n"),
	              "stdout: \"%s\", stderr: \"%s\"", r.out, r.err);
	test_run_free(&r);
	boxd_test_stop(&d);
}
END_TEST

/* Twenty clients at once, each running containers with --rm one after
 * the other: every run gives its output and status, and afterwards
 * nothing is left, not a record, a mount, a cgroup or a process (the
 * harness checks the last three). 60 runs in all (40 under the
 * sanitizers; in the emulated guests, which are much slower, 16 runs
 * from four clients); make bench
 * runs 500 and checks the same. */
#ifdef __SANITIZE_ADDRESS__
#define MANY_RUNS 40
#else
#define MANY_RUNS 60
#endif
#define CLIENTS 20

START_TEST(twenty_clients_at_once_leave_nothing)
{
	bool guest = getenv("BOXLAB_GUEST") != NULL;
	int c, runs = guest ? 16 : MANY_RUNS, each, failed;
	int n_clients = guest ? 4 : CLIENTS;
	struct running clients[CLIENTS];
	struct boxd_test d;
	struct run_result r;
	char script[512];

	start_plain(&d);
	each = runs / n_clients;
	snprintf(script, sizeof(script),
	         "i=0; while [ $i -lt %d ]; do "
	         "out=$(\"$0\" -H \"$1\" run --rm --network none busybox "
	         "sh -c 'echo ran; exit 3'); "
	         "[ $? -eq 3 ] && [ \"$out\" = ran ] || "
	         "{ echo \"run $i: $? $out\"; exit 1; }; "
	         "i=$((i + 1)); done; echo done",
	         each);
	for (c = 0; c < n_clients; c++)
		test_start((char *[]){ "/bin/sh", "-c", script,
		                       (char *)test_program("box"), d.host,
		                       NULL },
		           &clients[c]);
	for (c = 0, failed = 0; c < n_clients; c++) {
		test_finish(&clients[c], &r);
		if (test_exit_status(&r) != 0 || strcmp(r.out, "done\n")) {
			if (!failed++)
				ck_assert_msg(0, "client %d: %s%s", c, r.out,
				              r.err);
		}
		test_run_free(&r);
	}
	TEST_RUN(&r, "box", "-H", d.host, "ps", "-a");
	test_assert_exit(&r, 0);
	ck_assert_msg(!strchr(strchr(r.out, '\n') + 1, '\n'),
	              "containers are left: %s", r.out);
	test_run_free(&r);
	boxd_test_stop(&d);
	/* Nothing of theirs in the store or the runtime's state. */
	ck_assert_int_eq(rmdir_if_empty(d.root, "containers"), 0);
}
END_TEST

/* box's other commands: build (a tar of the directory, the progress as
 * it comes), rmi, exec (-i), logs -f, and a terminal for run -it and
 * exec -it (script(1) gives box one), as the docker CLI has them. */
START_TEST(box_builds_execs_follows_and_has_a_terminal)
{
	char ctx[PATH_MAX], file[PATH_MAX + 16], command[PATH_MAX * 2],
	        log[PATH_MAX], env[PATH_MAX + 16], *text;
	struct running follower;
	struct boxd_test d;
	struct run_result r;

	start_plain(&d);
	snprintf(ctx, sizeof(ctx), "%s/ctx", test_tmpdir());
	ck_assert_int_eq(mkdir(ctx, 0755), 0);
	snprintf(file, sizeof(file), "%s/Dockerfile", ctx);
	testroot_write(file, "FROM busybox\nRUN mkdir /data\n"
	                     "COPY hello.txt /data/\n");
	snprintf(file, sizeof(file), "%s/hello.txt", ctx);
	testroot_write(file, "hello from the context\n");
	TEST_RUN(&r, "box", "-H", d.host, "build", "-t", "seed", ctx);
	test_assert_exit(&r, 0);
	ck_assert_msg(
	        strstr(r.out, "Step 3/3 : COPY hello.txt /data/\n") &&
	                strstr(r.out, "Successfully tagged seed:latest\n"),
	        "%s", r.out);
	test_run_free(&r);
	TEST_RUN(&r, "box", "-H", d.host, "run", "--rm", "--network", "none",
	         "seed", "cat", "/data/hello.txt");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "hello from the context\n");
	test_run_free(&r);
	TEST_RUN(&r, "box", "-H", d.host, "rmi", "seed");
	test_assert_exit(&r, 0);
	ck_assert_msg(!strncmp(r.out, "Untagged: seed:latest\nDeleted: ", 31),
	              "%s", r.out);
	test_run_free(&r);
	TEST_RUN(&r, "box", "-H", d.host, "run", "-d", "--name", "web",
	         "--network", "none", "busybox", "sh", "-c",
	         "echo started; trap 'echo bye; exit 0' TERM; "
	         "while :; do sleep 0.1; done");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	TEST_RUN(&r, "box", "-H", d.host, "exec", "web", "sh", "-c",
	         "echo out; echo err >&2; exit 5");
	test_assert_exit(&r, 5);
	ck_assert_str_eq(r.out, "out\n");
	ck_assert_str_eq(r.err, "err\n");
	test_run_free(&r);
	snprintf(env, sizeof(env), "%s", test_program("box"));
	test_start((char *[]){ env, "-H", d.host, "exec", "-i", "web", "tr",
	                       "a-z", "A-Z", NULL },
	           &follower);
	ck_assert_int_eq(write(follower.in_fd, "piped\n", 6), 6);
	test_finish(&follower, &r);
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "PIPED\n");
	test_run_free(&r);
	if (access("/usr/bin/script", X_OK) == 0) {
		snprintf(log, sizeof(log), "%s/typescript", test_tmpdir());
		snprintf(command, sizeof(command),
		         "stty rows 21 cols 71; %s -H %s exec -it web sh -c "
		         "'tty; sleep 0.2; stty size; exit 4'",
		         test_program("box"), d.host);
		test_run((char *const[]){ "/usr/bin/script", "-qec", command,
		                          log, NULL },
		         &r);
		test_assert_exit(&r, 4);
		test_run_free(&r);
		ck_assert_int_eq(file_read_all(AT_FDCWD, log, &text, NULL), 0);
		ck_assert_msg(strstr(text, "/dev/pts/") &&
		                      strstr(text, "21 71\r\n"),
		              "%s", text);
		free(text);
	}
	test_start((char *[]){ env, "-H", d.host, "logs", "-f", "web", NULL },
	           &follower);
	test_wait_for_line(follower.out_fd, "started");
	TEST_RUN(&r, "box", "-H", d.host, "stop", "web");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	test_finish(&follower, &r);
	test_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.out, "bye\n"), "logs -f: \"%s\"", r.out);
	test_run_free(&r);
	TEST_RUN(&r, "box", "-H", d.host, "rm", "web");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	boxd_test_stop(&d);
}
END_TEST

const struct graded_test containers_tests[] = {
	PROGRAM(docker_run_rm_passes_output_and_status),
	PROGRAM(docker_run_detached_and_its_lifecycle),
	PROGRAM(docker_create_start_wait_and_errors),
	PROGRAM(containers_outlive_a_killed_daemon),
	PROGRAM(docker_exec_runs_in_the_container),
	PROGRAM(docker_run_with_a_terminal),
	PROGRAM(box_runs_and_manages_containers),
	PROGRAM_TIMED(box_builds_execs_follows_and_has_a_terminal, 40),
	PROGRAM(docker_run_publishes_a_port),
	PROGRAM(box_run_with_a_memory_limit_and_pause),
	PROGRAM(containers_by_name_and_prefix),
	PROGRAM(docker_pause_top_restart_follow_prune),
	PROGRAM(docker_runs_a_container_in_a_container),
	PROGRAM_TIMED(twenty_clients_at_once_leave_nothing, 60),
	{ 0 },
};
