/*
 * keys.c: the inputs of every job, as one SHA-256 key, so that a
 * rebuild skips every job whose inputs are unchanged (see run.c).
 *
 * A key covers what the job's output can depend on: the tool and its
 * options, site.yml and the build date (which events are "next"), the
 * web templates or the print layouts, fonts and assets, the job's own
 * source, and for pages that list others, a digest of every file of
 * the kinds they list.  Keys err on the side of rebuilding.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"

/* Writes the SHA-256 of data as 64 hex digits and a NUL into out. */
void
hash_hex(const char *data, size_t len, char out[65])
{
	gchar *h = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
	    (const guchar *)data, len);

	memcpy(out, h, 64);
	out[64] = '\0';
	g_free(h);
}

/* Adds a regular file to the checksum arg: its path and its bytes. */
static int
S_file(void *arg, const char *rel, const char *full, const struct stat *st)
{
	struct buf b = { NULL, 0, 0 };

	if (st == NULL || !S_ISREG(st->st_mode))
		return 1;
	if (file_read(full, &b, NULL)) {
		g_checksum_update(arg, (const guchar *)rel,
		    (gssize)strlen(rel) + 1);
		g_checksum_update(arg, (const guchar *)b.data, (gssize)b.len);
	}
	buf_free(&b);
	return 1;
}

/* Adds every regular file below rel (sorted, inside root) to c. */
static void
S_tree(GChecksum *c, struct site *site, const char *rel)
{
	dir_walk(site, rel, TREE_DEPTH, S_file, c);
}

static void
S_done(GChecksum *c, char out[65])
{
	memcpy(out, g_checksum_get_string(c), 64);
	out[64] = '\0';
	g_checksum_free(c);
}

/* The digests a build shares between its keys. */
struct keys {
	char	global[65];	/* tool, options, site.yml, today */
	char	web[65];	/* layouts/web and the built-in layouts */
	char	print[65];	/* layouts/print, assets (fonts, logos) */
	char	kind[K_INDEX + 1][65];	/* every file of a kind */
	char	all[65];	/* every content file */
	GHashTable *docs;	/* a page's values -> its source hash */
};

static struct keys S_k;

static const char *
S_kind_digest(enum kind k)
{
	return S_k.kind[k];
}

/* The digest of every file of kind k (after keys_init). */
const char *
keys_kind(enum kind k)
{
	return S_k.kind[k];
}

/* The source hash of the page whose values are v, or "". */
const char *
keys_doc(const struct site *site, const struct val *v)
{
	const char *h;

	(void)site;
	if (v == NULL || S_k.docs == NULL ||
	    (h = g_hash_table_lookup(S_k.docs, v)) == NULL)
		return "";
	return h;
}

void
keys_free(void)
{
	if (S_k.docs != NULL)
		g_hash_table_destroy(S_k.docs);
	S_k.docs = NULL;
}

/*
 * Computes the shared digests once the site is loaded and planned.
 * opts: the options that change output.
 */
void
keys_init(struct site *site, const char *opts)
{
	GChecksum *c;
	size_t i;
	int k;

	/* Print sheets ask for the hash of their page, area, org, event. */
	keys_free();
	S_k.docs = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (i = 0; i < site->ndocs; i++)
		g_hash_table_insert(S_k.docs, site->docs[i]->v,
		    site->docs[i]->hash);
	c = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(c, (const guchar *)"rally " RALLY_VERSION, -1);
	g_checksum_update(c, (const guchar *)opts, -1);
	g_checksum_update(c, (const guchar *)site->yml_hash, 64);
	g_checksum_update(c, (const guchar *)&site->today,
	    sizeof(site->today));
	S_done(c, S_k.global);

	/* rally's own layouts, words and fonts count for web and print. */
	c = g_checksum_new(G_CHECKSUM_SHA256);
	S_tree(c, site, "layouts/web");
	S_tree(c, site, "layouts/labels");
	g_checksum_update(c, (const guchar *)builtins_digest, -1);
	S_done(c, S_k.web);

	c = g_checksum_new(G_CHECKSUM_SHA256);
	S_tree(c, site, "layouts/print");
	S_tree(c, site, "layouts/labels");
	S_tree(c, site, "assets");
	g_checksum_update(c, (const guchar *)builtins_digest, -1);
	S_done(c, S_k.print);

	for (k = 0; k <= K_INDEX; k++) {
		c = g_checksum_new(G_CHECKSUM_SHA256);
		for (i = 0; i < site->ndocs; i++)
			if ((int)site->docs[i]->kind == k) {
				g_checksum_update(c, (const guchar *)
				    site->docs[i]->path, -1);
				g_checksum_update(c, (const guchar *)
				    site->docs[i]->hash, 64);
			}
		S_done(c, S_k.kind[k]);
	}
	c = g_checksum_new(G_CHECKSUM_SHA256);
	for (k = 0; k <= K_INDEX; k++)
		g_checksum_update(c, (const guchar *)S_k.kind[k], 64);
	S_done(c, S_k.all);
}

/* The kinds a page lists, as a string of kind numbers. */
static const char *
S_lists(const struct doc *d)
{
	switch (d->kind) {
	case K_HOME: return "\2\3\4\5";
	case K_PAGE: return "";
	case K_AREA: return "\3\4\5";
	case K_EVENT: return "\2\5";
	case K_PRESS: return "\2";
	case K_ORG: return "\2\3";
	case K_INDEX:
		if (strcmp(d->slug, "areas") == 0)
			return "\2";
		if (strcmp(d->slug, "orgs") == 0)
			return "\5";
		if (strcmp(d->slug, "404") == 0)
			return "";
		return NULL;	/* events, press, tags, downloads: all */
	}
	return NULL;
}

/*
 * Sets the key of every job: what it renders from, hashed.  Jobs of
 * phase 1 (pages that list the print material and its file sizes)
 * also cover the keys of every phase-0 job.
 */
void
keys_jobs(struct site *site, struct jobs *js)
{
	GChecksum *c, *p0;
	char phase0[65];
	const char *l;
	size_t i;

	/* Phase 0 first: phase-1 keys include them. */
	p0 = g_checksum_new(G_CHECKSUM_SHA256);
	for (int phase = 0; phase < 2; phase++) {
		if (phase == 1)
			S_done(p0, phase0);
		for (i = 0; i < js->len; i++) {
			struct job *j = &js->v[i];

			if (j->phase != phase)
				continue;
			c = g_checksum_new(G_CHECKSUM_SHA256);
			g_checksum_update(c, (const guchar *)S_k.global, 64);
			g_checksum_update(c, (const guchar *)j->out, -1);
			if (phase == 1)
				g_checksum_update(c, (const guchar *)phase0,
				    64);
			if (j->src != NULL) {
				/* A copied asset: the file alone. */
				g_checksum_update(c, (const guchar *)S_k.print,
				    64);
			} else if (j->fn == web_page && j->doc != NULL) {
				g_checksum_update(c, (const guchar *)S_k.web,
				    64);
				g_checksum_update(c, (const guchar *)
				    j->doc->hash, 64);
				if ((l = S_lists(j->doc)) == NULL)
					g_checksum_update(c, (const guchar *)
					    S_k.all, 64);
				else
					for (; *l != '\0'; l++)
						g_checksum_update(c, (const guchar *)
						    S_kind_digest((enum kind)*l),
						    64);
			} else if (j->fn == web_ics && j->doc != NULL) {
				g_checksum_update(c, (const guchar *)
				    j->doc->hash, 64);
				g_checksum_update(c, (const guchar *)
				    S_k.kind[K_AREA], 64);
			} else if (j->fn == web_page || j->fn == web_atom ||
			    j->fn == web_ics || j->fn == web_sitemap ||
			    j->fn == web_robots || j->fn == web_builtin) {
				g_checksum_update(c, (const guchar *)S_k.web,
				    64);
				g_checksum_update(c, (const guchar *)S_k.all,
				    64);
			} else {
				/* Print: its layouts, assets and content. */
				g_checksum_update(c, (const guchar *)S_k.print,
				    64);
				g_checksum_update(c, (const guchar *)
				    print_job_digest(j, site), -1);
			}
			S_done(c, j->key);
			if (phase == 0)
				g_checksum_update(p0, (const guchar *)j->key,
				    64);
		}
	}
}
