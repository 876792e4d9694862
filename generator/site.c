/*
 * site.c: the build's context (struct site): made for a campaign's root
 * and the clock, filled by the loader and the model, freed in one call.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "rally.h"
#include "extern.h"

/*
 * Prepares site for root: the clock (SOURCE_DATE_EPOCH wins) and the
 * resolved root.  Returns 1, or 0 if root cannot be used.
 */
int
site_init(struct site *site, const char *root, int drafts)
{
	char real[PATH_MAX];
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long t;

	memset(site, 0, sizeof(*site));
	if (realpath(root, real) == NULL) {
		fprintf(stderr, "rally: %s: %s\n", root, strerror(errno));
		return 0;
	}
	site->nerr0 = diag_count();
	site->outlock = -1;
	site->root = xstrdup(root);
	site->rroot = xstrdup(real);
	if ((site->rootfd = open(real, O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		fprintf(stderr, "rally: %s: %s\n", root, strerror(errno));
		free(site->root);
		free(site->rroot);
		return 0;
	}
	site->drafts = drafts;
	site->now = time(NULL);
	if (sde != NULL && *sde != '\0') {
		errno = 0;
		t = strtoll(sde, &end, 10);
		/* Up to the last second of 9999: dates have four digits. */
		if (*end != '\0' || errno != 0 || t < 0 ||
		    t > 253402300799LL) {
			fprintf(stderr, "rally: SOURCE_DATE_EPOCH is not a "
			    "number of seconds between 0 and 253402300799 "
			    "(9999-12-31): %s\n", sde);
			free(site->root);
			free(site->rroot);
			close(site->rootfd);
			return 0;
		}
		site->now = (time_t)t;
	}
	/* Today in the site's time zone comes with site.yml (lang.c). */
	return 1;
}

/* Frees a page and everything it owns (NULL is fine). */
/*
 * Doubling, not one more each time: 50 000 tag pages were 50 000
 * reallocs, each a copy where realloc cannot grow in place (ASan's).
 */
void
site_doc_add(struct site *site, struct doc *d)
{
	if (site->ndocs == site->docs_cap) {
		site->docs_cap = site->docs_cap ? site->docs_cap * 2 : 64;
		site->docs = xrealloc(site->docs, site->docs_cap *
		    sizeof(*site->docs));
	}
	site->docs[site->ndocs++] = d;
}

void
site_doc_free(struct doc *d)
{
	if (d == NULL)
		return;
	free(d->path);
	free(d->slug);
	free(d->url);
	free(d->out);
	free(d->layout);
	free(d->links);
	free(d->excerpt);
	free(d);
}

/*
 * Frees everything the build of site allocated: pages, values, fonts,
 * indexes.  The one free of a build's context.
 */
void
site_free(struct site *site)
{
	size_t i;

	keys_free(site->keys);
	plan_free(&site->jobs);
	print_free(site->print);
	tmpl_free(site->tmpl);
	for (i = 0; i < site->ndocs; i++)
		site_doc_free(site->docs[i]);
	free(site->docs);
	if (site->index != NULL)
		g_hash_table_destroy(site->index);
	if (site->by_val != NULL)
		g_hash_table_destroy(site->by_val);
	if (site->left_out != NULL)
		g_hash_table_destroy(site->left_out);
	free(site->held);
	print_fonts_free(site->fonts);
	pool_free(&site->pool);
	free(site->root);
	if (site->rroot != NULL)
		close(site->rootfd);
	if (site->outlock >= 0)
		close(site->outlock);	/* the lock goes with it */
	free(site->rroot);
	free(site->lang);
	for (i = 0; i < site->nnames; i++)
		free(site->names[i]);
	free(site->names);
	if (site->tz != NULL)
		g_time_zone_unref(site->tz);
	free(site->base_url);
	free(site->base_path);
}
