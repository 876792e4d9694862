/*
 * md.c: Markdown to libxml2 nodes, built from cmark's AST so that the
 * body is grafted into templates as a tree and never re-parsed.
 */
#include <sys/mman.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>

#include "rally.h"
#include "extern.h"

struct mdctx {
	xmlDocPtr	 doc;
	const char	*file;
	int		 line_off;
	int		 shift;		/* added to heading levels */
	const char	*base_path;	/* prefixed to "/..." links */
	int		 failed;
};

/*
 * cmark's memory for one body, from a block its thread keeps: a body's
 * nodes and buffers were a hundred calls to malloc and free, and those
 * split and joined the free chunks that libyaml's 64 KB of buffers
 * left in every file (a sixth of a 10k build's reading was malloc's).
 * An allocation is a bump, a free a no-op (or a step back, for the
 * last), and the block is emptied when the body is written.  What does
 * not fit goes to malloc, recognised by its address.  cmark's
 * allocator has no context argument: hence the thread-local.
 */
#define ARENA_SIZE	(256 * 1024)
/* Under AddressSanitizer each allocation stays malloc's, watched. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_OFF	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_OFF	1
#endif
#endif
#ifndef ARENA_OFF
#define ARENA_OFF	0
#endif
#define ARENA_HEAD	16	/* an allocation's size, before it */

struct arena {
	char	*p;
	size_t	 len;
};

static __thread struct arena S_arena;
static pthread_key_t S_arena_key;	/* frees a thread's block as it ends */
static pthread_once_t S_arena_once = PTHREAD_ONCE_INIT;

static void
S_arena_unmap(void *p)
{
	munmap(p, ARENA_SIZE);
}

/* Under valgrind too, which watches malloc's blocks, not ours. */
static int S_arena_off;

static void
S_arena_key_make(void)
{
	const char *e = getenv("LD_PRELOAD");

	S_arena_off = e != NULL && strstr(e, "vgpreload") != NULL;
	if (pthread_key_create(&S_arena_key, S_arena_unmap) != 0)
		abort();
}

static int
S_in_arena(const void *q)
{
	const char *c = q;

	return S_arena.p != NULL && c >= S_arena.p &&
	    c < S_arena.p + ARENA_SIZE;
}

static void *
S_arena_get(size_t sz)
{
	size_t need = ARENA_HEAD + ((sz + 15) & ~(size_t)15);
	char *q;

	if (ARENA_OFF || sz > ARENA_SIZE)
		return xmalloc(sz);
	pthread_once(&S_arena_once, S_arena_key_make);
	if (S_arena_off)
		return xmalloc(sz);
	if (S_arena.p == NULL) {
		/* Mapped, not malloc's: a large request there sorts all
		   its free chunks first (10 ms after loading 10k files). */
		S_arena.p = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (S_arena.p == MAP_FAILED) {
			fputs("rally: out of memory\n", stderr);
			abort();
		}
		pthread_setspecific(S_arena_key, S_arena.p);
	}
	/* Never at the very end: p + ARENA_SIZE is not the block's. */
	if (ARENA_SIZE - S_arena.len <= need)
		return xmalloc(sz);
	q = S_arena.p + S_arena.len + ARENA_HEAD;
	memcpy(q - ARENA_HEAD, &sz, sizeof(sz));
	S_arena.len += need;
	return q;
}

static void *
S_arena_calloc(size_t n, size_t sz)
{
	void *q;

	if (sz != 0 && n > SIZE_MAX / sz)
		abort();
	q = S_arena_get(n * sz);
	memset(q, 0, n * sz);
	return q;
}

static void *
S_arena_realloc(void *q, size_t sz)
{
	size_t old, room;
	char *c = q, *nq;

	if (q == NULL)
		return S_arena_get(sz);
	if (!S_in_arena(q))
		return xrealloc(q, sz);
	memcpy(&old, c - ARENA_HEAD, sizeof(old));
	/* The last allocation grows where it is. */
	room = (size_t)(S_arena.p + ARENA_SIZE - c);
	if (c + ((old + 15) & ~(size_t)15) == S_arena.p + S_arena.len &&
	    sz <= room) {
		S_arena.len = (size_t)(c - S_arena.p) +
		    ((sz + 15) & ~(size_t)15);
		memcpy(c - ARENA_HEAD, &sz, sizeof(sz));
		return q;
	}
	nq = S_arena_get(sz);
	memcpy(nq, q, old < sz ? old : sz);
	return nq;
}

static void
S_arena_free(void *q)
{
	size_t old;
	char *c = q;

	if (q == NULL)
		return;
	if (!S_in_arena(q)) {
		free(q);
		return;
	}
	memcpy(&old, c - ARENA_HEAD, sizeof(old));
	if (c + ((old + 15) & ~(size_t)15) == S_arena.p + S_arena.len)
		S_arena.len = (size_t)(c - ARENA_HEAD - S_arena.p);
}

static cmark_mem S_arena_mem = {
	S_arena_calloc, S_arena_realloc, S_arena_free
};

/* Parses a body into a tree in the arena (empty it after freeing). */
static cmark_node *
S_arena_parse(const char *text, size_t len, int options)
{
	cmark_parser *parser;
	cmark_node *root;

	parser = cmark_parser_new_with_mem(options, &S_arena_mem);
	cmark_parser_feed(parser, text, len);
	root = cmark_parser_finish(parser);
	cmark_parser_free(parser);
	return root;
}

static void
S_pos(const struct mdctx *c, cmark_node *n, struct pos *p)
{
	p->file = c->file;
	p->line = cmark_node_get_start_line(n) + c->line_off;
	p->col = cmark_node_get_start_column(n);
}

static xmlNodePtr
S_elem(struct mdctx *c, xmlNodePtr parent, const char *name)
{
	xmlNodePtr e = xmlNewDocNode(c->doc, NULL, BAD_CAST name, NULL);

	xmlAddChild(parent, e);
	return e;
}

static void
S_text(struct mdctx *c, xmlNodePtr parent, const char *s)
{
	if (s != NULL && *s != '\0')
		xmlAddChild(parent, xmlNewDocText(c->doc, BAD_CAST s));
}

/* Text content of a node's children, for an image's alt text. */
static void
S_plain(cmark_node *n, struct buf *b)
{
	cmark_node *k;

	for (k = cmark_node_first_child(n); k != NULL;
	    k = cmark_node_next(k)) {
		switch (cmark_node_get_type(k)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			buf_puts(b, cmark_node_get_literal(k));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_putc(b, ' ');
			break;
		default:
			S_plain(k, b);
			break;
		}
	}
}

static int
S_url(struct mdctx *c, cmark_node *n, const char *url)
{
	struct pos p;

	if (url_is_safe(url))
		return 1;
	S_pos(c, n, &p);
	diag_err(&p, "unsafe URL '%.60s': only http, https, mailto, tel "
	    "and relative links are allowed", url);
	c->failed = 1;
	return 0;
}

/* A link from the site root ("/om/") follows the site to its base path. */
static void
S_href(struct mdctx *c, xmlNodePtr e, const char *attr, const char *url)
{
	char *u;

	if (url[0] == '/' && url[1] != '/' && *c->base_path != '\0') {
		u = xasprintf("%s%s", c->base_path, url);
		xmlNewProp(e, BAD_CAST attr, BAD_CAST u);
		free(u);
	} else
		xmlNewProp(e, BAD_CAST attr, BAD_CAST url);
}

/* Leaf nodes: no EXIT event. */
static void
S_leaf(struct mdctx *c, cmark_node *n, xmlNodePtr parent)
{
	xmlNodePtr e, code;
	const char *info;
	char *lang;
	size_t k;

	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_TEXT:
		S_text(c, parent, cmark_node_get_literal(n));
		break;
	case CMARK_NODE_SOFTBREAK:
		S_text(c, parent, "\n");
		break;
	case CMARK_NODE_LINEBREAK:
		S_elem(c, parent, "br");
		break;
	case CMARK_NODE_CODE:
		e = S_elem(c, parent, "code");
		S_text(c, e, cmark_node_get_literal(n));
		break;
	case CMARK_NODE_THEMATIC_BREAK:
		S_elem(c, parent, "hr");
		break;
	case CMARK_NODE_CODE_BLOCK:
		e = S_elem(c, parent, "pre");
		code = S_elem(c, e, "code");
		info = cmark_node_get_fence_info(n);
		if (info != NULL && *info != '\0') {
			for (k = 0; info[k] != '\0' && info[k] != ' '; k++)
				continue;
			lang = xasprintf("language-%.*s", (int)k, info);
			xmlNewProp(code, BAD_CAST "class", BAD_CAST lang);
			free(lang);
		}
		S_text(c, code, cmark_node_get_literal(n));
		break;
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_HTML_INLINE:
		/* Raw HTML is off: left out, as cmark's safe mode does. */
		break;
	default:
		break;
	}
}

static const char *
S_block_name(struct mdctx *c, cmark_node *n, char *h)
{
	int level;

	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_BLOCK_QUOTE: return "blockquote";
	case CMARK_NODE_LIST:
		return cmark_node_get_list_type(n) == CMARK_ORDERED_LIST ?
		    "ol" : "ul";
	case CMARK_NODE_ITEM: return "li";
	case CMARK_NODE_PARAGRAPH: return "p";
	case CMARK_NODE_EMPH: return "em";
	case CMARK_NODE_STRONG: return "strong";
	case CMARK_NODE_LINK: return "a";
	case CMARK_NODE_IMAGE: return "img";
	case CMARK_NODE_HEADING:
		level = cmark_node_get_heading_level(n) + c->shift;
		if (level > 6)
			level = 6;
		h[0] = 'h';
		h[1] = (char)('0' + level);
		h[2] = '\0';
		return h;
	default:
		return NULL;
	}
}

static int
S_min_heading(cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	int min = 7, l;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);

		if (ev == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(n) == CMARK_NODE_HEADING &&
		    (l = cmark_node_get_heading_level(n)) < min)
			min = l;
	}
	cmark_iter_free(it);
	return min;
}

/* Is n, at depth, nested too deep?  Said once: the walk stops. */
static int
S_too_deep(struct mdctx *c, cmark_node *n, int depth)
{
	struct pos p;

	if (depth <= LIMIT_NESTING)
		return 0;
	S_pos(c, n, &p);
	diag_err(&p, "Markdown nested deeper than %d levels", LIMIT_NESTING);
	c->failed = 1;
	return 1;
}

/* Builds the tree below parent from cmark's AST. */
static void
S_tree(struct mdctx *c, cmark_node *root, xmlNodePtr parent)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	xmlNodePtr cur = parent, e;
	const char *name, *url, *title;
	struct buf alt = { NULL, 0, 0 };
	char h[12];
	int depth = 0, start;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);

		if (n == root)
			continue;
		if (ev == CMARK_EVENT_EXIT) {
			if (cur != parent)
				cur = cur->parent;
			depth--;
			continue;
		}
		name = S_block_name(c, n, h);
		if (name == NULL) {
			S_leaf(c, n, cur);
			continue;
		}
		if (S_too_deep(c, n, ++depth))
			break;
		e = S_elem(c, cur, name);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_LIST:
			start = cmark_node_get_list_start(n);
			if (strcmp(name, "ol") == 0 && start != 1) {
				snprintf(h, sizeof(h), "%d", start % 1000);
				xmlNewProp(e, BAD_CAST "start", BAD_CAST h);
			}
			break;
		case CMARK_NODE_LINK:
			url = cmark_node_get_url(n);
			title = cmark_node_get_title(n);
			if (url != NULL && S_url(c, n, url))
				S_href(c, e, "href", url);
			if (title != NULL && *title != '\0')
				xmlNewProp(e, BAD_CAST "title", BAD_CAST title);
			break;
		case CMARK_NODE_IMAGE:
			url = cmark_node_get_url(n);
			if (url != NULL && S_url(c, n, url))
				S_href(c, e, "src", url);
			alt.len = 0;
			buf_puts(&alt, "");
			S_plain(n, &alt);
			xmlNewProp(e, BAD_CAST "alt", BAD_CAST alt.data);
			title = cmark_node_get_title(n);
			if (title != NULL && *title != '\0')
				xmlNewProp(e, BAD_CAST "title", BAD_CAST title);
			/* The alt text replaces the children. */
			cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			depth--;
			continue;
		default:
			break;
		}
		cur = e;
	}
	buf_free(&alt);
	cmark_iter_free(it);
}

/*
 * Raw HTML that the site allowed is cut down to a list of harmless
 * elements and attributes: an unknown element gives way to its
 * children; script, style and the like go with their content; an
 * attribute not on the list goes, and so does a link that url_is_safe
 * refuses.  A list, not a blacklist: browsers know more dangerous
 * attributes than any blacklist.
 */
static const char *const S_gone[] = {
	"script", "style", "iframe", "object", "embed", "applet", "frame",
	"frameset", "noframes", "noscript", "template", "textarea", "select",
	"title", "head", "svg", "math", "xmp", "plaintext", "noembed",
	NULL
};
static const char *const S_elems[] = {
	"a", "abbr", "address", "article", "aside", "b", "bdi", "bdo",
	"blockquote", "br", "caption", "cite", "code", "col", "colgroup",
	"dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
	"figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
	"hr", "i", "img", "ins", "kbd", "li", "mark", "nav", "ol", "p",
	"pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small",
	"span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
	"tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr", NULL
};
static const char *const S_attrs_ok[] = {
	"id", "class", "title", "lang", "dir", "role", "alt", "width",
	"height", "colspan", "rowspan", "scope", "headers", "start",
	"reversed", "type", "value", "datetime", "span", "open", "rel",
	"loading", "abbr", NULL
};
static const char *const S_url_attrs[] = { "href", "src", "cite", NULL };

static int
S_listed(const xmlChar *name, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (xmlStrcasecmp(name, BAD_CAST list[i]) == 0)
			return 1;
	return 0;
}

static void
S_sanitize(xmlNodePtr n)
{
	xmlNodePtr next, k;
	xmlAttrPtr a, an;
	xmlChar *v;
	int keep;

	for (; n != NULL; n = next) {
		next = n->next;
		if (n->type == XML_TEXT_NODE || n->type == XML_ENTITY_REF_NODE)
			continue;
		if (n->type != XML_ELEMENT_NODE || S_listed(n->name, S_gone)) {
			xmlUnlinkNode(n);	/* comments, PIs, scripts */
			xmlFreeNode(n);
			continue;
		}
		if (!S_listed(n->name, S_elems)) {
			/* Its children take its place, and are checked. */
			next = n->children != NULL ? n->children : n->next;
			while ((k = n->children) != NULL) {
				xmlUnlinkNode(k);
				xmlAddPrevSibling(n, k);
			}
			xmlUnlinkNode(n);
			xmlFreeNode(n);
			continue;
		}
		for (a = n->properties; a != NULL; a = an) {
			an = a->next;
			if (S_listed(a->name, S_attrs_ok) ||
			    xmlStrncasecmp(a->name, BAD_CAST "aria-", 5) == 0)
				continue;
			keep = 0;
			if (S_listed(a->name, S_url_attrs)) {
				v = xmlNodeGetContent((xmlNodePtr)a);
				keep = v != NULL && url_is_safe((const char *)v);
				xmlFree(v);
			}
			if (!keep)
				xmlRemoveProp(a);
		}
		S_sanitize(n->children);
	}
}

/*
 * HTML read by libxml2's HTML parser as the content of a <body>:
 * returns the document (the caller frees it), *body its body element
 * (NULL if there is none).
 */
static htmlDocPtr
S_html_read(const char *html, size_t len, const char *file,
    xmlNodePtr *body)
{
	struct buf w = { NULL, 0, 0 };
	htmlDocPtr h;
	xmlNodePtr n;

	buf_puts(&w, "<html><body>");
	buf_put(&w, html, len);
	buf_puts(&w, "</body></html>");
	h = htmlReadMemory(w.data, (int)w.len, file, "UTF-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NOIMPLIED);
	buf_free(&w);
	*body = NULL;
	if (h == NULL)
		return NULL;
	n = xmlDocGetRootElement(h);
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(n->name, BAD_CAST "body") == 0)
			break;
	*body = n;
	return h;
}

/*
 * With raw HTML allowed, cmark renders HTML and libxml2's HTML parser
 * reads it back: the only way to keep inline tags that span nodes.
 */
static void
S_raw(struct mdctx *c, cmark_node *root, xmlNodePtr parent)
{
	char *html = cmark_render_html(root, CMARK_OPT_UNSAFE | CMARK_OPT_SMART);
	htmlDocPtr h;
	xmlNodePtr body, n, next;

	h = S_html_read(html, strlen(html), c->file, &body);
	free(html);
	if (h == NULL)
		return;
	if (body != NULL) {
		S_sanitize(body->children);
		for (n = body->children; n != NULL; n = next) {
			next = n->next;
			xmlAddChild(parent, xmlDocCopyNode(n, c->doc, 1));
		}
	}
	xmlFreeDoc(h);
}

/*
 * Appends to links a line "a LINE COL URL" (or "i" for an image) for
 * each link and image of root, as written, for the link check.
 */
static void
S_links(const struct mdctx *c, cmark_node *root, struct buf *links)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	cmark_node *n;
	const char *url;
	struct pos p;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER ||
		    (cmark_node_get_type(n) != CMARK_NODE_LINK &&
		    cmark_node_get_type(n) != CMARK_NODE_IMAGE) ||
		    (url = cmark_node_get_url(n)) == NULL ||
		    strchr(url, '\n') != NULL)
			continue;
		S_pos(c, n, &p);
		buf_printf(links, "%c %d %d %s\n", cmark_node_get_type(n) ==
		    CMARK_NODE_IMAGE ? 'i' : 'a', p.line, p.col, url);
	}
	cmark_iter_free(it);
}

/*
 * Renders Markdown text into a new element <div> that becomes the root
 * of holder; the body is its children.  line_off: lines of the file
 * before the body.  links, if not NULL, gets the links and images as
 * written (see S_links).  Returns 1, or 0 after diagnosing.
 */
int
md_render(const char *text, size_t len, xmlDocPtr holder, const char *file,
    int line_off, int raw_html, const char *base_path, struct buf *links)
{
	struct mdctx c;
	cmark_node *root;
	xmlNodePtr div;
	int min;

	memset(&c, 0, sizeof(c));
	c.doc = holder;
	c.file = file;
	c.line_off = line_off;
	c.base_path = base_path != NULL ? base_path : "";
	root = cmark_parse_document(text, len,
	    CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8);
	div = xmlNewDocNode(holder, NULL, BAD_CAST "div", NULL);
	xmlDocSetRootElement(holder, div);
	min = S_min_heading(root);
	c.shift = min < 2 ? 2 - min : 0;
	if (raw_html)
		S_raw(&c, root, div);
	else
		S_tree(&c, root, div);
	if (links != NULL)
		S_links(&c, root, links);
	cmark_node_free(root);
	return !c.failed;
}

static char *S_excerpt_cut(struct buf *);

/* First paragraph of the body, cut at a word near 155 characters. */
static char *
S_excerpt(xmlNodePtr n)
{
	struct buf b = { NULL, 0, 0 };
	xmlChar *c;

	for (; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(n->name, BAD_CAST "p") == 0)
			break;
	if (n == NULL)
		return NULL;
	c = xmlNodeGetContent(n);
	buf_puts(&b, (const char *)c);
	xmlFree(c);
	return S_excerpt_cut(&b);
}

/* The text of the first paragraph in b (taken) as the excerpt. */
static char *
S_excerpt_cut(struct buf *b)
{
	size_t cut, i;

	for (i = 0; i < b->len; i++)
		if (b->data[i] == '\n')
			b->data[i] = ' ';
	if (b->len > 160) {
		for (cut = 155; cut > 60 && b->data[cut] != ' '; cut--)
			continue;
		b->len = cut;
		b->data[b->len] = '\0';
		buf_puts(b, "…");
	}
	return xrealloc(b->data, b->len + 1);
}

/*
 * The body md_render made in holder, as HTML: a 10k-page site keeps
 * one string a page instead of a tree of a hundred nodes, and every
 * page copies it.  It is what the page writers make of the nodes (the
 * compiled engine's, libxml2's for a node that only it writes).
 */
struct val *
md_markup(struct pool *pool, xmlDocPtr holder, char **excerpt)
{
	struct val *v = val_new(pool, V_NODES, NULL);
	xmlNodePtr first = xmlDocGetRootElement(holder), n;
	struct buf b = { NULL, 0, 0 };
	xmlOutputBufferPtr o;
	size_t nodes = 0;

	first = first != NULL ? first->children : NULL;
	*excerpt = S_excerpt(first);
	buf_puts(&b, "");
	if (!tmplc_markup(first, &b, &nodes)) {
		b.len = 0;
		nodes = 0;
		if ((o = xmlAllocOutputBuffer(NULL)) == NULL) {
			fprintf(stderr, "rally: out of memory\n");
			abort();
		}
		for (n = first; n != NULL; n = n->next, nodes++)
			htmlNodeDumpFormatOutput(o, holder, n, "UTF-8", 0);
		xmlOutputBufferFlush(o);
		buf_put(&b, (const char *)xmlOutputBufferGetContent(o),
		    xmlOutputBufferGetSize(o));
		xmlOutputBufferClose(o);
	}
	v->s = xrealloc(b.data, b.len + 1);
	v->len = b.len;
	v->cap = (uint32_t)nodes;
	return v;
}

/*
 * Markup v (V_NODES) as nodes again, for the tree engine and the feed:
 * returns a document the caller frees with xmlFreeDoc, *first the
 * first node (NULL: none).
 */
xmlDocPtr
md_markup_nodes(const struct val *v, xmlNodePtr *first)
{
	struct buf b = { NULL, 0, 0 };
	xmlNodePtr body;
	htmlDocPtr h;

	*first = NULL;
	/* A body may wait in the cache (cache.c). */
	if (v->s == NULL)
		cache_markup(v, &b);
	h = S_html_read(v->s != NULL ? v->s : b.data != NULL ? b.data : "",
	    v->len, NULL, &body);
	buf_free(&b);
	if (h == NULL) {
		fprintf(stderr, "rally: out of memory\n");
		abort();
	}
	if (body != NULL)
		*first = body->children;
	return h;
}

/*
 * Markdown straight to HTML, for the common case (raw HTML off): what
 * md_render builds as libxml2 nodes and md_markup then writes, without
 * the nodes between (they were a tenth of reading a 10k-page site).
 * The same elements, attributes, text and errors in the same order;
 * the HTML is written as tmplc_markup writes nodes.  md_body keeps the
 * two ways: RALLY_MARKDOWN=tree takes the nodes, for the tests.
 */

/* An element being written. */
struct wlevel {
	char	 name[12];	/* "p", "h3" ... */
	int	 open;		/* its start tag still without its '>' */
	int	 kids;		/* a child written */
	int	 text;		/* its last child was text (nodes merge) */
};

struct wctx {
	struct mdctx	*c;
	struct buf	*out;
	struct wlevel	 lv[LIMIT_NESTING + 2];
	int		 n;	/* levels open; lv[0] is the body */
	size_t		 nodes;	/* as libxml2 would count them */
	struct buf	 ex;	/* the first paragraph's text */
	int		 exing;	/* 0 before it, 1 in it, 2 after */
};

/* A child of the top element: its start tag ends first. */
static void
S_wchild(struct wctx *w, int text)
{
	struct wlevel *l = &w->lv[w->n];

	if (l->open) {
		buf_putc(w->out, '>');
		l->open = 0;
	}
	l->kids = 1;
	/* Adjacent text is one node in libxml2 (xmlAddChild merges). */
	if (!text || !l->text)
		w->nodes++;
	l->text = text;
}

static void
S_wtext(struct wctx *w, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0)
		return;		/* S_text adds no empty node */
	S_wchild(w, 1);
	tmplc_text(w->out, s, n);
	if (w->exing == 1)
		buf_put(&w->ex, s, n);
}

static void
S_wopen(struct wctx *w, const char *name)
{
	struct wlevel *l;

	S_wchild(w, 0);
	l = &w->lv[++w->n];
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->open = 1;
	l->kids = l->text = 0;
	buf_putc(w->out, '<');
	buf_puts(w->out, name);
}

static void
S_wclose(struct wctx *w)
{
	struct wlevel *l = &w->lv[w->n--];

	tmplc_end(w->out, l->name, l->kids);
}

/* A link's or picture's URL as S_href sets it, if S_url takes it. */
static void
S_wurl(struct wctx *w, cmark_node *n, const char *attr, const char *url)
{
	char *u;

	if (url == NULL || !S_url(w->c, n, url))
		return;
	if (url[0] == '/' && url[1] != '/' && *w->c->base_path != '\0') {
		u = xasprintf("%s%s", w->c->base_path, url);
		tmplc_attr(w->out, w->lv[w->n].name, attr, u);
		free(u);
	} else
		tmplc_attr(w->out, w->lv[w->n].name, attr, url);
}

/* S_leaf, written. */
static void
S_wleaf(struct wctx *w, cmark_node *n)
{
	const char *info;
	char *lang;
	size_t k;

	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_TEXT:
		S_wtext(w, cmark_node_get_literal(n));
		break;
	case CMARK_NODE_SOFTBREAK:
		S_wtext(w, "\n");
		break;
	case CMARK_NODE_LINEBREAK:
		S_wopen(w, "br");
		S_wclose(w);
		break;
	case CMARK_NODE_CODE:
		S_wopen(w, "code");
		S_wtext(w, cmark_node_get_literal(n));
		S_wclose(w);
		break;
	case CMARK_NODE_THEMATIC_BREAK:
		S_wopen(w, "hr");
		S_wclose(w);
		break;
	case CMARK_NODE_CODE_BLOCK:
		S_wopen(w, "pre");
		S_wopen(w, "code");
		info = cmark_node_get_fence_info(n);
		if (info != NULL && *info != '\0') {
			for (k = 0; info[k] != '\0' && info[k] != ' '; k++)
				continue;
			lang = xasprintf("language-%.*s", (int)k, info);
			tmplc_attr(w->out, "code", "class", lang);
			free(lang);
		}
		S_wtext(w, cmark_node_get_literal(n));
		S_wclose(w);
		S_wclose(w);
		break;
	default:
		break;	/* raw HTML is off: left out */
	}
}

/* S_tree, written into w->out. */
static void
S_write(struct wctx *w, cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	const char *name, *title;
	struct buf alt = { NULL, 0, 0 };
	char h[12];
	int depth = 0, start;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);

		if (n == root)
			continue;
		if (ev == CMARK_EVENT_EXIT) {
			if (w->n > 0) {
				if (w->n == 1 && w->exing == 1)
					w->exing = 2;
				S_wclose(w);
			}
			depth--;
			continue;
		}
		name = S_block_name(w->c, n, h);
		if (name == NULL) {
			S_wleaf(w, n);
			continue;
		}
		if (S_too_deep(w->c, n, ++depth))
			break;
		S_wopen(w, name);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_PARAGRAPH:
			if (w->n == 1 && w->exing == 0) {
				w->exing = 1;
				buf_puts(&w->ex, "");
			}
			break;
		case CMARK_NODE_LIST:
			start = cmark_node_get_list_start(n);
			if (strcmp(name, "ol") == 0 && start != 1) {
				snprintf(h, sizeof(h), "%d", start % 1000);
				tmplc_attr(w->out, name, "start", h);
			}
			break;
		case CMARK_NODE_LINK:
			S_wurl(w, n, "href", cmark_node_get_url(n));
			title = cmark_node_get_title(n);
			if (title != NULL && *title != '\0')
				tmplc_attr(w->out, name, "title", title);
			break;
		case CMARK_NODE_IMAGE:
			S_wurl(w, n, "src", cmark_node_get_url(n));
			alt.len = 0;
			buf_puts(&alt, "");
			S_plain(n, &alt);
			tmplc_attr(w->out, name, "alt", alt.data);
			title = cmark_node_get_title(n);
			if (title != NULL && *title != '\0')
				tmplc_attr(w->out, name, "title", title);
			/* The alt text replaces the children. */
			S_wclose(w);
			cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			depth--;
			continue;
		default:
			break;
		}
	}
	/* Stopped (too deep): what is open ends, as the tree would. */
	while (w->n > 0)
		S_wclose(w);
	buf_free(&alt);
	cmark_iter_free(it);
}

int
md_through_nodes(void)
{
	const char *e = getenv("RALLY_MARKDOWN");

	return e != NULL && strcmp(e, "tree") == 0;
}

struct val *
md_body(struct pool *pool, const char *text, size_t len, const char *file,
    int line_off, int raw_html, const char *base_path, struct buf *links,
    char **excerpt, int *ok)
{
	struct mdctx c;
	struct wctx w;
	struct buf out = { NULL, 0, 0 };
	struct val *v;
	xmlDocPtr holder;
	cmark_node *root;
	int min;

	if (raw_html || md_through_nodes()) {
		holder = xmlNewDoc(BAD_CAST "1.0");
		*ok = md_render(text, len, holder, file, line_off, raw_html,
		    base_path, links);
		v = md_markup(pool, holder, excerpt);
		xmlFreeDoc(holder);
		return v;
	}
	memset(&c, 0, sizeof(c));
	c.file = file;
	c.line_off = line_off;
	c.base_path = base_path != NULL ? base_path : "";
	root = S_arena_parse(text, len,
	    CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8);
	min = S_min_heading(root);
	c.shift = min < 2 ? 2 - min : 0;
	memset(&w, 0, sizeof(w));
	w.c = &c;
	w.out = &out;
	/* HTML is the Markdown and a quarter, about: grown once. */
	buf_grow(&out, len + len / 4 + 256);
	buf_puts(&out, "");
	S_write(&w, root);
	if (links != NULL)
		S_links(&c, root, links);
	cmark_node_free(root);
	S_arena.len = 0;
	*excerpt = w.exing > 0 ? S_excerpt_cut(&w.ex) : NULL;
	if (w.exing == 0)
		buf_free(&w.ex);
	v = val_new(pool, V_NODES, NULL);
	v->s = xrealloc(out.data, out.len + 1);
	v->len = out.len;
	v->cap = (uint32_t)w.nodes;
	*ok = !c.failed;
	return v;
}
