/*
 * Fuzz target: the template engine.  The input is a web layout,
 * layouts/web/fz.html of a scratch copy of tests/fixture; it is
 * loaded with the built-in layouts (which it may extend or include)
 * and applied to every page of the fixture, then serialised.
 */
#include <stdint.h>
#include <stdlib.h>

#include "rally.h"
#include "extern.h"
#include "fuzz.h"

static struct site S_site;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	if (!site_init(&S_site, fuzz_site(), 0) || !load_site(&S_site) ||
	    !model_link(&S_site))
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct tmpl_set *ts;
	struct scope ssite = { "site", S_site.v, NULL }, spage;
	struct pool pool = { NULL };
	struct buf out = { NULL, 0, 0 };
	xmlDocPtr doc;
	size_t i;

	fuzz_write(S_site.root, "layouts/web/fz.html", data, len);
	if ((ts = tmpl_load(&S_site, "layouts/web")) == NULL) {
			return 0;
	}
	for (i = 0; i < S_site.ndocs; i++) {
		spage.name = "page";
		spage.v = S_site.docs[i]->v;
		spage.up = &ssite;
		if ((doc = tmpl_apply(ts, "fz", &spage, &pool,
		    S_site.docs[i]->path)) != NULL) {
			out.len = 0;
			web_serialize(doc, &out);
			xmlFreeDoc(doc);
		}
		pool_free(&pool);
	}
	buf_free(&out);
	tmpl_free(ts);
	return 0;
}
