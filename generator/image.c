/*
 * image.c: pictures (SVG, PNG, JPEG) checked before their libraries
 * decode them, from bytes rally has read itself (files.c): librsvg and
 * gdk-pixbuf never open a file, so an SVG cannot pull in another one.
 *
 * An SVG's cost is not its size: a 1.5 KB file of nested <use>
 * elements expands to billions of elements in librsvg.  Its expanded
 * size is counted first, on libxml2's tree, and refused above a budget.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "rally.h"
#include "extern.h"
#include "print.h"

#define S_BUSY	((gsize)-1)	/* being counted: a reference cycle */

struct count {
	GHashTable	*ids;	/* id -> element */
	GHashTable	*memo;	/* element -> expanded size */
	const char	*err;	/* why the file is refused */
	int		 depth;	/* <use> references being followed */
};

static void
S_ids(GHashTable *ids, xmlNodePtr n)
{
	xmlChar *id;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if ((id = xmlGetProp(n, BAD_CAST "id")) != NULL) {
			if (g_hash_table_lookup(ids, id) == NULL)
				g_hash_table_insert(ids, id, n);
			else
				xmlFree(id);
		}
		S_ids(ids, n->children);
	}
}

/* The element a <use> (or anything with href="#id") points at. */
static xmlNodePtr
S_target(struct count *c, xmlNodePtr n)
{
	xmlChar *href = xmlGetProp(n, BAD_CAST "href");
	xmlNodePtr t = NULL;

	if (href == NULL)
		href = xmlGetNsProp(n, BAD_CAST "href",
		    BAD_CAST "http://www.w3.org/1999/xlink");
	if (href != NULL && href[0] == '#')
		t = g_hash_table_lookup(c->ids, href + 1);
	xmlFree(href);
	return t;
}

static gsize
S_add(gsize a, gsize b)
{
	return a + b > LIMIT_SVG_ELEMENTS ? LIMIT_SVG_ELEMENTS + 1 : a + b;
}

/* The number of elements n stands for once every <use> is expanded. */
static gsize
S_size(struct count *c, xmlNodePtr n)
{
	gpointer m;
	xmlNodePtr k, t;
	gsize sum = 1;

	if (c->err != NULL)
		return LIMIT_SVG_ELEMENTS + 1;
	if (g_hash_table_lookup_extended(c->memo, n, NULL, &m)) {
		if ((gsize)GPOINTER_TO_SIZE(m) == S_BUSY) {
			c->err = "a <use> element refers to an element "
			    "that contains it";
			return LIMIT_SVG_ELEMENTS + 1;
		}
		return GPOINTER_TO_SIZE(m);
	}
	g_hash_table_insert(c->memo, n, GSIZE_TO_POINTER(S_BUSY));
	for (k = n->children; k != NULL && sum <= LIMIT_SVG_ELEMENTS;
	    k = k->next)
		if (k->type == XML_ELEMENT_NODE)
			sum = S_add(sum, S_size(c, k));
	if (xmlStrcmp(n->name, BAD_CAST "use") == 0 &&
	    (t = S_target(c, n)) != NULL) {
		if (++c->depth > 64)
			c->err = "<use> elements nested more than 64 deep";
		else
			sum = S_add(sum, S_size(c, t));
		c->depth--;
	}
	g_hash_table_insert(c->memo, n, GSIZE_TO_POINTER(sum));
	return sum;
}

/*
 * Checks that data is an SVG librsvg can draw at a bounded cost.
 * Returns NULL, or why not (static text).
 */
static const char *
S_svg_check(const char *data, size_t len)
{
	struct count c;
	xmlDocPtr doc;
	gsize n;

	if (len == 0)
		return "the file is empty";
	doc = xmlReadMemory(data, (int)len, NULL, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL ||
	    xmlStrcmp(xmlDocGetRootElement(doc)->name, BAD_CAST "svg") != 0) {
		xmlFreeDoc(doc);
		return "not an SVG image (no <svg> element)";
	}
	memset(&c, 0, sizeof(c));
	c.ids = g_hash_table_new_full(g_str_hash, g_str_equal, xmlFree, NULL);
	c.memo = g_hash_table_new(NULL, NULL);
	S_ids(c.ids, xmlDocGetRootElement(doc));
	n = S_size(&c, xmlDocGetRootElement(doc));
	g_hash_table_destroy(c.ids);
	g_hash_table_destroy(c.memo);
	xmlFreeDoc(doc);
	if (c.err != NULL)
		return c.err;
	if (n > LIMIT_SVG_ELEMENTS)
		return "too complex: its <use> elements expand to more than "
		    G_STRINGIFY(LIMIT_SVG_ELEMENTS) " elements";
	return NULL;
}

/* What kind of picture data holds, by its first bytes. */
enum pic
image_kind(const char *data, size_t len)
{
	if (len >= 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0)
		return PIC_PNG;
	if (len >= 3 && memcmp(data, "\xff\xd8\xff", 3) == 0)
		return PIC_JPEG;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;	/* a byte order mark */
		len -= 3;
	}
	while (len > 0 && (*data == ' ' || *data == '\t' || *data == '\r' ||
	    *data == '\n')) {
		data++;
		len--;
	}
	return len > 0 && *data == '<' ? PIC_SVG : PIC_UNKNOWN;
}

/*
 * An SVG handle for data (g_object_unref), or NULL with *why set (an
 * owned message: g_free).
 */
RsvgHandle *
image_svg(const char *data, size_t len, char **why)
{
	const char *bad;
	GError *err = NULL;
	RsvgHandle *h;

	if ((bad = S_svg_check(data, len)) != NULL) {
		*why = g_strdup(bad);
		return NULL;
	}
	h = rsvg_handle_new_from_data((const guint8 *)data, len, &err);
	if (h == NULL) {
		*why = g_strdup_printf("not a usable SVG: %s", err != NULL ?
		    err->message : "unknown error");
		g_clear_error(&err);
	}
	return h;
}

struct dims {
	int	w, h;
};

static void
S_prepared(GdkPixbufLoader *l, int w, int h, gpointer arg)
{
	struct dims *d = arg;

	(void)l;
	d->w = w;
	d->h = h;
}

/*
 * A PNG or JPEG image of data (g_object_unref), or NULL with *why set
 * (owned, g_free).  Its size is read from the header and refused above
 * LIMIT_PIXELS before the pixels are decoded.
 */
GdkPixbuf *
image_raster(const char *data, size_t len, char **why)
{
	GdkPixbufLoader *l = gdk_pixbuf_loader_new();
	GdkPixbuf *pb = NULL;
	GError *err = NULL;
	struct dims d = { 0, 0 };
	size_t off, n;
	int ok = 1;

	/* A PNG says its size at a fixed place (IHDR, big-endian). */
	if (image_kind(data, len) == PIC_PNG && len >= 24) {
		const unsigned char *u = (const unsigned char *)data + 16;

		d.w = (int)((unsigned)u[0] << 24 | u[1] << 16 | u[2] << 8 |
		    u[3]) & 0x7fffffff;
		d.h = (int)((unsigned)u[4] << 24 | u[5] << 16 | u[6] << 8 |
		    u[7]) & 0x7fffffff;
	}
	if ((double)d.w * d.h <= LIMIT_PIXELS)
		g_signal_connect(l, "size-prepared", G_CALLBACK(S_prepared),
		    &d);
	/* In pieces, so the header is seen before the pixels. */
	for (off = 0; ok && off < len && (double)d.w * d.h <= LIMIT_PIXELS;
	    off += n) {
		n = len - off < 65536 ? len - off : 65536;
		ok = gdk_pixbuf_loader_write(l, (const guchar *)data + off, n,
		    &err);
		if (ok && (double)d.w * d.h > LIMIT_PIXELS)
			break;
	}
	if ((double)d.w * d.h > LIMIT_PIXELS) {
		*why = g_strdup_printf("%dx%d pixels is too many (limit %.0f "
		    "million)", d.w, d.h, LIMIT_PIXELS / 1e6);
		gdk_pixbuf_loader_close(l, NULL);
		g_object_unref(l);
		return NULL;
	}
	if (ok)
		ok = gdk_pixbuf_loader_close(l, &err);
	else
		gdk_pixbuf_loader_close(l, NULL);
	if (ok && (pb = gdk_pixbuf_loader_get_pixbuf(l)) != NULL &&
	    (double)gdk_pixbuf_get_width(pb) * gdk_pixbuf_get_height(pb) >
	    LIMIT_PIXELS) {
		*why = g_strdup_printf("%dx%d pixels is too many (limit %.0f "
		    "million)", gdk_pixbuf_get_width(pb),
		    gdk_pixbuf_get_height(pb), LIMIT_PIXELS / 1e6);
		pb = NULL;
	} else if (ok && pb != NULL)
		g_object_ref(pb);
	else
		*why = g_strdup_printf("not a usable PNG or JPEG image: %s",
		    err != NULL ? err->message : "unknown error");
	g_clear_error(&err);
	g_object_unref(l);
	return pb;
}

/*
 * Checks the picture data (an SVG, PNG or JPEG) as print would draw
 * it.  Returns NULL, or why not (owned: g_free).
 */
char *
image_check(const char *data, size_t len)
{
	char *why = NULL;
	RsvgHandle *h;
	GdkPixbuf *pb;

	if (image_kind(data, len) == PIC_UNKNOWN)
		return g_strdup(len == 0 ? "the file is empty" :
		    "not an SVG, PNG or JPEG image");
	if (image_kind(data, len) == PIC_SVG) {
		if ((h = image_svg(data, len, &why)) != NULL)
			g_object_unref(h);
	} else if ((pb = image_raster(data, len, &why)) != NULL)
		g_object_unref(pb);
	return why;
}
