/*
 * keys.c: the inputs of every job, as one SHA-256 key, so that a
 * rebuild skips every job whose inputs are unchanged (see run.c).
 *
 * Planning lists what each job's output is made from (plan_in(): the
 * site's settings, its own path, rally's layouts or the print layouts
 * and assets, content files by their hash, every file of a kind, the
 * keys of the jobs before it); a key hashes that list, in order, and
 * nothing else.  Keys err on the side of rebuilding.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <nettle/sha2.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"

/* The digests a build's keys share, computed once (keys_init). */
struct keys {
	char	site[65];	/* tool, options, site.yml, today */
	char	web[65];	/* layouts/web and the built-in layouts */
	char	print[65];	/* layouts/print, assets (fonts, logos) */
	char	kind[K_INDEX + 1][65];	/* every file of a kind */
	char	all[65];	/* every content file */
	char	listed[K_INDEX + 1][65];	/* ... as lists show them */
	char	listed_all[65];
	char	phase0[65];	/* the keys of every phase-0 job */
};

struct tree {
	struct sha256_ctx *c;
	struct site	*site;
};

/* Adds a regular file to the checksum: its path and its bytes. */
static int
S_file(void *arg, const char *rel, const struct stat *st, const char *why)
{
	struct tree *t = arg;
	struct buf b = { NULL, 0, 0 };

	(void)why;
	if (st == NULL || !S_ISREG(st->st_mode))
		return 1;
	if (root_read(t->site, rel, &b, NULL)) {
		sha256_update(t->c, strlen(rel) + 1, (const uint8_t *)rel);
		sha256_update(t->c, b.len, (const uint8_t *)b.data);
	}
	buf_free(&b);
	return 1;
}

/* Adds every regular file below rel (sorted, inside root) to c. */
static void
S_tree(struct sha256_ctx *c, struct site *site, const char *rel)
{
	struct tree t = { c, site };

	dir_walk(site, rel, S_file, &t);
}

void
keys_free(struct keys *k)
{
	free(k);
}

/*
 * The digest of every file of kind: their paths and hashes, or with
 * listed, what lists show of them (doc.listed; a page rally made has
 * its hash).
 */
static void
S_kind(const struct site *site, int kind, int listed, char out[65])
{
	struct sha256_ctx c;
	const struct doc *d;
	size_t i;

	sha256_init(&c);
	for (i = 0; i < site->ndocs; i++) {
		d = site->docs[i];
		if ((int)d->kind != kind)
			continue;
		sha_puts(&c, d->path);
		sha256_update(&c, 64, (const uint8_t *)(listed &&
		    d->listed[0] != '\0' ? d->listed : d->hash));
	}
	sha_hex(&c, out);
}

/*
 * Computes the digests that keys share, once the site is loaded.
 * opts: the options that change output.  Returns them, to free with
 * keys_free().
 */
struct keys *
keys_init(struct site *site, const char *opts)
{
	struct keys *k = xcalloc(1, sizeof(*k));
	struct sha256_ctx c;
	int kind;

	sha256_init(&c);
	sha_puts(&c, "rally " RALLY_VERSION);
	sha_puts(&c, opts);
	sha256_update(&c, 64, (const uint8_t *)site->yml_hash);
	sha256_update(&c, sizeof(site->today),
	    (const uint8_t *)&site->today);
	sha_hex(&c, k->site);

	/* rally's own layouts, words and fonts count for web and print. */
	S_tree(&c, site, "layouts/web");
	S_tree(&c, site, "layouts/labels");
	sha_puts(&c, builtins_digest);
	sha_hex(&c, k->web);

	S_tree(&c, site, "layouts/print");
	S_tree(&c, site, "layouts/labels");
	S_tree(&c, site, "assets");
	sha_puts(&c, builtins_digest);
	sha_hex(&c, k->print);

	for (kind = 0; kind <= K_INDEX; kind++) {
		S_kind(site, kind, 0, k->kind[kind]);
		S_kind(site, kind, 1, k->listed[kind]);
	}
	for (kind = 0; kind <= K_INDEX; kind++)
		sha256_update(&c, 64, (const uint8_t *)k->kind[kind]);
	sha_hex(&c, k->all);
	for (kind = 0; kind <= K_INDEX; kind++)
		sha256_update(&c, 64, (const uint8_t *)k->listed[kind]);
	sha_hex(&c, k->listed_all);
	return k;
}

/*
 * Adds input in of j to c.  A file's hash counts as its 64 digits, or
 * 64 NULs for a page made by rally (no file); NULL, no file, as nothing.
 */
static void
S_input(struct sha256_ctx *c, const struct keys *k, const struct job *j,
    const struct input *in)
{
	const char *s = "";

	switch (in->type) {
	case IN_SITE: s = k->site; break;
	case IN_OUT: s = j->out; break;
	case IN_PHASE0: s = k->phase0; break;
	case IN_WEB: s = k->web; break;
	case IN_PRINT: s = k->print; break;
	case IN_KIND: s = k->kind[in->kind]; break;
	case IN_ALL: s = k->all; break;
	case IN_LISTED: s = k->listed[in->kind]; break;
	case IN_LISTED_ALL: s = k->listed_all; break;
	case IN_HASH:
		if (in->hash != NULL)
			sha256_update(c, 64, (const uint8_t *)in->hash);
		return;
	}
	sha_puts(c, s);
}

/* The key of j: its inputs, in the order planning listed them. */
void
keys_job(const struct keys *k, struct job *j)
{
	struct sha256_ctx c;
	int i;

	sha256_init(&c);
	for (i = 0; i < j->nin; i++)
		S_input(&c, k, j, &j->in[i]);
	sha_hex(&c, j->key);
}

struct keys_run {
	const struct keys	*k;
	struct jobs		*js;
	int			 phase;	/* 0, or any other */
};

static void
S_key_one(void *arg, struct pool *pool, size_t i)
{
	struct keys_run *r = arg;
	struct job *j = &r->js->v[i];

	(void)pool;
	if ((j->phase == 0) == (r->phase == 0))
		keys_job(r->k, j);
}

/*
 * Sets the key of every job, on workers threads.  Phase-0 jobs first:
 * jobs of phase 1 (pages that list the print material and its file
 * sizes) may list their keys as an input (IN_PHASE0).
 */
void
keys_jobs(struct keys *k, struct jobs *js, int workers)
{
	struct keys_run r = { k, js, 0 };
	struct sha256_ctx p0;
	size_t i;

	/* A job's key reads only the shared digests: on every core. */
	site_each_plain(workers, js->len, S_key_one, &r);
	sha256_init(&p0);
	for (i = 0; i < js->len; i++)
		if (js->v[i].phase == 0)
			sha256_update(&p0, 64, (const uint8_t *)js->v[i].key);
	sha_hex(&p0, k->phase0);
	r.phase = 1;
	site_each_plain(workers, js->len, S_key_one, &r);
}
