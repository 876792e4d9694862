/*
 * Fuzz target: the template engines.  The input is a web layout,
 * layouts/web/fz.html of a scratch copy of tests/fixture; it is
 * loaded with the built-in layouts (which it may extend or include)
 * and applied to every page of the fixture, then serialised.  The
 * compiled engine (tmplc.c) must write the very bytes of the tree
 * (tmpl.c) wherever both make the page: a difference aborts.
 */
#include <stdio.h>
#include <string.h>
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
	struct buf out = { NULL, 0, 0 }, fast = { NULL, 0, 0 };
	int compiled;
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
		fast.len = 0;
		compiled = tmplc_page(ts, "fz", &spage, &pool, &fast);
		if ((doc = tmpl_apply(ts, "fz", &spage, &pool,
		    S_site.docs[i]->path)) != NULL) {
			out.len = 0;
			web_serialize(doc, &out);
			xmlFreeDoc(doc);
			if (compiled && (out.len != fast.len ||
			    memcmp(out.data, fast.data, out.len) != 0)) {
				fprintf(stderr, "engines differ on %s:\n"
				    "tree:     %.*s\ncompiled: %.*s\n",
				    S_site.docs[i]->path, (int)out.len,
				    out.data, (int)fast.len, fast.data);
				abort();
			}
		} else if (compiled) {
			fprintf(stderr, "the compiled engine made %s, the "
			    "tree did not\n", S_site.docs[i]->path);
			abort();
		}
		pool_free(&pool);
	}
	buf_free(&out);
	buf_free(&fast);
	tmpl_free(ts);
	return 0;
}
