/*
 * Fuzz target: Markdown to DOM (md_render), with raw HTML off and on
 * (the first byte chooses).  Beyond not crashing, the result must be
 * safe whatever the input: no script or style element, no event
 * handler attribute, no javascript:, vbscript: or data: URL.  With raw
 * HTML off, the body written straight from cmark's tree (md_body) must
 * be the one written from the nodes (md_markup): the same bytes, node
 * count, excerpt and verdict.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rally.h"
#include "extern.h"
#include "fuzz.h"

static void
S_unsafe(const char *what, const xmlChar *name)
{
	fprintf(stdout, "md: unsafe output: %s %s\n", what, (const char *)name);
	abort();
}

/* Does the URL, as a browser reads it, run script? */
static int
S_scripty(const char *u)
{
	char n[16];
	size_t k = 0;

	/* Browsers drop controls and spaces: drop every one, to be sure. */
	for (; *u != '\0' && k + 1 < sizeof(n); u++)
		if ((unsigned char)*u > ' ')
			n[k++] = (char)(*u >= 'A' && *u <= 'Z' ? *u + 32 : *u);
	n[k] = '\0';
	return strncmp(n, "javascript:", 11) == 0 ||
	    strncmp(n, "vbscript:", 9) == 0 || strncmp(n, "data:", 5) == 0;
}

static const char *const S_never[] = {
	"script", "style", "iframe", "object", "embed", "applet", "frame",
	"frameset", "base", "meta", "link", "form", "svg", "math", NULL
};
static const char *const S_urls[] = {
	"href", "src", "cite", "action", "formaction", "srcset", "poster",
	"data", "background", "xlink:href", "ping", "longdesc", "lowsrc",
	"dynsrc", "codebase", "manifest", "icon", NULL
};

static int
S_in(const xmlChar *name, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (xmlStrcasecmp(name, BAD_CAST list[i]) == 0)
			return 1;
	return 0;
}

static void
S_check(xmlNodePtr n)
{
	xmlAttrPtr a;
	xmlChar *v;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (S_in(n->name, S_never))
			S_unsafe("element", n->name);
		for (a = n->properties; a != NULL; a = a->next) {
			if (xmlStrncasecmp(a->name, BAD_CAST "on", 2) == 0 ||
			    xmlStrcasecmp(a->name, BAD_CAST "style") == 0)
				S_unsafe("attribute", a->name);
			if (!S_in(a->name, S_urls))
				continue;
			v = xmlNodeGetContent((xmlNodePtr)a);
			if (v != NULL && S_scripty((const char *)v))
				S_unsafe("URL in", a->name);
			xmlFree(v);
		}
		S_check(n->children);
	}
}

static void
S_differ(const char *what)
{
	fprintf(stdout, "md: straight and through nodes differ: %s\n", what);
	abort();
}

/* md_body against md_render and md_markup, for text (raw HTML off). */
static void
S_two_ways(const char *text, size_t len)
{
	struct pool pool = { NULL };
	struct buf l1 = { NULL, 0, 0 }, l2 = { NULL, 0, 0 };
	char *e1 = NULL, *e2 = NULL;
	xmlDocPtr holder = xmlNewDoc(BAD_CAST "1.0");
	struct val *a, *b;
	int ok1, ok2;

	ok1 = md_render(text, len, holder, "content/fuzz.md", 3, 0, "/base",
	    &l1);
	a = md_markup(&pool, holder, &e1);
	b = md_body(&pool, text, len, "content/fuzz.md", 3, 0, "/base", &l2,
	    &e2, &ok2);
	if (ok1 != ok2)
		S_differ("verdict");
	if (a->len != b->len || memcmp(a->s, b->s, a->len) != 0)
		S_differ("HTML");
	if (a->cap != b->cap)
		S_differ("node count");
	if ((e1 == NULL) != (e2 == NULL) || (e1 != NULL &&
	    strcmp(e1, e2) != 0))
		S_differ("excerpt");
	if (l1.len != l2.len || (l1.len > 0 && memcmp(l1.data, l2.data,
	    l1.len) != 0))
		S_differ("links");
	free(e1);
	free(e2);
	buf_free(&l1);
	buf_free(&l2);
	pool_free(&pool);
	xmlFreeDoc(holder);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int init;
	struct buf links = { NULL, 0, 0 };
	xmlDocPtr holder;
	char *text;
	int raw;

	if (!init) {
		fuzz_quiet();
		init = 1;
	}
	if (len == 0)
		return 0;
	raw = data[0] & 1;
	text = xmalloc(len);
	memcpy(text, data + 1, len - 1);
	text[len - 1] = '\0';
	holder = xmlNewDoc(BAD_CAST "1.0");
	/* What is refused fails the build; what passes must be safe. */
	if (md_render(text, len - 1, holder, "content/fuzz.md", 3, raw,
	    "/base", &links))
		S_check(xmlDocGetRootElement(holder));
	buf_free(&links);
	xmlFreeDoc(holder);
	if (!raw)
		S_two_ways(text, len - 1);
	free(text);
	return 0;
}
