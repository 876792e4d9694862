/*
 * floor.c: the floor of a rebuild that looks at its files, for make
 * bench.  Lists content/, layouts/ and assets/ under ROOT and stats
 * every name in them, as rally's snapshot does; and, on a second
 * thread, stats every file out/.rally-manifest names in OUT, as
 * rally's check of its last outputs does.  Nothing else: it reads the
 * manifest, and parses and writes nothing.  Whatever rally does after an edit costs
 * this much at least, on the same files and the same machine.
 *
 * usage: floor ROOT OUT
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long	 inputs, outputs;
static int	 nomanifest;	/* OUT has no readable manifest */

/* Stats every name below the folder dir opens (and closes). */
static void
walk(int dir)
{
	DIR *d = fdopendir(dir);
	struct dirent *e;
	struct stat st;
	int sub;

	if (d == NULL) {
		close(dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		inputs++;
		if (S_ISDIR(st.st_mode) && (sub = openat(dirfd(d), e->d_name,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1)
			walk(sub);
	}
	closedir(d);
}

/* Stats every path the manifest names ("KEY PATH" lines). */
static void *
outs(void *arg)
{
	const char *out = arg;
	struct stat st;
	char *line = NULL, *p;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int dir, fd;

	if ((dir = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		nomanifest = 1;
		return NULL;
	}
	if ((fd = openat(dir, ".rally-manifest", O_RDONLY | O_CLOEXEC)) == -1 ||
	    (f = fdopen(fd, "r")) == NULL) {
		nomanifest = 1;
		close(dir);
		return NULL;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if ((p = strchr(line, ' ')) != NULL &&
		    fstatat(dir, p + 1, &st, AT_SYMLINK_NOFOLLOW) == 0)
			outputs++;
	}
	free(line);
	fclose(f);
	close(dir);
	return NULL;
}

int
main(int argc, char *argv[])
{
	static const char *const sub[] = { "content", "layouts", "assets" };
	pthread_t th;
	size_t i;
	int root, dir, started;

	if (argc != 3) {
		fprintf(stderr, "usage: floor ROOT OUT\n");
		return 2;
	}
	started = pthread_create(&th, NULL, outs, argv[2]) == 0;
	if ((root = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		perror(argv[1]);
		return 1;
	}
	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++)
		if ((dir = openat(root, sub[i], O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) != -1)
			walk(dir);
	close(root);
	if (!started)
		outs(argv[2]);
	else
		pthread_join(th, NULL);
	printf("%ld inputs, %ld outputs\n", inputs, outputs);
	if (nomanifest) {
		fprintf(stderr, "floor: %s/.rally-manifest: cannot read it\n",
		    argv[2]);
		return 1;
	}
	return 0;
}
