/*
 * tmplc.c: web layouts compiled once, pages written straight into a
 * buffer.
 *
 * tmpl.c expands a copy of the layout's libxml2 tree for every page and
 * has libxml2 serialise it: half of a 10 000-page build went to making,
 * copying and freeing nodes.  Here each layout (its bases and includes
 * resolved) is compiled once into a tree of literal text and elements
 * whose directives are already parsed: expressions into a small form,
 * attributes into static values and dynamic holes.  A page is one walk
 * that writes HTML as libxml2's HTML writer (2.9) writes the expanded
 * tree: the same escaping of text and attribute values (URL attributes
 * %-escaped, quotes chosen by content), void elements, end tags, and
 * the blank text left out with an element that is not kept.
 *
 * What it does not handle it refuses: a layout with data-omit, a
 * namespaced dynamic attribute, a directive on the root, an include it
 * cannot resolve, compiles to NULL and its pages use the tree; a page
 * that meets an error (an unknown name, a bad expression, an unsafe
 * URL, a list where none should be) or a large budget is made again by
 * the tree, which reports it exactly as before.  So escaping and errors
 * stay correct by construction, and the tree stays the reference: the
 * tests build every page both ways and compare the bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>

#include "rally.h"
#include "extern.h"
#include "tmpl.h"

/* Expressions, parsed as tmpl.c's S_eval reads them. */
enum ek { E_OR, E_AND, E_EQ, E_NE, E_FILTER, E_NOT, E_STR, E_NUM, E_PATH,
    E_ERR };

struct cexpr {
	enum ek		 k;
	struct cexpr	*l, *r;
	char		*s;	/* E_STR text, E_FILTER name */
	long		 n;	/* E_NUM */
	const char	**segs;	/* E_PATH (interned: map_get finds a key
				   by its pointer) */
	size_t		 nsegs;
};

/* A format string: literal text and {expressions}; or one expression. */
struct cfmt {
	struct cexpr	*whole;	/* no braces: the text is an expression */
	char		**lits;	/* n + 1 literal runs around n holes */
	struct cexpr	**holes;
	size_t		 n;
	int		 bad;	/* '{' without '}' */
};

/* How an attribute is written (S_attr_kind). */
enum { AK_PLAIN, AK_BOOL, AK_URL };

struct cattr {
	char		*name;	/* with its prefix */
	char		*value;	/* as written (not escaped) */
	int		 ns;	/* namespaced: never a URL */
	int		 kind;	/* AK_* */
};

struct cdyn {
	char		*name;	/* data-attr-NAME */
	struct cfmt	*f;
	int		 kind;	/* AK_* */
	int		 url;	/* javascript: must not pass (tmpl_is_url_attr) */
};

enum { CN_TEXT, CN_ELEM, CN_DROP };
enum { CC_KIDS, CC_TEXT, CC_HTML };

struct cnode {
	int		 kind;
	/* CN_TEXT: the text as written to the page, and if it is blank */
	char		*text;
	size_t		 len;
	int		 blank;
	/* CN_ELEM */
	struct cexpr	*each, *cond_if, *cond_unless;
	char		*var;	/* data-each's name */
	char		*name;	/* with its prefix */
	char		*nsdefs;/* " xmlns=..." as written */
	char		*start;	/* "<name xmlns=... a=...": the start tag
				   when no attribute is dynamic */
	size_t		 start_len;
	char		*end;	/* "</name>" */
	size_t		 end_len;
	int		 html;	/* an HTML element (no namespace) */
	int		 empty;	/* void: no end tag, no content */
	int		 save_end;/* no end tag when empty (li) */
	int		 raw;	/* script, style: text unescaped */
	int		 is_a;	/* <a>: name= is a URL too */
	int		 title;	/* <title>, of any namespace: no soft
				   hyphen in its text (buf_unshy) */
	struct cattr	*attrs;
	size_t		 nattrs;
	struct cdyn	*dyn;
	size_t		 ndyn;
	int		 content;
	struct cfmt	*ctext;	/* CC_TEXT */
	struct cexpr	*chtml;	/* CC_HTML */
	struct cnode	**kids;
	size_t		 nkids;
	struct cnode	*incl;	/* data-include with a loop or condition:
				   what stands in this element's place */
	int		 site_only;	/* its attributes and content read
				   the site alone (S_mark_site) */
	struct cmade	*made;	/* ... as written once for the build, or
				   NULL (set atomically: threads share it) */
};

/* What an element that reads the site alone wrote, for every page. */
struct cmade {
	char		*bytes;
	size_t		 len;
	size_t		 nodes;
	struct tdict	*dict;	/* the language it was written in
					   (| hyphenate follows the page's) */
};

struct cprog {
	struct cnode	*root;
};

/* made of an element written once, not yet kept. */
static struct cmade S_once;

/* Compiling. */

struct comp {
	const struct tmpl_set	*ts;
	const struct fillc {
		const char	*slot;
		xmlNodePtr	 node;
	}			*fills;
	size_t			 nfills;
	int			 depth;
	int			 refused;
};

static struct cexpr *
S_enew(enum ek k)
{
	struct cexpr *e = xcalloc(1, sizeof(*e));

	e->k = k;
	return e;
}

static int
S_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* expr as S_eval reads it, step for step. */
static struct cexpr *
S_expr(const char *expr)
{
	struct cexpr *e;
	const char *op, *s, *last, *q;
	char *l, *r, *save, *seg, *copy;
	size_t len;

	if ((op = tmpl_find_op(expr, " or ")) != NULL ||
	    (op = tmpl_find_op(expr, " and ")) != NULL) {
		int isor = op[1] == 'o';

		e = S_enew(isor ? E_OR : E_AND);
		l = xstrndup(expr, (size_t)(op - expr));
		e->l = S_expr(l);
		free(l);
		e->r = S_expr(op + (isor ? 4 : 5));
		return e;
	}
	if ((op = tmpl_find_op(expr, "==")) != NULL ||
	    (op = tmpl_find_op(expr, "!=")) != NULL) {
		e = S_enew(op[0] == '=' ? E_EQ : E_NE);
		l = tmpl_trim(expr, (size_t)(op - expr));
		r = tmpl_trim(op + 2, strlen(op + 2));
		e->l = S_expr(l);
		e->r = S_expr(r);
		free(l);
		free(r);
		return e;
	}
	if ((op = tmpl_find_op(expr, "|")) != NULL) {
		last = op;
		while ((q = tmpl_find_op(last + 1, "|")) != NULL)
			last = q;
		e = S_enew(E_FILTER);
		l = tmpl_trim(expr, (size_t)(last - expr));
		e->l = S_expr(l);
		free(l);
		e->s = tmpl_trim(last + 1, strlen(last + 1));
		return e;
	}
	while (S_space(*expr))
		expr++;
	if (strncmp(expr, "not ", 4) == 0) {
		e = S_enew(E_NOT);
		e->l = S_expr(expr + 4);
		return e;
	}
	len = strlen(expr);
	while (len > 0 && S_space(expr[len - 1]))
		len--;
	if (len == 0)
		return S_enew(E_ERR);
	if (expr[0] == '\'') {
		if (len < 2 || expr[len - 1] != '\'')
			return S_enew(E_ERR);
		e = S_enew(E_STR);
		e->s = xstrndup(expr + 1, len - 2);
		return e;
	}
	if ((expr[0] >= '0' && expr[0] <= '9') || expr[0] == '-') {
		e = S_enew(E_NUM);
		e->n = strtol(expr, NULL, 10);
		return e;
	}
	for (s = expr; s < expr + len; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' ||
		    *s == '-'))
			return S_enew(E_ERR);
	e = S_enew(E_PATH);
	copy = xstrndup(expr, len);
	save = NULL;
	for (seg = strtok_r(copy, ".", &save); seg != NULL;
	    seg = strtok_r(NULL, ".", &save)) {
		e->segs = xrealloc(e->segs, (e->nsegs + 1) * sizeof(*e->segs));
		e->segs[e->nsegs++] = val_intern(seg);
	}
	free(copy);
	if (e->nsegs == 0)	/* "..." */
		e->k = E_ERR;
	return e;
}

static void
S_efree(struct cexpr *e)
{
	if (e == NULL)
		return;
	S_efree(e->l);
	S_efree(e->r);
	free(e->s);
	free(e->segs);
	free(e);
}

/* text as S_value reads it. */
static struct cfmt *
S_fmt(const char *text)
{
	struct cfmt *f = xcalloc(1, sizeof(*f));
	struct buf lit = { NULL, 0, 0 };
	const char *s, *e;
	char *inner;

	if (strchr(text, '{') == NULL) {
		f->whole = S_expr(text);
		return f;
	}
	buf_puts(&lit, "");
	for (s = text; *s != '\0'; ) {
		if (*s != '{') {
			buf_putc(&lit, *s++);
			continue;
		}
		if ((e = strchr(s, '}')) == NULL) {
			f->bad = 1;
			break;
		}
		inner = xstrndup(s + 1, (size_t)(e - s - 1));
		f->lits = xrealloc(f->lits, (f->n + 2) * sizeof(*f->lits));
		f->holes = xrealloc(f->holes, (f->n + 1) * sizeof(*f->holes));
		f->lits[f->n] = xstrdup(lit.data);
		f->holes[f->n++] = S_expr(inner);
		free(inner);
		lit.len = 0;
		buf_puts(&lit, "");
		s = e + 1;
	}
	f->lits = xrealloc(f->lits, (f->n + 1) * sizeof(*f->lits));
	f->lits[f->n] = xstrdup(lit.data);
	buf_free(&lit);
	return f;
}

static void
S_ffree(struct cfmt *f)
{
	size_t i;

	if (f == NULL)
		return;
	S_efree(f->whole);
	for (i = 0; i < f->n; i++)
		S_efree(f->holes[i]);
	for (i = 0; f->lits != NULL && i <= f->n; i++)
		free(f->lits[i]);
	free(f->lits);
	free(f->holes);
	free(f);
}

/*
 * Text as libxml2 escapes it for an XML document in UTF-8 (its
 * xmlEncodeEntitiesReentrant): & < > as entities, CR as &#13;, other
 * control characters left out, the rest as it is.
 */
/* The bytes S_escape does not copy as they are (md4c's habit). */
static const unsigned char S_special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1,	/* not \t \n */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* & */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0,	/* < > */
};

static void
S_escape(struct buf *b, const char *s, size_t n)
{
	size_t i, from = 0;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (!S_special[c])
			continue;
		buf_put(b, s + from, i - from);
		from = i + 1;
		if (c == '<')
			buf_puts(b, "&lt;");
		else if (c == '>')
			buf_puts(b, "&gt;");
		else if (c == '&')
			buf_puts(b, "&amp;");
		else if (c == '\r')
			buf_puts(b, "&#13;");
	}
	buf_put(b, s + from, n - from);
}

/* libxml2's xmlBufWriteQuotedString. */
static void
S_quoted(struct buf *b, const char *s)
{
	if (strchr(s, '"') == NULL) {
		buf_putc(b, '"');
		buf_puts(b, s);
		buf_putc(b, '"');
	} else if (strchr(s, '\'') == NULL) {
		buf_putc(b, '\'');
		buf_puts(b, s);
		buf_putc(b, '\'');
	} else {
		buf_putc(b, '"');
		for (; *s != '\0'; s++)
			if (*s == '"')
				buf_puts(b, "&quot;");
			else
				buf_putc(b, *s);
		buf_putc(b, '"');
	}
}

/* Bytes a URL attribute's value keeps (xmlURIEscapeStr's unreserved
   characters and "@/:=?;#%&,+"); the rest is %-escaped.  A table, as
   md4c scans. */
static const unsigned char S_url_keeps[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/*
 * How libxml2's htmlAttrDumpOutput writes attribute name of e: bare
 * (boolean), %-escaped (a URL) or plain.  Worked out when a layout is
 * compiled: on every page, it was a twentieth of the writing.
 */
static int
S_attr_kind(const struct cnode *e, const char *name, int ns)
{
	const char *local = ns && strchr(name, ':') != NULL ?
	    strchr(name, ':') + 1 : name;

	if (htmlIsBooleanAttr(BAD_CAST local))
		return AK_BOOL;
	if (!ns && e->html && (strcasecmp(local, "href") == 0 ||
	    strcasecmp(local, "action") == 0 || strcasecmp(local, "src") == 0 ||
	    (strcasecmp(local, "name") == 0 && e->is_a)))
		return AK_URL;
	return AK_PLAIN;
}

/*
 * A URL's value as libxml2 writes it: entity-escaped (S_escape), its
 * leading blanks then dropped, then %-escaped; in one pass.
 */
static void
S_url_out(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *ent;
	size_t i;
	unsigned char c;

	/* Blanks, and the controls escaping leaves out, until the rest. */
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 ? c != ' ' : c == '\r')
			break;
	}
	buf_putc(b, '"');
	for (; i < n; i++) {
		c = (unsigned char)s[i];
		ent = c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ?
		    "&amp;" : c == '\r' ? "&#13;" : NULL;
		if (ent != NULL)
			buf_puts(b, ent);	/* every byte kept */
		else if (c < 0x20 && c != '\n' && c != '\t')
			continue;	/* escaping leaves it out */
		else if (S_url_keeps[c])
			buf_putc(b, (char)c);
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
	buf_putc(b, '"');
}

/*
 * One attribute of kind (S_attr_kind), its value n bytes, as libxml2's
 * htmlAttrDumpOutput writes it: the value entity-escaped, a URL's
 * %-escaped too (leading blanks dropped), in double quotes unless it
 * holds one; a boolean attribute bare.
 */
static void
S_attr_out(struct buf *b, const char *name, const char *value, size_t n,
    int kind)
{
	const char *p;
	int dq, sq;
	char q;

	buf_putc(b, ' ');
	buf_puts(b, name);
	if (kind == AK_BOOL)
		return;
	if (kind == AK_URL) {
		buf_putc(b, '=');
		S_url_out(b, value, n);
		return;
	}
	dq = memchr(value, '"', n) != NULL;
	sq = memchr(value, '\'', n) != NULL;
	q = dq && !sq ? '\'' : '"';
	buf_putc(b, '=');
	buf_putc(b, q);
	if (dq && sq) {
		/* Both quotes: the double ones as &quot; (after escaping,
		   which leaves quotes alone). */
		struct buf v = { NULL, 0, 0 };

		buf_puts(&v, "");
		S_escape(&v, value, n);
		for (p = v.data; *p != '\0'; p++)
			if (*p == '"')
				buf_puts(b, "&quot;");
			else
				buf_putc(b, *p);
		buf_free(&v);
	} else
		S_escape(b, value, n);
	buf_putc(b, q);
}

static void S_nfree(struct cnode *);

/* Removes static attribute name of e (taken late: data-text, -html). */
static void
S_drop_attr(struct cnode *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nattrs; i++)
		if (!e->attrs[i].ns && strcmp(e->attrs[i].name, name) == 0) {
			free(e->attrs[i].name);
			free(e->attrs[i].value);
			memmove(&e->attrs[i], &e->attrs[i + 1],
			    (e->nattrs - i - 1) * sizeof(*e->attrs));
			e->nattrs--;
			return;
		}
}

static struct cnode *S_node(struct comp *, xmlNodePtr, const struct cnode *);

/* libxml2's xmlIsBlankNode, for text. */
static int
S_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
		    s[i] != '\r')
			return 0;
	return 1;
}

static struct cnode *
S_text(const char *s, const struct cnode *parent)
{
	struct cnode *t = xcalloc(1, sizeof(*t));
	struct buf b = { NULL, 0, 0 };
	size_t n = strlen(s);

	t->kind = CN_TEXT;
	t->blank = S_blank(s, n);
	buf_puts(&b, "");
	if (parent != NULL && parent->raw)
		buf_put(&b, s, n);
	else
		S_escape(&b, s, n);
	t->text = b.data;
	t->len = b.len;
	return t;
}

static void
S_kid(struct cnode *e, struct cnode *k)
{
	e->kids = xrealloc(e->kids, (e->nkids + 1) * sizeof(*e->kids));
	e->kids[e->nkids++] = k;
}

/* The children of n (in its own file) as e's. */
static void
S_kids(struct comp *c, struct cnode *e, xmlNodePtr n)
{
	xmlNodePtr k;
	struct cnode *ck;

	for (k = n->children; k != NULL && !c->refused; k = k->next)
		if ((ck = S_node(c, k, e)) != NULL)
			S_kid(e, ck);
}

static char *
S_qname(xmlNodePtr n)
{
	if (n->ns != NULL && n->ns->prefix != NULL)
		return xasprintf("%s:%s", n->ns->prefix, n->name);
	return xstrdup((const char *)n->name);
}

/* Takes an attribute's value, as S_take does; NULL if absent. */
static char *
S_value_of(xmlNodePtr n, const char *name, char ***taken, size_t *ntaken)
{
	xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
	char *r;

	if (v == NULL)
		return NULL;
	*taken = xrealloc(*taken, (*ntaken + 1) * sizeof(**taken));
	(*taken)[(*ntaken)++] = xstrdup(name);
	r = xstrdup((const char *)v);
	xmlFree(v);
	return r;
}

static int
S_in(char **v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static xmlNodePtr
S_fill(const struct comp *c, const char *slot)
{
	size_t i;

	for (i = 0; i < c->nfills; i++)
		if (strcmp(c->fills[i].slot, slot) == 0)
			return c->fills[i].node;
	return NULL;
}

/*
 * An element, as S_element expands it: data-each, data-if,
 * data-unless, data-include, data-slot, data-attr-*, then data-text,
 * data-html or the children.
 */
static struct cnode *
S_elem(struct comp *c, xmlNodePtr n, const struct cnode *parent)
{
	struct cnode *e;
	const htmlElemDesc *info;
	const struct tfile *t;
	char **taken = NULL, *a, *in, *v;
	size_t ntaken = 0, i;
	xmlNodePtr src, k;
	xmlAttrPtr at;
	xmlNsPtr ns;
	struct buf b = { NULL, 0, 0 };

	(void)parent;
	if (xmlHasProp(n, BAD_CAST "data-omit") != NULL ||
	    c->depth > TMPL_DEPTH) {
		c->refused = 1;
		return NULL;
	}
	e = xcalloc(1, sizeof(*e));
	e->kind = CN_ELEM;
	if ((a = S_value_of(n, "data-each", &taken, &ntaken)) != NULL) {
		if ((in = strstr(a, " in ")) == NULL) {
			free(a);
			goto refuse;
		}
		e->var = tmpl_trim(a, (size_t)(in - a));
		e->each = S_expr(in + 4);
		free(a);
	}
	if ((a = S_value_of(n, "data-if", &taken, &ntaken)) != NULL) {
		e->cond_if = S_expr(a);
		free(a);
	}
	if ((a = S_value_of(n, "data-unless", &taken, &ntaken)) != NULL) {
		e->cond_unless = S_expr(a);
		free(a);
	}
	if ((a = S_value_of(n, "data-include", &taken, &ntaken)) != NULL) {
		struct cnode *inc;

		t = tmpl_find(c->ts, a);
		free(a);
		if (t == NULL || t->doc == NULL ||
		    xmlDocGetRootElement(t->doc) == NULL)
			goto refuse;
		c->depth++;
		inc = S_node(c, xmlDocGetRootElement(t->doc), parent);
		c->depth--;
		if (inc == NULL)
			goto refuse;
		for (i = 0; i < ntaken; i++)
			free(taken[i]);
		free(taken);
		/* The included root stands in the element's place, after
		   its loop and conditions, if any. */
		if (e->each == NULL && e->cond_if == NULL &&
		    e->cond_unless == NULL) {
			S_nfree(e);
			return inc;
		}
		e->incl = inc;
		return e;
	}
	e->name = S_qname(n);
	e->html = n->ns == NULL;
	info = e->html ? htmlTagLookup(n->name) : NULL;
	e->empty = info != NULL && info->empty;
	e->save_end = info != NULL && info->saveEndTag &&
	    strcmp(info->name, "html") != 0 && strcmp(info->name, "body") != 0;
	e->raw = strcasecmp((const char *)n->name, "script") == 0 ||
	    strcasecmp((const char *)n->name, "style") == 0;
	e->is_a = strcasecmp((const char *)n->name, "a") == 0;
	e->title = strcmp((const char *)n->name, "title") == 0;
	buf_puts(&b, "");
	for (ns = n->nsDef; ns != NULL; ns = ns->next) {
		if (ns->href == NULL)
			continue;
		buf_puts(&b, " xmlns");
		if (ns->prefix != NULL) {
			buf_putc(&b, ':');
			buf_puts(&b, (const char *)ns->prefix);
		}
		buf_putc(&b, '=');
		S_quoted(&b, (const char *)ns->href);
	}
	e->nsdefs = b.data;
	src = n;
	if ((a = S_value_of(n, "data-slot", &taken, &ntaken)) != NULL) {
		src = S_fill(c, a);
		free(a);
		if (src == NULL)
			src = n;
		else if (c->depth++ > TMPL_DEPTH)
			goto refuse;
	}
	/* Attributes: the static ones, then data-attr-* in order. */
	for (at = n->properties; at != NULL; at = at->next) {
		const char *an = (const char *)at->name;

		if (at->ns == NULL && S_in(taken, ntaken, an))
			continue;
		if (at->ns == NULL && strncmp(an, "data-attr-", 10) == 0) {
			const char *target = an + 10;
			xmlChar *tx = xmlNodeGetContent((xmlNodePtr)at);

			/* A target that is itself data-attr-, or
			   namespaced: the tree. */
			if (tx == NULL || strncmp(target, "data-", 5) == 0 ||
			    strchr(target, ':') != NULL || *target == '\0') {
				xmlFree(tx);
				goto refuse;
			}
			e->dyn = xrealloc(e->dyn, (e->ndyn + 1) *
			    sizeof(*e->dyn));
			e->dyn[e->ndyn].name = xstrdup(target);
			e->dyn[e->ndyn++].f = S_fmt((const char *)tx);
			xmlFree(tx);
			continue;
		}
		e->attrs = xrealloc(e->attrs, (e->nattrs + 1) *
		    sizeof(*e->attrs));
		e->attrs[e->nattrs].name = at->ns != NULL &&
		    at->ns->prefix != NULL ? xasprintf("%s:%s",
		    at->ns->prefix, an) : xstrdup(an);
		e->attrs[e->nattrs].ns = at->ns != NULL;
		{
			xmlChar *tx = xmlNodeListGetString(n->doc,
			    at->children, 1);

			e->attrs[e->nattrs++].value = xstrdup(tx != NULL ?
			    (const char *)tx : "");
			xmlFree(tx);
		}
	}
	for (i = 0; e->ndyn > 0 && i < e->nattrs; i++)
		if (e->attrs[i].ns)
			goto refuse;

	if (src != n) {
		/* A filled slot: the fill's children, in the fill's file;
		   data-text and data-html stay attributes. */
		e->content = CC_KIDS;
		S_kids(c, e, src);
		c->depth--;
	} else if ((v = S_value_of(n, "data-text", &taken, &ntaken)) != NULL) {
		e->content = CC_TEXT;
		e->ctext = S_fmt(v);
		free(v);
		S_drop_attr(e, "data-text");
	} else if ((v = S_value_of(n, "data-html", &taken, &ntaken)) !=
	    NULL) {
		e->content = CC_HTML;
		e->chtml = S_expr(v);
		free(v);
		S_drop_attr(e, "data-html");
	} else {
		e->content = CC_KIDS;
		for (k = n->children; k != NULL && !c->refused; k = k->next) {
			struct cnode *ck = S_node(c, k, e);

			if (ck != NULL)
				S_kid(e, ck);
		}
	}
	for (i = 0; i < ntaken; i++)
		free(taken[i]);
	free(taken);
	if (c->refused) {
		S_nfree(e);
		return NULL;
	}
	e->end = xasprintf("</%s>", e->name);
	e->end_len = strlen(e->end);
	for (i = 0; i < e->nattrs; i++)
		e->attrs[i].kind = S_attr_kind(e, e->attrs[i].name,
		    e->attrs[i].ns);
	for (i = 0; i < e->ndyn; i++) {
		e->dyn[i].kind = S_attr_kind(e, e->dyn[i].name, 0);
		e->dyn[i].url = tmpl_is_url_attr(e->dyn[i].name);
	}
	if (e->ndyn == 0) {
		b.data = NULL;
		b.len = b.cap = 0;
		buf_putc(&b, '<');
		buf_puts(&b, e->name);
		buf_puts(&b, e->nsdefs);
		for (i = 0; i < e->nattrs; i++)
			S_attr_out(&b, e->attrs[i].name, e->attrs[i].value,
			    strlen(e->attrs[i].value), e->attrs[i].kind);
		e->start = b.data;
		e->start_len = b.len;
	}
	return e;
refuse:
	for (i = 0; i < ntaken; i++)
		free(taken[i]);
	free(taken);
	S_nfree(e);
	c->refused = 1;
	return NULL;
}

/* A node of a layout: text, an element, or a comment (left out, and
   the blank text before it with it, as S_drop does). */
static struct cnode *
S_node(struct comp *c, xmlNodePtr n, const struct cnode *parent)
{
	struct cnode *d;

	switch (n->type) {
	case XML_TEXT_NODE:
		return S_text(n->content != NULL ? (const char *)n->content :
		    "", parent);
	case XML_ELEMENT_NODE:
		return S_elem(c, n, parent);
	case XML_COMMENT_NODE:
		d = xcalloc(1, sizeof(*d));
		d->kind = CN_DROP;
		return d;
	default:
		c->refused = 1;
		return NULL;
	}
}

static void
S_nfree(struct cnode *n)
{
	size_t i;

	if (n == NULL)
		return;
	free(n->text);
	S_efree(n->each);
	S_efree(n->cond_if);
	S_efree(n->cond_unless);
	free(n->var);
	free(n->name);
	free(n->nsdefs);
	free(n->start);
	free(n->end);
	for (i = 0; i < n->nattrs; i++) {
		free(n->attrs[i].name);
		free(n->attrs[i].value);
	}
	free(n->attrs);
	for (i = 0; i < n->ndyn; i++) {
		free(n->dyn[i].name);
		S_ffree(n->dyn[i].f);
	}
	free(n->dyn);
	S_ffree(n->ctext);
	S_efree(n->chtml);
	for (i = 0; i < n->nkids; i++)
		S_nfree(n->kids[i]);
	free(n->kids);
	S_nfree(n->incl);
	if (n->made != NULL && n->made != &S_once) {
		free(n->made->bytes);
		free(n->made);
	}
	free(n);
}

/*
 * Does e read nothing but the site (with site not rebound: shadow
 * unset) and the names bound? Not the print material either: it learns
 * its file sizes between the phases of a build.
 */
static int
S_e_site(const struct cexpr *e, int shadow, const char *const *bound,
    size_t nb)
{
	struct buf path = { NULL, 0, 0 };
	size_t i;
	int ok;

	if (e == NULL)
		return 1;
	switch (e->k) {
	case E_STR:
	case E_NUM:
		return 1;
	case E_ERR:
		return 0;
	case E_PATH:
		for (i = 0; i < nb; i++)
			if (strcmp(e->segs[0], bound[i]) == 0)
				break;
		if (i == nb && (shadow || strcmp(e->segs[0], "site") != 0))
			return 0;
		for (i = 0; i < e->nsegs; i++)
			buf_printf(&path, "%s%s", i > 0 ? "." : "",
			    e->segs[i]);
		ok = !(tmpl_needs(path.data) & NEED_PRINT);
		buf_free(&path);
		return ok;
	default:
		return S_e_site(e->l, shadow, bound, nb) &&
		    S_e_site(e->r, shadow, bound, nb);
	}
}

static int
S_f_site(const struct cfmt *f, int shadow, const char *const *bound,
    size_t nb)
{
	size_t i;

	if (f == NULL)
		return 1;
	if (f->bad || !S_e_site(f->whole, shadow, bound, nb))
		return 0;
	for (i = 0; i < f->n; i++)
		if (!S_e_site(f->holes[i], shadow, bound, nb))
			return 0;
	return 1;
}

#define SITE_BOUND	16	/* loops within loops a check follows */

/*
 * Does n read nothing but the site and the names bound (nb of them),
 * with its own loop's names?  Its loop's list is read outside them.
 */
static int
S_n_site(const struct cnode *n, int shadow, const char **bound, size_t nb)
{
	size_t i;

	if (n == NULL || n->kind != CN_ELEM)
		return 1;
	if (n->each != NULL) {
		if (!S_e_site(n->each, shadow, bound, nb) ||
		    nb + 2 > SITE_BOUND)
			return 0;
		bound[nb++] = n->var;
		bound[nb++] = "loop";
	}
	if (!S_e_site(n->cond_if, shadow, bound, nb) ||
	    !S_e_site(n->cond_unless, shadow, bound, nb) ||
	    !S_f_site(n->ctext, shadow, bound, nb) ||
	    !S_e_site(n->chtml, shadow, bound, nb) ||
	    !S_n_site(n->incl, shadow, bound, nb))
		return 0;
	for (i = 0; i < n->ndyn; i++)
		if (!S_f_site(n->dyn[i].f, shadow, bound, nb))
			return 0;
	for (i = 0; i < n->nkids; i++)
		if (!S_n_site(n->kids[i], shadow, bound, nb))
			return 0;
	return 1;
}

/*
 * Marks the elements whose attributes and content read the site alone
 * (header, navigation, footer): written once a build, then copied.
 * Not one with a loop (each item is other) or an include standing in
 * its place, nor one under a loop that names its item "site".
 */
static void
S_mark_site(struct cnode *n, int shadow)
{
	const char *bound[SITE_BOUND] = { NULL };
	size_t i;

	if (n == NULL || n->kind != CN_ELEM)
		return;
	if (n->each == NULL && n->incl == NULL && !shadow) {
		n->site_only = S_f_site(n->ctext, 0, bound, 0) &&
		    S_e_site(n->chtml, 0, bound, 0);
		for (i = 0; i < n->ndyn && n->site_only; i++)
			n->site_only = S_f_site(n->dyn[i].f, 0, bound, 0);
		for (i = 0; i < n->nkids && n->site_only; i++)
			n->site_only = S_n_site(n->kids[i], 0, bound, 0);
	}
	if (n->each != NULL && strcmp(n->var, "site") == 0)
		shadow = 1;
	for (i = 0; i < n->nkids; i++)
		S_mark_site(n->kids[i], shadow);
	S_mark_site(n->incl, shadow);
}

/* Collects a template's data-fill elements, as S_fills does. */
static void
S_fills(struct comp *c, xmlNodePtr n, struct fillc **v)
{
	xmlChar *slot;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if ((slot = xmlGetProp(n, BAD_CAST "data-fill")) != NULL) {
			*v = xrealloc(*v, (c->nfills + 1) * sizeof(**v));
			(*v)[c->nfills].slot = xstrdup((const char *)slot);
			(*v)[c->nfills++].node = n;
			xmlFree(slot);
			continue;
		}
		S_fills(c, n->children, v);
	}
}

/*
 * Compiles layout name as a page's layout: its bases followed, their
 * slots filled.  NULL when the tree must make its pages.
 */
struct cprog *
tmplc_compile(const struct tmpl_set *ts, const char *name)
{
	struct comp c;
	struct fillc *fills = NULL;
	const struct tfile *t = tmpl_find(ts, name);
	struct cprog *p = NULL;
	struct cnode *root;
	xmlNodePtr r;
	xmlChar *base;
	size_t i;
	int depth = 0;

	memset(&c, 0, sizeof(c));
	c.ts = ts;
	if (getenv("RALLY_TEMPLATES") != NULL &&
	    strcmp(getenv("RALLY_TEMPLATES"), "tree") == 0)
		return NULL;	/* the reference, for the tests */
	for (;;) {
		if (t == NULL || t->doc == NULL ||
		    (r = xmlDocGetRootElement(t->doc)) == NULL)
			goto out;
		if ((base = xmlGetProp(r, BAD_CAST "data-extends")) == NULL)
			break;
		S_fills(&c, r->children, &fills);
		c.fills = fills;
		t = tmpl_find(ts, (const char *)base);
		xmlFree(base);
		if (++depth > TMPL_DEPTH)
			goto out;
	}
	c.fills = fills;
	/* The root is kept and single: no directive that could drop or
	   repeat it. */
	if (xmlHasProp(r, BAD_CAST "data-each") != NULL ||
	    xmlHasProp(r, BAD_CAST "data-if") != NULL ||
	    xmlHasProp(r, BAD_CAST "data-unless") != NULL ||
	    xmlHasProp(r, BAD_CAST "data-include") != NULL)
		goto out;
	root = S_elem(&c, r, NULL);
	if (root != NULL && !c.refused) {
		p = xcalloc(1, sizeof(*p));
		p->root = root;
		S_mark_site(root, 0);
	} else
		S_nfree(root);
out:
	for (i = 0; i < c.nfills; i++)
		free((char *)fills[i].slot);
	free(fills);
	return p;
}

void
tmplc_free(struct cprog *p)
{
	if (p == NULL)
		return;
	S_nfree(p->root);
	free(p);
}

/* Running. */

/* A text node not yet written: the blank one may go with the next
   element that is not kept (S_drop). */
struct ptext {
	const char	*s;
	size_t		 len;
	int		 blank;
};

struct level {
	const struct cnode *e;
	int		 open;	/* its start tag still lacks its '>' */
	int		 written;/* a child is out: it has children */
	struct ptext	*pend;
	size_t		 npend, cap;
};

struct run {
	struct buf	*out;
	struct pool	*pool;
	struct level	*lv;
	size_t		 nlv, cap;
	size_t		 nodes;
	int		 failed;
	struct buf	 tmp;	/* scratch for values */
	struct buf	 vals;	/* an element's attribute values (S_attrs) */
	struct tdict	*dict;	/* the page's language's, or NULL */
	const struct tmpl_set *ts;	/* for | hyphenate:PATH */
};

static struct level *
S_top(struct run *r)
{
	return &r->lv[r->nlv - 1];
}

/* The pending text of the top level goes out (a sibling follows). */
static void
S_flush(struct run *r)
{
	struct level *l = S_top(r);
	size_t i;

	if (l->npend == 0)
		return;
	if (l->open) {
		buf_putc(r->out, '>');
		l->open = 0;
	}
	for (i = 0; i < l->npend; i++)
		buf_put(r->out, l->pend[i].s, l->pend[i].len);
	l->npend = 0;
	l->written = 1;
}

/* A child of the top level begins. */
static void
S_child(struct run *r)
{
	struct level *l = S_top(r);

	S_flush(r);
	if (l->open) {
		buf_putc(r->out, '>');
		l->open = 0;
	}
	l->written = 1;
}

/* Text (already escaped, alive until the page is done). */
static void
S_put_text(struct run *r, const char *s, size_t len, int blank)
{
	struct level *l = S_top(r);

	if (l->npend == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4;
		l->pend = xrealloc(l->pend, l->cap * sizeof(*l->pend));
	}
	l->pend[l->npend].s = s;
	l->pend[l->npend].len = len;
	l->pend[l->npend++].blank = blank;
	r->nodes++;
}

/* An element not kept, or a comment: the blank text before it goes. */
static void
S_dropped(struct run *r)
{
	struct level *l = S_top(r);

	if (l->npend > 0 && l->pend[l->npend - 1].blank)
		l->npend--;
}

static const struct val *S_eval(struct run *, const struct cexpr *,
    const struct scope *);

static const struct val *
S_lookup(const struct scope *sc, const char *name)
{
	for (; sc != NULL; sc = sc->up)
		if (sc->name == name || strcmp(sc->name, name) == 0)
			return sc->v;
	return NULL;
}

static const struct val *
S_eval(struct run *r, const struct cexpr *e, const struct scope *sc)
{
	const struct val *v, *w;
	size_t i;
	int unknown = 0;

	if (r->failed)
		return NULL;
	switch (e->k) {
	case E_OR:
	case E_AND:
		v = S_eval(r, e->l, sc);
		if (e->k == E_OR ? val_truthy(v) : !val_truthy(v))
			return v;
		return S_eval(r, e->r, sc);
	case E_EQ:
	case E_NE:
		v = S_eval(r, e->l, sc);
		w = S_eval(r, e->r, sc);
		return val_bool(r->pool, tmpl_equal(v, w) == (e->k == E_EQ));
	case E_FILTER:
		v = S_eval(r, e->l, sc);
		if (r->failed)
			return NULL;
		w = tmpl_filter(r->pool, v, e->s, tmpl_filter_dict(r->ts, sc,
		    e->s, r->pool, r->dict), &unknown);
		if (unknown)
			r->failed = 1;
		return w;
	case E_NOT:
		return val_bool(r->pool, !val_truthy(S_eval(r, e->l, sc)));
	case E_STR:
		return val_str(r->pool, e->s, NULL);
	case E_NUM:
		return val_num(r->pool, e->n);
	case E_PATH:
		if ((v = S_lookup(sc, e->segs[0])) == NULL) {
			r->failed = 1;
			return NULL;
		}
		for (i = 1; i < e->nsegs && v != NULL; i++)
			v = v->type == V_MAP ? map_get_interned(v,
			    e->segs[i]) : tmpl_step(r->pool, v, e->segs[i]);
		return v;
	case E_ERR:
		break;
	}
	r->failed = 1;
	return NULL;
}

/* A format string's text into b (appended). */
static void
S_format(struct run *r, const struct cfmt *f, const struct scope *sc,
    struct buf *b, const struct val **whole)
{
	size_t i;

	*whole = NULL;
	if (f->bad) {
		r->failed = 1;
		return;
	}
	if (f->whole != NULL) {
		*whole = S_eval(r, f->whole, sc);
		val_text(*whole, b);
		return;
	}
	for (i = 0; i < f->n; i++) {
		buf_puts(b, f->lits[i]);
		val_text(S_eval(r, f->holes[i], sc), b);
	}
	buf_puts(b, f->lits[f->n]);
}

/* An attribute as S_attrs has it: static, or its value in r->vals. */
struct attr_at {
	const char	*name;
	const char	*value;	/* static: e's */
	size_t		 off;	/* dynamic: where in r->vals */
	size_t		 len;	/* ... and how long */
	int		 dyn;
	int		 kind;
};

#define S_ATTRS_ON_STACK 16

/*
 * The start tag's attributes: static, then data-attr-* applied.  No
 * allocation but r's buffers, for most elements: a page has dozens.
 */
static void
S_attrs(struct run *r, const struct cnode *e, const struct scope *sc)
{
	struct attr_at stack[S_ATTRS_ON_STACK], *a = stack;
	size_t n = e->nattrs, i, k;
	const struct val *v;
	struct buf *b = &r->tmp;

	if (e->ndyn == 0) {
		for (i = 0; i < e->nattrs; i++)
			S_attr_out(r->out, e->attrs[i].name,
			    e->attrs[i].value, strlen(e->attrs[i].value),
			    e->attrs[i].kind);
		return;
	}
	if (e->nattrs + e->ndyn > S_ATTRS_ON_STACK)
		a = xcalloc(e->nattrs + e->ndyn, sizeof(*a));
	for (i = 0; i < e->nattrs; i++) {
		a[i].name = e->attrs[i].name;
		a[i].value = e->attrs[i].value;
		a[i].dyn = 0;
		a[i].kind = e->attrs[i].kind;
	}
	r->vals.len = 0;
	for (k = 0; k < e->ndyn && !r->failed; k++) {
		const char *name = e->dyn[k].name;

		b->len = 0;
		buf_puts(b, "");
		S_format(r, e->dyn[k].f, sc, b, &v);
		if (v != NULL && v->type == V_BOOL) {
			b->len = 0;
			buf_puts(b, v->n ? name : "");
		} else
			buf_unshy(b);	/* as the tree does */
		for (i = 0; i < n; i++)
			if (strcmp(a[i].name, name) == 0)
				break;
		if (b->len == 0 || (v != NULL && v->type == V_BOOL && !v->n)) {
			if (i < n) {
				memmove(&a[i], &a[i + 1], (n - i - 1) *
				    sizeof(*a));
				n--;
			}
			continue;
		}
		if (e->dyn[k].url && !url_is_safe(b->data)) {
			r->failed = 1;
			break;
		}
		if (i == n) {
			a[n].name = name;
			a[n].kind = e->dyn[k].kind;
			n++;
		}
		a[i].dyn = 1;
		a[i].off = r->vals.len;
		a[i].len = b->len;
		buf_put(&r->vals, b->data, b->len + 1);	/* its NUL too */
	}
	for (i = 0; i < n && !r->failed; i++)
		if (a[i].dyn)
			S_attr_out(r->out, a[i].name, r->vals.data + a[i].off,
			    a[i].len, a[i].kind);
		else
			S_attr_out(r->out, a[i].name, a[i].value,
			    strlen(a[i].value), a[i].kind);
	if (a != stack)
		free(a);
}

static void S_run(struct run *, const struct cnode *, const struct scope *);

/* Markdown's nodes (data-html), as libxml2's HTML writer writes them. */
static void
S_nodes(struct run *r, xmlNodePtr k, int raw)
{
	struct cnode fake;
	const htmlElemDesc *info;
	xmlAttrPtr at;
	xmlChar *tx;
	char *qn;

	for (; k != NULL && !r->failed; k = k->next) {
		r->nodes++;
		if (k->type == XML_TEXT_NODE) {
			if (raw)
				buf_puts(r->out, (const char *)k->content);
			else
				S_escape(r->out, (const char *)k->content,
				    strlen((const char *)k->content));
			continue;
		}
		if (k->type != XML_ELEMENT_NODE || k->nsDef != NULL) {
			r->failed = 1;	/* the tree writes these */
			return;
		}
		memset(&fake, 0, sizeof(fake));
		fake.html = k->ns == NULL;
		fake.is_a = strcasecmp((const char *)k->name, "a") == 0;
		qn = S_qname(k);
		buf_putc(r->out, '<');
		buf_puts(r->out, qn);
		for (at = k->properties; at != NULL; at = at->next) {
			char *an = at->ns != NULL && at->ns->prefix != NULL ?
			    xasprintf("%s:%s", at->ns->prefix, at->name) :
			    xstrdup((const char *)at->name);

			tx = xmlNodeListGetString(k->doc, at->children, 1);
			S_attr_out(r->out, an, tx != NULL ?
			    (const char *)tx : "", tx != NULL ?
			    strlen((const char *)tx) : 0, S_attr_kind(&fake,
			    an, at->ns != NULL));
			xmlFree(tx);
			free(an);
		}
		info = fake.html ? htmlTagLookup(k->name) : NULL;
		if (info != NULL && info->empty)
			buf_putc(r->out, '>');
		else if (k->children == NULL) {
			if (info != NULL && info->saveEndTag &&
			    strcmp(info->name, "html") != 0 &&
			    strcmp(info->name, "body") != 0)
				buf_putc(r->out, '>');
			else {
				buf_puts(r->out, "></");
				buf_puts(r->out, qn);
				buf_putc(r->out, '>');
			}
		} else {
			buf_putc(r->out, '>');
			S_nodes(r, k->children, strcasecmp((const char *)
			    k->name, "script") == 0 || strcasecmp(
			    (const char *)k->name, "style") == 0);
			buf_puts(r->out, "</");
			buf_puts(r->out, qn);
			buf_putc(r->out, '>');
		}
		free(qn);
	}
}

/*
 * For md.c's writer, which goes from cmark's tree to HTML with no
 * libxml2 tree between: text, an attribute of HTML element elem, and
 * the end of element name (children: whether it has any), each as
 * S_nodes writes them.
 */
void
tmplc_text(struct buf *b, const char *s, size_t n)
{
	S_escape(b, s, n);
}

void
tmplc_attr(struct buf *b, const char *elem, const char *name,
    const char *value)
{
	struct cnode fake;

	memset(&fake, 0, sizeof(fake));
	fake.html = 1;
	fake.is_a = strcasecmp(elem, "a") == 0;
	S_attr_out(b, name, value, strlen(value), S_attr_kind(&fake, name,
	    0));
}

void
tmplc_end(struct buf *b, const char *name, int children)
{
	const htmlElemDesc *info = htmlTagLookup(BAD_CAST name);

	if (info != NULL && info->empty)
		buf_putc(b, '>');
	else if (!children) {
		if (info != NULL && info->saveEndTag &&
		    strcmp(info->name, "html") != 0 &&
		    strcmp(info->name, "body") != 0)
			buf_putc(b, '>');
		else {
			buf_puts(b, "></");
			buf_puts(b, name);
			buf_putc(b, '>');
		}
	} else {
		buf_puts(b, "</");
		buf_puts(b, name);
		buf_putc(b, '>');
	}
}

int
tmplc_markup(xmlNodePtr first, struct buf *out, size_t *nodes)
{
	struct run r;

	memset(&r, 0, sizeof(r));
	r.out = out;
	S_nodes(&r, first, 0);
	*nodes = r.nodes;
	return !r.failed;
}

/* Text made for the page, kept for its level (pool-allocated). */
static void
S_made_text(struct run *r, const struct cnode *e, const char *s, size_t n)
{
	struct buf b = { NULL, 0, 0 };
	struct val *keep;

	buf_puts(&b, "");
	if (e->raw)
		buf_put(&b, s, n);
	else
		S_escape(&b, s, n);
	keep = val_strn(r->pool, b.data, NULL);
	S_put_text(r, keep->s, b.len, S_blank(s, n));
}

/* One element, kept: start tag, content, end tag. */
static void
S_element(struct run *r, const struct cnode *e, const struct scope *sc)
{
	struct buf scratch = { NULL, 0, 0 }, *save = NULL;
	struct level *l;
	const struct val *v;
	size_t i;

	S_child(r);
	r->nodes++;
	if (e->start != NULL)
		buf_put(r->out, e->start, e->start_len);
	else {
		buf_putc(r->out, '<');
		buf_puts(r->out, e->name);
		buf_puts(r->out, e->nsdefs);
		S_attrs(r, e, sc);
	}
	if (r->failed)
		return;
	if (r->nlv == r->cap) {
		r->cap *= 2;
		r->lv = xrealloc(r->lv, r->cap * sizeof(*r->lv));
	}
	l = &r->lv[r->nlv++];
	memset(l, 0, sizeof(*l));
	l->e = e;
	l->open = 1;
	/* Void: its content, if any, is worked out (errors count) but
	   never shows. */
	if (e->empty && (e->content != CC_KIDS || e->nkids > 0)) {
		save = r->out;
		r->out = &scratch;
		buf_puts(r->out, "");
	}
	if (e->content == CC_TEXT) {
		r->tmp.len = 0;
		buf_puts(&r->tmp, "");
		S_format(r, e->ctext, sc, &r->tmp, &v);
		if (e->title)
			buf_unshy(&r->tmp);	/* as the tree does */
		if (r->tmp.len > 0)
			S_made_text(r, e, r->tmp.data, r->tmp.len);
	} else if (e->content == CC_HTML) {
		v = S_eval(r, e->chtml, sc);
		if (v != NULL && v->type == V_NODES && v->len > 0) {
			/* Written once, when the body was read (md_markup);
			   the tree writes its text raw in a script. */
			if (e->raw)
				r->failed = 1;
			else {
				S_child(r);
				cache_markup(v, r->out);
				r->nodes += v->cap;
			}
		} else if (v != NULL) {
			r->tmp.len = 0;
			buf_puts(&r->tmp, "");
			val_text(v, &r->tmp);
			S_made_text(r, e, r->tmp.data, r->tmp.len);
		}
	} else
		for (i = 0; i < e->nkids && !r->failed; i++)
			S_run(r, e->kids[i], sc);
	l = S_top(r);
	if (e->empty) {
		if (save != NULL) {
			r->out = save;
			buf_free(&scratch);
		}
		buf_putc(r->out, '>');
	} else if (!l->written && l->npend == 0) {
		buf_putc(r->out, '>');
		if (!e->save_end)
			buf_put(r->out, e->end, e->end_len);
	} else {
		S_flush(r);
		if (l->open)
			buf_putc(r->out, '>');
		buf_put(r->out, e->end, e->end_len);
	}
	free(l->pend);
	r->nlv--;
}

/*
 * An element that reads the site alone: what it wrote on the second
 * page, on every page after.  Not on the first: the press index's
 * list of 10 000 releases is such an element, on one page only, and
 * 4 MB kept for nothing.  (What fails is not kept: each page falls
 * back to the tree, which reports it.)
 */
static void
S_site_element(struct run *r, const struct cnode *e, const struct scope *sc)
{
	struct cnode *m = (struct cnode *)e;	/* only its made */
	struct cmade *made = __atomic_load_n(&m->made, __ATOMIC_ACQUIRE);
	struct cmade *none = NULL;
	size_t at, nodes;

	S_child(r);
	if (made == NULL && __atomic_compare_exchange_n(&m->made, &none,
	    &S_once, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		S_element(r, e, sc);
		return;
	}
	made = __atomic_load_n(&m->made, __ATOMIC_ACQUIRE);
	if (made != &S_once && made->dict != r->dict) {
		/* A page in another language than the one kept. */
		S_element(r, e, sc);
		return;
	}
	if (made != &S_once) {
		buf_put(r->out, made->bytes, made->len);
		r->nodes += made->nodes;
		if (r->nodes > LIMIT_TMPL_NODES / 4 ||
		    r->out->len > LIMIT_TMPL_BYTES / 4)
			r->failed = 1;	/* as S_run would inside */
		return;
	}
	at = r->out->len;
	nodes = r->nodes;
	S_element(r, e, sc);
	if (r->failed)
		return;
	made = xmalloc(sizeof(*made));
	made->len = r->out->len - at;
	made->bytes = xmalloc(made->len + 1);
	memcpy(made->bytes, r->out->data + at, made->len);
	made->nodes = r->nodes - nodes;
	made->dict = r->dict;
	/* Another thread may have been first: the same bytes. */
	none = &S_once;
	if (!__atomic_compare_exchange_n(&m->made, &none, made, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		free(made->bytes);
		free(made);
	}
}

/* After data-each: whether e is kept, then the element. */
static void
S_kept(struct run *r, const struct cnode *e, const struct scope *sc)
{
	if (e->cond_if != NULL && !val_truthy(S_eval(r, e->cond_if, sc))) {
		S_dropped(r);
		return;
	}
	if (e->cond_unless != NULL &&
	    val_truthy(S_eval(r, e->cond_unless, sc))) {
		S_dropped(r);
		return;
	}
	if (r->failed)
		return;
	if (e->incl != NULL)
		S_run(r, e->incl, sc);
	else if (e->site_only)
		S_site_element(r, e, sc);
	else
		S_element(r, e, sc);
}

static void
S_run(struct run *r, const struct cnode *n, const struct scope *sc)
{
	const struct val *v;
	struct scope inner, loop;
	struct pool_mark mark;
	size_t i;

	if (r->failed)
		return;
	if (r->nodes > LIMIT_TMPL_NODES / 4 ||
	    r->out->len > LIMIT_TMPL_BYTES / 4) {
		r->failed = 1;	/* near the budget: the tree decides */
		return;
	}
	if (n->kind == CN_TEXT) {
		S_put_text(r, n->text, n->len, n->blank);
		return;
	}
	if (n->kind == CN_DROP) {
		S_dropped(r);
		return;
	}
	if (n->each == NULL) {
		S_kept(r, n, sc);
		return;
	}
	v = S_eval(r, n->each, sc);
	if (v != NULL && v->type != V_LIST && v->type != V_NULL) {
		r->failed = 1;
		return;
	}
	mark = pool_mark(r->pool);
	for (i = 0; !r->failed && v != NULL && v->type == V_LIST &&
	    i < v->len; i++) {
		loop.name = "loop";
		loop.v = tmpl_loop(r->pool, i, v->len);
		loop.up = sc;
		inner.name = n->var;
		inner.v = v->items[i];
		inner.up = &loop;
		S_kept(r, n, &inner);
		/* What an item made dies with it, as in the tree. */
		pool_release(r->pool, mark);
	}
	pool_release(r->pool, mark);
	/* The element itself goes, and blank text before it. */
	S_dropped(r);
}

/* RALLY_TEMPLATES=tell: the tests see which pages the tree makes. */
static void
S_tell(const char *name)
{
	const char *e = getenv("RALLY_TEMPLATES");

	if (e != NULL && strcmp(e, "tell") == 0)
		fprintf(stderr, "rally: the tree makes a page of layout %s\n",
		    name);
}

/*
 * Writes the page of layout name for scope sc into out (appended):
 * 1, or 0 when the layout is not compiled or the page met anything the
 * tree must handle (then out is as it was).  Values made go in pool.
 */
int
tmplc_page(const struct tmpl_set *ts, const char *name,
    const struct scope *sc, struct pool *pool, struct buf *out)
{
	const struct tfile *t = tmpl_find(ts, name);
	struct run r;
	size_t start = out->len;

	if (t == NULL || t->prog == NULL) {
		S_tell(name);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.out = out;
	r.pool = pool;
	r.dict = tmpl_dict(ts, sc);
	r.ts = ts;
	r.cap = 16;
	r.lv = xcalloc(r.cap, sizeof(*r.lv));
	r.nlv = 1;	/* the document: the root's level */
	buf_puts(out, "<!DOCTYPE html>\n");
	S_element(&r, t->prog->root, sc);
	free(r.lv[0].pend);
	free(r.lv);
	buf_free(&r.tmp);
	buf_free(&r.vals);
	if (r.failed) {
		out->len = start;
		S_tell(name);
		return 0;
	}
	buf_putc(out, '\n');
	return 1;
}
