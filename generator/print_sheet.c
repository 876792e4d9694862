/*
 * print_sheet.c: one sheet: its bindings, the PDF, its PNG preview and
 * thumbnails; and rally flyer's one sheet outside a build.
 */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <libdeflate.h>
#include <png.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"
#include "print.h"

cairo_status_t
sheet_write(void *arg, const unsigned char *data, unsigned int len)
{
	buf_put(arg, (const char *)data, len);
	return CAIRO_STATUS_SUCCESS;
}

static void
S_png_write(png_structp png, png_bytep data, size_t len)
{
	buf_put(png_get_io_ptr(png), (const char *)data, len);
}

static void
S_png_flush(png_structp png)
{
	(void)png;
}

/*
 * Writes an RGB24 or ARGB32 cairo surface as PNG into b.  cairo's own
 * writer compresses hard; previews and social images do not need it.
 * No row filter: sheets are flat colour and type, where deflate alone
 * was a fifth faster and a fifth smaller than with the SUB filter (og
 * card 5.9 against 7.2 ms, 53 against 66 KB; story, proof sheet
 * alike).  The rows are deflated whole by libdeflate at its fastest
 * level, not row by row by libpng's zlib at 3: a story image 13.2 to
 * 10.0 ms and 146 to 128 KB, an og card 5.5 to 3.8 ms and 53 to 47 KB
 * (a proof sheet 14.5 to 12.5 ms, 5 % larger), with its SIMD Adler-32;
 * libpng still writes the header, the chunks and their CRCs, the rows
 * as one IDAT chunk.
 */
void
sheet_png(cairo_surface_t *s, struct buf *b)
{
	int w = cairo_image_surface_get_width(s);
	int h = cairo_image_surface_get_height(s);
	int stride = cairo_image_surface_get_stride(s), x, y;
	int alpha = cairo_image_surface_get_format(s) == CAIRO_FORMAT_ARGB32;
	size_t row = 1 + (size_t)w * (alpha ? 4 : 3), rawlen, zcap, zlen;
	struct libdeflate_compressor *z;
	const unsigned char *src;
	unsigned char *raw, *zd;
	png_structp png;
	png_infop info;

	cairo_surface_flush(s);
	src = cairo_image_surface_get_data(s);
	rawlen = row * (size_t)h;
	raw = xmalloc(rawlen);
	for (y = 0; y < h; y++) {
		const uint32_t *p = (const uint32_t *)(src + (size_t)y * stride);
		unsigned char *o = raw + row * (size_t)y;

		*o++ = 0;	/* filter: none */
		for (x = 0; x < w; x++) {
			uint32_t v = p[x];
			unsigned a = alpha ? v >> 24 : 255;
			unsigned r = (v >> 16) & 255, g = (v >> 8) & 255;
			unsigned bl = v & 255;

			/* cairo premultiplies alpha; PNG does not. */
			if (alpha && a != 0 && a != 255) {
				r = r * 255 / a;
				g = g * 255 / a;
				bl = bl * 255 / a;
			}
			*o++ = (unsigned char)r;
			*o++ = (unsigned char)g;
			*o++ = (unsigned char)bl;
			if (alpha)
				*o++ = (unsigned char)a;
		}
	}
	if ((z = libdeflate_alloc_compressor(1)) == NULL) {
		fputs("rally: out of memory\n", stderr);
		abort();
	}
	zcap = libdeflate_zlib_compress_bound(z, rawlen);
	zd = xmalloc(zcap);
	zlen = libdeflate_zlib_compress(z, raw, rawlen, zd, zcap);
	libdeflate_free_compressor(z);
	free(raw);
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(png);
	if (png == NULL || info == NULL || zlen == 0 ||
	    setjmp(png_jmpbuf(png))) {
		fputs("rally: libpng failed\n", stderr);
		abort();
	}
	png_set_write_fn(png, b, S_png_write, S_png_flush);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
	    alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	    PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	png_write_chunk(png, (png_const_bytep)"IDAT", zd, zlen);
	png_write_chunk(png, (png_const_bytep)"IEND", NULL, 0);
	png_destroy_write_struct(&png, &info);
	free(zd);
}

/*
 * The area's messages other than the sheet's: a flyer's back says what
 * its front does not.
 */
static struct val *
S_others(const struct sheet *sh, struct pool *pool)
{
	const struct val *all = sh->area != NULL ? map_get(sh->area,
	    "messages") : NULL;
	struct val *l = val_new(pool, V_LIST, NULL);
	size_t i;

	for (i = 0; all != NULL && all->type == V_LIST && i < all->len; i++)
		if (all->items[i] != sh->message)
			list_push(l, all->items[i]);
	return l;
}

void
sheet_scope(const struct sheet *sh, struct site *site,
    struct scope sc[NSCOPE], struct pool *pool)
{
	struct val *sz = val_new(pool, V_MAP, NULL);
	int i = 0;

	map_set_str(pool, sz, "name", sh->size->name);
	/* A 5:1 banner is composed otherwise than a 3:1 one. */
	if (sh->size->w >= 4 * sh->size->h)
		map_set_str(pool, sz, "wide", "wide");
	sc[i].name = "site";
	sc[i].v = site->v;
	sc[i].up = NULL;
	i++;
	/* Absent values are bound as null, so layouts can test them. */
#define S_BIND(n, val) do { sc[i].name = (n); sc[i].v = (val) != NULL ? \
	(val) : val_new(pool, V_NULL, NULL); sc[i].up = &sc[i - 1]; i++; \
	} while (0)
	S_BIND("area", sh->area);
	S_BIND("message", sh->message);
	S_BIND("size", sz);
	S_BIND("org", sh->org);
	S_BIND("event", sh->event);
	S_BIND("page", sh->page);
	S_BIND("layout", val_str(pool, sh->lay->title, NULL));
	S_BIND("others", S_others(sh, pool));
#undef S_BIND
	/* The innermost binding is the scope's head. */
	sc[NSCOPE - 1] = sc[i - 1];
}

/* A small copy of an image for screens, SOCIAL_THUMB wide, as PNG. */
static void
S_thumb_png(cairo_surface_t *big, struct buf *b)
{
	int w = cairo_image_surface_get_width(big);
	int h = cairo_image_surface_get_height(big);
	double k = (double)SOCIAL_THUMB / w;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
	    SOCIAL_THUMB, (int)lround(h * k));
	cairo_t *cr = cairo_create(s);

	cairo_scale(cr, k, k);
	cairo_set_source_surface(cr, big, 0, 0);
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
	cairo_paint(cr);
	cairo_destroy(cr);
	sheet_png(s, b);
	cairo_surface_destroy(s);
}

/*
 * A product's preview, in pixels: its pages side by side, PREVIEW_PX
 * high (portrait) or each PREVIEW_PX * 1.5 wide (landscape), small
 * enough for a page of many cards.
 */
void
sheet_preview_size(const struct sheet *sh, double *w, double *h)
{
	double W = sh->size->w, H = sh->size->h;
	double k = W >= H ? PREVIEW_PX * 1.5 / W : PREVIEW_PX / H;
	int n = sh->lay->npages;

	*h = lround(H * k);
	*w = n * lround(W * k) + (n - 1) * PREVIEW_GAP;
}

/* The build's date as the PDF's creation and modification dates. */
static void
S_pdf_dates(cairo_surface_t *s, const struct site *site)
{
	char date[32];
	struct tm tm;

	gmtime_r(&site->now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE,
	    date);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
}

/* A metadata field of s, without soft hyphens (buf_unshy). */
static void
S_meta(cairo_surface_t *s, cairo_pdf_metadata_t k, const char *text)
{
	struct buf b = { NULL, 0, 0 };

	if (text == NULL) {
		cairo_pdf_surface_set_metadata(s, k, text);
		return;
	}
	buf_puts(&b, text);
	buf_unshy(&b);
	cairo_pdf_surface_set_metadata(s, k, b.data);
	buf_free(&b);
}

/*
 * A PDF of w x h points written into out, for rally's own documents
 * (the logo kit, proofs, the timeline): title, creator, the build's
 * date.  The caller destroys it.
 */
cairo_surface_t *
sheet_pdf_own(const struct site *site, struct buf *out, double w, double h,
    const char *title)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sheet_write,
	    out, w, h);

	S_meta(s, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
	    "rally " RALLY_VERSION);
	S_pdf_dates(s, site);
	return s;
}

/*
 * The PDF's document information for sheet sh: title (layout, headline,
 * size), subject (area), author (organisation or campaign), creator and
 * the build's date.
 */
void
sheet_metadata(cairo_surface_t *s, const struct sheet *sh,
    const struct site *site)
{
	char *title;

	title = xasprintf("%s: %s (%s)", sh->lay->title,
	    map_str(sh->message, "headline") ? map_str(sh->message,
	    "headline") : map_str(sh->area, "headline"), sh->size->name);
	S_meta(s, CAIRO_PDF_METADATA_TITLE, title);
	free(title);
	S_meta(s, CAIRO_PDF_METADATA_SUBJECT, map_str(sh->area, "title"));
	S_meta(s, CAIRO_PDF_METADATA_AUTHOR,
	    sh->org != NULL ? map_str(sh->org, "name") :
	    map_str(site->v, "title"));
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
	    "rally " RALLY_VERSION);
	S_pdf_dates(s, site);
}

/*
 * The slug line, below the bleed, clear of the crop marks: which file
 * and page this is, when it was made, its size and bleed, and what it
 * is in colour, for the print shop to check a plate against.  No word
 * in it, so it needs no translation.
 */
static void
S_slug(struct rctx *c, const struct job *j, int page, double mz)
{
	const struct sheet *sh = c->sh;
	const char *file = strrchr(j->out, '/') ? strrchr(j->out, '/') + 1 :
	    j->out;
	cairo_text_extents_t te;
	char date[16], *s;
	double room = c->W - 6 * MM, size = 6;
	struct tm tm;

	gmtime_r(&sh->site->now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	s = xasprintf("%s  \u00b7  %d/%d  \u00b7  %s  \u00b7  %s  %g \u00d7 %g mm"
	    " + %g mm  \u00b7  %s%s  \u00b7  %s", file, page + 1,
	    sh->lay->npages, date, sh->size->name, sh->size->w, sh->size->h,
	    sh->lay->bleed, sh->lay->pdfx ? "PDF/X-4 " : "RGB",
	    sh->lay->pdfx ? pdfx_condition(sh->ps->cmyk) : "",
	    map_str(sh->site->v, "title"));
	cairo_save(c->cr);
	cairo_select_font_face(c->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
	    CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(c->cr, size);
	cairo_text_extents(c->cr, s, &te);
	if (te.x_advance > room)
		cairo_set_font_size(c->cr, fmax(3, size * room /
		    te.x_advance));
	cairo_set_source_rgb(c->cr, 0, 0, 0);
	cairo_move_to(c->cr, mz + c->B + 3 * MM, 2 * mz + 2 * c->B + c->H -
	    mz / 2 + 2);
	cairo_show_text(c->cr, s);
	cairo_restore(c->cr);
	free(s);
}

/*
 * Renders a sheet: out[0] gets the print-ready PDF, out[1] a PNG
 * preview of the front.  Returns 1, or 0 after reporting.
 */
int
print_sheet(const struct job *j, struct site *site, struct buf *out)
{
	const struct sheet *sh = j->arg;
	const struct layout *l = sh->lay;
	struct pool pool = { NULL };
	struct scope sc[NSCOPE];
	struct rctx c;
	cairo_surface_t *s;
	double mz = sh->marks || l->slug ? MARK_ZONE : 0, pw, ph, trim[4];
	double bleed[4];
	double scale;
	int i;

	memset(&c, 0, sizeof(c));
	c.sh = sh;
	c.pool = &pool;
	sheet_scope(sh, site, sc, &pool);
	c.sc = &sc[NSCOPE - 1];
	c.W = l->png ? sh->size->w : sh->size->w * MM;
	c.H = l->png ? sh->size->h : sh->size->h * MM;
	c.B = l->bleed * MM;
	pw = c.W + 2 * (c.B + mz);
	ph = c.H + 2 * (c.B + mz);
	if (l->png) {
		/* An image for screens, exactly W x H pixels. */
		s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
		    (int)sh->size->w, (int)sh->size->h);
		c.cr = cairo_create(s);
		c.preview = 1;
		cairo_set_source_rgb(c.cr, 1, 1, 1);
		cairo_paint(c.cr);
		draw_page(&c, l->pages[0]);
		cairo_destroy(c.cr);
		if (!c.failed)
			sheet_png(s, &out[0]);
		if (!c.failed && j->out2 != NULL)
			S_thumb_png(s, &out[1]);
		cairo_surface_destroy(s);
		pool_free(&pool);
		return !c.failed;
	}

	s = cairo_pdf_surface_create_for_stream(sheet_write, &out[0], pw, ph);
	sheet_metadata(s, sh, site);
	c.cr = cairo_create(s);
	for (i = 0; i < l->npages && !c.failed; i++) {
		cairo_save(c.cr);
		cairo_translate(c.cr, mz + c.B, mz + c.B);
		draw_page(&c, l->pages[i]);
		if (sh->marks)
			draw_marks(&c);
		cairo_restore(c.cr);
		if (l->slug)
			S_slug(&c, j, i, mz);
		cairo_show_page(c.cr);
	}
	cairo_destroy(c.cr);
	cairo_surface_finish(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS && !c.failed) {
		struct pos p = { l->path, 0, 0 };

		diag_err(&p, "cairo: %s", cairo_status_to_string(
		    cairo_surface_status(s)));
		c.failed = 1;
	}
	cairo_surface_destroy(s);
	if (c.failed) {
		pool_free(&pool);
		return 0;
	}
	/* PDF boxes, bottom-up in points. */
	trim[0] = mz + c.B;
	trim[1] = mz + c.B;
	trim[2] = mz + c.B + c.W;
	trim[3] = mz + c.B + c.H;
	bleed[0] = mz;
	bleed[1] = mz;
	bleed[2] = pw - mz;
	bleed[3] = ph - mz;
	if (!pdf_set_boxes(&out[0], trim, bleed, j->out, l->pdfx ?
	    sh->ps->cmyk : NULL)) {
		pool_free(&pool);
		return 0;
	}

	/* The preview: the front's trim box (rally flyer needs none). */
	if (j->out2 == NULL) {
		pool_free(&pool);
		return 1;
	}
	sheet_preview_size(sh, &pw, &ph);
	scale = lround(ph) / c.H;
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)lround(pw),
	    (int)lround(ph));
	c.cr = cairo_create(s);
	c.preview = 1;
	cairo_set_source_rgb(c.cr, 0.85, 0.85, 0.85);	/* between pages */
	cairo_paint(c.cr);
	for (i = 0; i < l->npages && !c.failed; i++) {
		cairo_save(c.cr);
		cairo_translate(c.cr, i * (c.W * scale + PREVIEW_GAP), 0);
		cairo_scale(c.cr, scale, scale);
		cairo_rectangle(c.cr, 0, 0, c.W, c.H);
		cairo_clip_preserve(c.cr);	/* the bleed stays out */
		cairo_set_source_rgb(c.cr, 1, 1, 1);
		cairo_fill(c.cr);
		draw_page(&c, l->pages[i]);
		cairo_restore(c.cr);
	}
	cairo_destroy(c.cr);
	sheet_png(s, &out[1]);
	cairo_surface_destroy(s);
	pool_free(&pool);
	return !c.failed;
}

/*
 * One sheet outside a build (rally flyer): layout name for org, area,
 * message (1-based) and event, at size (NULL: the layout's first).  out[0] gets the PDF, out[1]
 * the preview.  trusted names a logo file given on the command line.
 * Returns 0 on success, 1 for a content error, 2 for a bad argument
 * (reported).
 */
int
print_one(struct site *site, const struct print_set *ps, const char *name,
    struct val *org, struct val *area, int msgno, struct val *event,
    const char *size, const char *trusted, int marks, struct buf out[2])
{
	const struct layout *l = NULL;
	struct lsize sz;
	struct sheet sh;
	struct job j;
	struct val *msgs = map_get(area, "messages");
	size_t i;
	int ok;

	for (i = 0; ps != NULL && i < ps->len; i++)
		if (strcmp(ps->v[i].name, name) == 0)
			l = &ps->v[i];
	if (l == NULL) {
		fprintf(stderr, "rally: no print layout '%s' "
		    "(layouts/print/%s.xml)\n", name, name);
		return 2;
	}
	if (size == NULL && l->nsizes > 0)	/* the layout's first */
		size = l->sizes[0].name;
	if (size == NULL || !lay_size(size, &sz)) {
		fprintf(stderr, "rally: bad size '%s': use A0 to A6 or WxH "
		    "in mm or cm, such as 50x70cm\n", size);
		return 2;
	}
	/* The sizes its designer set it for, and no other. */
	for (i = 0; i < l->nsizes; i++)
		if (strcmp(l->sizes[i].slug, sz.slug) == 0)
			break;
	if (i == l->nsizes) {
		fprintf(stderr, "rally: layout %s comes in ", l->name);
		for (i = 0; i < l->nsizes; i++)
			fprintf(stderr, "%s%s", i > 0 ? ", " : "",
			    l->sizes[i].name);
		fprintf(stderr, ", not %s\n", sz.name);
		free(sz.name);
		free(sz.slug);
		return 2;
	}
	if (msgno < 1 || (size_t)msgno > msgs->len) {
		fprintf(stderr, "rally: area '%s' has messages 1 to %zu, not "
		    "%d\n", map_str(area, "slug"), msgs->len, msgno);
		free(sz.name);
		free(sz.slug);
		return 2;
	}
	memset(&sh, 0, sizeof(sh));
	sh.lay = l;
	sh.size = &sz;
	sh.area = area;
	sh.message = msgs->items[msgno - 1];
	sh.msgno = msgno;
	sh.org = org;
	sh.event = event;
	sh.ps = ps;
	sh.site = site;
	sh.marks = marks || l->marks;
	sh.trusted = trusted;
	memset(&j, 0, sizeof(j));
	j.out = (char *)"flyer.pdf";
	j.arg = &sh;
	ok = print_sheet(&j, site, out);
	free(sz.name);
	free(sz.slug);
	return ok ? 0 : 1;
}
