/*
 * manifest.c: out/.rally-manifest, one line "key path" per file of the
 * last build, so that a rebuild knows which files are there from the
 * same inputs (keys.c) and which it no longer makes.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "rally.h"
#include "extern.h"

#define MANIFEST ".rally-manifest"

/*
 * The last build's manifest in outdir: path -> key, a table to free
 * with g_hash_table_destroy() (empty when there is none).  Lines that
 * are not "key path", or whose path would leave outdir, are ignored.
 */
GHashTable *
manifest_read(const char *outdir)
{
	return manifest_read_all(outdir, NULL, NULL, NULL, NULL);
}

/*
 * manifest_read's table, and, when paths is not NULL, its paths in the
 * manifest's order (the table's keys: an array to free) in *paths and
 * *n, and in *whole whether the manifest is there and every line of
 * it was well formed and named a path once (a no-op build trusts only
 * such a manifest: stamp.c).  With bad (not NULL), read without a
 * word: *bad set when the manifest is there but cannot be read (a
 * pipe planted in its place), which manifest_read would say.
 */
GHashTable *
manifest_read_all(const char *outdir, const char ***paths, size_t *n,
    int *whole, int *bad)
{
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, g_free);
	struct buf b = { NULL, 0, 0 };
	char *line, *nl, *key;
	size_t cap = 0;
	int ok;

	if (paths != NULL) {
		*paths = NULL;
		*n = 0;
		*whole = 0;
	}
	if (bad != NULL ? !out_read_quiet(outdir, MANIFEST, &b, bad) :
	    !out_read(outdir, MANIFEST, &b)) {
		buf_free(&b);
		return h;
	}
	ok = 1;
	for (line = b.data != NULL ? b.data : ""; *line != '\0'; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		else
			nl = line + strlen(line);
		if (strlen(line) < 66 || line[64] != ' ' ||
		    !path_is_safe(line + 65)) {
			ok = 0;
			continue;
		}
		/* (insert: a path named again keeps its first key
		   string, which paths points at, and takes the later
		   value.) */
		if (g_hash_table_lookup_extended(h, line + 65,
		    (void **)&key, NULL)) {
			ok = 0;
			g_hash_table_insert(h, g_strdup(line + 65),
			    g_strndup(line, 64));
			continue;
		}
		key = g_strdup(line + 65);
		g_hash_table_insert(h, key, g_strndup(line, 64));
		if (paths != NULL) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 1024;
				*paths = xrealloc(*paths, cap *
				    sizeof(**paths));
			}
			(*paths)[(*n)++] = key;
		}
	}
	if (paths != NULL)
		*whole = ok;
	buf_free(&b);
	return h;
}

/* Is rel there in the output folder (oc: out_check_new; NULL, none),
   made from the same inputs? */
int
manifest_fresh(GHashTable *old, struct outchk *oc, const char *rel,
    const char *key)
{
	const char *k = g_hash_table_lookup(old, rel);

	if (oc == NULL || k == NULL || key[0] == '\0' || strcmp(k, key) != 0)
		return 0;
	return out_check_reg(oc, rel);
}

/* A manifest line: the key, the path. */
static void
S_line(struct buf *man, const char *key, const char *path)
{
	buf_puts(man, key);
	buf_putc(man, ' ');
	buf_puts(man, path);
	buf_putc(man, '\n');
}

/*
 * Removes files of the last build that this one no longer makes; an
 * --only build (only: "web" or "print") keeps, in the manifest, those
 * of the other half, which it did not look at.  Also removes them from
 * old, so that what is left in old is exactly the stale set.
 */
void
manifest_stale(const char *outdir, struct jobs *js, GHashTable *old,
    struct buf *man_out, const char *only)
{
	GHashTableIter it;
	gpointer rel, key;
	size_t i;

	for (i = 0; i < js->len; i++) {
		g_hash_table_remove(old, js->v[i].out);
		if (js->v[i].out2 != NULL)
			g_hash_table_remove(old, js->v[i].out2);
	}
	g_hash_table_iter_init(&it, old);
	while (g_hash_table_iter_next(&it, &rel, &key)) {
		if (only != NULL && (strcmp(only, "web") == 0) ==
		    plan_is_print(rel)) {
			S_line(man_out, key, rel);
			continue;
		}
		if (!out_unlink(outdir, rel)) {
			struct pos p = { rel, 0, 0 };

			diag_warn(&p, "a file of the last build, no longer "
			    "made, cannot be removed from %s: %s", outdir,
			    strerror(errno));
		}
	}
}

/*
 * Appends j's files to the manifest man; a deferred job's lines as the
 * last manifest (old) had them, if it had any: its files are the last
 * build's, and the next build makes them again.
 */
void
manifest_add(struct buf *man, const struct job *j, GHashTable *old)
{
	static const char none[] =
	    "0000000000000000000000000000000000000000000000000000000000000000";
	const char *k;

	if (j->defer) {
		if ((k = g_hash_table_lookup(old, j->out)) != NULL)
			S_line(man, k, j->out);
		if (j->out2 != NULL &&
		    (k = g_hash_table_lookup(old, j->out2)) != NULL)
			S_line(man, k, j->out2);
		return;
	}

	/* (10 000 lines: without printf's parsing of its format.) */
	S_line(man, j->key[0] ? j->key : none, j->out);
	if (j->out2 != NULL)
		S_line(man, j->key[0] ? j->key : none, j->out2);
}

/* Writes man as outdir's manifest, atomically; returns 1, or 0. */
int
manifest_write(const char *outdir, const struct buf *man)
{
	char *to = xasprintf("%s/%s", outdir, MANIFEST);
	int ok = file_write_atomic(to, man->data ? man->data : "", man->len);

	if (!ok) {
		struct pos p = { to, 0, 0 };

		diag_err(&p, "cannot write: %s", strerror(errno));
	}
	free(to);
	return ok;
}
