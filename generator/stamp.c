/*
 * stamp.c: a no-op rebuild without loading the campaign.
 *
 * Every file rally reads is under content/, layouts/ or assets/ (load.c
 * and print_lay.c refuse references elsewhere).  After a successful full
 * build, out/.rally-stamp records the tool, the options, the build
 * date and, for each of those files, its inode, size, modification and
 * change times (nanoseconds), as git's index does.  The next build
 * takes the same snapshot first: when it is identical and every file
 * of the manifest is still there, nothing can have changed, and rally
 * stops before parsing a single file.  Anything else (a touched file,
 * a new or deleted one, another date or option) takes the full path,
 * whose per-job keys decide what to render.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"

#define STAMP ".rally-stamp"
#define MANIFEST ".rally-manifest"

/* What a snapshot is being taken into. */
struct take {
	struct buf	*b;
	GHashTable	*seen;	/* content file -> its stat (site.seen) */
	time_t		 now;
	int		 racy;	/* a file changed in the last two seconds */
};

/*
 * Adds a file to the snapshot: its stat's fields and its name, as
 * bytes (the snapshot is only digested: written out in decimal, a 10k
 * site's 10 000 lines were a fifth of a no-op build).
 */
static int
S_line(void *arg, const char *rel, const struct stat *st, const char *why)
{
	struct take *t = arg;
	struct buf *b = t->b;
	int64_t f[5];
	size_t had = b->cap;

	(void)why;
	/* A 10k site's snapshot is 600 KB: its pages mapped in as it
	   doubles, not faulted in one by one. */
	buf_grow(b, sizeof(f) + strlen(rel) + 2);
	if (b->cap != had)
		mem_prefault(b->data + had, b->cap - had);
	if (st == NULL) {	/* refused: never read, so never an input */
		buf_putc(b, '?');
		buf_put(b, rel, strlen(rel) + 1);
	} else if (!S_ISDIR(st->st_mode)) {
		if (st->st_mtim.tv_sec + 2 > t->now ||
		    st->st_ctim.tv_sec + 2 > t->now)
			t->racy = 1;
		f[0] = (int64_t)st->st_ino;
		f[1] = (int64_t)st->st_size;
		f[2] = (int64_t)st->st_mtim.tv_sec * 1000000000 +
		    st->st_mtim.tv_nsec;
		f[3] = (int64_t)st->st_ctim.tv_sec * 1000000000 +
		    st->st_ctim.tv_nsec;
		f[4] = (int64_t)st->st_mode;
		buf_putc(b, 'f');
		buf_put(b, (const char *)f, sizeof(f));
		buf_put(b, rel, strlen(rel) + 1);
		if (S_ISREG(st->st_mode) && strncmp(rel, "content/", 8) == 0)
			g_hash_table_insert(t->seen, xstrdup(rel),
			    g_memdup2(st, sizeof(*st)));
	}
	return 1;
}

/*
 * The snapshot of the inputs of a build with options opts (a string
 * naming every option that changes output), taken before loading.
 * Owned by the caller (buf_free).
 */
void
stamp_take(struct site *site, const char *opts, struct buf *b)
{
	struct take t;
	struct date east, west;
	GTimeZone *utc = g_time_zone_new_utc();
	char digest[65];

	/*
	 * Today depends on the site's time zone, which lives in site.yml:
	 * the dates at UTC-12 and UTC+14 change whenever today changes in
	 * any zone, without reading site.yml.
	 */
	date_from_time(site->now - 12 * 3600, utc, &west);
	date_from_time(site->now + 14 * 3600, utc, &east);
	g_time_zone_unref(utc);

	buf_printf(b, "rally %s %s today=%04d-%02d-%02d/%04d-%02d-%02d "
	    "builtin=%s\n", RALLY_VERSION, opts, west.y, west.m, west.d,
	    east.y, east.m, east.d, builtins_digest);
	if (site->seen != NULL)
		g_hash_table_destroy(site->seen);
	site->seen = g_hash_table_new_full(g_str_hash, g_str_equal, free,
	    g_free);
	buf_grow(b, 256 * 1024);
	mem_prefault(b->data, b->cap);
	t.b = b;
	t.seen = site->seen;
	t.now = time(NULL);
	t.racy = 0;
	dir_walk(site, "content", S_line, &t);
	dir_walk(site, "layouts", S_line, &t);
	dir_walk(site, "assets", S_line, &t);
	/*
	 * A file changed in the last two seconds could change again with
	 * the same stat (file systems of whole seconds): this snapshot
	 * then matches no other, and the next build looks closer.
	 */
	if (t.racy)
		buf_printf(b, "racy %lld\n", (long long)g_get_real_time());
	/*
	 * Kept as its digest: out/ is published, and the names of the
	 * files of an embargoed press release or an internal meeting are
	 * not for the public.
	 */
	sha256_hex(b->data, b->len, digest);
	b->len = 0;
	buf_printf(b, "%s\n", digest);
}

/* The manifest's files, checked on every core. */
struct chk {
	struct outchk	 *oc;
	char		**rel;	/* a file's path (in the manifest read) */
	int		  bad;	/* one is missing or unsafe (atomic) */
};

static void
S_chk(void *arg, struct pool *pool, size_t i)
{
	struct chk *c = arg;

	(void)pool;
	if (__atomic_load_n(&c->bad, __ATOMIC_RELAXED))
		return;
	if (!path_is_safe(c->rel[i]) || !out_check_reg(c->oc, c->rel[i]))
		__atomic_store_n(&c->bad, 1, __ATOMIC_RELAXED);
}

/*
 * Is outdir the output of exactly this snapshot, whole: by a full build
 * (only NULL), or by an --only build of that half ("web", "print")?
 * Checks on workers threads (-j), or takes what pre (run_precheck)
 * found.  Returns the number of files it holds, or -1 when a build has
 * to look closer.
 */
long
stamp_fresh(const char *outdir, const struct buf *snap, const char *only,
    int workers, struct precheck *pre)
{
	struct buf b = { NULL, 0, 0 };
	struct stat st;
	struct chk c = { NULL, NULL, 0 };
	char *name, *line, *nl;
	size_t n = 0, cap = 0;
	long rc = -1;
	int top;

	name = xasprintf("%s%s%s", STAMP, only != NULL ? "-" : "",
	    only != NULL ? only : "");
	if (out_stat(outdir, name, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size != snap->len || !out_read(outdir, name, &b) ||
	    b.len != snap->len || memcmp(b.data, snap->data, b.len) != 0)
		goto out;
	buf_free(&b);
	/* The files, looked for while the snapshot was taken. */
	if (pre != NULL && (rc = run_precheck_whole(pre)) != -2)
		goto out;
	rc = -1;
	if (!out_read(outdir, MANIFEST, &b))
		goto out;
	for (line = b.data; line != NULL && *line != '\0'; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		if (strlen(line) < 66) {
			c.bad = 1;
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			c.rel = xrealloc(c.rel, cap * sizeof(*c.rel));
		}
		c.rel[n++] = line + 65;
	}
	if (c.bad || (top = out_open(outdir)) == -1)
		goto out;
	c.oc = out_check_new(top);
	site_each_plain(workers, n, S_chk, &c);
	out_check_free(c.oc);
	close(top);
	if (!c.bad)
		rc = (long)n;
out:
	free(name);
	free(c.rel);
	buf_free(&b);
	return rc;
}

/*
 * After a build: records snap for the next one of the same kind (only:
 * NULL for a full build, "web" or "print" for an --only build, which
 * leaves the other half from older inputs).  Returns 1, or 0 on a write
 * error (reported).
 */
int
stamp_save(const char *outdir, const struct buf *snap, const char *only)
{
	char *path = xasprintf("%s/%s%s%s", outdir, STAMP, only != NULL ?
	    "-" : "", only != NULL ? only : "");
	int ok = file_write_atomic(path, snap->data ? snap->data : "",
	    snap->len), i;

	if (!ok) {
		struct pos p = { path, 0, 0 };

		diag_err(&p, "cannot write: %s", strerror(errno));
	}
	free(path);
	/* A full build makes the halves' stamps needless. */
	for (i = 0; ok && only == NULL && i < 2; i++) {
		path = xasprintf("%s-%s", STAMP, i ? "print" : "web");
		out_unlink(outdir, path);
		free(path);
	}
	return ok;
}

/*
 * Removes outdir's stamp of a full build (only NULL) or of a half
 * ("web", "print"): a build about to change out/ that will not save
 * it.  (Else a snapshot that comes back, a file added and deleted
 * again, would match a stamp of what out/ no longer is.)
 */
void
stamp_drop(const char *outdir, const char *only)
{
	char *name = xasprintf("%s%s%s", STAMP, only != NULL ? "-" : "",
	    only != NULL ? only : "");

	out_unlink(outdir, name);
	free(name);
}
