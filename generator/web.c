/*
 * web.c: renderers of the website's files: pages through templates,
 * the Atom feed, iCalendar files, sitemap.xml and robots.txt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <libxml/HTMLtree.h>
#include <libxml/xmlsave.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"

/* The template a page is expanded with. */
const char *
web_layout(const struct doc *d)
{
	if (d->layout != NULL)
		return d->layout;
	return d->kind == K_INDEX ? d->slug : model_kind_name(d->kind);
}

static int
S_out_write(void *arg, const char *data, int len)
{
	buf_put(arg, data, (size_t)len);
	return len;
}

static int
S_out_close(void *arg)
{
	(void)arg;
	return 0;
}

/*
 * Serialises a page as HTML5: doctype, then libxml2's HTML writer,
 * straight into out (a 10k-item list page is megabytes: one copy).
 */
void
web_serialize(xmlDocPtr doc, struct buf *out)
{
	xmlOutputBufferPtr o = xmlOutputBufferCreateIO(S_out_write,
	    S_out_close, out, NULL);
	xmlNodePtr root = xmlDocGetRootElement(doc);

	if (o == NULL) {	/* rally's policy: out of memory aborts */
		fprintf(stderr, "rally: out of memory\n");
		abort();
	}
	buf_puts(out, "<!DOCTYPE html>\n");
	if (root != NULL)
		htmlNodeDumpFormatOutput(o, doc, root, "UTF-8", 0);
	xmlOutputBufferClose(o);
	buf_putc(out, '\n');
}

int
web_page(const struct job *j, struct site *site, struct buf *out)
{
	const struct tmpl_set *ts = j->arg;
	struct scope ssite = { "site", site->v, NULL };
	struct scope spage = { "page", j->doc->v, &ssite };
	struct pool pool = { NULL };
	xmlDocPtr doc;

	/* The compiled layout, or the tree when it cannot. */
	if (tmplc_page(ts, web_layout(j->doc), &spage, &pool, out)) {
		pool_free(&pool);
		return 1;
	}
	doc = tmpl_apply(ts, web_layout(j->doc), &spage, &pool,
	    j->doc->path);
	if (doc == NULL) {
		struct pos p = { j->doc->path, 0, 0 };

		diag_err(&p, "page not rendered (template error above)");
		pool_free(&pool);
		return 0;
	}
	web_serialize(doc, out);
	xmlFreeDoc(doc);
	pool_free(&pool);
	return 1;
}

/* Copies an asset unchanged. */
int
web_copy(const struct job *j, struct site *site, struct buf *out)
{
	return root_read(site, j->src, out, NULL);
}

/* A file compiled into rally. */
int
web_builtin(const struct job *j, struct site *site, struct buf *out)
{
	const struct builtin *b = j->arg;

	(void)site;
	buf_put(out, (const char *)b->data, b->len);
	return 1;
}

static void
S_xml(xmlDocPtr doc, struct buf *out)
{
	xmlChar *mem;
	int n;

	xmlDocDumpFormatMemoryEnc(doc, &mem, &n, "UTF-8", 1);
	buf_put(out, (const char *)mem, (size_t)n);
	xmlFree(mem);
}

/* Element name with text (no soft hyphen: buf_unshy) under parent. */
static xmlNodePtr
S_add(xmlNodePtr parent, const char *name, const char *text)
{
	struct buf b = { NULL, 0, 0 };
	xmlNodePtr n;

	if (text != NULL) {
		buf_puts(&b, text);
		buf_unshy(&b);
	}
	n = xmlNewTextChild(parent, NULL, BAD_CAST name,
	    text != NULL ? BAD_CAST b.data : NULL);
	buf_free(&b);
	return n;
}

static char *
S_rfc3339(const struct val *page)
{
	const char *iso = map_str(page, "date_iso");

	return xasprintf("%sT00:00:00Z", iso != NULL ? iso : "1970-01-01");
}

/* Atom (RFC 4287) of the press releases, bodies as XHTML. */
int
web_atom(const struct job *j, struct site *site, struct buf *out)
{
	struct val *press = map_get(site->v, "press"), *p;
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr feed, e, n, div, k;
	xmlNsPtr xhtml;
	xmlDocPtr h;
	struct buf b = { NULL, 0, 0 };
	char *s;
	size_t i;

	(void)j;
	feed = xmlNewDocNode(doc, NULL, BAD_CAST "feed", NULL);
	xmlDocSetRootElement(doc, feed);
	xmlSetNs(feed, xmlNewNs(feed, BAD_CAST "http://www.w3.org/2005/Atom",
	    NULL));
	xmlNewProp(feed, BAD_CAST "xml:lang", BAD_CAST site->lang);
	S_add(feed, "title", map_str(site->v, "title"));
	if (map_str(site->v, "tagline") != NULL)
		S_add(feed, "subtitle", map_str(site->v, "tagline"));
	s = xasprintf("%s/", site->base_url);
	S_add(feed, "id", s);
	n = S_add(feed, "link", NULL);
	xmlNewProp(n, BAD_CAST "href", BAD_CAST s);
	free(s);
	s = xasprintf("%s/feed.atom", site->base_url);
	n = S_add(feed, "link", NULL);
	xmlNewProp(n, BAD_CAST "rel", BAD_CAST "self");
	xmlNewProp(n, BAD_CAST "href", BAD_CAST s);
	free(s);
	if (press->len > 0)
		s = S_rfc3339(press->items[0]);
	else
		s = xasprintf("%04d-%02d-%02dT00:00:00Z", site->today.y,
		    site->today.m, site->today.d);
	S_add(feed, "updated", s);
	free(s);
	n = S_add(feed, "author", NULL);
	S_add(n, "name", map_str(site->v, "title"));
	S_add(feed, "generator", "rally");
	for (i = 0; i < press->len && i < site->feed_entries; i++) {
		p = press->items[i];
		e = S_add(feed, "entry", NULL);
		S_add(e, "title", map_str(p, "title"));
		S_add(e, "id", map_str(p, "abs_url"));
		n = S_add(e, "link", NULL);
		xmlNewProp(n, BAD_CAST "href", BAD_CAST map_str(p, "abs_url"));
		s = S_rfc3339(p);
		S_add(e, "published", s);
		S_add(e, "updated", s);
		free(s);
		if (map_str(p, "summary") != NULL)
			S_add(e, "summary", map_str(p, "summary"));
		if (map_get(p, "area") != NULL &&
		    map_get(p, "area")->type == V_MAP) {
			n = S_add(e, "category", NULL);
			xmlNewProp(n, BAD_CAST "term",
			    BAD_CAST map_str(map_get(p, "area"), "slug"));
			b.len = 0;
			buf_puts(&b, map_str(map_get(p, "area"), "title"));
			buf_unshy(&b);
			xmlNewProp(n, BAD_CAST "label", BAD_CAST b.data);
		}
		n = S_add(e, "content", NULL);
		xmlNewProp(n, BAD_CAST "type", BAD_CAST "xhtml");
		div = xmlNewChild(n, NULL, BAD_CAST "div", NULL);
		xhtml = xmlNewNs(div, BAD_CAST "http://www.w3.org/1999/xhtml",
		    NULL);
		xmlSetNs(div, xhtml);
		h = md_markup_nodes(map_get(p, "body"), &k);
		for (; k != NULL; k = k->next)
			xmlAddChild(div, xmlDocCopyNode(k, doc, 1));
		xmlFreeDoc(h);
		xmlReconciliateNs(doc, div);
	}
	buf_free(&b);
	S_xml(doc, out);
	xmlFreeDoc(doc);
	return 1;
}

/* iCalendar text escaping (RFC 5545, 3.3.11). */
static void
S_ics_text(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			buf_putc(b, '\\');
		if (*s == '\n') {
			buf_puts(b, "\\n");
			continue;
		}
		if (*s == '\r')
			continue;
		buf_putc(b, *s);
	}
}

/* Ends a content line: folded at 75 octets, never inside a character. */
static void
S_ics_line(struct buf *out, struct buf *line)
{
	size_t i = 0, n, w = 75;

	while (line->len - i > w) {
		n = w;
		while (n > 0 && ((unsigned char)line->data[i + n] & 0xC0) ==
		    0x80)
			n--;
		buf_put(out, line->data + i, n);
		buf_puts(out, "\r\n ");
		i += n;
		w = 74;	/* the leading space counts */
	}
	buf_put(out, line->data + i, line->len - i);
	buf_puts(out, "\r\n");
	line->len = 0;
}

static void
S_ics_prop(struct buf *out, const char *name, const char *text)
{
	struct buf l = { NULL, 0, 0 };

	if (text == NULL || *text == '\0')
		return;
	buf_puts(&l, name);
	buf_putc(&l, ':');
	S_ics_text(&l, text);
	buf_unshy(&l);
	S_ics_line(out, &l);
	buf_free(&l);
}

/*
 * "DTSTART:20170310T180000Z": a local date and time in the site's zone,
 * written in UTC, which every calendar reads without a VTIMEZONE.
 */
static void
S_ics_utc(struct site *site, struct buf *out, const char *name,
    const char *iso, const char *hm)
{
	struct date d;
	GDateTime *l, *u;

	date_parse(iso, &d);
	l = g_date_time_new(site->tz, d.y, d.m, d.d, atoi(hm), atoi(hm + 3),
	    0);
	u = l != NULL ? g_date_time_to_utc(l) : NULL;
	if (u != NULL)
		buf_printf(out, "%s:%04d%02d%02dT%02d%02d00Z\r\n", name,
		    g_date_time_get_year(u), g_date_time_get_month(u),
		    g_date_time_get_day_of_month(u), g_date_time_get_hour(u),
		    g_date_time_get_minute(u));
	if (u != NULL)
		g_date_time_unref(u);
	if (l != NULL)
		g_date_time_unref(l);
}

static void
S_vevent(struct site *site, const struct val *e, struct buf *out)
{
	const char *t0 = map_str(e, "time"), *t1 = map_str(e, "end_time");
	const char *iso = map_str(e, "date_iso"), *host;
	const char *last = map_str(e, "end_iso");
	struct buf l = { NULL, 0, 0 };
	struct date d, next;
	char ymd[9];

	if (last == NULL)
		last = iso;	/* one day */

	snprintf(ymd, sizeof(ymd), "%.4s%.2s%.2s", iso, iso + 5, iso + 8);
	host = strstr(site->base_url, "://") + 3;
	buf_puts(out, "BEGIN:VEVENT\r\n");
	buf_printf(&l, "UID:%s@%.*s", map_str(e, "slug"),
	    (int)strcspn(host, "/:"), host);
	S_ics_line(out, &l);
	buf_printf(out, "DTSTAMP:%04d%02d%02dT000000Z\r\n", site->today.y,
	    site->today.m, site->today.d);
	/*
	 * A time of day: UTC times, DTEND at the end time of the last day
	 * (or its midnight when only the start has a time).  Otherwise all
	 * day: DATE values, DTEND the day after the last (exclusive, RFC
	 * 5545 3.6.1), so a week is seven days.
	 */
	if (t0 != NULL) {
		S_ics_utc(site, out, "DTSTART", iso, t0);
		if (t1 != NULL)
			S_ics_utc(site, out, "DTEND", last, t1);
		else if (strcmp(last, iso) != 0) {
			char nextiso[11];

			date_parse(last, &next);
			date_add_days(&next, 1);
			snprintf(nextiso, sizeof(nextiso), "%04d-%02d-%02d",
			    next.y, next.m, next.d);
			S_ics_utc(site, out, "DTEND", nextiso, "00:00");
		}
	} else {
		date_parse(last, &d);
		next = d;
		date_add_days(&next, 1);	/* DTEND is exclusive */
		buf_printf(out, "DTSTART;VALUE=DATE:%s\r\n", ymd);
		buf_printf(out, "DTEND;VALUE=DATE:%04d%02d%02d\r\n", next.y,
		    next.m, next.d);
	}
	S_ics_prop(out, "SUMMARY", map_str(e, "title"));
	if (map_str(e, "place") != NULL && map_str(e, "address") != NULL) {
		char *loc = xasprintf("%s, %s", map_str(e, "place"),
		    map_str(e, "address"));

		S_ics_prop(out, "LOCATION", loc);
		free(loc);
	} else if (map_str(e, "place") != NULL)
		S_ics_prop(out, "LOCATION", map_str(e, "place"));
	else
		S_ics_prop(out, "LOCATION", map_str(e, "address"));
	S_ics_prop(out, "DESCRIPTION", map_str(e, "description"));
	S_ics_prop(out, "CATEGORIES", map_str(e, "kind"));
	buf_printf(&l, "URL:%s", map_str(e, "abs_url"));
	S_ics_line(out, &l);
	buf_puts(out, "END:VEVENT\r\n");
	buf_free(&l);
}

static void
S_vcal_head(struct site *site, struct buf *out, const char *name)
{
	buf_puts(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
	buf_puts(out, "PRODID:-//rally//rally " RALLY_VERSION "//EN\r\n");
	buf_puts(out, "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
	S_ics_prop(out, "X-WR-CALNAME", name);
	buf_printf(out, "X-WR-TIMEZONE:%s\r\n",
	    g_time_zone_get_identifier(site->tz));
}

/* iCalendar (RFC 5545) of every event, or of j->doc alone. */
int
web_ics(const struct job *j, struct site *site, struct buf *out)
{
	struct val *ev = map_get(site->v, "events");
	size_t i;

	if (j->doc != NULL) {
		S_vcal_head(site, out, map_str(j->doc->v, "title"));
		S_vevent(site, j->doc->v, out);
	} else {
		S_vcal_head(site, out, map_str(site->v, "title"));
		for (i = 0; i < ev->len; i++)
			S_vevent(site, ev->items[i], out);
	}
	buf_puts(out, "END:VCALENDAR\r\n");
	return 1;
}

int
web_sitemap(const struct job *j, struct site *site, struct buf *out)
{
	const char *s;
	struct doc *d;
	size_t i;

	/* Written as libxml2 writes the tree, without the tree: a
	   10k-page site's is 20 000 nodes at the build's peak. */
	(void)j;
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
	    "\n");
	for (i = 0; i < site->ndocs; i++) {
		d = site->docs[i];
		if (map_get(d->v, "noindex") != NULL)
			continue;
		buf_puts(out, "  <url>\n    <loc>");
		buf_xml(out, map_str(d->v, "abs_url"), 0);
		buf_puts(out, "</loc>\n");
		if ((s = map_str(d->v, "date_iso")) != NULL) {
			buf_puts(out, "    <lastmod>");
			buf_xml(out, s, 0);
			buf_puts(out, "</lastmod>\n");
		}
		buf_puts(out, "  </url>\n");
	}
	buf_puts(out, "</urlset>\n");
	return 1;
}

int
web_robots(const struct job *j, struct site *site, struct buf *out)
{
	(void)j;
	buf_printf(out, "User-agent: *\nAllow: /\n\nSitemap: %s/sitemap.xml\n",
	    site->base_url);
	return 1;
}
