/*
 * Fuzz target: the print layout reader, and one sheet drawn from what
 * it accepts.  The input is layouts/print/fz.xml of a scratch copy of
 * tests/fixture with rally's fonts and logos; it is drawn at its first
 * size for the fixture's first area and its organisation, as rally
 * flyer does.
 */
#include <stdint.h>
#include <stdlib.h>

#include "rally.h"
#include "extern.h"
#include "fuzz.h"

static struct site S_site;
static struct val *S_area, *S_org, *S_event;

/* At exit: pango's and fontconfig's caches go with the site. */
static void
S_fini(void)
{
	site_free(&S_site);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct val *areas;

	(void)argc;
	(void)argv;
	fuzz_quiet();
	if (!site_init(&S_site, fuzz_site(), 0) || !load_site(&S_site) ||
	    !model_link(&S_site))
		abort();
	areas = map_get(S_site.v, "areas");
	if (areas == NULL || areas->len == 0 ||
	    (S_org = model_find(&S_site, K_ORG, "klubben")) == NULL)
		abort();
	S_area = areas->items[0];
	S_event = map_get(S_org, "next_event");
	atexit(S_fini);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct print_set *ps;
	struct buf out[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };

	fuzz_write(S_site.root, "layouts/print/fz.xml", data, len);
	ps = print_load_only(&S_site, "fz");
	if (ps != NULL && print_count(ps) > 0)
		print_one(&S_site, ps, "fz", S_org, S_area, 1, S_event, NULL,
		    NULL, len > 0 && (data[0] & 1), out);
	buf_free(&out[0]);
	buf_free(&out[1]);
	print_free(ps);
	return 0;
}
