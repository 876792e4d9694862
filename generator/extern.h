/*
 * rally: prototypes of every module, by stage, with who owns what.
 *
 * Ownership, unless a comment says otherwise: arguments are borrowed
 * for the call; a returned char * or array is the caller's, to free()
 * (g_free() where it says so); a struct val belongs to the pool it was
 * made in and goes with pool_free(); a const char * that is returned
 * points into its owner (a value, a page, the site) and lives as long.
 * Functions return 1 on success and 0 after reporting (diag_err), or
 * NULL for "none" where that is not an error.
 */
#ifndef EXTERN_H
#define EXTERN_H

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

/* A name bound while expanding a template (page, site, loop vars). */
struct scope {
	const char		*name;
	const struct val	*v;
	const struct scope	*up;
};

/* Front matter split from a Markdown body. */
struct fm {
	struct val	*meta;		/* a map, in the caller's pool */
	const char	*body;		/* points into the file's text */
	size_t		 bodylen;
	int		 body_line;	/* line of the body's first line */
	int		 shared;	/* a YAML alias shares a value */
};

struct tmpl_set;
struct stat;
struct builtin;
struct _GTimeZone;
struct _GHashTable;
struct _HyphenDict;
struct _GString;

/* util.c: memory (abort on exhaustion), buffers, diagnostics, paths. */
void		*xmalloc(size_t n);
void		*xcalloc(size_t n, size_t sz);
void		*xrealloc(void *p, size_t n);
void		 mem_prefault(void *p, size_t n);
char		*xstrdup(const char *s);
char		*xstrndup(const char *s, size_t n);
char		*xasprintf(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/*
 * A struct buf owns its data; buf_free() releases it (and can reuse).
 * The appends are inline: pages are written a few bytes at a time, and
 * a call (and a strlen of a literal) for each was a tenth of it.
 */
void		 buf_grow(struct buf *b, size_t extra);

static inline void
buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
		buf_grow(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

static inline void
buf_putc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void		 buf_printf(struct buf *b, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 buf_xml(struct buf *b, const char *s, int quotes);
/* Drops b's soft hyphens (U+00AD), where nothing breaks a line. */
void		 buf_unshy(struct buf *b);
void		 buf_free(struct buf *b);
/* "file:line:col: error: ..." on stderr (or the capture); counted. */
void		 diag_err(const struct pos *p, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 diag_warn(const struct pos *p, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* Errors reported so far by the process (see struct site, nerr0). */
int		 diag_count(void);
/* This thread's diagnostics into b (borrowed until NULL is passed). */
void		 diag_capture(struct buf *b);
/* Lines already formatted, as if reported now. */
void		 diag_put(const char *s, size_t n);
/* What this thread prints also goes into b (NULL: stop). */
void		 diag_tee(struct buf *b);
/* Leave out lines any process sharing t (n slots, not owned) printed. */
void		 diag_once(uint64_t *t, size_t n);
double		 colour_contrast(const char *hex);
int		 path_is_safe(const char *p);
int		 slug_valid(const char *s);
char		*slugify(const char *s);
int		 url_is_safe(const char *u);
int		 strcmp_ptr(const void *a, const void *b);
void		 sha256_hex(const char *data, size_t len, char out[65]);
struct sha256_ctx;	/* nettle's */
void		 sha_hex(struct sha256_ctx *c, char out[65]);
void		 sha_puts(struct sha256_ctx *c, const char *s);
/* Compiled into rally (not owned; static data), or NULL. */
const struct builtin	*builtin_get(const char *name);

/*
 * files.c: the root (read) and the output directory (written), both by
 * descriptor; nothing outside them, no link followed out, nothing
 * hidden read, only regular files read.
 */
/* A descriptor on rel in the root (close it); -1, errno EXDEV if refused. */
int		 root_open(const struct site *site, const char *rel, int flags);
/* Reads rel in the root into out (the caller's, buf_free); why: where
   to report (NULL: rel). */
int		 root_read(const struct site *site, const char *rel,
		    struct buf *out, const struct pos *why);
/* root_read, its stat in *st; 2, unread, when skip(arg, st) is 1. */
int		 root_read_unless(const struct site *site, const char *rel,
		    struct buf *out, const struct pos *why, struct stat *st,
		    int (*skip)(void *arg, const struct stat *st), void *arg);
/* rel inside the root, as a path (caller frees), or NULL. */
char		*path_in_root(const struct site *site, const char *rel);
/* Reads path (anywhere; the caller's, buf_free); why: where to report. */
int		 file_read(const char *path, struct buf *out,
		    const struct pos *why);
/* Sorted visible names (caller frees each and the array), or NULL. */
char		**dir_names(const struct site *site, const char *rel,
		    size_t *n);
/* Calls fn for every entry below rel, sorted; st NULL and why set for
   one it cannot use. */
void		 dir_walk(const struct site *site, const char *rel,
		    int (*fn)(void *arg, const char *rel, const struct stat *st,
		    const char *why), void *arg);
/* lstat() of rel in outdir, through no link: 0 or -1. */
int		 out_read_quiet(const char *outdir, const char *rel,
		    struct buf *out, int *bad);
int		 out_stat(const char *outdir, const char *rel,
		    struct stat *st);
/* The output directory, never through a link: a descriptor (close
   it), or -1; out_stat with it, for many files. */
int		 out_open(const char *outdir);
int		 out_statat(int top, const char *rel, struct stat *st);
/* Checks of many files below top (out_open, kept open by the caller):
   out_check_reg says whether rel is a regular file reached through no
   link, one system call a file.  Free with out_check_free; several
   threads may check at once. */
struct outchk	*out_check_new(int top);
int		 out_check_reg(struct outchk *oc, const char *rel);
void		 out_check_free(struct outchk *oc);
/* Reads regular file rel of outdir (the caller's, buf_free), no link. */
int		 out_read(const char *outdir, const char *rel, struct buf *out);
/* Removes rel and its emptied directories from outdir; no link followed. */
int		 out_unlink(const char *outdir, const char *rel);
/* Checks outdir and locks it for this build: fd (close to release), or
   -1 (error), -2 (missing, !create), -3 (another build). */
int		 out_lock(const struct site *site, const char *outdir,
		    int create);
int		 fd_write_all(int fd, const char *data, size_t len);
int		 file_write_atomic(const char *path, const char *data,
		    size_t len);
int		 file_write_new(const char *path, const char *data,
		    size_t len);
int		 file_write_new_at(int dirfd, const char *path,
		    const char *data, size_t len);
int		 mkdirs(const char *path);
int		 rmtree(const char *path);

/* image.c: pictures checked before they are decoded (see print.h). */
enum pic	 image_kind(const char *data, size_t len);
/* NULL if print can draw data, or why not (owned: g_free). */
char		*image_check(const char *data, size_t len);

/*
 * val.c: template values, owned by a pool: val_, pool_, list_ and map_
 * name the value types, not the file.  Values made in a pool go with
 * pool_free() (or pool_release() back to a mark), never one by one.
 */
struct val	*val_new(struct pool *pool, enum vtype t, const struct pos *p);
struct val	*val_str(struct pool *pool, const char *s,
		    const struct pos *p);	/* copies s */
struct val	*val_strn(struct pool *pool, char *owned,
		    const struct pos *p);
/* Sets the string v (V_STR) to a copy of len bytes at s: in pool. */
void		 val_set_text(struct pool *pool, struct val *v, const char *s,
		    size_t len);	/* takes owned */
struct val	*val_num(struct pool *pool, long n);
struct val	*val_bool(struct pool *pool, int b);
const char	*val_intern(const char *key);
void		 pool_free(struct pool *pool);
struct pool_mark pool_mark(const struct pool *pool);
void		 pool_release(struct pool *pool, struct pool_mark mark);
void		 pool_splice(struct pool *to, struct pool *from);
void		 list_push(struct val *list, struct val *item);
void		 val_reserve(struct val *v, size_t n);
void		 map_set(struct val *map, const char *key, struct val *item);
void		 map_set_str(struct pool *pool, struct val *map,
		    const char *key, const char *s);
struct val	*map_get(const struct val *map, const char *key);
struct val	*map_get_interned(const struct val *map, const char *key);
const char	*map_str(const struct val *map, const char *key);
int		 val_truthy(const struct val *v);
void		 val_text(const struct val *v, struct buf *b);
const char	*vtype_name(enum vtype t);	/* static text */

/*
 * cache.c: content files as the last build parsed them (ROOT/.rally-
 * cache).  cache_open's cache is freed with cache_free; cache_get and
 * cache_put may be called from several threads.
 */
struct cache;
struct cache	*cache_open(struct site *site);
void		 cache_free(struct cache *c);
int		 cache_get(struct cache *c, const char *rel,
		    const struct stat *st, struct pool *pool, struct doc *d,
		    struct val **body);
void		 cache_put(struct cache *c, const char *rel,
		    const struct stat *st, const struct doc *d,
		    struct val *body, int shared);
void		 cache_flush(struct cache *c);
void		 cache_commit(struct cache *c);
/* The HTML of a body (V_NODES), wherever it waits, appended to out. */
void		 cache_markup(const struct val *v, struct buf *out);
void		 cache_counts(const struct cache *c, size_t *asked,
		    size_t *hits);
struct cache	*cache_parse(const struct site *site, const char *data,
		    size_t len);
char		*cache_header(const struct site *site);

/* fm.c: YAML and front matter; *out and fm->meta are made in pool. */
int		 fm_yaml(struct pool *pool, const char *file, const char *text,
		    size_t len, int line_off, struct val **out);
int		 fm_read(struct pool *pool, const char *file, const char *text,
		    size_t len, struct fm *fm);	/* fm->body points in text */

/* date.c: calendar dates (through GDate) and times of day. */
int		 date_parse(const char *s, struct date *d);
int		 date_parse_time(const char *s);	/* minutes, or -1 */
void		 date_add_days(struct date *d, int n);
int		 date_cmp(const struct date *a, const struct date *b);
int		 date_weekday(const struct date *d);	/* 0: Monday */
int		 date_isoweek(const struct date *d, int *wy);
int		 date_isoweek_monday(int wy, int w, struct date *d);
int		 date_parse_moment(const char *s, struct _GTimeZone *tz,
		    time_t *t);
void		 date_from_time(time_t t, struct _GTimeZone *tz,
		    struct date *d);

/* lang.c: labels, dates in words, the time zone (owned by site). */
int		 lang_load(struct site *site);
/* The hyphenation dictionary of language code, or NULL. */
const char	*lang_hyphenation(struct site *site, const char *code);
/* The word w (n bytes of letters) with soft hyphens appended to out. */
void		 lang_hyphenate_word(struct _HyphenDict *dict, const char *w,
		    size_t n, struct _GString *out);
/* Is code ("ur-PK") the language of base[0..n) ("ur")? */
int		 lang_is(const char *code, const char *base, size_t n);
/* Is language code ("ar", "fa-AF") written right to left? */
int		 lang_is_rtl(const char *code);
const char	*lang_label(const struct site *site, const char *key);
void		 lang_date_long(const struct site *site, const struct date *d,
		    struct buf *b);
void		 lang_date_range(const struct site *site,
		    const struct date *a, const struct date *b,
		    struct buf *out);
void		 lang_month_short(const struct site *site,
		    const struct date *d, struct buf *b);
void		 lang_weekday(const struct site *site, const struct date *d,
		    struct buf *b);

/* md.c: Markdown into a new root of holder (which owns the nodes). */
int		 md_render(const char *text, size_t len, xmlDocPtr holder,
		    const char *file, int line_off, int raw_html,
		    const char *base_path, struct buf *links);
/* md.c: the body md_render made, as a V_NODES value of pool (its HTML);
   *excerpt: its first paragraph's text, near 155 characters (owned). */
struct val	*md_markup(struct pool *pool, xmlDocPtr holder,
		    char **excerpt);
/* md.c: markup as nodes again, in a document the caller frees. */
xmlDocPtr	 md_markup_nodes(const struct val *v, xmlNodePtr *first);
/*
 * md.c: Markdown straight to the V_NODES value md_render and md_markup
 * make together (raw HTML off; on, through them), with its excerpt
 * (*excerpt, owned, or NULL) and links (as md_render).  Returns the
 * value; *ok is 0 after diagnosing.
 */
struct val	*md_body(struct pool *pool, const char *text, size_t len,
		    const char *file, int line_off, int raw_html,
		    const char *base_path, struct buf *links, char **excerpt,
		    int *ok);
/* md.c: does md_body write through libxml2's nodes (RALLY_MARKDOWN=tree)? */
int		 md_through_nodes(void);

/*
 * load.c, model.c: content to site model.  Load checks every file and
 * fills site->docs; model_link links them, once loading succeeded.
 * Returned values and strings belong to the site (its pool, its docs).
 */
int		 load_site(struct site *site);
const char	*load_str(struct site *site, const struct val *map,
		    const char *key, int required, const char *file);
const char	*load_text(struct site *site, const struct val *map,
		    const char *key, int required, const char *file,
		    size_t max);
int		 model_link(struct site *site);
const char	*model_kind_name(enum kind k);	/* static text */
void		 model_sections(struct site *site);
void		 model_downloads(struct site *site);
struct val	*model_find(struct site *site, enum kind k, const char *slug);
struct doc	*model_doc(struct site *site, const struct val *page);
const char	*model_hash(struct site *site, const struct val *page);
struct val	*model_event(struct site *site, const char *title,
		    const char *date, const char *time, const char *place);

/* tmpl.c: templates; documents returned are the caller's (xmlFreeDoc). */
xmlDocPtr	 tmpl_read_mem(const char *text, size_t len,
		    const char *shown);
xmlDocPtr	 tmpl_read_file(const struct site *site, const char *rel);
struct tmpl_set	*tmpl_load(struct site *site, const char *dir);
void		 tmpl_free(struct tmpl_set *ts);
int		 tmpl_has(const struct tmpl_set *ts, const char *name);
/* What text, or a page made with layout name, reads (NEED_, 1 << K). */
unsigned	 tmpl_needs(const char *text);
unsigned	 tmpl_layout_needs(const struct tmpl_set *ts,
		    const char *name);
/* tmplc.c: Markdown's nodes written as a page writes them; 0 for a
   node only libxml2's writer writes. */
int		 tmplc_markup(xmlNodePtr first, struct buf *out,
		    size_t *nodes);
/* How S_nodes writes text, an attribute of element elem, and the end
   of element name (with children or none), for md.c's writer. */
void		 tmplc_text(struct buf *b, const char *s, size_t n);
void		 tmplc_attr(struct buf *b, const char *elem, const char *name,
		    const char *value);
void		 tmplc_end(struct buf *b, const char *name, int children);
/* tmplc.c: the page of layout name written into out (appended): 1, or 0
   when the tree (tmpl_apply) must make it.  Values made go in pool. */
int		 tmplc_page(const struct tmpl_set *ts, const char *name,
		    const struct scope *sc, struct pool *pool, struct buf *out);
xmlDocPtr	 tmpl_apply(const struct tmpl_set *ts, const char *name,
		    const struct scope *sc, struct pool *pool,
		    const char *page);
/* A value in pool, or of the model; never to free. */
const struct val	*tmpl_eval(const char *text, xmlNodePtr n,
		    const char *file, const struct scope *sc,
		    struct pool *pool, int *failed);

/* web.c: renderers of the website: job functions fill out[0]. */
const char	*web_layout(const struct doc *d);
void		 web_serialize(xmlDocPtr doc, struct buf *out);
int		 web_page(const struct job *j, struct site *site,
		    struct buf *out);
int		 web_copy(const struct job *j, struct site *site,
		    struct buf *out);
int		 web_builtin(const struct job *j, struct site *site,
		    struct buf *out);
int		 web_atom(const struct job *j, struct site *site,
		    struct buf *out);
int		 web_ics(const struct job *j, struct site *site,
		    struct buf *out);
int		 web_sitemap(const struct job *j, struct site *site,
		    struct buf *out);
int		 web_robots(const struct job *j, struct site *site,
		    struct buf *out);

/*
 * print_*.c (see print.h), pdf.c: print layouts and sheets.  A print
 * set (print_load, print_free) owns its layouts and the plan's sheets;
 * the fonts belong to the site (print_fonts, freed by site_free).
 */
struct print_set;
struct print_fonts;
int		 print_fonts(struct site *site);
void		 print_fonts_free(struct print_fonts *f);
struct print_set	*print_load(struct site *site);
struct print_set	*print_load_only(struct site *site, const char *only);
void		 print_free(struct print_set *ps);
size_t		 print_count(const struct print_set *ps);
void		 print_plan(struct site *site, struct print_set *ps,
		    struct jobs *js, int marks);
void		 print_plan_kit(struct site *site, struct print_set *ps,
		    struct jobs *js);
void		 print_plan_timeline(struct site *site, struct jobs *js);
void		 print_plan_proofs(struct site *site, struct print_set *ps,
		    struct jobs *js);
void		 print_sizes(struct site *site, const struct jobs *js);
int		 print_sheet(const struct job *j, struct site *site,
		    struct buf *out);
/* print_impose.c: the office printer's A4 (job arg: the sheet). */
int		 print_nup(const struct job *j, struct site *site,
		    struct buf *out);
int		 print_tiles(const struct job *j, struct site *site,
		    struct buf *out);
/* out[0] the PDF, out[1] the preview: the caller's (buf_free). */
int		 print_one(struct site *site, const struct print_set *ps,
		    const char *name, struct val *org, struct val *area,
		    int msgno, struct val *event, const char *size,
		    const char *trusted, int marks, struct buf out[2]);
struct pdfx;
struct _qpdf_data;

/* Rewrites the PDF in b in place; CMYK PDF/X-4 when x is not NULL. */
int		 pdf_set_boxes(struct buf *b, const double trim[4],
		    const double bleed[4], const char *shown,
		    const struct pdfx *x);

/* pdfx.c: CMYK PDF/X.  A struct pdfx is pdfx_new's, freed by pdfx_free. */
struct pdfx	*pdfx_new(const unsigned char *icc, size_t len,
		    const char *condition, time_t now, char **why);
void		 pdfx_free(struct pdfx *x);
void		 pdfx_brand(struct pdfx *x, const char *rgb,
		    const double cmyk[4]);
const char	*pdfx_condition(const struct pdfx *x);
void		 pdfx_cmyk(const struct pdfx *x, const double rgb[3],
		    double cmyk[4]);
/* Converts an open qpdf document; *why (owned) says what failed. */
int		 pdfx_convert(const struct pdfx *x, struct _qpdf_data *q,
		    char **why);

/* plan.c, run.c: jobs.  A struct jobs owns its jobs (plan_free). */
struct job	*plan_add(struct jobs *js, const char *out, job_fn fn,
		    struct doc *d, char *src, void *arg);
void		 plan_in(struct job *j, enum input_type t, enum kind k,
		    const char *hash);
void		 plan_needs(struct job *j, unsigned needs);
void		 plan_free(struct jobs *js);
void		 plan_web(struct site *site, struct tmpl_set *ts,
		    struct jobs *js);
int		 plan_check(struct jobs *js);
int		 plan_links(struct site *site, const struct jobs *js,
		    int print);
int		 plan_is_print(const char *path);
int		 run_jobs(struct site *site, struct jobs *js,
		    const struct opts *o);
/* Checks the last build's files on a thread of its own meanwhile. */
struct precheck	*run_precheck(const char *outdir);
long		 run_precheck_whole(struct precheck *pre);
void		 run_precheck_free(struct precheck *pre);
double		 run_clock(void);
void		 run_tidy(const char *outdir);

/* manifest.c: the last build's files and their keys. */
struct _GHashTable	*manifest_read(const char *outdir);
struct _GHashTable	*manifest_read_all(const char *outdir,
		    const char ***paths, size_t *n, int *whole, int *bad);
int		 manifest_fresh(struct _GHashTable *old, struct outchk *oc,
		    const char *rel, const char *key);
void		 manifest_add(struct buf *man, const struct job *j,
		    struct _GHashTable *old);
void		 manifest_stale(const char *outdir, struct jobs *js,
		    struct _GHashTable *old, struct buf *man,
		    const char *only);
int		 manifest_write(const char *outdir, const struct buf *man);

/* keys.c: what every job depends on (keys_init's, keys_free). */
struct keys;
struct keys	*keys_init(struct site *site, const char *opts);
void		 keys_job(const struct keys *k, struct job *j);
void		 keys_jobs(struct keys *k, struct jobs *js, int workers);
void		 keys_free(struct keys *k);

/* stamp.c: the no-op check; the snapshot is the caller's (buf_free). */
void		 stamp_take(struct site *site, const char *opts,
		    struct buf *b);
long		 stamp_fresh(const char *outdir, const struct buf *snap,
		    const char *only, int workers, struct precheck *pre);
int		 stamp_save(const char *outdir, const struct buf *snap,
		    const char *only);
void		 stamp_drop(const char *outdir, const char *only);

/* site.c: the build's context: site_init, then one site_free. */
int		 site_init(struct site *site, const char *root, int drafts);
void		 site_doc_free(struct doc *d);
/* Appends d (taken) to site->docs. */
void		 site_doc_add(struct site *site, struct doc *d);
void		 site_free(struct site *site);
/* fn(arg, pool, i) for i below n on every core, a pool a thread (see
   site.c); the pools join site->pool. */
void		 site_each(struct site *site, size_t n,
		    void (*fn)(void *arg, struct pool *pool, size_t i),
		    void *arg);
void		 site_each_plain(int workers, size_t n,
		    void (*fn)(void *arg, struct pool *pool, size_t i),
		    void *arg);

/* serve.c: rally serve: build, serve, watch, rebuild (exit status). */
int		 serve(const struct serve_opts *so);

/* new.c: rally new: a starter campaign in dir (exit status). */
int		 new_campaign(const char *dir, const char *lang);

/* build.c: the whole build, as main and tests call it (exit status). */
int		 build(const struct opts *o);
int		 build_flyer(const struct flyer_opts *fo);

#endif
