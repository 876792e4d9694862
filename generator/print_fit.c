/*
 * print_fit.c: the setting of a text frame that fits best: the largest
 * size at which its paragraphs fit the box, scored for what a designer
 * would fix (a lone short word, a hyphenated headline, a broken
 * address), balanced, and with short words kept with the word before.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"
#include "print.h"

void
fit_free(struct para *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].text);
		free(v[i].font);
		free(v[i].color);
		free(v[i].tagfont);
	}
	free(v);
}

static int	 S_para_lh(PangoLayout *, const struct para *, double, int *);

/*
 * Pango markup for the paragraphs at size pt; values are escaped.
 * plain: no hyphen where a line breaks inside a word (wrap="char",
 * addresses).  lh > 0: each paragraph's own line height (S_para_lh,
 * measured with pl's context).
 */
static char *
S_markup(const struct para *v, size_t n, double pt, int plain, double lh,
    PangoLayout *pl)
{
	GString *m = g_string_new(NULL);
	char *esc;
	size_t i;
	int drop;

	for (i = 0; i < n; i++) {
		esc = g_markup_escape_text(v[i].text, -1);
		g_string_append_printf(m, "<span font_desc=\"%s\" size=\"%d\"%s",
		    v[i].font, (int)lround(pt * v[i].rel * PANGO_SCALE),
		    plain ? " insert_hyphens=\"false\"" : "");
		/* Shaped, and its fallback fonts chosen, for its language:
		   the primary subtag, as rally's fontconfig rules name it
		   ("fa" for "fa-AF"). */
		if (v[i].lang != NULL)
			g_string_append_printf(m, " lang=\"%.*s\"",
			    (int)strcspn(v[i].lang, "-_"), v[i].lang);
		/* Leading from each run's own face (see fit_mixed_lines). */
		drop = 0;
		if (lh > 0)
			g_string_append_printf(m, " line_height=\"%d\"",
			    S_para_lh(pl, &v[i], lh, &drop));
		if (v[i].color != NULL && *v[i].color == '#')
			g_string_append_printf(m, " foreground=\"%s\"",
			    v[i].color);
		g_string_append_c(m, '>');
		if (v[i].tagfont != NULL) {
			/* Hashtags in their own face (see words_tags). */
			char *on = g_markup_printf_escaped(
			    "<span font_desc=\"%s\" size=\"%d\">",
			    v[i].tagfont, (int)lround(pt * v[i].rel *
			    v[i].tagrel * PANGO_SCALE));
			char **parts = g_strsplit(esc, TAG_ON, -1), *j;

			j = g_strjoinv(on, parts);
			g_strfreev(parts);
			parts = g_strsplit(j, TAG_OFF, -1);
			g_free(j);
			j = g_strjoinv("</span>", parts);
			g_strfreev(parts);
			g_free(on);
			g_free(esc);
			esc = j;
		}
		/* A word joiner lowered by drop: its box, in the face's
		   height, takes the last line's down that far. */
		g_string_append(m, esc);
		if (drop > 0)
			g_string_append_printf(m, "<span rise=\"-%d\">"
			    "\xE2\x81\xA0</span>", drop);
		g_string_append_printf(m, "</span>%s", i + 1 < n ? "\n" : "");
		g_free(esc);
	}
	return g_string_free(m, FALSE);
}

/* Sets q's text in layout one as the frame sets it, on one size. */
static void
S_set_one(PangoLayout *one, const struct para *q)
{
	char *m = S_markup(q, 1, FIT_REF, 0, 0, NULL);

	pango_layout_set_markup(one, m, -1);
	g_free(m);
}


/*
 * The line height of paragraph p in a frame stacked by extents (pango
 * units, at FIT_REF), and in *drop how far its last line's box must
 * reach further down.  Its lines are lh times the size apart where its
 * ink fits in that (Latin, Hebrew); where not (Nastaliq), as far apart
 * as its ink is tall, with a tenth of the size between.  pango centres
 * that height on the face's ascent and descent; ink that still hangs
 * below (Nastaliq's dots under a short descent) is what *drop makes
 * room for, under the paragraph only: the next paragraph, in another
 * face, clears it, and the lines inside already do.  Cached on pl.
 */
static int
S_para_lh(PangoLayout *pl, const struct para *p, double lh, int *drop)
{
	GHashTable *t = g_object_get_data(G_OBJECT(pl), "rally-ink");
	PangoRectangle ir, lr;
	PangoLayout *one;
	double half, gap, size = FIT_REF * p->rel * PANGO_SCALE;
	char *key;
	int *d;

	if (t == NULL) {
		t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    g_free);
		g_object_set_data_full(G_OBJECT(pl), "rally-ink", t,
		    (GDestroyNotify)g_hash_table_unref);
	}
	key = g_strdup_printf("%s|%s|%g|%s", p->font, p->lang != NULL ?
	    p->lang : "", p->rel, p->text);
	if ((d = g_hash_table_lookup(t, key)) != NULL) {
		g_free(key);
		*drop = d[1];
		return d[0];
	}
	one = pango_layout_new(pango_layout_get_context(pl));
	S_set_one(one, p);
	pango_layout_get_extents(one, &ir, &lr);
	g_object_unref(one);
	gap = size / 10;
	half = (fmax(lh * size, ir.height + gap) - lr.height) / 2;
	/* ink above the box: the box grows (both ways) */
	half = fmax(half, lr.y - ir.y + gap / 2);
	d = g_new(int, 2);
	d[0] = (int)lround(lr.height + 2 * half);
	d[1] = (int)fmax(0, lround(ir.y + ir.height - lr.y - lr.height -
	    half + gap / 2));
	g_hash_table_insert(t, key, d);
	*drop = d[1];
	return d[0];
}

/* Has text a letter of a script other than Latin, Greek, Cyrillic? */
static int
S_other_script(const char *text)
{
	const char *p;
	gunichar u;

	for (p = text; *p != '\0'; p = g_utf8_next_char(p)) {
		u = g_utf8_get_char(p);
		if (g_unichar_isalpha(u) && !words_alphabet(u))
			return 1;
	}
	return 0;
}

/*
 * pango places each line at the layout's line spacing times the line's
 * own height below the last: after a Nastaliq line, deep below its
 * baseline, a Hebrew or Latin line sits on its dots.  When a paragraph
 * of v in another script (Arabic, Hebrew, Ethiopic ...) is more than a
 * sixth taller than the frame's face (one line at FIT_REF), the lines
 * are stacked by their extents instead, each
 * paragraph with the line height it needs (S_para_lh; pango's
 * line_height, as CSS does).  lh is the frame's line-height.  Frames
 * of one face keep their setting.  Returns whether the layout was
 * switched.
 */
int
fit_mixed_lines(PangoLayout *pl, const struct para *v, size_t n,
    double face, double lh)
{
	PangoLayout *one;
	PangoRectangle lr;
	double f = pango_layout_get_line_spacing(pl), *keep;
	size_t i;
	int tall = 0;

	if (f <= 0 || face <= 0)
		return 0;
	one = pango_layout_new(pango_layout_get_context(pl));
	for (i = 0; i < n && !tall; i++) {
		/* Latin, Greek and Cyrillic faces stay as they were set
		   (a hashtag in Inter in a Bebas Neue line among them). */
		if (!S_other_script(v[i].text))
			continue;
		S_set_one(one, &v[i]);
		pango_layout_get_extents(one, NULL, &lr);
		/* its tallest line, against the face's at its size */
		tall = (double)lr.height / PANGO_SCALE /
		    (double)pango_layout_get_line_count(one) >
		    face * v[i].rel * 7 / 6;
	}
	g_object_unref(one);
	if (!tall)
		return 0;
	keep = g_new(double, 1);
	*keep = lh;
	g_object_set_data_full(G_OBJECT(pl), "rally-runs-lh", keep, g_free);
	g_object_set_data(G_OBJECT(pl), "rally-markup", NULL);
	pango_layout_set_line_spacing(pl, 0);
	return 1;
}

/*
 * Tight display leading (capitals 0.8 em apart) puts the ring of Å and
 * the accents of É and Ö on the foot of the line above.  For each
 * paragraph of v: its ink above and below the baseline, set on one
 * line, and a gap of a twelfth of the ink above, against the distance
 * between two of its lines' baselines at pl's spacing; where the ink
 * needs more, the spacing grows, by at most what its accents stand
 * above the face's capitals and ascenders ("Hdlk"): text without them
 * keeps its leading, as does ink less than a tenth above them (Ø's
 * overshoot).  One leading for the whole frame.  A frame without
 * line-height, or stacked by extents (fit_mixed_lines), is left as it
 * is.  Returns whether it grew.
 */
int
fit_clear_ink(PangoLayout *pl, const struct para *v, size_t n)
{
	float f = pango_layout_get_line_spacing(pl);
	PangoLayout *one;
	PangoLayoutIter *it;
	PangoRectangle ir;
	struct para q;
	double need = 1, above, below, ref, d;
	char *p;
	int b0;
	size_t i;

	if (f <= 0 || n == 0)
		return 0;
	one = pango_layout_new(pango_layout_get_context(pl));
	pango_layout_set_line_spacing(one, f);
	for (i = 0; i < n; i++) {
		q = v[i];
		q.text = g_strdup(v[i].text);
		for (p = q.text; *p != '\0'; p++)
			if (*p == '\n')
				*p = ' ';
		S_set_one(one, &q);
		g_free(q.text);
		pango_layout_get_extents(one, &ir, NULL);
		b0 = pango_layout_get_baseline(one);
		above = b0 - ir.y;
		below = fmax(0, ir.y + ir.height - b0);
		q.text = (char *)"Hdlk";
		S_set_one(one, &q);
		pango_layout_get_extents(one, &ir, NULL);
		ref = pango_layout_get_baseline(one) - ir.y;
		/* Two lines of the paragraph's face, as the frame sets them. */
		q.text = (char *)"H\nH";
		S_set_one(one, &q);
		it = pango_layout_get_iter(one);
		b0 = pango_layout_iter_get_baseline(it);
		d = pango_layout_iter_next_line(it) ?
		    pango_layout_iter_get_baseline(it) - b0 : 0;
		pango_layout_iter_free(it);
		/* Ø's overshoot (5 %) is no accent: a tenth or more. */
		if (d > 0 && above > ref * 1.1)
			need = fmax(need, fmin(above * 13 / 12 + below,
			    d + above - ref) / d);
	}
	g_object_unref(one);
	if (need <= 1)
		return 0;
	pango_layout_set_line_spacing(pl, (float)(f * need));
	return 1;
}

/* The text's vertical extent, ink and line boxes together: top, height. */
void
fit_extent(PangoLayout *pl, double *top, double *height, double *left,
    double *right, double *logw)
{
	PangoRectangle ink, log;
	double t, b;

	pango_layout_get_extents(pl, &ink, &log);
	t = fmin(ink.y, log.y) / PANGO_SCALE;
	b = fmax(ink.y + ink.height, log.y + log.height) / PANGO_SCALE;
	*top = t;
	*height = b - t;
	*left = (double)ink.x / PANGO_SCALE;
	*right = (double)(ink.x + ink.width) / PANGO_SCALE;
	*logw = (double)log.width / PANGO_SCALE;
}

/*
 * Text is always set at FIT_REF points and scaled into place: with
 * hinting off and unrounded glyph positions, a layout at size pt in
 * width w is the layout at FIT_REF in width w * FIT_REF / pt, scaled
 * by pt / FIT_REF.  So the size search asks fontconfig, FreeType and
 * HarfBuzz for one size per font instead of one per step.
 */
void
fit_set_at(PangoLayout *pl, const struct para *v, size_t n, double pt,
    double w)
{
	const double *lh = g_object_get_data(G_OBJECT(pl), "rally-runs-lh");
	char *m = S_markup(v, n, FIT_REF,
	    pango_layout_get_wrap(pl) == PANGO_WRAP_WORD_CHAR,
	    lh != NULL ? *lh : 0, pl);
	const char *was = g_object_get_data(G_OBJECT(pl), "rally-markup");

	pango_layout_set_width(pl, (int)(w * FIT_REF / pt * PANGO_SCALE));
	/* The size search changes only the width: parse the markup once. */
	if (was != NULL && strcmp(was, m) == 0) {
		g_free(m);
		return;
	}
	pango_layout_set_markup(pl, m, -1);
	g_object_set_data_full(G_OBJECT(pl), "rally-markup", m, g_free);
}

/*
 * How far the text moves right (or left, if negative) in a layout w
 * wide: a glyph whose ink reaches before where it starts (a Greek
 * capital with its tonos first, Ό; a Nastaliq kaf at the start of a
 * line that runs right to left) would stand outside at any size, and
 * so never fit.  left and right are the ink's (fit_extent), k the
 * scale to the frame.
 */
double
fit_inset(double left, double right, double w, double k)
{
	if (left * k < -FIT_TOL)
		return -left * k;
	if (right * k > w + FIT_TOL)
		return w - right * k;
	return 0;
}

/*
 * What a layout of the search's text was at one width (pango units at
 * FIT_REF): its lines break the same at any width from its widest line
 * up to that one (pango breaks greedily: each line still fits, and the
 * word after it still does not), so its extents are the same too, but
 * for where alignment puts the lines: shift halves of the width's
 * change (left-aligned 0, centred 1, right-aligned 2).  The size search
 * and the balancing ask at widths such a layout covers again and again;
 * they are answered from it instead of pango shaping the text again.
 */
struct cfg {
	int	wlo, whi;	/* the widths it covers */
	int	lines;
	int	shift;
	double	height, logw, left, right;	/* fit_extent at whi */
};

#define NCFG	12

struct cfgs {
	struct cfg	v[NCFG];
	int		n, next;
};

/* The layout's lines, as pl now has them, for cc. */
static void
S_cfg_add(PangoLayout *pl, struct cfgs *cc, int W, double height,
    double logw, double left, double right)
{
	PangoLayoutIter *it;
	PangoRectangle log;
	PangoAlignment al = pango_layout_get_alignment(pl);
	struct cfg *e;
	int wmax = 0, dir = -1, d, shift;

	it = pango_layout_get_iter(pl);
	do {
		PangoLayoutLine *ln = pango_layout_iter_get_line_readonly(it);

		pango_layout_line_get_extents(ln, NULL, &log);
		if (log.width > wmax)
			wmax = log.width;
		d = ln->resolved_dir == PANGO_DIRECTION_RTL;
		if (dir != -1 && d != dir) {
			/* Lines that move different ways: not kept. */
			pango_layout_iter_free(it);
			return;
		}
		dir = d;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	if (wmax > W)
		return;		/* a line overflows: no range */
	shift = al == PANGO_ALIGN_CENTER ? 1 : (al == PANGO_ALIGN_RIGHT) !=
	    (dir == 1) ? 2 : 0;
	e = &cc->v[cc->n < NCFG ? cc->n++ : cc->next++ % NCFG];
	e->wlo = wmax;
	e->whi = W;
	e->lines = pango_layout_get_line_count(pl);
	e->shift = shift;
	e->height = height;
	e->logw = logw;
	e->left = left;
	e->right = right;
}

/*
 * Does the text fit the w x h box at size pt?  Ink included.  With cc,
 * answered from a layout it keeps when one covers the width; *lines
 * (when not NULL) gets the number of lines.
 */
static int
S_fits(PangoLayout *pl, const struct para *v, size_t n, double pt,
    double w, double h, struct cfgs *cc, int *lines)
{
	double top, height, left, right, logw, k = pt / FIT_REF, in, dx;
	int W = (int)(w * FIT_REF / pt * PANGO_SCALE), i;
	const struct cfg *e = NULL;

	for (i = 0; cc != NULL && i < cc->n && e == NULL; i++)
		if (cc->v[i].wlo <= W && W <= cc->v[i].whi)
			e = &cc->v[i];
	if (e != NULL) {
		dx = (double)e->shift * (W - e->whi) / 2 / PANGO_SCALE;
		height = e->height;
		logw = e->logw;
		left = e->left + dx;
		right = e->right + dx;
		if (lines != NULL)
			*lines = e->lines;
	} else {
		fit_set_at(pl, v, n, pt, w);
		fit_extent(pl, &top, &height, &left, &right, &logw);
		if (lines != NULL)
			*lines = pango_layout_get_line_count(pl);
		if (cc != NULL)
			S_cfg_add(pl, cc, W, height, logw, left, right);
	}
	in = fit_inset(left, right, w, k);
	return logw * k <= w + FIT_TOL && height * k <= h + FIT_TOL &&
	    left * k + in >= -FIT_TOL && right * k + in <= w + FIT_TOL;
}

/* The largest size in [lo, hi] at which the text fits, or 0. */
static double
S_fit(PangoLayout *pl, const struct para *v, size_t n, double lo, double hi,
    double w, double h, struct cfgs *cc)
{
	int i;

	if (S_fits(pl, v, n, hi, w, h, cc, NULL))
		return hi;
	if (!S_fits(pl, v, n, lo, w, h, cc, NULL))
		return 0;
	for (i = 0; i < FIT_STEPS && hi - lo > fmax(0.05, hi * 0.004); i++) {
		double mid = (lo + hi) / 2;

		if (S_fits(pl, v, n, mid, w, h, cc, NULL))
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* What a designer would fix in a setting. */
struct flaws {
	int	lone;	/* lines of one word of <= 3 letters, in a paragraph
			   of more lines */
	int	hyph;	/* lines ending at a hyphen rally added */
	int	addr;	/* lines ending inside an address */
	int	name;	/* ... or a street or town hyphenated, words_named */
	int	widow;	/* last lines of one word (not a hashtag), in
			   paragraphs of more lines */
	int	range;	/* lines ending at the dash of a named range,
			   "måndag–" / "fredag" */
	int	lines;
};

/*
 * Is the en dash at q, which ends a line, inside a range of named days
 * or months ("måndag–fredag", "man.–fre.", "marts–maj"), the next line
 * starting at next?  (Time ranges and numbers are joined for good:
 * words_units.  A named range is not, since a long one would rather
 * break there than be hyphenated.)
 */
static int
S_range_dash(const char *text, const char *q, const char *next)
{
	const char *b;
	gunichar c;

	if (g_utf8_get_char(q) != 0x2013 || q == text)
		return 0;
	b = g_utf8_prev_char(q);
	c = g_utf8_get_char(b);
	if (c == '.' && b > text)
		c = g_utf8_get_char(g_utf8_prev_char(b));
	return g_unichar_isalpha(c) && g_unichar_isalpha(g_utf8_get_char(next));
}

static void
S_flaws(PangoLayout *pl, struct flaws *fl)
{
	const char *text = pango_layout_get_text(pl), *p, *e;
	GSList *l;
	PangoLayoutLine *ln, *nx;
	long letters, words;
	int inword, plines = 0, tag = 0;

	fl->lone = fl->hyph = fl->addr = fl->name = fl->widow = fl->range = 0;
	fl->lines = pango_layout_get_line_count(pl);
	for (l = pango_layout_get_lines_readonly(pl); l != NULL; l = l->next) {
		ln = l->data;
		nx = l->next != NULL ? l->next->data : NULL;
		plines = ln->is_paragraph_start ? 1 : plines + 1;
		p = text + ln->start_index;
		e = p + ln->length;
		letters = words = 0;
		inword = 0;
		for (; p < e; p = g_utf8_next_char(p)) {
			gunichar ch = g_utf8_get_char(p);

			/* A no-break space joins: "omsorg –" is one. */
			if (g_unichar_isspace(ch) && ch != 0xA0) {
				inword = 0;
				continue;
			}
			if (!inword) {
				words++;
				tag = ch == '#' || ch == 0xE000;
			}
			inword = 1;
			if (g_unichar_isalnum(ch))
				letters++;
		}
		if (words == 1 && letters <= 3 && !(ln->is_paragraph_start &&
		    (nx == NULL || nx->is_paragraph_start)))
			fl->lone++;
		/* A paragraph ends in a line of one word (a hashtag may
		   stand on a line of its own, under its slogan). */
		else if (words == 1 && plines >= 2 && !tag &&
		    (nx == NULL || nx->is_paragraph_start))
			fl->widow++;
		/* Ends at a soft hyphen pango turned into a hyphen. */
		for (p = text + ln->start_index + ln->length; p > text +
		    ln->start_index; ) {
			const char *q = g_utf8_prev_char(p);

			/* S_addr's zero-width space: inside an address. */
			if (g_utf8_get_char(q) == 0x200B) {
				fl->addr += l->next != NULL;
				break;
			}
			if (!g_unichar_isspace(g_utf8_get_char(q))) {
				if (g_utf8_get_char(q) == 0xAD) {
					fl->hyph++;
					fl->name += words_named(text, q);
				}
				else if (nx != NULL && !nx->is_paragraph_start &&
				    g_utf8_next_char(q) == text +
				    nx->start_index &&
				    S_range_dash(text, q, text +
				    nx->start_index))
					fl->range++;
				break;
			}
			p = q;
		}
	}
}

/*
 * The narrowest width, at most w, at which the text keeps its number
 * of lines: lines as even as the breaks allow (CSS's text-wrap:
 * balance), for a single paragraph of two to five lines.
 */
static double
S_balance(PangoLayout *pl, const struct para *v, size_t n, double pt,
    double w, double h, struct cfgs *cc)
{
	double lo, hi, mid;
	int lines, at, i;

	if (n != 1)
		return w;
	S_fits(pl, v, n, pt, w, h, cc, &lines);
	if (lines < 2 || lines > 5)
		return w;
	lo = w / lines;
	hi = w;
	for (i = 0; i < 7; i++) {	/* within 1 % of w */
		mid = (lo + hi) / 2;
		if (S_fits(pl, v, n, pt, mid, h, cc, &at) && at == lines)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/*
 * Scores v at size (fit_try) and makes it the best when it wins:
 * returns whether it did.  took: v is the best already (one of its
 * sizes), so the best's paragraphs are not freed.  Its flaws in *out.
 */
static int
S_take(PangoLayout *pl, struct para *v, size_t n, double size,
    const double r[4], struct cfgs *ccp, struct setting *best, int took,
    struct flaws *out)
{
	struct flaws fl;
	double w, score;

	w = S_balance(pl, v, n, size, r[2], r[3], ccp);
	fit_set_at(pl, v, n, size, w);
	S_flaws(pl, &fl);
	if (out != NULL)
		*out = fl;
	best->lone |= fl.lone;
	best->widow |= fl.widow;
	score = size * (fl.lone ? 0.75 : 1) * pow(0.6, fl.addr) *
	    (fl.name ? 0.7 : 1) * (fl.widow ? 0.95 : 1) *
	    (!fl.hyph ? 1 : n == 1 && fl.lines <= 5 ? 0.5 : 0.85);
	if (score <= best->score)
		return 0;
	if (!took && best->v != NULL)
		fit_free(best->v, best->n);
	best->v = v;
	best->n = n;
	best->pt = size;
	best->w = w;
	best->score = score;
	best->range = fl.range;
	return 1;
}

/*
 * The largest size from lo to hi at which no more of v's addresses
 * break than at lo (the fewest they can), to within 1 %; lo when even
 * that breaks more or does not fit.
 */
static double
S_fewest_breaks(PangoLayout *pl, const struct para *v, size_t n, double lo,
    double hi, const double r[4], struct cfgs *ccp)
{
	struct flaws fl;
	double mid, at = lo;
	int least, i;

	fit_set_at(pl, v, n, lo, r[2]);
	S_flaws(pl, &fl);
	least = fl.addr;
	for (i = 0; i < 7 && hi - lo > hi * 0.01; i++) {
		mid = (lo + hi) / 2;
		fit_set_at(pl, v, n, mid, r[2]);
		S_flaws(pl, &fl);
		if (fl.addr <= least) {
			lo = mid;
			if (S_fits(pl, v, n, mid, r[2], r[3], ccp, NULL))
				at = mid;
		} else
			hi = mid;
	}
	return at;
}

/*
 * Scores v at the largest size that fits and, while a line is one short
 * word, at sizes down to four fifths of it.  Size counts; a lone word
 * costs a quarter of it; a hyphen in display text (one paragraph of at
 * most five lines: headlines, slogans) half, so a setting without
 * hyphens wins unless the hyphen doubles the size ("I ALDER- / DOMMEN"
 * reads badly from across a square), and 15 % in running text, where
 * a setting without wins from 85 % of the size; each address broken
 * over two lines 30 % (so, with addresses broken, the largest size at
 * which the fewest break is tried too), as does a hyphen in a street
 * or town named with its number ("Kanal-/gatan 43"); running text
 * ending in a line of one word 5 % (the
 * setting with its last two words joined wins).  Keeps the best in
 * *best and takes v (frees it when it is not the best); returns
 * whether anything fitted.
 */
int
fit_try(PangoLayout *pl, struct para *v, size_t n, double lo, double hi,
    const double r[4], double most, struct setting *best)
{
	struct flaws fl;
	struct cfgs cc, *ccp = g_object_get_data(G_OBJECT(pl),
	    "rally-every-width") != NULL ? NULL : &cc;
	double pt, size, few;
	int step, took = 0;

	cc.n = cc.next = 0;
	if ((pt = S_fit(pl, v, n, lo, hi, r[2], r[3], ccp)) <= 0) {
		fit_free(v, n);
		return 0;
	}
	for (step = 0; step <= 5; step++) {
		size = pt * (1 - 0.04 * step);
		/* The best score this size could have (most: 0.85 for a
		   setting with hyphens, since one that uses none is a
		   setting between words, already tried) cannot win. */
		if (size < lo || size * most <= best->score)
			break;
		took |= S_take(pl, v, n, size, r, ccp, best, took, &fl);
		/* Addresses broken at the largest size: also the largest
		   size at which the fewest of them break. */
		if (step == 0 && fl.addr > 0 && (few = S_fewest_breaks(pl, v,
		    n, lo, size, r, ccp)) < size)
			took |= S_take(pl, v, n, few, r, ccp, best, took, NULL);
		if (!fl.lone)
			break;
	}
	if (!took)
		fit_free(v, n);
	return 1;
}

/* Is there a word before the space at p, after another one (three)? */
static int
S_two_words(const char *text, const char *p)
{
	int words = 0, in = 0;

	for (; p > text; p--) {
		if (p[-1] == ' ' || p[-1] == '\n') {
			if (p[-1] == '\n')
				break;
			in = 0;
		} else if (!in) {
			in = 1;
			words++;
		}
	}
	return words >= 2;
}

/*
 * Appends the word from w to e to t, with a word joiner on both sides
 * of each dash of a named range in it (S_range_dash) and then without
 * its soft hyphens; returns whether there was one.
 */
static int
S_join_ranges(GString *t, const char *w, const char *e)
{
	const char *q;
	int any = 0;

	for (q = w; q < e; q = g_utf8_next_char(q))
		if (q > w && g_utf8_next_char(q) < e &&
		    S_range_dash(w, q, g_utf8_next_char(q)))
			any = 1;
	for (q = w; q < e; q = g_utf8_next_char(q)) {
		if (q > w && g_utf8_next_char(q) < e &&
		    S_range_dash(w, q, g_utf8_next_char(q)))
			g_string_append(t, WJ "\xE2\x80\x93" WJ);
		/* Whole means whole: no "januar–decem-" either. */
		else if (!any || g_utf8_get_char(q) != 0xAD)
			g_string_append_len(t, q, g_utf8_next_char(q) - q);
	}
	return any;
}

/*
 * A copy of v in which each word of three letters or fewer is joined
 * to the word before it by a no-break space, and with last, each
 * paragraph's last word too (of three words or more: no line of one
 * word at its end); NULL when there is none.  last 2, instead: the
 * halves of each named range ("måndag–fredag") joined at their dash.
 * v is not freed: fit_try may own it.
 */
struct para *
fit_glue(const struct para *v, size_t n, int last)
{
	struct para *g = xcalloc(n, sizeof(*g));
	GString *t;
	const char *p, *w, *e;
	size_t i;
	int any = 0;

	for (i = 0; i < n; i++) {
		t = g_string_new(NULL);
		for (p = v[i].text; *p != '\0'; p = e) {
			for (w = p; *w == ' '; w++)
				continue;
			for (e = w; *e != '\0' && *e != ' ' && *e != '\n'; e++)
				continue;
			if (last == 2)
				g_string_append_len(t, p, w - p);
			else if (w > p && w > v[i].text && e > w &&
			    ((g_utf8_strlen(w, e - w) <= 3 &&
			    g_unichar_isalpha(g_utf8_get_char(w))) ||
			    (last && (*e == '\0' || *e == '\n') &&
			    S_two_words(v[i].text, p)))) {
				g_string_append_len(t, p, w - p - 1);
				g_string_append(t, NBSP);
				any = 1;
			} else
				g_string_append_len(t, p, w - p);
			if (last == 2)
				any |= S_join_ranges(t, w, e);
			else
				g_string_append_len(t, w, e - w);
			if (*e == '\n')
				g_string_append_c(t, *e++);
		}
		g[i].text = g_string_free(t, FALSE);
		g[i].font = xstrdup(v[i].font);
		g[i].rel = v[i].rel;
		g[i].color = v[i].color != NULL ? xstrdup(v[i].color) : NULL;
		g[i].tagfont = v[i].tagfont != NULL ? xstrdup(v[i].tagfont) :
		    NULL;
		g[i].tagrel = v[i].tagrel;
		g[i].lang = v[i].lang;
	}
	if (!any) {
		fit_free(g, n);
		return NULL;
	}
	return g;
}
