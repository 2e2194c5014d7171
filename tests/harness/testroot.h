/* testroot.h - small busybox root file systems for the tests of the
 * container chapters (06 and later). */
#ifndef BOXLAB_TESTROOT_H
#define BOXLAB_TESTROOT_H

/* A busybox root file system in a new test_tmpdir(): the directories a
 * root has, the host's static /bin/busybox (busybox-static) and a link
 * per applet the tests run, and etc/hostname saying "inside". Returns its
 * path (static buffer, valid for the test). Fails the test if busybox is
 * missing or not static. */
const char *testroot_make(void);

/* Copy program NAME of this grading run into ROOT/bin/NAME. The lab links
 * the programs that run in a container statically; a sanitizer build
 * cannot, so there this test moves to a private mount namespace of its
 * own and the host's /usr is bind-mounted, read-only, into ROOT, with
 * ROOT/lib and ROOT/lib64 pointing into it, for the loader to find the
 * libraries. */
void testroot_add_program(const char *root, const char *name);

/* Write TEXT to a new file PATH (mode 0644); fails the test if it cannot. */
void testroot_write(const char *path, const char *text);

/* In a forked child of a test: a mount namespace of its own whose mounts
 * are private, so what the child mounts stays there. Returns 0 or an
 * errno value (the child exits with a code of its own then). Not the
 * exercise's code: the tests of 6.2 and later must not depend on 6.1. */
int testroot_private_namespace(void);

/* ... and ROOT bind-mounted onto itself, a mount point. */
int testroot_bind_onto_itself(const char *root);

#endif
