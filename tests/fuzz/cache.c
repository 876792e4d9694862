/*
 * Fuzz target: the parsed files a build keeps for the next one
 * (.rally-cache, cache.c), as the next build reads them: records after
 * a header of this build's, asked for under a few names with the stat
 * a record holds when the fuzzer writes zeros.  A record is taken
 * whole and well formed, or not at all.
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rally.h"
#include "extern.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const names[] = { "content/a.md",
	    "content/press/x.md", "content/areas/eldre.md" };
	static struct site site;
	static char *header;
	struct cache *c;
	struct stat st;
	struct doc d;
	struct val *body;
	struct pool pool = { NULL };
	struct buf b = { NULL, 0, 0 };
	size_t i;

	if (header == NULL) {
		fuzz_quiet();
		site.base_path = (char *)"";
		site.rootfd = -1;
		header = cache_header(&site);
	}
	/* A copy of its own size: a read past the end is ASan's. */
	buf_puts(&b, header);
	buf_put(&b, (const char *)data, len);
	c = cache_parse(&site, b.data, b.len);
	memset(&st, 0, sizeof(st));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		memset(&d, 0, sizeof(d));
		d.path = (char *)names[i];
		if (!cache_get(c, names[i], &st, &pool, &d, &body))
			continue;
		if (d.v == NULL || d.v->type != V_MAP || body == NULL ||
		    strlen(d.hash) != 64 || strlen(d.listed) != 64)
			abort();
		free(d.excerpt);
		free(d.links);
	}
	cache_free(c);
	pool_free(&pool);
	buf_free(&b);
	return 0;
}
