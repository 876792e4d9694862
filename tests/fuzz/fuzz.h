/*
 * Shared by the fuzz targets: a scratch campaign directory made from
 * tests/fixture, and a writer for its files.  Fuzzers run from the
 * top of the source tree.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdint.h>
#include <stddef.h>

/* Makes (once) a copy of tests/fixture plus the fonts, print layouts
 * with their logos; returns its path. */
const char	*fuzz_site(void);
/* Writes len bytes to dir/rel, making directories. */
void		 fuzz_write(const char *dir, const char *rel,
		    const void *data, size_t len);
/* Quiet diagnostics: the targets feed rally garbage on purpose. */
void		 fuzz_quiet(void);

#endif
