/*
 * print_text.c: a text frame: its paragraphs from the layout and the
 * content, set as print_fit.c finds best, drawn, or reported at the
 * content when nothing fits.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"
#include "print.h"

/* The content value a frame's text is mostly made of (see S_blame). */
struct blame {
	const struct val	*v;
	char			*key;	/* its key: "headline" (owned) */
	size_t			 total;	/* characters of the whole frame */
	gunichar		 want;	/* if not 0: the value holding this
					   character, rather than the longest */
};

/* The language of a sheet's text: its message's, its area's, the site's. */
static const char *
S_lang(const struct rctx *c)
{
	const char *l = NULL;

	if (c->sh->message != NULL)
		l = map_str(c->sh->message, "lang");
	if (l == NULL && c->sh->area != NULL)
		l = map_str(c->sh->area, "lang");
	return l != NULL ? l : c->sh->site->lang;
}

/* Is l the site's language (the dictionary's)? */
static int
S_site_lang(const struct rctx *c, const char *l)
{
	const char *s = c->sh->site->lang;

	return lang_is(l, s, strcspn(s, "-_"));
}

/*
 * The language of a paragraph: that of whatever its first {expr} starts
 * from.  The sheet's message, or another message of its area listed on
 * the back, is in its own lang, else its area's, else the site's; the
 * area in its own or the site's; anything else (the site's labels, an
 * organisation, events) in its own lang if it has one, else the site's.
 * Literal text is the sheet's.
 */
static const char *
S_para_lang(struct rctx *c, xmlNodePtr n, const char *raw,
    const struct scope *sc)
{
	const char *o = strchr(raw, '{'), *l;
	const struct val *v, *msgs;
	char *root;
	size_t i, len;
	int failed = 0, msg;

	if (o == NULL)
		return S_lang(c);
	o += strspn(o + 1, " ") + 1;
	len = strcspn(o, " .|}");
	if (len == 0)
		return S_lang(c);
	root = xstrndup(o, len);
	v = tmpl_eval(root, n, c->sh->lay->path, sc, c->pool, &failed);
	free(root);
	if (v == NULL || v->type != V_MAP)
		return S_lang(c);
	if ((l = map_str(v, "lang")) != NULL)
		return l;
	msg = v == c->sh->message;
	msgs = c->sh->area != NULL ? map_get(c->sh->area, "messages") : NULL;
	for (i = 0; !msg && msgs != NULL && msgs->type == V_LIST &&
	    i < msgs->len; i++)
		msg = msgs->items[i] == v;
	if (msg && (l = map_str(c->sh->area, "lang")) != NULL)
		return l;
	return c->sh->site->lang;
}

/* Is the first letter of s (by its script) one written left to right? */
static int
S_starts_ltr(const char *s)
{
	GUnicodeScript sc;

	for (; *s != '\0'; s = g_utf8_next_char(s)) {
		sc = g_unichar_get_script(g_utf8_get_char(s));
		if (sc == G_UNICODE_SCRIPT_COMMON ||
		    sc == G_UNICODE_SCRIPT_INHERITED ||
		    sc == G_UNICODE_SCRIPT_UNKNOWN)
			continue;
		return sc != G_UNICODE_SCRIPT_ARABIC &&
		    sc != G_UNICODE_SCRIPT_HEBREW &&
		    sc != G_UNICODE_SCRIPT_SYRIAC &&
		    sc != G_UNICODE_SCRIPT_THAANA &&
		    sc != G_UNICODE_SCRIPT_NKO;
	}
	return 0;
}

/*
 * A face that lacks a letter of an alphabet it otherwise has (Bebas
 * Neue: no Ukrainian І Ї Є, no Greek, no Sami Ŋ) would set that letter
 * alone in another face, mid-word.  Returns the face the paragraph goes
 * in instead, whole (owned): rally's condensed display face for every
 * alphabet for a bold frame, Inter for a regular one; NULL when font
 * has every letter of text.
 */
static char *
S_whole_face(struct rctx *c, const char *font, const char *text)
{
	PangoContext *ctx = c->sh->site->fonts->pctx;
	PangoFontDescription *fd;
	PangoFont *pf;
	const char *s;
	char *alt = NULL, *name;
	gunichar u;

	/* Letters of ASCII only, the common case: every face has them. */
	for (s = text; *s != '\0' && !(*s & 0x80); s++)
		continue;
	if (*s == '\0')
		return NULL;
	fd = pango_font_description_from_string(font);
	/* Loaded once a face: pango's own lookup builds a pattern. */
	if (c->sh->site->fonts->faces == NULL)
		c->sh->site->fonts->faces = g_hash_table_new_full(g_str_hash,
		    g_str_equal, g_free, g_object_unref);
	if ((pf = g_hash_table_lookup(c->sh->site->fonts->faces, font)) ==
	    NULL && (pf = pango_font_map_load_font(
	    pango_context_get_font_map(ctx), ctx, fd)) != NULL)
		g_hash_table_insert(c->sh->site->fonts->faces, g_strdup(font),
		    pf);
	for (s = text; *s != '\0'; s = g_utf8_next_char(s)) {
		u = g_utf8_get_char(s);
		if (g_unichar_isalpha(u) && words_alphabet(u) &&
		    (pf == NULL || !pango_font_has_char(pf, u)))
			break;
	}
	if (*s != '\0') {
		pango_font_description_set_family(fd,
		    pango_font_description_get_weight(fd) >=
		    PANGO_WEIGHT_SEMIBOLD ? "Noto Sans Display ExtraCondensed" :
		    "Inter");
		name = pango_font_description_to_string(fd);
		alt = xstrdup(name);
		g_free(name);
	}
	pango_font_description_free(fd);
	return alt;
}

static void
S_para_add(struct rctx *c, xmlNodePtr f, xmlNodePtr p, const char *text,
    const char *lang, struct para **v, size_t *n, enum brk brk)
{
	char *tr = lay_attr(f, "transform"), *font, *up, *h, *any, *units, *hy;
	struct para *q;

	font = p != NULL ? lay_attr(p, "font") : NULL;
	if (font == NULL)
		font = lay_attr(f, "font");
	if (font == NULL)
		font = xstrdup("Sans");
	up = tr != NULL && strcmp(tr, "upper") == 0 ? words_upper(text) :
	    g_strdup(text);
	/* An address whole (an e-mail address in two halves reads as
	   two) until nothing else fits. */
	units = words_units(up, brk >= BRK_NAMES);
	g_free(up);
	up = words_single(lang, units);
	g_free(units);
	/* By the dictionary of the text's own language, if it has one;
	   not a paragraph that says hyphenate="no" (a name). */
	hy = p != NULL ? lay_attr(p, "hyphenate") : NULL;
	h = brk >= BRK_HYPHEN && (hy == NULL || strcmp(hy, "no") != 0) ?
	    words_hyphenate(c->sh->ps, S_site_lang(c, lang) ? NULL : lang,
	    up, brk >= BRK_NAMES) : g_strdup(up);
	free(hy);
	if (brk == BRK_ANY) {
		any = words_break_any(h);
		g_free(h);
		h = any;
	}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	q = &(*v)[(*n)++];
	q->tagfont = lay_attr(f, "hashtag-font");
	q->tagrel = lay_num(f, "hashtag-size", 1);
	if (!(q->tagrel > 0.2 && q->tagrel <= 5))
		q->tagrel = 1;
	if (q->tagfont != NULL) {
		any = words_tags(h);
		g_free(h);
		h = any;
	}
	/* A paragraph in a language written right to left runs so,
	   whatever its first word: "KL: ..." in Farsi starts on the
	   right.  Otherwise the text says (pango's first strong letter). */
	q->text = lang_is_rtl(lang) && S_starts_ltr(h) ?
	    xasprintf("%s%s", RLM, h) : xstrdup(h);
	q->lang = lang;
	if ((any = S_whole_face(c, font, h)) != NULL) {
		free(font);
		font = any;
	}
	q->font = font;
	q->rel = p != NULL ? lay_num(p, "size", 1) : 1;
	if (!(q->rel > 0 && q->rel < 10))
		q->rel = 1;
	q->color = p != NULL ? draw_attr(c, p, "color") : NULL;
	g_free(up);
	g_free(h);
	free(tr);
}

/*
 * Which content value is to blame when raw does not fit: each {expr}
 * of it evaluated alone; the longest text written in content/ wins.
 */
static void
S_blame(struct rctx *c, xmlNodePtr n, const char *raw,
    const struct scope *sc, struct blame *bl)
{
	const char *p = raw, *o, *e;
	const struct val *v;
	char *expr, *dot;
	int failed = 0;

	while ((o = strchr(p, '{')) != NULL && (e = strchr(o, '}')) != NULL) {
		expr = g_strstrip(xstrndup(o + 1, (size_t)(e - o - 1)));
		p = e + 1;
		v = tmpl_eval(expr, n, c->sh->lay->path, sc, c->pool, &failed);
		if (v != NULL && v->type == V_STR && v->pos.file != NULL &&
		    strncmp(v->pos.file, "content/", 8) == 0 &&
		    (bl->want != 0 ? bl->v == NULL &&
		    g_utf8_strchr(v->s, -1, bl->want) != NULL :
		    bl->v == NULL || g_utf8_strlen(v->s, -1) >
		    g_utf8_strlen(bl->v->s, -1))) {
			bl->v = v;
			free(bl->key);
			/* "message.headline" -> "headline"; "site.slogans.0"
			   -> "slogans.0". */
			expr[strcspn(expr, " |")] = '\0';
			dot = strrchr(expr, '.');
			if (dot != NULL && g_ascii_isdigit(dot[1]) &&
			    dot != strchr(expr, '.'))
				dot = memrchr(expr, '.', (size_t)(dot - expr));
			bl->key = xstrdup(dot != NULL ? dot + 1 : expr);
		}
		free(expr);
	}
}

/* Text content: a format string when it has braces, else literal. */
static void
S_text_of(struct rctx *c, xmlNodePtr n, const char *raw,
    const struct scope *sc, struct buf *b, struct blame *bl)
{
	b->len = 0;
	buf_puts(b, "");
	if (strchr(raw, '{') == NULL) {
		buf_puts(b, raw);
		return;
	}
	val_text(tmpl_eval(raw, n, c->sh->lay->path, sc, c->pool,
	    &c->failed), b);
	if (bl != NULL) {
		S_blame(c, n, raw, sc, bl);
		bl->total += (size_t)g_utf8_strlen(b->data, -1);
	}
}

/*
 * The paragraphs of a text frame: its text, or its <p> children, each
 * list (each=) cut by drop items but never below one.  With bl, also
 * finds the value to blame.
 */
static struct para *
S_paras(struct rctx *c, xmlNodePtr f, size_t *n, enum brk brk, long drop,
    struct blame *bl)
{
	struct para *v = NULL;
	xmlNodePtr k;
	xmlChar *t;
	char *raw, *each, *in, *var, *lim;
	const struct val *list;
	struct scope loop;
	struct buf b = { NULL, 0, 0 };
	long limit;
	size_t i;
	int haspara = 0;

	*n = 0;
	for (k = f->children; k != NULL; k = k->next)
		if (lay_is(k, "p"))
			haspara = 1;
	if (!haspara) {
		t = xmlNodeGetContent(f);
		raw = g_strstrip(g_strdup((const char *)t));
		xmlFree(t);
		S_text_of(c, f, raw, c->sc, &b, bl);
		S_para_add(c, f, NULL, b.data, S_para_lang(c, f, raw, c->sc),
		    &v, n, brk);
		g_free(raw);
		buf_free(&b);
		return v;
	}
	for (k = f->children; k != NULL; k = k->next) {
		if (!lay_is(k, "p") || !draw_cond(c, k))
			continue;
		t = xmlNodeGetContent(k);
		raw = g_strstrip(g_strdup((const char *)t));
		xmlFree(t);
		each = lay_attr(k, "each");
		if (each == NULL) {
			S_text_of(c, k, raw, c->sc, &b, bl);
			S_para_add(c, f, k, b.data, S_para_lang(c, k, raw,
			    c->sc), &v, n, brk);
		} else if ((in = strstr(each, " in ")) != NULL) {
			var = g_strstrip(g_strndup(each, (gsize)(in - each)));
			list = tmpl_eval(in + 4, k, c->sh->lay->path, c->sc,
			    c->pool, &c->failed);
			lim = lay_attr(k, "limit");
			limit = lim != NULL ? strtol(lim, NULL, 10) : 1000;
			free(lim);
			if (list != NULL && list->type == V_LIST &&
			    (long)list->len < limit)
				limit = (long)list->len;
			limit = limit - drop < 1 ? 1 : limit - drop;
			for (i = 0; list != NULL && list->type == V_LIST &&
			    i < list->len && (long)i < limit; i++) {
				loop.name = var;
				loop.v = list->items[i];
				loop.up = c->sc;
				S_text_of(c, k, raw, &loop, &b, bl);
				S_para_add(c, f, k, b.data, S_para_lang(c, k,
				    raw, &loop), &v, n, brk);
			}
			g_free(var);
		} else {
			lay_err(c->sh->lay, k, "each needs 'name in list'");
			c->failed = 1;
		}
		free(each);
		g_free(raw);
	}
	buf_free(&b);
	return v;
}

/* The most items any list of the frame shows (0: it has none). */
static long
S_list_items(struct rctx *c, xmlNodePtr f)
{
	const struct val *list;
	xmlNodePtr k;
	char *each, *in, *lim;
	long most = 0, limit;

	for (k = f->children; k != NULL; k = k->next) {
		if (!lay_is(k, "p") || !draw_cond(c, k) ||
		    (each = lay_attr(k, "each")) == NULL)
			continue;
		if ((in = strstr(each, " in ")) != NULL &&
		    (list = tmpl_eval(in + 4, k, c->sh->lay->path, c->sc,
		    c->pool, &c->failed)) != NULL && list->type == V_LIST) {
			lim = lay_attr(k, "limit");
			limit = lim != NULL ? strtol(lim, NULL, 10) : 1000;
			free(lim);
			if ((long)list->len < limit)
				limit = (long)list->len;
			if (limit > most)
				most = limit;
		}
		free(each);
	}
	return most;
}

/*
 * The site's one pango context (print_lay.c): making one per text
 * frame costs a fontconfig match each time.  Print renders in
 * single-threaded worker processes (and rally flyer).
 */
static PangoContext *
S_context(const struct print_fonts *f, cairo_t *cr)
{
	(void)cr;
	/* Text is measured in the page's units, not in the device's of
	   this sheet: a preview's small scale would round it otherwise,
	   and set a frame unlike its PDF (tests/memo.sh).  Without
	   hinting, the glyphs drawn are the same. */
	if (pango_context_get_matrix(f->pctx) != NULL)
		pango_context_set_matrix(f->pctx, NULL);
	return f->pctx;
}

static PangoLayout *
S_pango(struct rctx *c, xmlNodePtr f, double w)
{
	PangoContext *ctx = S_context(c->sh->site->fonts, c->cr);
	PangoLayout *pl;
	char *al = lay_attr(f, "align"), *wr = lay_attr(f, "wrap"), *l;
	double lh = lay_num(f, "line-height", 0);

	/* Shaping and the choice of fallback fonts follow the language:
	   Farsi and Urdu set Arabic script their own way. */
	l = g_strndup(S_lang(c), strcspn(S_lang(c), "-_"));
	pango_context_set_language(ctx, pango_language_from_string(l));
	g_free(l);
	pl = pango_layout_new(ctx);
	pango_layout_set_width(pl, (int)(w * PANGO_SCALE));
	/*
	 * wrap="char" lets addresses and URLs break where they must, and
	 * with no hyphen added: in an address it reads as part of it.
	 */
	pango_layout_set_wrap(pl, wr != NULL && strcmp(wr, "char") == 0 ?
	    PANGO_WRAP_WORD_CHAR : PANGO_WRAP_WORD);	/* see S_markup */
	free(wr);
	if (lh > 0 && isfinite(lh)) {
		/*
		 * line-height is a multiple of the font size, as in CSS;
		 * pango's factor multiplies the font's own line height,
		 * which differs from font to font (Inter's is 1.6 em).
		 */
		char *font = lay_attr(f, "font");
		PangoFontDescription *fd = pango_font_description_from_string(
		    font != NULL ? font : "Sans");
		PangoLayout *one = pango_layout_new(ctx);
		PangoRectangle lr;

		/* One line's height, measured as the frame's are. */
		pango_font_description_set_size(fd, (int)(FIT_REF *
		    PANGO_SCALE));
		pango_layout_set_font_description(one, fd);
		pango_layout_set_text(one, "Hg", -1);
		pango_layout_get_extents(one, NULL, &lr);
		pango_layout_set_line_spacing(pl, (float)(lr.height > 0 ?
		    lh * FIT_REF * PANGO_SCALE / lr.height : lh));
		g_object_set_data(G_OBJECT(pl), "rally-face",
		    GINT_TO_POINTER(lr.height));
		g_object_unref(one);
		pango_font_description_free(fd);
		free(font);
	}
	if (c->sh->ps->every_width)
		g_object_set_data(G_OBJECT(pl), "rally-every-width", pl);
	if (al != NULL && strcmp(al, "center") == 0)
		pango_layout_set_alignment(pl, PANGO_ALIGN_CENTER);
	else if (al != NULL && strcmp(al, "right") == 0)
		pango_layout_set_alignment(pl, PANGO_ALIGN_RIGHT);
	free(al);
	return pl;
}

/* The name of the script of character u, for a message. */
static const char *
S_script_name(gunichar u, char other[8])
{
	static const struct {
		GUnicodeScript	 s;
		const char	*name;
	} names[] = {
		{ G_UNICODE_SCRIPT_ARABIC, "Arabic script (Arabic, Farsi, "
		    "Dari, Urdu)" },
		{ G_UNICODE_SCRIPT_ETHIOPIC, "Ethiopic (Tigrinya, Amharic)" },
		{ G_UNICODE_SCRIPT_CYRILLIC, "Cyrillic" },
		{ G_UNICODE_SCRIPT_GREEK, "Greek" },
		{ G_UNICODE_SCRIPT_HEBREW, "Hebrew" },
		{ G_UNICODE_SCRIPT_ARMENIAN, "Armenian" },
		{ G_UNICODE_SCRIPT_GEORGIAN, "Georgian" },
		{ G_UNICODE_SCRIPT_DEVANAGARI, "Devanagari" },
		{ G_UNICODE_SCRIPT_BENGALI, "Bengali" },
		{ G_UNICODE_SCRIPT_GURMUKHI, "Gurmukhi (Punjabi)" },
		{ G_UNICODE_SCRIPT_TAMIL, "Tamil" },
		{ G_UNICODE_SCRIPT_THAI, "Thai" },
		{ G_UNICODE_SCRIPT_MYANMAR, "Myanmar (Burmese)" },
		{ G_UNICODE_SCRIPT_KHMER, "Khmer" },
		{ G_UNICODE_SCRIPT_HAN, "Chinese characters (Han)" },
		{ G_UNICODE_SCRIPT_HIRAGANA, "Japanese (Hiragana)" },
		{ G_UNICODE_SCRIPT_KATAKANA, "Japanese (Katakana)" },
		{ G_UNICODE_SCRIPT_HANGUL, "Korean (Hangul)" },
		{ G_UNICODE_SCRIPT_TIFINAGH, "Tifinagh (Berber)" },
	};
	GUnicodeScript s = g_unichar_get_script(u);
	guint32 iso;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].s == s)
			return names[i].name;
	if (s == G_UNICODE_SCRIPT_UNKNOWN || s == G_UNICODE_SCRIPT_COMMON ||
	    s == G_UNICODE_SCRIPT_INHERITED)
		return NULL;
	iso = g_unicode_script_to_iso15924(s);
	snprintf(other, 8, "%c%c%c%c", (int)(iso >> 24 & 0xff),
	    (int)(iso >> 16 & 0xff), (int)(iso >> 8 & 0xff), (int)(iso & 0xff));
	return other;
}

/*
 * Every character of the set text has a glyph in some font: pango
 * draws a box of hex digits for one that has none, which must never
 * reach paper.  Returns 1, or 0 after reporting at the content.
 */
static int
S_glyphs(struct rctx *c, xmlNodePtr f, PangoLayout *pl)
{
	PangoLayoutIter *it;
	PangoLayoutRun *run;
	struct blame bl = { NULL, NULL, 0, 0 };
	struct para *v;
	gunichar u = 0;
	size_t n;
	int i;
	char other[8], ch[8];
	const char *script;

	if (pango_layout_get_unknown_glyphs_count(pl) == 0)
		return 1;
	it = pango_layout_get_iter(pl);
	do {
		run = pango_layout_iter_get_run_readonly(it);
		for (i = 0; run != NULL && i < run->glyphs->num_glyphs; i++) {
			PangoGlyph g = run->glyphs->glyphs[i].glyph;

			if ((g & PANGO_GLYPH_UNKNOWN_FLAG) &&
			    g_unichar_isgraph(g & ~PANGO_GLYPH_UNKNOWN_FLAG)) {
				u = g & ~PANGO_GLYPH_UNKNOWN_FLAG;
				break;
			}
		}
	} while (u == 0 && pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
	if (u == 0)
		return 1;	/* a control character: nothing drawn */
	ch[g_unichar_to_utf8(u, ch)] = '\0';
	script = S_script_name(u, other);
	bl.want = u;
	v = S_paras(c, f, &n, BRK_WORDS, 0, &bl);
	fit_free(v, n);
	if (bl.v != NULL)
		diag_err(&bl.v->pos, "%s has %s (U+%04X '%s') that no font "
		    "here covers: add a font for %s to assets/fonts/", bl.key,
		    script != NULL ? script : "a character", (unsigned)u, ch,
		    script != NULL ? script : "it");
	else
		lay_err(c->sh->lay, f, "the text has %s (U+%04X '%s') that no "
		    "font here covers: add a font for %s to assets/fonts/",
		    script != NULL ? script : "a character", (unsigned)u, ch,
		    script != NULL ? script : "it");
	free(bl.key);
	return 0;
}

/*
 * Reports text that does not fit even at its smallest size at the
 * content it comes from, with about how long it may be; else at the
 * layout.
 */
static void
S_nofit(struct rctx *c, xmlNodePtr f, PangoLayout *pl, double lo,
    const double r[4])
{
	const struct sheet *sh = c->sh;
	struct blame bl = { NULL, NULL, 0, 0 };
	struct para *v;
	size_t n;
	double top, height, left, right, logw, k = lo / FIT_REF, ratio;
	long len, cut;
	char *id = lay_attr(f, "id"), *where;
	const char *unit = sh->lay->png ? "px" : "pt";

	v = S_paras(c, f, &n, BRK_ANY, 1000, &bl);
	fit_set_at(pl, v, n, lo, r[2]);
	fit_extent(pl, &top, &height, &left, &right, &logw);
	fit_free(v, n);
	where = xasprintf("layout %s, frame '%s', size %s%s%s", sh->lay->name,
	    id != NULL ? id : "?", sh->size->name, sh->org != NULL ?
	    ", organisation " : "", sh->org != NULL ? map_str(sh->org,
	    "slug") : "");
	if (bl.v == NULL) {
		lay_err(sh->lay, f, "text does not fit at the minimum size "
		    "(%.1f %s): %s, area %s, message %d", lo, unit, where,
		    sh->area != NULL ? map_str(sh->area, "slug") : "-",
		    sh->msgno);
	} else {
		ratio = fmin(1, fmin(r[3] / fmax(height * k, 1), r[2] /
		    fmax(logw * k, 1)));
		len = g_utf8_strlen(bl.v->s, -1);
		cut = (long)((double)bl.total * (1 - ratio)) + 1;
		if (len - cut >= len / 4 || (size_t)len >= bl.total)
			diag_err(&bl.v->pos, "%s does not fit the %s %s even "
			    "at its smallest size (%.0f %s): shorten it to "
			    "about %ld character%s (%s)", bl.key,
			    sh->lay->title, sh->size->name, lo, unit,
			    (len - cut) * 9 / 10 > 1 ? (len - cut) * 9 / 10 : 1,
			    (len - cut) * 9 / 10 > 1 ? "s" : "", where);
		else
			diag_err(&bl.v->pos, "%s and the texts set with it "
			    "do not fit the %s %s even at its smallest size "
			    "(%.0f %s): shorten them by about %ld characters "
			    "(%s)", bl.key, sh->lay->title, sh->size->name,
			    lo, unit, cut * 11 / 10, where);
	}
	free(bl.key);
	free(id);
	free(where);
}

/* Caps hi at the size of the frame named by no-larger-than=. */
static double
S_cap(struct rctx *c, xmlNodePtr f, double hi)
{
	char *ref = lay_attr(f, "no-larger-than");
	int i;

	for (i = 0; ref != NULL && i < c->nset; i++)
		if (strcmp(c->setid[i], ref) == 0 && c->setpt[i] < hi)
			hi = c->setpt[i];
	free(ref);
	return hi;
}

static void
S_remember(struct rctx *c, xmlNodePtr f, double pt)
{
	char *id = lay_attr(f, "id");

	if (id == NULL || c->nset == (int)(sizeof(c->setid) /
	    sizeof(c->setid[0]))) {
		free(id);
		return;
	}
	c->setid[c->nset] = id;
	c->setpt[c->nset++] = pt;
}

/* Text beyond LIMIT_TEXT: an error (the frame is not set). */
static int
S_too_long(struct rctx *c, xmlNodePtr f, const struct para *v, size_t n)
{
	const struct sheet *sh = c->sh;
	size_t i, total;

	for (i = 0, total = 0; i < n; i++)
		total += strlen(v[i].text);
	if (total <= LIMIT_TEXT)
		return 0;
	lay_err(sh->lay, f, "%zu bytes of text is more than a print frame "
	    "takes (limit %d): layout %s, area %s", total, LIMIT_TEXT,
	    sh->lay->name, sh->area != NULL ? map_str(sh->area, "slug") : "-");
	c->failed = 1;
	return 1;
}

static void
S_chose(struct fit_choice *ch, const struct setting *best, enum brk brk,
    long drop, int glued)
{
	ch->brk = brk;
	ch->drop = drop;
	ch->glued = glued;
	ch->ranges = 0;
	ch->pt = best->pt;
	ch->w = best->w;
}

/*
 * The search for a frame's setting, from its paragraphs v (n of them,
 * broken between words, with no item left out; taken).  Among the
 * settings that fit between lo and hi, breaking between words or also
 * at libhyphen's points, the best scored (fit_try), balanced; when
 * none fits, breaking anywhere in a long word; when even that does not
 * fit, lists show fewer items.  The best goes in *best, how it was
 * made in *ch.
 */
static void
S_search(struct rctx *c, xmlNodePtr f, PangoLayout *pl, const double r[4],
    double lo, double hi, int hyph, long items, struct para *v, size_t n,
    struct setting *best, struct fit_choice *ch)
{
	struct para *vg;
	long drop;
	int fitted, last;

	for (drop = 0; drop == 0 || drop < items; drop++) {
		if (drop > 0)
			v = S_paras(c, f, &n, BRK_WORDS, drop, NULL);
		if (S_too_long(c, f, v, n)) {
			fit_free(v, n);
			return;
		}
		fitted = fit_try(pl, v, n, lo, hi, r, 1, best);
		if (best->v == v)
			S_chose(ch, best, BRK_WORDS, drop, -1);
		/* "JA TIL / TRYGHED I / ALDERDOMMEN": a short word kept
		   with the word before it, where it would stand alone. */
		if (fitted && (best->lone || best->widow) && best->v == v &&
		    (vg = fit_glue(v, n, last = best->widow)) != NULL) {
			fit_try(pl, vg, n, lo, hi, r, 1, best);
			if (best->v == vg)
				S_chose(ch, best, BRK_WORDS, drop, last);
		}
		/* hyphenate="no" still takes a hyphen before a break
		   anywhere, when nothing else fits. */
		if ((hyph && (!fitted || best->score < hi * 0.85)) ||
		    !fitted) {
			v = S_paras(c, f, &n, BRK_HYPHEN, drop, NULL);
			fitted |= fit_try(pl, v, n, lo, hi, r, 0.85, best);
			if (best->v == v)
				S_chose(ch, best, BRK_HYPHEN, drop, -1);
		}
		/* "Kanal-/gatan 43", "example.dk/" / "areas" only where
		   nothing else fits. */
		if (!fitted) {
			v = S_paras(c, f, &n, BRK_NAMES, drop, NULL);
			fitted = fit_try(pl, v, n, lo, hi, r, 0.85, best);
			if (best->v == v)
				S_chose(ch, best, BRK_NAMES, drop, -1);
		}
		if (fitted)
			break;
		v = S_paras(c, f, &n, BRK_ANY, drop, NULL);
		fitted = fit_try(pl, v, n, lo, hi, r, 1, best);
		if (best->v == v)
			S_chose(ch, best, BRK_ANY, drop, -1);
		if (fitted)
			break;
	}
	/* "måndag– / fredag": the setting chosen with its named ranges
	   whole instead, where that costs at most 15 % of its score (of
	   its size, as a setting without hyphens wins over one with in
	   running text).  Else the range breaks at its dash, which beats
	   hyphenating its halves or a much smaller size. */
	if (best->v != NULL && best->range &&
	    (vg = fit_glue(best->v, best->n, 2)) != NULL) {
		struct setting alt = { NULL, 0, 0, 0, 0, 0, 0, 0 };

		if (fit_try(pl, vg, best->n, lo, hi, r, 1, &alt) &&
		    alt.score >= best->score * 0.85) {
			fit_free(best->v, best->n);
			best->v = alt.v;
			best->pt = alt.pt;
			best->w = alt.w;
			best->score = alt.score;
			best->range = alt.range;
			ch->ranges = 1;
			ch->pt = alt.pt;
			ch->w = alt.w;
		} else if (alt.v != NULL)
			fit_free(alt.v, alt.n);
	}
}

/*
 * x rounded down to a multiple of a 256th of the power of two below it
 * (by less than 0.4 %): sizes and boxes that differ in their last
 * digits, A4 and A3's heights (297 and 420 mm are not quite in
 * proportion), mostly come out the same.
 */
static double
S_grid(double x)
{
	double g;
	int e;

	if (!isfinite(x) || x <= 0)
		return x;
	frexp(x, &e);
	g = ldexp(1, e - 9);
	return floor(x / g) * g;
}

/*
 * How much narrower (*fw) and shorter (*fh) than its own, in proportion
 * to its short side, the narrowest and shortest of its layout's sizes
 * of about its shape is: A6 is 105 x 148 mm, A5 148 x 210, a shade
 * taller.  Frames fitted that much smaller are the same on every size
 * of the family (a 5:1 banner is not of the 3:1's).
 */
static void
S_family(const struct rctx *c, double *fw, double *fh)
{
	const struct layout *l = c->sh->lay;
	double side = fmin(c->W, c->H), rw = c->W / side, rh = c->H / side;
	double zs, zw, zh;
	size_t i;

	*fw = *fh = 1;
	for (i = 0; i < l->nsizes; i++) {
		zs = fmin(l->sizes[i].w, l->sizes[i].h);
		zw = l->sizes[i].w / zs;
		zh = l->sizes[i].h / zs;
		if (zs <= 0 || fabs(zw / zh / (rw / rh) - 1) > 0.02)
			continue;
		*fw = fmin(*fw, zw / rw);
		*fh = fmin(*fh, zh / rh);
	}
}

/*
 * What the frame's setting depends on, digested for the memo: the
 * layout's frame element with its children, its box and sizes, the
 * sheet's language, and its paragraphs as the values made them.
 */
static void
S_key(struct rctx *c, xmlNodePtr f, const double r[4], double lo, double hi,
    long items, const struct para *v, size_t n, unsigned char key[32])
{
	xmlBufferPtr xb = xmlBufferCreate();
	GString *k = g_string_new(NULL);
	size_t i;

	if (xb == NULL) {
		fputs("rally: out of memory\n", stderr);
		abort();
	}
	xmlNodeDump(xb, f->doc, f, 0, 0);
	g_string_append_len(k, (const char *)xmlBufferContent(xb),
	    xmlBufferLength(xb));
	xmlBufferFree(xb);
	g_string_append_printf(k, "\n%a %a %a %a %ld %s\n", r[2], r[3], lo,
	    hi, items, S_lang(c));
	for (i = 0; i < n; i++)
		g_string_append_printf(k, "%s\037%s\037%a\037%s\037%s\037%a"
		    "\037%s\036", v[i].text, v[i].font, v[i].rel,
		    v[i].color != NULL ? v[i].color : "",
		    v[i].tagfont != NULL ? v[i].tagfont : "", v[i].tagrel,
		    v[i].lang != NULL ? v[i].lang : "");
	memo_key(k, key);
	g_string_free(k, TRUE);
}

/*
 * The key of a frame's layout kept for the worker (ps->laid): the
 * memo's key and the kind of surface drawn on.  Not the page's scale:
 * the context's matrix stays NULL (S_context), so the layout of a
 * setting is the same on the A4 and the A3, the preview and the flyer
 * two to a page, and is laid out once.
 */
static GBytes *
S_laid_key(struct rctx *c, const unsigned char key[32])
{
	struct {
		unsigned char	key[32];
		int		kind;
	} k;

	memset(&k, 0, sizeof(k));	/* padding too: hashed as bytes */
	memcpy(k.key, key, sizeof(k.key));
	k.kind = cairo_surface_get_type(cairo_get_target(c->cr));
	return g_bytes_new(&k, sizeof(k));
}

/*
 * Sets a text frame: the setting S_search finds, or the one it found
 * for the same frame and text on an earlier sheet of the build (the
 * product's preview, the flyer two to a page ...: print_memo.c).
 */
void
text_frame(struct rctx *c, xmlNodePtr f)
{
	const struct sheet *sh = c->sh;
	struct fit_memo *memo = sh->ps != NULL ? sh->ps->memo : NULL;
	double r[4], side = fmin(c->W, c->H), lo, hi, y, x, q, rn[4];
	double lon, hin, fw, fh;
	struct setting best = { NULL, 0, 0, 0, 0, 0, 0, 0 };
	struct fit_choice ch;
	unsigned char key[32];
	struct para *v, *vg;
	size_t n = 0, i;
	PangoLayout *pl, *had;
	GBytes *kb;
	double top, height, left, right, logw, k;
	char *va, *hy, *al;
	long items;
	float spacing;
	int hyph, colours = 0, rtl;

	draw_box(c, f, 0, r);
	hi = lay_num(f, "max", 0.1) * side;
	lo = lay_num(f, "min", lay_num(f, "max", 0.1) / 4) * side;
	hi = S_cap(c, f, hi);
	if (hi < lo)
		lo = hi;
	/*
	 * The search runs on the frame as it would be on a sheet FIT_SIDE
	 * wide, its box a shade smaller (S_family, S_grid): an A3 poster
	 * is the A4 one scaled, to within the millimetres sizes are
	 * rounded to, so its frames take the setting the A4's found (the
	 * memo), scaled, and fit the same on either.
	 */
	q = side / FIT_SIDE;
	S_family(c, &fw, &fh);
	rn[0] = rn[1] = 0;
	rn[2] = S_grid(r[2] / q * fw);
	rn[3] = S_grid(r[3] / q * fh);
	lon = S_grid(lo / q);
	hin = S_grid(hi / q);
	hy = lay_attr(f, "hyphenate");
	hyph = hy == NULL || strcmp(hy, "no") != 0;
	free(hy);
	pl = S_pango(c, f, rn[2]);
	items = S_list_items(c, f);
	v = S_paras(c, f, &n, BRK_WORDS, 0, NULL);
	if (n == 0) {
		fit_free(v, n);
		goto out;
	}
	fit_mixed_lines(pl, v, n, (double)GPOINTER_TO_INT(g_object_get_data(
	    G_OBJECT(pl), "rally-face")) / PANGO_SCALE, lay_num(f,
	    "line-height", 0));
	if (memo != NULL)
		S_key(c, f, rn, lon, hin, items, v, n, key);
	if (memo != NULL && memo_get(memo, key, &ch)) {
		/* The leading the search had: accents measured once. */
		if (ch.spacing > 0)
			pango_layout_set_line_spacing(pl, ch.spacing);
		if (sh->ps->memo_tell)
			fprintf(stderr, "rally: %s:%ld: set as before\n",
			    sh->lay->path, xmlGetLineNo(f));
		if (ch.brk != BRK_WORDS || ch.drop != 0) {
			fit_free(v, n);
			v = S_paras(c, f, &n, (enum brk)ch.brk, ch.drop, NULL);
		}
		if (ch.glued >= 0 && (vg = fit_glue(v, n, ch.glued)) != NULL) {
			fit_free(v, n);
			v = vg;
		}
		if (ch.ranges && (vg = fit_glue(v, n, 2)) != NULL) {
			fit_free(v, n);
			v = vg;
		}
		best.v = v;
		best.n = n;
		best.pt = ch.pt;
		best.w = ch.w;
	} else {
		fit_clear_ink(pl, v, n);
		spacing = pango_layout_get_line_spacing(pl);
		S_search(c, f, pl, rn, lon, hin, hyph, items, v, n, &best,
		    &ch);
		if (c->failed)
			goto out;
		ch.spacing = spacing;
		if (best.v != NULL)
			memo_put(memo, key, &ch);
	}
	if (best.v == NULL) {
		/* Boxes for missing glyphs are wide: say that, not that
		   the text is too long. */
		v = S_paras(c, f, &n, BRK_ANY, 1000, NULL);
		fit_set_at(pl, v, n, lo, r[2]);
		fit_free(v, n);
		if (!S_glyphs(c, f, pl)) {
			c->failed = 1;
			goto out;
		}
		S_nofit(c, f, pl, lo, r);
		c->failed = 1;
		goto out;
	}
	/* Laid out as the search did (the same width, in pango's
	   units), drawn q times as large. */
	S_remember(c, f, best.pt * q);
	/* The same setting on another sheet of the worker (another size,
	   the preview, the flyer two to a page) is the same layout. */
	kb = memo != NULL && sh->ps->laid != NULL ? S_laid_key(c, key) : NULL;
	if (kb != NULL && (had = g_hash_table_lookup(sh->ps->laid, kb)) !=
	    NULL) {
		g_object_unref(pl);
		pl = g_object_ref(had);
		g_bytes_unref(kb);
	} else {
		fit_set_at(pl, best.v, best.n, best.pt, best.w);
		if (!S_glyphs(c, f, pl)) {
			if (kb != NULL)
				g_bytes_unref(kb);
			c->failed = 1;
			goto out;
		}
		if (kb != NULL)
			g_hash_table_insert(sh->ps->laid, kb, g_object_ref(pl));
	}
	fit_extent(pl, &top, &height, &left, &right, &logw);
	k = best.pt * q / FIT_REF;
	va = lay_attr(f, "valign");
	y = r[1] - top * k;
	if (va != NULL && strcmp(va, "middle") == 0)
		y += (r[3] - height * k) / 2;
	else if (va != NULL && strcmp(va, "bottom") == 0)
		y += r[3] - height * k;
	free(va);
	/* A balanced setting is narrower: aligned in the frame.  Text
	   that runs right to left starts on the right: pango swaps left
	   and right inside the layout, and so does the frame here. */
	al = lay_attr(f, "align");
	x = r[0];
	rtl = pango_layout_get_line_count(pl) > 0 &&
	    pango_layout_get_line_readonly(pl, 0)->resolved_dir ==
	    PANGO_DIRECTION_RTL;
	if (al != NULL && strcmp(al, "center") == 0)
		x += (r[2] - best.w * q) / 2;
	else if ((al != NULL && strcmp(al, "right") == 0) != rtl)
		x += r[2] - best.w * q;
	x += fit_inset(left, right, best.w, best.pt / FIT_REF) * q;
	free(al);
	for (i = 0; i < best.n; i++)
		colours |= best.v[i].color != NULL;
	if (draw_paint(c, f, "color", "#000000")) {
		cairo_translate(c->cr, x, y);
		cairo_scale(c->cr, k, k);
		cairo_move_to(c->cr, 0, 0);
		/*
		 * Type above OUTLINE_PT goes as outlines: poppler's
		 * rasteriser draws no glyph that large, a RIP may choke
		 * the same way, and sign shops ask for outlines anyway.
		 */
		if (best.pt * q > OUTLINE_PT && !colours && !c->preview) {
			pango_cairo_layout_path(c->cr, pl);
			cairo_fill(c->cr);
		} else
			pango_cairo_show_layout(c->cr, pl);
	}
out:
	g_object_unref(pl);
	if (best.v != NULL)
		fit_free(best.v, best.n);
}

