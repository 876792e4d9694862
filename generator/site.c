/*
 * site.c: the build's context (struct site): made for a campaign's root
 * and the clock, filled by the loader and the model, freed in one call.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	cache_free(site->cache);
	if (site->seen != NULL)
		g_hash_table_destroy(site->seen);
	run_precheck_free(site->pre);
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

struct each_ctx {
	size_t		 n;
	void		(*fn)(void *, struct pool *, size_t);
	void		*arg;
	struct pool	*pools;	/* a thread's each; NULL: none */
	size_t		 next;	/* the next item, atomic */
	int		 worker;/* the next thread's number, atomic */
};

static void *
S_each_worker(void *arg)
{
	struct each_ctx *c = arg;
	int w = __atomic_fetch_add(&c->worker, 1, __ATOMIC_SEQ_CST);
	struct pool *pool = c->pools != NULL ? &c->pools[w] : NULL;
	size_t i;

	while ((i = __atomic_fetch_add(&c->next, 1, __ATOMIC_SEQ_CST)) <
	    c->n)
		c->fn(c->arg, pool, i);
	return NULL;
}

/* Threads wanted for workers (-j; 0: as many as there are cores). */
static int
S_want(int workers)
{
	long want = workers > 0 ? workers : sysconf(_SC_NPROCESSORS_ONLN);

	return want > 64 ? 64 : want < 1 ? 1 : (int)want;
}

/* Runs c on want threads, this one among them, when there are enough
   items to pay for them. */
static void
S_each(struct each_ctx *c, int want)
{
	pthread_t th[64];
	int nt = 0, i;

	if (c->n >= 64)
		for (nt = 0; nt < want - 1; nt++)
			if (pthread_create(&th[nt], NULL, S_each_worker,
			    c) != 0)
				break;
	S_each_worker(c);
	for (i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
}

/*
 * Calls fn(arg, pool, i) for every i below n on site->workers threads
 * (-j; 0: as many as there are cores) when there are enough items to
 * pay for them, this thread one of them; each thread makes its values
 * in its own pool, added to the site's after.  For work whose items
 * depend on themselves alone (reading files, a page's own values).
 * Plain threads, joined here, rather than a GThreadPool: glib keeps a
 * pool's idle threads alive, and print forks its workers (run.c) only
 * while no other thread exists.
 */
void
site_each(struct site *site, size_t n,
    void (*fn)(void *arg, struct pool *pool, size_t i), void *arg)
{
	struct each_ctx c;
	int want = S_want(site->workers), i;

	memset(&c, 0, sizeof(c));
	c.n = n;
	c.fn = fn;
	c.arg = arg;
	c.pools = xcalloc((size_t)want, sizeof(*c.pools));
	S_each(&c, want);
	for (i = 0; i < c.worker; i++)
		pool_splice(&site->pool, &c.pools[i]);
	free(c.pools);
}

/* site_each for work that keeps nothing it makes (pool is NULL), on
   workers threads (-j), without a site: stats, checks. */
void
site_each_plain(int workers, size_t n,
    void (*fn)(void *arg, struct pool *pool, size_t i), void *arg)
{
	struct each_ctx c;

	memset(&c, 0, sizeof(c));
	c.n = n;
	c.fn = fn;
	c.arg = arg;
	S_each(&c, S_want(workers));
}
