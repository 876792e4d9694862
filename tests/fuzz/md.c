/*
 * Fuzz target: Markdown to DOM (md_render), with raw HTML off and on
 * (the first byte chooses).  Beyond not crashing, the result must be
 * safe whatever the input: no script or style element, no event
 * handler attribute, no javascript:, vbscript: or data: URL.
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
	free(text);
	return 0;
}
