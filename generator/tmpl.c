/*
 * tmpl.c: XHTML templates expanded as trees.
 *
 * A template is a well-formed XHTML file in layouts/web/.  Attributes
 * in the data- namespace drive the expansion (see README, "Web
 * layouts"):
 *
 *   data-text="expr"        children := the text of expr (escaped)
 *   data-html="expr"        children := rendered Markdown nodes
 *   data-attr-NAME="expr"   attribute NAME := expr; removed if false
 *   data-each="x in expr"   the element once per item, x bound
 *   data-if / data-unless   keep the element only if expr is (not) true
 *   data-include="name"     the element := the root of name.html
 *   data-extends="name"     this file fills the slots of name.html
 *   data-slot / data-fill   a slot in a base layout / its content
 *   data-omit               keep the children, drop the element
 *
 * An expression is a path (page.area.title, site.areas.0), a 'literal'
 * or a number, optionally with "not", "==", "!=", "and", "or" and
 * filters (expr | upper).  Text with {braces} is a format string.
 * Values are inserted as nodes, so escaping is right by construction.
 */
#include <sys/types.h>

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include <glib.h>
#include <hyphen.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"
#include "tmpl.h"


struct fill {
	const char	*slot;
	xmlNodePtr	 node;	/* the data-fill element, in its template */
	const char	*file;
	struct fill	*next;
};

struct tctx {
	const struct tmpl_set	*ts;
	struct pool		*pool;
	xmlDocPtr		 doc;	/* the page being made */
	const char		*page;	/* its source, for errors */
	struct fill		*fills;
	int			 depth;
	int			 failed;
	int			 stop;	/* over budget or out of memory */
	size_t			 nodes;	/* made so far (LIMIT_TMPL_NODES) */
	size_t			 bytes;	/* their text (LIMIT_TMPL_BYTES) */
	struct tdict		*dict;	/* the page's language's, or NULL */
	const char		*each_file;	/* the outermost data-each */
	int			 each_line;	/* being expanded, if any */
};

/*
 * Reports a template error, once however many pages hit it (print
 * layouts, evaluated without a set: once per process, see diag_once).
 */
static void
S_verr(struct tctx *c, const char *file, int line, const char *what,
    const char *fmt, va_list ap)
{
	struct pos p = { file, line, 0 };
	struct seen *seen = c->ts != NULL ? c->ts->seen : NULL;
	char *msg, *key;
	int dup = 0;

	c->failed = 1;
	if (vasprintf(&msg, fmt, ap) == -1)
		abort();
	if (seen != NULL) {
		key = xasprintf("%s:%d:%s", file, p.line, what != NULL ?
		    what : msg);
		pthread_mutex_lock(&seen->mx);
		if (!(dup = g_hash_table_contains(seen->keys, key)))
			g_hash_table_add(seen->keys, key);
		else
			free(key);
		pthread_mutex_unlock(&seen->mx);
	}
	if (p.line <= 0)
		p.line = 0;
	if (!dup)
		diag_err(&p, "%s", msg);
	free(msg);
}

static void
S_err(struct tctx *c, const char *file, xmlNodePtr n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	S_verr(c, file, n != NULL ? (int)xmlGetLineNo(n) : 0, NULL, fmt, ap);
	va_end(ap);
}

/*
 * As S_err, once per place however many pages hit it (what: the
 * place's key), though the message names the first page.
 */
static void
S_err_once(struct tctx *c, const char *file, int line, const char *what,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	S_verr(c, file, line, what, fmt, ap);
	va_end(ap);
}

/* The file being parsed, and the last message (libxml2 repeats). */
struct xml_err {
	const char	*shown;
	char		*last;
};

static void
S_xml_error(void *arg, xmlErrorPtr e)
{
	struct xml_err *x = arg;
	struct pos p = { e->file, e->line, e->int2 };
	char *msg;
	size_t n;

	if (e->level < XML_ERR_ERROR)
		return;
	if (p.file == NULL)	/* inside an entity: no file of its own */
		p.file = x->shown;
	msg = xasprintf("%d:%d:%s", p.line, p.col,
	    e->message != NULL ? e->message : "XML error");
	if (x->last != NULL && strcmp(x->last, msg) == 0) {
		free(msg);
		return;
	}
	free(x->last);
	x->last = msg;
	msg = xstrdup(e->message != NULL ? e->message : "XML error");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	diag_err(&p, "%s", msg);
	free(msg);
}

/*
 * Parses text as XML without network access and without expanding
 * entities; errors are reported as shown:line:col.  The document is
 * owned by the caller (xmlFreeDoc).
 */
xmlDocPtr
tmpl_read_mem(const char *text, size_t len, const char *shown)
{
	xmlParserCtxtPtr ctx;
	xmlDocPtr doc;
	struct pos p = { shown, 0, 0 };
	struct xml_err x = { shown, NULL };

	xmlSetStructuredErrorFunc(&x, S_xml_error);
	ctx = xmlNewParserCtxt();
	doc = xmlCtxtReadMemory(ctx, text, (int)len, shown, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NODICT | XML_PARSE_NOCDATA |
	    XML_PARSE_BIG_LINES);
	if (doc != NULL && !ctx->wellFormed) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (doc != NULL && doc->intSubset != NULL &&
	    (doc->intSubset->entities != NULL ||
	    doc->intSubset->pentities != NULL)) {
		diag_err(&p, "entity declarations are not allowed");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (doc == NULL && ctx->errNo == 0)
		diag_err(&p, "not a well-formed XML document");
	xmlFreeParserCtxt(ctx);
	xmlSetStructuredErrorFunc(NULL, NULL);
	free(x.last);
	return doc;
}

/* As tmpl_read_mem, for the file rel in the campaign's root. */
xmlDocPtr
tmpl_read_file(const struct site *site, const char *rel)
{
	struct buf b = { NULL, 0, 0 };
	struct pos p = { rel, 0, 0 };
	xmlDocPtr doc;

	if (!root_read(site, rel, &b, &p))
		return NULL;
	doc = tmpl_read_mem(b.data, b.len, rel);
	buf_free(&b);
	return doc;
}

/*
 * Names that lead from a value to other files' values, and what they
 * need: an event's area, an area's events, an organisation's next
 * event (and its QR code's address) ...  Anything else a path reads
 * is of the value it starts from: the page's own file, site.yml, or an
 * item of a list that these names already count.
 */
static const struct {
	const char	*name;
	unsigned	 needs;
} S_need_names[] = {
	{ "area", 1u << K_AREA }, { "areas", 1u << K_AREA },
	{ "accent_style", 1u << K_AREA },	/* or the area's colour */
	{ "org", 1u << K_ORG }, { "orgs", 1u << K_ORG },
	{ "events", 1u << K_EVENT }, { "upcoming_events", 1u << K_EVENT },
	{ "next_events", 1u << K_EVENT }, { "past_events", 1u << K_EVENT },
	{ "recent_events", 1u << K_EVENT }, { "home_events", 1u << K_EVENT },
	{ "home_events_title", 1u << K_EVENT }, { "weeks", 1u << K_EVENT },
	{ "timeline", 1u << K_EVENT }, { "districts", 1u << K_EVENT },
	{ "district", 1u << K_EVENT },
	{ "next_event", 1u << K_EVENT }, { "qr_url", 1u << K_EVENT },
	{ "press", 1u << K_PRESS }, { "latest_press", 1u << K_PRESS },
	/* A tag's pages and their count: files of any kind.  (A page's
	   tag_list is its own tags.) */
	{ "pages", NEED_ALL }, { "count", NEED_ALL },
	{ "tags", NEED_ALL }, { "tag", NEED_ALL },
	{ "print", NEED_PRINT }, { "logo_kit", NEED_PRINT },
	{ "material", NEED_PRINT }, { "proof_pdf", NEED_PRINT },
	{ "proof_png", NEED_PRINT },
};

/* What the path of n bytes at s needs (see S_need_names). */
static unsigned
S_path_needs(const char *s, size_t n)
{
	const char *e = s + n, *seg = s, *dot;
	size_t len, k, rootlen = strcspn(s, ".");
	unsigned needs = 0;
	int i;

	for (i = 0; seg < e; i++, seg = dot + 1) {
		if ((dot = memchr(seg, '.', (size_t)(e - seg))) == NULL)
			dot = e;
		len = (size_t)(dot - seg);
		if (i == 0)
			continue;	/* the root: page, site, a loop's name */
		/* A body other than the page's own: lists (IN_LISTED) do
		   not show it. */
		if (len == 4 && strncmp(seg, "body", 4) == 0 && !(i == 1 &&
		    rootlen == 4 && strncmp(s, "page", 4) == 0))
			needs |= NEED_BODIES;
		/* The words rally writes, site.labels.events: site.yml's. */
		if (i == 1 && rootlen == 4 && strncmp(s, "site", 4) == 0 &&
		    len == 6 && strncmp(seg, "labels", 6) == 0)
			break;
		/* site.pages: the pages; a page's own accent: its area's
		   only if it has one (plan.c knows). */
		if (i == 1 && rootlen == 4 && strncmp(s, "site", 4) == 0 &&
		    len == 5 && strncmp(seg, "pages", 5) == 0) {
			needs |= 1u << K_PAGE;
			continue;
		}
		if (i == 1 && rootlen == 4 && strncmp(s, "page", 4) == 0 &&
		    len == 12 && strncmp(seg, "accent_style", 12) == 0) {
			needs |= NEED_PAGE_AREA;
			continue;
		}
		for (k = 0; k < sizeof(S_need_names) / sizeof(*S_need_names);
		    k++)
			if (strlen(S_need_names[k].name) == len &&
			    strncmp(S_need_names[k].name, seg, len) == 0)
				needs |= S_need_names[k].needs;
	}
	return needs;
}

/* What the paths of an expression (n bytes at s) need. */
static unsigned
S_expr_needs(const char *s, size_t n)
{
	const char *e = s + n, *t;
	unsigned needs = 0;

	while (s < e) {
		if (*s == '\'') {	/* a literal */
			t = memchr(s + 1, '\'', (size_t)(e - s - 1));
			s = t != NULL ? t + 1 : e;
			continue;
		}
		for (t = s; t < e && (g_ascii_isalnum(*t) || *t == '_' ||
		    *t == '.' || *t == '-'); t++)
			continue;
		if (t == s) {
			s++;
			continue;
		}
		needs |= S_path_needs(s, (size_t)(t - s));
		s = t;
	}
	return needs;
}

/*
 * What text, as templates evaluate it, reads of other files than the
 * page's own (NEED_ bits and 1 << K, see rally.h): a format string's
 * {expressions}, or the whole text as one.  Errs on the side of
 * needing.  Print layouts ask too (print_lay.c).
 */
unsigned
tmpl_needs(const char *text)
{
	const char *o, *e;
	unsigned needs = 0;

	if (strchr(text, '{') == NULL)
		return S_expr_needs(text, strlen(text));
	for (o = strchr(text, '{'); o != NULL; o = strchr(e, '{')) {
		if ((e = strchr(o, '}')) == NULL)
			e = o + strlen(o);
		needs |= S_expr_needs(o + 1, (size_t)(e - o - 1));
	}
	return needs;
}

/* Adds name (owned) to the NULL-terminated list *v, once. */
static void
S_use(char ***v, char *name)
{
	size_t n = 0;

	for (n = 0; *v != NULL && (*v)[n] != NULL; n++)
		if (strcmp((*v)[n], name) == 0) {
			free(name);
			return;
		}
	*v = xrealloc(*v, (n + 2) * sizeof(**v));
	(*v)[n] = name;
	(*v)[n + 1] = NULL;
}

/* Records what the data- attributes under n read, and include. */
static void
S_scan(struct tfile *t, xmlNodePtr n)
{
	xmlAttrPtr a;
	xmlChar *v;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (a = n->properties; a != NULL; a = a->next) {
			if (xmlStrncmp(a->name, BAD_CAST "data-", 5) != 0 ||
			    (v = xmlNodeGetContent((xmlNodePtr)a)) == NULL)
				continue;
			if (xmlStrEqual(a->name, BAD_CAST "data-include") ||
			    xmlStrEqual(a->name, BAD_CAST "data-extends"))
				S_use(&t->uses, xstrdup((const char *)v));
			else
				t->needs |= tmpl_needs((const char *)v);
			xmlFree(v);
		}
		S_scan(t, n->children);
	}
}

/* A layout just read: what it reads and uses. */
static void
S_loaded(struct tfile *t)
{
	t->needs = 0;
	t->uses = NULL;
	if (t->doc != NULL)
		S_scan(t, xmlDocGetRootElement(t->doc));
}

static void
S_builtins(struct tmpl_set *ts, const char *dir, int *bad)
{
	const struct builtin *b;
	const char *name;
	size_t i, n, dl = strlen(dir);

	for (b = builtins; b->name != NULL; b++) {
		if (strncmp(b->name, dir, dl) != 0 || b->name[dl] != '/')
			continue;
		name = b->name + dl + 1;
		n = strlen(name);
		if (n < 6 || strcmp(name + n - 5, ".html") != 0)
			continue;
		for (i = 0; i < ts->len; i++)
			if (strncmp(ts->v[i].name, name, n - 5) == 0 &&
			    ts->v[i].name[n - 5] == '\0')
				break;
		if (i < ts->len)
			continue;	/* the campaign's own wins */
		ts->v = xrealloc(ts->v, (ts->len + 1) * sizeof(*ts->v));
		ts->v[ts->len].name = xstrndup(name, n - 5);
		ts->v[ts->len].prog = NULL;
		ts->v[ts->len].path = xasprintf("(built in) %s", b->name);
		ts->v[ts->len].doc = tmpl_read_mem((const char *)b->data,
		    b->len, ts->v[ts->len].path);
		if (ts->v[ts->len].doc == NULL)
			*bad = 1;
		S_loaded(&ts->v[ts->len]);
		ts->len++;
	}
}

/* Loads the dictionary of lang into ts, once. */
static void
S_load_dict(struct site *site, struct tmpl_set *ts, const char *lang)
{
	struct tdict *td;
	const char *name;
	char *path;
	size_t i;

	for (i = 0; i < ts->ndicts; i++)
		if (strcmp(ts->dicts[i]->lang, lang) == 0)
			return;
	td = xcalloc(1, sizeof(*td));
	td->lang = xstrdup(lang);
	pthread_mutex_init(&td->mx, NULL);
	name = lang_hyphenation(site, lang);
	/* A name from the labels, never a path out of the system's. */
	if (name != NULL && strchr(name, '/') == NULL && name[0] != '.') {
		path = xasprintf("/usr/share/hyphen/%s", name);
		if ((td->dict = hnj_hyphen_load(path)) != NULL)
			td->words = g_hash_table_new_full(g_str_hash,
			    g_str_equal, g_free, g_free);
		free(path);
	}
	ts->dicts = xrealloc(ts->dicts, (ts->ndicts + 1) *
	    sizeof(*ts->dicts));
	ts->dicts[ts->ndicts++] = td;
}

/*
 * Loads every .html file of dir (relative to the site root).  Returns
 * a set to free with tmpl_free(), or NULL after reporting errors.
 */
struct tmpl_set *
tmpl_load(struct site *site, const char *dir)
{
	struct tmpl_set *ts = xcalloc(1, sizeof(*ts));
	char *shown, **names;
	size_t n, nn, i;
	int bad = 0;

	ts->seen = xcalloc(1, sizeof(*ts->seen));
	pthread_mutex_init(&ts->seen->mx, NULL);
	ts->seen->keys = g_hash_table_new_full(g_str_hash, g_str_equal, free,
	    NULL);
	/* A campaign without layouts of its own gets rally's defaults. */
	names = dir_names(site, dir, &nn);
	for (i = 0; i < nn; free(names[i++])) {
		n = strlen(names[i]);
		if (n < 6 || strcmp(names[i] + n - 5, ".html") != 0)
			continue;
		shown = xasprintf("%s/%s", dir, names[i]);
		ts->v = xrealloc(ts->v, (ts->len + 1) * sizeof(*ts->v));
		ts->v[ts->len].name = xstrndup(names[i], n - 5);
		ts->v[ts->len].prog = NULL;
		ts->v[ts->len].path = shown;
		ts->v[ts->len].doc = tmpl_read_file(site, shown);
		if (ts->v[ts->len].doc == NULL)
			bad = 1;
		S_loaded(&ts->v[ts->len]);
		ts->len++;
	}
	free(names);
	S_builtins(ts, dir, &bad);
	if (bad) {
		tmpl_free(ts);
		return NULL;
	}
	/* The dictionaries of the pages' languages, before threads. */
	if ((ts->lang = site->lang) != NULL)
		S_load_dict(site, ts, site->lang);
	for (i = 0; i < site->ndocs; i++)
		if ((shown = (char *)map_str(site->docs[i]->v, "lang")) !=
		    NULL)
			S_load_dict(site, ts, shown);
	/* Every layout compiled once (NULL: its pages use the tree). */
	for (i = 0; i < ts->len; i++)
		ts->v[i].prog = tmplc_compile(ts, ts->v[i].name);
	return ts;
}

void
tmpl_free(struct tmpl_set *ts)
{
	size_t i;

	if (ts == NULL)
		return;
	for (i = 0; i < ts->len; i++) {
		free(ts->v[i].name);
		free(ts->v[i].path);
		if (ts->v[i].doc != NULL)
			xmlFreeDoc(ts->v[i].doc);
		for (char **u = ts->v[i].uses; u != NULL && *u != NULL; u++)
			free(*u);
		free(ts->v[i].uses);
		tmplc_free(ts->v[i].prog);
	}
	free(ts->v);
	for (i = 0; i < ts->ndicts; i++) {
		free(ts->dicts[i]->lang);
		if (ts->dicts[i]->dict != NULL)
			hnj_hyphen_free(ts->dicts[i]->dict);
		if (ts->dicts[i]->words != NULL)
			g_hash_table_destroy(ts->dicts[i]->words);
		pthread_mutex_destroy(&ts->dicts[i]->mx);
		free(ts->dicts[i]);
	}
	free(ts->dicts);
	g_hash_table_destroy(ts->seen->keys);
	pthread_mutex_destroy(&ts->seen->mx);
	free(ts->seen);
	free(ts);
}

const struct tfile *
tmpl_find(const struct tmpl_set *ts, const char *name)
{
	size_t i;

	for (i = 0; i < ts->len; i++)
		if (strcmp(ts->v[i].name, name) == 0)
			return &ts->v[i];
	return NULL;
}

int
tmpl_has(const struct tmpl_set *ts, const char *name)
{
	return tmpl_find(ts, name) != NULL;
}

static unsigned
S_needs(const struct tmpl_set *ts, const struct tfile *t,
    unsigned char *seen)
{
	unsigned needs;
	char **u;

	if (t == NULL || seen[t - ts->v])
		return 0;
	seen[t - ts->v] = 1;
	needs = t->needs;
	for (u = t->uses; u != NULL && *u != NULL; u++)
		needs |= S_needs(ts, tmpl_find(ts, *u), seen);
	return needs;
}

/*
 * What a page made with template name reads of other files (NEED_
 * bits, 1 << K): its own expressions', its base layouts' and every
 * template it includes, recorded when they were loaded.
 */
unsigned
tmpl_layout_needs(const struct tmpl_set *ts, const char *name)
{
	unsigned char *seen = xcalloc(ts->len + 1, 1);
	unsigned needs = S_needs(ts, tmpl_find(ts, name), seen);

	free(seen);
	return needs;
}

/* Expressions. */

static const struct val *
S_lookup(const struct scope *sc, const char *name)
{
	for (; sc != NULL; sc = sc->up)
		if (strcmp(sc->name, name) == 0)
			return sc->v;
	return NULL;
}

char *
tmpl_trim(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n'))
		n--;
	return xstrndup(s, n);
}

/* Finds a word operator (" or ") outside quotes; returns its offset. */
const char *
tmpl_find_op(const char *s, const char *op)
{
	size_t n = strlen(op);
	int q = 0;

	if (strstr(s, op) == NULL)	/* the common case, fast */
		return NULL;
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			q = !q;
		else if (!q && strncmp(s, op, n) == 0)
			return s;
	}
	return NULL;
}

static const struct val *S_eval(struct tctx *, const char *, xmlNodePtr,
    const char *, const struct scope *);

/* One step of a path: seg of v (a list's index, count, first, last; a
   map's key); NULL when there is none. */
const struct val *
tmpl_step(struct pool *pool, const struct val *v, const char *seg)
{
	char *end;
	long idx;

	if (v->type == V_LIST) {
		idx = strtol(seg, &end, 10);
		if (*end == '\0' && end != seg)
			return idx >= 0 && (size_t)idx < v->len ?
			    v->items[idx] : NULL;
		if (strcmp(seg, "count") == 0 || strcmp(seg, "length") == 0)
			return val_num(pool, (long)v->len);
		if (strcmp(seg, "first") == 0)
			return v->len ? v->items[0] : NULL;
		if (strcmp(seg, "last") == 0)
			return v->len ? v->items[v->len - 1] : NULL;
		return NULL;
	}
	if (v->type == V_MAP)
		return map_get(v, seg);
	return NULL;
}

static const struct val *
S_path(struct tctx *c, const char *expr, xmlNodePtr n, const char *file,
    const struct scope *sc)
{
	char *copy = xstrdup(expr), *seg, *save = NULL;
	const struct val *v = NULL;
	int first = 1;

	for (seg = strtok_r(copy, ".", &save); seg != NULL;
	    seg = strtok_r(NULL, ".", &save)) {
		if (first) {
			first = 0;
			if ((v = S_lookup(sc, seg)) == NULL) {
				S_err(c, file, n, "unknown name '%s' in '%s'",
				    seg, expr);
				break;
			}
			continue;
		}
		if (v == NULL)
			break;
		v = tmpl_step(c->pool, v, seg);
	}
	free(copy);
	return v;
}

int
tmpl_equal(const struct val *a, const struct val *b)
{
	struct buf x = { NULL, 0, 0 }, y = { NULL, 0, 0 };
	int eq;

	if (a == NULL || b == NULL)
		return a == b || (a == NULL && !val_truthy(b)) ||
		    (b == NULL && !val_truthy(a));
	if (a->type == V_LIST || a->type == V_MAP || b->type == V_LIST ||
	    b->type == V_MAP)
		return a == b;
	buf_puts(&x, "");
	buf_puts(&y, "");
	val_text(a, &x);
	val_text(b, &y);
	eq = strcmp(x.data, y.data) == 0;
	buf_free(&x);
	buf_free(&y);
	return eq;
}

/*
 * The text t with a soft hyphen at dict's points in each word of
 * twelve letters or more, so that a long compound breaks with a hyphen
 * in a heading on a phone whether or not the browser has a dictionary
 * for the language (headless Chromium has none).  Shorter words fit a
 * line of the largest heading; an address, a hashtag and a word that
 * has soft hyphens of its own are left alone.  Owned.
 */
#define HYPH_MIN	12	/* letters: shorter words are left whole */
#define HYPH_KEPT	65536	/* words a dictionary keeps, at most */

/* Appends word w (n bytes) hyphenated by td, from its words if there. */
static void
S_hyphenate_word(struct tdict *td, const char *w, size_t n, GString *out)
{
	char *key = NULL;
	const char *had;
	size_t at = out->len;

	if (td->words != NULL) {
		key = g_strndup(w, n);
		pthread_mutex_lock(&td->mx);
		had = g_hash_table_lookup(td->words, key);
		if (had != NULL)
			g_string_append(out, had);
		pthread_mutex_unlock(&td->mx);
		if (had != NULL) {
			g_free(key);
			return;
		}
	}
	lang_hyphenate_word(td->dict, w, n, out);
	if (key == NULL)
		return;
	pthread_mutex_lock(&td->mx);
	if (g_hash_table_size(td->words) < HYPH_KEPT &&
	    !g_hash_table_contains(td->words, key)) {
		g_hash_table_insert(td->words, key, g_strndup(out->str + at,
		    out->len - at));
		key = NULL;
	}
	pthread_mutex_unlock(&td->mx);
	g_free(key);
}

/* Whether t has a run of HYPH_MIN bytes or more without a blank. */
static int
S_has_long(const char *t)
{
	size_t run = 0;

	for (; *t != '\0'; t++)
		if (*t == ' ' || *t == '\n' || *t == '\t')
			run = 0;
		else if (++run >= HYPH_MIN)
			return 1;
	return 0;
}

/*
 * Whether the n bytes at p are kept whole: an address ("://", "www.",
 * a dot between two letters or digits: "velfaerd.dk/kampagne"), an
 * e-mail or a handle ("@"), a hashtag (a "#" anywhere: "(#JaTilX)"),
 * a word with soft hyphens of its own.  A hyphen shown in any of them
 * would be read as part of it.
 */
static int
S_whole(const char *p, size_t n)
{
	size_t i;

	if (memchr(p, '#', n) != NULL || memchr(p, '@', n) != NULL ||
	    g_strstr_len(p, (gssize)n, "://") != NULL ||
	    g_strstr_len(p, (gssize)n, "www.") != NULL ||
	    g_strstr_len(p, (gssize)n, "\xC2\xAD") != NULL)
		return 1;
	for (i = 1; i + 1 < n; i++)
		if (p[i] == '.' && g_ascii_isalnum(p[i - 1]) &&
		    g_ascii_isalnum(p[i + 1]))
			return 1;
	return 0;
}

/*
 * The text t with a soft hyphen at td's points in each word of
 * HYPH_MIN letters or more, so that a long compound breaks with a
 * hyphen in a heading on a phone whether or not the browser has a
 * dictionary for the language (headless Chromium has none).  Shorter
 * words fit a line of the largest heading; what S_whole keeps whole is
 * left alone.  Owned.
 */
static char *
S_hyphenate(struct tdict *td, const char *t)
{
	GString *out = g_string_sized_new(strlen(t) + 16);
	const char *p = t, *w, *tok;
	size_t n;
	long k;

	while (*p != '\0') {
		if (*p == ' ' || *p == '\n' || *p == '\t') {
			g_string_append_c(out, *p++);
			continue;
		}
		tok = p;
		n = strcspn(p, " \n\t");
		if (n < HYPH_MIN || S_whole(p, n)) {
			g_string_append_len(out, p, (gssize)n);
			p += n;
			continue;
		}
		while (p < tok + n) {
			for (w = p, k = 0; p < tok + n &&
			    g_unichar_isalpha(g_utf8_get_char(p)); k++)
				p = g_utf8_next_char(p);
			if (k >= HYPH_MIN)
				S_hyphenate_word(td, w, (size_t)(p - w), out);
			else
				g_string_append_len(out, w, p - w);
			if (p < tok + n) {
				w = p;
				p = g_utf8_next_char(p);
				g_string_append_len(out, w, p - w);
			}
		}
	}
	return g_string_free(out, FALSE);
}

/* The dictionary of lang, else of the site's language; NULL: none. */
static struct tdict *
S_find_dict(const struct tmpl_set *ts, const char *lang)
{
	size_t i;

	if (lang == NULL)
		lang = ts->lang;
	for (i = 0; lang != NULL && i < ts->ndicts; i++)
		if (strcmp(ts->dicts[i]->lang, lang) == 0)
			return ts->dicts[i]->dict != NULL ? ts->dicts[i] : NULL;
	return NULL;
}

/*
 * The hyphenation dictionary for the page in scope sc: its lang:, else
 * the site's; NULL when there is none.
 */
struct tdict *
tmpl_dict(const struct tmpl_set *ts, const struct scope *sc)
{
	const char *lang = NULL;

	for (; sc != NULL && lang == NULL; sc = sc->up)
		if (strcmp(sc->name, "page") == 0)
			lang = map_str(sc->v, "lang");
	return S_find_dict(ts, lang);
}

/*
 * The dictionary filter f hyphenates with in scope sc: for
 * "hyphenate:PATH" the language of the value at PATH ("site", "item",
 * "p.message": its lang:, else the site's), so a card, the site's name
 * and a message are set in their own language on a page of another;
 * for anything else page, the page's.  Values made go in pool.
 */
struct tdict *
tmpl_filter_dict(const struct tmpl_set *ts, const struct scope *sc,
    const char *f, struct pool *pool, struct tdict *page)
{
	const struct val *v;
	const char *lang = NULL;
	char **segs;
	size_t i;

	if (ts == NULL || strncmp(f, "hyphenate:", 10) != 0)
		return page;
	segs = g_strsplit(f + 10, ".", 0);
	v = segs[0] != NULL ? S_lookup(sc, segs[0]) : NULL;
	for (i = 1; v != NULL && segs[i] != NULL; i++)
		v = tmpl_step(pool, v, segs[i]);
	g_strfreev(segs);
	if (v != NULL && v->type == V_MAP)
		lang = map_str(v, "lang");
	return S_find_dict(ts, lang);
}

/*
 * Filter f applied to v, its result in pool; NULL and *unknown set
 * when there is no filter f.  td: the page's language's hyphenation
 * dictionary, or NULL (then | hyphenate changes nothing).
 */
const struct val *
tmpl_filter(struct pool *pool, const struct val *v, const char *f,
    struct tdict *td, int *unknown)
{
	struct buf b = { NULL, 0, 0 };
	struct val *r;
	char *p;
	long k;
	size_t i;

	if (strcmp(f, "upper") == 0 || strcmp(f, "lower") == 0) {
		buf_puts(&b, "");
		val_text(v, &b);
		r = val_strn(pool, b.data, NULL);
		for (p = r->s; *p != '\0'; p++)
			if (f[0] == 'u' && *p >= 'a' && *p <= 'z')
				*p = (char)(*p - 32);
			else if (f[0] == 'l' && *p >= 'A' && *p <= 'Z')
				*p = (char)(*p + 32);
		if (f[0] == 'u')	/* the Nordic letters, by hand */
			for (p = r->s; *p != '\0'; p++)
				if ((unsigned char)p[0] == 0xC3 &&
				    (((unsigned char)p[1] >= 0xA0 &&
				    (unsigned char)p[1] <= 0xBE)))
					p[1] = (char)((unsigned char)p[1] - 0x20);
		return r;
	}
	if (strcmp(f, "short") == 0) {
		/* "https://www.example.dk/areas/x/" -> "example.dk/areas/x":
		   an address as print shows it, to read and type. */
		buf_puts(&b, "");
		val_text(v, &b);
		p = strstr(b.data, "://");
		p = p != NULL ? p + 3 : b.data;
		if (strncmp(p, "www.", 4) == 0)
			p += 4;
		r = val_str(pool, p, NULL);
		buf_free(&b);
		for (k = (long)r->len; k > 0 && r->s[k - 1] == '/'; k--)
			r->s[k - 1] = '\0';
		r->len = (size_t)k;	/* V_STR keeps its length */
		return r;
	}
	if (strcmp(f, "hyphenate") == 0 || strncmp(f, "hyphenate:", 10) == 0) {
		/* Most text has no long word: itself, unchanged. */
		if (v != NULL && v->type == V_STR && (td == NULL ||
		    !S_has_long(v->s)))
			return v;
		buf_puts(&b, "");
		val_text(v, &b);
		if (td == NULL || !S_has_long(b.data))
			return val_strn(pool, b.data, NULL);
		p = S_hyphenate(td, b.data);
		buf_free(&b);
		r = val_str(pool, p, NULL);
		g_free(p);
		return r;
	}
	if (strcmp(f, "count") == 0)
		return val_num(pool, v != NULL && (v->type == V_LIST ||
		    v->type == V_MAP) ? (long)v->len : 0);
	if (strncmp(f, "limit:", 6) == 0) {
		k = strtol(f + 6, NULL, 10);
		r = val_new(pool, V_LIST, NULL);
		for (i = 0; v != NULL && v->type == V_LIST && i < v->len &&
		    (long)i < k; i++)
			list_push(r, v->items[i]);
		return r;
	}
	if (strcmp(f, "rest") == 0) {
		r = val_new(pool, V_LIST, NULL);
		for (i = 1; v != NULL && v->type == V_LIST && i < v->len; i++)
			list_push(r, v->items[i]);
		return r;
	}
	*unknown = 1;
	return NULL;
}

static const struct val *
S_filter(struct tctx *c, const struct val *v, const char *f, xmlNodePtr n,
    const char *file, const struct scope *sc)
{
	int unknown = 0;
	const struct val *r = tmpl_filter(c->pool, v, f, tmpl_filter_dict(
	    c->ts, sc, f, c->pool, c->dict), &unknown);

	if (unknown)
		S_err(c, file, n, "unknown filter '%s'", f);
	return r;
}

static const struct val *
S_eval(struct tctx *c, const char *expr, xmlNodePtr n, const char *file,
    const struct scope *sc)
{
	const struct val *v, *w;
	const char *op, *s;
	char *l, *r;
	size_t len;

	if ((op = tmpl_find_op(expr, " or ")) != NULL ||
	    (op = tmpl_find_op(expr, " and ")) != NULL) {
		int isor = op[1] == 'o';

		l = xstrndup(expr, (size_t)(op - expr));
		v = S_eval(c, l, n, file, sc);
		free(l);
		if (isor ? val_truthy(v) : !val_truthy(v))
			return v;
		return S_eval(c, op + (isor ? 4 : 5), n, file, sc);
	}
	if ((op = tmpl_find_op(expr, "==")) != NULL ||
	    (op = tmpl_find_op(expr, "!=")) != NULL) {
		l = tmpl_trim(expr, (size_t)(op - expr));
		r = tmpl_trim(op + 2, strlen(op + 2));
		v = S_eval(c, l, n, file, sc);
		w = S_eval(c, r, n, file, sc);
		free(l);
		free(r);
		return val_bool(c->pool, tmpl_equal(v, w) == (op[0] == '='));
	}
	if ((op = tmpl_find_op(expr, "|")) != NULL) {
		const char *last = op, *q;

		while ((q = tmpl_find_op(last + 1, "|")) != NULL)
			last = q;
		l = tmpl_trim(expr, (size_t)(last - expr));
		r = tmpl_trim(last + 1, strlen(last + 1));
		v = S_eval(c, l, n, file, sc);
		w = S_filter(c, v, r, n, file, sc);
		free(l);
		free(r);
		return w;
	}
	while (*expr == ' ' || *expr == '\t' || *expr == '\n')
		expr++;
	if (strncmp(expr, "not ", 4) == 0)
		return val_bool(c->pool, !val_truthy(S_eval(c, expr + 4, n,
		    file, sc)));
	len = strlen(expr);
	while (len > 0 && (expr[len - 1] == ' ' || expr[len - 1] == '\n' ||
	    expr[len - 1] == '\t'))
		len--;
	if (len == 0) {
		S_err(c, file, n, "empty expression");
		return NULL;
	}
	if (expr[0] == '\'') {
		if (len < 2 || expr[len - 1] != '\'') {
			S_err(c, file, n, "unterminated string in '%s'", expr);
			return NULL;
		}
		return val_strn(c->pool, xstrndup(expr + 1, len - 2), NULL);
	}
	if ((expr[0] >= '0' && expr[0] <= '9') || expr[0] == '-')
		return val_num(c->pool, strtol(expr, NULL, 10));
	for (s = expr; s < expr + len; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' ||
		    *s == '-')) {
			S_err(c, file, n, "bad expression '%s'", expr);
			return NULL;
		}
	l = xstrndup(expr, len);
	v = S_path(c, l, n, file, sc);
	free(l);
	return v;
}

/* Evaluates an attribute's text: a format string if it has braces. */
static const struct val *
S_value(struct tctx *c, const char *text, xmlNodePtr n, const char *file,
    const struct scope *sc)
{
	struct buf b = { NULL, 0, 0 };
	const char *s, *e;
	char *inner;

	if (strchr(text, '{') == NULL)
		return S_eval(c, text, n, file, sc);
	buf_puts(&b, "");
	for (s = text; *s != '\0'; ) {
		if (*s != '{') {
			buf_putc(&b, *s++);
			continue;
		}
		if ((e = strchr(s, '}')) == NULL) {
			S_err(c, file, n, "'{' without '}' in '%s'", text);
			buf_free(&b);
			return NULL;
		}
		inner = xstrndup(s + 1, (size_t)(e - s - 1));
		val_text(S_eval(c, inner, n, file, sc), &b);
		free(inner);
		s = e + 1;
	}
	return val_strn(c->pool, b.data, NULL);
}

/* Expansion. */

/*
 * Expansion's work is bounded per page: nodes made and the bytes of
 * HTML they hold.  Over budget is one error, at the outermost data-each
 * being expanded (where lists nest), and expansion stops.
 */
static int
S_charge(struct tctx *c, const char *file, xmlNodePtr at, size_t nodes,
    size_t bytes)
{
	const char *f = c->each_file != NULL ? c->each_file : file;
	int line = c->each_file != NULL ? c->each_line :
	    at != NULL ? (int)xmlGetLineNo(at) : 0;

	if (c->stop)
		return 0;
	c->nodes += nodes;
	c->bytes += bytes;
	if (c->nodes <= LIMIT_TMPL_NODES && c->bytes <= LIMIT_TMPL_BYTES)
		return 1;
	c->stop = 1;
	S_err_once(c, f, line, "over budget", "the layout makes more than "
	    "%d nodes or %u MB of HTML for %s: lists nested in lists "
	    "multiply; show fewer items (| limit:N) or nest fewer data-each",
	    LIMIT_TMPL_NODES, LIMIT_TMPL_BYTES >> 20, c->page);
	return 0;
}

/* libxml2 could not allocate: the page fails, the build goes on. */
static void
S_oom(struct tctx *c, const char *file, xmlNodePtr at)
{
	if (c->stop)
		return;
	c->stop = 1;
	S_err(c, file, at, "out of memory expanding the layout for %s",
	    c->page);
}

/* Adds the nodes of n's subtree and the bytes of HTML they make. */
static void
S_measure(xmlNodePtr n, size_t *nodes, size_t *bytes)
{
	xmlNodePtr k;
	xmlAttrPtr a;

	(*nodes)++;
	if (n->type == XML_ELEMENT_NODE) {
		*bytes += 2 * (size_t)xmlStrlen(n->name) + 5;
		for (a = n->properties; a != NULL; a = a->next) {
			(*nodes)++;
			*bytes += (size_t)xmlStrlen(a->name) + 4;
			if (a->children != NULL)
				*bytes += (size_t)xmlStrlen(
				    a->children->content);
		}
	} else if (n->content != NULL)
		*bytes += (size_t)xmlStrlen(n->content);
	for (k = n->children; k != NULL; k = k->next)
		S_measure(k, nodes, bytes);
}

/*
 * A deep copy of n for the page, paid for before it is made; NULL
 * (reported, expansion stopped) over budget or out of memory.
 */
static xmlNodePtr
S_copy(struct tctx *c, xmlNodePtr n, const char *file, xmlNodePtr at)
{
	size_t nodes = 0, bytes = 0;
	xmlNodePtr k;

	if (c->stop || n == NULL)
		return NULL;
	S_measure(n, &nodes, &bytes);
	if (!S_charge(c, file, at, nodes, bytes))
		return NULL;
	if ((k = xmlDocCopyNode(n, c->doc, 1)) == NULL)
		S_oom(c, file, at);
	return k;
}

/* Appends a copy of n to e; 0 when it could not be made. */
static int
S_add_copy(struct tctx *c, xmlNodePtr e, xmlNodePtr n, const char *file)
{
	xmlNodePtr k = S_copy(c, n, file, e);

	if (k == NULL)
		return 0;
	if (xmlAddChild(e, k) == NULL) {
		xmlFreeNode(k);
		S_oom(c, file, e);
		return 0;
	}
	return 1;
}

/* Appends text to e, paid for; 0 when it could not be made. */
static int
S_add_text(struct tctx *c, xmlNodePtr e, const char *text, size_t len,
    const char *file)
{
	xmlNodePtr k;

	if (!S_charge(c, file, e, 1, len))
		return 0;
	if ((k = xmlNewDocText(c->doc, BAD_CAST text)) == NULL ||
	    xmlAddChild(e, k) == NULL) {
		if (k != NULL)
			xmlFreeNode(k);
		S_oom(c, file, e);
		return 0;
	}
	return 1;
}

static char *
S_take(xmlNodePtr e, const char *name)
{
	xmlChar *v = xmlGetProp(e, BAD_CAST name);
	char *r;

	if (v == NULL)
		return NULL;
	xmlUnsetProp(e, BAD_CAST name);
	r = xstrdup((const char *)v);
	xmlFree(v);
	return r;
}

static void S_node(struct tctx *, xmlNodePtr, const char *,
    const struct scope *);

static void
S_children(struct tctx *c, xmlNodePtr e, const char *file,
    const struct scope *sc)
{
	xmlNodePtr k, next;

	for (k = e->children; k != NULL && !c->stop; k = next) {
		next = k->next;
		S_node(c, k, file, sc);
	}
}

/* Removes e and the indentation before it, so no blank line is left. */
static void
S_drop(xmlNodePtr e)
{
	xmlNodePtr prev = e->prev;

	if (prev != NULL && prev->type == XML_TEXT_NODE &&
	    xmlIsBlankNode(prev)) {
		xmlUnlinkNode(prev);
		xmlFreeNode(prev);
	}
	xmlUnlinkNode(e);
	xmlFreeNode(e);
}

static void
S_clear(xmlNodePtr e)
{
	xmlNodePtr k, next;

	for (k = e->children; k != NULL; k = next) {
		next = k->next;
		xmlUnlinkNode(k);
		xmlFreeNode(k);
	}
}

/* Does attribute a hold a URL (so that javascript: must not pass)? */
int
tmpl_is_url_attr(const char *a)
{
	return strcmp(a, "href") == 0 || strcmp(a, "src") == 0 ||
	    strcmp(a, "action") == 0 || strcmp(a, "formaction") == 0 ||
	    strcmp(a, "poster") == 0 || strcmp(a, "data") == 0 ||
	    strcmp(a, "srcset") == 0 || strcmp(a, "cite") == 0;
}

/* The loop value of item i of n in a data-each: index, first, last. */
struct val *
tmpl_loop(struct pool *pool, size_t i, size_t n)
{
	struct val *lv = val_new(pool, V_MAP, NULL);

	map_set(lv, "index", val_num(pool, (long)i + 1));
	map_set(lv, "first", val_bool(pool, i == 0));
	map_set(lv, "last", val_bool(pool, i + 1 == n));
	return lv;
}

static void
S_attrs(struct tctx *c, xmlNodePtr e, const char *file,
    const struct scope *sc)
{
	xmlAttrPtr a;
	const struct val *v;
	struct buf b = { NULL, 0, 0 };
	const char *name;
	xmlChar *text;
	char **todo = NULL;
	size_t n = 0, i;

	/*
	 * The names first: setting or removing attribute "x" for
	 * data-attr-x may remove any other attribute of e, the next one
	 * too (the fuzzer found data-attr-x followed by x).
	 */
	for (a = e->properties; a != NULL; a = a->next)
		if (xmlStrncmp(a->name, BAD_CAST "data-attr-", 10) == 0) {
			todo = xrealloc(todo, (n + 1) * sizeof(*todo));
			todo[n++] = xstrdup((const char *)a->name);
		}
	for (i = 0; i < n; i++) {
		a = xmlHasProp(e, BAD_CAST todo[i]);
		if (a == NULL || a->type != XML_ATTRIBUTE_NODE)
			continue;	/* gone with an earlier one */
		name = todo[i] + 10;
		if ((text = xmlNodeGetContent((xmlNodePtr)a)) == NULL) {
			S_oom(c, file, e);
			break;
		}
		xmlRemoveProp(a);
		v = S_value(c, (const char *)text, e, file, sc);
		xmlFree(text);
		b.len = 0;
		buf_puts(&b, "");
		if (v != NULL && v->type == V_BOOL)
			buf_puts(&b, v->n ? name : "");
		else {
			val_text(v, &b);
			buf_unshy(&b);
		}
		if (b.len == 0 || (v != NULL && v->type == V_BOOL && !v->n))
			xmlUnsetProp(e, BAD_CAST name);
		else if (tmpl_is_url_attr(name) && !url_is_safe(b.data)) {
			S_err(c, file, e, "unsafe URL '%.60s' in %s", b.data,
			    name);
			xmlUnsetProp(e, BAD_CAST name);
		} else if (!S_charge(c, file, e, 1, b.len + strlen(name) + 4))
			break;
		else if (xmlSetProp(e, BAD_CAST name, BAD_CAST b.data) ==
		    NULL) {
			S_oom(c, file, e);
			break;
		}
	}
	for (i = 0; i < n; i++)
		free(todo[i]);
	free(todo);
	buf_free(&b);
}

static xmlNodePtr
S_fill_for(struct tctx *c, const char *slot, const char **file)
{
	struct fill *f;

	for (f = c->fills; f != NULL; f = f->next)
		if (strcmp(f->slot, slot) == 0) {
			*file = f->file;
			return f->node;
		}
	return NULL;
}

static void
S_element(struct tctx *c, xmlNodePtr e, const char *file,
    const struct scope *sc)
{
	const struct tfile *t;
	const struct val *v;
	struct scope inner, loop;
	xmlNodePtr clone, src, k;
	char *a, *in, *var;
	const char *ffile;
	struct pool_mark mark;
	xmlAttrPtr at;
	size_t i;
	int outer;

	if (c->stop)
		return;
	/* Most elements carry no directive: only their children may. */
	for (at = e->properties; at != NULL; at = at->next)
		if (xmlStrncmp(at->name, BAD_CAST "data-", 5) == 0)
			break;
	if (at == NULL) {
		S_children(c, e, file, sc);
		return;
	}
	if ((a = S_take(e, "data-each")) != NULL) {
		if ((in = strstr(a, " in ")) == NULL) {
			S_err(c, file, e, "data-each needs 'name in list'");
			free(a);
			return;
		}
		var = tmpl_trim(a, (size_t)(in - a));
		v = S_eval(c, in + 4, e, file, sc);
		if (v != NULL && v->type != V_LIST && v->type != V_NULL)
			S_err(c, file, e, "data-each over a %s, not a list",
			    vtype_name(v->type));
		/* What an item makes dies with it: big lists stay small. */
		mark = pool_mark(c->pool);
		if ((outer = c->each_file == NULL)) {
			c->each_file = file;
			c->each_line = (int)xmlGetLineNo(e);
		}
		for (i = 0; !c->stop && v != NULL && v->type == V_LIST &&
		    i < v->len; i++) {
			loop.name = "loop";
			loop.v = tmpl_loop(c->pool, i, v->len);
			loop.up = sc;
			inner.name = var;
			inner.v = v->items[i];
			inner.up = &loop;
			if ((clone = S_copy(c, e, file, e)) == NULL)
				break;
			if (xmlAddPrevSibling(e, clone) == NULL) {
				xmlFreeNode(clone);
				S_oom(c, file, e);
				break;
			}
			S_element(c, clone, file, &inner);
			pool_release(c->pool, mark);
		}
		pool_release(c->pool, mark);
		if (outer)
			c->each_file = NULL;
		free(var);
		free(a);
		S_drop(e);
		return;
	}
	if ((a = S_take(e, "data-if")) != NULL) {
		v = S_eval(c, a, e, file, sc);
		free(a);
		if (!val_truthy(v)) {
			S_drop(e);
			return;
		}
	}
	if ((a = S_take(e, "data-unless")) != NULL) {
		v = S_eval(c, a, e, file, sc);
		free(a);
		if (val_truthy(v)) {
			S_drop(e);
			return;
		}
	}
	if ((a = S_take(e, "data-include")) != NULL) {
		if ((t = tmpl_find(c->ts, a)) == NULL || t->doc == NULL) {
			S_err(c, file, e, "no template '%s' to include "
			    "(layouts/web/%s.html)", a, a);
			free(a);
			return;
		}
		free(a);
		if (c->depth >= TMPL_DEPTH) {
			S_err(c, file, e, "includes nested deeper than %d",
			    TMPL_DEPTH);
			return;
		}
		if ((clone = S_copy(c, xmlDocGetRootElement(t->doc), file,
		    e)) == NULL)
			return;
		xmlReplaceNode(e, clone);
		xmlFreeNode(e);
		c->depth++;
		S_node(c, clone, t->path, sc);
		c->depth--;
		return;
	}
	if ((a = S_take(e, "data-slot")) != NULL) {
		if ((src = S_fill_for(c, a, &ffile)) != NULL) {
			S_clear(e);
			for (k = src->children; k != NULL; k = k->next)
				if (!S_add_copy(c, e, k, ffile))
					break;
			free(a);
			S_attrs(c, e, file, sc);
			S_children(c, e, ffile, sc);
			goto omit;
		}
		free(a);
	}
	S_attrs(c, e, file, sc);
	if ((a = S_take(e, "data-text")) != NULL) {
		struct buf b = { NULL, 0, 0 };

		v = S_value(c, a, e, file, sc);
		free(a);
		buf_puts(&b, "");
		val_text(v, &b);
		if (xmlStrEqual(e->name, BAD_CAST "title"))
			buf_unshy(&b);	/* a tab's or a link's name */
		S_clear(e);
		if (b.len > 0)
			S_add_text(c, e, b.data, b.len, file);
		buf_free(&b);
	} else if ((a = S_take(e, "data-html")) != NULL) {
		v = S_eval(c, a, e, file, sc);
		free(a);
		S_clear(e);
		if (v != NULL && v->type == V_NODES) {
			xmlDocPtr h = md_markup_nodes(v, &k);

			for (; k != NULL; k = k->next)
				if (!S_add_copy(c, e, k, file))
					break;
			xmlFreeDoc(h);
		} else if (v != NULL) {
			struct buf b = { NULL, 0, 0 };

			buf_puts(&b, "");
			val_text(v, &b);
			S_add_text(c, e, b.data, b.len, file);
			buf_free(&b);
		}
	} else
		S_children(c, e, file, sc);
omit:
	if ((a = S_take(e, "data-omit")) != NULL) {
		free(a);
		while ((k = e->children) != NULL) {
			xmlUnlinkNode(k);
			xmlAddPrevSibling(e, k);
		}
		xmlUnlinkNode(e);
		xmlFreeNode(e);
	}
}

static void
S_node(struct tctx *c, xmlNodePtr n, const char *file,
    const struct scope *sc)
{
	if (n->type == XML_ELEMENT_NODE)
		S_element(c, n, file, sc);
	else if (n->type == XML_COMMENT_NODE)
		S_drop(n);	/* designers' notes stay private */
}

/* Collects a template's data-fill elements for the base's slots. */
static void
S_fills(struct tctx *c, xmlNodePtr n, const char *file, struct fill **out)
{
	struct fill *f;
	xmlChar *slot;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if ((slot = xmlGetProp(n, BAD_CAST "data-fill")) != NULL) {
			f = xcalloc(1, sizeof(*f));
			f->slot = xstrdup((const char *)slot);
			f->node = n;
			f->file = file;
			/* Appended: an inner template's fill wins. */
			while (*out != NULL)
				out = &(*out)->next;
			*out = f;
			xmlFree(slot);
			continue;
		}
		S_fills(c, n->children, file, out);
	}
}

/*
 * Expands template name with the given scope into a new document,
 * owned by the caller (xmlFreeDoc).  Values made while expanding go in
 * pool.  page names the page being made, for errors.  Returns NULL
 * after reporting an error.
 */
xmlDocPtr
tmpl_apply(const struct tmpl_set *ts, const char *name,
    const struct scope *sc, struct pool *pool, const char *page)
{
	struct tctx c;
	const struct tfile *t;
	struct fill *f, *fn;
	xmlNodePtr root;
	xmlChar *base;
	size_t nodes = 0, bytes = 0;
	int depth = 0;

	memset(&c, 0, sizeof(c));
	c.ts = ts;
	c.pool = pool;
	c.page = page != NULL ? page : "the page";
	c.dict = tmpl_dict(ts, sc);
	if ((t = tmpl_find(ts, name)) == NULL || t->doc == NULL) {
		struct pos p = { "layouts/web", 0, 0 };

		diag_err(&p, "no template '%s.html'", name);
		return NULL;
	}
	for (;;) {
		root = xmlDocGetRootElement(t->doc);
		base = root != NULL ? xmlGetProp(root,
		    BAD_CAST "data-extends") : NULL;
		if (base == NULL)
			break;
		S_fills(&c, root->children, t->path, &c.fills);
		t = tmpl_find(ts, (const char *)base);
		if (t == NULL || t->doc == NULL || ++depth > TMPL_DEPTH) {
			S_err(&c, t != NULL ? t->path : "layouts/web", root,
			    "cannot extend '%s'", (const char *)base);
			xmlFree(base);
			goto out;
		}
		xmlFree(base);
	}
	if ((root = xmlDocGetRootElement(t->doc)) != NULL)
		S_measure(root, &nodes, &bytes);
	if (!S_charge(&c, t->path, root, nodes, bytes))
		goto out;
	if ((c.doc = xmlCopyDoc(t->doc, 1)) == NULL ||
	    (root = xmlDocGetRootElement(c.doc)) == NULL) {
		S_oom(&c, t->path, NULL);
		goto out;
	}
	S_node(&c, root, t->path, sc);
out:
	for (f = c.fills; f != NULL; f = fn) {
		fn = f->next;
		free((char *)f->slot);
		free(f);
	}
	if (c.failed && c.doc != NULL) {
		xmlFreeDoc(c.doc);
		c.doc = NULL;
	}
	return c.doc;
}

/*
 * Evaluates text for a print layout: a format string if it has braces,
 * else an expression.  Errors name file and the line of n, and set
 * *failed.  The value belongs to pool (or to the model).
 */
const struct val *
tmpl_eval(const char *text, xmlNodePtr n, const char *file,
    const struct scope *sc, struct pool *pool, int *failed)
{
	struct tctx c;
	const struct val *v;

	memset(&c, 0, sizeof(c));
	c.pool = pool;
	v = S_value(&c, text, n, file, sc);
	if (c.failed)
		*failed = 1;
	return v;
}
