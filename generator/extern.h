/*
 * rally: prototypes of every module, by stage.
 */
#ifndef EXTERN_H
#define EXTERN_H

#include <stdarg.h>
#include <stdint.h>

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
};

struct tmpl_set;
struct stat;
struct builtin;
struct _GTimeZone;
struct _GHashTable;

/* util.c: memory (abort on exhaustion), buffers, diagnostics, paths. */
void		*xmalloc(size_t);
void		*xcalloc(size_t, size_t);
void		*xrealloc(void *, size_t);
char		*xstrdup(const char *);
char		*xstrndup(const char *, size_t);
char		*xasprintf(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 buf_grow(struct buf *, size_t);
void		 buf_put(struct buf *, const char *, size_t);
void		 buf_puts(struct buf *, const char *);
void		 buf_putc(struct buf *, char);
void		 buf_printf(struct buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 buf_free(struct buf *);
void		 diag_err(const struct pos *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 diag_warn(const struct pos *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
int		 diag_count(void);
void		 diag_capture(struct buf *);
void		 diag_once(uint64_t *, size_t);
int		 file_read(const char *, struct buf *, const struct pos *);
int		 file_write_atomic(const char *, const char *, size_t);
double		 colour_contrast(const char *);
int		 file_write_new(const char *, const char *, size_t);
int		 mkdirs(const char *);
int		 rmtree(const char *);
int		 path_is_safe(const char *);
char		*path_in_root(const struct site *, const char *);
int		 slug_valid(const char *);
char		*slugify(const char *);
int		 url_is_safe(const char *);
int		 strcmp_ptr(const void *, const void *);
void		 sha256_hex(const char *data, size_t len, char out[65]);
const struct builtin	*builtin_get(const char *);
char		**dir_names(const struct site *, const char *, size_t *);
void		 dir_walk(const struct site *, const char *, int,
		    int (*)(void *, const char *, const char *,
		    const struct stat *), void *);

/* val.c: template values, owned by a pool. */
struct val	*val_new(struct pool *, enum vtype, const struct pos *);
struct val	*val_str(struct pool *, const char *, const struct pos *);
struct val	*val_strn(struct pool *, char *, const struct pos *);
struct val	*val_num(struct pool *, long);
struct val	*val_bool(struct pool *, int);
void		 pool_free(struct pool *);
void		 pool_release(struct pool *, struct val *);
void		 list_push(struct val *, struct val *);
void		 map_set(struct val *, const char *, struct val *);
void		 map_set_str(struct pool *, struct val *, const char *,
		    const char *);
struct val	*map_get(const struct val *, const char *);
const char	*map_str(const struct val *, const char *);
int		 val_truthy(const struct val *);
void		 val_text(const struct val *, struct buf *);
const char	*vtype_name(enum vtype);

/* fm.c: YAML and front matter. */
int		 fm_yaml(struct pool *, const char *, const char *, size_t,
		    int, struct val **);
int		 fm_read(struct pool *, const char *, const char *, size_t,
		    struct fm *);

/* date.c */
int		 date_parse(const char *, struct date *);
int		 date_parse_time(const char *);
void		 date_add_days(struct date *, int);
int		 date_cmp(const struct date *, const struct date *);
int		 date_weekday(const struct date *);
int		 date_isoweek(const struct date *, int *);
void		 date_from_time(time_t, struct _GTimeZone *, struct date *);

/* lang.c: labels, dates in words, the time zone. */
int		 lang_load(struct site *);
const char	*lang_label(const struct site *, const char *);
void		 lang_date_long(const struct site *, const struct date *,
		    struct buf *);
void		 lang_month_short(const struct site *, const struct date *,
		    struct buf *);
void		 lang_weekday(const struct site *, const struct date *,
		    struct buf *);

/* md.c: Markdown to nodes. */
int		 md_render(const char *, size_t, xmlDocPtr, const char *, int,
		    int, const char *);

/* load.c, model.c: content to site model. */
int		 load_site(struct site *);
const char	*load_str(struct site *, const struct val *, const char *,
		    int, const char *);
const char	*load_text(struct site *, const struct val *, const char *,
		    int, const char *, size_t);
int		 model_link(struct site *);
const char	*model_kind_name(enum kind);
void		 model_sections(struct site *);
void		 model_downloads(struct site *);
struct val	*model_find(struct site *, enum kind, const char *);
const char	*model_hash(struct site *site, const struct val *page);
struct val	*model_event(struct site *, const char *, const char *,
		    const char *, const char *);

/* tmpl.c: templates. */
xmlDocPtr	 tmpl_read_mem(const char *, size_t, const char *);
xmlDocPtr	 tmpl_read_file(const char *, const char *);
struct tmpl_set	*tmpl_load(struct site *, const char *);
void		 tmpl_free(struct tmpl_set *);
int		 tmpl_has(const struct tmpl_set *, const char *);
xmlDocPtr	 tmpl_apply(const struct tmpl_set *, const char *,
		    const struct scope *, struct pool *);
const struct val	*tmpl_eval(const char *, xmlNodePtr, const char *,
		    const struct scope *, struct pool *, int *);

/* web.c: renderers of the website. */
const char	*web_layout(const struct doc *);
void		 web_serialize(xmlDocPtr, struct buf *);
int		 web_page(const struct job *, struct site *, struct buf *);
int		 web_copy(const struct job *, struct site *, struct buf *);
int		 web_builtin(const struct job *, struct site *, struct buf *);
int		 web_atom(const struct job *, struct site *, struct buf *);
int		 web_ics(const struct job *, struct site *, struct buf *);
int		 web_sitemap(const struct job *, struct site *, struct buf *);
int		 web_robots(const struct job *, struct site *, struct buf *);

/* print_*.c (see print.h), pdf.c: print layouts and sheets. */
struct print_set;
struct print_fonts;
int		 print_fonts(struct site *);
struct print_set	*print_load(struct site *);
struct print_set	*print_load_only(struct site *, const char *);
void		 print_free(struct print_set *);
void		 print_fonts_free(struct print_fonts *);
size_t		 print_count(const struct print_set *);
void		 print_plan(struct site *, struct print_set *, struct jobs *,
		    int);
void		 print_plan_kit(struct site *, struct print_set *,
		    struct jobs *);
void		 print_plan_proofs(struct site *, struct print_set *,
		    struct jobs *);
void		 print_sizes(struct site *site, const struct jobs *js);
int		 print_sheet(const struct job *, struct site *, struct buf *);
int		 print_one(struct site *, const struct print_set *,
		    const char *, struct val *, struct val *, int,
		    struct val *, const char *, const char *, int,
		    struct buf[2]);
int		 pdf_set_boxes(struct buf *, const double[4], const double[4],
		    const char *);

/* plan.c, run.c: jobs. */
struct job	*plan_add(struct jobs *, const char *, job_fn, struct doc *,
		    char *, void *);
void		 plan_in(struct job *j, enum input_type t, enum kind k,
		    const char *hash);
void		 plan_free(struct jobs *);
void		 plan_web(struct site *, struct tmpl_set *, struct jobs *);
int		 plan_check(struct jobs *);
int		 run_jobs(struct site *, struct jobs *, const struct opts *);
double		 run_clock(void);
void		 run_tidy(const char *);

/* manifest.c: the last build's files and their keys. */
struct _GHashTable	*manifest_read(const char *outdir);
int		 manifest_fresh(struct _GHashTable *old, const char *outdir,
		    const char *rel, const char *key);
void		 manifest_add(struct buf *man, const struct job *j);
void		 manifest_stale(const char *outdir, struct jobs *js,
		    struct _GHashTable *old, struct buf *man, int keep);
int		 manifest_write(const char *outdir, const struct buf *man);

/* keys.c: what every job depends on. */
struct keys;
struct keys	*keys_init(struct site *site, const char *opts);
void		 keys_job(const struct keys *k, struct job *j);
void		 keys_jobs(struct keys *k, struct jobs *js);
void		 keys_free(struct keys *k);

/* site.c: the build's context. */
int		 site_init(struct site *site, const char *root, int drafts);
void		 site_doc_free(struct doc *d);
void		 site_free(struct site *site);

/* build.c: the whole build, as main and tests call it. */
int		 build(const struct opts *);
int		 build_flyer(const struct flyer_opts *);

/* stamp.c */
void	 stamp_take(const struct site *, const char *, struct buf *);
long	 stamp_fresh(const char *, const struct buf *);
int	 stamp_save(const char *, const struct buf *, int);

#endif
