/*
 * print_timeline.c: the campaign plan's timeline for the steering
 * group's wall: A3 and A4 landscape, week by week (the rows of
 * site.timeline, model.c), what happens and what the campaign does,
 * this week marked; as many pages as the plan needs, the column heads
 * on each.
 */

#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "rally.h"
#include "extern.h"
#include "print.h"

struct tl_size {
	const char	*slug;	/* "a3" */
	const char	*name;	/* "A3" */
	double		 w, h;	/* points, landscape */
};

static const struct tl_size S_sizes[] = {
	{ "a3", "A3", 420 * MM, 297 * MM },
	{ "a4", "A4", 297 * MM, 210 * MM },
};

/*
 * The layouts made on a cairo context, by font, size, width and text:
 * the pages are laid out once to count them and again to draw, and
 * each block is measured before it is drawn.
 */
static const cairo_user_data_key_t S_made;

static void
S_unmake(void *h)
{
	g_hash_table_destroy(h);
}

/* A block of text at x, y, w wide, in font at pt; returns its height. */
static double
S_text(cairo_t *cr, const char *text, const char *font, double pt,
    double x, double y, double w, double grey, int draw)
{
	GHashTable *made = cairo_get_user_data(cr, &S_made);
	PangoFontDescription *fd;
	PangoLayout *pl;
	char *key;
	int ph;

	if (made == NULL) {
		made = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    g_object_unref);
		cairo_set_user_data(cr, &S_made, made, S_unmake);
	}
	if (text == NULL)
		text = "";
	key = g_strdup_printf("%s\037%a\037%a\037%s", font, pt, w, text);
	if ((pl = g_hash_table_lookup(made, key)) != NULL)
		g_free(key);
	else {
		pl = pango_cairo_create_layout(cr);
		fd = pango_font_description_from_string(font);
		pango_font_description_set_absolute_size(fd, pt * PANGO_SCALE);
		pango_layout_set_font_description(pl, fd);
		pango_layout_set_width(pl, (int)(w * PANGO_SCALE));
		pango_layout_set_wrap(pl, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_auto_dir(pl, TRUE);
		pango_layout_set_text(pl, text, -1);
		pango_font_description_free(fd);
		g_hash_table_insert(made, key, pl);
	}
	pango_layout_get_size(pl, NULL, &ph);
	if (draw) {
		cairo_set_source_rgb(cr, 0.086 * (1 - grey) + 0.45 * grey,
		    0.086 * (1 - grey) + 0.45 * grey,
		    0.114 * (1 - grey) + 0.5 * grey);
		cairo_move_to(cr, x, y);
		pango_cairo_show_layout(cr, pl);
	}
	return (double)ph / PANGO_SCALE;
}

/*
 * The week of a row ("(forts.)" on the page it goes on to), its days
 * under it, and "this week" (or "ongoing") under that; returns its
 * height.
 */
static double
S_week(cairo_t *cr, struct site *site, const struct val *row, double x,
    double y, double w, double pt, double grey, int more, int draw)
{
	double h = S_text(cr, map_str(row, "label"), "Bebas Neue Bold",
	    pt * 1.5, x, y, w, grey, draw);
	char *t;

	t = more ? xasprintf("(%s)", lang_label(site, "continued")) :
	    xstrdup(map_str(row, "days") != NULL ? map_str(row, "days") :
	    "");
	h += S_text(cr, t, "Inter", pt * 0.8, x, y + h, w, 0.6, draw);
	free(t);
	if (map_get(row, "current") != NULL)
		h += S_text(cr, map_str(row, "current_text"), "Inter Bold",
		    pt * 0.8, x, y + h, w, 0, draw);
	return h;
}

/*
 * One event of a row (e NULL: "nothing planned"): its title, when and
 * where, beside what the campaign does.  Returns its height.
 */
static double
S_event(cairo_t *cr, struct site *site, const struct val *e, double x,
    double y, const double col[3], double pt, double grey, int draw)
{
	double a, b;
	char *t;

	if (e == NULL)	/* this week, with nothing in it */
		return S_text(cr, lang_label(site, "nothing_planned"), "Inter",
		    pt, x + col[0], y, col[1] - 12, 0.6, draw);
	a = S_text(cr, map_str(e, "title"), "Inter Bold", pt, x + col[0], y,
	    col[1] - 12, grey, draw);
	t = xasprintf("%s%s", map_str(e, "when"), map_str(e, "place_text") !=
	    NULL ? map_str(e, "place_text") : "");
	a += S_text(cr, t, "Inter", pt * 0.85, x + col[0], y + a, col[1] - 12,
	    0.6 + 0.4 * grey, draw);
	free(t);
	b = S_text(cr, map_str(e, "campaign"), "Inter", pt, x + col[0] +
	    col[1], y, col[2], grey, draw);
	return a > b ? a : b;
}

/*
 * The heading, the build's date and page n/N at the right, and the
 * column heads at the top of a page; returns y below them.
 */
static double
S_head(cairo_t *cr, struct site *site, double m, double w,
    const double col[3], double pt, int page, int pages, int draw)
{
	PangoLayout *pl;
	PangoFontDescription *fd;
	double y = m;
	char *t;

	t = xasprintf("%s · %s", lang_label(site, "timeline"),
	    map_str(site->v, "title"));
	y += S_text(cr, t, "Bebas Neue Bold", pt * 2.6, m, y, w * 0.7, 0,
	    draw);
	free(t);
	if (draw) {	/* when it was true, and which sheet of how many */
		t = xasprintf("%s · %d/%d", map_str(site->v, "today_long"),
		    page + 1, pages);
		pl = pango_cairo_create_layout(cr);
		fd = pango_font_description_from_string("Inter");
		pango_font_description_set_absolute_size(fd, pt * PANGO_SCALE);
		pango_layout_set_font_description(pl, fd);
		pango_layout_set_width(pl, (int)(w * 0.3 * PANGO_SCALE));
		pango_layout_set_alignment(pl, PANGO_ALIGN_RIGHT);
		pango_layout_set_text(pl, t, -1);
		cairo_set_source_rgb(cr, 0.086, 0.086, 0.114);
		cairo_move_to(cr, m + w * 0.7, m + pt);
		pango_cairo_show_layout(cr, pl);
		pango_font_description_free(fd);
		g_object_unref(pl);
		free(t);
	}
	if (page == 0)
		y += S_text(cr, lang_label(site, "timeline_intro"), "Inter",
		    pt, m, y, w, 0.6, draw);
	y += pt * 0.8;
	S_text(cr, lang_label(site, "week"), "Bebas Neue Bold", pt * 1.2, m,
	    y, col[0], 0, draw);
	S_text(cr, lang_label(site, "happens"), "Bebas Neue Bold", pt * 1.2,
	    m + col[0], y, col[1], 0, draw);
	y += S_text(cr, lang_label(site, "campaign_does"), "Bebas Neue Bold",
	    pt * 1.2, m + col[0] + col[1], y, col[2], 0, draw);
	if (draw) {
		cairo_set_source_rgb(cr, 0.086, 0.086, 0.114);
		cairo_rectangle(cr, m, y + 2, w, 2.5);
		cairo_fill(cr);
	}
	return y + pt;
}

/* This week's background behind h points from y. */
static void
S_mark(cairo_t *cr, double x, double y, double w, double h)
{
	cairo_set_source_rgb(cr, 1, 0.957, 0.78);
	cairo_rectangle(cr, x - 4, y, w + 8, h);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0.784, 0.063, 0.18);
	cairo_rectangle(cr, x - 4, y, 3, h);
	cairo_fill(cr);
}

/*
 * Lays out every page and returns how many there are; draws them when
 * pages > 0 (their number, for "n/N"), only the first when one (the
 * preview).  A row that runs over a page goes on with its week at the
 * top of the next.
 */
static int
S_pages(cairo_t *cr, struct site *site, const struct tl_size *sz, int pages,
    int one)
{
	const struct val *rows = map_get(site->v, "timeline"), *row, *evs;
	double m = 15 * MM, w = sz->w - 2 * m, pt = sz->w > 400 * MM ? 11 :
	    8.5, y, top, eh, wh, gap, grey, col[3];
	size_t i, k, n;
	int page = 0, cur, draw = pages > 0;

	col[0] = w * 0.14;
	col[1] = w * 0.43;
	col[2] = w - col[0] - col[1];
	gap = pt * 0.6;
	if (draw) {
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
	}
	y = top = S_head(cr, site, m, w, col, pt, page, pages, draw);
	for (i = 0; rows != NULL && i < rows->len; i++) {
		row = rows->items[i];
		evs = map_get(row, "events");
		n = evs != NULL && evs->len > 0 ? evs->len : 1;
		cur = map_get(row, "current") != NULL;
		/* Past weeks lighter, still legible across a room. */
		grey = strstr(map_str(row, "class"), "past") != NULL ? 0.55 :
		    0;
		wh = S_week(cr, site, row, m, y, col[0] - 6, pt, grey, 0, 0);
		for (k = 0; k < n; k++) {
			eh = S_event(cr, site, evs != NULL && evs->len > 0 ?
			    evs->items[k] : NULL, m, y, col, pt, grey, 0);
			if (k == 0 && wh > eh)
				eh = wh;
			if (y + eh > sz->h - m && y > top) {
				if (one)
					return 1;
				if (draw) {
					cairo_show_page(cr);
					cairo_set_source_rgb(cr, 1, 1, 1);
					cairo_paint(cr);
				}
				y = top = S_head(cr, site, m, w, col, pt,
				    ++page, pages, draw);
				if (k > 0 && wh > eh)
					eh = wh;
			}
			if (cur && draw)
				S_mark(cr, m, y - gap / 2, w, eh + gap);
			if (k == 0 || y == top)
				S_week(cr, site, row, m, y, col[0] - 6, pt,
				    grey, k > 0, draw);
			S_event(cr, site, evs != NULL && evs->len > 0 ?
			    evs->items[k] : NULL, m, y, col, pt, grey, draw);
			y += eh + gap;
		}
		if (draw) {
			cairo_set_source_rgb(cr, 0.89, 0.87, 0.83);
			cairo_rectangle(cr, m, y - gap / 2, w, 0.6);
			cairo_fill(cr);
		}
		y += gap / 2;
	}
	return page + 1;
}

/* out[0]: the PDF, every page; out[1]: the first page as a PNG. */
static int
S_timeline(const struct job *j, struct site *site, struct buf *out)
{
	const struct tl_size *sz = j->arg;
	cairo_surface_t *s;
	cairo_t *cr;
	int ok, pages;

	s = sheet_pdf_own(site, &out[0], sz->w, sz->h, lang_label(site,
	    "timeline"));
	cr = cairo_create(s);
	pages = S_pages(cr, site, sz, 0, 0);
	S_pages(cr, site, sz, pages, 0);
	ok = cairo_status(cr) == CAIRO_STATUS_SUCCESS;
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1400,
	    (int)(1400 * sz->h / sz->w));
	cr = cairo_create(s);
	cairo_scale(cr, 1400 / sz->w, 1400 / sz->w);
	S_pages(cr, site, sz, pages, 1);
	ok = ok && cairo_status(cr) == CAIRO_STATUS_SUCCESS;
	cairo_destroy(cr);
	sheet_png(s, &out[1]);
	cairo_surface_destroy(s);
	return ok;
}

/*
 * print/timeline-a3.pdf and -a4.pdf (with a preview of the first
 * page), when there are events; site.timeline_pdf names them for the
 * timeline page.
 */
void
print_plan_timeline(struct site *site, struct jobs *js)
{
	const struct val *rows = map_get(site->v, "timeline");
	struct val *links;
	struct job *j;
	char *out;
	size_t i;

	if (rows == NULL || rows->len == 0)
		return;
	links = val_new(&site->pool, V_LIST, NULL);
	for (i = 0; i < sizeof(S_sizes) / sizeof(S_sizes[0]); i++) {
		struct val *it = val_new(&site->pool, V_MAP, NULL);

		out = xasprintf("print/timeline-%s.pdf", S_sizes[i].slug);
		j = plan_add(js, out, S_timeline, NULL, NULL,
		    (void *)&S_sizes[i]);
		j->proc = 1;
		plan_in(j, IN_PRINT, 0, NULL);
		plan_in(j, IN_KIND, K_EVENT, NULL);
		j->out2 = xasprintf("print/timeline-%s.png", S_sizes[i].slug);
		map_set_str(&site->pool, it, "size", S_sizes[i].name);
		map_set(it, "url", val_strn(&site->pool, xasprintf("%s/%s",
		    site->base_path, out), NULL));
		list_push(links, it);
		free(out);
	}
	map_set(site->v, "timeline_pdf", links);
}
