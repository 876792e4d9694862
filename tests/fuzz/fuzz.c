/*
 * fuzz.c: helpers shared by the fuzz targets (see fuzz.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "rally.h"
#include "extern.h"
#include "fuzz.h"

const char *
fuzz_site(void)
{
	static char dir[] = "/tmp/rally-fuzz-XXXXXX";
	static int made;
	char *cmd;

	if (made)
		return dir;
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	if (asprintf(&cmd, "cp -r tests/fixture/. %s/ && "
	    "mkdir -p %s/assets && cp -r assets/fonts %s/assets/ && "
	    "cp -r assets/logos/. %s/assets/logos/", dir, dir, dir, dir) < 0 ||
	    system(cmd) != 0) {
		fputs("fuzz: cannot make the scratch campaign (run from the "
		    "top of the source tree)\n", stderr);
		abort();
	}
	free(cmd);
	made = 1;
	return dir;
}

void
fuzz_write(const char *dir, const char *rel, const void *data, size_t len)
{
	char *path, *slash;
	FILE *f;

	if (asprintf(&path, "%s/%s", dir, rel) < 0)
		abort();
	slash = strrchr(path, '/');
	*slash = '\0';
	if (!mkdirs(path))
		abort();
	*slash = '/';
	if ((f = fopen(path, "wb")) == NULL) {
		perror(path);
		abort();
	}
	if (len > 0 && fwrite(data, 1, len, f) != len)
		abort();
	fclose(f);
	free(path);
}

void
fuzz_quiet(void)
{
	/* libFuzzer runs use -close_fd_mask=2; FUZZ_QUIET for replays. */
	if (getenv("FUZZ_QUIET") != NULL && freopen("/dev/null", "w",
	    stderr) == NULL)
		abort();
}
