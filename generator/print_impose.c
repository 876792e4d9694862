/*
 * print_impose.c: material for the office printer.  Flyers several to
 * an A4 sheet (A6 four up, A5 two up), fronts on page 1 and backs on
 * page 2 placed for a long-edge duplex flip, with cut marks and a
 * gutter; posters and placards larger than A3 tiled on A4 sheets at
 * full size, with an overlap, cut and glue marks, and each tile's
 * place on the poster.
 *
 * Each page of the sheet is drawn once into a cairo recording surface
 * and painted where it goes: the PDF holds it once, as a form.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>

#include "rally.h"
#include "extern.h"
#include "print.h"

#define A4W	(210.0 * MM)
#define A4H	(297.0 * MM)
#define N_MARGIN (12.0 * MM)	/* paper edge to the outer trims */
#define N_GUTTER (6.0 * MM)	/* between two copies' trims */
#define N_MARK0	(4.0 * MM)	/* cut marks: from here from the edge */
#define N_MARK1	(7.5 * MM)	/* ... to here (the bleed starts at 9) */
#define T_MARGIN (10.0 * MM)	/* tiles: paper edge to the printed part */
#define T_OVERLAP (10.0 * MM)	/* the strip two tiles share */

/* Where a copy goes on the page: its trim's box, and its turn. */
struct slot {
	double	x, y;	/* top left of the footprint, points */
	double	w, h;	/* the footprint (turned), points */
	int	turn;	/* 0, 1 (a quarter clockwise), -1 (anticlockwise) */
};

/*
 * The copies of a sheet per A4 page: A6 four up, A5 two up turned; 0
 * for other sizes.
 */
int
impose_copies(const struct lsize *z)
{
	if (fabs(z->w - 105) < 1 && fabs(z->h - 148) < 1)
		return 4;
	if (fabs(z->w - 148) < 1 && fabs(z->h - 210) < 1)
		return 2;
	return 0;
}

/* The tiles of a pw x ph paper a W x H sheet takes (points). */
static int
S_tile_grid(double W, double H, double pw, double ph, int *cols,
    int *rows)
{
	double sx = pw - 2 * T_MARGIN - T_OVERLAP;
	double sy = ph - 2 * T_MARGIN - T_OVERLAP;

	*cols = (int)ceil((W - T_OVERLAP) / sx - 1e-9);
	*rows = (int)ceil((H - T_OVERLAP) / sy - 1e-9);
	return *cols * *rows;
}

/*
 * The A4 tiles a sheet larger than A3 (either way), up to A0, takes,
 * portrait or landscape, whichever needs fewer (*land says which); 0
 * for others.
 */
int
impose_tiles(const struct lsize *z, int *land)
{
	double a = fmin(z->w, z->h), b = fmax(z->w, z->h);
	int c, r, np, nl;

	*land = 0;
	/* A3 and smaller print whole; banners go to a print shop. */
	if ((a <= 297 + 1 && b <= 420 + 1) || b > 1189 + 1)
		return 0;
	np = S_tile_grid(z->w * MM, z->h * MM, A4W, A4H, &c, &r);
	nl = S_tile_grid(z->w * MM, z->h * MM, A4H, A4W, &c, &r);
	*land = nl < np;
	return *land ? nl : np;
}

/* Draws page i of the sheet into a recording surface (destroy it). */
static cairo_surface_t *
S_record(struct rctx *c, const struct layout *l, int i)
{
	cairo_rectangle_t ext = { -c->B, -c->B, c->W + 2 * c->B,
	    c->H + 2 * c->B };
	cairo_surface_t *rec;

	rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
	c->cr = cairo_create(rec);
	draw_page(c, l->pages[i]);
	cairo_destroy(c->cr);
	c->cr = NULL;
	return rec;
}

/* Sets up c for the sheet; the caller frees pool. */
static void
S_ctx(struct rctx *c, const struct sheet *sh, struct site *site,
    struct scope sc[NSCOPE], struct pool *pool)
{
	memset(c, 0, sizeof(*c));
	c->sh = sh;
	c->pool = pool;
	sheet_scope(sh, site, sc, pool);
	c->sc = &sc[NSCOPE - 1];
	c->W = sh->size->w * MM;
	c->H = sh->size->h * MM;
	c->B = sh->lay->bleed * MM;
}

/* Paints rec (a copy W x H, scaled by k) into slot s, its bleed cut to g. */
static void
S_place(cairo_t *cr, cairo_surface_t *rec, const struct rctx *c,
    const struct slot *s, double k, double g)
{
	cairo_save(cr);
	if (s->turn == 1) {
		cairo_translate(cr, s->x + s->w, s->y);
		cairo_rotate(cr, M_PI / 2);
	} else if (s->turn == -1) {
		cairo_translate(cr, s->x, s->y + s->h);
		cairo_rotate(cr, -M_PI / 2);
	} else
		cairo_translate(cr, s->x, s->y);
	cairo_scale(cr, k, k);
	cairo_rectangle(cr, -g / k, -g / k, c->W + 2 * g / k,
	    c->H + 2 * g / k);
	cairo_clip(cr);
	cairo_set_source_surface(cr, rec, 0, 0);
	cairo_paint(cr);
	cairo_restore(cr);
}

static void
S_line(cairo_t *cr, double x0, double y0, double x1, double y1)
{
	cairo_move_to(cr, x0, y0);
	cairo_line_to(cr, x1, y1);
}

/* Cut marks in the paper's margins, in line with every trim edge. */
static void
S_cut_marks(cairo_t *cr, const struct slot *s, int n)
{
	int i;

	cairo_save(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.3);
	for (i = 0; i < n; i++) {
		S_line(cr, s[i].x, N_MARK0, s[i].x, N_MARK1);
		S_line(cr, s[i].x + s[i].w, N_MARK0, s[i].x + s[i].w, N_MARK1);
		S_line(cr, s[i].x, A4H - N_MARK0, s[i].x, A4H - N_MARK1);
		S_line(cr, s[i].x + s[i].w, A4H - N_MARK0, s[i].x + s[i].w,
		    A4H - N_MARK1);
		S_line(cr, N_MARK0, s[i].y, N_MARK1, s[i].y);
		S_line(cr, N_MARK0, s[i].y + s[i].h, N_MARK1, s[i].y + s[i].h);
		S_line(cr, A4W - N_MARK0, s[i].y, A4W - N_MARK1, s[i].y);
		S_line(cr, A4W - N_MARK0, s[i].y + s[i].h, A4W - N_MARK1,
		    s[i].y + s[i].h);
	}
	cairo_stroke(cr);
	cairo_restore(cr);
}

/*
 * The copies' slots on an A4 page and their scale: a grid of cols x
 * rows footprints, centred, as large as the margins and gutters allow
 * (never larger than the sheet).
 */
static double
S_grid(const struct rctx *c, int copies, struct slot *s)
{
	int turn = copies == 2, cols = copies == 4 ? 2 : 1, rows = 2, r, k;
	double fw = turn ? c->H : c->W, fh = turn ? c->W : c->H, sc, x0, y0;

	sc = fmin((A4W - 2 * N_MARGIN - (cols - 1) * N_GUTTER) / (cols * fw),
	    (A4H - 2 * N_MARGIN - (rows - 1) * N_GUTTER) / (rows * fh));
	sc = fmin(sc, 1);
	x0 = (A4W - cols * fw * sc - (cols - 1) * N_GUTTER) / 2;
	y0 = (A4H - rows * fh * sc - (rows - 1) * N_GUTTER) / 2;
	for (r = 0, k = 0; r < rows; r++)
		for (int col = 0; col < cols; col++, k++) {
			s[k].x = x0 + col * (fw * sc + N_GUTTER);
			s[k].y = y0 + r * (fh * sc + N_GUTTER);
			s[k].w = fw * sc;
			s[k].h = fh * sc;
			s[k].turn = turn;
		}
	return sc;
}

/* Starts an A4 PDF for the office into out, with the sheet's metadata. */
static cairo_surface_t *
S_pdf(const struct sheet *sh, struct site *site, struct buf *out,
    double w, double h)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sheet_write,
	    out, w, h);

	sheet_metadata(s, sh, site);
	return s;
}

/* Ends the PDF; 1, or 0 after reporting. */
static int
S_finish(cairo_surface_t *s, const struct sheet *sh)
{
	struct pos p = { sh->lay->path, 0, 0 };
	int ok;

	cairo_surface_finish(s);
	ok = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS;
	if (!ok)
		diag_err(&p, "cairo: %s", cairo_status_to_string(
		    cairo_surface_status(s)));
	cairo_surface_destroy(s);
	return ok;
}

/*
 * A flyer several to an A4 page (job j's arg is the sheet): its front
 * on page 1, its back on page 2 behind it after a long-edge flip, and
 * so on.  Returns 1, or 0 after reporting.
 */
int
print_nup(const struct job *j, struct site *site, struct buf *out)
{
	const struct sheet *sh = j->arg;
	struct pool pool = { NULL };
	struct scope sc[NSCOPE];
	struct slot s[4], b[4];
	cairo_surface_t *pdf, *rec;
	struct rctx c;
	cairo_t *cr;
	int n = impose_copies(sh->size), i, k;
	double sk, g;

	S_ctx(&c, sh, site, sc, &pool);
	sk = S_grid(&c, n, s);
	/* The bleed shows up to the middle of the gutter. */
	g = fmin(c.B * sk, N_GUTTER / 2);
	/* Long-edge flip: what is left on the front is right behind. */
	for (k = 0; k < n; k++) {
		b[k] = s[k];
		b[k].x = A4W - s[k].x - s[k].w;
		b[k].turn = -s[k].turn;
	}
	pdf = S_pdf(sh, site, &out[0], A4W, A4H);
	cr = cairo_create(pdf);
	for (i = 0; i < sh->lay->npages && !c.failed; i++) {
		rec = S_record(&c, sh->lay, i);
		for (k = 0; k < n && !c.failed; k++)
			S_place(cr, rec, &c, i % 2 ? &b[k] : &s[k], sk, g);
		cairo_surface_destroy(rec);
		S_cut_marks(cr, i % 2 ? b : s, n);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	pool_free(&pool);
	return S_finish(pdf, sh) && !c.failed;
}

/*
 * The whole poster, small, in the tile's bottom margin, with the
 * tile's window outlined: where this sheet goes.  (Drawn first on
 * every page, it also makes cairo emit the poster's form whole: cairo
 * 1.16 bounds a recording surface's form by its first use on a page.)
 */
static void
S_map(cairo_t *cr, cairo_surface_t *rec, const struct rctx *c, double pw,
    double ph, double x, double y, double ww, double wh)
{
	double k = (T_MARGIN - 3 * MM) / c->H, mx = pw - T_MARGIN - c->W * k;
	double my = ph - T_MARGIN + 1.5 * MM;

	cairo_save(cr);
	cairo_translate(cr, mx, my);
	cairo_scale(cr, k, k);
	cairo_rectangle(cr, 0, 0, c->W, c->H);
	cairo_clip(cr);
	cairo_set_source_surface(cr, rec, 0, 0);
	cairo_paint(cr);
	cairo_restore(cr);
	cairo_save(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.3);
	cairo_rectangle(cr, mx, my, c->W * k, c->H * k);
	cairo_stroke(cr);
	cairo_set_line_width(cr, 1);
	cairo_rectangle(cr, mx + x * k, my + y * k, fmin(ww, c->W - x) * k,
	    fmin(wh, c->H - y) * k);
	cairo_stroke(cr);
	cairo_restore(cr);
}

/* The letters and numbers of a tile's place: "B3" (row B, column 3). */
static void
S_tile_name(cairo_t *cr, const char *name, double x, double y)
{
	cairo_save(cr);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
	    CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, 9);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, name);
	cairo_restore(cr);
}

/*
 * A tile's marks for a line at offset at: in its top and bottom margins
 * (vertical) or its left and right ones, stopping 2 mm short of both
 * the paper's edge and the printed window.
 */
static void
S_ticks(cairo_t *cr, int vertical, double at, double pw, double ph)
{
	if (vertical) {
		S_line(cr, at, 2 * MM, at, T_MARGIN - 2 * MM);
		S_line(cr, at, ph - 2 * MM, at, ph - T_MARGIN + 2 * MM);
	} else {
		S_line(cr, 2 * MM, at, T_MARGIN - 2 * MM, at);
		S_line(cr, pw - 2 * MM, at, pw - T_MARGIN + 2 * MM, at);
	}
}

/*
 * A poster or placard at full size on A4 tiles (job j's arg is the
 * sheet), portrait or landscape, whichever takes fewer: each tile
 * prints a window of it; neighbours share a T_OVERLAP strip.  Marks in
 * the margin: a solid tick where the tile is cut (its left and top
 * overlap, which goes under the neighbour), a dashed one where the
 * next tile is glued; the tile's place ("A1" top left) in a corner.
 */
int
print_tiles(const struct job *j, struct site *site, struct buf *out)
{
	const struct sheet *sh = j->arg;
	struct pool pool = { NULL };
	struct scope sc[NSCOPE];
	cairo_surface_t *pdf, *rec;
	struct rctx c;
	cairo_t *cr;
	double pw, ph, ww, wh, sx, sy, x, y;
	int cols, rows, r, k, land;
	char name[32];

	S_ctx(&c, sh, site, sc, &pool);
	impose_tiles(sh->size, &land);
	pw = land ? A4H : A4W;
	ph = land ? A4W : A4H;
	S_tile_grid(c.W, c.H, pw, ph, &cols, &rows);
	ww = pw - 2 * T_MARGIN;
	wh = ph - 2 * T_MARGIN;
	sx = ww - T_OVERLAP;
	sy = wh - T_OVERLAP;
	rec = S_record(&c, sh->lay, 0);
	pdf = S_pdf(sh, site, &out[0], pw, ph);
	cr = cairo_create(pdf);
	for (r = 0; r < rows && !c.failed; r++)
		for (k = 0; k < cols; k++) {
			x = k * sx;
			y = r * sy;
			S_map(cr, rec, &c, pw, ph, x, y, ww, wh);
			cairo_save(cr);
			cairo_rectangle(cr, T_MARGIN, T_MARGIN,
			    fmin(ww, c.W - x), fmin(wh, c.H - y));
			cairo_clip(cr);
			cairo_translate(cr, T_MARGIN - x, T_MARGIN - y);
			cairo_set_source_surface(cr, rec, 0, 0);
			cairo_paint(cr);
			cairo_restore(cr);
			cairo_save(cr);
			cairo_set_source_rgb(cr, 0, 0, 0);
			cairo_set_line_width(cr, 0.5);
			/* Cut: the overlap this tile hides under its
			   left and upper neighbours. */
			if (k > 0)
				S_ticks(cr, 1, T_MARGIN + T_OVERLAP, pw, ph);
			if (r > 0)
				S_ticks(cr, 0, T_MARGIN + T_OVERLAP, pw, ph);
			cairo_stroke(cr);
			/* Glue: the strip the next tile covers. */
			cairo_set_dash(cr, (const double[]){ 2, 2 }, 2, 0);
			if (k + 1 < cols && x + ww <= c.W)
				S_ticks(cr, 1, T_MARGIN + ww - T_OVERLAP, pw, ph);
			if (r + 1 < rows && y + wh <= c.H)
				S_ticks(cr, 0, T_MARGIN + wh - T_OVERLAP, pw, ph);
			cairo_stroke(cr);
			cairo_restore(cr);
			snprintf(name, sizeof(name), "%c%d  %d/%d",
			    'A' + (r % 26), k + 1, r * cols + k + 1,
			    rows * cols);
			S_tile_name(cr, name, T_MARGIN, ph - 3.5 * MM);
			cairo_show_page(cr);
		}
	cairo_surface_destroy(rec);
	cairo_destroy(cr);
	pool_free(&pool);
	return S_finish(pdf, sh) && !c.failed;
}
