/*
 * md.c: Markdown to libxml2 nodes, built from cmark's AST so that the
 * body is grafted into templates as a tree and never re-parsed.
 */
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

/* Builds the tree below parent from cmark's AST. */
static void
S_tree(struct mdctx *c, cmark_node *root, xmlNodePtr parent)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	xmlNodePtr cur = parent, e;
	const char *name, *url, *title;
	struct buf alt = { NULL, 0, 0 };
	struct pos p;
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
		if (++depth > LIMIT_NESTING) {
			S_pos(c, n, &p);
			diag_err(&p, "Markdown nested deeper than %d levels",
			    LIMIT_NESTING);
			c->failed = 1;
			break;
		}
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

/* First paragraph of the body, cut at a word near 155 characters. */
static char *
S_excerpt(xmlNodePtr n)
{
	struct buf b = { NULL, 0, 0 };
	xmlChar *c;
	size_t cut, i;

	for (; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(n->name, BAD_CAST "p") == 0)
			break;
	if (n == NULL)
		return NULL;
	c = xmlNodeGetContent(n);
	buf_puts(&b, (const char *)c);
	xmlFree(c);
	for (i = 0; i < b.len; i++)
		if (b.data[i] == '\n')
			b.data[i] = ' ';
	if (b.len > 160) {
		for (cut = 155; cut > 60 && b.data[cut] != ' '; cut--)
			continue;
		b.len = cut;
		b.data[b.len] = '\0';
		buf_puts(&b, "…");
	}
	return xrealloc(b.data, b.len + 1);
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
	v->cap = nodes;
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
	xmlNodePtr body;
	htmlDocPtr h;

	*first = NULL;
	if ((h = S_html_read(v->s, v->len, NULL, &body)) == NULL) {
		fprintf(stderr, "rally: out of memory\n");
		abort();
	}
	if (body != NULL)
		*first = body->children;
	return h;
}
