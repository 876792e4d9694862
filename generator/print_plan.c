/*
 * print_plan.c: the print catalogue: which sheets a campaign gets, their jobs,
 * the downloads list and its file sizes, and what each job depends on.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <pango/pangocairo.h>
#include <png.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"
#include "print.h"

/* Planning. */

/*
 * A sheet's job, in a worker process: made from the print layouts and
 * assets, its area, organisation, event or page, and every event
 * (flyers list the next ones); co-branded sheets list their areas;
 * and the files its layout reads besides (recorded at loading).  fn
 * draws it: print_sheet, or the office's print_nup or print_tiles.
 */
static struct job *
S_job_fn(struct site *site, struct jobs *js, const char *out,
    struct sheet *sh, int (*fn)(const struct job *, struct site *,
    struct buf *))
{
	struct job *j = plan_add(js, out, fn, NULL, NULL, sh);
	struct doc *d;

	j->proc = 1;
	j->from = sh->lay->path;
	if ((d = model_doc(site, sh->page)) != NULL ||
	    (d = model_doc(site, sh->event)) != NULL ||
	    (d = model_doc(site, sh->org)) != NULL ||
	    (d = model_doc(site, sh->area)) != NULL)
		j->about = d->path;
	plan_in(j, IN_PRINT, 0, NULL);
	plan_in(j, IN_HASH, 0, model_hash(site, sh->area));
	plan_in(j, IN_HASH, 0, model_hash(site, sh->org));
	plan_in(j, IN_HASH, 0, model_hash(site, sh->event));
	plan_in(j, IN_HASH, 0, model_hash(site, sh->page));
	plan_in(j, IN_KIND, K_EVENT, NULL);
	if (sh->org != NULL)
		plan_in(j, IN_KIND, K_AREA, NULL);
	/* What else its layout reads: site.orgs, an event's area ... */
	plan_needs(j, sh->lay->needs);
	return j;
}

static struct job *
S_job(struct site *site, struct jobs *js, const char *out, struct sheet *sh)
{
	return S_job_fn(site, js, out, sh, print_sheet);
}

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
	sheet_preview_size(sh, &w, &h);
	map_set(p, "thumb_w", val_num(&site->pool, lround(w / 2)));
	map_set(p, "thumb_h", val_num(&site->pool, lround(h / 2)));
}

/*
 * A new sheet, zeroed.  Doubling: one more each time copied the whole
 * array per sheet where realloc cannot grow in place (ASan's), minutes
 * for 50 000 pages' cards.  Jobs point into the array: they are made
 * once every sheet is.
 */
static struct sheet *
S_sheet_new(struct print_set *ps)
{
	struct sheet *sh;

	if (ps->nsheets == ps->sheets_cap) {
		ps->sheets_cap = ps->sheets_cap ? ps->sheets_cap * 2 : 64;
		ps->sheets = xrealloc(ps->sheets, ps->sheets_cap *
		    sizeof(*ps->sheets));
	}
	sh = &ps->sheets[ps->nsheets++];
	memset(sh, 0, sizeof(*sh));
	return sh;
}

static struct sheet *
S_sheet(struct site *site, struct print_set *ps,
    const struct layout *l, const struct lsize *size, int marks)
{
	struct sheet *sh = S_sheet_new(ps);

	sh->lay = l;
	sh->size = size;
	sh->ps = ps;
	sh->site = site;
	sh->marks = marks || l->marks;
	return sh;
}

/* Co-branded sheets: per organisation, for each area or event. */
static void
S_plan_orgs(struct site *site, struct print_set *ps, int marks)
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
	j = S_job(site, js, out, sh);
	if ((mat = map_get(sh->org, "material")) == NULL) {
		struct doc *d = model_doc(site, sh->org);

		mat = val_new(&site->pool, V_LIST, NULL);
		map_set(sh->org, "material", mat);
		/* Its page lists file sizes: render it after the sheets. */
		if (d != NULL)
			d->phase = 1;
	}
	S_item(site, mat, sh, j);
	free(out);
}

/* Open Graph cards: one image per web page, of its own title. */
static void
S_plan_pages(struct site *site, struct print_set *ps)
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
	struct doc *d = model_doc(site, sh->page);
	char *out;

	/* By hash: a scan per card was quadratic in 50 000 tag pages. */
	if (d == NULL || d->out == NULL)
		return;
	out = S_og_path(d->out);
	S_job(site, js, out, sh);
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
	j = S_job(site, js, out, sh);
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
 * The office printer's versions of the sheet written to out, if it is
 * a flyer (several to an A4) or larger than A3 (tiled on A4s): their
 * jobs, and an entry in its product's "office" list for the downloads
 * page ({label, pdf_url}; the label is sizes and counts, no words).
 */
static void
S_office(struct site *site, struct jobs *js, struct val *list,
    struct sheet *sh, const char *out)
{
	struct val *p, *o, *it;
	size_t cut = strlen(out) - strlen(".pdf");
	int n = impose_copies(sh->size), tiles, land, first;
	char *path;

	tiles = n > 0 ? 0 : impose_tiles(sh->size, &land);
	if (n == 0 && tiles == 0)
		return;
	p = S_product(site, list, sh, &first);
	if ((o = map_get(p, "office")) == NULL) {
		o = val_new(&site->pool, V_LIST, NULL);
		map_set(p, "office", o);
	}
	path = n > 0 ? xasprintf("%.*s-%dup.pdf", (int)cut, out, n) :
	    xasprintf("%.*s-tiles.pdf", (int)cut, out);
	S_job_fn(site, js, path, sh, n > 0 ? print_nup : print_tiles);
	it = val_new(&site->pool, V_MAP, NULL);
	map_set(it, "label", val_strn(&site->pool, n > 0 ?
	    xasprintf("%d × %s / A4", n, sh->size->name) :
	    xasprintf("%s: %d × A4", sh->size->name, tiles), NULL));
	map_set(it, "pdf_url", val_strn(&site->pool, xasprintf("%s/%s",
	    site->base_path, path), NULL));
	list_push(o, it);
	free(path);
}

/*
 * Plans every sheet: layout x area x message x size.  Adds
 * site.print, the catalogue the downloads page lists.
 */
void
print_plan(struct site *site, struct print_set *ps, struct jobs *js,
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
					sh = S_sheet_new(ps);
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
	/* Jobs point into ps->sheets, now that it no longer moves. */
	for (si = 0; si < ps->nsheets; si++) {
		sh = &ps->sheets[si];
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
		j = S_job(site, js, out, sh);
		for (a = 0; a < cat->len; a++)
			if (map_get(cat->items[a], "area") == sh->area) {
				S_item(site, S_kind(site, cat->items[a], sh),
				    sh, j);
				S_office(site, js, S_kind(site, cat->items[a],
				    sh), sh, out);
			}
		free(out);
	}
}

/* "1.2 MB" on every item of list whose file is in sizes. */
static void
S_sizes(struct site *site, struct val *items, GHashTable *sizes)
{
	const long long *n;
	struct val *it;
	size_t i;

	for (i = 0; items != NULL && i < items->len; i++) {
		it = items->items[i];
		if (map_get(it, "products") != NULL) {	/* a kind */
			S_sizes(site, map_get(it, "products"), sizes);
			continue;
		}
		if (map_get(it, "sizes") != NULL) {	/* a product */
			S_sizes(site, map_get(it, "sizes"), sizes);
			continue;
		}
		if (map_str(it, "out") == NULL || (n = g_hash_table_lookup(
		    sizes, map_str(it, "out"))) == NULL || *n < 0)
			continue;
		map_set(it, "filesize", val_strn(&site->pool,
		    *n >= 1024 * 1024 ? xasprintf("%.1f MB", *n / 1048576.0) :
		    xasprintf("%lld kB", (*n + 1023) / 1024), NULL));
	}
}

/*
 * File sizes for the pages that list material: from the sizes the
 * runner measured of the files phase 0 made or kept (job->bytes).
 */
void
print_sizes(struct site *site, const struct jobs *js)
{
	struct val *cat = map_get(site->v, "print");
	struct val *orgs = map_get(site->v, "orgs");
	GHashTable *sizes = g_hash_table_new(g_str_hash, g_str_equal);
	size_t i;

	for (i = 0; i < js->len; i++) {
		g_hash_table_insert(sizes, js->v[i].out,
		    (void *)&js->v[i].bytes[0]);
		if (js->v[i].out2 != NULL)
			g_hash_table_insert(sizes, js->v[i].out2,
			    (void *)&js->v[i].bytes[1]);
	}
	for (i = 0; cat != NULL && i < cat->len; i++)
		S_sizes(site, map_get(cat->items[i], "kinds"), sizes);
	for (i = 0; orgs != NULL && i < orgs->len; i++)
		S_sizes(site, map_get(orgs->items[i], "material"), sizes);
	g_hash_table_destroy(sizes);
}
