/*
 * Fuzz target: a whole build (web) of a tiny campaign made from the
 * input.  The input is split at lines "%%"; the parts become, in turn,
 * the files below (paths are fixed: the fuzzer chooses contents, never
 * names).  The last is the site's logo, an SVG that the loader
 * checks and librsvg parses: with -timeout (run.sh) this is the work
 * budget of a whole build, <use> bombs and nested data-each included.
 * Whatever the input, rally must exit 0 or 1 and write nothing
 * outside out/.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rally.h"
#include "extern.h"
#include "fuzz.h"

static const char *const S_files[] = {
	"content/site.yml", "content/index.md", "content/areas/eldre.md",
	"content/events/markering.md", "content/press/kutt.md",
	"content/orgs/klubben.md", "content/om-oss.md",
	"layouts/web/page.html", "layouts/web/base.html",
	"assets/logos/mark.svg",
};
#define NFILES (sizeof(S_files) / sizeof(S_files[0]))

static char S_root[] = "/tmp/rally-fuzz-build-XXXXXX";
static struct buf S_logo;	/* the fixture's, for inputs without one */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char *cmd;

	fuzz_quiet();
	if (mkdtemp(S_root) == NULL ||
	    asprintf(&cmd, "cp -r tests/fixture/assets %s/", S_root) < 0 ||
	    system(cmd) != 0)
		abort();
	free(cmd);
	if (!file_read("tests/fixture/assets/logos/mark.svg", &S_logo, NULL))
		abort();
	return 0;
}

/* Nothing but assets/, content/, layouts/, out/ and the parsed files
   kept for the next build (.rally-cache) in the campaign. */
static void
S_contained(void)
{
	struct dirent *de;
	DIR *d;

	if ((d = opendir(S_root)) == NULL)
		abort();
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0 &&
		    strcmp(de->d_name, "content") != 0 &&
		    strcmp(de->d_name, "assets") != 0 &&
		    strcmp(de->d_name, "layouts") != 0 &&
		    strcmp(de->d_name, ".rally-cache") != 0 &&
		    strcmp(de->d_name, "out") != 0) {
			printf("build: wrote %s outside out/\n", de->d_name);
			abort();
		}
	closedir(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *s = (const char *)data, *end = s + len, *e;
	char *out = NULL, *dir;
	struct opts o;
	size_t i;
	int rc;

	/* A fresh campaign for every input (and no parsed files from the
	   last one: an input's verdict is its own). */
	if (asprintf(&dir, "%s/.rally-cache", S_root) < 0)
		abort();
	unlink(dir);
	free(dir);
	for (i = 0; i < 3; i++) {
		if (asprintf(&dir, "%s/%s", S_root, i == 0 ? "content" :
		    i == 1 ? "layouts" : "out") < 0)
			abort();
		rmtree(dir);
		free(dir);
	}
	fuzz_write(S_root, "assets/logos/mark.svg", S_logo.data, S_logo.len);
	for (i = 0; i < NFILES && s <= end; i++) {
		e = memmem(s, (size_t)(end - s), "\n%%\n", 4);
		if (e == NULL)
			e = end;
		fuzz_write(S_root, S_files[i], s, (size_t)(e - s));
		s = e + 4;
	}
	if (asprintf(&out, "%s/out", S_root) < 0)
		abort();
	memset(&o, 0, sizeof(o));
	o.root = S_root;
	o.out = out;
	o.only = "web";
	o.jobs = 1;
	o.quiet = 1;
	rc = build(&o);
	if (rc != 0 && rc != 1) {
		printf("build: exit status %d\n", rc);
		abort();
	}
	free(out);
	S_contained();
	return 0;
}
