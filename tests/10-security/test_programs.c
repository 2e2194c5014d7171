/* test_programs.c - secbox and secprobe, run as a user would: the layers
 * together, each door checked for its own error, and the escapes. They
 * need every exercise of the chapter, so they carry no points; they must
 * pass for the solutions.
 */
#include "file.h"
#include "harness.h"
#include "testroot.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A busybox root with secprobe in /bin. In a sanitizer build the
 * programs run under LeakSanitizer, which stops the world at exit with
 * ptrace(2): the layers forbid that (no CAP_SYS_PTRACE, not in the
 * profile), so leak checking is off for what these tests run. */
static const char *probe_root(void)
{
	const char *root = testroot_make();

	setenv("ASAN_OPTIONS", "detect_leaks=0", 1);

	testroot_add_program(root, "secprobe");
	return root;
}

static char *mountinfo_now(void)
{
	char *text;

	ck_assert_int_eq(
	        file_read_all(AT_FDCWD, "/proc/self/mountinfo", &text, NULL),
	        0);
	return text;
}

/* Every layer: each call refused with EPERM, each by its own door (the
 * filter for most; the capabilities for the raw socket, which the
 * profile allows), ordinary work still done, the masked files empty
 * (or absent from this kernel), /proc/sys read-only. And the host's
 * mount table the same afterwards. */
START_TEST(secbox_defaults_refuse_each_call)
{
	char *before, *after, *kcore;
	struct run_result r;
	const char *root;

	test_needs_root();
	root = probe_root();
	before = mountinfo_now();
	TEST_RUN(&r, "secbox", "--caps", "default", "--seccomp", "default",
	         "--no-new-privs", "--mask", "--readonly-paths", root, "--",
	         "/bin/secprobe", "deny");
	test_assert_exit(&r, 0);
	kcore = strstr(r.out, "/proc/kcore: ");
	ck_assert_msg(kcore && (!strncmp(kcore, "/proc/kcore: 0 bytes\n", 21) ||
	                        !strncmp(kcore, "/proc/kcore: ENOENT\n", 20)),
	              "expected /proc/kcore to read as empty, got:\n%s", r.out);
	memmove(kcore, strchr(kcore, '\n') + 1, strlen(strchr(kcore, '\n')));
	ck_assert_str_eq(r.out, "mount: EPERM\nswapon: EPERM\nkeyctl: EPERM\n"
	                        "unshare-user: EPERM\nraw-socket: EPERM\n"
	                        "reboot: EPERM\nordinary-work: ok\n"
	                        "/proc/keys: 0 bytes\n"
	                        "/proc/timer_list: 0 bytes\n"
	                        "write-proc-sys: EROFS\n");
	after = mountinfo_now();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	test_run_free(&r);
}
END_TEST

/* No layer: chapter 06's container lets root do all of it (each probe
 * fails later, harmlessly, or succeeds inside the container). */
START_TEST(secbox_without_layers_allows_them)
{
	struct run_result r;

	test_needs_root();
	TEST_RUN(&r, "secbox", probe_root(), "--", "/bin/secprobe", "deny");
	test_assert_exit(&r, 0);
	ck_assert_msg(strstr(r.out, "mount: ENODEV\nswapon: ENOENT\n") &&
	                      strstr(r.out, "unshare-user: ok\n"
	                                    "raw-socket: ok\n"
	                                    "reboot: EINVAL\n") &&
	                      !strstr(r.out, "timer_list: 0 bytes") &&
	                      strstr(r.out, "write-proc-sys: ok\n"),
	              "expected every door open, got:\n%s", r.out);
	test_run_free(&r);
}
END_TEST

/* Docker keeps NET_RAW, Podman does not; neither keeps SYS_ADMIN. */
START_TEST(secbox_docker_caps_keep_net_raw)
{
	struct run_result docker, podman;
	const char *root;

	test_needs_root();
	root = probe_root();
	TEST_RUN(&docker, "secbox", "--caps", "docker", root, "--",
	         "/bin/secprobe", "deny");
	TEST_RUN(&podman, "secbox", "--caps", "default", root, "--",
	         "/bin/secprobe", "deny");
	test_assert_exit(&docker, 0);
	test_assert_exit(&podman, 0);
	ck_assert_msg(strstr(docker.out, "mount: EPERM\n") &&
	                      strstr(docker.out, "raw-socket: ok\n"),
	              "docker: expected mount refused, a raw socket made:\n%s",
	              docker.out);
	ck_assert_msg(strstr(podman.out, "mount: EPERM\n") &&
	                      strstr(podman.out, "raw-socket: EPERM\n"),
	              "default: expected both refused:\n%s", podman.out);
	test_run_free(&docker);
	test_run_free(&podman);
}
END_TEST

/* The PID of the first child of PID (the container's PID 1). */
static pid_t first_child(pid_t pid)
{
	char path[64], text[64] = "";

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
	         (int)pid);
	ck_assert_int_gt(file_read_buf(AT_FDCWD, path, text, sizeof(text)), 0);
	return atoi(text);
}

/* capls (chapter 04), from the host, shows what the container kept. */
START_TEST(capls_shows_the_default_set)
{
	static const char podman[] =
	        "cap_chown,cap_dac_override,cap_fowner,cap_fsetid,cap_kill,"
	        "cap_setgid,cap_setuid,cap_setpcap,cap_net_bind_service,"
	        "cap_sys_chroot,cap_setfcap\n";
	struct run_result r, caps;
	struct running run;
	char pid[16];

	test_needs_root();
	test_start((char *const[]){ (char *)test_program("secbox"), "--caps",
	                            "default", (char *)probe_root(), "--", "sh",
	                            "-c", "echo ready; exec cat", NULL },
	           &run);
	test_wait_for_line(run.out_fd, "ready");
	snprintf(pid, sizeof(pid), "%d", (int)first_child(run.pid));
	TEST_RUN(&caps, "capls", pid);
	test_finish(&run, &r);
	test_assert_exit(&caps, 0);
	ck_assert_msg(strstr(caps.out, "  bounding     ") &&
	                      !strncmp(strstr(caps.out, "  bounding     ") + 15,
	                               podman, sizeof(podman) - 1) &&
	                      strstr(caps.out, "  effective    cap_chown,"),
	              "expected Podman's 11 in the bounding set, got:\n%s",
	              caps.out);
	test_run_free(&caps);
	test_run_free(&r);
}
END_TEST

/* ROOT/bin/secprobe-suid: a copy of the probe, setuid root. */
static void add_setuid_probe(const char *root)
{
	char from[PATH_MAX], to[PATH_MAX];
	size_t len;
	char *data;
	int fd;

	snprintf(from, sizeof(from), "%s/bin/secprobe", root);
	snprintf(to, sizeof(to), "%s/bin/secprobe-suid", root);
	ck_assert_int_eq(file_read_all(AT_FDCWD, from, &data, &len), 0);
	fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, 04755), 0);
	close(fd);
	free(data);
}

/* As nobody, a setuid-root program makes the caller root again, unless
 * no_new_privs is set. */
START_TEST(no_new_privs_setuid_gains_nothing)
{
	struct run_result open_door, closed;
	const char *root;

	test_needs_root();
	root = probe_root();
	add_setuid_probe(root);
	TEST_RUN(&open_door, "secbox", "--caps", "default", root, "--",
	         "/bin/secprobe", "setuid", "/bin/secprobe-suid");
	TEST_RUN(&closed, "secbox", "--caps", "default", "--no-new-privs", root,
	         "--", "/bin/secprobe", "setuid", "/bin/secprobe-suid");
	test_assert_exit(&open_door, 0);
	test_assert_exit(&closed, 0);
	ck_assert_msg(strstr(open_door.out, "uid 65534 euid 0\n"),
	              "without no_new_privs, expected euid 0, got:\n%s",
	              open_door.out);
	ck_assert_msg(strstr(closed.out, "uid 65534 euid 65534\n") &&
	                      strstr(closed.out, "NoNewPrivs:\t1\n"),
	              "with no_new_privs, expected euid 65534, got:\n%s",
	              closed.out);
	test_run_free(&open_door);
	test_run_free(&closed);
}
END_TEST

/* A profile with an unknown system call is refused before any container
 * starts, with the profile's name and the culprit. */
START_TEST(secbox_bad_profile_is_named)
{
	char profile[PATH_MAX];
	struct run_result r;

	test_needs_root();
	snprintf(profile, sizeof(profile), "%s/bad.json", test_tmpdir());
	testroot_write(profile, "{ \"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	                        "  \"syscalls\": [ { \"names\": [ \"chmod\", "
	                        "\"rebot\" ],\n"
	                        "  \"action\": \"SCMP_ACT_ERRNO\" } ] }\n");
	TEST_RUN(&r, "secbox", "--seccomp", profile, probe_root(), "--",
	         "true");
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.err, profile) &&
	                      strstr(r.err, "syscalls[0]: unknown system call "
	                                    "\"rebot\""),
	              "expected an error naming %s and \"rebot\", got: %s",
	              profile, r.err);
	test_run_free(&r);
}
END_TEST

/* CVE-2019-5736, in a throwaway setting: a container whose PID 1 is the
 * attacker (secprobe exe-attack); a throwaway copy of secbox, the
 * "runtime", enters the container's PID namespace as `runc exec` did
 * (nsjoin --pid) and runs a container of its own there, so it lives
 * until the test closes that one's stdin. The attacker finds it, holds
 * its binary, and writes it once it has exited. Returns the attacker's
 * output; the copy's content after, in *RET_COPY. */
static char *exe_overwrite(bool memfd, char **ret_copy)
{
	char copy[PATH_MAX], pid[16], *data;
	struct running attacker, runtime;
	struct run_result a, r;
	size_t len;
	int fd;

	snprintf(copy, sizeof(copy), "%s/secbox", test_tmpdir());
	ck_assert_int_eq(
	        file_read_all(AT_FDCWD, test_program("secbox"), &data, &len),
	        0);
	fd = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	free(data);
	test_start((char *const[]){ (char *)test_program("secbox"),
	                            (char *)probe_root(), "--", "/bin/secprobe",
	                            "exe-attack", NULL },
	           &attacker);
	test_wait_for_line(attacker.out_fd, "waiting for a runtime");
	snprintf(pid, sizeof(pid), "%d", (int)first_child(attacker.pid));
	test_start((char *const[]){ (char *)test_program("nsjoin"), "-t", pid,
	                            "--pid", "--", copy,
	                            memfd ? "--seccomp=none" : "--no-memfd",
	                            (char *)testroot_make(), "--", "sh", "-c",
	                            "echo up; exec cat", NULL },
	           &runtime);
	test_wait_for_line(runtime.out_fd, "up");
	ck_assert_int_eq(write(attacker.in_fd, "go\n", 3), 3);
	test_wait_for_line(attacker.out_fd, "holding the binary");
	test_finish(&runtime, &r);
	test_assert_exit(&r, 0);
	test_finish(&attacker, &a);
	ck_assert_int_eq(file_read_all(AT_FDCWD, copy, ret_copy, NULL), 0);
	test_run_free(&r);
	data = a.out;
	a.out = NULL;
	ck_assert_msg(WIFEXITED(a.status) && WEXITSTATUS(a.status) != 2,
	              "the attack did not get to the write:\n%s%s", data,
	              a.err);
	test_run_free(&a);
	return data;
}

START_TEST(exe_overwrite_fails_against_a_sealed_memfd)
{
	char *out, *copy;

	test_needs_root();
	out = exe_overwrite(true, &copy);
	ck_assert_msg(strstr(out, "write the runtime's binary "
	                          "/memfd:secbox (deleted): EPERM"),
	              "expected the memfd, and the write refused, got:\n%s",
	              out);
	ck_assert_msg(!strncmp(copy, "\177ELF", 4),
	              "the runtime's file was changed");
	free(out);
	free(copy);
}
END_TEST

START_TEST(exe_overwrite_succeeds_without_it)
{
	char *out, *copy;

	test_needs_root();
	out = exe_overwrite(false, &copy);
	ck_assert_msg(strstr(out, "overwrote the runtime's binary"),
	              "expected the write to succeed, got:\n%s", out);
	ck_assert_str_eq(copy, "#!/bin/sh\necho boxlab: replaced\n");
	free(out);
	free(copy);
}
END_TEST

/* CVE-2024-21626: runc leaked a directory fd of the host into the
 * container, and a working directory set to /proc/self/fd/N walked out.
 * secbox marks every fd above 2 close-on-exec before the command: fd 7,
 * the host's "/" left open by the caller, never arrives. */
START_TEST(leaked_directory_fd_does_not_arrive)
{
	char script[PATH_MAX * 3], marker[PATH_MAX];
	struct run_result r;
	const char *root;

	test_needs_root();
	root = probe_root();
	testroot_add_program(root, "escape");
	snprintf(marker, sizeof(marker), "%s/host-marker", test_tmpdir());
	testroot_write(marker, "host token\n");
	snprintf(script, sizeof(script),
	         "exec 7< /; exec %s --caps default --seccomp default "
	         "--no-new-privs %s -- /bin/escape %s",
	         test_program("secbox"), root, marker);
	test_run((char *const[]){ "/bin/sh", "-c", script, NULL }, &r);
	test_assert_exit(&r, 1);
	ck_assert_msg(strstr(r.out, "inherited directory fds: none") &&
	                      strstr(r.out, "contained: no way out") &&
	                      !strstr(r.out, "host token"),
	              "expected no fd and no way out, got:\n%s", r.out);
	test_run_free(&r);
}
END_TEST

const struct graded_test programs_tests[] = {
	PROGRAM(leaked_directory_fd_does_not_arrive),
	PROGRAM(secbox_defaults_refuse_each_call),
	PROGRAM(secbox_without_layers_allows_them),
	PROGRAM(secbox_docker_caps_keep_net_raw),
	PROGRAM(capls_shows_the_default_set),
	PROGRAM(no_new_privs_setuid_gains_nothing),
	PROGRAM(secbox_bad_profile_is_named),
	PROGRAM(exe_overwrite_fails_against_a_sealed_memfd),
	PROGRAM(exe_overwrite_succeeds_without_it),
	{ 0 }
};
