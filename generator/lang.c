/*
 * lang.c: the words rally writes, in the site's language, and its
 * time zone.
 *
 * Labels live in layouts/labels/LANG.yml, one file per language, built
 * into rally (da, nb, nn, sv, de, en) or brought by the campaign.  A
 * site's labels are English, overlaid with rally's file for its
 * language, then the campaign's own file for it, then site.yml's
 * labels: map: so a missing key is English, never empty, and a
 * campaign changes any word without touching a layout.  The same file
 * names the language's date format, month and weekday names, locale,
 * default time zone and hyphenation dictionary.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>
#include <hyphen.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"

#define LABELS_DIR	"layouts/labels"

/* "nb-NO", "NO", "nb_NO.UTF-8" -> "nb"; "no" is bokmål.  Owned. */
static char *
S_primary(const char *tag)
{
	size_t n = strcspn(tag, "-_.@");
	char *s = g_ascii_strdown(tag, (gssize)n), *r;

	if (strcmp(s, "no") == 0) {
		g_free(s);
		return xstrdup("nb");
	}
	r = xstrdup(s);
	g_free(s);
	return r;
}

/* Every key of src, set in dst (text and lists of text only). */
static int
S_merge(struct site *site, struct val *dst, const struct val *src)
{
	size_t i, k;
	int ok = 1;

	for (i = 0; i < src->len; i++) {
		struct val *v = src->items[i];

		if (v->type == V_LIST) {
			for (k = 0; k < v->len; k++)
				if (v->items[k]->type != V_STR)
					break;
			if (k < v->len) {
				diag_err(&v->items[k]->pos, "label '%s' must "
				    "be a list of text", src->keys[i]);
				ok = 0;
				continue;
			}
		} else if (v->type != V_STR) {
			diag_err(&v->pos, "label '%s' must be text, not a %s",
			    src->keys[i], vtype_name(v->type));
			ok = 0;
			continue;
		}
		map_set(dst, src->keys[i], v);
	}
	return ok;
}

/*
 * Reads the labels of lang: the campaign's file when own, else
 * rally's.  Returns the map, or NULL when there is none (or after
 * reporting a broken one).
 */
static struct val *
S_file(struct site *site, const char *lang, int own)
{
	char *rel = xasprintf(LABELS_DIR "/%s.yml", lang), *shown;
	const struct builtin *b;
	struct buf buf = { NULL, 0, 0 };
	struct val *v = NULL;
	struct pos p;
	int fd;

	if (own) {
		if ((fd = root_open(site, rel, O_PATH)) == -1 &&
		    errno == ENOENT) {
			free(rel);
			return NULL;
		}
		if (fd != -1)
			close(fd);
		shown = xstrdup(rel);
		p.file = shown;
		p.line = p.col = 0;
		if (!root_read(site, rel, &buf, &p) || !fm_yaml(&site->pool,
		    shown, buf.data, buf.len, 0, &v))
			v = NULL;
	} else {
		if ((b = builtin_get(rel)) == NULL) {
			free(rel);
			return NULL;
		}
		shown = xasprintf("(built in) %s", rel);
		if (!fm_yaml(&site->pool, shown, (const char *)b->data,
		    b->len, 0, &v))
			v = NULL;
	}
	if (v != NULL && v->type != V_MAP) {
		p = v->pos;
		p.file = shown;
		diag_err(&p, "a labels file is a map of words");
		v = NULL;
	}
	/* Positions point at the name: keep it as long as the values. */
	site->names = xrealloc(site->names, (site->nnames + 1) *
	    sizeof(*site->names));
	site->names[site->nnames++] = shown;
	buf_free(&buf);
	free(rel);
	return v;
}

/*
 * Is language code ("ur", "ur-PK", "UR") the language of the first n
 * bytes of base ("ur")?  Tags compare without case; a region or script
 * after '-' or '_' does not matter.
 */
int
lang_is(const char *code, const char *base, size_t n)
{
	return code != NULL && strncasecmp(code, base, n) == 0 &&
	    (code[n] == '\0' || code[n] == '-' || code[n] == '_');
}

/*
 * Is language code ("ar", "fa-AF") written right to left?  The
 * languages whose usual script is Arabic, Hebrew or Thaana.
 */
int
lang_is_rtl(const char *code)
{
	static const char *const rtl[] = { "ar", "fa", "prs", "ps", "ur",
	    "he", "yi", "ckb", "sd", "ug", "dv", "ku-Arab", NULL };
	size_t i;

	for (i = 0; rtl[i] != NULL; i++)
		if (lang_is(code, rtl[i], strlen(rtl[i])))
			return 1;
	return 0;
}

/*
 * The hyphenation dictionary's file name (in /usr/share/hyphen) for
 * language code, from its labels (the campaign's, else rally's); NULL
 * when it has none.  Owned by the site's values.
 */
const char *
lang_hyphenation(struct site *site, const char *code)
{
	char *lang = S_primary(code);
	struct val *v = NULL;
	const char *name = NULL;

	if ((v = S_file(site, lang, 1)) != NULL)
		name = map_str(v, "hyphenation");
	if (name == NULL && (v = S_file(site, lang, 0)) != NULL)
		name = map_str(v, "hyphenation");
	free(lang);
	return name != NULL && *name != '\0' ? name : NULL;
}

/*
 * Sets site.labels (site->labels), the time zone and today for the
 * language site->lang, from site.yml (already read into site->v).
 * Returns 1, or 0 after reporting errors.
 */
int
lang_load(struct site *site)
{
	struct val *labels = val_new(&site->pool, V_MAP, NULL), *v, *own;
	const struct val *lv = map_get(site->v, "language");
	const char *tz;
	char *lang;
	int known = 0;

	if (site->lang == NULL)
		site->lang = xstrdup("da");
	lang = S_primary(site->lang);

	if ((v = S_file(site, "en", 0)) != NULL)
		S_merge(site, labels, v);
	/* English patterns would hyphenate another language wrongly. */
	if (strcmp(lang, "en") != 0)
		map_set_str(&site->pool, labels, "hyphenation", "");
	if (strcmp(lang, "en") != 0 && (v = S_file(site, lang, 0)) != NULL) {
		S_merge(site, labels, v);
		known = 1;
	}
	if ((own = S_file(site, lang, 1)) != NULL) {
		S_merge(site, labels, own);
		known = 1;
	}
	if (!known && strcmp(lang, "en") != 0) {
		struct pos p = lv != NULL ? lv->pos : (struct pos){
		    "content/site.yml", 0, 0 };

		diag_warn(&p, "rally has no words for language '%s' (it has "
		    "da, nb, nn, sv, de and en): pages and print are in "
		    "English; translate them in " LABELS_DIR "/%s.yml or "
		    "with labels: in site.yml", lang, lang);
	}
	if ((v = map_get(site->v, "labels")) != NULL) {
		if (v->type != V_MAP) {
			diag_err(&v->pos, "'labels' must be a map of words, "
			    "such as {events: Aktiviteter}");
		} else
			S_merge(site, labels, v);
	}
	free(lang);
	site->labels = labels;
	map_set(site->v, "labels", labels);

	/* The time zone: site.yml's, else the language's. */
	v = map_get(site->v, "timezone");
	tz = v != NULL && v->type == V_STR ? v->s : map_str(labels,
	    "timezone");
	if (v != NULL && v->type != V_STR) {
		diag_err(&v->pos, "'timezone' must be a zone name such as "
		    "Europe/Oslo");
	}
	site->tz = g_time_zone_new_identifier(tz != NULL ? tz : "UTC");
	if (site->tz == NULL) {
		struct pos p = v != NULL ? v->pos : (struct pos){
		    "content/site.yml", 0, 0 };

		diag_err(&p, "unknown time zone '%s': use a name from the "
		    "tz database, such as Europe/Copenhagen", tz);
		site->tz = g_time_zone_new_utc();
	}
	map_set_str(&site->pool, site->v, "timezone",
	    g_time_zone_get_identifier(site->tz));
	date_from_time(site->now, site->tz, &site->today);
	return diag_count() == site->nerr0;
}

/* The word for key in the site's language (never NULL). */
const char *
lang_label(const struct site *site, const char *key)
{
	const char *s = map_str(site->labels, key);

	return s != NULL ? s : key;
}

/* Item i of the list label key, or "?". */
static const char *
S_nth(const struct site *site, const char *key, int i)
{
	const struct val *l = map_get(site->labels, key);

	if (l == NULL || l->type != V_LIST || i < 0 || (size_t)i >= l->len ||
	    l->items[i]->type != V_STR)
		return "?";
	return l->items[i]->s;
}

/*
 * The label date_long filled in: whole (part 0), up to the day and what
 * sticks to it ("10." of "{day}. {month} {year}", part 1), or without
 * the year and what separates it (part 2).
 */
static void
S_date_part(const struct site *site, const struct date *d, int part,
    struct buf *b)
{
	const char *f = lang_label(site, "date_long"), *e;
	size_t start = b->len;

	for (; *f != '\0'; f++) {
		if (*f != '{' || (e = strchr(f, '}')) == NULL) {
			buf_putc(b, *f);
			continue;
		}
		if (strncmp(f, "{day}", 5) == 0) {
			buf_printf(b, "%d", d->d);
			if (part == 1) {
				for (f = e + 1; *f != '\0' && *f != ' ' &&
				    *f != '{'; f++)
					buf_putc(b, *f);
				return;
			}
		} else if (strncmp(f, "{month}", 7) == 0)
			buf_puts(b, S_nth(site, "months", d->m - 1));
		else if (strncmp(f, "{year}", 6) == 0) {
			if (part != 2)
				buf_printf(b, "%d", d->y);
		} else
			buf_put(b, f, (size_t)(e - f + 1));
		f = e;
	}
	/* "30. marts " of "{day}. {month} {year}": no trailing ", ". */
	while (b->len > start && (b->data[b->len - 1] == ' ' ||
	    b->data[b->len - 1] == ','))
		b->data[--b->len] = '\0';
}

/* "10. marts 2017", "10 March 2017": the label date_long, filled in. */
void
lang_date_long(const struct site *site, const struct date *d, struct buf *b)
{
	S_date_part(site, d, 0, b);
}

/*
 * Days a to b as one text: "10.–11. marts 2017", "30. marts – 2. april
 * 2017", "29. december 2017 – 2. januar 2018"; one day as date_long.
 */
void
lang_date_range(const struct site *site, const struct date *a,
    const struct date *b, struct buf *out)
{
	if (date_cmp(a, b) >= 0) {
		S_date_part(site, a, 0, out);
		return;
	}
	if (a->y == b->y && a->m == b->m) {
		S_date_part(site, a, 1, out);
		buf_puts(out, "\xE2\x81\xA0–\xE2\x81\xA0");	/* joined */
	} else {
		S_date_part(site, a, a->y == b->y ? 2 : 0, out);
		buf_puts(out, " – ");
	}
	S_date_part(site, b, 0, out);
}

/* The month's first three letters, for calendar badges: "mar", "Mär". */
void
lang_month_short(const struct site *site, const struct date *d,
    struct buf *b)
{
	const char *m = S_nth(site, "months", d->m - 1);

	buf_put(b, m, (size_t)(g_utf8_offset_to_pointer(m,
	    MIN(3, g_utf8_strlen(m, -1))) - m));
}

void
lang_weekday(const struct site *site, const struct date *d, struct buf *b)
{
	buf_puts(b, S_nth(site, "weekdays", date_weekday(d)));
}

/*
 * Appends the word w (n bytes, letters only) to out with a soft hyphen
 * at each of dict's points that leaves three letters at least on each
 * side (print and web alike).  A word the dictionary cannot spell (a
 * letter outside Latin-1 for a Latin-1 one) goes out unchanged.
 */
void
lang_hyphenate_word(struct _HyphenDict *dict, const char *w, size_t n,
    GString *out)
{
	char *word = g_strndup(w, n), *low, *lat, *hy;
	char **rep = NULL;
	int *pos = NULL, *cut = NULL;
	long nchars = g_utf8_strlen(word, -1), k;
	const char *e;
	gsize latlen;

	low = g_utf8_strdown(word, -1);
	/* Patterns in UTF-8 (en) or Latin-1 (da, nb, sv, de). */
	if (dict->utf8) {
		lat = g_strdup(low);
		latlen = strlen(low);
	} else
		lat = g_convert(low, -1, "ISO-8859-1", "UTF-8", NULL,
		    &latlen, NULL);
	if (lat == NULL || (!dict->utf8 && (long)latlen != nchars)) {
		g_string_append(out, word);
		goto out;
	}
	hy = xcalloc((size_t)latlen + 5, 1);
	hnj_hyphen_hyphenate2(dict, lat, (int)latlen, hy, NULL, &rep, &pos,
	    &cut);
	e = word;
	for (k = 0; k < nchars; k++) {
		const char *nx = g_utf8_next_char(e);

		g_string_append_len(out, e, nx - e);
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
out:
	g_free(lat);
	g_free(low);
	g_free(word);
}
