/*
 * Fuzz target: the front matter reader (fm_read) and the YAML reader
 * of site.yml (fm_yaml), on any bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rally.h"
#include "extern.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int init;
	struct pool pool = { NULL };
	struct val *v = NULL;
	struct fm fm;
	char *text;

	if (!init) {
		fuzz_quiet();
		init = 1;
	}
	/* Files reach the readers NUL-terminated (file_read). */
	text = xmalloc(len + 1);
	memcpy(text, data, len);
	text[len] = '\0';
	memset(&fm, 0, sizeof(fm));
	fm_read(&pool, "content/fuzz.md", text, len, &fm);
	pool_free(&pool);
	fm_yaml(&pool, "content/site.yml", text, len, 0, &v);
	pool_free(&pool);
	free(text);
	return 0;
}
