/*
 * pdfx.c: turns a PDF that cairo wrote (DeviceRGB throughout) into a
 * CMYK PDF/X-4 a print shop takes unchanged.
 *
 * Cairo draws only in RGB, so the colours are rewritten afterwards, in
 * the same qpdf pass that sets the boxes (pdf.c): every colour operator
 * of every content stream (pages, forms, tiling patterns, soft masks;
 * tokenized by qpdf, pdftok.cc), every shading and every RGB image.
 * Which CMYK a colour gets, in this order:
 *
 *   1. a brand colour with the CMYK its designer gave (an area's or an
 *      organisation's `cmyk:`): exactly those values;
 *   2. black and near-black (L* below 25, chroma below 12): 100 % K and
 *      nothing else, so small text and QR codes print from one plate;
 *      neutral greys: K only, as dark as the grey;
 *   3. anything else: through lcms2 from sRGB to the output profile
 *      (relative colorimetric with black-point compensation for flat
 *      colours, perceptual for images).
 *
 * Ghostscript's pdfwrite can also convert to CMYK, but through its
 * profile only: it cannot keep a designer's CMYK values, and it turns
 * #16161d text into four-colour black (README, "Print shops").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <lcms2.h>
#include <zlib.h>
#include <qpdf/qpdf-c.h>

#include "rally.h"
#include "extern.h"
#include "pdftok.h"

#define NEAR_BLACK_L	25.0	/* L* below which a dull colour is K 100 */
#define NEAR_BLACK_C	12.0	/* ... when its chroma is below this */
#define NEUTRAL_C	4.0	/* a grey: K only */

struct brand {
	unsigned	 rgb;	/* 0xRRGGBB */
	double		 cmyk[4];/* 0..1 */
};

struct pdfx {
	cmsHTRANSFORM	 flat;	/* sRGB doubles -> CMYK doubles (0..100) */
	cmsHTRANSFORM	 image;	/* sRGB bytes -> CMYK bytes, perceptual */
	cmsHTRANSFORM	 lab;	/* sRGB doubles -> L*a*b* */
	double		 kl[101];/* L* of K = 0..100 % alone */
	unsigned char	*icc;	/* the output profile, deflated once for
				   every PDF (owned) */
	size_t		 icclen;
	char		*condition;	/* "FOGRA39" (owned) */
	char		*info;	/* the profile's description (owned) */
	struct brand	*brands;
	size_t		 nbrands;
	time_t		 now;
};

/* The walk over one document's objects. */
struct walk {
	const struct pdfx *x;
	qpdf_data	 q;
	GHashTable	*seen;	/* object numbers done */
	char		*why;	/* the first failure (owned) */
};

static void
S_fail(struct walk *w, const char *fmt, const char *arg)
{
	if (w->why == NULL)
		w->why = xasprintf(fmt, arg);
}

/*
 * A colour context for the output profile icc[0..len) (copied), whose
 * printing condition is condition ("FOGRA39").  NULL with *why (owned)
 * when the profile is not a CMYK output profile lcms2 can use.
 */
struct pdfx *
pdfx_new(const unsigned char *icc, size_t len, const char *condition,
    time_t now, char **why)
{
	struct pdfx *x = xcalloc(1, sizeof(*x));
	cmsHPROFILE srgb = cmsCreate_sRGBProfile(), out, lab;
	char desc[256];
	int k;

	*why = NULL;
	out = cmsOpenProfileFromMem(icc, (cmsUInt32Number)len);
	if (out == NULL || cmsGetColorSpace(out) != cmsSigCmykData ||
	    cmsGetDeviceClass(out) != cmsSigOutputClass) {
		*why = xstrdup(out == NULL ? "not an ICC profile" :
		    "not a CMYK output (printer) profile");
		goto out;
	}
	lab = cmsCreateLab4Profile(NULL);
	x->flat = cmsCreateTransform(srgb, TYPE_RGB_DBL, out, TYPE_CMYK_DBL,
	    INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_BLACKPOINTCOMPENSATION |
	    cmsFLAGS_NOCACHE);
	x->image = cmsCreateTransform(srgb, TYPE_RGB_8, out, TYPE_CMYK_8,
	    INTENT_PERCEPTUAL, cmsFLAGS_NOCACHE);
	x->lab = cmsCreateTransform(srgb, TYPE_RGB_DBL, lab, TYPE_Lab_DBL,
	    INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOCACHE);
	if (x->flat != NULL && x->image != NULL && x->lab != NULL) {
		cmsHTRANSFORM kt = cmsCreateTransform(out, TYPE_CMYK_DBL,
		    lab, TYPE_Lab_DBL, INTENT_RELATIVE_COLORIMETRIC,
		    cmsFLAGS_NOCACHE);

		for (k = 0; kt != NULL && k <= 100; k++) {
			double cmyk[4] = { 0, 0, 0, k };
			cmsCIELab l;

			cmsDoTransform(kt, cmyk, &l, 1);
			x->kl[k] = l.L;
		}
		if (kt != NULL)
			cmsDeleteTransform(kt);
		else
			*why = xstrdup("lcms2 cannot use it");
	} else
		*why = xstrdup("lcms2 cannot use it");
	cmsCloseProfile(lab);
	if (*why == NULL) {
		uLongf zlen = compressBound((uLong)len);

		x->icc = xmalloc(zlen);
		if (compress2(x->icc, &zlen, icc, (uLong)len, 6) != Z_OK)
			abort();	/* zlib: out of memory */
		x->icclen = zlen;
		x->condition = xstrdup(condition);
		desc[0] = '\0';
		cmsGetProfileInfoASCII(out, cmsInfoDescription, "en", "US",
		    desc, sizeof(desc));
		x->info = xstrdup(desc[0] != '\0' ? desc : condition);
		x->now = now;
	}
out:
	if (out != NULL)
		cmsCloseProfile(out);
	cmsCloseProfile(srgb);
	if (*why != NULL) {
		pdfx_free(x);
		return NULL;
	}
	return x;
}

void
pdfx_free(struct pdfx *x)
{
	if (x == NULL)
		return;
	if (x->flat != NULL)
		cmsDeleteTransform(x->flat);
	if (x->image != NULL)
		cmsDeleteTransform(x->image);
	if (x->lab != NULL)
		cmsDeleteTransform(x->lab);
	free(x->icc);
	free(x->condition);
	free(x->info);
	free(x->brands);
	free(x);
}

/* rgb ("#b3261e") prints as cmyk (percentages), as its designer said. */
void
pdfx_brand(struct pdfx *x, const char *rgb, const double cmyk[4])
{
	struct brand *b;
	int i;

	if (rgb == NULL || strlen(rgb) != 7 || rgb[0] != '#')
		return;
	x->brands = xrealloc(x->brands, (x->nbrands + 1) *
	    sizeof(*x->brands));
	b = &x->brands[x->nbrands++];
	b->rgb = (unsigned)strtoul(rgb + 1, NULL, 16);
	for (i = 0; i < 4; i++)
		b->cmyk[i] = cmyk[i] / 100;
}

/* The printing condition and the profile's name, for the slug line. */
const char *
pdfx_condition(const struct pdfx *x)
{
	return x->condition;
}

/*
 * The CMYK (0..1) that rgb (0..1, as cairo wrote it) prints in: see the
 * top of this file.
 */
void
pdfx_cmyk(const struct pdfx *x, const double rgb[3], double cmyk[4])
{
	double in[3], c, t;
	unsigned key = 0;
	cmsCIELab l;
	size_t i;
	int k;

	for (i = 0; i < 3; i++) {
		in[i] = fmin(fmax(rgb[i], 0), 1);
		key = key << 8 | (unsigned)lround(in[i] * 255);
	}
	for (i = 0; i < x->nbrands; i++)
		if (x->brands[i].rgb == key) {
			memcpy(cmyk, x->brands[i].cmyk, 4 * sizeof(double));
			return;
		}
	cmsDoTransform(x->lab, in, &l, 1);
	c = hypot(l.a, l.b);
	if (c < NEAR_BLACK_C && l.L < NEAR_BLACK_L) {
		cmyk[0] = cmyk[1] = cmyk[2] = 0;
		cmyk[3] = 1;
		return;
	}
	if (c < NEUTRAL_C) {
		/* The K whose L* is the grey's, between two steps. */
		cmyk[0] = cmyk[1] = cmyk[2] = 0;
		for (k = 1; k <= 100 && x->kl[k] > l.L; k++)
			continue;
		if (k > 100) {
			cmyk[3] = 1;
			return;
		}
		t = x->kl[k - 1] - x->kl[k];
		t = t > 0 ? (x->kl[k - 1] - l.L) / t : 0;
		cmyk[3] = fmin(fmax((k - 1 + t) / 100, 0), 1);
		if (l.L >= x->kl[0])
			cmyk[3] = 0;
		return;
	}
	cmsDoTransform(x->flat, in, cmyk, 1);
	for (i = 0; i < 4; i++)
		cmyk[i] = fmin(fmax(cmyk[i] / 100, 0), 1);
}

/* Appends v, short: "0", "1", "0.25". */
static void
S_num(struct buf *b, double v)
{
	char s[32];
	size_t n;

	snprintf(s, sizeof(s), "%.4f", v);
	n = strlen(s);
	while (n > 0 && s[n - 1] == '0')
		s[--n] = '\0';
	if (n > 0 && s[n - 1] == '.')
		s[--n] = '\0';
	buf_puts(b, strcmp(s, "-0") == 0 ? "0" : s);
}

static void
S_put_cmyk(const struct pdfx *x, struct buf *b, const double rgb[3])
{
	double cmyk[4];
	int i;

	pdfx_cmyk(x, rgb, cmyk);
	for (i = 0; i < 4; i++) {
		S_num(b, cmyk[i]);
		buf_putc(b, ' ');
	}
}

/* A token of a content stream, kept until its operator comes. */
struct tok {
	enum pdftok_kind kind;
	size_t		 s, e;
};

static int
S_is(const unsigned char *d, const struct tok *t, const char *word)
{
	size_t n = strlen(word);

	return t->e - t->s == n && memcmp(d + t->s, word, n) == 0;
}

/*
 * The operands in ops (white space left out) are n numbers: into v.
 */
static int
S_nums(const unsigned char *d, const struct tok *ops, size_t nops,
    double *v, size_t n)
{
	size_t i, k = 0;
	char s[64];

	for (i = 0; i < nops; i++) {
		if (ops[i].kind == PT_SPACE)
			continue;
		if (ops[i].kind != PT_NUM || k == n ||
		    ops[i].e - ops[i].s >= sizeof(s))
			return 0;
		memcpy(s, d + ops[i].s, ops[i].e - ops[i].s);
		s[ops[i].e - ops[i].s] = '\0';
		v[k++] = strtod(s, NULL);
	}
	return k == n;
}

/*
 * Content stream d[0..n) with every RGB colour operator made CMYK, into
 * out.  0 (w->why set) on anything it cannot convert.
 */
static int
S_content(struct walk *w, const unsigned char *d, size_t n, struct buf *out)
{
	struct pdftok *t = pdftok_new(d, n);
	struct tok *ops = NULL, cur;
	size_t nops = 0, cap = 0, i;
	int rgb_fill = 0, rgb_stroke = 0, ok = 0;
	double v[3];

	if (t == NULL)
		return 0;
	for (;;) {
		cur.kind = pdftok_next(t, &cur.s, &cur.e);
		if (cur.kind == PT_EOF)
			break;
		if (cur.kind == PT_BAD) {
			S_fail(w, "%s", "a content stream qpdf cannot read");
			goto out;
		}
		if (cur.kind != PT_OP && cur.kind != PT_IMAGE) {
			if (nops == 0 && cur.kind == PT_SPACE) {
				buf_put(out, (const char *)d + cur.s,
				    cur.e - cur.s);
				continue;
			}
			if (nops == cap) {
				cap = cap ? 2 * cap : 16;
				ops = xrealloc(ops, cap * sizeof(*ops));
			}
			ops[nops++] = cur;
			continue;
		}
		if ((S_is(d, &cur, "rg") || S_is(d, &cur, "RG")) &&
		    S_nums(d, ops, nops, v, 3)) {
			S_put_cmyk(w->x, out, v);
			buf_puts(out, S_is(d, &cur, "rg") ? "k" : "K");
			nops = 0;
			continue;
		}
		if ((S_is(d, &cur, "sc") || S_is(d, &cur, "scn")) &&
		    rgb_fill && S_nums(d, ops, nops, v, 3)) {
			S_put_cmyk(w->x, out, v);
			buf_put(out, (const char *)d + cur.s, cur.e - cur.s);
			nops = 0;
			continue;
		}
		if ((S_is(d, &cur, "SC") || S_is(d, &cur, "SCN")) &&
		    rgb_stroke && S_nums(d, ops, nops, v, 3)) {
			S_put_cmyk(w->x, out, v);
			buf_put(out, (const char *)d + cur.s, cur.e - cur.s);
			nops = 0;
			continue;
		}
		if (S_is(d, &cur, "cs") || S_is(d, &cur, "CS")) {
			int rgb = 0;

			for (i = 0; i < nops; i++)
				if (ops[i].kind == PT_NAME &&
				    S_is(d, &ops[i], "/DeviceRGB"))
					rgb = 1;
			if (S_is(d, &cur, "cs"))
				rgb_fill = rgb;
			else
				rgb_stroke = rgb;
			if (rgb) {
				buf_puts(out, "/DeviceCMYK ");
				buf_put(out, (const char *)d + cur.s,
				    cur.e - cur.s);
				nops = 0;
				continue;
			}
		}
		if (S_is(d, &cur, "ID"))
			for (i = 0; i < nops; i++)
				if (ops[i].kind == PT_NAME &&
				    (S_is(d, &ops[i], "/RGB") ||
				    S_is(d, &ops[i], "/DeviceRGB") ||
				    S_is(d, &ops[i], "/ICCBased"))) {
					S_fail(w, "%s", "an inline RGB image");
					goto out;
				}
		for (i = 0; i < nops; i++)
			buf_put(out, (const char *)d + ops[i].s,
			    ops[i].e - ops[i].s);
		nops = 0;
		buf_put(out, (const char *)d + cur.s, cur.e - cur.s);
	}
	for (i = 0; i < nops; i++)
		buf_put(out, (const char *)d + ops[i].s, ops[i].e - ops[i].s);
	ok = 1;
out:
	free(ops);
	pdftok_free(t);
	return ok;
}

/* The stream oh's content rewritten in place. */
static int
S_stream(struct walk *w, qpdf_oh oh)
{
	unsigned char *d = NULL;
	size_t n = 0;
	struct buf b = { NULL, 0, 0 };
	int ok;

	if (qpdf_oh_get_stream_data(w->q, oh, qpdf_dl_generalized, NULL, &d,
	    &n) & QPDF_ERRORS) {
		S_fail(w, "%s", "a stream qpdf cannot decode");
		return 0;
	}
	ok = S_content(w, d, n, &b);
	if (ok)
		qpdf_oh_replace_stream_data(w->q, oh, (unsigned char *)b.data,
		    b.len, qpdf_oh_new_null(w->q), qpdf_oh_new_null(w->q));
	free(d);
	free(b.data);
	return ok;
}

/* /ColorSpace /DeviceRGB (or a transparency group's /CS) made CMYK. */
static int
S_space(struct walk *w, qpdf_oh dict, const char *key)
{
	qpdf_oh cs;

	if (!qpdf_oh_has_key(w->q, dict, key))
		return 1;
	cs = qpdf_oh_get_key(w->q, dict, key);
	if (qpdf_oh_is_name_and_equals(w->q, cs, "/DeviceRGB")) {
		qpdf_oh_replace_key(w->q, dict, key,
		    qpdf_oh_new_name(w->q, "/DeviceCMYK"));
		return 1;
	}
	if (qpdf_oh_is_name_and_equals(w->q, cs, "/DeviceGray") ||
	    qpdf_oh_is_name_and_equals(w->q, cs, "/DeviceCMYK") ||
	    qpdf_oh_is_name_and_equals(w->q, cs, "/Pattern"))
		return 1;
	S_fail(w, "the colour space %s", qpdf_oh_unparse(w->q, cs));
	return 0;
}

/* An array of three RGB components (/C0, /Background) made CMYK. */
static void
S_triple(struct walk *w, qpdf_oh dict, const char *key)
{
	qpdf_oh a, n;
	double rgb[3], cmyk[4];
	int i;

	if (!qpdf_oh_has_key(w->q, dict, key))
		return;
	a = qpdf_oh_get_key(w->q, dict, key);
	if (qpdf_oh_get_array_n_items(w->q, a) != 3)
		return;
	for (i = 0; i < 3; i++)
		rgb[i] = qpdf_oh_get_numeric_value(w->q,
		    qpdf_oh_get_array_item(w->q, a, i));
	pdfx_cmyk(w->x, rgb, cmyk);
	n = qpdf_oh_new_array(w->q);
	for (i = 0; i < 4; i++)
		qpdf_oh_append_item(w->q, n, qpdf_oh_new_real_from_double(w->q,
		    cmyk[i], 4));
	qpdf_oh_replace_key(w->q, dict, key, n);
}

/* A shading's function: exponential (type 2) or stitching (type 3). */
static int
S_function(struct walk *w, qpdf_oh f)
{
	qpdf_oh fs;
	int i, n, type;

	if (qpdf_oh_is_stream(w->q, f))
		f = qpdf_oh_get_dict(w->q, f);
	type = qpdf_oh_get_int_value_as_int(w->q,
	    qpdf_oh_get_key(w->q, f, "/FunctionType"));
	if (type == 2) {
		S_triple(w, f, "/C0");
		S_triple(w, f, "/C1");
		return 1;
	}
	if (type == 3) {
		fs = qpdf_oh_get_key(w->q, f, "/Functions");
		n = qpdf_oh_get_array_n_items(w->q, fs);
		for (i = 0; i < n; i++)
			if (!S_function(w, qpdf_oh_get_array_item(w->q, fs, i)))
				return 0;
		return 1;
	}
	S_fail(w, "%s", "a shading function of a kind cairo does not write");
	return 0;
}

static int
S_shading(struct walk *w, qpdf_oh sh)
{
	qpdf_oh d = qpdf_oh_is_stream(w->q, sh) ? qpdf_oh_get_dict(w->q, sh) :
	    sh;

	if (qpdf_oh_is_name_and_equals(w->q, qpdf_oh_get_key(w->q, d,
	    "/ColorSpace"), "/DeviceRGB")) {
		S_triple(w, d, "/Background");
		if (qpdf_oh_has_key(w->q, d, "/Function") &&
		    !S_function(w, qpdf_oh_get_key(w->q, d, "/Function")))
			return 0;
	}
	return S_space(w, d, "/ColorSpace");
}

/* An RGB image's pixels made CMYK through the profile, perceptually. */
static int
S_image(struct walk *w, qpdf_oh im)
{
	qpdf_oh d = qpdf_oh_get_dict(w->q, im);
	qpdf_oh cs = qpdf_oh_get_key(w->q, d, "/ColorSpace");
	long long wd, ht;
	unsigned char *px = NULL, *cmyk;
	size_t n = 0;

	if (!qpdf_oh_is_name_and_equals(w->q, cs, "/DeviceRGB"))
		return qpdf_oh_get_bool_value(w->q, qpdf_oh_get_key(w->q, d,
		    "/ImageMask")) || S_space(w, d, "/ColorSpace");
	wd = qpdf_oh_get_int_value(w->q, qpdf_oh_get_key(w->q, d, "/Width"));
	ht = qpdf_oh_get_int_value(w->q, qpdf_oh_get_key(w->q, d, "/Height"));
	if (qpdf_oh_get_int_value(w->q, qpdf_oh_get_key(w->q, d,
	    "/BitsPerComponent")) != 8 || wd <= 0 || ht <= 0 ||
	    (qpdf_oh_get_stream_data(w->q, im, qpdf_dl_all, NULL, &px, &n) &
	    QPDF_ERRORS) || n != (size_t)wd * (size_t)ht * 3) {
		free(px);
		S_fail(w, "%s", "an RGB image qpdf cannot decode");
		return 0;
	}
	cmyk = xmalloc((size_t)wd * (size_t)ht * 4);
	cmsDoTransform(w->x->image, px, cmyk, (cmsUInt32Number)(wd * ht));
	qpdf_oh_replace_stream_data(w->q, im, cmyk, (size_t)wd *
	    (size_t)ht * 4, qpdf_oh_new_null(w->q), qpdf_oh_new_null(w->q));
	qpdf_oh_replace_key(w->q, d, "/ColorSpace", qpdf_oh_new_name(w->q,
	    "/DeviceCMYK"));
	qpdf_oh_remove_key(w->q, d, "/Decode");
	free(px);
	free(cmyk);
	return 1;
}

static int S_resources(struct walk *, qpdf_oh);

/* Has object oh been seen?  (Direct objects never have.) */
static int
S_seen(struct walk *w, qpdf_oh oh)
{
	int id = qpdf_oh_get_object_id(w->q, oh);

	if (id == 0)
		return 0;
	if (g_hash_table_contains(w->seen, GINT_TO_POINTER(id)))
		return 1;
	g_hash_table_add(w->seen, GINT_TO_POINTER(id));
	return 0;
}

/* A form, a tiling pattern or a soft mask's group: content, resources. */
static int
S_form(struct walk *w, qpdf_oh f)
{
	qpdf_oh d = qpdf_oh_get_dict(w->q, f);

	if (qpdf_oh_has_key(w->q, d, "/Group") &&
	    !S_space(w, qpdf_oh_get_key(w->q, d, "/Group"), "/CS"))
		return 0;
	if (!S_stream(w, f))
		return 0;
	return S_resources(w, qpdf_oh_get_key(w->q, d, "/Resources"));
}

static int
S_object(struct walk *w, const char *cat, qpdf_oh o)
{
	qpdf_oh d, sm;

	if (S_seen(w, o))
		return 1;
	if (strcmp(cat, "/XObject") == 0) {
		d = qpdf_oh_get_dict(w->q, o);
		if (qpdf_oh_is_name_and_equals(w->q, qpdf_oh_get_key(w->q, d,
		    "/Subtype"), "/Image")) {
			if (qpdf_oh_has_key(w->q, d, "/SMask") &&
			    !S_object(w, cat, qpdf_oh_get_key(w->q, d,
			    "/SMask")))
				return 0;
			return S_image(w, o);
		}
		return S_form(w, o);
	}
	if (strcmp(cat, "/Pattern") == 0) {
		d = qpdf_oh_is_stream(w->q, o) ? qpdf_oh_get_dict(w->q, o) : o;
		if (qpdf_oh_get_int_value_as_int(w->q, qpdf_oh_get_key(w->q,
		    d, "/PatternType")) == 1)
			return S_form(w, o);
		return S_shading(w, qpdf_oh_get_key(w->q, d, "/Shading"));
	}
	if (strcmp(cat, "/Shading") == 0)
		return S_shading(w, o);
	/* /ExtGState: a soft mask's group is a form of its own. */
	sm = qpdf_oh_get_key(w->q, o, "/SMask");
	if (qpdf_oh_is_dictionary(w->q, sm)) {
		S_triple(w, sm, "/BC");
		d = qpdf_oh_get_key(w->q, sm, "/G");
		if (qpdf_oh_is_stream(w->q, d) && !S_seen(w, d))
			return S_form(w, d);
	}
	return 1;
}

static int
S_resources(struct walk *w, qpdf_oh res)
{
	static const char *const cats[] = { "/XObject", "/Pattern",
	    "/Shading", "/ExtGState" };
	GPtrArray *keys;
	qpdf_oh dict;
	size_t c, i;
	int ok = 1;

	if (!qpdf_oh_is_dictionary(w->q, res))
		return 1;
	for (c = 0; ok && c < sizeof(cats) / sizeof(cats[0]); c++) {
		dict = qpdf_oh_get_key(w->q, res, cats[c]);
		if (!qpdf_oh_is_dictionary(w->q, dict))
			continue;
		/* qpdf has one key iterator: take the keys first. */
		keys = g_ptr_array_new_with_free_func(free);
		qpdf_oh_begin_dict_key_iter(w->q, dict);
		while (qpdf_oh_dict_more_keys(w->q))
			g_ptr_array_add(keys, xstrdup(
			    qpdf_oh_dict_next_key(w->q)));
		for (i = 0; ok && i < keys->len; i++)
			ok = S_object(w, cats[c], qpdf_oh_get_key(w->q, dict,
			    keys->pdata[i]));
		g_ptr_array_free(keys, TRUE);
	}
	return ok;
}

/* The Info keys PDF/X-4 asks for, and the same in XMP. */
static void
S_metadata(struct walk *w)
{
	qpdf_data q = w->q;
	qpdf_oh info = qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Info"), m;
	struct buf b = { NULL, 0, 0 };
	char date[32], id[65];
	struct tm tm;
	const char *k;

	if (!qpdf_oh_is_dictionary(q, info)) {
		info = qpdf_make_indirect_object(q, qpdf_oh_new_dictionary(q));
		qpdf_oh_replace_key(q, qpdf_get_trailer(q), "/Info", info);
	}
	qpdf_oh_replace_key(q, info, "/GTS_PDFXVersion",
	    qpdf_oh_new_string(q, "PDF/X-4"));
	qpdf_oh_replace_key(q, info, "/Trapped", qpdf_oh_new_name(q,
	    "/False"));
	gmtime_r(&w->x->now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_puts(&b, "<?xpacket begin=\"\xef\xbb\xbf\" "
	    "id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
	    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
	    "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
	    "<rdf:Description rdf:about=\"\"\n"
	    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	    " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
	    " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
	    " xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"\n"
	    " xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\">\n"
	    "<dc:format>application/pdf</dc:format>\n"
	    "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
	k = qpdf_get_info_key(q, "/Title");
	buf_xml(&b, k, 1);
	sha256_hex(k != NULL ? k : "", k != NULL ? strlen(k) : 0, id);
	buf_puts(&b, "</rdf:li></rdf:Alt></dc:title>\n<xmp:CreateDate>");
	buf_puts(&b, date);
	buf_puts(&b, "</xmp:CreateDate>\n<xmp:ModifyDate>");
	buf_puts(&b, date);
	buf_puts(&b, "</xmp:ModifyDate>\n<xmp:MetadataDate>");
	buf_puts(&b, date);
	buf_puts(&b, "</xmp:MetadataDate>\n<xmp:CreatorTool>");
	buf_xml(&b, qpdf_get_info_key(q, "/Creator"), 1);
	buf_puts(&b, "</xmp:CreatorTool>\n<pdf:Producer>");
	buf_xml(&b, qpdf_get_info_key(q, "/Producer"), 1);
	buf_puts(&b, "</pdf:Producer>\n<pdf:Trapped>False</pdf:Trapped>\n");
	buf_printf(&b, "<xmpMM:DocumentID>uuid:%.8s-%.4s-%.4s-%.4s-%.12s"
	    "</xmpMM:DocumentID>\n", id, id + 8, id + 12, id + 16, id + 20);
	buf_puts(&b, "<xmpMM:VersionID>1</xmpMM:VersionID>\n"
	    "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>\n"
	    "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>\n"
	    "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
	    "<?xpacket end=\"w\"?>");
	m = qpdf_make_indirect_object(q, qpdf_oh_new_stream(q));
	qpdf_oh_replace_stream_data(q, m, (unsigned char *)b.data, b.len,
	    qpdf_oh_new_null(q), qpdf_oh_new_null(q));
	qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, m), "/Type",
	    qpdf_oh_new_name(q, "/Metadata"));
	qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, m), "/Subtype",
	    qpdf_oh_new_name(q, "/XML"));
	qpdf_oh_replace_key(q, qpdf_get_root(q), "/Metadata", m);
	free(b.data);
}

/* The catalogue's output intent: the printing condition and profile. */
static void
S_intent(struct walk *w)
{
	qpdf_data q = w->q;
	qpdf_oh oi = qpdf_oh_new_dictionary(q), icc, a;

	icc = qpdf_make_indirect_object(q, qpdf_oh_new_stream(q));
	qpdf_oh_replace_stream_data(q, icc, w->x->icc, w->x->icclen,
	    qpdf_oh_new_name(q, "/FlateDecode"), qpdf_oh_new_null(q));
	qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, icc), "/N",
	    qpdf_oh_new_integer(q, 4));
	qpdf_oh_replace_key(q, oi, "/Type", qpdf_oh_new_name(q,
	    "/OutputIntent"));
	qpdf_oh_replace_key(q, oi, "/S", qpdf_oh_new_name(q, "/GTS_PDFX"));
	qpdf_oh_replace_key(q, oi, "/OutputConditionIdentifier",
	    qpdf_oh_new_unicode_string(q, w->x->condition));
	qpdf_oh_replace_key(q, oi, "/RegistryName",
	    qpdf_oh_new_string(q, "http://www.color.org"));
	qpdf_oh_replace_key(q, oi, "/Info",
	    qpdf_oh_new_unicode_string(q, w->x->info));
	qpdf_oh_replace_key(q, oi, "/DestOutputProfile", icc);
	a = qpdf_oh_new_array(q);
	qpdf_oh_append_item(q, a, oi);
	qpdf_oh_replace_key(q, qpdf_get_root(q), "/OutputIntents", a);
}

/*
 * Makes the document q (read, not yet written) a CMYK PDF/X-4 in x's
 * output condition (write it as PDF 1.6 or later).  Returns 1, or 0 with *why (owned) saying what could
 * not be converted.
 */
int
pdfx_convert(const struct pdfx *x, qpdf_data q, char **why)
{
	struct walk w = { x, q, g_hash_table_new(NULL, NULL), NULL };
	struct buf b = { NULL, 0, 0 };
	unsigned char *d;
	size_t len;
	int i, n = qpdf_get_num_pages(q);
	qpdf_oh page, c;

	for (i = 0; i < n && w.why == NULL; i++) {
		page = qpdf_get_page_n(q, (size_t)i);
		if (qpdf_oh_has_key(q, page, "/Group"))
			S_space(&w, qpdf_oh_get_key(q, page, "/Group"), "/CS");
		d = NULL;
		if (qpdf_oh_get_page_content_data(q, page, &d, &len) &
		    QPDF_ERRORS) {
			S_fail(&w, "%s", "a page qpdf cannot read");
			break;
		}
		b.len = 0;
		if (S_content(&w, d, len, &b)) {
			c = qpdf_make_indirect_object(q, qpdf_oh_new_stream(q));
			qpdf_oh_replace_stream_data(q, c, (unsigned char *)b.data,
			    b.len, qpdf_oh_new_null(q), qpdf_oh_new_null(q));
			qpdf_oh_replace_key(q, page, "/Contents", c);
			S_resources(&w, qpdf_oh_get_key(q, page, "/Resources"));
		}
		free(d);
	}
	free(b.data);
	g_hash_table_destroy(w.seen);
	if (w.why == NULL) {
		S_intent(&w);
		S_metadata(&w);
	}
	*why = w.why;
	return w.why == NULL;
}
