/*
 * A driver for the fuzz targets without libFuzzer: runs the target on
 * every file named (directories: every file below them), so that `make
 * test` replays the seed corpora and every input that once crashed,
 * built with the project's compiler, under ASan or under valgrind.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));

static int
S_run(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		perror(path);
		return 0;
	}
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((data = realloc(data, cap)) == NULL)
				abort();
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 1;
}

/* Runs the target on path, or on every file below it; counts them. */
static int
S_walk(const char *path)
{
	struct dirent **names;
	struct stat st;
	char *sub;
	int j, n, runs = 0;

	if (stat(path, &st) == -1) {
		perror(path);
		exit(1);
	}
	if (!S_ISDIR(st.st_mode))
		return S_run(path);
	if ((n = scandir(path, &names, NULL, alphasort)) < 0)
		exit(1);
	for (j = 0; j < n; j++) {
		if (names[j]->d_name[0] != '.') {
			if (asprintf(&sub, "%s/%s", path,
			    names[j]->d_name) < 0)
				abort();
			runs += S_walk(sub);
			free(sub);
		}
		free(names[j]);
	}
	free(names);
	return runs;
}

int
main(int argc, char *argv[])
{
	int i, runs = 0;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++)
		runs += S_walk(argv[i]);
	printf("%d inputs\n", runs);
	return 0;
}
