/*
 * print.h: private to the print modules (print_*.c), which turn print
 * layouts (layouts/print/NAME.xml) into print-ready PDFs and previews.
 *
 *   print_lay.c    lay_    sizes, fonts, reading and checking layouts
 *   print_words.c  words_  units that must not break, hyphenation
 *   print_text.c   text_   a text frame: paragraphs, drawn or reported
 *   print_fit.c    fit_    the setting that fits best
 *   print_draw.c   draw_   frames: colours, rectangles, QR, images, pages
 *   print_sheet.c  sheet_  one sheet as PDF and PNG; rally flyer's sheet
 *   print_plan.c           the catalogue: sheets, their jobs, file sizes
 *   print_kit.c            the logo kit, the organisations' proofs
 *   print_impose.c impose_ office printing: n-up flyers, tiled posters
 *   print_press.c  press_  presets: bleed, marks, slug line, PDF/X
 *
 * Each file's own exports carry its prefix; print_ names the API the
 * rest of rally calls (extern.h).
 *
 * A layout places frames in units relative to the trim box: x and w are
 * fractions of the trim width, y and h of its height, font sizes
 * fractions of the shorter side.  So one layout serves every size of
 * its family.  See README, "Print layouts".
 */
#ifndef PRINT_H
#define PRINT_H

#include <cairo.h>
#include <hyphen.h>
#include <pango/pangocairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <librsvg/rsvg.h>

#define MM		(72.0 / 25.4)	/* points per millimetre */
#define MARK_ZONE	(10.0 * MM)	/* room for crop marks past the bleed */
#define PREVIEW_PX	340.0		/* preview height, portrait sheets */
#define PREVIEW_GAP	8		/* pixels between its pages */
#define SOCIAL_THUMB	320		/* social images' thumbnails, wide */
#define FIT_STEPS	18		/* binary search steps on the size */
#define FIT_REF		100.0		/* points: text is set at this size */
#define FIT_SIDE	(210.0 * MM)	/* frames are fitted as on a sheet
					   this wide (print_text.c) */
#define FIT_TOL		0.0625		/* points a fit may be off by, there
					   (0.5 on a sheet 8 times as wide) */
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
	int		 slug;	/* file, date, colour outside the trim */
	int		 pdfx;	/* CMYK PDF/X-4 (print_press.c) */
	int		 png;	/* format="png": pixels, no bleed, no PDF */
	struct lsize	*sizes;
	size_t		 nsizes;
	xmlNodePtr	 pages[2];
	int		 npages;
	unsigned	 needs;	/* what it reads of other files (NEED_) */
};

/* The layouts of a build, and the sheets planned from them. */
struct print_set {
	struct layout	*v;
	size_t		 len;
	HyphenDict	*hyph;	/* the site's language's, or NULL */
	struct hyph_lang {
		char		*lang;	/* "da" (owned) */
		HyphenDict	*dict;	/* NULL: none for it */
	}		*hyphs;	/* other languages of the content */
	size_t		 nhyphs;
	struct sheet	*sheets;/* every sheet of the plan (owned) */
	size_t		 nsheets;
	size_t		 sheets_cap;	/* allocated (S_sheet_new) */
	struct kit	*kits;	/* the logo kit's jobs' arguments (owned) */
	size_t		 nkits;
	struct proof	*proofs;/* the proof jobs' arguments (owned) */
	size_t		 nproofs;
	struct pdfx	*cmyk;	/* colours for PDF/X sheets, or NULL (owned) */
	struct fit_memo	*memo;	/* frames' settings, shared by the
				   workers (owned; NULL: none) */
	int		 memo_tell;	/* say when it is used */
	GHashTable	*laid;	/* text frames laid out, by their memo key:
				   PangoLayout (each worker its own; NULL
				   without the memo) */
	GHashTable	*svgs;	/* artwork parsed, by its colour and bytes:
				   RsvgHandle (each forked worker fills
				   its own copy) */
	GHashTable	*qrs;	/* QR codes encoded, by their data: QRcode
				   (as svgs: a worker's own) */
	int		 every_width;	/* no struct cfg: pango lays out
				   every width the fitter tries */
};

/*
 * The fonts of a site (site->fonts): rally's own, as in-memory files,
 * and the campaign's, which fontconfig's current configuration holds.
 */
struct print_fonts {
	int		 ready;	/* fontconfig knows them */
	PangoContext	*pctx;	/* every text frame's context (owned) */
	int		 memfds[128];	/* the fonts, open (see S_builtin_font,
					   S_own_font) */
	int		 nmemfds;
	char		*seen[64];	/* font descriptions seen (owned) */
	int		 known[64];	/* ... and whether a family matched */
	size_t		 nseen;
	GHashTable	*faces;	/* description -> PangoFont, as loaded
				   (print_text.c S_whole_face) */
};

/* An organisation's proof sheet: thumbnails of its sheets in ps. */
struct proof {
	const struct print_set	*ps;
	struct val		*org;
};

/* The logo kit: the site's logo in each area's colour. */
struct kit {
	const char	*color;	/* "#rrggbb", or NULL for the logo as drawn */
	int		 pdf;	/* 1: PDF; 0: SVG and PNG */
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

/* Units: what a line must not split. */

#define NBSP	"\xC2\xA0"		/* no-break space */
#define WJ	"\xE2\x81\xA0"	/* word joiner: no break here */
#define RLM	"\xE2\x80\x8F"	/* right-to-left mark: starts a paragraph RTL */
#define TAG_ON	"\xEE\x80\x80"	/* U+E000: a hashtag begins (see S_tags) */
#define TAG_OFF	"\xEE\x80\x81"	/* U+E001: it ends */
#define NUNIT	12		/* S_units' patterns */
#define ZWSP	"\xE2\x80\x8B"	/* zero-width space: a break here */

/* One paragraph of a text frame, before sizing. */
struct para {
	char	*text;	/* hyphenated, transformed (owned) */
	char	*font;	/* owned */
	double	 rel;	/* size relative to the frame's */
	char	*color;	/* owned, or NULL */
	char	*tagfont; /* hashtags' font (owned), or NULL */
	double	 tagrel;  /* hashtags' size relative to the text's */
	const char *lang; /* its language (the model's, not owned) */
};

/* How a frame's text may break, from the most to the least careful. */
enum brk {
	BRK_WORDS,	/* between words only */
	BRK_HYPHEN,	/* also at libhyphen's points, but not in a street
			   or town named with its number (words_named) */
	BRK_NAMES,	/* ... in those too, and addresses after / . @ */
	BRK_ANY		/* also anywhere in a long word: the last resort */
};

/* What text_frame chose for a frame: how its paragraphs were made
   (S_paras, then fit_glue or not) and set. */
struct fit_choice {
	int	 brk;	/* enum brk */
	long	 drop;	/* list items left out */
	int	 glued;	/* -1: not glued; else fit_glue's last */
	int	 ranges;	/* then its named ranges joined (fit_glue 2) */
	double	 pt;
	double	 w;
	float	 spacing;	/* the layout's line spacing, with room for
				   accents (fit_clear_ink), or 0 */
};

/* A setting of a frame: its paragraphs, size and width. */
struct setting {
	struct para	*v;	/* owned */
	size_t		 n;
	double		 pt;	/* 0: none yet */
	double		 w;	/* balanced width */
	double		 score;
	int		 lone;	/* a setting tried had a lone short word */
	int		 widow;	/* ... a paragraph ending in a line of
				   one word */
	int		 range;	/* the setting kept breaks a named range,
				   "måndag–" / "fredag" */
};

/* print_lay.c: sizes and layouts. */
int		 lay_size(const char *spec, struct lsize *s);
char		*lay_attr(xmlNodePtr n, const char *name);
double		 lay_num(xmlNodePtr n, const char *name, double def);
int		 lay_is(xmlNodePtr n, const char *name);
void		 lay_err(const struct layout *l, xmlNodePtr n,
		    const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

/*
 * print_words.c: each returns a new string, to free with g_free().
 * units: addresses, times, dates and "postcode town" joined so no line
 * breaks inside them (addr_breaks: an address may, after / . @);
 * hyphenate: soft hyphens at libhyphen's points
 * (ps's dictionary; three letters each side); break_any: a last-resort
 * break in words of ten letters or more; upper: capitals, as the
 * language writes them; tags: hashtags between TAG_ON and TAG_OFF;
 * single: one-letter words kept with the next, where lang does so.
 * named (not a string): whether the word at a place in text is a name
 * that units joined to a number ("Kanalgatan 43").
 */
char		*words_units(const char *text, int addr_breaks);
int		 words_named(const char *text, const char *at);
char		*words_single(const char *lang, const char *text);
int		 words_alphabet(gunichar u);
char		*words_hyphenate(const struct print_set *ps, const char *lang,
		    const char *text, int names);
char		*words_break_any(const char *text);
char		*words_upper(const char *text);
char		*words_tags(const char *text);

/*
 * print_fit.c: settings of paragraphs v[0..n) in a pango layout set up
 * for the frame (its width, alignment, wrap).
 */
void		 fit_free(struct para *v, size_t n);
void		 fit_set_at(PangoLayout *pl, const struct para *v, size_t n,
		    double pt, double w);
double		 fit_inset(double left, double right, double w, double k);
int		 fit_mixed_lines(PangoLayout *pl, const struct para *v,
		    size_t n, double face, double lh);
int		 fit_clear_ink(PangoLayout *pl, const struct para *v,
		    size_t n);
void		 fit_extent(PangoLayout *pl, double *top, double *height,
		    double *left, double *right, double *logw);
int		 fit_try(PangoLayout *pl, struct para *v, size_t n, double lo,
		    double hi, const double r[4], double most,
		    struct setting *best);
struct para	*fit_glue(const struct para *v, size_t n, int last);

/* print_text.c: a text frame, set at the size and breaks that fit best. */
void		 text_frame(struct rctx *c, xmlNodePtr f);

/* print_memo.c: settings of text frames, shared by worker processes. */
struct fit_memo	*memo_new(void);
void		 memo_free(struct fit_memo *m);
void		 memo_key(GString *k, unsigned char key[32]);
int		 memo_get(const struct fit_memo *m,
		    const unsigned char key[32], struct fit_choice *ch);
void		 memo_put(struct fit_memo *m, const unsigned char key[32],
		    const struct fit_choice *ch);

/* print_draw.c: frames on a page. */
char		*draw_attr(struct rctx *c, xmlNodePtr f, const char *name);
int		 draw_paint(struct rctx *c, xmlNodePtr f, const char *attr,
		    const char *def);
void		 draw_box(struct rctx *c, xmlNodePtr f, int bleed,
		    double r[4]);
int		 draw_cond(struct rctx *c, xmlNodePtr f);
void		 draw_page(struct rctx *c, xmlNodePtr page);
void		 draw_marks(struct rctx *c);

/* print_sheet.c: output. */
cairo_status_t	 sheet_write(void *b, const unsigned char *data,
		    unsigned int len);
void		 sheet_png(cairo_surface_t *s, struct buf *b);
cairo_surface_t	*sheet_pdf_own(const struct site *site, struct buf *out,
		    double w, double h, const char *title);
void		 sheet_metadata(cairo_surface_t *s, const struct sheet *sh,
		    const struct site *site);
void		 sheet_scope(const struct sheet *sh, struct site *site,
		    struct scope sc[NSCOPE], struct pool *pool);
void		 sheet_preview_size(const struct sheet *sh, double *w,
		    double *h);

/* print_impose.c: which sheets the office gets, and how. */
int		 impose_copies(const struct lsize *z);
int		 impose_tiles(const struct lsize *z, int *land);

/* print_press.c: site.yml's print: and --pdfx onto the layouts. */
int		 press_apply(struct site *site, struct print_set *ps);

/* image.c: pictures from bytes, checked first; NULL with *why (g_free). */
RsvgHandle	*image_svg(const char *data, size_t len, char **why);
GdkPixbuf	*image_raster(const char *data, size_t len, char **why);

#endif
