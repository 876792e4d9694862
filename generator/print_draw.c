/*
 * print_draw.c: drawing a page's frames: colours, boxes, rectangles, QR codes,
 * SVG and raster images, logos, crop marks.
 */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <librsvg/rsvg.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"
#include "print.h"

static int
draw_color(const char *s, double rgba[4])
{
	unsigned int r, g, b, a = 255;
	size_t n = s != NULL ? strlen(s) : 0;

	if (n != 7 && n != 9)
		return 0;
	if (s[0] != '#' || (n == 7 && sscanf(s + 1, "%2x%2x%2x", &r, &g,
	    &b) != 3) || (n == 9 && sscanf(s + 1, "%2x%2x%2x%2x", &r, &g, &b,
	    &a) != 4))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!g_ascii_isxdigit(s[i]))
			return 0;
	rgba[0] = r / 255.0;
	rgba[1] = g / 255.0;
	rgba[2] = b / 255.0;
	rgba[3] = a / 255.0;
	return 1;
}

/* The text of an attribute, evaluated (format strings and bindings). */
char *
draw_attr(struct rctx *c, xmlNodePtr f, const char *name)
{
	char *raw = lay_attr(f, name);
	struct buf b = { NULL, 0, 0 };
	const struct val *v;

	if (raw == NULL)
		return NULL;
	if (strchr(raw, '{') == NULL)
		return raw;	/* a literal: "#ffffff", "assets/x.svg" */
	v = tmpl_eval(raw, f, c->sh->lay->path, c->sc, c->pool, &c->failed);
	free(raw);
	buf_puts(&b, "");
	val_text(v, &b);
	return b.data;
}

int
draw_paint(struct rctx *c, xmlNodePtr f, const char *attr,
    const char *def)
{
	char *s = draw_attr(c, f, attr);
	double rgba[4];
	int ok;

	if (s == NULL && def == NULL)
		return 0;
	ok = draw_color(s != NULL ? s : def, rgba);
	if (!ok)
		lay_err(c->sh->lay, f, "%s '%s' is not a colour #rrggbb",
		    attr, s != NULL ? s : def);
	else
		cairo_set_source_rgba(c->cr, rgba[0], rgba[1], rgba[2],
		    rgba[3]);
	if (!ok)
		c->failed = 1;
	free(s);
	return ok;
}

/* A frame's box in points; frames touching an edge run into the bleed. */
void
draw_box(struct rctx *c, xmlNodePtr f, int bleed, double r[4])
{
	double x = lay_num(f, "x", 0) * c->W, y = lay_num(f, "y", 0) * c->H;
	double w = lay_num(f, "w", 1) * c->W, h = lay_num(f, "h", 1) * c->H;

	if (bleed) {
		if (x <= 0.01) {
			w += x + c->B;
			x = -c->B;
		}
		if (y <= 0.01) {
			h += y + c->B;
			y = -c->B;
		}
		if (x + w >= c->W - 0.01)
			w = c->W + c->B - x;
		if (y + h >= c->H - 0.01)
			h = c->H + c->B - y;
	}
	r[0] = x;
	r[1] = y;
	r[2] = w;
	r[3] = h;
}

int
draw_cond(struct rctx *c, xmlNodePtr f)
{
	char *raw = lay_attr(f, "if");
	const struct val *v;
	int ok;

	if (raw == NULL)
		return 1;
	v = tmpl_eval(raw, f, c->sh->lay->path, c->sc, c->pool, &c->failed);
	ok = val_truthy(v);
	free(raw);
	return ok;
}

static void
S_rect(struct rctx *c, xmlNodePtr f)
{
	double r[4];

	draw_box(c, f, 1, r);
	if (!draw_paint(c, f, "fill", "#000000"))
		return;
	cairo_rectangle(c->cr, r[0], r[1], r[2], r[3]);
	cairo_fill(c->cr);
}

static void
S_qr(struct rctx *c, xmlNodePtr f)
{
	char *data = draw_attr(c, f, "data");
	GHashTable *qrs;
	QRcode *q;
	double r[4], side, m, x0, y0;
	int x, y, run, n;

	draw_box(c, f, 0, r);
	if (data == NULL || *data == '\0') {
		lay_err(c->sh->lay, f, "qr needs data");
		c->failed = 1;
		free(data);
		return;
	}
	/* Encoded once a worker: the same address comes back on every
	   size of a sheet, its preview and its proof (choosing the mask
	   was a hundredth of the print batch). */
	qrs = c->sh->ps->qrs;
	if (qrs == NULL || (q = g_hash_table_lookup(qrs, data)) == NULL) {
		q = QRcode_encodeString(data, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
		if (q == NULL) {
			lay_err(c->sh->lay, f, "cannot encode the QR code");
			c->failed = 1;
			free(data);
			return;
		}
		if (qrs != NULL) {
			g_hash_table_insert(qrs, data, q);
			data = NULL;
		}
	}
	free(data);
	n = q->width;
	side = fmin(r[2], r[3]);
	m = side / (n + 8);	/* a quiet zone of four modules each side */
	x0 = r[0] + (r[2] - side) / 2;
	y0 = r[1] + (r[3] - side) / 2;
	if (!draw_paint(c, f, "light", "#ffffff"))
		goto out;
	cairo_rectangle(c->cr, x0, y0, side, side);
	cairo_fill(c->cr);
	if (!draw_paint(c, f, "dark", "#000000"))
		goto out;
	x0 += 4 * m;
	y0 += 4 * m;
	for (y = 0; y < n; y++)
		for (x = 0; x < n; x += run > 0 ? run : 1) {
			for (run = 0; x + run < n &&
			    (q->data[y * n + x + run] & 1); run++)
				continue;
			if (run > 0)
				cairo_rectangle(c->cr, x0 + x * m, y0 + y * m,
				    run * m, m);
		}
	cairo_fill(c->cr);
out:
	if (qrs == NULL)
		QRcode_free(q);
}

/* Fits a drawing of aspect a (w/h) in box r, placed by align/valign. */
static void
S_place(xmlNodePtr f, double a, const double r[4], double out[4])
{
	char *al = lay_attr(f, "align"), *va = lay_attr(f, "valign");
	double w = r[2], h = r[2] / a;

	if (h > r[3]) {
		h = r[3];
		w = h * a;
	}
	out[0] = r[0] + (r[2] - w) / 2;
	out[1] = r[1] + (r[3] - h) / 2;
	if (al != NULL && strcmp(al, "left") == 0)
		out[0] = r[0];
	else if (al != NULL && strcmp(al, "right") == 0)
		out[0] = r[0] + r[2] - w;
	if (va != NULL && strcmp(va, "top") == 0)
		out[1] = r[1];
	else if (va != NULL && strcmp(va, "bottom") == 0)
		out[1] = r[1] + r[3] - h;
	out[2] = w;
	out[3] = h;
	free(al);
	free(va);
}

/*
 * The bytes of the file a frame draws, into b: its src, evaluated,
 * read inside the campaign (or the user's own --logo file).  Returns
 * 0 when there is nothing to draw (after reporting, if it is an error).
 */
static int
S_src(struct rctx *c, xmlNodePtr f, char **shown, struct buf *b)
{
	struct pos p = { c->sh->lay->path, (int)xmlGetLineNo(f), 0 };
	char *src = draw_attr(c, f, "src");

	*shown = src;
	if (src == NULL || *src == '\0')
		return 0;	/* nothing bound: the frame is empty */
	if (c->sh->trusted != NULL && strcmp(src, c->sh->trusted) == 0) {
		if (file_read(src, b, &p))
			return 1;	/* the user's own file: rally flyer */
	} else if (root_read(c->sh->site, src, b, &p))
		return 1;
	c->failed = 1;
	return 0;
}

/*
 * The artwork in b, drawn in color (or NULL), parsed once a worker: the
 * same logos and icons come back on sheet after sheet (kept in the
 * print set's table, which each forked worker fills for itself).
 * Returns a reference (g_object_unref), or NULL with *why set (g_free).
 */
static RsvgHandle *
S_svg_handle(struct rctx *c, const struct buf *b, const char *color,
    char **why)
{
	GHashTable *svgs = c->sh->ps->svgs;
	GByteArray *k;
	GBytes *key;
	RsvgHandle *h;
	char *css;

	k = g_byte_array_sized_new((guint)b->len + 32);
	if (color != NULL)
		g_byte_array_append(k, (const guint8 *)color,
		    (guint)strlen(color));
	g_byte_array_append(k, (const guint8 *)"", 1);
	g_byte_array_append(k, (const guint8 *)b->data, (guint)b->len);
	key = g_byte_array_free_to_bytes(k);
	if (svgs != NULL && (h = g_hash_table_lookup(svgs, key)) != NULL) {
		g_bytes_unref(key);
		return g_object_ref(h);
	}
	if ((h = image_svg(b->data, b->len, why)) == NULL) {
		g_bytes_unref(key);
		return NULL;
	}
	if (color != NULL) {
		/* Icons drawn in currentColor take the frame's colour. */
		css = xasprintf("svg { color: %s; }", color);
		rsvg_handle_set_stylesheet(h, (const guint8 *)css, strlen(css),
		    NULL);
		free(css);
	}
	if (svgs != NULL)
		g_hash_table_insert(svgs, key, g_object_ref(h));
	else
		g_bytes_unref(key);
	return h;
}

static void
S_svg(struct rctx *c, xmlNodePtr f, const char *shown, const struct buf *b)
{
	char *color, *why = NULL;
	RsvgHandle *h;
	RsvgRectangle vp, vb;
	RsvgLength lw, lh;
	gboolean hw, hh, hv;
	GError *err = NULL;
	double r[4], o[4], a = 1;

	color = draw_attr(c, f, "color");
	h = S_svg_handle(c, b, color, &why);
	free(color);
	if (h == NULL) {
		lay_err(c->sh->lay, f, "%s: %s", shown, why);
		c->failed = 1;
		g_free(why);
		return;
	}
	rsvg_handle_get_intrinsic_dimensions(h, &hw, &lw, &hh, &lh, &hv, &vb);
	if (hv && vb.width > 0 && vb.height > 0)
		a = vb.width / vb.height;
	else if (hw && hh && lw.length > 0 && lh.length > 0)
		a = lw.length / lh.length;
	draw_box(c, f, 0, r);
	S_place(f, a, r, o);
	vp.x = o[0];
	vp.y = o[1];
	vp.width = o[2];
	vp.height = o[3];
	if (!rsvg_handle_render_document(h, c->cr, &vp, &err)) {
		lay_err(c->sh->lay, f, "%s: cannot draw: %s", shown,
		    err != NULL ? err->message : "unknown error");
		c->failed = 1;
		g_clear_error(&err);
	}
	g_object_unref(h);
}

/*
 * A raster picture too coarse for this size (w pixels over width
 * points): one warning per picture and layout, the same from every
 * size (so printed once), at the content line that names the picture
 * when there is one: its worst size, and how wide it should be.
 */
static void
S_low_dpi(struct rctx *c, xmlNodePtr f, const char *shown, int w,
    double width)
{
	const struct layout *l = c->sh->lay;
	struct pos p = { l->path, (int)xmlGetLineNo(f), 0 };
	const struct lsize *worst = c->sh->size;
	const struct val *v;
	char *raw = lay_attr(f, "src"), *inner;
	double most = 0, scaled;
	size_t i;
	int failed = 0;

	/* The frame grows with the trim's width from size to size. */
	for (i = 0; i < l->nsizes; i++) {
		scaled = width * l->sizes[i].w / c->sh->size->w;
		if (scaled > most) {
			most = scaled;
			worst = &l->sizes[i];
		}
	}
	if (raw != NULL && raw[0] == '{' && strchr(raw, '}') ==
	    raw + strlen(raw) - 1) {
		inner = xstrndup(raw + 1, strlen(raw) - 2);
		v = tmpl_eval(inner, f, l->path, c->sc, c->pool, &failed);
		if (v != NULL && v->pos.file != NULL &&
		    strncmp(v->pos.file, "content/", 8) == 0)
			p = v->pos;
		free(inner);
	}
	free(raw);
	diag_warn(&p, "%s is %d px wide: on the %s layout it prints at %.0f "
	    "dpi at %s, below the %.0f dpi it needs; one at least %.0f px "
	    "wide is sharp at every size", shown, w, l->name, w / (most /
	    72.0), worst->name, l->dpi, ceil(most / 72.0 * l->dpi / 50) * 50);
}

static void
S_raster(struct rctx *c, xmlNodePtr f, const char *shown, const struct buf *b)
{
	GdkPixbuf *pb;
	cairo_surface_t *s;
	double r[4], o[4], dpi;
	int w, h, x, y, ch, stride;
	const guchar *px;
	unsigned char *dst;
	char *why = NULL;

	if ((pb = image_raster(b->data, b->len, &why)) == NULL) {
		lay_err(c->sh->lay, f, "%s: %s", shown, why);
		c->failed = 1;
		g_free(why);
		return;
	}
	w = gdk_pixbuf_get_width(pb);
	h = gdk_pixbuf_get_height(pb);
	draw_box(c, f, 0, r);
	S_place(f, (double)w / h, r, o);
	dpi = w / (o[2] / 72.0);
	if (!c->preview && dpi < c->sh->lay->dpi)
		S_low_dpi(c, f, shown, w, o[2]);
	/* gdk-pixbuf's RGB(A) into cairo's premultiplied ARGB32. */
	s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	ch = gdk_pixbuf_get_n_channels(pb);
	px = gdk_pixbuf_read_pixels(pb);
	stride = gdk_pixbuf_get_rowstride(pb);
	dst = cairo_image_surface_get_data(s);
	for (y = 0; y < h; y++) {
		uint32_t *row = (uint32_t *)(dst + y *
		    cairo_image_surface_get_stride(s));

		for (x = 0; x < w; x++) {
			const guchar *q = px + y * stride + x * ch;
			unsigned a = ch == 4 ? q[3] : 255;

			row[x] = (a << 24) | ((q[0] * a / 255) << 16) |
			    ((q[1] * a / 255) << 8) | (q[2] * a / 255);
		}
	}
	cairo_surface_mark_dirty(s);
	cairo_save(c->cr);
	cairo_translate(c->cr, o[0], o[1]);
	cairo_scale(c->cr, o[2] / w, o[3] / h);
	cairo_set_source_surface(c->cr, s, 0, 0);
	cairo_paint(c->cr);
	cairo_restore(c->cr);
	cairo_surface_destroy(s);
	g_object_unref(pb);
}

/*
 * A picture frame (<svg>, <image>, <logo>): SVG through librsvg, PNG
 * and JPEG through gdk-pixbuf, whichever the file is, whatever the
 * frame is called (a campaign's logo may be a PNG).
 */
static void
S_picture(struct rctx *c, xmlNodePtr f)
{
	struct buf b = { NULL, 0, 0 };
	enum pic k;
	char *shown;
	size_t n;

	if (S_src(c, f, &shown, &b)) {
		/* Unknown bytes: the name says what they were meant to be. */
		if ((k = image_kind(b.data, b.len)) == PIC_UNKNOWN)
			k = (n = strlen(shown)) > 4 && (strcasecmp(shown +
			    n - 4, ".svg") == 0 || strcasecmp(shown + n - 5,
			    ".svgz") == 0) ? PIC_SVG : PIC_PNG;
		if (k == PIC_SVG)
			S_svg(c, f, shown, &b);
		else
			S_raster(c, f, shown, &b);
	}
	buf_free(&b);
	free(shown);
}

void
draw_marks(struct rctx *c)
{
	double B = c->B, L = 6 * MM, g = 2 * MM, x, y;
	int i, j;

	cairo_save(c->cr);
	cairo_set_source_rgb(c->cr, 0, 0, 0);
	cairo_set_line_width(c->cr, 0.25);
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++) {
			x = i ? c->W : 0;
			y = j ? c->H : 0;
			/* Outside the bleed, in line with the trim. */
			cairo_move_to(c->cr, i ? x + B + g : x - B - g, y);
			cairo_line_to(c->cr, i ? x + B + g + L : x - B - g - L,
			    y);
			cairo_move_to(c->cr, x, j ? y + B + g : y - B - g);
			cairo_line_to(c->cr, x, j ? y + B + g + L :
			    y - B - g - L);
		}
	cairo_stroke(c->cr);
	cairo_restore(c->cr);
}

void
draw_page(struct rctx *c, xmlNodePtr page)
{
	xmlNodePtr f;

	for (f = page->children; f != NULL && !c->failed; f = f->next) {
		if (f->type != XML_ELEMENT_NODE || !draw_cond(c, f))
			continue;
		cairo_save(c->cr);
		if (lay_is(f, "rect"))
			S_rect(c, f);
		else if (lay_is(f, "text"))
			text_frame(c, f);
		else if (lay_is(f, "svg") || lay_is(f, "image") ||
		    lay_is(f, "logo"))
			S_picture(c, f);
		else if (lay_is(f, "qr"))
			S_qr(c, f);
		cairo_restore(c->cr);
	}
	/* Sizes are remembered per page (no-larger-than=). */
	while (c->nset > 0)
		free(c->setid[--c->nset]);
}
