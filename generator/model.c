/*
 * model.c: links the loaded content into one model: URLs, references
 * between areas, events, press releases and organisations, the sorted
 * lists and index pages templates iterate over.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rally.h"
#include "extern.h"

#include <glib.h>

static const char *
S_label(struct site *site, const char *key)
{
	return lang_label(site, key);
}

static void
S_set(struct pool *pool, struct val *m, const char *k, char *owned)
{
	map_set(m, k, val_strn(pool, owned, NULL));
}

static struct val *
S_list(struct site *site)
{
	return val_new(&site->pool, V_LIST, NULL);
}

const char *
model_kind_name(enum kind k)
{
	switch (k) {
	case K_HOME: return "home";
	case K_PAGE: return "page";
	case K_AREA: return "area";
	case K_EVENT: return "event";
	case K_PRESS: return "press";
	case K_ORG: return "org";
	case K_INDEX: return "index";
	}
	return "page";
}

/* The values every page has: url, abs_url, slug, kind_of_page. */
static void
S_page_vals(struct site *site, struct pool *pool, struct doc *d)
{
	map_set_str(pool, d->v, "url", d->url);
	S_set(pool, d->v, "abs_url", xasprintf("%s%s", site->base_url,
	    d->url + strlen(site->base_path)));
	map_set_str(pool, d->v, "slug", d->slug);
	map_set_str(pool, d->v, "kind_of_page", model_kind_name(d->kind));
}

static void
S_urls(struct site *site, struct doc *d)
{
	const char *dir = NULL;

	switch (d->kind) {
	case K_HOME:
		d->url = xasprintf("%s/", site->base_path);
		d->out = xstrdup("index.html");
		return;
	case K_PAGE: dir = ""; break;
	case K_AREA: dir = "areas/"; break;
	case K_EVENT: dir = "events/"; break;
	case K_PRESS: dir = "press/"; break;
	case K_ORG: dir = "orgs/"; break;
	case K_INDEX: return;
	}
	d->url = xasprintf("%s/%s%s/", site->base_path, dir, d->slug);
	d->out = xasprintf("%s%s/index.html", dir, d->slug);
}

#define NBSP	"\xC2\xA0"	/* no-break space */
#define WJ	"\xE2\x81\xA0"	/* word joiner */

/*
 * Joins the words of a date written into b from from: "6 oktober 2017"
 * never ends a line on its day; a range breaks after its dash only.
 */
static void
S_glue(struct buf *b, size_t from)
{
	char *tail = xstrdup(b->data + from), *p;

	b->len = from;
	b->data[from] = '\0';
	for (p = tail; *p != '\0'; p++)
		if (*p == ' ' && !(p - tail >= 3 && strncmp(p - 3, "–", 3) ==
		    0))
			buf_puts(b, NBSP);
		else
			buf_putc(b, *p);
	free(tail);
}

/*
 * Appends ", kl. 18:00" or, with t1, ", kl. 18:00–20:00" to b, in the
 * site's words: the labels at and at_range before the time ("um
 * 18:00" but "18:00–20:00" in German and English) and time_after after
 * it ("Uhr"), each left out when empty; no break inside.
 */
static void
S_time(struct site *site, struct buf *b, const char *t0, const char *t1)
{
	const char *at = S_label(site, t1 != NULL ? "at_range" : "at"),
	    *after = S_label(site, "time_after");

	buf_puts(b, ", ");
	if (*at != '\0')
		buf_printf(b, "%s" NBSP, at);
	buf_puts(b, t0);
	if (t1 != NULL)
		buf_printf(b, WJ "–" WJ "%s", t1);
	if (*after != '\0')
		buf_printf(b, NBSP "%s", after);
}

/*
 * An event's time in words, for lists, pages and sheets, with no line
 * break inside "kl. 18:00", "18:00–20:00", "10.–11." or "Uge 18":
 * "when" is "fredag 10. marts 2017, kl. 18:00–20:00", "10.–11. marts
 * 2017", "10. marts 2017, kl. 10:00 – 11. marts 2017, kl. 16:00" or
 * "Uge 18–23, 2017"; "date_text" the same without the times.  A span
 * has end_iso (its last day) and span: true; weeks has week_text.
 */
static void
S_when(struct site *site, struct pool *pool, struct doc *d)
{
	struct buf b = { NULL, 0, 0 }, dt = { NULL, 0, 0 };
	const char *t0 = map_str(d->v, "time"), *t1 = map_str(d->v,
	    "end_time");
	int w0, w1, y0, y1, multi = date_cmp(&d->end, &d->date) > 0;
	size_t n;
	char *low;

	if (d->end.y == 0)
		d->end = d->date;
	buf_puts(&dt, "");
	if (d->weeks) {
		w0 = date_isoweek(&d->date, &y0);
		w1 = date_isoweek(&d->end, &y1);
		if (w0 == w1)
			buf_printf(&dt, "%s" NBSP "%d, %d", S_label(site,
			    "week"), w0, y0);
		else
			buf_printf(&dt, "%s" NBSP "%d" WJ "–" WJ "%d, %d",
			    S_label(site, "week"),
			    w0, w1, y0);
		S_set(pool, d->v, "week_text", xstrdup(dt.data));
		/* Its days too: "1. maj – 11. juni 2017". */
		lang_date_range(site, &d->date, &d->end, &b);
		S_set(pool, d->v, "dates_text", xstrdup(b.data));
		b.len = 0;
		buf_puts(&b, "");
		/* The calendar's badge: "18" over "uge". */
		S_set(pool, d->v, "badge_day", xasprintf("%d", w0));
		low = g_utf8_strdown(S_label(site, "week"), -1);
		S_set(pool, d->v, "badge_month", xstrdup(low));
		g_free(low);
	} else if (multi) {
		lang_date_range(site, &d->date, &d->end, &dt);
		S_glue(&dt, 0);
		/* The calendar's badge: "10–11" over "mar". */
		if (d->date.y == d->end.y && d->date.m == d->end.m) {
			S_set(pool, d->v, "badge_day", xasprintf("%d–%d",
			    d->date.d, d->end.d));
			lang_month_short(site, &d->date, &b);
			S_set(pool, d->v, "badge_month", xstrdup(b.data));
			b.len = 0;
			buf_puts(&b, "");
		}
	}
	else {
		lang_weekday(site, &d->date, &dt);
		buf_puts(&dt, S_label(site, "weekday_sep"));
		n = dt.len;
		lang_date_long(site, &d->date, &dt);
		S_glue(&dt, n);
	}
	if (multi && !d->weeks && (t0 != NULL || t1 != NULL)) {
		lang_date_long(site, &d->date, &b);
		S_glue(&b, 0);
		if (t0 != NULL)
			S_time(site, &b, t0, NULL);
		buf_puts(&b, NBSP "– ");
		n = b.len;
		lang_date_long(site, &d->end, &b);
		S_glue(&b, n);
		if (t1 != NULL)
			S_time(site, &b, t1, NULL);
	} else {
		buf_puts(&b, dt.data);
		if (t0 != NULL)
			S_time(site, &b, t0, t1);
	}
	S_set(pool, d->v, "date_text", xstrdup(dt.data));
	S_set(pool, d->v, "when", xstrdup(b.data));
	if (multi) {
		map_set(d->v, "span", val_bool(pool, 1));
		S_set(pool, d->v, "end_iso", xasprintf("%04d-%02d-%02d",
		    d->end.y, d->end.m, d->end.d));
	}
	buf_free(&b);
	buf_free(&dt);
}

static void
S_date_fields(struct site *site, struct pool *pool, struct doc *d)
{
	struct buf b = { NULL, 0, 0 };
	int wy, w;

	if (d->date.y == 0)
		return;
	S_set(pool, d->v, "date_iso", xasprintf("%04d-%02d-%02d",
	    d->date.y, d->date.m, d->date.d));
	lang_date_long(site, &d->date, &b);
	S_set(pool, d->v, "date_long", xstrdup(b.data));
	b.len = 0;
	lang_month_short(site, &d->date, &b);
	S_set(pool, d->v, "month_short", xstrdup(b.data));
	b.len = 0;
	lang_weekday(site, &d->date, &b);
	S_set(pool, d->v, "weekday", xstrdup(b.data));
	buf_free(&b);
	map_set(d->v, "day", val_num(pool, d->date.d));
	map_set(d->v, "year", val_num(pool, d->date.y));
	w = date_isoweek(&d->date, &wy);
	map_set(d->v, "week", val_num(pool, w));
	map_set(d->v, "week_year", val_num(pool, wy));
	/* Upcoming until its last day is over. */
	map_set(d->v, "upcoming", val_bool(pool,
	    date_cmp(d->end.y != 0 ? &d->end : &d->date, &site->today) >= 0));
	if (d->kind == K_EVENT)
		S_when(site, pool, d);
}

/* OpenStreetMap's search for the event's address. */
static char *
S_map_url(struct site *site, struct doc *d)
{
	char *e = g_uri_escape_string(map_str(d->v, "address"), NULL, FALSE);
	char *url;

	(void)site;
	url = xasprintf("https://www.openstreetmap.org/search?query=%s", e);
	g_free(e);
	return url;
}

/*
 * The index's key of a page: "kind/slug" in key (256 bytes), cut as
 * snprintf would cut it.  Made 20 000 times linking a 10k site (each
 * press release names its area): printf's machinery was a tenth of
 * the linking that runs on one core.
 */
static void
S_key(char *key, enum kind k, const char *slug)
{
	size_t n = strlen(slug);

	key[0] = (char)('0' + (int)k);	/* kinds are one digit */
	key[1] = '/';
	if (n > 256 - 3)
		n = 256 - 3;
	memcpy(key + 2, slug, n);
	key[2 + n] = '\0';
}

/* kind + slug -> doc, built on first use: lookups stay O(1). */
static struct doc *
S_find(struct site *site, enum kind k, const char *slug)
{
	char key[256];
	size_t i;

	if (site->index == NULL || site->nindexed != site->ndocs) {
		if (site->index != NULL)
			g_hash_table_destroy(site->index);
		site->index = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, NULL);
		for (i = 0; i < site->ndocs; i++) {
			S_key(key, site->docs[i]->kind, site->docs[i]->slug);
			if (!g_hash_table_contains(site->index, key))
				g_hash_table_insert(site->index, g_strdup(key),
				    site->docs[i]);
		}
		site->nindexed = site->ndocs;
	}
	S_key(key, k, slug);
	return g_hash_table_lookup(site->index, key);
}

/*
 * The page whose values page is (owned by the site), or NULL: by hash,
 * as every sheet asks (index made on first use, again if pages came).
 */
struct doc *
model_doc(struct site *site, const struct val *page)
{
	size_t i;

	if (page == NULL)
		return NULL;
	if (site->by_val == NULL ||
	    g_hash_table_size(site->by_val) != site->ndocs) {
		if (site->by_val != NULL)
			g_hash_table_destroy(site->by_val);
		site->by_val = g_hash_table_new(g_direct_hash,
		    g_direct_equal);
		for (i = 0; i < site->ndocs; i++)
			g_hash_table_insert(site->by_val, site->docs[i]->v,
			    site->docs[i]);
	}
	return g_hash_table_lookup(site->by_val, page);
}

/*
 * The SHA-256 of the file a page's values come from (owned by its
 * doc), or NULL for NULL or values of no file (an index page).
 */
const char *
model_hash(struct site *site, const struct val *page)
{
	struct doc *d = model_doc(site, page);

	return d != NULL && d->hash[0] != '\0' ? d->hash : NULL;
}

/*
 * Reports a reference at v to a page of kind k that is not there: a
 * draft left out says so (and how to include it).
 */
static void
S_unknown(struct site *site, const struct val *v, enum kind k,
    const char *what)
{
	const char *dir = k == K_AREA ? "areas" : "orgs", *why = NULL;
	char key[256];

	snprintf(key, sizeof(key), "%d/%s", (int)k, v->s);
	if (site->left_out != NULL)
		why = g_hash_table_lookup(site->left_out, key);
	if (why != NULL)
		diag_err(&v->pos, "%s '%s' is %s", what, v->s, why);
	else
		diag_err(&v->pos, "unknown %s '%s': no content/%s/%s.md",
		    what, v->s, dir, v->s);
}

/* Replaces a slug reference by the referenced page's map. */
static struct doc *
S_ref(struct site *site, struct doc *d, const char *key, enum kind k,
    const char *what)
{
	struct val *v = map_get(d->v, key);
	struct doc *to;
	char k2[64];

	if (v == NULL || v->type != V_STR)
		return NULL;
	if ((to = S_find(site, k, v->s)) == NULL) {
		S_unknown(site, v, k, what);
		return NULL;
	}
	/* key is one of rally's own ("area", "org"): room enough. */
	memcpy(k2, key, strlen(key));
	memcpy(k2 + strlen(key), "_slug", sizeof("_slug"));
	map_set(d->v, k2, v);
	map_set(d->v, key, to->v);
	return to;
}

/*
 * An event's areas (key "area") or organisations ("org"): "area: x" or
 * "areas: [x, y]" (a joint action).  Sets both keys to the pages' maps
 * (area: the first), keeping the slugs as area_slug, areas_slugs;
 * returns the list of maps.
 */
static struct val *
S_refs(struct site *site, struct doc *d, const char *key, enum kind k,
    const char *what)
{
	char *plural = xasprintf("%ss", key), *sk;
	struct val *v = map_get(d->v, plural), *l = S_list(site);
	struct doc *to;
	size_t i;

	if (v == NULL || v->type != V_LIST) {
		if ((to = S_ref(site, d, key, k, what)) != NULL)
			list_push(l, to->v);
	} else {
		for (i = 0; i < v->len; i++) {
			if ((to = S_find(site, k, v->items[i]->s)) == NULL) {
				S_unknown(site, v->items[i], k, what);
				continue;
			}
			list_push(l, to->v);
		}
		sk = xasprintf("%s_slugs", plural);
		map_set(d->v, sk, v);
		free(sk);
		if (l->len > 0) {
			sk = xasprintf("%s_slug", key);
			map_set(d->v, sk, v->items[0]);
			free(sk);
			map_set(d->v, key, l->items[0]);
		}
	}
	map_set(d->v, plural, l);
	free(plural);
	return l;
}

static int
S_by_date(const void *a, const void *b)
{
	const struct doc *x = *(struct doc *const *)a;
	const struct doc *y = *(struct doc *const *)b;
	int c = date_cmp(&x->date, &y->date);
	const char *tx, *ty;

	/* Times looked up only on the same day: 10 000 releases sort
	   with 140 000 comparisons. */
	if (c == 0 && (tx = map_str(x->v, "time")) != NULL &&
	    (ty = map_str(y->v, "time")) != NULL)
		c = strcmp(tx, ty);
	/* stand-2 before stand-10 */
	return c != 0 ? c : strverscmp(x->slug, y->slug);
}

static int
S_by_date_desc(const void *a, const void *b)
{
	return -S_by_date(a, b);
}

static int
S_by_title(const void *a, const void *b)
{
	const struct doc *x = *(struct doc *const *)a;
	const struct doc *y = *(struct doc *const *)b;
	const char *tx = map_str(x->v, "title"), *ty = map_str(y->v, "title");
	int c = strcmp(tx ? tx : "", ty ? ty : "");

	return c != 0 ? c : strcmp(x->slug, y->slug);
}

static int
S_by_order(const void *a, const void *b)
{
	const struct doc *x = *(struct doc *const *)a;
	const struct doc *y = *(struct doc *const *)b;
	const char *ox = map_str(x->v, "order"), *oy = map_str(y->v, "order");
	long nx = ox ? strtol(ox, NULL, 10) : 1000;
	long ny = oy ? strtol(oy, NULL, 10) : 1000;

	if (nx != ny)
		return nx < ny ? -1 : 1;
	return S_by_title(a, b);
}

/* Docs of one kind, sorted, as a C array and as a list value. */
static struct val *
S_collect(struct site *site, enum kind k, int (*cmp)(const void *,
    const void *), struct doc ***out, size_t *nout)
{
	struct doc **v = xcalloc(site->ndocs + 1, sizeof(*v));
	struct val *l = S_list(site);
	size_t i, n = 0;

	for (i = 0; i < site->ndocs; i++)
		if (site->docs[i]->kind == k)
			v[n++] = site->docs[i];
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp);
	for (i = 0; i < n; i++)
		list_push(l, v[i]->v);
	if (out != NULL) {
		*out = v;
		*nout = n;
	} else
		free(v);
	return l;
}

static struct doc *
S_index(struct site *site, const char *out, const char *url,
    const char *layout, const char *title)
{
	struct doc *d = xcalloc(1, sizeof(*d));

	d->kind = K_INDEX;
	d->path = xstrdup(layout);
	d->slug = xstrdup(layout);
	d->out = xstrdup(out);
	d->url = xasprintf("%s%s", site->base_path, url);
	d->layout = xstrdup(layout);
	d->v = val_new(&site->pool, V_MAP, NULL);
	map_set_str(&site->pool, d->v, "title", title);
	site_doc_add(site, d);
	return d;
}

/*
 * The tag a page's tag tv (a string) is, made the first time its slug
 * is met (by_slug: slug -> tag, in tagsv); NULL after an error.  The
 * same few tags on 10 000 pages were slugified 20 000 times: a tag as
 * written is looked up first (by_name).
 */
static struct val *
S_tag(struct site *site, struct val *tagsv, GHashTable *by_slug,
    GHashTable *by_name, struct val *tv)
{
	struct val *t;
	char *slug;

	if ((t = g_hash_table_lookup(by_name, tv->s)) != NULL)
		return t;
	slug = slugify(tv->s);
	if (*slug == '\0') {
		diag_err(&tv->pos, "tag '%s' has no letters or digits", tv->s);
		free(slug);
		return NULL;
	}
	if ((t = g_hash_table_lookup(by_slug, slug)) == NULL) {
		t = val_new(&site->pool, V_MAP, NULL);
		map_set(t, "name", tv);
		map_set_str(&site->pool, t, "slug", slug);
		g_hash_table_insert(by_slug, (gpointer)map_str(t, "slug"), t);
		S_set(&site->pool, t, "url", xasprintf("%s/tags/%s/",
		    site->base_path, slug));
		map_set(t, "pages", S_list(site));
		list_push(tagsv, t);
	}
	free(slug);
	g_hash_table_insert(by_name, tv->s, t);
	return t;
}

/* The tags of every page: /tags/<slug>/ lists the pages of a tag. */
static void
S_tags(struct site *site, struct val *tagsv)
{
	size_t i, j, k, ndocs = site->ndocs;
	struct val *tags, *t, *list, *pages;
	struct doc *d;
	/* slug -> tag: 50 000 tags in one file took minutes by scanning. */
	GHashTable *by_slug = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *by_name = g_hash_table_new(g_str_hash, g_str_equal);

	for (i = 0; i < ndocs; i++) {
		d = site->docs[i];
		if (d->kind == K_INDEX ||
		    (tags = map_get(d->v, "tags")) == NULL ||
		    tags->type != V_LIST)
			continue;
		list = S_list(site);
		for (j = 0; j < tags->len; j++) {
			if ((t = S_tag(site, tagsv, by_slug, by_name,
			    tags->items[j])) == NULL)
				continue;
			pages = map_get(t, "pages");
			if (pages->len == 0 ||
			    pages->items[pages->len - 1] != d->v)
				list_push(pages, d->v);
			list_push(list, t);
		}
		map_set(d->v, "tag_list", list);
	}
	g_hash_table_destroy(by_slug);
	g_hash_table_destroy(by_name);
	for (k = 0; k < tagsv->len; k++) {
		t = tagsv->items[k];
		d = S_index(site, "", "", "tag", map_get(t, "name")->s);
		free(d->out);
		free(d->url);
		d->out = xasprintf("tags/%s/index.html", map_str(t, "slug"));
		d->url = xstrdup(map_str(t, "url"));
		map_set(d->v, "tag", t);
		S_page_vals(site, &site->pool, d);
		map_set(d->v, "pages", map_get(t, "pages"));
		map_set(t, "count", val_num(&site->pool,
		    (long)map_get(t, "pages")->len));
	}
}

/*
 * "Sosu-klubben Amager" -> "SA", "Forældre og Pårørende for Velfærd" ->
 * "FPV": a mark for organisations without a logo, from the significant
 * words.  A name writes those with a capital, so a word that begins in
 * lower case ("og", "for", "i") counts only when all of them do; a word
 * without a letter (a dash) never.  Owned (free).
 */
static char *
S_initials(const char *name)
{
	struct buf b = { NULL, 0, 0 };
	const char *s;
	gunichar first;
	int pass, words = 0, start;
	char u[8];

	buf_puts(&b, "");
	for (pass = 0; pass < 2 && words == 0; pass++)
		for (s = name != NULL ? name : "", start = 1; *s != '\0' &&
		    words < 3; s = g_utf8_next_char(s)) {
			first = g_utf8_get_char(s);
			if (g_unichar_isspace(first) || first == '-' ||
			    first == '/' || first == 0x2013 || first == 0x2014) {
				start = 1;
				continue;
			}
			if (!start || !g_unichar_isalnum(first))
				continue;
			start = 0;
			if (pass == 0 && !g_unichar_isupper(first) &&
			    !g_unichar_istitle(first) && !g_unichar_isdigit(first))
				continue;
			u[g_unichar_to_utf8(g_unichar_toupper(first), u)] = '\0';
			buf_puts(&b, u);
			words++;
		}
	return b.data;
}

/* The colour a page wears: its own, or its area's. */
static void
S_accent(struct pool *pool, struct val *v)
{
	struct val *area;
	const char *c;

	c = map_str(v, "color");
	area = map_get(v, "area");
	if (c == NULL && area != NULL && area->type == V_MAP)
		c = map_str(area, "color");
	if (c != NULL) {
		/* (Not printf: once for each of 10 000 pages.) */
		size_t n = strlen(c);
		char *st = xmalloc(sizeof("--accent:") + n);

		memcpy(st, "--accent:", sizeof("--accent:") - 1);
		memcpy(st + sizeof("--accent:") - 1, c, n + 1);
		S_set(pool, v, "accent_style", st);
	}
}

static void
S_accent_one(void *arg, struct pool *pool, size_t i)
{
	struct site *site = arg;

	if (site->docs[i]->kind != K_AREA)
		S_accent(pool, site->docs[i]->v);
}

/*
 * Every page's colour: the areas' first, then the rest on every core
 * (a page reads its own map and its area's, which no thread changes
 * then).
 */
static void
S_accents(struct site *site)
{
	size_t i;

	for (i = 0; i < site->ndocs; i++)
		if (site->docs[i]->kind == K_AREA)
			S_accent(&site->pool, site->docs[i]->v);
	site_each(site, site->ndocs, S_accent_one, site);
}

/* Events grouped by ISO week, for the calendar: "Uge 9". */
static struct val *
S_weeks(struct site *site, struct doc **ev, size_t n)
{
	struct val *weeks = S_list(site), *g = NULL;
	long w, wy, lw = -1, lwy = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		w = map_get(ev[i]->v, "week")->n;
		wy = map_get(ev[i]->v, "week_year")->n;
		if (g == NULL || w != lw || wy != lwy) {
			g = val_new(&site->pool, V_MAP, NULL);
			map_set(g, "week", val_num(&site->pool, w));
			map_set(g, "year", val_num(&site->pool, wy));
			S_set(&site->pool, g, "id", xasprintf("uge-%ld-%ld", wy, w));
			map_set(g, "events", S_list(site));
			list_push(weeks, g);
			lw = w;
			lwy = wy;
		}
		list_push(map_get(g, "events"), ev[i]->v);
	}
	return weeks;
}

static int
S_by_sort(const void *a, const void *b)
{
	return strcmp(map_str(*(struct val *const *)a, "sort"),
	    map_str(*(struct val *const *)b, "sort"));
}

/* A timeline row's days, Monday to Sunday, as "days". */
static void
S_weekdays(struct site *site, struct val *r, int y0, int w0, int y1, int w1)
{
	struct buf b = { NULL, 0, 0 };
	struct date a, z;

	if (!date_isoweek_monday(y0, w0, &a) || !date_isoweek_monday(y1, w1,
	    &z))
		return;
	date_add_days(&z, 6);
	lang_date_range(site, &a, &z, &b);
	S_set(&site->pool, r, "days", xstrdup(b.data));
	buf_free(&b);
}

/* A week (y, w) as one number that sorts. */
#define WEEKNO(y, w)	((long)(y) * 100 + (w))

/*
 * The campaign plan's timeline: one row per week or run of weeks
 * ("Uge 18–23"), what happens in it and what the campaign does; this
 * week marked (a row of its own when nothing is planned in it).
 */
static struct val *
S_timeline(struct site *site, struct doc **ev, size_t n)
{
	struct val *rows = S_list(site), *r;
	GHashTable *by = g_hash_table_new_full(g_str_hash, g_str_equal, free,
	    NULL);
	int w0, y0, w1, y1, tw, ty, cur = 0;
	long lo = 0, hi = 0, now;
	char key[32];
	size_t i;

	tw = date_isoweek(&site->today, &ty);
	now = WEEKNO(ty, tw);
	for (i = 0; i <= n; i++) {
		if (i < n) {
			w0 = date_isoweek(&ev[i]->date, &y0);
			w1 = date_isoweek(&ev[i]->end, &y1);
		} else if (!cur && n > 0 && now >= lo && now <= hi) {
			w0 = w1 = tw;	/* this week, with nothing in it */
			y0 = y1 = ty;
		} else
			break;
		if (i == 0 || WEEKNO(y0, w0) < lo)
			lo = WEEKNO(y0, w0);
		if (i == 0 || WEEKNO(y1, w1) > hi)
			hi = WEEKNO(y1, w1);
		snprintf(key, sizeof(key), "%04d-%02d/%04d-%02d", y0, w0, y1,
		    w1);
		if ((r = g_hash_table_lookup(by, key)) == NULL) {
			r = val_new(&site->pool, V_MAP, NULL);
			map_set_str(&site->pool, r, "sort", key);
			map_set(r, "week", val_num(&site->pool, w0));
			map_set(r, "year", val_num(&site->pool, y0));
			/* Its days: "22.–28. maj". */
			S_weekdays(site, r, y0, w0, y1, w1);
			S_set(&site->pool, r, "id", w0 == w1 && y0 == y1 ?
			    xasprintf("uge-%d-%d", y0, w0) :
			    xasprintf("uge-%d-%d-%d", y0, w0, w1));
			S_set(&site->pool, r, "label", w0 == w1 && y0 == y1 ?
			    xasprintf("%s %d", S_label(site, "week"), w0) :
			    xasprintf("%s %d–%d", S_label(site, "week"), w0,
			    w1));
			if (now >= WEEKNO(y0, w0) && now <= WEEKNO(y1, w1)) {
				map_set(r, "current", val_bool(&site->pool, 1));
				/* "Denne uge", or "I gang" for a run of weeks. */
				map_set_str(&site->pool, r, "current_text",
				    S_label(site, w0 == w1 && y0 == y1 ?
				    "this_week" : "ongoing"));
				map_set_str(&site->pool, r, "class",
				    "timeline-row current");
				cur = 1;
			} else
				map_set_str(&site->pool, r, "class",
				    now > WEEKNO(y1, w1) ? "timeline-row past" :
				    "timeline-row");
			map_set(r, "events", S_list(site));
			g_hash_table_insert(by, xstrdup(key), r);
			list_push(rows, r);
		}
		if (i < n)
			list_push(map_get(r, "events"), ev[i]->v);
	}
	g_hash_table_destroy(by);
	if (rows->len > 1)
		qsort(rows->items, rows->len, sizeof(*rows->items), S_by_sort);
	return rows;
}

/*
 * site.yml's districts: a page each (/districts/<slug>/) listing its
 * events; an event's district: becomes that district's map.
 */
static void
S_districts(struct site *site, struct doc **ev, size_t n)
{
	struct val *names = map_get(site->v, "districts"), *list, *m, *v;
	GHashTable *by = g_hash_table_new(g_str_hash, g_str_equal);
	struct buf known = { NULL, 0, 0 };
	struct doc *d;
	char *slug;
	size_t i;

	list = S_list(site);
	buf_puts(&known, "");
	for (i = 0; names != NULL && names->type == V_LIST &&
	    i < names->len; i++) {
		slug = slugify(names->items[i]->s);
		if (*slug == '\0' || g_hash_table_lookup(by, slug) != NULL) {
			diag_err(&names->items[i]->pos, "district '%s' %s",
			    names->items[i]->s, *slug == '\0' ? "has no "
			    "letters or digits" : "is listed twice");
			free(slug);
			continue;
		}
		m = val_new(&site->pool, V_MAP, NULL);
		map_set(m, "name", names->items[i]);
		S_set(&site->pool, m, "slug", slug);
		S_set(&site->pool, m, "url", xasprintf("%s/districts/%s/",
		    site->base_path, map_str(m, "slug")));
		map_set(m, "events", S_list(site));
		map_set(m, "upcoming_events", S_list(site));
		g_hash_table_insert(by, (gpointer)map_str(m, "slug"), m);
		g_hash_table_insert(by, names->items[i]->s, m);
		buf_printf(&known, "%s%s", known.len ? ", " : "",
		    names->items[i]->s);
		list_push(list, m);
		d = S_index(site, "", "", "district", names->items[i]->s);
		free(d->out);
		free(d->url);
		d->out = xasprintf("districts/%s/index.html",
		    map_str(m, "slug"));
		d->url = xstrdup(map_str(m, "url"));
		map_set(d->v, "district", m);
		S_page_vals(site, &site->pool, d);
	}
	for (i = 0; i < n; i++) {
		if ((v = map_get(ev[i]->v, "district")) == NULL ||
		    v->type != V_STR)
			continue;
		if ((m = g_hash_table_lookup(by, v->s)) == NULL) {
			if (list->len == 0)
				diag_err(&v->pos, "unknown district '%s': "
				    "site.yml lists no districts (districts: "
				    "[..])", v->s);
			else
				diag_err(&v->pos, "unknown district '%s': "
				    "site.yml lists %s", v->s, known.data);
			continue;
		}
		map_set(ev[i]->v, "district_name", v);
		map_set(ev[i]->v, "district", m);
		list_push(map_get(m, "events"), ev[i]->v);
		if (date_cmp(&ev[i]->end, &site->today) >= 0)
			list_push(map_get(m, "upcoming_events"), ev[i]->v);
	}
	map_set(site->v, "districts", list);
	buf_free(&known);
	g_hash_table_destroy(by);
}

/* The menu: site.yml's (checked by the loader), or the sections. */
static void
S_nav(struct site *site)
{
	struct val *nav = map_get(site->v, "nav"), *def, *it;
	static const char *const secs[] = { "areas", "events", "press",
	    "orgs" };
	size_t i;
	const char *u;

	if (nav != NULL) {
		for (i = 0; i < nav->len; i++)
			if ((u = map_str(nav->items[i], "url")) != NULL &&
			    u[0] == '/') {
				/* Where it was written, for the link check. */
				struct pos p = map_get(nav->items[i],
				    "url")->pos;

				S_set(&site->pool, nav->items[i], "url", xasprintf(
				    "%s%s", site->base_path, u));
				map_get(nav->items[i], "url")->pos = p;
			}
		return;
	}
	def = S_list(site);
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		it = val_new(&site->pool, V_MAP, NULL);
		map_set_str(&site->pool, it, "title", S_label(site, secs[i]));
		S_set(&site->pool, it, "url", xasprintf("%s/%s/", site->base_path,
		    secs[i]));
		list_push(def, it);
	}
	map_set(site->v, "nav", def);
	map_set(site->v, "nav_default", val_bool(&site->pool, 1));
}

static struct val *
S_first(struct site *site, struct val *l, size_t n)
{
	struct val *r = S_list(site);
	size_t i;

	for (i = 0; i < l->len && i < n; i++)
		list_push(r, l->items[i]);
	return r;
}

/*
 * The values of one page that need no other page (urls, dates in
 * words, description ...), made in pool: run on every core
 * (site_each), each thread with its own pool.
 */
static void
S_doc_link(struct site *site, struct pool *pool, struct doc *d)
{
	const struct val *sv = site->v;
	char *ex;

	S_urls(site, d);
	S_date_fields(site, pool, d);
	/* An organisation's own url becomes "website". */
	if (d->kind == K_ORG && map_get(d->v, "url") != NULL)
		map_set(d->v, "website", map_get(d->v, "url"));
	S_page_vals(site, pool, d);
	map_set_str(pool, d->v, "source", d->path);
	if (d->kind == K_HOME && map_get(d->v, "title") == NULL)
		map_set(d->v, "title", map_get(sv, "title"));
	if (map_get(d->v, "description") == NULL) {
		ex = d->excerpt;
		d->excerpt = NULL;
		if (ex == NULL && d->kind == K_PRESS &&
		    map_str(d->v, "summary") != NULL)
			ex = xstrdup(map_str(d->v, "summary"));
		if (ex == NULL && d->kind == K_AREA)
			ex = xstrdup(map_str(d->v, "headline"));
		if (ex != NULL)
			S_set(pool, d->v, "description", ex);
	}
	if (d->kind == K_ORG)
		S_set(pool, d->v, "initials",
		    S_initials(map_str(d->v, "name")));
	if (d->kind == K_EVENT && map_str(d->v, "time") != NULL &&
	    date_cmp(&d->end, &d->date) == 0) {
		struct buf tb = { NULL, 0, 0 };

		S_time(site, &tb, map_str(d->v, "time"),
		    map_str(d->v, "end_time"));
		S_set(pool, d->v, "time_text", xstrdup(tb.data));
		buf_free(&tb);
	}
	/* Where it is on a map: a plain search link, no script. */
	if (d->kind == K_EVENT && map_str(d->v, "address") != NULL)
		S_set(pool, d->v, "map_url", S_map_url(site, d));
	/* ", place": nothing dangles when there is none. */
	if (d->kind == K_EVENT && map_str(d->v, "place") != NULL)
		S_set(pool, d->v, "place_text", xasprintf(", %s",
		    map_str(d->v, "place")));
	if (d->kind == K_EVENT && map_str(d->v, "address") != NULL)
		S_set(pool, d->v, "address_text", xasprintf(", %s",
		    map_str(d->v, "address")));
	if (d->kind == K_EVENT)
		S_set(pool, d->v, "ics_url", xasprintf("%s/events/"
		    "%s.ics", site->base_path, d->slug));
}

static void
S_link_one(void *arg, struct pool *pool, size_t i)
{
	struct site *site = arg;

	S_doc_link(site, pool, site->docs[i]);
}

/*
 * Builds the linked model once every file has loaded without error
 * (load_site).  Returns 1, or 0 after reporting broken references.
 */
int
model_link(struct site *site)
{
	int e0 = diag_count();
	struct doc **areas, **events, **press, **orgs, *d, *to;
	size_t na, ne, np, no, i, j, k;
	struct val *sv = site->v, *l, *up, *past;
	struct buf b = { NULL, 0, 0 };

	map_set_str(&site->pool, sv, "lang", site->lang);
	if (lang_is_rtl(site->lang))
		map_set_str(&site->pool, sv, "dir", "rtl");
	map_set_str(&site->pool, sv, "og_locale", S_label(site, "locale"));
	map_set_str(&site->pool, sv, "base_url", site->base_url);
	S_set(&site->pool, sv, "url", xasprintf("%s/", site->base_path));
	S_set(&site->pool, sv, "base_path", xstrdup(site->base_path));
	map_set(sv, "year", val_num(&site->pool, site->today.y));
	S_set(&site->pool, sv, "generator", xstrdup("rally " RALLY_VERSION));
	lang_date_long(site, &site->today, &b);
	S_set(&site->pool, sv, "today_long", xstrdup(b.data));
	buf_free(&b);
	S_nav(site);

	/* On every core: a tenth of a 10k build ran on one. */
	site_each(site, site->ndocs, S_link_one, site);

	model_sections(site);
	map_set(sv, "areas", S_collect(site, K_AREA, S_by_order, &areas, &na));
	map_set(sv, "events", S_collect(site, K_EVENT, S_by_date, &events,
	    &ne));
	map_set(sv, "press", S_collect(site, K_PRESS, S_by_date_desc, &press,
	    &np));
	map_set(sv, "orgs", S_collect(site, K_ORG, S_by_title, &orgs, &no));
	map_set(sv, "pages", S_collect(site, K_PAGE, S_by_title, NULL, NULL));

	for (i = 0; i < na; i++) {
		map_set(areas[i]->v, "events", S_list(site));
		map_set(areas[i]->v, "upcoming_events", S_list(site));
		map_set(areas[i]->v, "press", S_list(site));
		map_set(areas[i]->v, "orgs", S_list(site));
		map_set(areas[i]->v, "area", areas[i]->v);
	}
	for (i = 0; i < no; i++) {
		map_set(orgs[i]->v, "events", S_list(site));
		map_set(orgs[i]->v, "upcoming_events", S_list(site));
	}
	/*
	 * In sorted order, so that every back-reference list is sorted.  A
	 * joint action is on each of its areas' and organisations' pages.
	 */
	for (i = 0; i < ne; i++) {
		d = events[i];
		for (k = 0; k < 2; k++) {
			l = S_refs(site, d, k ? "org" : "area", k ? K_ORG :
			    K_AREA, k ? "organisation" : "area");
			for (j = 0; j < l->len; j++) {
				list_push(map_get(l->items[j], "events"), d->v);
				if (date_cmp(&d->end, &site->today) >= 0)
					list_push(map_get(l->items[j],
					    "upcoming_events"), d->v);
			}
		}
	}
	S_districts(site, events, ne);
	for (i = 0; i < ne; i++)	/* "Arrangør", "Arrangører" */
		map_set_str(&site->pool, events[i]->v, "organiser_label",
		    S_label(site, map_get(events[i]->v, "orgs")->len > 1 ?
		    "organisers" : "organiser"));
	for (i = 0; i < np; i++)
		if ((to = S_ref(site, press[i], "area", K_AREA, "area")) !=
		    NULL)
			list_push(map_get(to->v, "press"), press[i]->v);
	for (i = 0; i < no; i++) {
		struct val *as = map_get(orgs[i]->v, "areas");
		struct val *up = map_get(orgs[i]->v, "upcoming_events");

		/* Its next event, and where its QR codes lead. */
		if (up->len > 0)
			map_set(orgs[i]->v, "next_event", up->items[0]);
		map_set(orgs[i]->v, "qr_url", up->len > 0 ?
		    map_get(up->items[0], "abs_url") :
		    map_get(orgs[i]->v, "abs_url"));

		l = S_list(site);
		for (j = 0; as != NULL && j < as->len; j++) {
			if ((to = S_find(site, K_AREA, as->items[j]->s)) ==
			    NULL) {
				S_unknown(site, as->items[j], K_AREA, "area");
				continue;
			}
			list_push(l, to->v);
			list_push(map_get(to->v, "orgs"), orgs[i]->v);
		}
		map_set(orgs[i]->v, "area_slugs", as != NULL ? as :
		    S_list(site));
		map_set(orgs[i]->v, "areas", l);
	}

	up = S_list(site);
	past = S_list(site);
	for (i = 0; i < ne; i++)
		list_push(date_cmp(&events[i]->end, &site->today) >= 0 ?
		    up : past, events[i]->v);
	map_set(sv, "upcoming_events", up);
	map_set(sv, "next_events", S_first(site, up, 3));
	/* Newest first, for "recent" lists when nothing is coming up. */
	l = S_list(site);
	for (i = past->len; i > 0; i--)
		list_push(l, past->items[i - 1]);
	map_set(sv, "past_events", l);
	map_set(sv, "recent_events", S_first(site, l, 3));
	/* The home page shows what is coming, or else what just happened. */
	map_set(sv, "home_events", map_get(sv, up->len > 0 ? "next_events" :
	    "recent_events"));
	map_set_str(&site->pool, sv, "home_events_title", S_label(site,
	    up->len > 0 ? "next_events" : "recent_events"));
	map_set(sv, "latest_press", S_first(site, map_get(sv, "press"), 3));
	map_set(sv, "weeks", S_weeks(site, events, ne));
	map_set(sv, "timeline", S_timeline(site, events, ne));

	map_set(sv, "tags", S_list(site));
	S_tags(site, map_get(sv, "tags"));
	S_accents(site);
	free(areas);
	free(events);
	free(press);
	free(orgs);
	return diag_count() == e0;
}

/* The site's own sections: index pages and the 404 page. */
void
model_sections(struct site *site)
{
	struct doc *d;

	S_index(site, "areas/index.html", "/areas/", "areas",
	    S_label(site, "areas"));
	S_index(site, "events/index.html", "/events/", "events",
	    S_label(site, "events"));
	S_index(site, "press/index.html", "/press/", "press-list",
	    S_label(site, "press"));
	S_index(site, "orgs/index.html", "/orgs/", "orgs",
	    S_label(site, "orgs"));
	S_index(site, "tags/index.html", "/tags/", "tags",
	    S_label(site, "tags"));
	S_index(site, "timeline/index.html", "/timeline/", "timeline",
	    S_label(site, "timeline"));
	d = S_index(site, "404.html", "/404.html", "404",
	    S_label(site, "notfound"));
	map_set(d->v, "noindex", val_bool(&site->pool, 1));
	for (size_t i = site->ndocs - 7; i < site->ndocs; i++) {
		S_page_vals(site, &site->pool, site->docs[i]);
	}
}

/*
 * The downloads page, rendered after the print material so that it can
 * give file sizes; and its place in the default menu.
 */
void
model_downloads(struct site *site)
{
	struct doc *d;
	struct val *nav = map_get(site->v, "nav"), *it;

	d = S_index(site, "downloads/index.html", "/downloads/", "downloads",
	    S_label(site, "downloads"));
	d->phase = 1;
	S_page_vals(site, &site->pool, d);
	if (nav != NULL && map_get(site->v, "nav_default") != NULL) {
		it = val_new(&site->pool, V_MAP, NULL);
		map_set_str(&site->pool, it, "title",
		    S_label(site, "downloads"));
		map_set_str(&site->pool, it, "url", d->url);
		list_push(nav, it);
	}
}

/* The page of kind k and slug, as templates see it; NULL if none. */
struct val *
model_find(struct site *site, enum kind k, const char *slug)
{
	struct doc *d = S_find(site, k, slug);

	return d != NULL ? d->v : NULL;
}

/*
 * An event that is not in content/ (rally flyer --date ...), with the
 * fields layouts use.  NULL if date or time is bad.
 */
struct val *
model_event(struct site *site, const char *title, const char *date,
    const char *time, const char *place)
{
	struct doc d;
	struct val *v;

	memset(&d, 0, sizeof(d));
	d.kind = K_EVENT;
	if (!date_parse(date, &d.date) || (time != NULL &&
	    date_parse_time(time) < 0))
		return NULL;
	v = d.v = val_new(&site->pool, V_MAP, NULL);
	map_set_str(&site->pool, v, "title", title);
	if (time != NULL) {
		struct buf tb = { NULL, 0, 0 };

		map_set_str(&site->pool, v, "time", time);
		S_time(site, &tb, time, NULL);
		S_set(&site->pool, v, "time_text", xstrdup(tb.data));
		buf_free(&tb);
	}
	if (place != NULL) {
		map_set_str(&site->pool, v, "place", place);
		S_set(&site->pool, v, "place_text", xasprintf(", %s", place));
	}
	S_date_fields(site, &site->pool, &d);
	return v;
}
