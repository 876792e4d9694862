/*
 * print_kit.c: the logo kit (the site's logo in each area's colour) and the
 * organisations' proof sheets.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <librsvg/rsvg.h>
#include <pango/pangocairo.h>
#include <png.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"
#include "print.h"

/*
 * A job of the kit or the proofs, in a worker process: made from the
 * print layouts and assets, the areas, organisations and events.
 */
static struct job *
S_job(struct jobs *js, const char *out, job_fn fn, void *arg)
{
	struct job *j = plan_add(js, out, fn, NULL, NULL, arg);

	j->proc = 1;
	plan_in(j, IN_PRINT, 0, NULL);
	plan_in(j, IN_KIND, K_AREA, NULL);
	plan_in(j, IN_KIND, K_ORG, NULL);
	plan_in(j, IN_KIND, K_EVENT, NULL);
	return j;
}

/* The logo kit: the site's logo in each area's colour. */

static int
S_kit_draw(struct site *site, const struct kit *k, cairo_t *cr, double side,
    const char *shown)
{
	const char *logo = map_str(site->v, "logo");
	struct buf b = { NULL, 0, 0 };
	struct pos p = { shown, 0, 0 };
	RsvgRectangle vp = { 0, 0, side, side };
	GError *err = NULL;
	RsvgHandle *h = NULL;
	char *why = NULL, *css;
	int ok = 0;

	/* load.c checked it: this fails only if it changed since. */
	if (logo == NULL || !root_read(site, logo, &b, &p) ||
	    (h = image_svg(b.data, b.len, &why)) == NULL) {
		if (why != NULL)
			diag_err(&p, "the site's logo %s: %s", logo, why);
		g_free(why);
		buf_free(&b);
		return 0;
	}
	buf_free(&b);
	if (k->color != NULL) {
		css = xasprintf("svg { color: %s; }", k->color);
		rsvg_handle_set_stylesheet(h, (const guint8 *)css, strlen(css),
		    NULL);
		free(css);
	}
	if (rsvg_handle_render_document(h, cr, &vp, &err))
		ok = 1;
	else
		diag_err(&p, "cannot draw the logo: %s", err->message);
	g_clear_error(&err);
	g_object_unref(h);
	return ok;
}

/*
 * cairo names SVG surfaces from a counter of the whole process, so the
 * same logo would come out as "surface6" or "surface7": renumber them
 * from 1 for byte-identical output.
 */
static void
S_svg_ids(struct buf *b)
{
	struct buf o = { NULL, 0, 0 };
	const char *p = b->data, *q;
	long base = -1, n;
	char *end;

	for (q = p; (q = strstr(q, "surface")) != NULL; q += 7) {
		n = strtol(q + 7, &end, 10);
		if (end != q + 7 && (base < 0 || n < base))
			base = n;
	}
	if (base < 0)
		return;
	while ((q = strstr(p, "surface")) != NULL) {
		buf_put(&o, p, (size_t)(q - p) + 7);
		n = strtol(q + 7, &end, 10);
		if (end != q + 7)
			buf_printf(&o, "%ld", n - base + 1);
		p = end;
	}
	buf_puts(&o, p);
	buf_free(b);
	*b = o;
}

/* out[0]: SVG and out[1]: PNG, or out[0]: PDF. */
static int
S_kit(const struct job *j, struct site *site, struct buf *out)
{
	const struct kit *k = j->arg;
	cairo_surface_t *s;
	cairo_t *cr;
	int ok;

	if (k->pdf) {
		s = sheet_pdf_own(site, &out[0], 100 * MM, 100 * MM,
		    map_str(site->v, "title"));
		cr = cairo_create(s);
		ok = S_kit_draw(site, k, cr, 100 * MM, j->out);
		cairo_destroy(cr);
		cairo_surface_destroy(s);
		return ok;
	}
	s = cairo_svg_surface_create_for_stream(sheet_write, &out[0], 1000,
	    1000);
	cr = cairo_create(s);
	ok = S_kit_draw(site, k, cr, 1000, j->out);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	S_svg_ids(&out[0]);
	s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1000, 1000);
	cr = cairo_create(s);
	ok = ok && S_kit_draw(site, k, cr, 1000, j->out);
	cairo_destroy(cr);
	sheet_png(s, &out[1]);
	cairo_surface_destroy(s);
	return ok;
}

static void
S_kit_job(struct site *site, struct print_set *ps, struct jobs *js,
    struct val *kit, const char *slug, const char *title, const char *color)
{
	struct val *it = val_new(&site->pool, V_MAP, NULL);
	struct job *j;
	char *out;

	ps->kits[ps->nkits].color = color;
	ps->kits[ps->nkits].pdf = 0;
	out = xasprintf("logo/%s.svg", slug);
	j = S_job(js, out, S_kit, &ps->kits[ps->nkits++]);
	j->out2 = xasprintf("logo/%s.png", slug);
	free(out);
	ps->kits[ps->nkits].color = color;
	ps->kits[ps->nkits].pdf = 1;
	out = xasprintf("logo/%s.pdf", slug);
	j = S_job(js, out, S_kit, &ps->kits[ps->nkits++]);
	free(out);
	map_set_str(&site->pool, it, "title", title);
	if (color != NULL)
		map_set_str(&site->pool, it, "color", color);
	map_set(it, "svg_url", val_strn(&site->pool, xasprintf(
	    "%s/logo/%s.svg", site->base_path, slug), NULL));
	map_set(it, "png_url", val_strn(&site->pool, xasprintf(
	    "%s/logo/%s.png", site->base_path, slug), NULL));
	map_set(it, "pdf_url", val_strn(&site->pool, xasprintf(
	    "%s/logo/%s.pdf", site->base_path, slug), NULL));
	list_push(kit, it);
}

/*
 * Plans the logo kit (site.logo_kit): the logo as drawn, and in each
 * area's colour, as SVG, PNG and PDF.
 */
void
print_plan_kit(struct site *site, struct print_set *ps, struct jobs *js)
{
	struct val *areas = map_get(site->v, "areas"), *kit;
	const char *logo = map_str(site->v, "logo");
	size_t a, n = areas != NULL ? areas->len : 0;

	if (logo == NULL || strlen(logo) < 5 ||
	    strcasecmp(logo + strlen(logo) - 4, ".svg") != 0)
		return;
	kit = val_new(&site->pool, V_LIST, NULL);
	map_set(site->v, "logo_kit", kit);
	ps->kits = xcalloc(2 * (n + 1), sizeof(*ps->kits));
	ps->nkits = 0;
	S_kit_job(site, ps, js, kit, "alliance", map_str(site->v, "title"),
	    NULL);
	for (a = 0; a < n; a++)
		S_kit_job(site, ps, js, kit, map_str(areas->items[a], "slug"),
		    map_str(areas->items[a], "title"),
		    map_str(areas->items[a], "color"));
}

/* Proof sheets: every sheet of an organisation, in thumbnails. */

/* Draws page (0-based) of sh, trim box only, scaled to fit w x h. */
static int
S_thumb(cairo_t *cr, struct sheet *sh, int page, double w, double h)
{
	struct pool pool = { NULL };
	struct scope sc[NSCOPE];
	struct rctx c;
	double k;

	memset(&c, 0, sizeof(c));
	c.sh = sh;
	c.pool = &pool;
	c.cr = cr;
	c.preview = 1;
	sheet_scope(sh, sh->site, sc, &pool);
	c.sc = &sc[NSCOPE - 1];
	c.W = sh->lay->png ? sh->size->w : sh->size->w * MM;
	c.H = sh->lay->png ? sh->size->h : sh->size->h * MM;
	k = fmin(w / c.W, h / c.H);
	cairo_save(cr);
	cairo_rectangle(cr, 0, 0, c.W * k, c.H * k);
	cairo_clip(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, k, k);
	draw_page(&c, sh->lay->pages[page]);
	cairo_restore(cr);
	/* A hairline shows the trim. */
	cairo_rectangle(cr, 0, 0, c.W * k, c.H * k);
	cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
	cairo_set_line_width(cr, 0.5);
	cairo_stroke(cr);
	pool_free(&pool);
	return !c.failed;
}

static void
S_caption(cairo_t *cr, const char *text, double w, double pt, int bold)
{
	PangoLayout *pl = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_from_string(
	    bold ? "Inter Bold" : "Inter");

	pango_font_description_set_absolute_size(fd, pt * PANGO_SCALE);
	pango_layout_set_font_description(pl, fd);
	pango_layout_set_width(pl, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(pl, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(pl, text, -1);
	cairo_set_source_rgb(cr, 0.09, 0.09, 0.11);
	pango_cairo_show_layout(cr, pl);
	pango_font_description_free(fd);
	g_object_unref(pl);
}

/* Draws the proof of org on an A3 landscape page; 1 on success. */
static int
S_proof_draw(cairo_t *cr, struct site *site, const struct proof *pr)
{
	double W = 420 * MM, H = 297 * MM, m = 12 * MM, top = 30 * MM;
	double cw, ch, x, y;
	size_t i, n = 0, cols, rows, k = 0;
	char *t;
	int p, ok = 1;

	const struct val *org = pr->org;

	for (i = 0; i < pr->ps->nsheets; i++)
		if (pr->ps->sheets[i].org == org)
			n += (size_t)pr->ps->sheets[i].lay->npages;
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_move_to(cr, m, m);
	t = xasprintf("%s: %s", lang_label(site, "proof_title"),
	    map_str(org, "name"));
	S_caption(cr, t, W - 2 * m, 22, 1);
	free(t);
	cairo_move_to(cr, m, m + 30);
	t = xasprintf("%s · %zu %s", map_str(site->v, "title"), n,
	    lang_label(site, "proof_pages"));
	S_caption(cr, t, W - 2 * m, 11, 0);
	free(t);
	if (n == 0)
		return 1;
	for (cols = 1; cols * cols * 0.7 < n; cols++)
		continue;
	rows = (n + cols - 1) / cols;
	cw = (W - 2 * m) / cols;
	ch = (H - top - m) / rows;
	for (i = 0; i < pr->ps->nsheets; i++) {
		struct sheet *sh = &pr->ps->sheets[i];

		if (sh->org != org)
			continue;
		for (p = 0; p < sh->lay->npages; p++, k++) {
			x = m + (k % cols) * cw;
			y = top + (k / cols) * ch;
			cairo_save(cr);
			cairo_translate(cr, x + 4, y);
			ok &= S_thumb(cr, sh, p, cw - 8, ch - 24);
			cairo_restore(cr);
			cairo_move_to(cr, x + 4, y + ch - 20);
			t = xasprintf("%s %s%s%s · %s", sh->lay->title,
			    sh->size->name, sh->lay->npages > 1 ? " " : "",
			    sh->lay->npages > 1 ? lang_label(site, p ? "back" :
			    "front") : "", sh->lay->per == PER_ORG_EVENT ?
			    map_str(sh->event, "title") : sh->area != NULL ?
			    map_str(sh->area, "title") : "");
			S_caption(cr, t, cw - 8, 7, 0);
			free(t);
		}
	}
	return ok;
}

/*
 * out[0]: the proof as a PDF page, out[1]: as a PNG, both painted from
 * one drawing (the thumbnails set every frame of every sheet again).
 */
static int
S_proof(const struct job *j, struct site *site, struct buf *out)
{
	const struct proof *pr = j->arg;
	cairo_rectangle_t ext = { 0, 0, 420 * MM, 297 * MM };
	cairo_surface_t *s, *rec;
	cairo_t *cr;
	int ok;

	rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR, &ext);
	cr = cairo_create(rec);
	ok = S_proof_draw(cr, site, pr);
	cairo_destroy(cr);
	s = sheet_pdf_own(site, &out[0], ext.width, ext.height,
	    map_str(pr->org, "name"));
	cr = cairo_create(s);
	cairo_set_source_surface(cr, rec, 0, 0);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1600,
	    (int)lround(1600 * 297.0 / 420));
	cr = cairo_create(s);
	cairo_scale(cr, 1600 / ext.width, 1600 / ext.width);
	cairo_set_source_surface(cr, rec, 0, 0);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_destroy(rec);
	sheet_png(s, &out[1]);
	cairo_surface_destroy(s);
	return ok;
}

/* One proof per organisation with material: print/orgs/<org>/proof. */
void
print_plan_proofs(struct site *site, struct print_set *ps, struct jobs *js)
{
	struct val *orgs = map_get(site->v, "orgs");
	struct proof *pr;
	struct job *j;
	char *out;
	size_t o;

	ps->proofs = xcalloc(orgs != NULL ? orgs->len + 1 : 1,
	    sizeof(*ps->proofs));
	for (o = 0; orgs != NULL && o < orgs->len; o++) {
		if (map_get(orgs->items[o], "material") == NULL)
			continue;
		out = xasprintf("print/orgs/%s/proof.pdf",
		    map_str(orgs->items[o], "slug"));
		pr = &ps->proofs[ps->nproofs++];
		pr->ps = ps;
		pr->org = orgs->items[o];
		j = S_job(js, out, S_proof, pr);
		j->out2 = xasprintf("print/orgs/%s/proof.png",
		    map_str(orgs->items[o], "slug"));
		map_set(orgs->items[o], "proof_pdf", val_strn(&site->pool,
		    xasprintf("%s/%s", site->base_path, out), NULL));
		map_set(orgs->items[o], "proof_png", val_strn(&site->pool,
		    xasprintf("%s/%s", site->base_path, j->out2), NULL));
		free(out);
	}
}
