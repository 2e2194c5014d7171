/* test_programs.c - boxnet as a whole, as root. Each test runs in a
 * network namespace of its own (nettest_own_network()), the "host" of the
 * test: boxnet, run from there, builds its bridge and table there, and
 * all of it vanishes with the test. The containers are forked children
 * with network namespaces of their own (nettest_box_start()). */
#include "harness.h"
#include "net.h"
#include "nettest.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char state_dir[256];

/* Run boxnet --state STATE_DIR ARGS... */
#define BOXNET(result, ...)                                                    \
	TEST_RUN(result, "boxnet", "--state", state_dir, __VA_ARGS__)

/* A network of the test's own, with the bridge up. */
static void host_with_bridge(void)
{
	struct run_result r;

	nettest_own_network();
	snprintf(state_dir, sizeof(state_dir), "%s/run", test_tmpdir());
	BOXNET(&r, "bridge", "up");
	test_assert_exit(&r, 0);
	ck_assert_str_eq(r.out, "bx0 10.89.0.1/24\n");
	test_run_free(&r);
}

/* boxnet ARGS... with PID as the last argument must succeed. */
static void boxnet_pid(const char *command, pid_t pid, const char *more,
                       const char *value)
{
	struct run_result r;
	char text[16];

	snprintf(text, sizeof(text), "%d", (int)pid);
	if (more)
		BOXNET(&r, command, text, more, value);
	else
		BOXNET(&r, command, text);
	test_assert_exit(&r, 0);
	test_run_free(&r);
}

/* The size of file PATH, 0 if there is none. */
static size_t file_size_or_zero(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

/* Nothing of the lab's is left: links, table, state. */
static void nothing_left(void)
{
	struct stat st;

	ck_assert_int_eq(nettest_count_links("bx"), 0);
	ck_assert_msg(net_nft_apply("list table ip boxlab", NULL, 0) < 0,
	              "the table boxlab is still there");
	ck_assert_msg(stat(state_dir, &st) < 0 && errno == ENOENT,
	              "%s is still there", state_dir);
}

/* Container A: a server on port 80 for one "ping", answering "pong". */
static int server_box(struct nettest_box *box)
{
	int fd = nettest_listen("0.0.0.0", 80);

	if (fd < 0)
		return 1;
	nettest_box_report(box, 'L');
	return nettest_serve_one(fd, "ping", "pong\n") == 0 ? 0 : 2;
}

/* Container B: ping A, then greet the gateway. */
static int client_box(struct nettest_box *box)
{
	char line[64];

	(void)box;
	if (nettest_exchange("10.89.0.10", 80, "ping\n", line, sizeof(line)) ||
	    strcmp(line, "pong"))
		return 3;
	if (nettest_exchange("10.89.0.1", 7000, "hello\n", line,
	                     sizeof(line)) ||
	    strcmp(line, "welcome"))
		return 4;
	return 0;
}

static const char *const why[] = {
	[1] = "the server could not listen on port 80",
	[2] = "the server got no ping, or could not answer",
	[3] = "container B got no pong from container A",
	[4] = "container B could not reach its gateway",
	[5] = "container C got no pong through the published port",
	[6] = "the container's eth0 is still there",
};

START_TEST(two_containers_talk_and_reach_the_gateway)
{
	struct nettest_box a, b;
	struct run_result r;
	char pid_text[16];
	int gateway;

	host_with_bridge();
	nettest_box_start(&a, server_box);
	nettest_box_start(&b, client_box);
	boxnet_pid("attach", a.pid, "--ip", "10.89.0.10");
	boxnet_pid("attach", b.pid, NULL, NULL);
	BOXNET(&r, "ls");
	test_assert_exit(&r, 0);
	snprintf(pid_text, sizeof(pid_text), "%d", (int)b.pid);
	ck_assert_msg(strstr(r.out, "10.89.0.2") && strstr(r.out, pid_text),
	              "ls does not show B with 10.89.0.2:\n%s", r.out);
	test_run_free(&r);
	gateway = nettest_listen("10.89.0.1", 7000);
	ck_assert_int_ge(gateway, 0);
	nettest_box_go(&a);
	nettest_box_expect(&a, 'L'); /* listening: B may connect */
	nettest_box_go(&b);
	ck_assert_int_eq(nettest_serve_one(gateway, "hello", "welcome\n"), 0);
	nettest_box_wait(&a, why, 7);
	nettest_box_wait(&b, why, 7);
	close(gateway);
	boxnet_pid("detach", a.pid, NULL, NULL);
	boxnet_pid("detach", b.pid, NULL, NULL);
	ck_assert_int_eq(nettest_count_links("bxv"), 0);
	BOXNET(&r, "bridge", "down");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	nothing_left();
}
END_TEST

/* Container C, in a namespace linked to the host by a veth pair: the
 * published port 8080 of the host's 10.99.0.1 leads to A's port 80. */
static int outside_box(struct nettest_box *box)
{
	char line[64];

	(void)box;
	if (net_link_up("lo") || net_link_up("eth0") ||
	    net_addr_add("eth0", nettest_addr("10.99.0.2"), 24))
		return 5;
	if (nettest_exchange("10.99.0.1", 8080, "ping\n", line, sizeof(line)) ||
	    strcmp(line, "pong"))
		return 5;
	return 0;
}

START_TEST(published_port_reaches_the_container)
{
	struct nettest_box a, c;
	struct run_result r;
	char pid_text[16];
	int ret;

	host_with_bridge();
	nettest_box_start(&a, server_box);
	nettest_box_start(&c, outside_box);
	boxnet_pid("attach", a.pid, NULL, NULL);
	snprintf(pid_text, sizeof(pid_text), "%d", (int)a.pid);
	BOXNET(&r, "publish", "8080:80", pid_text);
	test_assert_exit(&r, 0);
	test_run_free(&r);
	ck_assert_ok(net_veth_create("bxo0", "eth0", c.pid), "veth to C");
	ck_assert_ok(net_addr_add("bxo0", nettest_addr("10.99.0.1"), 24),
	             "address of bxo0");
	ck_assert_ok(net_link_up("bxo0"), "bxo0 up");
	nettest_box_go(&a);
	nettest_box_expect(&a, 'L');
	nettest_box_go(&c);
	nettest_box_wait(&c, why, 7);
	nettest_box_wait(&a, why, 7);
	/* C's namespace goes with C, and the veth pair with it: the kernel
	 * may have deleted bxo0 already (it does so asynchronously). */
	ret = net_link_delete("bxo0");
	if (ret != -ENODEV)
		ck_assert_ok(ret, "delete bxo0");
	BOXNET(&r, "bridge", "down");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	nothing_left();
}
END_TEST

/* A container that checks, once let go, that it has no eth0 left. */
static int no_eth0_box(struct nettest_box *box)
{
	(void)box;
	return nettest_index("eth0") == 0 ? 0 : 6;
}

START_TEST(fifty_attach_detach_cycles_leave_nothing)
{
	struct nettest_box box;
	struct run_result r;
	char state[4096];
	int i;

	host_with_bridge();
	nettest_box_start(&box, no_eth0_box);
	for (i = 0; i < 50; i++) {
		boxnet_pid("attach", box.pid, NULL, NULL);
		boxnet_pid("detach", box.pid, NULL, NULL);
	}
	ck_assert_int_eq(nettest_count_links("bx"), 1); /* bx0 */
	snprintf(state, sizeof(state), "%s/net/state", state_dir);
	ck_assert_int_eq(file_size_or_zero(state),
	                 strlen("subnet 10.89.0.0/24\n"));
	/* Attached when the bridge goes down: the pair goes too. */
	boxnet_pid("attach", box.pid, NULL, NULL);
	BOXNET(&r, "bridge", "down");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	nettest_box_go(&box);
	nettest_box_wait(&box, why, 7);
	nothing_left();
}
END_TEST

/* RESULT failed with one line on stderr containing TEXT. */
static void one_line_error(struct run_result *result, const char *text)
{
	test_assert_exit(result, 1);
	ck_assert_msg(strstr(result->err, text) != NULL,
	              "expected \"%s\" in: %s", text, result->err);
	ck_assert_msg(strchr(result->err, '\n') ==
	                      result->err + strlen(result->err) - 1,
	              "not one line: %s", result->err);
	test_run_free(result);
}

START_TEST(bad_input_gets_a_clear_error)
{
	struct nettest_box a, b;
	struct run_result r;
	char pid_text[16];

	nettest_own_network();
	snprintf(state_dir, sizeof(state_dir), "%s/run", test_tmpdir());
	BOXNET(&r, "bridge", "up", "--subnet", "10.0.0.0/33");
	one_line_error(&r, "bad subnet 10.0.0.0/33");
	ck_assert_int_eq(nettest_count_links("bx"), 0);
	BOXNET(&r, "bridge", "up");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	nettest_box_start(&a, no_eth0_box);
	nettest_box_start(&b, no_eth0_box);
	snprintf(pid_text, sizeof(pid_text), "%d", (int)a.pid);
	BOXNET(&r, "publish", "70000:80", pid_text);
	one_line_error(&r, "bad port mapping 70000:80");
	BOXNET(&r, "attach", "2147483647");
	one_line_error(&r, "no process 2147483647");
	boxnet_pid("attach", a.pid, "--ip", "10.89.0.7");
	snprintf(pid_text, sizeof(pid_text), "%d", (int)b.pid);
	BOXNET(&r, "attach", pid_text, "--ip", "10.89.0.7");
	one_line_error(&r, "address 10.89.0.7 is already taken");
	ck_assert_int_eq(nettest_count_links("bx"), 2); /* bx0, a's */
	BOXNET(&r, "bridge", "down");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	nettest_box_go(&a);
	nettest_box_go(&b);
	nettest_box_wait(&a, why, 7);
	nettest_box_wait(&b, why, 7);
	nothing_left();
}
END_TEST

/* A container that only waits to be let go. */
static int idle_box(struct nettest_box *box)
{
	(void)box;
	return 0;
}

/* Six attaches at once: the lock makes them take turns, so no two get
 * the same address. */
START_TEST(concurrent_attaches_get_distinct_addresses)
{
	struct nettest_box boxes[6];
	struct running runs[6];
	struct run_result r;
	char pid_text[6][16], addr[6][32];
	int i, j;

	host_with_bridge();
	for (i = 0; i < 6; i++) {
		nettest_box_start(&boxes[i], idle_box);
		snprintf(pid_text[i], sizeof(pid_text[i]), "%d",
		         (int)boxes[i].pid);
	}
	for (i = 0; i < 6; i++)
		test_start((char *const[]){ (char *)test_program("boxnet"),
		                            "--state", state_dir, "attach",
		                            pid_text[i], NULL },
		           &runs[i]);
	for (i = 0; i < 6; i++) {
		test_finish(&runs[i], &r);
		test_assert_exit(&r, 0);
		ck_assert_int_eq(sscanf(r.out, "%*d %31s", addr[i]), 1);
		test_run_free(&r);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(addr[i], addr[j]);
	}
	ck_assert_int_eq(nettest_count_links("bxv"), 6);
	BOXNET(&r, "bridge", "down");
	test_assert_exit(&r, 0);
	test_run_free(&r);
	for (i = 0; i < 6; i++) {
		nettest_box_go(&boxes[i]);
		nettest_box_wait(&boxes[i], why, 7);
	}
	nothing_left();
}
END_TEST

const struct graded_test programs_tests[] = {
	PROGRAM(two_containers_talk_and_reach_the_gateway),
	PROGRAM(published_port_reaches_the_container),
	PROGRAM_TIMED(fifty_attach_detach_cycles_leave_nothing, 30),
	PROGRAM(bad_input_gets_a_clear_error),
	PROGRAM(concurrent_attaches_get_distinct_addresses),
	{ 0 },
};
