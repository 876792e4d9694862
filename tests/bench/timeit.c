/*
 * timeit.c: one run of a command, timed as a whole process, for make
 * bench: from just before fork() to just after wait4() reaps it, with
 * no shell between (the bench runs any preparation before, untimed).
 * Prints "MILLISECONDS PEAK-KB" (wall time, the child's peak resident
 * set) and exits with the command's status.  The command's output goes
 * to /dev/null.
 *
 * usage: timeit COMMAND [ARGUMENT ...]
 */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct timespec t0, t1;
	struct rusage ru;
	pid_t pid;
	int st, null;

	if (argc < 2) {
		fprintf(stderr, "usage: timeit COMMAND [ARGUMENT ...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) == -1) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		if ((null = open("/dev/null", O_WRONLY)) != -1) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) == -1) {
		perror("wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.3f %ld\n", (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6, ru.ru_maxrss);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}
