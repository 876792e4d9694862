/*
 * load.c: reads content/ (site.yml and the Markdown files) into the
 * site model, checking every key's type as it goes.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "rally.h"
#include "extern.h"

#include <glib.h>

/* Names that pages may not take: they are the site's own sections. */
static const char *const S_reserved[] = {
	"areas", "events", "press", "orgs", "tags", "assets", "print",
	"downloads", "404", "index", "feed", "sitemap", "robots", NULL
};

static struct pos
S_mappos(const struct val *map, const char *file)
{
	struct pos p = map->pos;

	if (p.file == NULL) {
		p.file = file;
		p.line = 1;
		p.col = 1;
	}
	return p;
}

/*
 * The word written at p in its file, for a hint (owned), or NULL: the
 * way a value was written, which YAML does not keep.
 */
static char *
S_word_at(struct site *site, const struct pos *p)
{
	struct buf b = { NULL, 0, 0 };
	char *w = NULL;
	const char *s;
	size_t n;
	int line = 1;

	if (p->file == NULL || p->line < 1 || p->col < 1)
		return NULL;
	if (root_read(site, p->file, &b, NULL)) {	/* NULL: quietly */
		for (s = b.data; *s != '\0' && line < p->line; s++)
			line += *s == '\n';
		for (n = 1; *s != '\0' && *s != '\n' && n < (size_t)p->col;
		    n++)
			s++;
		n = strcspn(s, " \t\r\n#,]}");
		if (line == p->line && n > 0 && n < 16)
			w = xstrndup(s, n);
	}
	buf_free(&b);
	return w;
}

/*
 * The text of key in map: NULL when absent (an error if required) or
 * of the wrong type (always an error).  Numbers written plainly in YAML
 * are text too.
 */
const char *
load_str(struct site *site, const struct val *map, const char *key,
    int required, const char *file)
{
	struct val *v = map_get(map, key);
	struct pos p;

	if (v != NULL && v->type == V_NULL && v->s != NULL) {
		/* color: #1f5fa8, hashtag: #VelferdForAlle */
		diag_err(&v->pos, "'%s' is empty: YAML reads %s as a comment; "
		    "put it in quotes: %s: \"%s\"", key, v->s, key, v->s);
		return NULL;
	}
	if (v == NULL || v->type == V_NULL) {
		if (required) {
			p = S_mappos(map, file);
			diag_err(&p, "missing required key '%s'", key);
		}
		return NULL;
	}
	if (v->type == V_BOOL) {
		/* language: no, answer: yes */
		char *w = S_word_at(site, &v->pos);

		diag_err(&v->pos, "'%s' must be text: YAML reads %s as %s; "
		    "put it in quotes: %s: \"%s\"", key, w != NULL ? w :
		    v->n ? "yes" : "no", v->n ? "true" : "false", key,
		    w != NULL ? w : v->n ? "yes" : "no");
		free(w);
		return NULL;
	}
	if (v->type != V_STR) {
		diag_err(&v->pos, "'%s' must be text, not a %s", key,
		    vtype_name(v->type));
		return NULL;
	}
	return v->s;
}

/* Does c end a word, for the longest-word limit? */
static int
S_wordsep(gunichar c)
{
	return g_unichar_isspace(c) || c == '-' || c == '/' || c == 0xAD ||
	    c == 0x2010 || c == 0x2013 || c == 0x2014;
}

/*
 * As load_str, and the text must be within max characters and hold no
 * word longer than LIM_WORD letters (see rally.h): what the built-in
 * layouts take.  Too long is an error at the value.
 */
const char *
load_text(struct site *site, const struct val *map, const char *key,
    int required, const char *file, size_t max)
{
	const char *s = load_str(site, map, key, required, file), *p, *w;
	long n, wl;

	if (s == NULL)
		return NULL;
	if ((n = g_utf8_strlen(s, -1)) > (long)max) {
		diag_err(&map_get(map, key)->pos, "%s is %ld characters, "
		    "more than the %zu the layouts take: shorten it", key,
		    n, max);
		return NULL;
	}
	for (p = s; *p != '\0'; ) {
		while (*p != '\0' && S_wordsep(g_utf8_get_char(p)))
			p = g_utf8_next_char(p);
		for (w = p, wl = 0; *p != '\0' &&
		    !S_wordsep(g_utf8_get_char(p)); wl++)
			p = g_utf8_next_char(p);
		if (wl > LIM_WORD && memchr(w, '@', (size_t)(p - w)) == NULL &&
		    g_strstr_len(w, p - w, "://") == NULL) {
			diag_err(&map_get(map, key)->pos, "%s has a word of "
			    "%ld letters ('%.*s...'), more than the %d a line "
			    "takes: add a soft hyphen (\"\\u00AD\") or a hyphen "
			    "where it may break", key, wl, (int)(
			    g_utf8_offset_to_pointer(w, 16) - w), w, LIM_WORD);
			return NULL;
		}
	}
	return s;
}

/* A boolean key; absent gives 0. */
static int
S_bool(struct site *site, const struct val *map, const char *key)
{
	struct val *v = map_get(map, key);

	if (v == NULL || v->type == V_NULL)
		return 0;
	if (v->type != V_BOOL) {
		diag_err(&v->pos, "'%s' must be true or false", key);
		return 0;
	}
	return (int)v->n;
}

/* A list of text; a single text is taken as a list of one. */
static struct val *
S_strlist(struct site *site, struct val *map, const char *key)
{
	struct val *v = map_get(map, key), *l;
	size_t i;

	if (v == NULL || v->type == V_NULL)
		return NULL;
	if (v->type == V_STR) {
		l = val_new(&site->pool, V_LIST, &v->pos);
		list_push(l, v);
		return l;
	}
	if (v->type != V_LIST) {
		diag_err(&v->pos, "'%s' must be a list, not a %s", key,
		    vtype_name(v->type));
		return NULL;
	}
	for (i = 0; i < v->len; i++)
		if (v->items[i]->type != V_STR) {
			diag_err(&v->items[i]->pos, "'%s' must list text, "
			    "not a %s", key, vtype_name(v->items[i]->type));
			return NULL;
		}
	return v;
}

static int
S_color(struct site *site, const struct val *map, const char *key,
    int required, const char *file)
{
	const char *s = load_str(site, map, key, required, file);
	double ratio;
	size_t i;

	if (s == NULL)
		return !required;
	if (strlen(s) != 7 || s[0] != '#')
		goto bad;
	for (i = 1; i < 7; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f')))
			goto bad;
	/* Layouts set white text on an area's colour: it must be legible. */
	if ((ratio = colour_contrast(s)) < 4.5)
		diag_warn(&map_get(map, key)->pos, "white text on %s has a "
		    "contrast of %.1f:1, below the 4.5:1 that WCAG asks for; "
		    "choose a darker colour", s, ratio);
	return 1;
bad:
	diag_err(&map_get(map, key)->pos, "'%s' must be a colour written "
	    "#rrggbb, not '%s'", key, s);
	return 0;
}

/*
 * cmyk: [0, 90, 85, 10]: the colour's percentages as its designer gave
 * them, which PDF/X sheets print exactly (pdfx.c).
 */
static void
S_cmyk(struct site *site, const struct val *map)
{
	const struct val *v = map_get(map, "cmyk");
	size_t i;
	char *end;
	double n;

	if (v == NULL)
		return;
	if (map_get(map, "color") == NULL)
		diag_err(&v->pos, "cmyk goes with the colour it prints: add "
		    "color: \"#rrggbb\"");
	if (v->type != V_LIST || v->len != 4) {
		diag_err(&v->pos, "cmyk must be four percentages, cyan, "
		    "magenta, yellow and black: cmyk: [0, 90, 85, 10]");
		return;
	}
	for (i = 0; i < 4; i++) {
		const struct val *it = v->items[i];

		n = it->type == V_STR ? strtod(it->s, &end) : -1;
		if (it->type != V_STR || end == it->s || *end != '\0' ||
		    !(n >= 0 && n <= 100))
			diag_err(&it->pos, "cmyk: each value is a percentage "
			    "from 0 to 100");
	}
	(void)site;
}

/*
 * lang: a language code (da, ar, fa-AF): its text is hyphenated and set
 * for it, and marked on the web; dir: rtl (or ltr) is added where its
 * direction is not the site's.
 */
static void
S_lang(struct site *site, struct val *map, const char *file)
{
	const char *s = load_str(site, map, "lang", 0, file), *p;

	if (s == NULL)
		return;
	for (p = s; *p != '\0'; p++)
		if (!g_ascii_isalnum(*p) && *p != '-')
			break;
	if (*p != '\0' || strlen(s) < 2 || strlen(s) > 12 ||
	    !g_ascii_isalpha(s[0])) {
		diag_err(&map_get(map, "lang")->pos, "lang must be a language "
		    "code such as da, ar, fa or uk, not '%s'", s);
		return;
	}
	/* Only where it differs from the site's. */
	if (lang_is_rtl(s) != lang_is_rtl(site->lang))
		map_set_str(&site->pool, map, "dir", lang_is_rtl(s) ? "rtl" :
		    "ltr");
}

/* A file under assets/ named in content: must exist inside the root. */
static void
S_asset(struct site *site, struct val *map, const char *key,
    const char *file)
{
	const char *s = load_str(site, map, key, 0, file);
	struct buf b = { NULL, 0, 0 };
	struct val *v;
	char *full, *why = NULL;

	if (s == NULL)
		return;
	v = map_get(map, key);
	if (strncmp(s, "assets/", 7) != 0 || !path_is_safe(s)) {
		diag_err(&v->pos, "'%s' must be a path under assets/, "
		    "such as assets/logos/x.svg, not '%s'", key, s);
		return;
	}
	if ((full = path_in_root(site, s)) == NULL) {
		diag_err(&v->pos, "'%s': %s does not exist inside the "
		    "campaign%s", key, s, errno == EXDEV ? " (it is a link "
		    "to outside it, or to a hidden file)" : "");
		return;
	}
	free(full);
	/* A logo is drawn in print: checked here, where it is named. */
	if (strcmp(key, "logo") == 0 && root_read(site, s, &b, &v->pos)) {
		if ((why = image_check(b.data, b.len)) != NULL)
			diag_err(&v->pos, "'logo': %s cannot be drawn: %s "
			    "(a logo is an SVG, PNG or JPEG file)", s, why);
		g_free(why);
	}
	buf_free(&b);
	/* Templates get the site URL of the file (assets/ is copied). */
	full = xasprintf("%s_url", key);
	map_set(map, full, val_strn(&site->pool,
	    xasprintf("%s/%s", site->base_path, s), NULL));
	free(full);
}

/* A link to another site: http or https only. */
static void
S_weburl(struct site *site, const struct val *map, const char *key,
    const char *file)
{
	const char *s = load_str(site, map, key, 0, file);

	if (s != NULL && strncmp(s, "https://", 8) != 0 &&
	    strncmp(s, "http://", 7) != 0) {
		diag_err(&map_get(map, key)->pos, "'%s' must be a web "
		    "address starting with https:// or http://", key);
	}
}

/* The sorted .md names of a directory; missing directory: none. */
static char **
S_list(struct site *site, const char *rel, size_t *n, int required)
{
	struct pos p = { rel, 0, 0 };
	char **v;
	size_t i, k, len;

	if ((v = dir_names(site, rel, n)) == NULL) {
		if (required || errno != ENOENT)
			diag_err(&p, "cannot read directory: %s",
			    strerror(errno));
		return NULL;
	}
	for (i = k = 0; i < *n; i++) {
		len = strlen(v[i]);
		if (len < 4 || strcmp(v[i] + len - 3, ".md") != 0)
			free(v[i]);
		else
			v[k++] = v[i];
	}
	*n = k;
	return v;
}

static struct doc *
S_doc_new(enum kind k, const char *path)
{
	struct doc *d = xcalloc(1, sizeof(*d));

	d->kind = k;
	d->path = xstrdup(path);
	return d;
}

/*
 * A content file read, its front matter and its Markdown parsed, on
 * its own: this part runs on worker threads, so it touches nothing of
 * the model.  Its values go in its thread's pool and its diagnostics
 * in a buffer; S_finish adds these to the site in file order, so output
 * and errors do not depend on the threads.  (A pool a file, whose
 * first block held 16 values where a press release makes 9, was 4 MB
 * of a 10k build.)
 */
struct parsed {
	enum kind	 k;
	char		*rel;	/* content/press/x.md (owned) */
	const char	*name;	/* x.md, in rel */
	struct doc	*d;	/* NULL if it could not be read */
	struct buf	 diag;
	struct val	*body;	/* the Markdown, rendered (in pool) */
};

/*
 * What other pages can show of d (its front matter, n bytes at text,
 * and the excerpt of its body), digested: a page that lists d without
 * its body need not be made again when only the rest of the body
 * changes (IN_LISTED).
 */
static void
S_listed(struct doc *d, const char *text, size_t n)
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, n, (const uint8_t *)text);
	sha256_update(&c, 1, (const uint8_t *)"");
	if (d->excerpt != NULL)
		sha_puts(&c, d->excerpt);
	sha_hex(&c, d->listed);
}

/* For root_read_unless: the file as the cache has it, if it does. */
struct from_cache {
	struct cache	*cache;
	const char	*rel;
	struct pool	*pool;
	struct doc	*d;
	struct val	**body;
};

static int
S_from_cache(void *arg, const struct stat *st)
{
	struct from_cache *fc = arg;

	return cache_get(fc->cache, fc->rel, st, fc->pool, fc->d, fc->body);
}

static void
S_parse(const struct site *site, struct pool *pool, struct parsed *t)
{
	struct buf b = { NULL, 0, 0 }, links = { NULL, 0, 0 };
	struct fm fm;
	struct doc *d;
	struct pos p = { NULL, 0, 0 };
	struct stat st;
	const struct stat *seen;
	struct from_cache fc;
	int ok, got;

	diag_capture(&t->diag);
	d = S_doc_new(t->k, t->rel);
	p.file = d->path;
	/* The snapshot's stat, when it saw the file (stamp.c): without
	   opening it, as the last build parsed it. */
	seen = site->seen != NULL ? g_hash_table_lookup(site->seen, t->rel) :
	    NULL;
	if (site->cache != NULL && seen != NULL &&
	    cache_get(site->cache, t->rel, seen, pool, d, &t->body)) {
		t->d = d;
		diag_capture(NULL);
		return;
	}
	fc.cache = site->cache;
	fc.rel = t->rel;
	fc.pool = pool;
	fc.d = d;
	fc.body = &t->body;
	got = root_read_unless(site, t->rel, &b, &p, &st,
	    site->cache != NULL && seen == NULL ? S_from_cache : NULL, &fc);
	if (got == 2) {	/* as the last build parsed it */
		t->d = d;
		diag_capture(NULL);
		return;
	}
	if (got == 0 || !fm_read(pool, d->path, b.data, b.len, &fm))
		goto bad;
	d->v = fm.meta;
	/*
	 * The room linking will need (a press release's map has 24 keys
	 * then, 5 of them its own; an event's 20 to 45), made here, in this
	 * thread's arena: grown by the threads that link, it was their
	 * turn at another thread's malloc lock for every page.
	 */
	if (d->v->type == V_MAP)
		val_reserve(d->v, d->v->len + LINK_ROOM);
	if (d->v->pos.file == NULL) {
		d->v->pos.file = d->path;
		d->v->pos.line = 1;
		d->v->pos.col = 1;
	}
	d->body_line = fm.body_line;
	sha256_hex(b.data, b.len, d->hash);
	/* Its errors are counted and captured like the others. */
	t->body = md_body(pool, fm.body, fm.bodylen, d->path,
	    fm.body_line - 1, site->raw_html, site->base_path, &links,
	    &d->excerpt, &ok);
	S_listed(d, b.data, (size_t)(fm.body - b.data));
	d->links = links.data;	/* taken */
	buf_free(&b);
	t->d = d;
	/* A file that said nothing, for the next build. */
	if (t->diag.len == 0)
		cache_put(site->cache, t->rel, &st, d, t->body, fm.shared);
	diag_capture(NULL);
	return;
bad:
	buf_free(&b);
	site_doc_free(d);
	diag_capture(NULL);
}

/*
 * The keys rally reads, by kind.  Other keys are the campaign's own
 * (templates reach them as page.KEY), but one a letter or two from
 * a known key is most likely a typing error: a warning says which.
 */
static const char *const S_keys_page[] = { "title", "description",
    "tags", "slug", "draft", "lang", "layout", "publish", "internal",
    NULL };
static const char *const S_keys_area[] = { "headline", "color",
    "cmyk", "messages", "icon", "order", NULL };
static const char *const S_keys_event[] = { "date", "time", "end",
    "place", "address", "area", "org", "kind", "week", "weeks", "year",
    "areas", "orgs", "district", "campaign", NULL };
static const char *const S_keys_press[] = { "date", "area", "summary",
    NULL };
static const char *const S_keys_org[] = { "name", "logo", "areas", "url",
    "contact", "color", "cmyk", NULL };
static const char *const S_keys_site[] = { "title", "tagline", "base_url",
    "language", "hashtag", "slogans", "logo", "contact", "social",
    "labels", "nav", "print_layouts", "markdown", "feed_entries",
    "timezone", "print", "districts", NULL };
static const char *const S_keys_message[] = { "headline", "text", "lang",
    NULL };
static const char *const S_keys_contact[] = { "email", "phone", "address",
    NULL };

/*
 * contact: as one text, as the map layouts read: an e-mail address
 * becomes contact.email (a mailto: link on the site), a telephone
 * number (six digits or more, with + ( ) - . and spaces)
 * contact.phone, anything else contact.text, shown as written.
 */
static struct val *
S_contact_map(struct site *site, struct val *t)
{
	struct val *m = val_new(&site->pool, V_MAP, &t->pos);
	const char *s = t->s, *at, *p;
	size_t digits = 0;
	int phone = 1;

	/* "mailto:a@b.dk", "tel:+45...": the address, as a link's. */
	if (g_ascii_strncasecmp(s, "mailto:", 7) == 0 ||
	    g_ascii_strncasecmp(s, "tel:", 4) == 0) {
		s += s[0] == 't' || s[0] == 'T' ? 4 : 7;
		t = val_str(&site->pool, s, &t->pos);
	}
	at = strchr(s, '@');
	for (p = s; *p != '\0'; p++)
		if (g_ascii_isdigit(*p))
			digits++;
		else if (strchr("+-() .", *p) == NULL)
			phone = 0;
	if (at != NULL && at > s && strchr(at + 1, '@') == NULL &&
	    strchr(at + 1, '.') != NULL && strpbrk(s, " \t<>,;") == NULL)
		map_set(m, "email", t);
	else if (phone && digits >= 6 && (*s == '+' || *s == '(' ||
	    g_ascii_isdigit(*s)))
		map_set(m, "phone", t);
	else
		map_set(m, "text", t);
	return m;
}

/*
 * contact.phone_uri: the number as a tel: link wants it (RFC 3966),
 * "+45 12 34 56 78" -> "+4512345678": the blanks and brackets a
 * number is written with are not part of it (they were %20 in links).
 * The number ends where anything else begins ("(kl. 9-16)", "/ +45
 * ...", "lokal 12"): those digits would dial another number.  Six
 * digits at least, as a contact read as a phone has.
 */
static void
S_phone_uri(struct site *site, struct val *contact)
{
	const char *s = map_str(contact, "phone"), *p;
	size_t digits = 0;
	GString *u;

	if (s == NULL)
		return;
	u = g_string_new(NULL);
	for (p = s; *p != '\0' && strchr("0123456789+-() .", *p) != NULL;
	    p++)
		if (*p == '(' && digits > 0)
			break;	/* "70 30 00 00 (hverdage 9-16)" */
		else if (g_ascii_isdigit(*p)) {
			g_string_append_c(u, *p);
			digits++;
		} else if (*p == '+' && u->len == 0)
			g_string_append_c(u, *p);
	if (digits >= 6)
		map_set(contact, "phone_uri", val_str(&site->pool, u->str,
		    &map_get(contact, "phone")->pos));
	g_string_free(u, TRUE);
}

/* Edits (insert, delete, change, swap two) from a to b, up to 3. */
static int
S_edits(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	int d[33][33], c, best;

	if (la > 32 || lb > 32 || (la > lb ? la - lb : lb - la) > 2)
		return 3;
	for (i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			c = a[i - 1] != b[j - 1];
			best = d[i - 1][j - 1] + c;
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

static int
S_known(const char *key, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(key, *list) == 0)
			return 1;
	return 0;
}

/* Warns of each key of map near one of a or b but neither: a typo. */
static void
S_typos(const struct val *map, const char *const *a, const char *const *b)
{
	const char *const *lists[2] = { a, b }, *const *l, *near;
	struct pos p;
	size_t i, k, len;
	int d, best;

	for (i = 0; map != NULL && map->type == V_MAP && i < map->len; i++) {
		if (S_known(map->keys[i], a) || S_known(map->keys[i], b))
			continue;
		len = strlen(map->keys[i]);
		near = NULL;
		best = len <= 4 ? 2 : 3;	/* one edit, or two */
		for (k = 0; k < 2; k++)
			for (l = lists[k]; l != NULL && *l != NULL; l++)
				if ((d = S_edits(map->keys[i], *l)) < best) {
					best = d;
					near = *l;
				}
		if (near == NULL)
			continue;
		/* At the key: "plase: x" has its value 2 after it. */
		p = map->items[i]->pos;
		if (p.col > (int)len + 2)
			p.col -= (int)len + 2;
		diag_warn(&p, "unknown key '%s': did you mean '%s'?",
		    map->keys[i], near);
	}
}

/*
 * publish: a moment still to come holds the page back (an embargo):
 * remembered, so that this build says until when, and so that the
 * build after that moment is a real one.
 */
static void
S_publish(struct site *site, struct doc *d)
{
	const char *s = load_str(site, d->v, "publish", 0, d->path);
	char *old;
	time_t t;

	if (s == NULL)
		return;
	if (!date_parse_moment(s, site->tz, &t)) {
		diag_err(&map_get(d->v, "publish")->pos, "bad publish time "
		    "'%s': write YYYY-MM-DD or \"YYYY-MM-DD HH:MM\" (the "
		    "site's time zone)", s);
		return;
	}
	if (t <= site->now)
		return;
	d->held = 1;
	if (site->held_until == 0 || t < site->held_until)
		site->held_until = t;
	old = site->held;
	site->held = xasprintf("%s%s\n", old != NULL ? old : "", d->path);
	free(old);
}

/* The common keys of a parsed file, in the model; returns its doc. */
static struct doc *
S_finish(struct site *site, struct parsed *t)
{
	struct doc *d = t->d;
	struct val *meta;
	const char *slug, *s;
	char *stem;
	struct pos p = { t->rel, 0, 0 };

	diag_put(t->diag.data, t->diag.len);
	buf_free(&t->diag);
	if (d == NULL)
		return NULL;
	meta = d->v;
	d->draft = S_bool(site, meta, "draft");
	d->internal = S_bool(site, meta, "internal");
	S_publish(site, d);

	stem = xstrndup(t->name, strlen(t->name) - 3);
	slug = load_str(site, meta, "slug", 0, d->path);
	if (slug != NULL && !slug_valid(slug)) {
		diag_err(&map_get(meta, "slug")->pos, "slug '%s' must be "
		    "lower-case letters, digits and dashes", slug);
		slug = NULL;
	}
	if (slug == NULL && !slug_valid(stem) && t->k != K_HOME) {
		p.file = d->path;
		diag_err(&p, "file name '%s' is not a valid slug: use "
		    "lower-case letters, digits and dashes, or set 'slug'",
		    t->name);
	}
	d->slug = xstrdup(slug != NULL ? slug : stem);
	free(stem);

	load_str(site, meta, "description", 0, d->path);
	S_lang(site, meta, d->path);
	if ((s = load_str(site, meta, "layout", 0, d->path)) != NULL) {
		if (!slug_valid(s)) {
			diag_err(&map_get(meta, "layout")->pos, "layout "
			    "'%s' is not a template name", s);
		} else
			d->layout = xstrdup(s);
	}
	S_strlist(site, meta, "tags");
	S_typos(meta, S_keys_page, t->k == K_AREA ? S_keys_area :
	    t->k == K_EVENT ? S_keys_event : t->k == K_PRESS ? S_keys_press :
	    t->k == K_ORG ? S_keys_org : NULL);
	map_set(meta, "body", t->body);
	site_doc_add(site, d);
	return d;
}

struct parse_ctx {
	const struct site	*site;
	struct parsed		*v;
};

static void
S_parse_one(void *arg, struct pool *pool, size_t i)
{
	struct parse_ctx *c = arg;

	S_parse(c->site, pool, &c->v[i]);
}

/* Reads, parses and adds the Markdown files names of directory sub. */
static struct parsed *
S_read_all(struct site *site, const char *sub, enum kind k, char **names,
    size_t n)
{
	struct parsed *v = xcalloc(n + 1, sizeof(*v));
	struct parse_ctx c;
	size_t i;

	for (i = 0; i < n; i++) {
		v[i].k = k;
		v[i].rel = xasprintf("%s/%s", sub, names[i]);
		v[i].name = v[i].rel + strlen(sub) + 1;
	}
	c.site = site;
	c.v = v;
	site_each(site, n, S_parse_one, &c);
	return v;
}

static void
S_parsed_free(struct parsed *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].rel);
	free(v);
}

static void
S_dated(struct site *site, struct doc *d)
{
	const char *s = load_str(site, d->v, "date", 1, d->path);

	if (s != NULL && !date_parse(s, &d->date)) {
		diag_err(&map_get(d->v, "date")->pos, "bad date '%s': "
		    "write YYYY-MM-DD, a day that exists", s);
	}
}

/*
 * What ends a message's headline where a layout runs it into its text
 * ("{m.headline}{m.stop} {m.text}"): nothing after its own ! ? or full
 * stop ("Nej til kutt!." was printed), else its language's full stop:
 * Urdu ۔, Tigrinya and Amharic ።, Hindi, Nepali, Bengali ।, Armenian
 * ։, Chinese and Japanese 。, else ".".
 */
static const char *
S_stop(const char *headline, const char *lang)
{
	static const struct {
		const char	*lang, *stop;
	} stops[] = {
		{ "ur", "\xDB\x94" }, { "ti", "\xE1\x8D\xA2" },
		{ "am", "\xE1\x8D\xA2" }, { "hi", "\xE0\xA5\xA4" },
		{ "ne", "\xE0\xA5\xA4" }, { "mr", "\xE0\xA5\xA4" },
		{ "bn", "\xE0\xA5\xA4" }, { "hy", "\xD6\x89" },
		{ "zh", "\xE3\x80\x82" }, { "ja", "\xE3\x80\x82" },
	};
	const char *end;
	gunichar u;
	size_t i;

	if (headline != NULL && *headline != '\0') {
		end = g_utf8_prev_char(headline + strlen(headline));
		u = g_utf8_get_char(end);
		if (g_utf8_strchr(".!?\xE2\x80\xA6\xD8\x9F\xDB\x94"
		    "\xE1\x8D\xA2\xE0\xA5\xA4\xD6\x89\xE3\x80\x82"
		    "\xEF\xBC\x81\xEF\xBC\x9F:;", -1, u) != NULL)
			return "";
	}
	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		if (lang_is(lang, stops[i].lang, strlen(stops[i].lang)))
			return stops[i].stop;
	return ".";
}

static void
S_area(struct site *site, struct doc *d)
{
	struct val *msgs, *m;
	const char *lang;
	size_t i;

	load_text(site, d->v, "title", 1, d->path, LIM_AREA_TITLE);
	load_text(site, d->v, "headline", 1, d->path, LIM_HEADLINE);
	S_color(site, d->v, "color", 1, d->path);
	S_cmyk(site, d->v);
	S_asset(site, d->v, "icon", d->path);
	load_str(site, d->v, "order", 0, d->path);
	msgs = map_get(d->v, "messages");
	if (msgs == NULL || msgs->type != V_LIST || msgs->len == 0) {
		struct pos p = msgs != NULL ? msgs->pos :
		    S_mappos(d->v, d->path);

		diag_err(&p, "'messages' must be a list of one or more "
		    "{headline, text}");
		return;
	}
	if (msgs->len > LIM_MESSAGES) {
		diag_err(&msgs->items[LIM_MESSAGES]->pos, "an area has at "
		    "most %d messages: make another area, or leave some out",
		    LIM_MESSAGES);
	}
	for (i = 0; i < msgs->len; i++) {
		m = msgs->items[i];
		if (m->type != V_MAP) {
			diag_err(&m->pos, "a message must be a map with "
			    "'headline' and 'text'");
			continue;
		}
		S_typos(m, S_keys_message, NULL);
		load_text(site, m, "headline", 1, d->path, LIM_HEADLINE);
		load_text(site, m, "text", 1, d->path, LIM_MESSAGE);
		S_lang(site, m, d->path);
		map_set(m, "number", val_num(&site->pool, (long)i + 1));
		if ((lang = map_str(m, "lang")) == NULL &&
		    (lang = map_str(d->v, "lang")) == NULL)
			lang = site->lang;
		map_set_str(&site->pool, m, "stop",
		    S_stop(map_str(m, "headline"), lang));
	}
}

/*
 * week: 10 or weeks: 18-23 (and year:, else the build's): from the
 * Monday of the first week to the Sunday of the last.
 */
static void
S_weeks(struct site *site, struct doc *d, const char *key, const char *s)
{
	struct val *v = map_get(d->v, key);
	const char *ys = load_str(site, d->v, "year", 0, d->path);
	char *e;
	long w0, w1, y = site->today.y;

	w0 = strtol(s, &e, 10);
	w1 = w0;
	if (e != s && (*e == '-' || strncmp(e, "–", 3) == 0)) {
		s = e + (*e == '-' ? 1 : 3);
		w1 = strtol(s, &e, 10);
	}
	if (e == s || *e != '\0' || (strcmp(key, "week") == 0 &&
	    w1 != w0)) {
		diag_err(&v->pos, "bad %s '%s': write %s", key, v->s,
		    strcmp(key, "week") == 0 ? "an ISO week number, 1 to 53" :
		    "two ISO week numbers, as 18-23");
		return;
	}
	if (ys != NULL && ((y = strtol(ys, &e, 10)) < 1900 || y > 2200 ||
	    *e != '\0')) {
		diag_err(&map_get(d->v, "year")->pos, "bad year '%s': write "
		    "four digits", ys);
		return;
	}
	if (w1 < w0) {
		diag_err(&v->pos, "weeks %ld-%ld end before they begin; a "
		    "span into the next year is a date and an end: date",
		    w0, w1);
		return;
	}
	if (!date_isoweek_monday((int)y, (int)w0, &d->date) ||
	    !date_isoweek_monday((int)y, (int)w1, &d->end)) {
		diag_err(&v->pos, "%ld has no week %ld", y, w1);
		return;
	}
	date_add_days(&d->end, 6);
	d->weeks = 1;
}

/*
 * end: a time on the event's day ("18:00"), a last day ("2017-03-11")
 * or both ("2017-03-11 16:00"); end_time gets the time.
 */
static void
S_end(struct site *site, struct doc *d, int t0)
{
	struct val *v = map_get(d->v, "end");
	const char *s = load_str(site, d->v, "end", 0, d->path);
	char day[11];
	int t1 = -1, c;

	if (!d->weeks)
		d->end = d->date;
	if (s == NULL)
		return;
	if (d->weeks) {
		diag_err(&v->pos, "an event given in weeks has no end: "
		    "write weeks: 18-23");
		return;
	}
	if (strlen(s) == 5)
		t1 = date_parse_time(s);
	else if (strlen(s) >= 10) {
		memcpy(day, s, 10);
		day[10] = '\0';
		if (!date_parse(day, &d->end) || (s[10] != '\0' &&
		    ((s[10] != ' ' && s[10] != 'T') ||
		    (t1 = date_parse_time(s + 11)) < 0))) {
			d->end = d->date;
			t1 = -2;
		}
	} else
		t1 = -2;
	if (t1 == -1 && strlen(s) == 5)
		t1 = -2;
	if (t1 == -2) {
		diag_err(&v->pos, "bad end '%s': write a time (\"18:00\"), "
		    "a last day (2017-03-11) or both (\"2017-03-11 16:00\")",
		    s);
		return;
	}
	if (d->date.y == 0)
		return;	/* the date was bad: said */
	c = date_cmp(&d->end, &d->date);
	if (c < 0 || (c == 0 && t1 >= 0 && t0 >= 0 && t1 <= t0)) {
		diag_err(&v->pos, "event ends (%s) before it begins", s);
		d->end = d->date;
		return;
	}
	if (t1 >= 0)
		map_set(d->v, "end_time", val_strn(&site->pool,
		    xasprintf("%02d:%02d", t1 / 60, t1 % 60), NULL));
}

static void
S_event(struct site *site, struct doc *d)
{
	const char *s, *w = load_str(site, d->v, "week", 0, d->path);
	const char *ws = load_str(site, d->v, "weeks", 0, d->path);
	struct val *l;
	int t0 = -1, i;

	load_text(site, d->v, "title", 1, d->path, LIM_EVENT_TITLE);
	if (w != NULL && ws != NULL)
		diag_err(&map_get(d->v, "weeks")->pos, "write week or "
		    "weeks, not both");
	else if ((w != NULL || ws != NULL) && map_get(d->v, "date") != NULL)
		diag_err(&map_get(d->v, "date")->pos, "an event has a date "
		    "or %s, not both", w != NULL ? "a week" : "weeks");
	else if (w != NULL || ws != NULL)
		S_weeks(site, d, w != NULL ? "week" : "weeks",
		    w != NULL ? w : ws);
	else
		S_dated(site, d);
	if ((s = load_str(site, d->v, "time", 0, d->path)) != NULL) {
		if (d->weeks)
			diag_err(&map_get(d->v, "time")->pos, "an event "
			    "given in weeks has no time of day: give it a "
			    "date");
		else if ((t0 = date_parse_time(s)) < 0)
			diag_err(&map_get(d->v, "time")->pos, "bad time '%s': "
			    "write HH:MM, 24-hour", s);
	}
	S_end(site, d, t0);
	load_text(site, d->v, "place", 0, d->path, LIM_PLACE);
	load_text(site, d->v, "address", 0, d->path, LIM_PLACE);
	load_text(site, d->v, "kind", 0, d->path, LIM_KIND);
	load_text(site, d->v, "campaign", 0, d->path, LIM_CAMPAIGN);
	load_str(site, d->v, "district", 0, d->path);
	/* One area or organisation, or a joint action of several. */
	if (map_get(d->v, "area") != NULL && map_get(d->v, "areas") != NULL)
		diag_err(&map_get(d->v, "areas")->pos, "write area or areas, "
		    "not both");
	if (map_get(d->v, "org") != NULL && map_get(d->v, "orgs") != NULL)
		diag_err(&map_get(d->v, "orgs")->pos, "write org or orgs, "
		    "not both");
	load_str(site, d->v, "area", 0, d->path);
	load_str(site, d->v, "org", 0, d->path);
	for (i = 0; i < 2; i++)	/* one slug is a list of one */
		if ((l = S_strlist(site, d->v, i ? "orgs" : "areas")) != NULL)
			map_set(d->v, i ? "orgs" : "areas", l);
}

static void
S_press(struct site *site, struct doc *d)
{
	load_text(site, d->v, "title", 1, d->path, LIM_TITLE);
	S_dated(site, d);
	load_str(site, d->v, "area", 0, d->path);
	load_str(site, d->v, "summary", 0, d->path);
}

static void
S_org(struct site *site, struct doc *d)
{
	const char *name = load_text(site, d->v, "name", 1, d->path,
	    LIM_ORG_NAME);
	struct val *m;

	if (name != NULL && map_get(d->v, "title") == NULL)
		map_set_str(&site->pool, d->v, "title", name);
	S_asset(site, d->v, "logo", d->path);
	S_strlist(site, d->v, "areas");
	S_weburl(site, d->v, "url", d->path);
	load_text(site, d->v, "url", 0, d->path, LIM_URL);
	/* A contact that is an e-mail address or a telephone number is
	   linked on the site. */
	if (load_text(site, d->v, "contact", 0, d->path, LIM_ORG_CONTACT) !=
	    NULL) {
		struct val *cm = S_contact_map(site, map_get(d->v, "contact"));

		S_phone_uri(site, cm);
		if ((m = map_get(cm, "email")) != NULL)
			map_set(d->v, "contact_email", m);
		else if ((m = map_get(cm, "phone_uri")) != NULL)
			map_set(d->v, "contact_phone_uri", m);
	}
	S_color(site, d->v, "color", 0, d->path);
	S_cmyk(site, d->v);
}

static void
S_dir(struct site *site, const char *sub, enum kind k)
{
	struct parsed *v;
	char **names;
	struct doc *d;
	size_t n, i;

	names = S_list(site, sub, &n, 0);
	v = S_read_all(site, sub, k, names, n);
	for (i = 0; i < n; i++) {
		d = S_finish(site, &v[i]);
		if (d != NULL) {
			switch (k) {
			case K_AREA: S_area(site, d); break;
			case K_EVENT: S_event(site, d); break;
			case K_PRESS: S_press(site, d); break;
			case K_ORG: S_org(site, d); break;
			default:
				load_text(site, d->v, "title", 1, d->path, LIM_TITLE);
				break;
			}
		}
		free(names[i]);
	}
	free(names);
	S_parsed_free(v, n);
}

static void
S_site_yml(struct site *site)
{
	const char *file = "content/site.yml", *s;
	struct buf b = { NULL, 0, 0 };
	struct pos p = { file, 0, 0 };
	struct val *v, *mdv;
	int fd;

	if ((fd = root_open(site, file, O_PATH)) == -1 && errno == ENOENT) {
		diag_err(&p, "missing: every campaign needs content/site.yml");
		site->v = val_new(&site->pool, V_MAP, &p);
		return;
	}
	if (fd != -1)
		close(fd);
	if (root_read(site, file, &b, &p))
		sha256_hex(b.data, b.len, site->yml_hash);
	if (b.data == NULL ||
	    !fm_yaml(&site->pool, file, b.data, b.len, 0, &site->v)) {
		site->v = val_new(&site->pool, V_MAP, &p);
		buf_free(&b);
		return;
	}
	buf_free(&b);
	v = site->v;
	if (v->type != V_MAP) {
		diag_err(&v->pos, "site.yml must be a map of keys");
		site->v = val_new(&site->pool, V_MAP, &p);
		return;
	}
	if (v->pos.file == NULL) {
		v->pos.file = file;
		v->pos.line = 1;
	}
	S_typos(v, S_keys_site, NULL);
	load_text(site, v, "title", 1, file, LIM_SITE_TITLE);
	load_text(site, v, "tagline", 0, file, LIM_TAGLINE);
	load_text(site, v, "hashtag", 0, file, LIM_HASHTAG);
	if ((mdv = S_strlist(site, v, "slogans")) != NULL) {
		size_t i;

		map_set(v, "slogans", mdv);
		for (i = 0; i < mdv->len; i++)
			if (g_utf8_strlen(mdv->items[i]->s, -1) > LIM_SLOGAN) {
				diag_err(&mdv->items[i]->pos, "a slogan is at "
				    "most %d characters: shorten it",
				    LIM_SLOGAN);
			}
	}
	if ((mdv = S_strlist(site, v, "districts")) != NULL) {
		size_t i;

		map_set(v, "districts", mdv);
		for (i = 0; i < mdv->len; i++)
			if (g_utf8_strlen(mdv->items[i]->s, -1) >
			    LIM_AREA_TITLE)
				diag_err(&mdv->items[i]->pos, "a district's "
				    "name is at most %d characters: shorten it",
				    LIM_AREA_TITLE);
	}
	s = load_text(site, v, "base_url", 1, file, LIM_URL);
	if (s != NULL && strncmp(s, "https://", 8) != 0 &&
	    strncmp(s, "http://", 7) != 0) {
		diag_err(&map_get(v, "base_url")->pos, "base_url must "
		    "start with https:// or http://");
		s = NULL;
	}
	site->base_url = xstrdup(s != NULL ? s : "http://localhost");
	while (strlen(site->base_url) > 8 &&
	    site->base_url[strlen(site->base_url) - 1] == '/')
		site->base_url[strlen(site->base_url) - 1] = '\0';
	/* A site may live below a path: https://example.org/kampagne */
	s = strchr(strstr(site->base_url, "://") + 3, '/');
	site->base_path = xstrdup(s != NULL ? s : "");
	S_asset(site, v, "logo", file);
	if ((mdv = S_strlist(site, v, "print_layouts")) != NULL)
		map_set(v, "print_layouts", mdv);
	s = load_str(site, v, "language", 0, file);
	if (s != NULL && (strlen(s) < 2 || strlen(s) > 12)) {
		diag_err(&map_get(v, "language")->pos, "language must be a "
		    "code such as da, nb or en");
		s = NULL;
	}
	site->lang = xstrdup(s != NULL ? s : "da");
	/* Feed readers fetch the whole feed on every poll: keep it short. */
	site->feed_entries = 50;
	if ((s = load_str(site, v, "feed_entries", 0, file)) != NULL) {
		char *end;
		long n = strtol(s, &end, 10);

		if (*end != '\0' || end == s || n < 1 || n > 100000) {
			diag_err(&map_get(v, "feed_entries")->pos,
			    "feed_entries must be a number from 1 to 100000, "
			    "not '%s'", s);
		} else
			site->feed_entries = (size_t)n;
	}
	if ((mdv = map_get(v, "markdown")) != NULL) {
		if (mdv->type != V_MAP) {
			diag_err(&mdv->pos, "'markdown' must be a map");
		} else
			site->raw_html = S_bool(site, mdv, "raw_html");
	}
	if ((mdv = map_get(v, "social")) != NULL && mdv->type == V_MAP) {
		/* social: {Facebook: URL}: the same list, written shorter. */
		struct val *l = val_new(&site->pool, V_LIST, &mdv->pos), *it;
		size_t i;

		for (i = 0; i < mdv->len; i++) {
			it = val_new(&site->pool, V_MAP, &mdv->items[i]->pos);
			map_set(it, "name", val_str(&site->pool,
			    mdv->keys[i], &mdv->items[i]->pos));
			map_set(it, "url", mdv->items[i]);
			list_push(l, it);
		}
		map_set(v, "social", l);
		mdv = l;
	}
	if (mdv != NULL) {
		size_t i;

		if (mdv->type != V_LIST) {
			diag_err(&mdv->pos, "'social' must be a list of "
			    "{name, url} or a map of name: url");
		} else
			for (i = 0; i < mdv->len; i++) {
				if (mdv->items[i]->type != V_MAP) {
					diag_err(&mdv->items[i]->pos, "a "
					    "social link must be a map with "
					    "'name' and 'url'");
					continue;
				}
				load_str(site, mdv->items[i], "name", 1, file);
				S_weburl(site, mdv->items[i], "url", file);
			}
	}
	if ((mdv = map_get(v, "contact")) != NULL && mdv->type != V_MAP &&
	    mdv->type != V_STR) {
		diag_err(&mdv->pos, "'contact' must be a map or text");
	} else if (mdv != NULL && mdv->type == V_MAP) {
		S_typos(mdv, S_keys_contact, NULL);
		load_text(site, mdv, "email", 0, file, LIM_CONTACT);
		load_text(site, mdv, "phone", 0, file, LIM_CONTACT);
		load_text(site, mdv, "address", 0, file, LIM_CONTACT);
	} else if (mdv != NULL &&
	    load_text(site, v, "contact", 0, file, LIM_CONTACT) != NULL)
		map_set(v, "contact", S_contact_map(site, mdv));
	if ((mdv = map_get(v, "contact")) != NULL && mdv->type == V_MAP)
		S_phone_uri(site, mdv);
	if ((mdv = map_get(v, "nav")) != NULL) {
		size_t i;

		if (mdv->type != V_LIST)
			diag_err(&mdv->pos, "'nav' must be a list of "
			    "{title, url}");
		for (i = 0; mdv->type == V_LIST && i < mdv->len; i++) {
			const struct val *it = mdv->items[i];

			if (it->type != V_MAP) {
				diag_err(&it->pos, "a nav item must be a "
				    "map with 'title' and 'url'");
				continue;
			}
			load_str(site, it, "title", 1, file);
			s = load_str(site, it, "url", 1, file);
			if (s != NULL && !url_is_safe(s))
				diag_err(&map_get(it, "url")->pos, "unsafe "
				    "URL '%s'", s);
		}
	}
}

/* Checks page slugs against each other and against the site's sections. */
static void
S_slugs(struct site *site)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	struct pos p = { NULL, 0, 0 };
	struct doc *a, *b;
	char key[256];
	size_t i, j;

	for (i = 0; i < site->ndocs; i++) {
		a = site->docs[i];
		p.file = a->path;
		if (a->kind == K_PAGE)
			for (j = 0; S_reserved[j] != NULL; j++)
				if (strcmp(a->slug, S_reserved[j]) == 0) {
					diag_err(&p, "page name '%s' is "
					    "taken by the site's own %s/",
					    a->slug, a->slug);
				}
		if (a->kind == K_HOME)
			continue;
		snprintf(key, sizeof(key), "%d/%s", (int)a->kind, a->slug);
		if ((b = g_hash_table_lookup(seen, key)) != NULL) {
			diag_err(&p, "slug '%s' is already used by %s",
			    a->slug, b->path);
		} else
			g_hash_table_insert(seen, g_strdup(key), a);
	}
	g_hash_table_destroy(seen);
}

/*
 * Drops drafts and pages held back by publish: (unless --drafts) and
 * internal ones (unless --internal) once their errors have been found,
 * remembering why, so that a reference to one says so.
 */
static void
S_drafts(struct site *site)
{
	struct doc *d;
	char *why;
	size_t i, n = 0;

	for (i = 0; i < site->ndocs; i++) {
		d = site->docs[i];
		why = NULL;
		if (d->draft && !site->drafts)
			why = g_strdup_printf("a draft (draft: true in %s), "
			    "left out of the build: remove the draft line, or "
			    "build with --drafts to include drafts", d->path);
		else if (d->held && !site->drafts)
			why = g_strdup_printf("not published yet (publish: %s "
			    "in %s): build with --drafts to preview it",
			    map_str(d->v, "publish"), d->path);
		else if (d->internal && !site->internal)
			why = g_strdup_printf("internal (internal: true in "
			    "%s), left out of the public site: build with "
			    "--internal for the campaign's own", d->path);
		if (why != NULL) {
			if (site->left_out == NULL)
				site->left_out = g_hash_table_new_full(
				    g_str_hash, g_str_equal, g_free, g_free);
			g_hash_table_insert(site->left_out, g_strdup_printf(
			    "%d/%s", (int)d->kind, d->slug), why);
			site_doc_free(d);
			continue;
		}
		site->docs[n++] = site->docs[i];
	}
	site->ndocs = n;
}

/*
 * Without content/index.md the home page still comes, made of the
 * areas, events and press; a warning says where its own text goes.
 */
static void
S_home(struct site *site)
{
	struct pos p = { "content/index.md", 0, 0 };
	struct parsed t;
	xmlDocPtr holder;
	size_t i;

	for (i = 0; i < site->ndocs; i++)
		if (site->docs[i]->kind == K_HOME)
			return;
	diag_warn(&p, "missing: the home page shows the areas, events and "
	    "press releases alone; write its own text in this file");
	memset(&t, 0, sizeof(t));
	t.k = K_HOME;
	t.rel = (char *)"content/index.md";
	t.name = "index.md";
	t.d = S_doc_new(K_HOME, t.rel);
	t.d->v = val_new(&site->pool, V_MAP, &p);
	holder = xmlNewDoc(BAD_CAST "1.0");
	md_render("", 0, holder, t.d->path, 0, 0, site->base_path, NULL);
	t.body = md_markup(&site->pool, holder, &t.d->excerpt);
	xmlFreeDoc(holder);
	S_finish(site, &t);
}

/* Folders in content/ that rally does not read are a warning. */
static void
S_strays(struct site *site)
{
	static const char *const dirs[] = { "areas", "events", "press",
	    "orgs" };
	struct pos p = { NULL, 0, 0 };
	struct stat st;
	char **names, *rel;
	size_t n, i, k;
	int fd;

	names = dir_names(site, "content", &n);
	for (i = 0; i < n; i++) {
		for (k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++)
			if (strcmp(names[i], dirs[k]) == 0)
				break;
		rel = xasprintf("content/%s", names[i]);
		if (k == sizeof(dirs) / sizeof(dirs[0]) &&
		    (fd = root_open(site, rel, O_PATH)) != -1) {
			if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
				p.file = rel;
				diag_warn(&p, "a folder rally does not read: "
				    "pages are content/*.md; areas, events, "
				    "press releases and organisations have "
				    "their own folders (areas/, events/, "
				    "press/, orgs/)");
			}
			close(fd);
		}
		free(rel);
		free(names[i]);
	}
	free(names);
}

/*
 * Loads the campaign under site->root.  Returns 1, or 0 when any
 * content error was found (each one reported).
 */
int
load_site(struct site *site)
{
	struct parsed *v;
	char **names;
	size_t n, i;
	char *rel;
	struct pos p = { "content", 0, 0 };
	struct stat st;

	rel = xasprintf("%s/content", site->root);
	if (stat(rel, &st) == -1 || !S_ISDIR(st.st_mode)) {
		diag_err(&p, "no content/ directory in %s", site->root);
		free(rel);
		return 0;
	}
	free(rel);
	S_site_yml(site);
	lang_load(site);
	/* What a parse depends on (site.yml) is known now. */
	if (diag_count() == site->nerr0)
		site->cache = cache_open(site);
	names = S_list(site, "content", &n, 1);
	v = S_read_all(site, "content", K_PAGE, names, n);
	for (i = 0; i < n; i++) {
		struct doc *d;

		if (strcmp(names[i], "index.md") == 0)
			v[i].k = K_HOME;
		if (v[i].d != NULL)
			v[i].d->kind = v[i].k;
		d = S_finish(site, &v[i]);
		if (d != NULL && d->kind == K_PAGE)
			load_text(site, d->v, "title", 1, d->path, LIM_TITLE);
		free(names[i]);
	}
	free(names);
	S_parsed_free(v, n);
	S_home(site);
	S_strays(site);
	S_dir(site, "content/areas", K_AREA);
	S_dir(site, "content/events", K_EVENT);
	S_dir(site, "content/press", K_PRESS);
	S_dir(site, "content/orgs", K_ORG);
	cache_flush(site->cache);
	/* The snapshot's stats served the reading (2 MB for 10k files). */
	if (site->seen != NULL) {
		g_hash_table_destroy(site->seen);
		site->seen = NULL;
	}
	S_slugs(site);
	S_drafts(site);
	return diag_count() == site->nerr0;
}
