/* memfd.c - run the runtime from a sealed copy of itself. See sec.h.
 *
 * CVE-2019-5736: a process in the container could open the runtime's
 * binary through /proc/PID/exe of a runtime process that had joined the
 * container (runc exec), wait for it to exit, and write into the file:
 * the host's runc, run next by root. runc's fix (1.0-rc7): at start,
 * copy itself into a memfd, seal it, and re-execute from there. Then
 * /proc/PID/exe is that memfd, which nobody can write, and the file on
 * disk is out of reach.
 */
#include "sec.h"

#include "exercise.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>

/* Every seal there is: no shrinking, no growing, no writing, no more
 * changes to the seals. */
#define SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)

bool sec_running_sealed(void)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int seals = fd < 0 ? -1 : fcntl(fd, F_GET_SEALS);

	if (fd >= 0)
		close(fd);
	return seals >= 0 && (seals & SEALS) == SEALS;
}

/* EXERCISE 10.7: your own helper functions can go here. */

int sec_exec_sealed(int fd, char *const argv[], char *const envp[])
{
	/* EXERCISE 10.7: Re-execute from a sealed memfd (15 points)
	 *
	 * memfd_create(2) a file named after argv[0]'s base name with MFD_CLOEXEC |
	 * MFD_ALLOW_SEALING (without the second, no seal can be added);
	 * copy FD into it (sendfile(2) until it returns 0); fcntl(2)
	 * F_ADD_SEALS with all four seals; execveat(memfd, "", argv, envp,
	 * AT_EMPTY_PATH). MFD_CLOEXEC is harmless here: execveat() closes
	 * the fd only after it has the file it runs.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("10.7", fd, argv, envp);
}
