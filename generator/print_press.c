/*
 * print_press.c: how each layout's sheets go to press, from site.yml's
 * print: section and --pdfx.
 *
 *   print:
 *     preset: offset          # offset, digital, large-format (or none)
 *     output: pdfx            # rgb or pdfx (CMYK PDF/X-4)
 *     bleed: 3                # millimetres
 *     marks: true             # crop marks
 *     slug: true              # file, date and colour outside the trim
 *     profile: assets/icc/PSOcoated_v3.icc   # the CMYK output profile
 *     condition: FOGRA51      # ... and its printing condition
 *     layouts:
 *       banner: { preset: large-format }
 *
 * A preset fills in what its kind of press asks for; keys written next
 * to it win, and a layout's own settings win over the site's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"
#include "print.h"

/* What a level of print: says; -1 where it says nothing. */
struct press {
	int	 pdfx;
	double	 bleed;
	int	 marks;
	int	 slug;
};

static const struct {
	const char	*name;
	struct press	 p;
} S_presets[] = {
	/* Sheet-fed or web offset: PDF/X, marks and a slug to check by. */
	{ "offset", { 1, 3, 1, 1 } },
	/* Digital (toner, inkjet) presses: PDF/X, trimmed by the shop's
	   own marks. */
	{ "digital", { 1, 3, 0, 0 } },
	/* Banners and roll-ups: more bleed for hems and eyelets. */
	{ "large-format", { 1, 10, 0, 1 } },
};

static const char *const S_keys[] = { "preset", "output", "bleed", "marks",
    "slug", "profile", "condition", "layouts", NULL };

static int
S_flag(const struct val *map, const char *key, int *to)
{
	const struct val *v = map_get(map, key);

	if (v == NULL || v->type == V_NULL)
		return 1;
	if (v->type != V_BOOL) {
		diag_err(&v->pos, "print: '%s' must be true or false", key);
		return 0;
	}
	*to = v->n != 0;
	return 1;
}

/* One level of print: (the site's, or a layout's) into p. */
static int
S_read(const struct val *map, struct press *p, int site)
{
	const struct val *v;
	size_t i;
	char *end;
	int ok = 1;

	p->pdfx = p->marks = p->slug = -1;
	p->bleed = -1;
	if (map->type != V_MAP) {
		diag_err(&map->pos, "print: must be a map of preset, output, "
		    "bleed, marks, slug%s", site ? ", profile, condition and "
		    "layouts" : "");
		return 0;
	}
	for (i = 0; i < map->len; i++) {
		size_t k;

		for (k = 0; S_keys[k] != NULL; k++)
			if (strcmp(map->keys[i], S_keys[k]) == 0)
				break;
		if (S_keys[k] == NULL || (!site && k >= 5)) {
			diag_err(&map->items[i]->pos, "print: unknown key "
			    "'%s': use preset, output, bleed, marks, slug%s",
			    map->keys[i], site ? ", profile, condition or "
			    "layouts" : "");
			ok = 0;
		}
	}
	if ((v = map_get(map, "preset")) != NULL) {
		for (i = 0; i < sizeof(S_presets) / sizeof(S_presets[0]); i++)
			if (v->type == V_STR &&
			    strcmp(v->s, S_presets[i].name) == 0)
				*p = S_presets[i].p;
		if (p->pdfx == -1) {
			diag_err(&v->pos, "print: no preset '%s': use offset, "
			    "digital or large-format", v->type == V_STR ?
			    v->s : "");
			ok = 0;
		}
	}
	if ((v = map_get(map, "output")) != NULL) {
		if (v->type == V_STR && strcmp(v->s, "pdfx") == 0)
			p->pdfx = 1;
		else if (v->type == V_STR && strcmp(v->s, "rgb") == 0)
			p->pdfx = 0;
		else {
			diag_err(&v->pos, "print: output must be rgb (for "
			    "screens and office printers) or pdfx (CMYK "
			    "PDF/X-4 for a print shop)");
			ok = 0;
		}
	}
	if ((v = map_get(map, "bleed")) != NULL) {
		double mm = v->type == V_STR ? strtod(v->s, &end) : -1;

		if (v->type != V_STR || *end != '\0' || end == v->s ||
		    !(mm >= 0 && mm <= 50)) {
			diag_err(&v->pos, "print: bleed must be millimetres "
			    "from 0 to 50");
			ok = 0;
		} else
			p->bleed = mm;
	}
	return S_flag(map, "marks", &p->marks) &&
	    S_flag(map, "slug", &p->slug) && ok;
}

/* What b says over what a says. */
static void
S_over(struct press *a, const struct press *b)
{
	if (b->pdfx != -1)
		a->pdfx = b->pdfx;
	if (b->bleed >= 0)
		a->bleed = b->bleed;
	if (b->marks != -1)
		a->marks = b->marks;
	if (b->slug != -1)
		a->slug = b->slug;
}

/*
 * A level's settings: its preset's, then its own keys.  (S_read has
 * put the preset's values in; here the keys written win over them.)
 */
static struct press
S_level(const struct val *map)
{
	struct press own, base = { -1, -1, -1, -1 };
	const struct val *v = map_get(map, "preset");
	size_t i;

	if (v != NULL && v->type == V_STR)
		for (i = 0; i < sizeof(S_presets) / sizeof(S_presets[0]); i++)
			if (strcmp(v->s, S_presets[i].name) == 0)
				base = S_presets[i].p;
	own.pdfx = -1;
	if ((v = map_get(map, "output")) != NULL && v->type == V_STR)
		own.pdfx = strcmp(v->s, "pdfx") == 0;
	own.bleed = -1;
	if ((v = map_get(map, "bleed")) != NULL && v->type == V_STR)
		own.bleed = strtod(v->s, NULL);
	own.marks = own.slug = -1;
	S_flag(map, "marks", &own.marks);
	S_flag(map, "slug", &own.slug);
	S_over(&base, &own);
	return base;
}

/* The output profile: the campaign's (profile:) or rally's FOGRA39. */
static struct pdfx *
S_profile(struct site *site, const struct val *cfg)
{
	const struct val *pv = cfg != NULL ? map_get(cfg, "profile") : NULL;
	const struct val *cv = cfg != NULL ? map_get(cfg, "condition") : NULL;
	const struct builtin *b;
	struct buf icc = { NULL, 0, 0 };
	struct pdfx *x = NULL;
	const char *cond = "FOGRA39";
	char *why = NULL;

	if (cv != NULL && (cv->type != V_STR || strlen(cv->s) == 0 ||
	    strlen(cv->s) > 64)) {
		diag_err(&cv->pos, "print: condition must name the printing "
		    "condition, as FOGRA39 or FOGRA51");
		return NULL;
	}
	if (pv == NULL) {
		if (cv != NULL) {
			diag_err(&cv->pos, "print: a condition goes with the "
			    "profile: that is made for it: add profile:");
			return NULL;
		}
		if ((b = builtin_get("generator/icc/FOGRA39L-coated.icc")) ==
		    NULL)
			abort();
		x = pdfx_new(b->data, b->len, cond, site->now, &why);
		if (x == NULL)
			abort();	/* rally's own profile: tested */
		return x;
	}
	if (pv->type != V_STR) {
		diag_err(&pv->pos, "print: profile must be a file under "
		    "assets/, as assets/icc/PSOcoated_v3.icc");
		return NULL;
	}
	if (cv == NULL) {
		diag_err(&pv->pos, "print: say which printing condition %s is "
		    "for: add condition: (FOGRA39, FOGRA51, ...)", pv->s);
		return NULL;
	}
	if (!root_read(site, pv->s, &icc, &pv->pos))
		return NULL;
	x = pdfx_new((const unsigned char *)icc.data, icc.len, cv->s,
	    site->now, &why);
	if (x == NULL) {
		diag_err(&pv->pos, "print: %s is %s", pv->s, why);
		free(why);
	}
	buf_free(&icc);
	return x;
}

/* Each area's and organisation's colour prints as its cmyk: says. */
static void
S_brands(struct site *site, struct pdfx *x)
{
	static const char *const lists[] = { "areas", "orgs" };
	const struct val *l, *c;
	double cmyk[4];
	size_t i, k;

	for (k = 0; k < 2; k++) {
		l = map_get(site->v, lists[k]);
		for (i = 0; l != NULL && l->type == V_LIST && i < l->len; i++) {
			c = map_get(l->items[i], "cmyk");
			if (c == NULL || c->type != V_LIST || c->len != 4)
				continue;
			for (size_t n = 0; n < 4; n++)
				cmyk[n] = strtod(c->items[n]->s, NULL);
			pdfx_brand(x, map_str(l->items[i], "color"), cmyk);
		}
	}
}

/*
 * Applies print: (and --pdfx, site->pdfx) to the layouts of ps: bleed,
 * marks, slug line, and for PDF/X the colour context ps->cmyk.
 * Returns 1, or 0 after reporting.
 */
int
press_apply(struct site *site, struct print_set *ps)
{
	const struct val *cfg = map_get(site->v, "print"), *lays = NULL, *lv;
	struct press top = { -1, -1, -1, -1 }, p, tmp;
	size_t i, k;
	int any = 0, ok = 1;

	if (cfg != NULL && cfg->type != V_NULL) {
		if (!S_read(cfg, &tmp, 1))
			return 0;
		top = S_level(cfg);
		lays = map_get(cfg, "layouts");
		if (lays != NULL && lays->type != V_MAP) {
			diag_err(&lays->pos, "print: layouts must map a "
			    "layout's name to its settings");
			return 0;
		}
		for (i = 0; lays != NULL && i < lays->len; i++) {
			for (k = 0; k < ps->len; k++)
				if (strcmp(ps->v[k].name, lays->keys[i]) == 0)
					break;
			if (!S_read(lays->items[i], &tmp, 0))
				ok = 0;
			else if (k == ps->len && map_get(site->v,
			    "print_layouts") == NULL) {
				diag_err(&lays->items[i]->pos, "print: no "
				    "print layout '%s'", lays->keys[i]);
				ok = 0;
			}
		}
	} else
		cfg = NULL;
	if (!ok)
		return 0;
	for (k = 0; k < ps->len; k++) {
		struct layout *l = &ps->v[k];

		if (l->png)
			continue;
		p = top;
		if (lays != NULL && (lv = map_get(lays, l->name)) != NULL) {
			tmp = S_level(lv);
			if (map_get(lv, "preset") != NULL)
				p = tmp;
			else
				S_over(&p, &tmp);
		}
		if (p.bleed >= 0)
			l->bleed = p.bleed;
		if (p.marks != -1)
			l->marks = p.marks;
		l->slug = p.slug == 1;
		l->pdfx = site->pdfx || p.pdfx == 1;
		any |= l->pdfx;
	}
	if (any) {
		if ((ps->cmyk = S_profile(site, cfg)) == NULL)
			return 0;
		S_brands(site, ps->cmyk);
	}
	return 1;
}
