/*
 * print_lay.c: print sizes, fonts, and layouts read into checked frames.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <hyphen.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <qrencode.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"
#include "print.h"

static const struct {
	const char *name;
	double w, h;
} S_isosizes[] = {
	{ "A0", 841, 1189 }, { "A1", 594, 841 }, { "A2", 420, 594 },
	{ "A3", 297, 420 }, { "A4", 210, 297 }, { "A5", 148, 210 },
	{ "A6", 105, 148 },
};

/*
 * Parses a size: an ISO name (A0 to A6) or WxH with a unit (mm or cm),
 * "50x70cm".  Returns 1 and fills s (owned strings), or 0.
 */
int
lay_size(const char *spec, struct lsize *s)
{
	double w, h, f;
	char unit[3] = { 0 }, *end;
	size_t i;

	for (i = 0; i < sizeof(S_isosizes) / sizeof(S_isosizes[0]); i++)
		if (strcasecmp(spec, S_isosizes[i].name) == 0) {
			s->name = xstrdup(S_isosizes[i].name);
			s->slug = xstrdup(S_isosizes[i].name);
			s->slug[0] = 'a';
			s->w = S_isosizes[i].w;
			s->h = S_isosizes[i].h;
			return 1;
		}
	w = strtod(spec, &end);
	if (end == spec || (*end != 'x' && *end != 'X'))
		return 0;
	spec = end + 1;
	h = strtod(spec, &end);
	if (end == spec || strlen(end) != 2)
		return 0;
	unit[0] = end[0];
	unit[1] = end[1];
	if (strcmp(unit, "px") == 0) {
		/* Pixels, for screens: kept as they are. */
		if (!(w >= 16 && h >= 16 && w <= 8192 && h <= 8192) ||
		    w != floor(w) || h != floor(h))
			return 0;
		s->name = xasprintf("%gx%g", w, h);
		s->slug = xstrdup(s->name);
		s->w = w;
		s->h = h;
		return 1;
	}
	if (strcmp(unit, "mm") == 0)
		f = 1;
	else if (strcmp(unit, "cm") == 0)
		f = 10;
	else
		return 0;
	w *= f;
	h *= f;
	if (!(w >= 50 && h >= 50 && w <= 10000 && h <= 10000))
		return 0;
	s->name = xasprintf("%gx%g%s", w / f, h / f, unit);
	s->slug = xasprintf("%gx%g", w / f, h / f);
	s->w = w;
	s->h = h;
	return 1;
}

/*
 * Fonts: rally's own (compiled in) and the campaign's assets/fonts/,
 * through fontconfig and nothing else, so every machine renders alike.
 * A campaign's file wins over rally's file of the same name.
 */

static int
S_font_file(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n >= 5 && (strcasecmp(name + n - 4,
	    ".otf") == 0 || strcasecmp(name + n - 4, ".ttf") == 0);
}

/*
 * fontconfig and HarfBuzz read fonts from files, and rally writes
 * nothing outside its output: a compiled-in font becomes an anonymous
 * in-memory file (memfd), named by its /proc/self/fd path, which forked
 * workers inherit.  Returns the path (owned), or NULL.
 */
static char *
S_builtin_font(struct print_fonts *f, const struct builtin *b)
{
	const char *base = strrchr(b->name, '/') + 1;
	size_t off = 0;
	ssize_t w;
	int fd;

	if (f->nmemfds == (int)(sizeof(f->memfds) / sizeof(f->memfds[0])) ||
	    (fd = memfd_create(base, MFD_CLOEXEC)) == -1)
		return NULL;
	while (off < b->len) {
		w = write(fd, b->data + off, b->len - off);
		if (w <= 0) {
			close(fd);
			return NULL;
		}
		off += (size_t)w;
	}
	f->memfds[f->nmemfds++] = fd;
	return xasprintf("/proc/self/fd/%d", fd);
}

/*
 * The campaign's font rel, held open for the build and named by its
 * descriptor, so fontconfig and FreeType read the file rally checked
 * (see root_open), not whatever the path names later.  Owned path.
 */
static char *
S_own_font(struct site *site, struct print_fonts *f, const char *rel)
{
	struct stat st;
	int fd;

	if (f->nmemfds == (int)(sizeof(f->memfds) / sizeof(f->memfds[0])) ||
	    (fd = root_open(site, rel, O_RDONLY)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	f->memfds[f->nmemfds++] = fd;
	return xasprintf("/proc/self/fd/%d", fd);
}

static void
S_fonts_close(struct print_fonts *f)
{
	while (f->nmemfds > 0)
		close(f->memfds[--f->nmemfds]);
}

/*
 * Lets pango, then fontconfig, go, and frees f.  fontconfig's current
 * configuration is the process's: one site's fonts at a time.
 */
void
print_fonts_free(struct print_fonts *f)
{
	size_t i;

	if (f == NULL)
		return;
	if (f->faces != NULL)
		g_hash_table_destroy(f->faces);
	if (f->pctx != NULL)
		g_object_unref(f->pctx);
	if (f->ready) {
		pango_cairo_font_map_set_default(NULL);
		FcFini();
	}
	S_fonts_close(f);
	for (i = 0; i < f->nseen; i++)
		free(f->seen[i]);
	free(f);
}

/*
 * Which face sets a script the layout's face lacks, by the language
 * pango gives the run (a paragraph's own, or the script's when the
 * paragraph's language does not use it: "ar" for Arabic inside Danish;
 * primary subtags, see fit.c S_markup) and the frame's role: a bold
 * frame (display: headlines, names) takes the script's display face, a
 * regular one its text face, Urdu its own Nastaliq.  Listed families
 * come before every other font in fontconfig's sort, so the choice
 * never depends on the order the files were added in.  Only these
 * languages' patterns get them: a family list on every pattern made
 * each of fontconfig's sorts slower and the print batch 14 % slower.
 */
static const struct fallback {
	const char	*lang;
	const char	*display;	/* for a bold frame, or NULL */
	const char	*text;
} S_fallbacks[] = {
	{ "ur", NULL, "Noto Nastaliq Urdu" },
	{ "ar", "Noto Kufi Arabic", "Noto Sans Arabic" },
	{ "fa", "Noto Kufi Arabic", "Noto Sans Arabic" },
	{ "prs", "Noto Kufi Arabic", "Noto Sans Arabic" },
	{ "ps", "Noto Kufi Arabic", "Noto Sans Arabic" },
	{ "ckb", "Noto Kufi Arabic", "Noto Sans Arabic" },
	{ "sd", "Noto Kufi Arabic", "Noto Sans Arabic" },
	{ "ug", "Noto Kufi Arabic", "Noto Sans Arabic" },
	{ "ku", "Noto Kufi Arabic", "Noto Sans Arabic" },
	{ "ks", "Noto Kufi Arabic", "Noto Sans Arabic" },
	{ "he", NULL, "Noto Sans Hebrew" },
	{ "yi", NULL, "Noto Sans Hebrew" },
	{ "am", NULL, "Noto Sans Ethiopic" },
	{ "ti", NULL, "Noto Sans Ethiopic" },
};

/* S_fallbacks as fontconfig's rules (g_free). */
static char *
S_fallback_rules(void)
{
	GString *x = g_string_new("<?xml version=\"1.0\"?><fontconfig>"
	    /* The file says Regular weight (80) for the bold Nastaliq. */
	    "<match target=\"scan\"><test name=\"family\"><string>Noto "
	    "Nastaliq Urdu</string></test><test name=\"style\"><string>"
	    "Bold</string></test><edit name=\"weight\" mode=\"assign\">"
	    "<const>bold</const></edit></match>");
	size_t i;

	for (i = 0; i < sizeof(S_fallbacks) / sizeof(S_fallbacks[0]); i++) {
		if (S_fallbacks[i].display != NULL)
			g_string_append_printf(x, "<match target=\"pattern\">"
			    "<test name=\"lang\"><string>%s</string></test>"
			    "<test name=\"weight\" compare=\"more_eq\"><const>"
			    "semibold</const></test><edit name=\"family\" "
			    "mode=\"append_last\"><string>%s</string></edit>"
			    "</match>", S_fallbacks[i].lang,
			    S_fallbacks[i].display);
		g_string_append_printf(x, "<match target=\"pattern\"><test "
		    "name=\"lang\"><string>%s</string></test><edit name=\""
		    "family\" mode=\"append_last\"><string>%s</string>"
		    "</edit></match>", S_fallbacks[i].lang,
		    S_fallbacks[i].text);
	}
	g_string_append(x, "</fontconfig>");
	return g_string_free(x, FALSE);
}

/*
 * Makes rally's fonts and the campaign's assets/fonts/ the only fonts
 * fontconfig knows, for this process (pango and librsvg alike).
 */
int
print_fonts(struct site *site)
{
	FcConfig *cfg;
	const struct builtin *b;
	char *rel, *file, **names, *rules;
	FcBool ok;
	struct pos p = { "assets/fonts", 0, 0 };
	FcFontSet *set;
	cairo_font_options_t *fo;
	PangoFontMap *fm;
	struct print_fonts *f;
	size_t nn, i;
	int n, bad = 0;

	if (site->fonts == NULL)
		site->fonts = xcalloc(1, sizeof(*site->fonts));
	f = site->fonts;
	if (f->ready)
		return 1;
	/*
	 * File by file: a directory would make fontconfig want a cache,
	 * and rally writes nothing outside the output directory.
	 */
	cfg = FcConfigCreate();
	rules = S_fallback_rules();
	ok = FcConfigParseAndLoadFromMemory(cfg, (const FcChar8 *)rules,
	    FcTrue);
	g_free(rules);
	if (!ok) {
		diag_err(&p, "rally's font fallbacks do not parse");
		FcConfigDestroy(cfg);
		return 0;
	}
	names = dir_names(site, "assets/fonts", &nn);
	for (i = 0; i < nn; free(names[i++])) {
		if (!S_font_file(names[i]))
			continue;
		rel = xasprintf("assets/fonts/%s", names[i]);
		p.file = rel;
		if ((file = S_own_font(site, f, rel)) == NULL ||
		    !FcConfigAppFontAddFile(cfg, (const FcChar8 *)file)) {
			diag_err(&p, "not a usable font file%s", file == NULL ?
			    " (a regular file inside the campaign)" : "");
			bad = 1;
		}
		free(file);
		free(rel);
	}
	free(names);
	for (b = builtins; b->name != NULL && !bad; b++) {
		/* rally's faces (assets/fonts/, also the sample's) and its
		   fallbacks for other scripts (generator/fonts/). */
		const char *base = strncmp(b->name, "assets/fonts/", 13) == 0 ?
		    b->name + 13 : strncmp(b->name, "generator/fonts/", 16) ==
		    0 ? b->name + 16 : NULL;

		if (base == NULL || !S_font_file(base))
			continue;
		rel = xasprintf("assets/fonts/%s", base);
		file = path_in_root(site, rel);
		free(rel);
		if (file != NULL) {
			free(file);	/* the campaign's own wins */
			continue;
		}
		if ((file = S_builtin_font(f, b)) == NULL ||
		    !FcConfigAppFontAddFile(cfg, (const FcChar8 *)file)) {
			p.file = b->name;
			diag_err(&p, "cannot load rally's own font");
			bad = 1;
		}
		free(file);
	}
	if (bad) {
		FcConfigDestroy(cfg);
		S_fonts_close(f);
		return 0;
	}
	set = FcConfigGetFonts(cfg, FcSetApplication);
	n = set != NULL ? set->nfont : 0;
	if (n == 0) {
		diag_err(&p, "no font files (.otf, .ttf)");
		FcConfigDestroy(cfg);
		return 0;
	}
	FcConfigSetCurrent(cfg);
	FcConfigDestroy(cfg);	/* the current config keeps a reference */
	f->ready = 1;
	/* pango 1.50 starts fontconfig on a thread of its own and makes
	   every font lookup wait for it: wait here, before print forks
	   its workers, which would wait for a thread they do not have
	   (a build hung once in ten on two cores). */
	fm = pango_cairo_font_map_get_default();
	if (PANGO_IS_FC_FONT_MAP(fm))
		(void)pango_fc_font_map_get_config(PANGO_FC_FONT_MAP(fm));
	/* One pango context for every text frame, with print metrics. */
	f->pctx = pango_font_map_create_context(fm);
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(f->pctx, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(f->pctx, FALSE);
	/* A point is a unit of the page, as in the layouts' sizes and
	   the errors: not pango's default of 96 a inch, which set type
	   a third larger, and lines a quarter closer, than written. */
	pango_cairo_context_set_resolution(f->pctx, 72);
	return 1;
}

/* Is the family of this font description among the campaign's fonts? */
static int S_font_known_uncached(const char *);

static int
S_font_known(struct print_fonts *f, const char *desc)
{
	size_t i;

	for (i = 0; i < f->nseen; i++)
		if (strcmp(f->seen[i], desc) == 0)
			return f->known[i];
	if (f->nseen == sizeof(f->seen) / sizeof(f->seen[0]))
		return S_font_known_uncached(desc);
	f->seen[f->nseen] = xstrdup(desc);
	f->known[f->nseen] = S_font_known_uncached(desc);
	return f->known[f->nseen++];
}

static int
S_font_known_uncached(const char *desc)
{
	PangoFontDescription *fd = pango_font_description_from_string(desc);
	const char *fam = pango_font_description_get_family(fd);
	FcPattern *pat;
	FcObjectSet *os;
	FcFontSet *fs;
	int ok;

	if (fam == NULL) {
		pango_font_description_free(fd);
		return 0;
	}
	pat = FcPatternBuild(NULL, FC_FAMILY, FcTypeString, fam, (char *)0);
	os = FcObjectSetBuild(FC_FAMILY, (char *)0);
	fs = FcFontList(NULL, pat, os);
	ok = fs != NULL && fs->nfont > 0;
	if (fs != NULL)
		FcFontSetDestroy(fs);
	FcObjectSetDestroy(os);
	FcPatternDestroy(pat);
	pango_font_description_free(fd);
	return ok;
}

/* Layouts. */

double
lay_num(xmlNodePtr n, const char *name, double def)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	double d;
	char *end;

	if (v == NULL)
		return def;
	d = strtod((const char *)v, &end);
	if (end == (char *)v || *end != '\0' || !isfinite(d))
		d = NAN;
	xmlFree(v);
	return d;
}

char *
lay_attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	char *r;

	if (v == NULL)
		return NULL;
	r = xstrdup((const char *)v);
	xmlFree(v);
	return r;
}

int
lay_is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(n->name, BAD_CAST name) == 0;
}

void
lay_err(const struct layout *l, xmlNodePtr n, const char *fmt, ...)
{
	struct pos p = { l->path, n != NULL ? (int)xmlGetLineNo(n) : 0, 0 };
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		abort();
	va_end(ap);
	diag_err(&p, "%s", msg);
	free(msg);
}

/* A literal asset path in a layout must exist inside the campaign. */
static int
S_check_src(struct site *site, const struct layout *l, xmlNodePtr f)
{
	char *src = lay_attr(f, "src"), *full;
	int ok = 1;

	if (src == NULL) {
		lay_err(l, f, "<%s> needs src", (const char *)f->name);
		return 0;
	}
	if (strchr(src, '{') == NULL) {
		if ((full = path_in_root(site, src)) == NULL) {
			lay_err(l, f, "%s does not exist inside the campaign",
			    src);
			ok = 0;
		}
		free(full);
	}
	free(src);
	return ok;
}

/*
 * Text, and a QR code with its quiet zone (the square centred in its
 * frame), stay inside the safe zone at every size: hems, eyelets and
 * trimming take the rest.
 */
static int
S_safe(const struct layout *l, xmlNodePtr f, double x, double y, double w,
    double h)
{
	double fx, fy, fw, fh, side;
	size_t i;

	for (i = 0; i < l->nsizes; i++) {
		const struct lsize *s = &l->sizes[i];

		fx = x * s->w;
		fy = y * s->h;
		fw = w * s->w;
		fh = h * s->h;
		if (lay_is(f, "qr")) {
			side = fmin(fw, fh);
			fx += (fw - side) / 2;
			fy += (fh - side) / 2;
			fw = fh = side;
		}
		if (fx < l->safe - 0.01 || fy < l->safe - 0.01 ||
		    fx + fw > s->w - l->safe + 0.01 ||
		    fy + fh > s->h - l->safe + 0.01) {
			lay_err(l, f, "%s leaves the safe zone (%.0f mm from "
			    "the trim) at size %s", lay_is(f, "qr") ? "the QR "
			    "code with its quiet zone" : "text frame",
			    l->safe, s->name);
			return 0;
		}
	}
	return 1;
}

static int
S_check_frame(struct site *site, struct layout *l, xmlNodePtr f)
{
	double x = lay_num(f, "x", 0), y = lay_num(f, "y", 0);
	double w = lay_num(f, "w", 1), h = lay_num(f, "h", 1);
	double mx, mn;
	char *font;
	int ok = 1;

	if (!(x >= -0.5 && y >= -0.5 && w > 0 && h > 0 && x + w <= 1.5 &&
	    y + h <= 1.5)) {
		lay_err(l, f, "<%s>: x, y, w, h must be numbers, fractions of "
		    "the trim box", (const char *)f->name);
		return 0;
	}
	if (lay_is(f, "qr"))
		return S_safe(l, f, x, y, w, h);
	if (lay_is(f, "rect"))
		return 1;
	if (lay_is(f, "svg") || lay_is(f, "image") || lay_is(f, "logo"))
		return S_check_src(site, l, f);
	if (!lay_is(f, "text")) {
		lay_err(l, f, "unknown frame <%s>: use rect, text, svg, image, "
		    "logo or qr", (const char *)f->name);
		return 0;
	}
	mx = lay_num(f, "max", 0.1);
	mn = lay_num(f, "min", mx / 4);
	if (!(mn > 0 && mx >= mn && mx < 2)) {
		lay_err(l, f, "text: min and max must be sizes with 0 < min "
		    "<= max");
		ok = 0;
	}
	font = lay_attr(f, "font");
	if (font == NULL)
		font = xstrdup("Sans");
	if (!S_font_known(site->fonts, font)) {
		lay_err(l, f, "unknown font '%s': neither rally's nor in "
		    "assets/fonts/", font);
		ok = 0;
	}
	free(font);
	if ((font = lay_attr(f, "hashtag-font")) != NULL &&
	    !S_font_known(site->fonts, font)) {
		lay_err(l, f, "unknown hashtag-font '%s': neither rally's nor "
		    "in assets/fonts/", font);
		ok = 0;
	}
	free(font);
	if (!S_safe(l, f, x, y, w, h))
		ok = 0;
	for (xmlNodePtr k = f->children; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE && !lay_is(k, "p")) {
			lay_err(l, k, "<text> holds text or <p>, not <%s>",
			    (const char *)k->name);
			ok = 0;
		}
	return ok;
}

static void
S_layout_free(struct layout *l)
{
	size_t i;

	free(l->name);
	free(l->path);
	free(l->title);
	for (i = 0; i < l->nsizes; i++) {
		free(l->sizes[i].name);
		free(l->sizes[i].slug);
	}
	free(l->sizes);
	if (l->doc != NULL)
		xmlFreeDoc(l->doc);
}

/*
 * What the expressions under n read of other files (see tmpl_needs):
 * if= and each= are expressions; other attributes and text are when
 * they hold {braces}.
 */
static unsigned
S_needs(xmlNodePtr n)
{
	unsigned needs = 0;
	xmlAttrPtr a;
	xmlChar *v;

	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE && n->content != NULL &&
		    strchr((const char *)n->content, '{') != NULL)
			needs |= tmpl_needs((const char *)n->content);
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (a = n->properties; a != NULL; a = a->next) {
			if ((v = xmlNodeGetContent((xmlNodePtr)a)) == NULL)
				continue;
			if (xmlStrEqual(a->name, BAD_CAST "if") ||
			    xmlStrEqual(a->name, BAD_CAST "each") ||
			    xmlStrchr(v, '{') != NULL)
				needs |= tmpl_needs((const char *)v);
			xmlFree(v);
		}
		needs |= S_needs(n->children);
	}
	return needs;
}

static int
S_layout(struct site *site, struct layout *l)
{
	xmlNodePtr root, n, f;
	char *s, *tok, *save = NULL;
	int ok = 1;

	root = xmlDocGetRootElement(l->doc);
	if (root == NULL || !lay_is(root, "layout")) {
		lay_err(l, root, "the root element must be <layout>");
		return 0;
	}
	l->needs = S_needs(root);
	l->title = lay_attr(root, "title");
	if (l->title == NULL)
		l->title = xstrdup(l->name);
	else if (strchr(l->title, '{') != NULL) {
		/* title="{site.labels.flyer}": in the site's language. */
		struct scope sc = { "site", site->v, NULL };
		struct pool pool = { NULL };
		struct buf b = { NULL, 0, 0 };
		int failed = 0;

		buf_puts(&b, "");
		val_text(tmpl_eval(l->title, root, l->path, &sc, &pool,
		    &failed), &b);
		pool_free(&pool);
		free(l->title);
		l->title = b.data;
		if (failed)
			return 0;
	}
	s = lay_attr(root, "per");
	if (s == NULL || strcmp(s, "message") == 0)
		l->per = PER_MESSAGE;
	else if (strcmp(s, "area") == 0)
		l->per = PER_AREA;
	else if (strcmp(s, "org") == 0)
		l->per = PER_ORG;
	else if (strcmp(s, "org-event") == 0)
		l->per = PER_ORG_EVENT;
	else if (strcmp(s, "page") == 0)
		l->per = PER_PAGE;
	else {
		lay_err(l, root, "per must be message, area, org, org-event "
		    "or page");
		ok = 0;
	}
	free(s);
	l->bleed = lay_num(root, "bleed", 3);
	l->safe = lay_num(root, "safe", 5);
	l->dpi = lay_num(root, "dpi", 150);
	if (!(l->bleed >= 0 && l->bleed <= 100 && l->safe >= 0 &&
	    l->safe <= 500 && l->dpi > 0 && l->dpi <= 2400)) {
		lay_err(l, root, "bleed, safe (mm) and dpi must be numbers "
		    "in range");
		ok = 0;
	}
	s = lay_attr(root, "marks");
	l->marks = s != NULL && strcmp(s, "yes") == 0;
	free(s);
	s = lay_attr(root, "format");
	l->png = s != NULL && strcmp(s, "png") == 0;
	if (s != NULL && !l->png && strcmp(s, "pdf") != 0) {
		lay_err(l, root, "format must be pdf or png");
		ok = 0;
	}
	free(s);
	if (l->png)
		l->bleed = 0;	/* screens have no trimming */
	s = lay_attr(root, "sizes");
	if (s == NULL) {
		lay_err(l, root, "sizes is missing: say sizes=\"A4 A3\"");
		return 0;
	}
	for (tok = strtok_r(s, " \t\n,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\n,", &save)) {
		l->sizes = xrealloc(l->sizes, (l->nsizes + 1) *
		    sizeof(*l->sizes));
		if (!lay_size(tok, &l->sizes[l->nsizes])) {
			lay_err(l, root, "bad size '%s': use A0 to A6 or WxH "
			    "in mm or cm, such as 50x70cm", tok);
			ok = 0;
			continue;
		}
		if (l->png != (strstr(tok, "px") != NULL)) {
			lay_err(l, root, "size '%s': %s", tok, l->png ?
			    "a png layout is sized in px" : "print sizes are "
			    "A0 to A6, mm or cm");
			ok = 0;
		}
		l->nsizes++;
	}
	free(s);
	if (l->nsizes == 0 && ok) {
		lay_err(l, root, "no sizes");
		ok = 0;
	}
	for (n = root->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!lay_is(n, "page") || l->npages == 2) {
			lay_err(l, n, "a layout holds one or two <page> "
			    "elements (front and back), not <%s>",
			    (const char *)n->name);
			ok = 0;
			continue;
		}
		l->pages[l->npages++] = n;
		for (f = n->children; f != NULL; f = f->next)
			if (f->type == XML_ELEMENT_NODE &&
			    !S_check_frame(site, l, f))
				ok = 0;
	}
	if (l->npages == 0 && ok) {
		lay_err(l, root, "no <page>");
		ok = 0;
	}
	return ok;
}

/* The site's hyphenation dictionary: a file of /usr/share/hyphen. */
/* The dictionary for one more language of the content, once. */
static void
S_dict_lang(struct site *site, struct print_set *ps, const char *lang)
{
	const char *name;
	char *path;
	size_t i;

	if (lang == NULL || strcmp(lang, site->lang) == 0)
		return;
	for (i = 0; i < ps->nhyphs; i++)
		if (strcmp(ps->hyphs[i].lang, lang) == 0)
			return;
	ps->hyphs = xrealloc(ps->hyphs, (ps->nhyphs + 1) *
	    sizeof(*ps->hyphs));
	ps->hyphs[ps->nhyphs].lang = xstrdup(lang);
	ps->hyphs[ps->nhyphs].dict = NULL;
	name = lang_hyphenation(site, lang);
	if (name != NULL && strchr(name, '/') == NULL && name[0] != '.') {
		path = xasprintf("/usr/share/hyphen/%s", name);
		ps->hyphs[ps->nhyphs].dict = hnj_hyphen_load(path);
		free(path);
	}
	ps->nhyphs++;
}

static void
S_dict(struct site *site, struct print_set *ps)
{
	const char *name = lang_label(site, "hyphenation");
	struct pos p = { "content/site.yml", 0, 0 };
	const struct val *areas = map_get(site->v, "areas"), *m;
	char *path;
	size_t a, i;

	/* The other languages of the areas and their messages, loaded
	   before print forks its workers. */
	for (a = 0; areas != NULL && areas->type == V_LIST && a < areas->len;
	    a++) {
		S_dict_lang(site, ps, map_str(areas->items[a], "lang"));
		m = map_get(areas->items[a], "messages");
		for (i = 0; m != NULL && m->type == V_LIST && i < m->len; i++)
			S_dict_lang(site, ps, map_str(m->items[i], "lang"));
	}

	if (*name == '\0' || strcmp(name, "hyphenation") == 0)
		return;	/* no patterns for this language */
	if (strchr(name, '/') != NULL || name[0] == '.') {
		diag_warn(&p, "hyphenation '%s' must be a file name of "
		    "/usr/share/hyphen", name);
		return;
	}
	path = xasprintf("/usr/share/hyphen/%s", name);
	if ((ps->hyph = hnj_hyphen_load(path)) == NULL) {
		p.file = path;
		diag_warn(&p, "no hyphenation dictionary for language '%s' "
		    "(Debian's hyphen-* packages): words will not be "
		    "hyphenated", site->lang);
	}
	free(path);
}

/* A layout's file, or rally's own when the campaign has none. */
static xmlDocPtr
S_layout_doc(struct site *site, struct layout *l, int *ok)
{
	const struct builtin *b;
	xmlDocPtr doc;
	char *full;
	struct stat st;

	/* The campaign's file, even a bad one, wins over rally's. */
	full = xasprintf("%s/%s", site->root, l->path);
	if (lstat(full, &st) == -1 && (b = builtin_get(l->path)) != NULL) {
		free(full);
		full = xasprintf("(built in) %s", l->path);
		free(l->path);
		l->path = full;
		return tmpl_read_mem((const char *)b->data, b->len, full);
	}
	free(full);
	if ((doc = tmpl_read_file(site, l->path)) == NULL)
		*ok = 0;
	return doc;
}

/* Adds the name of file (NAME.xml) to names, unless only says no. */
static void
S_layout_name(const char *file, const char *only, char ***names, size_t *n)
{
	size_t len = strlen(file), i;

	if (file[0] == '.' || len < 5 || strcmp(file + len - 4, ".xml") != 0)
		return;
	if (only != NULL && (strlen(only) != len - 4 ||
	    strncmp(file, only, len - 4) != 0))
		return;
	for (i = 0; i < *n; i++)
		if (strncmp((*names)[i], file, len - 4) == 0 &&
		    (*names)[i][len - 4] == '\0')
			return;
	*names = xrealloc(*names, (*n + 1) * sizeof(**names));
	(*names)[(*n)++] = xstrndup(file, len - 4);
}

/*
 * site.yml's print_layouts: [poster, flyer]: only those of names are
 * made (all when it is absent).  Returns 0 after reporting a name
 * that is no layout.
 */
static int
S_chosen(struct site *site, char **names, size_t *n)
{
	const struct val *want = map_get(site->v, "print_layouts");
	size_t i, k, kept = 0;
	int ok = 1;

	if (want == NULL || want->type != V_LIST)
		return 1;
	for (k = 0; k < want->len; k++) {
		for (i = 0; i < *n; i++)
			if (strcmp(names[i], want->items[k]->s) == 0)
				break;
		if (i == *n) {
			diag_err(&want->items[k]->pos, "no print layout '%s': "
			    "rally has poster, flyer, placard, banner, "
			    "org-flyer, org-poster, og and social-*; a "
			    "campaign adds layouts/print/NAME.xml",
			    want->items[k]->s);
			ok = 0;
		}
	}
	for (i = 0; i < *n; i++) {
		for (k = 0; k < want->len; k++)
			if (strcmp(names[i], want->items[k]->s) == 0)
				break;
		if (k < want->len)
			names[kept++] = names[i];
		else
			free(names[i]);
	}
	*n = kept;
	return ok;
}

/*
 * Loads the print layouts: rally's own and the campaign's
 * layouts/print/NAME.xml, which wins over rally's of the same name.
 * Returns a set to free with print_free(), or NULL after reporting
 * errors.
 */
struct print_set *
print_load(struct site *site)
{
	return print_load_only(site, NULL);
}

/* As print_load, but only the layout called only, if not NULL. */
struct print_set *
print_load_only(struct site *site, const char *only)
{
	struct print_set *ps = xcalloc(1, sizeof(*ps));
	const struct builtin *b;
	char **names = NULL, **own;
	size_t n = 0, nown, i;
	int ok = 1;

	own = dir_names(site, "layouts/print", &nown);
	for (i = 0; i < nown; i++) {
		S_layout_name(own[i], only, &names, &n);
		free(own[i]);
	}
	free(own);
	for (b = builtins; b->name != NULL; b++)
		if (strncmp(b->name, "layouts/print/", 14) == 0)
			S_layout_name(b->name + 14, only, &names, &n);
	if ((only == NULL && !S_chosen(site, names, &n)) ||
	    (n > 0 && !print_fonts(site))) {
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
		free(ps);
		return NULL;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), strcmp_ptr);
	for (i = 0; i < n; i++) {
		struct layout *l;

		ps->v = xrealloc(ps->v, (ps->len + 1) * sizeof(*ps->v));
		l = &ps->v[ps->len++];
		memset(l, 0, sizeof(*l));
		l->name = names[i];
		l->path = xasprintf("layouts/print/%s.xml", names[i]);
		if (!slug_valid(l->name)) {
			struct pos p = { l->path, 0, 0 };

			diag_err(&p, "layout name is not a slug");
			ok = 0;
			continue;
		}
		l->doc = S_layout_doc(site, l, &ok);
		if (l->doc == NULL || !S_layout(site, l))
			ok = 0;
	}
	free(names);
	if (!ok) {
		print_free(ps);
		return NULL;
	}
	if (!press_apply(site, ps)) {
		print_free(ps);
		return NULL;
	}
	if (ps->len > 0) {
		S_dict(site, ps);
		/* RALLY_MEMO=off fits every frame anew, with pango
		   laying out every width tried (print_fit.c, struct cfg),
		   =widths only the latter, =tell says which frames were
		   set as before (tests/memo.sh). */
		const char *e = getenv("RALLY_MEMO");

		if (e == NULL || strcmp(e, "off") != 0) {
			ps->memo = memo_new();
			ps->laid = g_hash_table_new_full(g_bytes_hash,
			    g_bytes_equal, (GDestroyNotify)g_bytes_unref,
			    g_object_unref);
		}
		ps->memo_tell = e != NULL && strcmp(e, "tell") == 0;
		ps->every_width = e != NULL && (strcmp(e, "off") == 0 ||
		    strcmp(e, "widths") == 0);
	}
	/* Made last: the failures above free ps without print_free. */
	ps->svgs = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
	    (GDestroyNotify)g_bytes_unref, g_object_unref);
	ps->qrs = g_hash_table_new_full(g_str_hash, g_str_equal, free,
	    (GDestroyNotify)QRcode_free);
	return ps;
}

/* Frees ps: its layouts, dictionary and plan (NULL is fine). */
void
print_free(struct print_set *ps)
{
	size_t i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->len; i++)
		S_layout_free(&ps->v[i]);
	free(ps->v);
	if (ps->hyph != NULL)
		hnj_hyphen_free(ps->hyph);
	for (i = 0; i < ps->nhyphs; i++) {
		free(ps->hyphs[i].lang);
		if (ps->hyphs[i].dict != NULL)
			hnj_hyphen_free(ps->hyphs[i].dict);
	}
	free(ps->hyphs);
	free(ps->sheets);
	free(ps->kits);
	free(ps->proofs);
	pdfx_free(ps->cmyk);
	memo_free(ps->memo);
	if (ps->laid != NULL)
		g_hash_table_destroy(ps->laid);
	if (ps->svgs != NULL)
		g_hash_table_destroy(ps->svgs);
	if (ps->qrs != NULL)
		g_hash_table_destroy(ps->qrs);
	free(ps);
}

size_t
print_count(const struct print_set *ps)
{
	return ps != NULL ? ps->len : 0;
}
