/* boxrun - an OCI runtime with runc's command line.
 *
 *	boxrun [--root DIR] [--log FILE] [--log-format text|json] [--debug]
 *	       COMMAND [ARG...]
 *
 * The commands and options are runc's, so that podman, containerd or a
 * test suite written for runc can drive it (podman --runtime PATH):
 *
 *	spec      write a default config.json
 *	create    make the container; its process waits on exec.fifo
 *	start     let it exec its program
 *	run       create + start + wait + delete
 *	state     the OCI state document
 *	list      the containers
 *	kill      signal its process (--all: every process of its cgroup)
 *	delete    remove a stopped one (--force: any)
 *	exec      run another process in a running one
 *	ps        the PIDs in its cgroup
 *	pause     freeze its cgroup; resume thaws it
 *	features  what this runtime supports, as JSON
 *
 * Errors name the file and field: "config.json: process.args: expected
 * an array of strings".
 */
#include "die.h"
#include "runtime.h"
#include "spec.h"
#include "file.h"
#include "parse.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <sys/capability.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <limits.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static noreturn void usage(int status)
{
	printf("usage: boxrun [--root DIR] [--log FILE] [--log-format "
	       "text|json]"
	       " COMMAND [ARG...]\n"
	       "An OCI runtime with runc's command line.\n"
	       "  spec [--bundle DIR]                 write a default "
	       "config.json\n"
	       "  create [--bundle DIR] [--pid-file F] [--console-socket S] "
	       "ID\n"
	       "  start ID                            run the created "
	       "container's program\n"
	       "  run [--bundle DIR] [-d] ID          create, start, wait, "
	       "delete\n"
	       "  state ID | list                     its state | all of "
	       "them\n"
	       "  kill [--all] ID [SIGNAL]            default SIGTERM\n"
	       "  delete [--force] ID\n"
	       "  exec [-d] [-t --console-socket S] [--process F] [--pid-file "
	       "F]"
	       " [--cwd D] [--env K=V] ID [CMD...]\n"
	       "  ps ID | pause ID | resume ID | features\n"
	       "State lives under --root (default %s).\n",
	       STATE_DEFAULT_ROOT);
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

static struct runtime rt = { .root_fd = -1 };

/* config.json of BUNDLE, parsed; dies naming the file and field. */
static void read_spec(const char *bundle, struct spec *spec)
{
	struct spec_error err;
	char path[PATH_MAX + 16], *text;
	int ret;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	ret = file_read_all(AT_FDCWD, path, &text, NULL);
	if (ret < 0)
		die_errno(ret, "%s", path);
	if (spec_parse(text, spec, &err) < 0)
		die("%s: %s", path,
		    strncmp(err.text, "config.json: ", 13) ? err.text
		                                           : err.text + 13);
	free(text);
	for (char **w = spec->warnings; w && *w; w++)
		warn("warning: %s: %s", path, *w);
}

/* A unix socket connected to PATH, where the terminal's master goes. */
static int connect_console(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		die("--console-socket %s: path too long", path);
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die_errno(errno, "--console-socket %s", path);
	return fd;
}

/* What create made: the container's state, the config it was made
 * from (for run's hooks: read once), and whether -d was given. */
struct created {
	struct container_state state;
	struct spec spec; /* spec_free() it */
	bool detach;
};

/* create and run: the bundle, then the container. RUN: run's, whose
 * container stays this process's child unless -d. */
static void create(int argc, char **argv, bool run, struct created *ret)
{
	static const struct option longopts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "no-pivot", no_argument, NULL, 'n' },
		{ "no-new-keyring", no_argument, NULL, 'k' },
		{ "detach", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = ".", *pid_file = NULL, *console = NULL;
	struct runtime_create c = { .console_fd = -1 };
	char abs_bundle[PATH_MAX], pid_text[32];
	struct spec_error err;
	int opt;

	while ((opt = getopt_long(argc, argv, "+:b:d", longopts, NULL)) != -1) {
		switch (opt) {
		case 'b': bundle = optarg; break;
		case 'p': pid_file = optarg; break;
		case 'c': console = optarg; break;
		case 'n': /* pivot_root always: a chroot is no container */
		case 'k': /* no session keyring is made anyway */ break;
		case 'd': ret->detach = true; break;
		default: die_bad_option(opt, argv);
		}
	}
	if (optind != argc - 1)
		die_usage("%s needs one container ID", argv[0]);
	if (!realpath(bundle, abs_bundle))
		die_errno(errno, "bundle %s", bundle);
	read_spec(abs_bundle, &ret->spec);
	if (ret->spec.process.terminal && !console)
		die("%s/config.json: process.terminal is true: give "
		    "--console-socket, or set it to false",
		    abs_bundle);
	if (console)
		c.console_fd = connect_console(console);
	c.id = argv[optind];
	c.bundle = abs_bundle;
	c.spec = &ret->spec;
	c.foreground = run && !ret->detach;
	if (runtime_create(&rt, &c, &ret->state, &err) < 0)
		die("create %s: %s", c.id, err.text);
	if (pid_file) {
		snprintf(pid_text, sizeof(pid_text), "%d", (int)ret->state.pid);
		if (file_replace(AT_FDCWD, pid_file, pid_text, strlen(pid_text),
		                 0644) < 0)
			die_errno(errno, "write %s", pid_file);
	}
}

static int cmd_create(int argc, char **argv)
{
	struct created created = { 0 };

	create(argc, argv, false, &created);
	spec_free(&created.spec);
	return EXIT_SUCCESS;
}

/* The ID argument of a command that takes one, after its options. */
static const char *one_id(int argc, char **argv)
{
	if (optind != argc - 1)
		die_usage("%s needs one container ID", argv[0]);
	return argv[optind];
}

static void check(int ret, const char *what, const char *id)
{
	if (ret == -ENOENT)
		die("%s %s: no such container", what, id);
	if (ret < 0)
		die_errno(ret, "%s %s", what, id);
}

/* Run SPEC's hooks KIND for the container of STATE, after the fact: a
 * failure is a warning (the runtime spec: poststart and poststop). */
static void run_after_hooks(const struct spec *spec,
                            const struct container_state *state,
                            enum spec_hook_kind kind, const char *status)
{
	struct spec_error err;

	if (runtime_run_hooks(spec->hooks[kind], spec->n_hooks[kind],
	                      spec_hook_names[kind], state, status, &err) < 0)
		warn("%s", err.text);
}

/* The same from the config in the container's bundle (a command after
 * create); a config.json that can no longer be read is a warning. */
static void after_hooks(const struct container_state *state,
                        enum spec_hook_kind kind, const char *status)
{
	char path[PATH_MAX + 16], *text;
	struct spec_error err;
	struct spec spec;

	snprintf(path, sizeof(path), "%s/config.json", state->bundle);
	if (file_read_all(AT_FDCWD, path, &text, NULL) < 0)
		return;
	if (spec_parse(text, &spec, &err) < 0) {
		warn("%s: %s (no %s hooks run)", path, err.text,
		     spec_hook_names[kind]);
		free(text);
		return;
	}
	free(text);
	run_after_hooks(&spec, state, kind, status);
	spec_free(&spec);
}

/* after_hooks() for container ID, if it is there. */
static void after_hooks_of(const char *id, enum spec_hook_kind kind,
                           const char *status)
{
	struct container_state state;

	if (state_load(rt.root_fd, id, &state) == 0)
		after_hooks(&state, kind, status);
}

static int cmd_start(int argc, char **argv)
{
	const char *id;
	int ret;

	optind = 1;
	id = one_id(argc, argv);
	ret = runtime_start(&rt, id);
	if (ret == -EINVAL)
		die("start %s: not created (boxrun state %s)", id, id);
	if (ret == -ESRCH)
		die("start %s: its process has ended", id);
	check(ret, "start", id);
	after_hooks_of(id, SPEC_HOOK_POSTSTART, "running");
	return EXIT_SUCCESS;
}

/* run: create, start, wait, delete; the exit status is the program's.
 * The hooks come from the config create read. */
static int cmd_run(int argc, char **argv)
{
	struct created c = { 0 };
	const char *id = argv[argc - 1];
	int status, ret;

	create(argc, argv, true, &c);
	ret = runtime_start(&rt, id);
	if (ret < 0) {
		runtime_delete(&rt, id, true); /* run leaves nothing behind */
		check(ret, "start", id);
	}
	run_after_hooks(&c.spec, &c.state, SPEC_HOOK_POSTSTART, "running");
	if (c.detach) {
		spec_free(&c.spec);
		return EXIT_SUCCESS; /* it runs on; delete removes it */
	}
	while (waitpid(c.state.pid, &status, 0) < 0)
		if (errno != EINTR)
			die_errno(errno, "wait for %s", id);
	run_after_hooks(&c.spec, &c.state, SPEC_HOOK_POSTSTOP, "stopped");
	runtime_delete(&rt, id, true);
	spec_free(&c.spec);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int cmd_state(int argc, char **argv)
{
	struct container_state state;
	const char *id;
	json_t *doc;
	char *text;

	optind = 1;
	id = one_id(argc, argv);
	check(state_load(rt.root_fd, id, &state), "state", id);
	runtime_refresh(&rt, &state);
	doc = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s}", "ociVersion", "1.0.2",
	                "id", state.id, "status",
	                state_status_names[state.status], "pid",
	                state.status == STATE_STOPPED ? 0 : (int)state.pid,
	                "bundle", state.bundle, "created", state.created);
	text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
	if (!text)
		die_errno(ENOMEM, "state %s", id);
	printf("%s\n", text);
	free(text);
	json_decref(doc);
	return EXIT_SUCCESS;
}

/* kill [--all] ID [SIGNAL]: SIGTERM unless named ("KILL", "SIGKILL",
 * "9"). */
static int cmd_kill(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *id;
	bool all = false;
	int opt, ret, sig = SIGTERM;

	while ((opt = getopt_long(argc, argv, "+:a", longopts, NULL)) != -1) {
		if (opt == 'a')
			all = true;
		else
			die_bad_option(opt, argv);
	}
	if (argc - optind == 2) {
		sig = parse_signal(argv[optind + 1]);
		if (sig <= 0)
			die_usage("kill: %s is not a signal", argv[optind + 1]);
		argc--;
	}
	id = one_id(argc, argv);
	ret = runtime_kill(&rt, id, sig, all);
	if (ret == -ESRCH)
		die("kill %s: it is stopped", id);
	check(ret, "kill", id);
	return EXIT_SUCCESS;
}

static int cmd_delete(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct container_state state;
	bool force = false, have_state;
	const char *id;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "+:f", longopts, NULL)) != -1) {
		if (opt == 'f')
			force = true;
		else
			die_bad_option(opt, argv);
	}
	id = one_id(argc, argv);
	have_state = state_load(rt.root_fd, id, &state) == 0;
	ret = runtime_delete(&rt, id, force);
	if (ret == -EBUSY)
		die("delete %s: it is not stopped (--force kills it)", id);
	check(ret, "delete", id);
	/* After the container is gone, before delete returns. */
	if (have_state)
		after_hooks(&state, SPEC_HOOK_POSTSTOP, "stopped");
	return EXIT_SUCCESS;
}

static int cmd_pause_resume(int argc, char **argv)
{
	bool pause = !strcmp(argv[0], "pause");
	const char *id;
	int ret;

	optind = 1;
	id = one_id(argc, argv);
	ret = runtime_pause(&rt, id, pause);
	if (ret == -EINVAL)
		die("%s %s: it is not %s", argv[0], id,
		    pause ? "running" : "paused");
	if (ret == -EOPNOTSUPP)
		die("%s %s: this machine has no cgroup freezer", argv[0], id);
	check(ret, argv[0], id);
	return EXIT_SUCCESS;
}

static int cmd_ps(int argc, char **argv)
{
	const char *id;
	size_t n, i;
	pid_t *pids;

	optind = 1;
	id = one_id(argc, argv);
	check(runtime_pids(&rt, id, &pids, &n), "ps", id);
	printf("PID\n");
	for (i = 0; i < n; i++)
		printf("%d\n", (int)pids[i]);
	free(pids);
	return EXIT_SUCCESS;
}

/* One line per container in the root, as runc list prints them. */
static int cmd_list(int argc, char **argv)
{
	struct container_state state;
	struct dirent *entry;
	DIR *dir;
	int fd;

	(void)argv;
	if (argc != 1)
		die_usage("list takes no argument");
	fd = openat(rt.root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir)
		die_errno(errno, "read %s", rt.root);
	printf("%-20s %-8s %-10s %s\n", "ID", "PID", "STATUS", "BUNDLE");
	while ((entry = readdir(dir))) {
		if (entry->d_name[0] == '.' ||
		    state_load(rt.root_fd, entry->d_name, &state) < 0)
			continue;
		runtime_refresh(&rt, &state);
		printf("%-20s %-8d %-10s %s\n", state.id,
		       state.status == STATE_STOPPED ? 0 : (int)state.pid,
		       state_status_names[state.status], state.bundle);
	}
	closedir(dir);
	return EXIT_SUCCESS;
}

/* An O_PATH fd on PATH's directory, and its last component in
 * *RET_NAME (a pointer into PATH). Dies on an error. */
static int open_parent(const char *path, const char **ret_name)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int fd;

	snprintf(dir, sizeof(dir), "%.*s",
	         slash ? (int)(slash - path) + (slash == path) : 1,
	         slash ? path : ".");
	*ret_name = slash ? slash + 1 : path;
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		die_errno(errno, "%s", dir);
	return fd;
}

/* The "process" of an exec from --process FILE (what podman passes):
 * the same object as config.json's, read with 11.1's parser. */
static void read_process(const char *file, struct spec_process *ret)
{
	struct spec_error err;
	json_error_t jerr;
	json_t *doc = json_load_file(file, 0, &jerr);

	if (!doc)
		die("%s: not JSON: line %d: %s", file, jerr.line, jerr.text);
	if (spec_parse_process(doc, ret, &err) < 0)
		die("%s: %s", file, err.text);
	json_decref(doc);
}

/* exec [-d] [--cwd DIR] [--env K=V]... [--process FILE] [--pid-file F]
 * ID [CMD [ARG...]]: the config's environment unless --env is given. */
static int cmd_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "detach", no_argument, NULL, 'd' },
		{ "cwd", required_argument, NULL, 'c' },
		{ "env", required_argument, NULL, 'e' },
		{ "process", required_argument, NULL, 'p' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "tty", no_argument, NULL, 't' },
		{ "console-socket", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	const char *process_file = NULL, *pid_file = NULL, *console = NULL;
	struct spec_process process = { 0 }, saved;
	char **env = calloc((size_t)argc + 1, sizeof(char *));
	struct runtime_exec e = { .console_fd = -1 };
	struct container_state state;
	struct spec spec = { 0 };
	const char *id, *pid_name = NULL;
	int opt, ret, pid_dir;
	char pid_text[32];
	size_t n_env = 0;

	while ((opt = getopt_long(argc, argv, "+:de:t", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'd': e.detach = true; break;
		case 'c': e.cwd = optarg; break;
		case 'e': env[n_env++] = optarg; break;
		case 'p': process_file = optarg; break;
		case 'P': pid_file = optarg; break;
		case 't': e.terminal = true; break;
		case 'C': console = optarg; break;
		default: die_bad_option(opt, argv);
		}
	}
	if (optind >= argc || (!process_file && argc - optind < 2))
		die_usage("exec needs a container ID and a command");
	id = argv[optind];
	check(state_load(rt.root_fd, id, &state), "exec", id);
	/* The process becomes what the config says (user, capabilities,
	 * no_new_privs, the container's seccomp filter), as runc's exec
	 * does: a --process file replaces the config's process. */
	read_spec(state.bundle, &spec);
	if (process_file) {
		read_process(process_file, &process);
		saved = spec.process;
		spec.process = process;
		e.argv = process.args;
		e.terminal = e.terminal || process.terminal;
	} else {
		saved = spec.process;
		e.argv = argv + optind + 1;
		if (n_env)
			spec.process.env = env;
		if (e.cwd)
			spec.process.cwd = (char *)e.cwd;
	}
	e.spec = &spec;
	if (e.terminal && !console)
		die("exec %s: a terminal needs --console-socket", id);
	if (e.terminal)
		e.console_fd = connect_console(console);
	/* The pid file's directory, opened now: once in the container's
	 * mount namespace, the host's paths are gone. */
	pid_dir = pid_file ? open_parent(pid_file, &pid_name) : -1;
	ret = runtime_exec(&rt, id, &e);
	if (ret >= 0 && pid_file) {
		snprintf(pid_text, sizeof(pid_text), "%d", (int)e.pid);
		if (file_replace(pid_dir, pid_name, pid_text, strlen(pid_text),
		                 0644) < 0)
			die_errno(errno, "write %s", pid_file);
	}
	if (pid_dir >= 0)
		close(pid_dir);
	spec.process = saved; /* what spec_free() frees */
	spec_free(&spec);
	spec_process_free(&process);
	free(env);
	if (ret == -EINVAL)
		die("exec %s: it is not running", id);
	check(ret, "exec", id);
	return e.detach         ? EXIT_SUCCESS
	       : WIFEXITED(ret) ? WEXITSTATUS(ret)
	                        : 128 + WTERMSIG(ret);
}

/* features: what this runtime does, in the runtime spec's features.md
 * format, for the caller to check before it asks. */
static int cmd_features(int argc, char **argv)
{
	static const char *const hooks[] = {
		"prestart",       "createRuntime", "createContainer",
		"startContainer", "poststart",     "poststop"
	};
	static const char *const options[] = {
		"ro",          "rw",
		"nosuid",      "suid",
		"nodev",       "dev",
		"noexec",      "exec",
		"sync",        "async",
		"dirsync",     "remount",
		"mand",        "nomand",
		"atime",       "noatime",
		"diratime",    "nodiratime",
		"relatime",    "norelatime",
		"strictatime", "nostrictatime",
		"bind",        "rbind",
		"private",     "rprivate",
		"shared",      "rshared",
		"slave",       "rslave",
		"unbindable",  "runbindable",
	};
	static const char *const namespaces[] = { "cgroup",  "ipc", "mount",
		                                  "network", "pid", "time",
		                                  "user",    "uts" };
	static const char *const actions[] = {
		"SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO",
		"SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
		"SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
		"SCMP_ACT_TRACE",       "SCMP_ACT_TRAP",
	};
	json_t *doc, *list, *caps = json_array(), *linux_;
	char *text, name[64];
	size_t i;

	(void)argv;
	if (argc != 1)
		die_usage("features takes no argument");
	for (i = 0; i <= (size_t)cap_max_bits() - 1; i++) {
		char *lower = cap_to_name((cap_value_t)i);
		size_t j;

		for (j = 0; lower && lower[j] && j < sizeof(name) - 1; j++)
			name[j] = (char)toupper((unsigned char)lower[j]);
		name[j] = '\0';
		cap_free(lower);
		json_array_append_new(caps, json_string(name));
	}
	linux_ = json_pack("{s:[], s:o, s:{s:b, s:b, s:b, s:b}, s:{s:b, s:[]},"
	                   " s:{s:b}, s:{s:b}}",
	                   "namespaces", "capabilities", caps, "cgroup", "v1",
	                   1, "v2", 1, "systemd", 0, "systemdUser", 0,
	                   "seccomp", "enabled", 1, "actions", "apparmor",
	                   "enabled", 0, "selinux", "enabled", 0);
	doc = json_pack("{s:s, s:s, s:[], s:[], s:o}", "ociVersionMin", "1.0.0",
	                "ociVersionMax", "1.0.2", "hooks", "mountOptions",
	                "linux", linux_);
	if (!doc)
		die_errno(ENOMEM, "features");
	for (i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		json_array_append_new(json_object_get(doc, "hooks"),
		                      json_string(hooks[i]));
	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		json_array_append_new(json_object_get(doc, "mountOptions"),
		                      json_string(options[i]));
	list = json_object_get(linux_, "namespaces");
	for (i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++)
		json_array_append_new(list, json_string(namespaces[i]));
	list = json_object_get(json_object_get(linux_, "seccomp"), "actions");
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		json_array_append_new(list, json_string(actions[i]));
	text = json_dumps(doc, JSON_INDENT(2));
	if (!text)
		die_errno(ENOMEM, "features");
	printf("%s\n", text);
	free(text);
	json_decref(doc);
	return EXIT_SUCCESS;
}

/* The host is left as it was: the default root goes with its last
 * container (rmdir fails, harmlessly, while one is left), also when a
 * command fails (die() exits through here). */
static void remove_default_root(void)
{
	if (rmdir(STATE_DEFAULT_ROOT) == 0)
		rmdir("/run/boxlab");
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
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} commands[] = {
		{ "spec", cmd_spec },           { "create", cmd_create },
		{ "start", cmd_start },         { "run", cmd_run },
		{ "state", cmd_state },         { "kill", cmd_kill },
		{ "delete", cmd_delete },       { "pause", cmd_pause_resume },
		{ "resume", cmd_pause_resume }, { "ps", cmd_ps },
		{ "list", cmd_list },           { "exec", cmd_exec },
		{ "features", cmd_features },
	};
	const char *root = STATE_DEFAULT_ROOT, *log = NULL;
	bool json_log = false;
	size_t i;
	int c, ret, log_fd;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 'l': log = optarg; break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				die_usage("--log-format %s: text or json",
				          optarg);
			json_log = !strcmp(optarg, "json");
			break;
		case 'd':
		case 's': break;
		case 'h': usage(EXIT_SUCCESS);
		default: die_bad_option(c, argv);
		}
	}
	if (log) {
		log_fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		              0600);
		if (log_fd < 0)
			die_errno(errno, "--log %s", log);
		die_log_to(log_fd, json_log);
	}
	if (optind == argc)
		die_usage("no command");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[optind], commands[i].name))
			break;
	if (i == sizeof(commands) / sizeof(commands[0]))
		die_usage("unknown command %s", argv[optind]);
	if (strcmp(argv[optind], "spec") && (ret = runtime_open(root, &rt)) < 0)
		die_errno(ret, "runtime root %s", root);
	argv += optind;
	argc -= optind;
	optind = 0;
	if (!strcmp(root, STATE_DEFAULT_ROOT))
		atexit(remove_default_root);
	ret = commands[i].run(argc, argv);
	runtime_close(&rt);
	return ret;
}
