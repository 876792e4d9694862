/*
 * print.c: print layouts (layouts/print/NAME.xml) and their rendering with
 * cairo and pango into print-ready PDFs with PNG previews.
 *
 * A layout places frames in units relative to the trim box: x and w are
 * fractions of the trim width, y and h of its height, font sizes
 * fractions of the shorter side.  So one layout serves every size of
 * its family.  See README, "Print layouts".
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <hyphen.h>
#include <librsvg/rsvg.h>
#include <pango/pangocairo.h>
#include <png.h>
#include <qrencode.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"

#define MM		(72.0 / 25.4)	/* points per millimetre */
#define MARK_ZONE	(10.0 * MM)	/* room for crop marks past the bleed */
#define PREVIEW_PX	340.0		/* preview height, portrait sheets */
#define PREVIEW_GAP	8		/* pixels between its pages */
#define SOCIAL_THUMB	320		/* social images' thumbnails, wide */
#define FIT_STEPS	18		/* binary search steps on the size */
#define FIT_REF		100.0		/* points: text is set at this size */
#define NSCOPE		10		/* a sheet's bindings, and its head */
#define OUTLINE_PT	900.0		/* larger type is drawn as outlines */

enum per {
	PER_MESSAGE,	/* one sheet per message of each area */
	PER_AREA,	/* one sheet per area */
	PER_ORG,	/* one per area of each organisation (co-branded) */
	PER_ORG_EVENT,	/* one per event of each organisation */
	PER_PAGE	/* one per web page: its Open Graph card */
};

struct lsize {
	char	*name;	/* "A4", "50x70cm" */
	char	*slug;	/* "a4", "50x70" */
	double	 w, h;	/* trim, millimetres */
};

struct layout {
	char		*name;	/* file name without .xml */
	char		*path;	/* layouts/print/NAME.xml */
	char		*title;	/* "Plakat" */
	xmlDocPtr	 doc;
	enum per	 per;
	double		 bleed;	/* mm */
	double		 safe;	/* mm from the trim edge kept free of text */
	double		 dpi;	/* least effective resolution of images */
	int		 marks;
	int		 png;	/* format="png": pixels, no bleed, no PDF */
	struct lsize	*sizes;
	size_t		 nsizes;
	xmlNodePtr	 pages[2];
	int		 npages;
};

struct print_set {
	struct layout	*v;
	size_t		 len;
	HyphenDict	*hyph;
};

/* One sheet to render: the job's argument. */
struct sheet {
	const struct layout	*lay;
	const struct lsize	*size;
	struct val		*area;
	struct val		*message;
	int			 msgno;	/* 1-based; 0 for PER_AREA */
	struct val		*org;	/* co-branded sheets (may be NULL) */
	struct val		*event;	/* the event it announces (may be NULL) */
	struct val		*page;	/* the web page of an OG card */
	const struct print_set	*ps;
	struct site		*site;
	int			 marks;
	const char		*trusted;	/* a file named on the command
						   line: may lie outside root */
};

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
static int
print_size(const char *spec, struct lsize *s)
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

static int S_fonts_ready;
static PangoContext *S_pctx;	/* see S_context() */
static int S_memfds[16];	/* rally's fonts, as files (see S_builtin_font) */
static int S_nmemfds;

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
S_builtin_font(const struct builtin *b)
{
	const char *base = strrchr(b->name, '/') + 1;
	size_t off = 0;
	ssize_t w;
	int fd;

	if (S_nmemfds == (int)(sizeof(S_memfds) / sizeof(S_memfds[0])) ||
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
	S_memfds[S_nmemfds++] = fd;
	return xasprintf("/proc/self/fd/%d", fd);
}

static void
S_fonts_close(void)
{
	while (S_nmemfds > 0)
		close(S_memfds[--S_nmemfds]);
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
	char *dir, *rel, *file;
	struct pos p = { "assets/fonts", 0, 0 };
	struct dirent *de;
	FcFontSet *set;
	DIR *d;
	int n, bad = 0;

	if (S_fonts_ready)
		return 1;
	/*
	 * File by file: a directory would make fontconfig want a cache,
	 * and rally writes nothing outside the output directory.
	 */
	cfg = FcConfigCreate();
	if ((dir = path_in_root(site, "assets/fonts")) != NULL &&
	    (d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (!S_font_file(de->d_name))
				continue;
			rel = xasprintf("assets/fonts/%s", de->d_name);
			if ((file = path_in_root(site, rel)) != NULL &&
			    !FcConfigAppFontAddFile(cfg,
			    (const FcChar8 *)file)) {
				p.file = rel;
				diag_err(&p, "not a usable font file");
				bad = 1;
			}
			free(file);
			free(rel);
		}
		closedir(d);
	}
	free(dir);
	for (b = builtins; b->name != NULL && !bad; b++) {
		if (strncmp(b->name, "assets/fonts/", 13) != 0 ||
		    !S_font_file(b->name + 13))
			continue;
		if ((file = path_in_root(site, b->name)) != NULL) {
			free(file);	/* the campaign's own wins */
			continue;
		}
		if ((file = S_builtin_font(b)) == NULL ||
		    !FcConfigAppFontAddFile(cfg, (const FcChar8 *)file)) {
			p.file = b->name;
			diag_err(&p, "cannot load rally's own font");
			bad = 1;
		}
		free(file);
	}
	if (bad) {
		FcConfigDestroy(cfg);
		S_fonts_close();
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
	S_fonts_ready = 1;
	return 1;
}

/* Is the family of this font description among the campaign's fonts? */
static int S_font_known_uncached(const char *);

static int
S_font_known(const char *desc)
{
	static char *seen[64];
	static int known[64];
	static size_t n;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(seen[i], desc) == 0)
			return known[i];
	if (n == 64)
		return S_font_known_uncached(desc);
	seen[n] = xstrdup(desc);
	known[n] = S_font_known_uncached(desc);
	return known[n++];
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

static double
S_num(xmlNodePtr n, const char *name, double def)
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

static char *
S_attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	char *r;

	if (v == NULL)
		return NULL;
	r = xstrdup((const char *)v);
	xmlFree(v);
	return r;
}

static int
S_is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(n->name, BAD_CAST name) == 0;
}

static void
S_lerr(const struct layout *l, xmlNodePtr n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
S_lerr(const struct layout *l, xmlNodePtr n, const char *fmt, ...)
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
	char *src = S_attr(f, "src"), *full;
	int ok = 1;

	if (src == NULL) {
		S_lerr(l, f, "<%s> needs src", (const char *)f->name);
		return 0;
	}
	if (strchr(src, '{') == NULL) {
		if ((full = path_in_root(site, src)) == NULL) {
			S_lerr(l, f, "%s does not exist inside the campaign",
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
		if (S_is(f, "qr")) {
			side = fmin(fw, fh);
			fx += (fw - side) / 2;
			fy += (fh - side) / 2;
			fw = fh = side;
		}
		if (fx < l->safe - 0.01 || fy < l->safe - 0.01 ||
		    fx + fw > s->w - l->safe + 0.01 ||
		    fy + fh > s->h - l->safe + 0.01) {
			S_lerr(l, f, "%s leaves the safe zone (%.0f mm from "
			    "the trim) at size %s", S_is(f, "qr") ? "the QR "
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
	double x = S_num(f, "x", 0), y = S_num(f, "y", 0);
	double w = S_num(f, "w", 1), h = S_num(f, "h", 1);
	double mx, mn;
	char *font;
	int ok = 1;

	if (!(x >= -0.5 && y >= -0.5 && w > 0 && h > 0 && x + w <= 1.5 &&
	    y + h <= 1.5)) {
		S_lerr(l, f, "<%s>: x, y, w, h must be numbers, fractions of "
		    "the trim box", (const char *)f->name);
		return 0;
	}
	if (S_is(f, "qr"))
		return S_safe(l, f, x, y, w, h);
	if (S_is(f, "rect"))
		return 1;
	if (S_is(f, "svg") || S_is(f, "image") || S_is(f, "logo"))
		return S_check_src(site, l, f);
	if (!S_is(f, "text")) {
		S_lerr(l, f, "unknown frame <%s>: use rect, text, svg, image, "
		    "logo or qr", (const char *)f->name);
		return 0;
	}
	mx = S_num(f, "max", 0.1);
	mn = S_num(f, "min", mx / 4);
	if (!(mn > 0 && mx >= mn && mx < 2)) {
		S_lerr(l, f, "text: min and max must be sizes with 0 < min "
		    "<= max");
		ok = 0;
	}
	font = S_attr(f, "font");
	if (font == NULL)
		font = xstrdup("Sans");
	if (!S_font_known(font)) {
		S_lerr(l, f, "unknown font '%s': neither rally's nor in "
		    "assets/fonts/", font);
		ok = 0;
	}
	free(font);
	if ((font = S_attr(f, "hashtag-font")) != NULL && !S_font_known(font)) {
		S_lerr(l, f, "unknown hashtag-font '%s': neither rally's nor "
		    "in assets/fonts/", font);
		ok = 0;
	}
	free(font);
	if (!S_safe(l, f, x, y, w, h))
		ok = 0;
	for (xmlNodePtr k = f->children; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE && !S_is(k, "p")) {
			S_lerr(l, k, "<text> holds text or <p>, not <%s>",
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

static int
S_layout(struct site *site, struct layout *l)
{
	xmlNodePtr root, n, f;
	char *s, *tok, *save = NULL;
	int ok = 1;

	root = xmlDocGetRootElement(l->doc);
	if (root == NULL || !S_is(root, "layout")) {
		S_lerr(l, root, "the root element must be <layout>");
		return 0;
	}
	l->title = S_attr(root, "title");
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
	s = S_attr(root, "per");
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
		S_lerr(l, root, "per must be message, area, org, org-event "
		    "or page");
		ok = 0;
	}
	free(s);
	l->bleed = S_num(root, "bleed", 3);
	l->safe = S_num(root, "safe", 5);
	l->dpi = S_num(root, "dpi", 150);
	if (!(l->bleed >= 0 && l->bleed <= 100 && l->safe >= 0 &&
	    l->safe <= 500 && l->dpi > 0 && l->dpi <= 2400)) {
		S_lerr(l, root, "bleed, safe (mm) and dpi must be numbers "
		    "in range");
		ok = 0;
	}
	s = S_attr(root, "marks");
	l->marks = s != NULL && strcmp(s, "yes") == 0;
	free(s);
	s = S_attr(root, "format");
	l->png = s != NULL && strcmp(s, "png") == 0;
	if (s != NULL && !l->png && strcmp(s, "pdf") != 0) {
		S_lerr(l, root, "format must be pdf or png");
		ok = 0;
	}
	free(s);
	if (l->png)
		l->bleed = 0;	/* screens have no trimming */
	s = S_attr(root, "sizes");
	if (s == NULL) {
		S_lerr(l, root, "sizes is missing: say sizes=\"A4 A3\"");
		return 0;
	}
	for (tok = strtok_r(s, " \t\n,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\n,", &save)) {
		l->sizes = xrealloc(l->sizes, (l->nsizes + 1) *
		    sizeof(*l->sizes));
		if (!print_size(tok, &l->sizes[l->nsizes])) {
			S_lerr(l, root, "bad size '%s': use A0 to A6 or WxH "
			    "in mm or cm, such as 50x70cm", tok);
			ok = 0;
			continue;
		}
		if (l->png != (strstr(tok, "px") != NULL)) {
			S_lerr(l, root, "size '%s': %s", tok, l->png ?
			    "a png layout is sized in px" : "print sizes are "
			    "A0 to A6, mm or cm");
			ok = 0;
		}
		l->nsizes++;
	}
	free(s);
	if (l->nsizes == 0 && ok) {
		S_lerr(l, root, "no sizes");
		ok = 0;
	}
	for (n = root->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!S_is(n, "page") || l->npages == 2) {
			S_lerr(l, n, "a layout holds one or two <page> "
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
		S_lerr(l, root, "no <page>");
		ok = 0;
	}
	return ok;
}

/* The site's hyphenation dictionary: a file of /usr/share/hyphen. */
static void
S_dict(struct site *site, struct print_set *ps)
{
	const char *name = lang_label(site, "hyphenation");
	struct pos p = { "content/site.yml", 0, 0 };
	char *path;

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
	struct pos p = { l->path, 0, 0 };
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
		return xml_read_mem((const char *)b->data, b->len, full);
	}
	free(full);
	if ((full = path_in_root(site, l->path)) == NULL) {
		diag_err(&p, "layout is a link to outside the campaign");
		*ok = 0;
		return NULL;
	}
	doc = xml_read_file(full, l->path);
	free(full);
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
	char *dir = xasprintf("%s/layouts/print", site->root);
	const struct builtin *b;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	DIR *d;
	int ok = 1;

	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			S_layout_name(de->d_name, only, &names, &n);
		closedir(d);
	}
	free(dir);
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
	if (ps->len > 0)
		S_dict(site, ps);
	return ps;
}

void
print_free(struct print_set *ps)
{
	if (S_pctx != NULL) {
		g_object_unref(S_pctx);
		S_pctx = NULL;
	}
	if (S_fonts_ready) {
		/* Nothing renders any more: let pango, then fontconfig go. */
		pango_cairo_font_map_set_default(NULL);
		FcFini();
		S_fonts_close();
		S_fonts_ready = 0;
	}
	print_set_free(ps);
}

/* Frees the layouts of ps, keeping the fonts for another set. */
void
print_set_free(struct print_set *ps)
{
	size_t i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->len; i++)
		S_layout_free(&ps->v[i]);
	free(ps->v);
	if (ps->hyph != NULL)
		hnj_hyphen_free(ps->hyph);
	free(ps);
}

size_t
print_count(const struct print_set *ps)
{
	return ps != NULL ? ps->len : 0;
}

/* Units: what a line must not split. */

#define NBSP	"\xC2\xA0"		/* no-break space */
#define WJ	"\xE2\x81\xA0"	/* word joiner: no break here */
#define TAG_ON	"\xEE\x80\x80"	/* U+E000: a hashtag begins (see S_tags) */
#define TAG_OFF	"\xEE\x80\x81"	/* U+E001: it ends */
#define NUNIT	5		/* S_units' patterns */
#define ZWSP	"\xE2\x80\x8B"	/* zero-width space: a break here */

/*
 * Is the word w (n bytes) an e-mail or web address?  Also one written
 * without its scheme, as print shows them: "example.dk/areas/aeldre".
 */
static int
S_is_addr(const char *w, size_t n)
{
	/* Compiled once per process: a pattern, not state. */
	static GRegex *host;
	char *s, *p, *q;
	int is;

	if (memchr(w, '@', n) != NULL || g_strstr_len(w, (gssize)n,
	    "://") != NULL || (n > 4 && strncmp(w, "www.", 4) == 0))
		return 1;
	if (memchr(w, '.', n) == NULL)
		return 0;
	if (host == NULL && (host = g_regex_new("^[a-z0-9-]+(\\.[a-z0-9-]+)*"
	    "\\.[a-z]{2,}(/\\S*)?[.,;:!?)]*$", G_REGEX_CASELESS, 0,
	    NULL)) == NULL)
		abort();	/* a bad pattern: a bug, not input */
	/* Without the joiners and break points S_addr may have put in. */
	s = g_strndup(w, n);
	for (p = q = s; *p != '\0'; )
		if (strncmp(p, WJ, 3) == 0 || strncmp(p, ZWSP, 3) == 0)
			p += 3;
		else
			*q++ = *p++;
	*q = '\0';
	is = g_regex_match(host, s, 0, NULL);
	g_free(s);
	return is;
}

/*
 * An address breaks only after '/', '.' or '@' (not after its scheme's
 * "//"), and never at its own hyphens: pango would break after those
 * and a reader could not tell the hyphen was part of it.
 */
static void
S_addr(GString *out, const char *w, size_t n)
{
	const char *scheme = g_strstr_len(w, (gssize)n, "://");
	size_t i;

	for (i = 0; i < n; i++) {
		g_string_append_c(out, w[i]);
		if (w[i] == '-' || (scheme != NULL && w + i == scheme + 2))
			g_string_append(out, WJ);
		else if ((w[i] == '/' || w[i] == '.' || w[i] == '@') &&
		    i + 1 < n && (scheme == NULL || w + i > scheme + 2))
			g_string_append(out, ZWSP);
	}
}

/*
 * Keeps units whole: a time range ("19:00–21:30"), a number and what
 * it counts ("kl. 19.00", "2200 København", "3 mia. kr."), a phone
 * number's groups ("+45 70 30 00 00"), and addresses (S_addr).
 * Returns a new string (g_free).
 */
static char *
S_units(const char *text)
{
	/* Compiled once per process: patterns, not state. */
	static GRegex *re[NUNIT];
	static const char *const pat[NUNIT] = {
		/* a time range: the dash joins */
		"(\\d{1,2}[:.]\\d{2})\\s*([–—-])\\s*(?=\\d{1,2}[:.]\\d{2})",
		/* "kl. 19", "at 19": a short word before a time */
		"\\b(\\w{1,3}\\.?) (?=\\d{1,2}[:.]\\d{2})",
		/* a number and what it counts, a postcode and its town,
		   a phone number's groups */
		"(?<=\\d) (?=\\p{L}|\\d|%|€|\\$)",
		/* "+45 70": a country code and the number */
		"(?<=\\+\\d{2}) ",
		/* "omsorg – ikke": a spaced dash ends its line, never
		   begins one */
		" (?=[–—](\\s|$))",
	};
	static const char *const rep[NUNIT] = { "\\1" WJ "\\2" WJ,
	    "\\1" NBSP, NBSP, NBSP, NBSP };
	GString *out = g_string_new(NULL);
	const char *p = text, *w;
	char *t, *u;
	int i;

	for (i = 0; i < NUNIT; i++)
		/* No G_REGEX_OPTIMIZE: PCRE's JIT code is opaque to
		   valgrind, and the texts are short. */
		if (re[i] == NULL && (re[i] = g_regex_new(pat[i], 0, 0,
		    NULL)) == NULL)
			abort();	/* a bad pattern: a bug, not input */
	/* Addresses first, word by word. */
	while (*p != '\0') {
		if (g_ascii_isspace(*p)) {
			g_string_append_c(out, *p++);
			continue;
		}
		for (w = p; *p != '\0' && !g_ascii_isspace(*p); p++)
			continue;
		if (S_is_addr(w, (size_t)(p - w)))
			S_addr(out, w, (size_t)(p - w));
		else
			g_string_append_len(out, w, p - w);
	}
	t = g_string_free(out, FALSE);
	for (i = 0; i < NUNIT; i++) {
		if (re[i] == NULL)
			continue;
		u = g_regex_replace(re[i], t, -1, 0, rep[i], 0, NULL);
		if (u != NULL) {
			g_free(t);
			t = u;
		}
	}
	return t;
}

/* Hyphenation: U+00AD at libhyphen's points; the author's win. */

static int
S_letter(gunichar c)
{
	return g_unichar_isalpha(c);
}

/*
 * Returns text with soft hyphens inserted in words of eight letters or
 * more (owned, g_free).  A word that already has one is left alone.
 */
static char *
S_hyphenate(const struct print_set *ps, const char *text)
{
	GString *out = g_string_new(NULL);
	const char *p = text, *w, *e;
	char *word, *low, *lat, *hy;
	char **rep = NULL;
	int *pos = NULL, *cut = NULL;
	long nchars, k;
	gsize latlen;

	if (ps->hyph == NULL)
		return g_strdup(text);
	while (*p != '\0') {
		/* An address or a hashtag is never hyphenated. */
		if ((p == text || g_ascii_isspace(p[-1])) &&
		    (*p == '#' || S_is_addr(p, strcspn(p, " \t\n")))) {
			e = p + strcspn(p, " \t\n");
			g_string_append_len(out, p, e - p);
			p = e;
			continue;
		}
		if (!S_letter(g_utf8_get_char(p))) {
			e = g_utf8_next_char(p);
			g_string_append_len(out, p, e - p);
			p = e;
			continue;
		}
		for (w = p; *p != '\0' && (S_letter(g_utf8_get_char(p)) ||
		    g_utf8_get_char(p) == 0xAD); p = g_utf8_next_char(p))
			continue;
		word = g_strndup(w, (gsize)(p - w));
		nchars = g_utf8_strlen(word, -1);
		if (nchars < 8 || strstr(word, "\xC2\xAD") != NULL) {
			g_string_append(out, word);
			g_free(word);
			continue;
		}
		low = g_utf8_strdown(word, -1);
		/* Patterns in UTF-8 (en) or Latin-1 (da, nb, sv, de). */
		if (ps->hyph->utf8) {
			lat = g_strdup(low);
			latlen = strlen(low);
		} else
			lat = g_convert(low, -1, "ISO-8859-1", "UTF-8", NULL,
			    &latlen, NULL);
		if (lat == NULL || (!ps->hyph->utf8 && (long)latlen != nchars)) {
			g_string_append(out, word);
			g_free(lat);
			g_free(low);
			g_free(word);
			continue;
		}
		hy = xcalloc((size_t)latlen + 5, 1);
		rep = NULL;
		pos = cut = NULL;
		hnj_hyphen_hyphenate2(ps->hyph, lat, (int)latlen, hy, NULL,
		    &rep, &pos, &cut);
		e = word;
		for (k = 0; k < nchars; k++) {
			const char *nx = g_utf8_next_char(e);

			g_string_append_len(out, e, nx - e);
			/* Three letters at least on each side. */
			if ((hy[k] & 1) && k >= 2 && k < nchars - 3)
				g_string_append(out, "\xC2\xAD");
			e = nx;
		}
		if (rep != NULL) {
			for (k = 0; k < (long)latlen; k++)
				free(rep[k]);
			free(rep);
		}
		free(pos);
		free(cut);
		free(hy);
		g_free(lat);
		g_free(low);
		g_free(word);
	}
	return g_string_free(out, FALSE);
}

/* Drawing. */

struct rctx {
	cairo_t			*cr;
	const struct sheet	*sh;
	struct pool		*pool;
	const struct scope	*sc;
	double			 W, H;	/* trim, points */
	double			 B;	/* bleed, points */
	int			 preview;
	int			 failed;
	/* Sizes set on this page, by frame id, for no-larger-than=. */
	char			*setid[16];
	double			 setpt[16];
	int			 nset;
};

static int
S_color(const char *s, double rgba[4])
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
static char *
S_eval_attr(struct rctx *c, xmlNodePtr f, const char *name)
{
	char *raw = S_attr(f, name);
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

static int
S_paint(struct rctx *c, xmlNodePtr f, const char *attr, const char *def)
{
	char *s = S_eval_attr(c, f, attr);
	double rgba[4];
	int ok;

	if (s == NULL && def == NULL)
		return 0;
	ok = S_color(s != NULL ? s : def, rgba);
	if (!ok)
		S_lerr(c->sh->lay, f, "%s '%s' is not a colour #rrggbb",
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
static void
S_box(struct rctx *c, xmlNodePtr f, int bleed, double r[4])
{
	double x = S_num(f, "x", 0) * c->W, y = S_num(f, "y", 0) * c->H;
	double w = S_num(f, "w", 1) * c->W, h = S_num(f, "h", 1) * c->H;

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

static int
S_cond(struct rctx *c, xmlNodePtr f)
{
	char *raw = S_attr(f, "if");
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

	S_box(c, f, 1, r);
	if (!S_paint(c, f, "fill", "#000000"))
		return;
	cairo_rectangle(c->cr, r[0], r[1], r[2], r[3]);
	cairo_fill(c->cr);
}

static void
S_qr(struct rctx *c, xmlNodePtr f)
{
	char *data = S_eval_attr(c, f, "data");
	QRcode *q;
	double r[4], side, m, x0, y0;
	int x, y, run, n;

	S_box(c, f, 0, r);
	if (data == NULL || *data == '\0') {
		S_lerr(c->sh->lay, f, "qr needs data");
		c->failed = 1;
		free(data);
		return;
	}
	q = QRcode_encodeString(data, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	free(data);
	if (q == NULL) {
		S_lerr(c->sh->lay, f, "cannot encode the QR code");
		c->failed = 1;
		return;
	}
	n = q->width;
	side = fmin(r[2], r[3]);
	m = side / (n + 8);	/* a quiet zone of four modules each side */
	x0 = r[0] + (r[2] - side) / 2;
	y0 = r[1] + (r[3] - side) / 2;
	if (!S_paint(c, f, "light", "#ffffff"))
		goto out;
	cairo_rectangle(c->cr, x0, y0, side, side);
	cairo_fill(c->cr);
	if (!S_paint(c, f, "dark", "#000000"))
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
	QRcode_free(q);
}

/* Fits a drawing of aspect a (w/h) in box r, placed by align/valign. */
static void
S_place(xmlNodePtr f, double a, const double r[4], double out[4])
{
	char *al = S_attr(f, "align"), *va = S_attr(f, "valign");
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

/* The file a frame draws: its src, evaluated, inside the campaign. */
static char *
S_src(struct rctx *c, xmlNodePtr f, char **shown)
{
	char *src = S_eval_attr(c, f, "src"), *full;

	*shown = src;
	if (src == NULL || *src == '\0')
		return NULL;	/* nothing bound: the frame is empty */
	if (c->sh->trusted != NULL && strcmp(src, c->sh->trusted) == 0)
		return xstrdup(src);	/* the user's own file: rally flyer */
	if ((full = path_in_root(c->sh->site, src)) == NULL) {
		S_lerr(c->sh->lay, f, "%s does not exist inside the campaign",
		    src);
		c->failed = 1;
	}
	return full;
}

static void
S_svg(struct rctx *c, xmlNodePtr f)
{
	char *shown, *full = S_src(c, f, &shown), *color, *css;
	RsvgHandle *h;
	RsvgRectangle vp, vb;
	RsvgLength lw, lh;
	gboolean hw, hh, hv;
	GError *err = NULL;
	double r[4], o[4], a = 1;

	if (full == NULL) {
		free(shown);
		return;
	}
	h = rsvg_handle_new_from_file(full, &err);
	if (h == NULL) {
		S_lerr(c->sh->lay, f, "%s: not a usable SVG: %s", shown,
		    err != NULL ? err->message : "unknown error");
		c->failed = 1;
		g_clear_error(&err);
		goto out;
	}
	if ((color = S_eval_attr(c, f, "color")) != NULL) {
		/* Icons drawn in currentColor take the frame's colour. */
		css = xasprintf("svg { color: %s; }", color);
		rsvg_handle_set_stylesheet(h, (const guint8 *)css, strlen(css),
		    NULL);
		free(css);
		free(color);
	}
	rsvg_handle_get_intrinsic_dimensions(h, &hw, &lw, &hh, &lh, &hv, &vb);
	if (hv && vb.width > 0 && vb.height > 0)
		a = vb.width / vb.height;
	else if (hw && hh && lw.length > 0 && lh.length > 0)
		a = lw.length / lh.length;
	S_box(c, f, 0, r);
	S_place(f, a, r, o);
	vp.x = o[0];
	vp.y = o[1];
	vp.width = o[2];
	vp.height = o[3];
	if (!rsvg_handle_render_document(h, c->cr, &vp, &err)) {
		S_lerr(c->sh->lay, f, "%s: cannot draw: %s", shown,
		    err != NULL ? err->message : "unknown error");
		c->failed = 1;
		g_clear_error(&err);
	}
	g_object_unref(h);
out:
	free(full);
	free(shown);
}

static void
S_image(struct rctx *c, xmlNodePtr f)
{
	char *shown, *full = S_src(c, f, &shown);
	GdkPixbuf *pb;
	GError *err = NULL;
	cairo_surface_t *s;
	double r[4], o[4], dpi;
	int w, h, x, y, ch, stride;
	const guchar *px;
	unsigned char *dst;

	if (full == NULL) {
		free(shown);
		return;
	}
	/* The header first: a pixel bomb is refused before it is decoded. */
	if (gdk_pixbuf_get_file_info(full, &w, &h) != NULL &&
	    (double)w * h > LIMIT_PIXELS) {
		S_lerr(c->sh->lay, f, "%s: %dx%d pixels is too many (limit "
		    "%.0f million)", shown, w, h, LIMIT_PIXELS / 1e6);
		c->failed = 1;
		goto out;
	}
	pb = gdk_pixbuf_new_from_file(full, &err);
	if (pb == NULL) {
		S_lerr(c->sh->lay, f, "%s: not a usable PNG or JPEG image: %s",
		    shown, err != NULL ? err->message : "unknown error");
		c->failed = 1;
		g_clear_error(&err);
		goto out;
	}
	w = gdk_pixbuf_get_width(pb);
	h = gdk_pixbuf_get_height(pb);
	if ((double)w * h > LIMIT_PIXELS) {
		S_lerr(c->sh->lay, f, "%s: %dx%d pixels is too many (limit "
		    "%.0f million)", shown, w, h, LIMIT_PIXELS / 1e6);
		c->failed = 1;
		g_object_unref(pb);
		goto out;
	}
	S_box(c, f, 0, r);
	S_place(f, (double)w / h, r, o);
	dpi = w / (o[2] / 72.0);
	if (!c->preview && dpi < c->sh->lay->dpi) {
		struct pos p = { c->sh->lay->path, (int)xmlGetLineNo(f), 0 };

		diag_warn(&p, "%s is %.0f dpi at %s, below the %.0f dpi this "
		    "layout needs", shown, dpi, c->sh->size->name,
		    c->sh->lay->dpi);
	}
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
out:
	free(full);
	free(shown);
}

/* A logo: SVG through librsvg, anything else as an image. */
static void
S_logo(struct rctx *c, xmlNodePtr f)
{
	char *src = S_eval_attr(c, f, "src");
	size_t n = src != NULL ? strlen(src) : 0;

	if (n == 0) {
		free(src);
		return;
	}
	if (n > 4 && strcasecmp(src + n - 4, ".svg") == 0)
		S_svg(c, f);
	else
		S_image(c, f);
	free(src);
}

/* One paragraph of a text frame, before sizing. */
struct para {
	char	*text;	/* hyphenated, transformed (owned) */
	char	*font;	/* owned */
	double	 rel;	/* size relative to the frame's */
	char	*color;	/* owned, or NULL */
	char	*tagfont; /* hashtags' font (owned), or NULL */
	double	 tagrel;  /* hashtags' size relative to the text's */
};

/* How a frame's text may break, from the most to the least careful. */
enum brk {
	BRK_WORDS,	/* between words only */
	BRK_HYPHEN,	/* also at libhyphen's points */
	BRK_ANY		/* also anywhere in a long word: the last resort */
};

/* The content value a frame's text is mostly made of (see S_blame). */
struct blame {
	const struct val	*v;
	char			*key;	/* its key: "headline" (owned) */
	size_t			 total;	/* characters of the whole frame */
};

/*
 * A word of ten letters or more may break anywhere (three letters at
 * least each side): with a soft hyphen, or, in an address, with a
 * zero-width space, where a hyphen would read as part of it.
 */
static char *
S_break_any(const char *text)
{
	GString *out = g_string_new(NULL);
	const char *p = text, *w, *q;
	long n, k;
	int addr;

	while (*p != '\0') {
		if (g_unichar_isspace(g_utf8_get_char(p))) {
			q = g_utf8_next_char(p);
			g_string_append_len(out, p, q - p);
			p = q;
			continue;
		}
		for (w = p; *p != '\0' && !g_unichar_isspace(
		    g_utf8_get_char(p)); p = g_utf8_next_char(p))
			continue;
		addr = S_is_addr(w, (size_t)(p - w));
		n = g_utf8_strlen(w, p - w);
		for (q = w, k = 0; q < p; k++) {
			const char *nx = g_utf8_next_char(q);

			g_string_append_len(out, q, nx - q);
			if (n >= 10 && k >= 2 && k < n - 3 &&
			    (addr || (g_unichar_isalpha(g_utf8_get_char(q)) &&
			    g_unichar_isalpha(g_utf8_get_char(nx)))))
				g_string_append(out, addr ? "\xE2\x80\x8B" :
				    "\xC2\xAD");
			q = nx;
		}
	}
	return g_string_free(out, FALSE);
}

/*
 * transform="upper", but a hashtag stays as the campaign writes it
 * (#JaTilTryghed): its capitals are how it is read.  g_free.
 */
static char *
S_upper(const char *text)
{
	GString *out = g_string_new(NULL);
	const char *p = text, *w;
	char *u;

	while (*p != '\0') {
		for (w = p; *p != '\0' && *p != '#'; p++)
			continue;
		u = g_utf8_strup(w, p - w);
		g_string_append(out, u);
		g_free(u);
		for (w = p; *p != '\0' && !g_unichar_isspace(
		    g_utf8_get_char(p)); p = g_utf8_next_char(p))
			continue;
		g_string_append_len(out, w, p - w);
	}
	return g_string_free(out, FALSE);
}

/*
 * Marks each hashtag (#JaTilTryghed) with TAG_ON and TAG_OFF, for
 * S_markup to set in the frame's hashtag-font: a display face with
 * capitals only would print it #JATILTRYGHED.  Any U+E000/U+E001 of
 * the content itself is dropped.  g_free.
 */
static char *
S_tags(const char *text)
{
	GString *out = g_string_new(NULL);
	const char *p = text, *nx;
	int in = 0;

	for (; *p != '\0'; p = nx) {
		gunichar ch = g_utf8_get_char(p);

		nx = g_utf8_next_char(p);
		if (ch == 0xE000 || ch == 0xE001)
			continue;
		if (in && g_unichar_isspace(ch)) {
			g_string_append(out, TAG_OFF);
			in = 0;
		} else if (!in && ch == '#' && (p == text ||
		    g_unichar_isspace(g_utf8_get_char(g_utf8_prev_char(p))))) {
			g_string_append(out, TAG_ON);
			in = 1;
		}
		g_string_append_len(out, p, nx - p);
	}
	if (in)
		g_string_append(out, TAG_OFF);
	return g_string_free(out, FALSE);
}

static void
S_para_add(struct rctx *c, xmlNodePtr f, xmlNodePtr p, const char *text,
    struct para **v, size_t *n, enum brk brk)
{
	char *tr = S_attr(f, "transform"), *font, *up, *h, *any, *units;
	struct para *q;

	font = p != NULL ? S_attr(p, "font") : NULL;
	if (font == NULL)
		font = S_attr(f, "font");
	if (font == NULL)
		font = xstrdup("Sans");
	up = tr != NULL && strcmp(tr, "upper") == 0 ? S_upper(text) :
	    g_strdup(text);
	units = S_units(up);
	g_free(up);
	up = units;
	h = brk >= BRK_HYPHEN ? S_hyphenate(c->sh->ps, up) : g_strdup(up);
	if (brk == BRK_ANY) {
		any = S_break_any(h);
		g_free(h);
		h = any;
	}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	q = &(*v)[(*n)++];
	q->tagfont = S_attr(f, "hashtag-font");
	q->tagrel = S_num(f, "hashtag-size", 1);
	if (!(q->tagrel > 0.2 && q->tagrel <= 5))
		q->tagrel = 1;
	if (q->tagfont != NULL) {
		any = S_tags(h);
		g_free(h);
		h = any;
	}
	q->text = xstrdup(h);
	q->font = font;
	q->rel = p != NULL ? S_num(p, "size", 1) : 1;
	if (!(q->rel > 0 && q->rel < 10))
		q->rel = 1;
	q->color = p != NULL ? S_eval_attr(c, p, "color") : NULL;
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
		    (bl->v == NULL || g_utf8_strlen(v->s, -1) >
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
		if (S_is(k, "p"))
			haspara = 1;
	if (!haspara) {
		t = xmlNodeGetContent(f);
		raw = g_strstrip(g_strdup((const char *)t));
		xmlFree(t);
		S_text_of(c, f, raw, c->sc, &b, bl);
		g_free(raw);
		S_para_add(c, f, NULL, b.data, &v, n, brk);
		buf_free(&b);
		return v;
	}
	for (k = f->children; k != NULL; k = k->next) {
		if (!S_is(k, "p") || !S_cond(c, k))
			continue;
		t = xmlNodeGetContent(k);
		raw = g_strstrip(g_strdup((const char *)t));
		xmlFree(t);
		each = S_attr(k, "each");
		if (each == NULL) {
			S_text_of(c, k, raw, c->sc, &b, bl);
			S_para_add(c, f, k, b.data, &v, n, brk);
		} else if ((in = strstr(each, " in ")) != NULL) {
			var = g_strstrip(g_strndup(each, (gsize)(in - each)));
			list = tmpl_eval(in + 4, k, c->sh->lay->path, c->sc,
			    c->pool, &c->failed);
			lim = S_attr(k, "limit");
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
				S_para_add(c, f, k, b.data, &v, n, brk);
			}
			g_free(var);
		} else {
			S_lerr(c->sh->lay, k, "each needs 'name in list'");
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
		if (!S_is(k, "p") || !S_cond(c, k) ||
		    (each = S_attr(k, "each")) == NULL)
			continue;
		if ((in = strstr(each, " in ")) != NULL &&
		    (list = tmpl_eval(in + 4, k, c->sh->lay->path, c->sc,
		    c->pool, &c->failed)) != NULL && list->type == V_LIST) {
			lim = S_attr(k, "limit");
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

static void
S_paras_free(struct para *v, size_t n)
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

/*
 * Pango markup for the paragraphs at size pt; values are escaped.
 * plain: no hyphen where a line breaks inside a word (wrap="char",
 * addresses).
 */
static char *
S_markup(const struct para *v, size_t n, double pt, int plain)
{
	GString *m = g_string_new(NULL);
	char *esc;
	size_t i;

	for (i = 0; i < n; i++) {
		esc = g_markup_escape_text(v[i].text, -1);
		g_string_append_printf(m, "<span font_desc=\"%s\" size=\"%d\"%s",
		    v[i].font, (int)lround(pt * v[i].rel * PANGO_SCALE),
		    plain ? " insert_hyphens=\"false\"" : "");
		if (v[i].color != NULL && *v[i].color == '#')
			g_string_append_printf(m, " foreground=\"%s\"",
			    v[i].color);
		g_string_append_c(m, '>');
		if (v[i].tagfont != NULL) {
			/* Hashtags in their own face (see S_tags). */
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
		g_string_append_printf(m, "%s</span>%s", esc,
		    i + 1 < n ? "\n" : "");
		g_free(esc);
	}
	return g_string_free(m, FALSE);
}

/* The text's vertical extent, ink and line boxes together: top, height. */
static void
S_extent(PangoLayout *pl, double *top, double *height, double *left,
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
static void
S_set_at(PangoLayout *pl, const struct para *v, size_t n, double pt,
    double w)
{
	char *m = S_markup(v, n, FIT_REF,
	    pango_layout_get_wrap(pl) == PANGO_WRAP_WORD_CHAR);
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

/* Does the text fit the w x h box at size pt?  Ink included. */
static int
S_fits(PangoLayout *pl, const struct para *v, size_t n, double pt,
    double w, double h)
{
	double tol = 0.5, top, height, left, right, logw, k = pt / FIT_REF;

	S_set_at(pl, v, n, pt, w);
	S_extent(pl, &top, &height, &left, &right, &logw);
	return logw * k <= w + tol && height * k <= h + tol &&
	    left * k >= -tol && right * k <= w + tol;
}

/* The largest size in [lo, hi] at which the text fits, or 0. */
static double
S_fit(PangoLayout *pl, const struct para *v, size_t n, double lo, double hi,
    double w, double h)
{
	int i;

	if (S_fits(pl, v, n, hi, w, h))
		return hi;
	if (!S_fits(pl, v, n, lo, w, h))
		return 0;
	for (i = 0; i < FIT_STEPS && hi - lo > fmax(0.05, hi * 0.004); i++) {
		double mid = (lo + hi) / 2;

		if (S_fits(pl, v, n, mid, w, h))
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * One pango context per process: making one per text frame costs a
 * fontconfig match each time.  Print renders in single-threaded
 * worker processes (and rally flyer), so a static is safe.
 */
static PangoContext *
S_context(cairo_t *cr)
{
	cairo_font_options_t *fo;

	if (S_pctx == NULL) {
		S_pctx = pango_font_map_create_context(
		    pango_cairo_font_map_get_default());
		/* Print metrics: no hinting, no rounding. */
		fo = cairo_font_options_create();
		cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
		cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
		pango_cairo_context_set_font_options(S_pctx, fo);
		cairo_font_options_destroy(fo);
		pango_context_set_round_glyph_positions(S_pctx, FALSE);
	}
	pango_cairo_update_context(cr, S_pctx);
	return S_pctx;
}

static PangoLayout *
S_pango(struct rctx *c, xmlNodePtr f, double w)
{
	PangoContext *ctx = S_context(c->cr);
	PangoLayout *pl;
	char *al = S_attr(f, "align"), *wr = S_attr(f, "wrap");
	double lh = S_num(f, "line-height", 0);

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
		char *font = S_attr(f, "font");
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
		g_object_unref(one);
		pango_font_description_free(fd);
		free(font);
	}
	if (al != NULL && strcmp(al, "center") == 0)
		pango_layout_set_alignment(pl, PANGO_ALIGN_CENTER);
	else if (al != NULL && strcmp(al, "right") == 0)
		pango_layout_set_alignment(pl, PANGO_ALIGN_RIGHT);
	free(al);
	return pl;
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
	struct blame bl = { NULL, NULL, 0 };
	struct para *v;
	size_t n;
	double top, height, left, right, logw, k = lo / FIT_REF, ratio;
	long len, cut;
	char *id = S_attr(f, "id"), *where;
	const char *unit = sh->lay->png ? "px" : "pt";

	v = S_paras(c, f, &n, BRK_ANY, 1000, &bl);
	S_set_at(pl, v, n, lo, r[2]);
	S_extent(pl, &top, &height, &left, &right, &logw);
	S_paras_free(v, n);
	where = xasprintf("layout %s, frame '%s', size %s%s%s", sh->lay->name,
	    id != NULL ? id : "?", sh->size->name, sh->org != NULL ?
	    ", organisation " : "", sh->org != NULL ? map_str(sh->org,
	    "slug") : "");
	if (bl.v == NULL) {
		S_lerr(sh->lay, f, "text does not fit at the minimum size "
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

/* What a designer would fix in a setting. */
struct flaws {
	int	lone;	/* lines of one word of <= 3 letters, in a paragraph
			   of more lines */
	int	hyph;	/* lines ending at a hyphen rally added */
	int	addr;	/* lines ending inside an address */
	int	lines;
};

static void
S_flaws(PangoLayout *pl, struct flaws *fl)
{
	const char *text = pango_layout_get_text(pl), *p, *e;
	GSList *l;
	PangoLayoutLine *ln, *nx;
	long letters, words;
	int inword;

	fl->lone = fl->hyph = fl->addr = 0;
	fl->lines = pango_layout_get_line_count(pl);
	for (l = pango_layout_get_lines_readonly(pl); l != NULL; l = l->next) {
		ln = l->data;
		nx = l->next != NULL ? l->next->data : NULL;
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
			if (!inword)
				words++;
			inword = 1;
			if (g_unichar_isalnum(ch))
				letters++;
		}
		if (words == 1 && letters <= 3 && !(ln->is_paragraph_start &&
		    (nx == NULL || nx->is_paragraph_start)))
			fl->lone++;
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
				if (g_utf8_get_char(q) == 0xAD)
					fl->hyph++;
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
    double w, double h)
{
	double lo, hi, mid;
	int lines, i;

	if (n != 1)
		return w;
	S_set_at(pl, v, n, pt, w);
	lines = pango_layout_get_line_count(pl);
	if (lines < 2 || lines > 5)
		return w;
	lo = w / lines;
	hi = w;
	for (i = 0; i < 7; i++) {	/* within 1 % of w */
		mid = (lo + hi) / 2;
		if (S_fits(pl, v, n, pt, mid, h) &&
		    pango_layout_get_line_count(pl) == lines)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* A setting of a frame: its paragraphs, size and width. */
struct setting {
	struct para	*v;	/* owned */
	size_t		 n;
	double		 pt;	/* 0: none yet */
	double		 w;	/* balanced width */
	double		 score;
	int		 lone;	/* a setting tried had a lone short word */
};

/*
 * Scores v at the largest size that fits and, while a line is one short
 * word, at sizes down to four fifths of it.  Size counts; a lone word
 * costs a quarter of it; a hyphen in display text (one paragraph of at
 * most five lines: headlines, slogans) half, so a setting without
 * hyphens wins unless the hyphen doubles the size ("I ALDER- / DOMMEN"
 * reads badly from across a square), and 15 % in running text, where
 * a setting without wins from 85 % of the size; an address broken over
 * two lines 30 %.  Keeps the best in *best and takes v (frees it when
 * it is not the best); returns whether anything fitted.
 */
static int
S_try(PangoLayout *pl, struct para *v, size_t n, double lo, double hi,
    const double r[4], double most, struct setting *best)
{
	struct flaws fl;
	double pt, size, w, score;
	int step, took = 0;

	if ((pt = S_fit(pl, v, n, lo, hi, r[2], r[3])) <= 0) {
		S_paras_free(v, n);
		return 0;
	}
	for (step = 0; step <= 5; step++) {
		size = pt * (1 - 0.04 * step);
		/* The best score this size could have (most: 0.85 for a
		   setting with hyphens, since one that uses none is a
		   setting between words, already tried) cannot win. */
		if (size < lo || size * most <= best->score)
			break;
		w = S_balance(pl, v, n, size, r[2], r[3]);
		S_set_at(pl, v, n, size, w);
		S_flaws(pl, &fl);
		best->lone |= fl.lone;
		score = size * (fl.lone ? 0.75 : 1) * (fl.addr ? 0.7 : 1) *
		    (!fl.hyph ? 1 : n == 1 && fl.lines <= 5 ? 0.5 : 0.85);
		if (score > best->score) {
			if (!took && best->v != NULL)
				S_paras_free(best->v, best->n);
			best->v = v;
			best->n = n;
			best->pt = size;
			best->w = w;
			best->score = score;
			took = 1;
		}
		if (!fl.lone)
			break;
	}
	if (!took)
		S_paras_free(v, n);
	return 1;
}

/*
 * A copy of v in which each word of three letters or fewer is joined
 * to the word before it by a no-break space; NULL when there is none.
 * v is not freed: S_try may own it.
 */
static struct para *
S_glue(const struct para *v, size_t n)
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
			if (w > p && w > v[i].text && e > w &&
			    g_utf8_strlen(w, e - w) <= 3 &&
			    g_unichar_isalpha(g_utf8_get_char(w))) {
				g_string_append_len(t, p, w - p - 1);
				g_string_append(t, NBSP);
				any = 1;
			} else
				g_string_append_len(t, p, w - p);
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
	}
	if (!any) {
		S_paras_free(g, n);
		return NULL;
	}
	return g;
}

/* Caps hi at the size of the frame named by no-larger-than=. */
static double
S_cap(struct rctx *c, xmlNodePtr f, double hi)
{
	char *ref = S_attr(f, "no-larger-than");
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
	char *id = S_attr(f, "id");

	if (id == NULL || c->nset == (int)(sizeof(c->setid) /
	    sizeof(c->setid[0]))) {
		free(id);
		return;
	}
	c->setid[c->nset] = id;
	c->setpt[c->nset++] = pt;
}

/*
 * Sets a text frame.  Among the settings that fit between min and max,
 * breaking between words or also at libhyphen's points, the best scored
 * (S_try), balanced; when none fits, breaking anywhere in a long word;
 * when even that does not fit, lists show fewer items.
 */
static void
S_text(struct rctx *c, xmlNodePtr f)
{
	const struct sheet *sh = c->sh;
	double r[4], side = fmin(c->W, c->H), lo, hi, y, x;
	struct setting best = { NULL, 0, 0, 0, 0, 0 };
	struct para *v;
	size_t n = 0, i, total;
	PangoLayout *pl;
	double top, height, left, right, logw, k;
	char *va, *hy, *al;
	struct para *vg;
	long drop, items;
	int hyph, fitted, colours = 0;

	S_box(c, f, 0, r);
	hi = S_num(f, "max", 0.1) * side;
	lo = S_num(f, "min", S_num(f, "max", 0.1) / 4) * side;
	hi = S_cap(c, f, hi);
	if (hi < lo)
		lo = hi;
	hy = S_attr(f, "hyphenate");
	hyph = hy == NULL || strcmp(hy, "no") != 0;
	free(hy);
	pl = S_pango(c, f, r[2]);
	items = S_list_items(c, f);
	for (drop = 0; drop == 0 || drop < items; drop++) {
		v = S_paras(c, f, &n, BRK_WORDS, drop, NULL);
		if (n == 0) {
			S_paras_free(v, n);
			goto out;
		}
		for (i = 0, total = 0; i < n; i++)
			total += strlen(v[i].text);
		if (total > LIMIT_TEXT) {
			S_lerr(sh->lay, f, "%zu bytes of text is more than a "
			    "print frame takes (limit %d): layout %s, area %s",
			    total, LIMIT_TEXT, sh->lay->name, sh->area != NULL
			    ? map_str(sh->area, "slug") : "-");
			S_paras_free(v, n);
			c->failed = 1;
			goto out;
		}
		fitted = S_try(pl, v, n, lo, hi, r, 1, &best);
		/* "JA TIL / TRYGHED I / ALDERDOMMEN": a short word kept
		   with the word before it, where it would stand alone. */
		if (fitted && best.lone && best.v == v &&
		    (vg = S_glue(v, n)) != NULL)
			S_try(pl, vg, n, lo, hi, r, 1, &best);
		/* hyphenate="no" still takes a hyphen before a break
		   anywhere, when nothing else fits. */
		if ((hyph && (!fitted || best.score < hi * 0.85)) ||
		    !fitted) {
			v = S_paras(c, f, &n, BRK_HYPHEN, drop, NULL);
			fitted |= S_try(pl, v, n, lo, hi, r, 0.85, &best);
		}
		if (fitted)
			break;
		v = S_paras(c, f, &n, BRK_ANY, drop, NULL);
		if (S_try(pl, v, n, lo, hi, r, 1, &best))
			break;
	}
	if (best.v == NULL) {
		S_nofit(c, f, pl, lo, r);
		c->failed = 1;
		goto out;
	}
	S_remember(c, f, best.pt);
	S_set_at(pl, best.v, best.n, best.pt, best.w);
	S_extent(pl, &top, &height, &left, &right, &logw);
	k = best.pt / FIT_REF;
	va = S_attr(f, "valign");
	y = r[1] - top * k;
	if (va != NULL && strcmp(va, "middle") == 0)
		y += (r[3] - height * k) / 2;
	else if (va != NULL && strcmp(va, "bottom") == 0)
		y += r[3] - height * k;
	free(va);
	/* A balanced setting is narrower: aligned in the frame. */
	al = S_attr(f, "align");
	x = r[0];
	if (al != NULL && strcmp(al, "center") == 0)
		x += (r[2] - best.w) / 2;
	else if (al != NULL && strcmp(al, "right") == 0)
		x += r[2] - best.w;
	free(al);
	for (i = 0; i < best.n; i++)
		colours |= best.v[i].color != NULL;
	if (S_paint(c, f, "color", "#000000")) {
		cairo_translate(c->cr, x, y);
		cairo_scale(c->cr, k, k);
		cairo_move_to(c->cr, 0, 0);
		/*
		 * Type above OUTLINE_PT goes as outlines: poppler's
		 * rasteriser draws no glyph that large, a RIP may choke
		 * the same way, and sign shops ask for outlines anyway.
		 */
		if (best.pt > OUTLINE_PT && !colours && !c->preview) {
			pango_cairo_layout_path(c->cr, pl);
			cairo_fill(c->cr);
		} else
			pango_cairo_show_layout(c->cr, pl);
	}
out:
	g_object_unref(pl);
	if (best.v != NULL)
		S_paras_free(best.v, best.n);
}

static void
S_marks(struct rctx *c)
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

static void
S_page(struct rctx *c, xmlNodePtr page)
{
	xmlNodePtr f;

	for (f = page->children; f != NULL && !c->failed; f = f->next) {
		if (f->type != XML_ELEMENT_NODE || !S_cond(c, f))
			continue;
		cairo_save(c->cr);
		if (S_is(f, "rect"))
			S_rect(c, f);
		else if (S_is(f, "text"))
			S_text(c, f);
		else if (S_is(f, "svg"))
			S_svg(c, f);
		else if (S_is(f, "image"))
			S_image(c, f);
		else if (S_is(f, "logo"))
			S_logo(c, f);
		else if (S_is(f, "qr"))
			S_qr(c, f);
		cairo_restore(c->cr);
	}
	/* Sizes are remembered per page (no-larger-than=). */
	while (c->nset > 0)
		free(c->setid[--c->nset]);
}

static cairo_status_t
S_write(void *arg, const unsigned char *data, unsigned int len)
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
 * writer compresses hard; previews and social images do not need it,
 * and at level 3 they take a quarter of the time.
 */
static void
S_png(cairo_surface_t *s, struct buf *b)
{
	int w = cairo_image_surface_get_width(s);
	int h = cairo_image_surface_get_height(s);
	int stride = cairo_image_surface_get_stride(s), x, y;
	int alpha = cairo_image_surface_get_format(s) == CAIRO_FORMAT_ARGB32;
	const unsigned char *src;
	png_structp png;
	png_infop info;
	unsigned char *row;

	cairo_surface_flush(s);
	src = cairo_image_surface_get_data(s);
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(png);
	if (png == NULL || info == NULL || setjmp(png_jmpbuf(png))) {
		fputs("rally: libpng failed\n", stderr);
		abort();
	}
	png_set_write_fn(png, b, S_png_write, S_png_flush);
	png_set_compression_level(png, 3);
	png_set_filter(png, 0, PNG_FILTER_SUB);	/* one cheap filter */
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
	    alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	    PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	row = xmalloc((size_t)w * 4);
	for (y = 0; y < h; y++) {
		const uint32_t *p = (const uint32_t *)(src + (size_t)y * stride);
		unsigned char *o = row;

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
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
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

static void
S_scope(const struct sheet *sh, struct site *site, struct scope sc[NSCOPE],
    struct pool *pool)
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
	S_png(s, b);
	cairo_surface_destroy(s);
}

/*
 * A product's preview, in pixels: its pages side by side, PREVIEW_PX
 * high (portrait) or each PREVIEW_PX * 1.5 wide (landscape), small
 * enough for a page of many cards.
 */
static void
S_preview_size(const struct sheet *sh, double *w, double *h)
{
	double W = sh->size->w, H = sh->size->h;
	double k = W >= H ? PREVIEW_PX * 1.5 / W : PREVIEW_PX / H;
	int n = sh->lay->npages;

	*h = lround(H * k);
	*w = n * lround(W * k) + (n - 1) * PREVIEW_GAP;
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
	double mz = sh->marks ? MARK_ZONE : 0, pw, ph, trim[4], bleed[4];
	double scale;
	char *title, date[32];
	struct tm tm;
	int i;

	memset(&c, 0, sizeof(c));
	c.sh = sh;
	c.pool = &pool;
	S_scope(sh, site, sc, &pool);
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
		S_page(&c, l->pages[0]);
		cairo_destroy(c.cr);
		if (!c.failed)
			S_png(s, &out[0]);
		if (!c.failed && j->out2 != NULL)
			S_thumb_png(s, &out[1]);
		cairo_surface_destroy(s);
		pool_free(&pool);
		return !c.failed;
	}

	s = cairo_pdf_surface_create_for_stream(S_write, &out[0], pw, ph);
	title = xasprintf("%s: %s (%s)", l->title, map_str(sh->message,
	    "headline") ? map_str(sh->message, "headline") :
	    map_str(sh->area, "headline"), sh->size->name);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	free(title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT,
	    map_str(sh->area, "title"));
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR,
	    sh->org != NULL ? map_str(sh->org, "name") :
	    map_str(site->v, "title"));
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
	    "rally " RALLY_VERSION);
	gmtime_r(&site->now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE,
	    date);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
	c.cr = cairo_create(s);
	for (i = 0; i < l->npages && !c.failed; i++) {
		cairo_save(c.cr);
		cairo_translate(c.cr, mz + c.B, mz + c.B);
		S_page(&c, l->pages[i]);
		if (sh->marks)
			S_marks(&c);
		cairo_restore(c.cr);
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
	if (!pdf_set_boxes(&out[0], trim, bleed, j->out)) {
		pool_free(&pool);
		return 0;
	}

	/* The preview: the front's trim box (rally flyer needs none). */
	if (j->out2 == NULL) {
		pool_free(&pool);
		return 1;
	}
	S_preview_size(sh, &pw, &ph);
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
		S_page(&c, l->pages[i]);
		cairo_restore(c.cr);
	}
	cairo_destroy(c.cr);
	S_png(s, &out[1]);
	cairo_surface_destroy(s);
	pool_free(&pool);
	return !c.failed;
}

/* Planning. */

struct print_plan {
	struct sheet	*v;
	size_t		 len;
};

static struct print_plan S_plan;

/*
 * The product a sheet belongs to in list: its layout, for one message
 * (or the area) of one area, or one event, of one organisation.  One
 * card on the downloads page, its sizes as links; made on first sight,
 * when *first is set: that sheet draws the product's preview.
 */
static struct val *
S_product(struct site *site, struct val *list, const struct sheet *sh,
    int *first)
{
	struct val *p, *msg = sh->msgno > 0 ? sh->message : NULL;
	size_t i;

	*first = 0;
	for (i = 0; i < list->len; i++) {
		p = list->items[i];
		if (strcmp(map_str(p, "layout_name"), sh->lay->name) == 0 &&
		    map_get(p, "message") == msg &&
		    map_get(p, "area") == sh->area &&
		    map_get(p, "event") == sh->event)
			return p;
	}
	*first = 1;
	p = val_new(&site->pool, V_MAP, NULL);
	map_set_str(&site->pool, p, "layout", sh->lay->title);
	map_set_str(&site->pool, p, "layout_name", sh->lay->name);
	if (msg != NULL)
		map_set(p, "message", msg);
	if (sh->area != NULL)
		map_set(p, "area", sh->area);
	if (sh->event != NULL)
		map_set(p, "event", sh->event);
	map_set(p, "pages", val_num(&site->pool, sh->lay->npages));
	map_set(p, "bleed", val_num(&site->pool, lround(sh->lay->bleed)));
	if (sh->marks)
		map_set_str(&site->pool, p, "marks", "yes");
	map_set(p, "sizes", val_new(&site->pool, V_LIST, NULL));
	list_push(list, p);
	return p;
}

/*
 * The products of the sheet's kind (its layout) in an area's entry of
 * the catalogue: the downloads page shows posters together, then
 * flyers...  Made on first sight.
 */
static struct val *
S_kind(struct site *site, struct val *entry, const struct sheet *sh)
{
	struct val *kinds = map_get(entry, "kinds"), *k;
	size_t i;

	for (i = 0; i < kinds->len; i++)
		if (strcmp(map_str(kinds->items[i], "layout_name"),
		    sh->lay->name) == 0)
			return map_get(kinds->items[i], "products");
	k = val_new(&site->pool, V_MAP, NULL);
	map_set_str(&site->pool, k, "layout", sh->lay->title);
	map_set_str(&site->pool, k, "layout_name", sh->lay->name);
	map_set(k, "products", val_new(&site->pool, V_LIST, NULL));
	list_push(kinds, k);
	return map_get(k, "products");
}

/*
 * Adds the sheet written to out to its product in list; the first
 * sheet of a product also writes its preview (j->out2), both pages
 * side by side, named as out without its size.
 */
static void
S_item(struct site *site, struct val *list, const struct sheet *sh,
    struct job *j)
{
	struct val *it = val_new(&site->pool, V_MAP, NULL), *p;
	const char *out = j->out;
	size_t cut = strlen(out) - strlen(".pdf") - strlen(sh->size->slug) - 1;
	int first;
	double w, h;

	p = S_product(site, list, sh, &first);
	map_set_str(&site->pool, it, "size", sh->size->name);
	map_set(it, "pdf_url", val_strn(&site->pool, xasprintf("%s/%s",
	    site->base_path, out), NULL));
	map_set(it, "out", val_str(&site->pool, out, NULL));
	list_push(map_get(p, "sizes"), it);
	if (!first)
		return;
	j->out2 = xasprintf("%.*s.png", (int)cut, out);
	map_set(p, "png_url", val_strn(&site->pool, xasprintf("%s/%s",
	    site->base_path, j->out2), NULL));
	/* Its size in CSS pixels (half the image's), against layout shift. */
	S_preview_size(sh, &w, &h);
	map_set(p, "thumb_w", val_num(&site->pool, lround(w / 2)));
	map_set(p, "thumb_h", val_num(&site->pool, lround(h / 2)));
}

static struct sheet *
S_sheet(struct site *site, const struct print_set *ps,
    const struct layout *l, const struct lsize *size, int marks)
{
	struct sheet *sh;

	S_plan.v = xrealloc(S_plan.v, (S_plan.len + 1) * sizeof(*S_plan.v));
	sh = &S_plan.v[S_plan.len++];
	memset(sh, 0, sizeof(*sh));
	sh->lay = l;
	sh->size = size;
	sh->ps = ps;
	sh->site = site;
	sh->marks = marks || l->marks;
	return sh;
}

/* Co-branded sheets: per organisation, for each area or event. */
static void
S_plan_orgs(struct site *site, const struct print_set *ps, int marks)
{
	struct val *orgs = map_get(site->v, "orgs"), *org, *list, *ev;
	struct sheet *sh;
	size_t li, o, k, si;

	for (li = 0; li < ps->len; li++) {
		const struct layout *l = &ps->v[li];

		if (l->per != PER_ORG && l->per != PER_ORG_EVENT)
			continue;
		for (o = 0; orgs != NULL && o < orgs->len; o++) {
			org = orgs->items[o];
			list = map_get(org, l->per == PER_ORG ? "areas" :
			    "events");
			ev = map_get(org, "next_event");
			for (k = 0; list != NULL && k < list->len; k++)
				for (si = 0; si < l->nsizes; si++) {
					sh = S_sheet(site, ps, l, &l->sizes[si],
					    marks);
					sh->org = org;
					if (l->per == PER_ORG) {
						sh->area = list->items[k];
						sh->event = ev;
					} else {
						sh->event = list->items[k];
						sh->area = map_get(sh->event,
						    "area");
						if (sh->area != NULL &&
						    sh->area->type != V_MAP)
							sh->area = NULL;
					}
					if (sh->area != NULL)
						sh->message = map_get(sh->area,
						    "messages")->items[0];
				}
		}
	}
}

/* The job of a co-branded sheet, listed on the organisation's page. */
static void
S_org_job(struct site *site, struct jobs *js, struct sheet *sh)
{
	struct val *mat;
	struct job *j;
	char *out;

	out = xasprintf("print/orgs/%s/%s-%s-%s.pdf", map_str(sh->org,
	    "slug"), map_str(sh->lay->per == PER_ORG ? sh->area : sh->event,
	    "slug"), sh->lay->name, sh->size->slug);
	j = jobs_add(js, out, print_sheet, NULL, NULL, sh);
	j->proc = 1;
	if ((mat = map_get(sh->org, "material")) == NULL) {
		size_t i;

		mat = val_new(&site->pool, V_LIST, NULL);
		map_set(sh->org, "material", mat);
		/* Its page lists file sizes: render it after the sheets. */
		for (i = 0; i < site->ndocs; i++)
			if (site->docs[i]->v == sh->org)
				site->docs[i]->phase = 1;
	}
	S_item(site, mat, sh, j);
	free(out);
}

/* Open Graph cards: one image per web page, of its own title. */
static void
S_plan_pages(struct site *site, const struct print_set *ps)
{
	struct sheet *sh;
	struct doc *d;
	size_t li, i;

	for (li = 0; li < ps->len; li++) {
		const struct layout *l = &ps->v[li];

		if (l->per != PER_PAGE)
			continue;
		for (i = 0; i < site->ndocs; i++) {
			d = site->docs[i];
			if (d->out == NULL || map_get(d->v, "noindex") != NULL)
				continue;
			sh = S_sheet(site, ps, l, &l->sizes[0], 0);
			sh->page = d->v;
			sh->area = map_get(d->v, "area");
			if (d->kind == K_AREA)
				sh->area = d->v;
			if (sh->area != NULL && sh->area->type != V_MAP)
				sh->area = NULL;
		}
	}
}

/* "areas/aeldre/index.html" -> "og/areas/aeldre.png". */
static char *
S_og_path(const char *out)
{
	size_t n = strlen(out);

	if (strcmp(out, "index.html") == 0)
		return xstrdup("og/index.png");
	if (n > 11 && strcmp(out + n - 11, "/index.html") == 0)
		return xasprintf("og/%.*s.png", (int)(n - 11), out);
	return xasprintf("og/%.*s.png", (int)(n - 5), out);
}

static void
S_page_job(struct site *site, struct jobs *js, struct sheet *sh)
{
	struct job *j;
	char *out = NULL;
	size_t i;

	for (i = 0; i < site->ndocs; i++)
		if (site->docs[i]->v == sh->page)
			out = S_og_path(site->docs[i]->out);
	if (out == NULL)
		return;
	j = jobs_add(js, out, print_sheet, NULL, NULL, sh);
	j->proc = 1;
	map_set(sh->page, "og_image", val_strn(&site->pool, xasprintf("%s/%s",
	    site->base_url, out), NULL));
	free(out);
}

/* Images for social media, listed by area on the downloads page. */
static void
S_social_job(struct site *site, struct jobs *js, struct sheet *sh,
    struct val *cat)
{
	struct val *list, *it, *p = NULL;
	struct job *j;
	char *out;
	size_t a, i;

	out = xasprintf("social/%s/%s-%d-%s.png", map_str(sh->area, "slug"),
	    sh->lay->name, sh->msgno, sh->size->slug);
	j = jobs_add(js, out, print_sheet, NULL, NULL, sh);
	j->proc = 1;
	for (a = 0; a < cat->len; a++) {
		if (map_get(cat->items[a], "area") != sh->area)
			continue;
		if ((list = map_get(cat->items[a], "social")) == NULL) {
			list = val_new(&site->pool, V_LIST, NULL);
			map_set(cat->items[a], "social", list);
		}
		/* One card per message, its formats as links. */
		for (i = 0; i < list->len && p == NULL; i++)
			if (map_get(list->items[i], "message") == sh->message)
				p = list->items[i];
		if (p == NULL) {
			p = val_new(&site->pool, V_MAP, NULL);
			map_set(p, "message", sh->message);
			map_set(p, "formats", val_new(&site->pool, V_LIST,
			    NULL));
			list_push(list, p);
			/* The first format also draws the card's thumbnail. */
			j->out2 = xasprintf("social/%s/%s-%d.thumb.png",
			    map_str(sh->area, "slug"), sh->lay->name,
			    sh->msgno);
			map_set(p, "thumb_url", val_strn(&site->pool,
			    xasprintf("%s/%s", site->base_path, j->out2),
			    NULL));
			map_set(p, "thumb_w", val_num(&site->pool,
			    SOCIAL_THUMB / 2));
			map_set(p, "thumb_h", val_num(&site->pool,
			    lround(SOCIAL_THUMB * sh->size->h / sh->size->w /
			    2)));
		}
		it = val_new(&site->pool, V_MAP, NULL);
		map_set_str(&site->pool, it, "size", sh->size->name);
		map_set_str(&site->pool, it, "layout", sh->lay->title);
		map_set(it, "png_url", val_strn(&site->pool, xasprintf("%s/%s",
		    site->base_path, out), NULL));
		list_push(map_get(p, "formats"), it);
	}
	free(out);
}

/*
 * Plans every sheet: layout x area x message x size.  Adds
 * site.print, the catalogue the downloads page lists.
 */
void
print_plan(struct site *site, const struct print_set *ps, struct jobs *js,
    int marks)
{
	struct val *areas = map_get(site->v, "areas"), *cat, *entry, *items;
	struct val *msgs;
	struct sheet *sh;
	struct job *j;
	size_t a, li, m, si, nm;
	char *out;

	cat = val_new(&site->pool, V_LIST, NULL);
	map_set(site->v, "print", cat);
	if (ps == NULL || ps->len == 0 || areas == NULL)
		return;
	for (a = 0; a < areas->len; a++) {
		entry = val_new(&site->pool, V_MAP, NULL);
		map_set(entry, "area", areas->items[a]);
		items = val_new(&site->pool, V_LIST, NULL);
		map_set(entry, "kinds", items);
		list_push(cat, entry);
		msgs = map_get(areas->items[a], "messages");
		for (li = 0; li < ps->len; li++) {
			const struct layout *l = &ps->v[li];

			if (l->per == PER_ORG || l->per == PER_ORG_EVENT ||
			    l->per == PER_PAGE)
				continue;
			nm = l->per == PER_MESSAGE ? msgs->len : 1;
			for (m = 0; m < nm; m++)
				for (si = 0; si < l->nsizes; si++) {
					S_plan.v = xrealloc(S_plan.v,
					    (S_plan.len + 1) *
					    sizeof(*S_plan.v));
					sh = &S_plan.v[S_plan.len++];
					memset(sh, 0, sizeof(*sh));
					sh->lay = l;
					sh->size = &l->sizes[si];
					sh->area = areas->items[a];
					sh->message = msgs->items[m];
					sh->msgno = l->per == PER_MESSAGE ?
					    (int)m + 1 : 0;
					sh->ps = ps;
					sh->site = site;
					sh->marks = marks || l->marks;
				}
		}
	}
	S_plan_orgs(site, ps, marks);
	S_plan_pages(site, ps);
	/* Jobs point into S_plan.v, now that it no longer moves. */
	for (si = 0; si < S_plan.len; si++) {
		sh = &S_plan.v[si];
		if (sh->org != NULL) {
			S_org_job(site, js, sh);
			continue;
		}
		if (sh->page != NULL) {
			S_page_job(site, js, sh);
			continue;
		}
		if (sh->lay->png) {
			S_social_job(site, js, sh, cat);
			continue;
		}
		if (sh->msgno > 0)
			out = xasprintf("print/%s/%s-%d-%s.pdf",
			    map_str(sh->area, "slug"), sh->lay->name,
			    sh->msgno, sh->size->slug);
		else
			out = xasprintf("print/%s/%s-%s.pdf",
			    map_str(sh->area, "slug"), sh->lay->name,
			    sh->size->slug);
		j = jobs_add(js, out, print_sheet, NULL, NULL, sh);
		j->proc = 1;
		for (a = 0; a < cat->len; a++)
			if (map_get(cat->items[a], "area") == sh->area)
				S_item(site, S_kind(site, cat->items[a], sh),
				    sh, j);
		free(out);
	}
}

static struct kit	*S_kits;

void
print_plan_free(void)
{
	free(S_kits);
	S_kits = NULL;
	free(S_plan.v);
	S_plan.v = NULL;
	S_plan.len = 0;
}

static const char *S_outdir;

/* "1.2 MB" on every item of list, from the files under dir. */
static void
S_sizes(struct site *site, struct val *items, const char *dir)
{
	struct stat st;
	struct val *it;
	size_t i;
	char *path;
	int found;

	for (i = 0; items != NULL && i < items->len; i++) {
		it = items->items[i];
		if (map_get(it, "products") != NULL) {	/* a kind */
			S_sizes(site, map_get(it, "products"), dir);
			continue;
		}
		if (map_get(it, "sizes") != NULL) {	/* a product */
			S_sizes(site, map_get(it, "sizes"), dir);
			continue;
		}
		if (map_str(it, "out") == NULL)
			continue;
		/* Made now (staging), or up to date (the output dir). */
		path = xasprintf("%s/%s", dir, map_str(it, "out"));
		found = stat(path, &st) == 0;
		if (!found && S_outdir != NULL) {
			free(path);
			path = xasprintf("%s/%s", S_outdir,
			    map_str(it, "out"));
			found = stat(path, &st) == 0;
		}
		if (found)
			map_set(it, "filesize", val_strn(&site->pool,
			    st.st_size >= 1024 * 1024 ? xasprintf("%.1f MB",
			    st.st_size / 1048576.0) : xasprintf("%lld kB",
			    (long long)(st.st_size + 1023) / 1024), NULL));
		free(path);
	}
}

/* File sizes for the pages that list material, once files exist. */
void
print_sizes(struct site *site, const char *dir, const char *outdir)
{
	S_outdir = outdir;
	struct val *cat = map_get(site->v, "print");
	struct val *orgs = map_get(site->v, "orgs");
	size_t i;

	for (i = 0; cat != NULL && i < cat->len; i++)
		S_sizes(site, map_get(cat->items[i], "kinds"), dir);
	for (i = 0; orgs != NULL && i < orgs->len; i++)
		S_sizes(site, map_get(orgs->items[i], "material"), dir);
}

/*
 * One sheet outside a build (rally flyer): layout name for org, area,
 * message (1-based) and event, at size.  out[0] gets the PDF, out[1]
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
	if (!print_size(size, &sz)) {
		fprintf(stderr, "rally: bad size '%s': use A0 to A6 or WxH "
		    "in mm or cm, such as 50x70cm\n", size);
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

/* The logo kit: the site's logo in each area's colour. */

struct kit {
	const char	*color;	/* "#rrggbb", or NULL for the logo as drawn */
	int		 pdf;	/* 1: PDF; 0: SVG and PNG */
};

static struct kit	*S_kits;
static size_t		 S_nkits;

static int
S_kit_draw(struct site *site, const struct kit *k, cairo_t *cr, double side,
    const char *shown)
{
	const char *logo = map_str(site->v, "logo");
	char *full = logo != NULL ? path_in_root(site, logo) : NULL, *css;
	struct pos p = { shown, 0, 0 };
	RsvgRectangle vp = { 0, 0, side, side };
	GError *err = NULL;
	RsvgHandle *h;
	int ok = 0;

	if (full == NULL || (h = rsvg_handle_new_from_file(full, &err)) ==
	    NULL) {
		diag_err(&p, "the site's logo is not a usable SVG: %s",
		    err != NULL ? err->message : "missing");
		g_clear_error(&err);
		free(full);
		return 0;
	}
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
	free(full);
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
int
print_kit(const struct job *j, struct site *site, struct buf *out)
{
	const struct kit *k = j->arg;
	cairo_surface_t *s;
	cairo_t *cr;
	char date[32];
	struct tm tm;
	int ok;

	if (k->pdf) {
		s = cairo_pdf_surface_create_for_stream(S_write, &out[0],
		    100 * MM, 100 * MM);
		gmtime_r(&site->now, &tm);
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
		cairo_pdf_surface_set_metadata(s,
		    CAIRO_PDF_METADATA_CREATE_DATE, date);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE,
		    date);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
		    map_str(site->v, "title"));
		cr = cairo_create(s);
		ok = S_kit_draw(site, k, cr, 100 * MM, j->out);
		cairo_destroy(cr);
		cairo_surface_destroy(s);
		return ok;
	}
	s = cairo_svg_surface_create_for_stream(S_write, &out[0], 1000, 1000);
	cr = cairo_create(s);
	ok = S_kit_draw(site, k, cr, 1000, j->out);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	S_svg_ids(&out[0]);
	s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1000, 1000);
	cr = cairo_create(s);
	ok = ok && S_kit_draw(site, k, cr, 1000, j->out);
	cairo_destroy(cr);
	S_png(s, &out[1]);
	cairo_surface_destroy(s);
	return ok;
}

static void
S_kit_job(struct site *site, struct jobs *js, struct val *kit,
    const char *slug, const char *title, const char *color)
{
	struct val *it = val_new(&site->pool, V_MAP, NULL);
	struct job *j;
	char *out;

	S_kits[S_nkits].color = color;
	S_kits[S_nkits].pdf = 0;
	out = xasprintf("logo/%s.svg", slug);
	j = jobs_add(js, out, print_kit, NULL, NULL, &S_kits[S_nkits++]);
	j->out2 = xasprintf("logo/%s.png", slug);
	j->proc = 1;
	free(out);
	S_kits[S_nkits].color = color;
	S_kits[S_nkits].pdf = 1;
	out = xasprintf("logo/%s.pdf", slug);
	j = jobs_add(js, out, print_kit, NULL, NULL, &S_kits[S_nkits++]);
	j->proc = 1;
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
print_plan_kit(struct site *site, struct jobs *js)
{
	struct val *areas = map_get(site->v, "areas"), *kit;
	const char *logo = map_str(site->v, "logo");
	size_t a, n = areas != NULL ? areas->len : 0;

	if (logo == NULL || strlen(logo) < 5 ||
	    strcasecmp(logo + strlen(logo) - 4, ".svg") != 0)
		return;
	kit = val_new(&site->pool, V_LIST, NULL);
	map_set(site->v, "logo_kit", kit);
	S_kits = xcalloc(2 * (n + 1), sizeof(*S_kits));
	S_nkits = 0;
	S_kit_job(site, js, kit, "alliance", map_str(site->v, "title"), NULL);
	for (a = 0; a < n; a++)
		S_kit_job(site, js, kit, map_str(areas->items[a], "slug"),
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
	S_scope(sh, sh->site, sc, &pool);
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
	S_page(&c, sh->lay->pages[page]);
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
S_proof_draw(cairo_t *cr, struct site *site, struct val *org)
{
	double W = 420 * MM, H = 297 * MM, m = 12 * MM, top = 30 * MM;
	double cw, ch, x, y;
	size_t i, n = 0, cols, rows, k = 0;
	char *t;
	int p, ok = 1;

	for (i = 0; i < S_plan.len; i++)
		if (S_plan.v[i].org == org)
			n += (size_t)S_plan.v[i].lay->npages;
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
	for (i = 0; i < S_plan.len; i++) {
		struct sheet *sh = &S_plan.v[i];

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

/* out[0]: the proof as a PDF page, out[1]: as a PNG. */
int
print_proof(const struct job *j, struct site *site, struct buf *out)
{
	struct val *org = j->arg;
	cairo_surface_t *s;
	cairo_t *cr;
	char date[32];
	struct tm tm;
	int ok;

	s = cairo_pdf_surface_create_for_stream(S_write, &out[0], 420 * MM,
	    297 * MM);
	gmtime_r(&site->now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE,
	    date);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
	    map_str(org, "name"));
	cr = cairo_create(s);
	ok = S_proof_draw(cr, site, org);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1600,
	    (int)lround(1600 * 297.0 / 420));
	cr = cairo_create(s);
	cairo_scale(cr, 1600 / (420 * MM), 1600 / (420 * MM));
	ok = ok && S_proof_draw(cr, site, org);
	cairo_destroy(cr);
	S_png(s, &out[1]);
	cairo_surface_destroy(s);
	return ok;
}

/* One proof per organisation with material: print/orgs/<org>/proof. */
void
print_plan_proofs(struct site *site, struct jobs *js)
{
	struct val *orgs = map_get(site->v, "orgs");
	struct job *j;
	char *out;
	size_t o;

	for (o = 0; orgs != NULL && o < orgs->len; o++) {
		if (map_get(orgs->items[o], "material") == NULL)
			continue;
		out = xasprintf("print/orgs/%s/proof.pdf",
		    map_str(orgs->items[o], "slug"));
		j = jobs_add(js, out, print_proof, NULL, NULL,
		    orgs->items[o]);
		j->out2 = xasprintf("print/orgs/%s/proof.png",
		    map_str(orgs->items[o], "slug"));
		j->proc = 1;
		map_set(orgs->items[o], "proof_pdf", val_strn(&site->pool,
		    xasprintf("%s/%s", site->base_path, out), NULL));
		map_set(orgs->items[o], "proof_png", val_strn(&site->pool,
		    xasprintf("%s/%s", site->base_path, j->out2), NULL));
		free(out);
	}
}

/*
 * What a print job renders from, besides layouts and assets (keys.c):
 * its area, organisation, event or page, and every event (flyers list
 * the next ones).  Valid until the next call.
 */
const char *
print_job_digest(const struct job *j, struct site *site)
{
	static char out[6 * 65];
	const struct sheet *sh = j->arg;

	if (j->fn == print_sheet)
		snprintf(out, sizeof(out), "%s%s%s%s%s%s",
		    keys_doc(site, sh->area), keys_doc(site, sh->org),
		    keys_doc(site, sh->event), keys_doc(site, sh->page),
		    keys_kind(K_EVENT), sh->org != NULL ? keys_kind(K_AREA) :
		    "");
	else	/* the logo kit, proof sheets */
		snprintf(out, sizeof(out), "%s%s%s", keys_kind(K_AREA),
		    keys_kind(K_ORG), keys_kind(K_EVENT));
	return out;
}
