/*
 * unit.c: unit tests of front matter, templates, Markdown, dates, slugs
 * and paths; of the incremental core (job keys, the manifest, the stamp,
 * plan checks); of text fitting; and of two builds in one process.
 * Prints "N passed, N failed" and exits non-zero on failure.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include <nettle/sha2.h>

#include "rally.h"
#include "extern.h"
#include "pdftok.h"
#include "print.h"
#include "builtin.h"
#include "tmpl.h"

static int S_pass, S_fail;
static int S_saved_err = -1;

#define CHECK(c) S_check((c), #c, __FILE__, __LINE__)

static void
S_check(int ok, const char *what, const char *file, int line)
{
	if (ok) {
		S_pass++;
		return;
	}
	S_fail++;
	fprintf(stdout, "FAIL %s:%d: %s\n", file, line, what);
}

/* Silences stderr around cases that are meant to report errors. */
static void
S_quiet(int on)
{
	int fd;

	fflush(stderr);
	if (on) {
		S_saved_err = dup(2);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 2);
		close(fd);
	} else if (S_saved_err != -1) {
		dup2(S_saved_err, 2);
		close(S_saved_err);
		S_saved_err = -1;
	}
}

static void
S_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static void
test_front_matter(void)
{
	struct pool pool = { NULL };
	struct fm fm;
	struct val *v;
	const char *doc;

	doc = "---\ntitle: Hej\ndraft: true\nempty:\ntags: [a, b]\n"
	    "n: 42\n---\n# Body\n";
	CHECK(fm_read(&pool, "t.md", doc, strlen(doc), &fm));
	CHECK(strcmp(map_str(fm.meta, "title"), "Hej") == 0);
	v = map_get(fm.meta, "title");
	CHECK(v->pos.line == 2 && v->pos.col == 8);
	CHECK(map_get(fm.meta, "draft")->type == V_BOOL);
	CHECK(map_get(fm.meta, "draft")->n == 1);
	CHECK(map_get(fm.meta, "empty")->type == V_NULL);
	CHECK(map_get(fm.meta, "tags")->type == V_LIST);
	CHECK(map_get(fm.meta, "tags")->len == 2);
	CHECK(strcmp(map_str(fm.meta, "n"), "42") == 0);
	CHECK(fm.body_line == 8);
	CHECK(strncmp(fm.body, "# Body", 6) == 0);

	doc = "No front matter\n";
	CHECK(fm_read(&pool, "t.md", doc, strlen(doc), &fm));
	CHECK(fm.meta->type == V_MAP && fm.meta->len == 0);
	CHECK(fm.body_line == 1);

	doc = "\xEF\xBB\xBF---\na: b\n---\nx\n";
	CHECK(fm_read(&pool, "t.md", doc, strlen(doc), &fm));
	CHECK(strcmp(map_str(fm.meta, "a"), "b") == 0);

	S_quiet(1);
	doc = "---\ntitle: x\n";
	CHECK(!fm_read(&pool, "t.md", doc, strlen(doc), &fm));
	doc = "---\n- a\n- b\n---\n";
	CHECK(!fm_read(&pool, "t.md", doc, strlen(doc), &fm));
	doc = "---\na: 1\na: 2\n---\n";
	CHECK(!fm_read(&pool, "t.md", doc, strlen(doc), &fm));
	doc = "---\na: [1, 2\n---\n";
	CHECK(!fm_read(&pool, "t.md", doc, strlen(doc), &fm));
	doc = "---\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,"
	    "*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,"
	    "*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]"
	    "\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n---\n";
	CHECK(!fm_read(&pool, "t.md", doc, strlen(doc), &fm));
	doc = "---\na: b\n---\nnul\0byte";
	CHECK(!fm_read(&pool, "t.md", doc, 19, &fm));
	S_quiet(0);
	pool_free(&pool);
}

static void
test_yaml_positions(void)
{
	struct pool pool = { NULL };
	struct val *v;
	const char *doc = "title: x\nlist:\n  - one\n  - two\n";

	CHECK(fm_yaml(&pool, "s.yml", doc, strlen(doc), 0, &v));
	v = map_get(v, "list");
	CHECK(v != NULL && v->len == 2);
	CHECK(v->items[1]->pos.line == 4 && v->items[1]->pos.col == 5);
	pool_free(&pool);
}

static void
test_dates(void)
{
	struct date d;
	struct buf b = { NULL, 0, 0 };
	int wy;

	CHECK(date_parse("2017-03-10", &d) && d.y == 2017 && d.m == 3 &&
	    d.d == 10);
	CHECK(!date_parse("2017-02-29", &d));
	CHECK(date_parse("2016-02-29", &d));
	CHECK(!date_parse("2017-3-10", &d));
	CHECK(!date_parse("2017-13-01", &d));
	CHECK(!date_parse("10-03-2017", &d));
	CHECK(!date_parse("2017-03-10x", &d));
	date_parse("2017-03-05", &d);
	CHECK(date_isoweek(&d, &wy) == 9 && wy == 2017);
	CHECK(date_weekday(&d) == 6);	/* Sunday */
	date_parse("2017-01-01", &d);
	CHECK(date_isoweek(&d, &wy) == 52 && wy == 2016);
	date_parse("2020-12-31", &d);
	CHECK(date_isoweek(&d, &wy) == 53 && wy == 2020);
	date_parse("2021-01-03", &d);
	CHECK(date_isoweek(&d, &wy) == 53 && wy == 2020);
	date_parse("2019-12-30", &d);
	CHECK(date_isoweek(&d, &wy) == 1 && wy == 2020);
	buf_free(&b);
	CHECK(date_parse_time("09:30") == 570);
	CHECK(date_parse_time("24:00") == -1);
	CHECK(date_parse_time("9:30") == -1);
	CHECK(date_parse_time("12:60") == -1);
}

/* A site of language lang (and site.yml's labels: labels, if any). */
static void
lang_site(struct site *site, const char *lang, const char *tz)
{
	char real[4096];

	memset(site, 0, sizeof(*site));
	site->nerr0 = diag_count();
	site->root = xstrdup("tests/fixture");
	site->rroot = xstrdup(realpath("tests/fixture", real));
	site->rootfd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
	site->outlock = -1;
	site->v = val_new(&site->pool, V_MAP, NULL);
	site->lang = xstrdup(lang);
	if (tz != NULL)
		map_set_str(&site->pool, site->v, "timezone", tz);
	site->now = 1489104000;	/* 2017-03-10 00:00 UTC */
}

static const char *
lang_date(const char *lang)
{
	static char out[64];
	struct site site;
	struct buf b = { NULL, 0, 0 };
	struct date d = { 2017, 3, 10 };

	lang_site(&site, lang, NULL);
	lang_load(&site);
	lang_date_long(&site, &d, &b);
	buf_puts(&b, " ");
	lang_weekday(&site, &d, &b);
	buf_puts(&b, " ");
	lang_month_short(&site, &d, &b);
	snprintf(out, sizeof(out), "%s", b.data);
	buf_free(&b);
	site_free(&site);
	return out;
}

static void
test_lang(void)
{
	struct site site;
	struct val *l;
	int e;

	CHECK(strcmp(lang_date("da"), "10. marts 2017 fredag mar") == 0);
	CHECK(strcmp(lang_date("nb"), "10. mars 2017 fredag mar") == 0);
	CHECK(strcmp(lang_date("no"), "10. mars 2017 fredag mar") == 0);
	CHECK(strcmp(lang_date("nn-NO"), "10. mars 2017 fredag mar") == 0);
	CHECK(strcmp(lang_date("sv"), "10 mars 2017 fredag mar") == 0);
	CHECK(strcmp(lang_date("de"), "10. März 2017 Freitag Mär") == 0);
	CHECK(strcmp(lang_date("en"), "10 March 2017 Friday Mar") == 0);
	/* Every language has every word English has. */
	lang_site(&site, "en", NULL);
	lang_load(&site);
	l = site.labels;
	for (const char *const *lg = (const char *const[]){ "da", "nb", "nn",
	    "sv", "de", NULL }; *lg != NULL; lg++) {
		char *rel = xasprintf("layouts/labels/%s.yml", *lg);
		const struct builtin *b = builtin_get(rel);
		struct pool pool = { NULL };
		struct val *v = NULL;
		size_t i, missing = 0;

		CHECK(b != NULL && fm_yaml(&pool, rel, (const char *)b->data,
		    b->len, 0, &v) && v->type == V_MAP);
		for (i = 0; v != NULL && i < l->len; i++)
			if (map_get(v, l->keys[i]) == NULL &&
			    strcmp(l->keys[i], "hyphenation") != 0)
				missing++;
		CHECK(missing == 0);
		if (missing)
			fprintf(stderr, "unit: %s lacks %zu labels\n", *lg,
			    missing);
		pool_free(&pool);
		free(rel);
	}
	site_free(&site);
	/* site.yml's labels win; the zone follows the language. */
	lang_site(&site, "nb", NULL);
	l = val_new(&site.pool, V_MAP, NULL);
	map_set_str(&site.pool, l, "come_join", "Bli med oss");
	map_set(site.v, "labels", l);
	CHECK(lang_load(&site));
	CHECK(strcmp(lang_label(&site, "come_join"), "Bli med oss") == 0);
	CHECK(strcmp(lang_label(&site, "week"), "Uke") == 0);
	CHECK(strcmp(map_str(site.v, "timezone"), "Europe/Oslo") == 0);
	site_free(&site);
	/* An unknown zone is an error; a late hour is tomorrow east. */
	lang_site(&site, "da", "Europe/Atlantis");
	e = diag_count();
	CHECK(!lang_load(&site) && diag_count() == e + 1);
	site_free(&site);
	lang_site(&site, "en", "Pacific/Auckland");
	CHECK(lang_load(&site) && site.today.d == 10);
	site_free(&site);
	lang_site(&site, "en", "America/New_York");
	CHECK(lang_load(&site) && site.today.d == 9);
	site_free(&site);
}

/* buf_unshy on s: the bytes left, compared with want (n of them). */
static int
S_unshy(const char *s, const char *want, size_t n)
{
	struct buf b = { NULL, 0, 0 };
	int ok;

	buf_puts(&b, s);
	buf_unshy(&b);
	ok = b.len == n && memcmp(b.data, want, n) == 0 && b.data[n] == '\0';
	buf_free(&b);
	return ok;
}

static void
test_slugs_paths(void)
{
	char *s;

	/* Soft hyphens out of a title or an attribute, nothing else. */
	CHECK(S_unshy("Barne\xc2\xadhage", "Barnehage", 9));
	CHECK(S_unshy("\xc2\xad\xc2\xad", "", 0));
	CHECK(S_unshy("a\xc2", "a\xc2", 2));	/* a lead byte alone */
	CHECK(S_unshy("x\xc2\xad", "x", 1));
	CHECK(S_unshy("b\xc3\xa6r", "b\xc3\xa6r", 4));

	s = slugify("Ældre og Sundhed!");
	CHECK(strcmp(s, "aeldre-og-sundhed") == 0);
	free(s);
	s = slugify("  1. maj  ");
	CHECK(strcmp(s, "1-maj") == 0);
	free(s);
	s = slugify("Økonomi--på Ærø");
	CHECK(strcmp(s, "oekonomi-paa-aeroe") == 0);
	free(s);
	s = slugify("!!!");
	CHECK(strcmp(s, "") == 0);
	free(s);
	CHECK(slug_valid("aeldre-2017"));
	CHECK(!slug_valid("Aeldre"));
	CHECK(!slug_valid("a--b"));
	CHECK(!slug_valid("-a"));
	CHECK(!slug_valid("a/b"));
	CHECK(!slug_valid(".."));
	CHECK(!slug_valid(""));
	CHECK(path_is_safe("assets/logos/x.svg"));
	CHECK(!path_is_safe("../etc/passwd"));
	CHECK(!path_is_safe("assets/../../x"));
	CHECK(!path_is_safe("/etc/passwd"));
	CHECK(!path_is_safe("assets//x"));
	CHECK(!path_is_safe("assets/.hidden"));
	CHECK(!path_is_safe(""));
	CHECK(url_is_safe("https://example.org/"));
	CHECK(url_is_safe("/om/"));
	CHECK(url_is_safe("mailto:a@example.org"));
	CHECK(url_is_safe("#top"));
	CHECK(url_is_safe("page?a=b:c"));
	CHECK(!url_is_safe("javascript:alert(1)"));
	CHECK(!url_is_safe(" JaVaScRiPt:alert(1)"));
	CHECK(!url_is_safe("java\tscript:alert(1)"));
	CHECK(!url_is_safe("data:text/html,x"));
	CHECK(!url_is_safe("vbscript:x"));
}

static char *
S_render_md(const char *md, int raw, int *ok)
{
	xmlDocPtr holder = xmlNewDoc(BAD_CAST "1.0");
	struct buf b = { NULL, 0, 0 };
	xmlBufferPtr xb = xmlBufferCreate();
	xmlNodePtr n;

	*ok = md_render(md, strlen(md), holder, "t.md", 3, raw, "/base",
	    NULL);
	for (n = xmlDocGetRootElement(holder)->children; n != NULL;
	    n = n->next)
		xmlNodeDump(xb, holder, n, 0, 0);
	buf_puts(&b, (const char *)xmlBufferContent(xb));
	xmlBufferFree(xb);
	xmlFreeDoc(holder);
	return b.data != NULL ? b.data : xstrdup("");
}

static void
test_markdown(void)
{
	char *s;
	int ok;

	s = S_render_md("# Title\n\nSome *text* & <b>x</b>\n\n"
	    "[om](/om/) ![Alt **text**](/a.png)\n", 0, &ok);
	CHECK(ok);
	CHECK(strstr(s, "<h2>Title</h2>") != NULL);
	CHECK(strstr(s, "<em>text</em> &amp; x") != NULL);
	CHECK(strstr(s, "<b>") == NULL);
	CHECK(strstr(s, "href=\"/base/om/\"") != NULL);
	CHECK(strstr(s, "alt=\"Alt text\"") != NULL);
	free(s);
	s = S_render_md("## Already h2\n", 0, &ok);
	CHECK(strstr(s, "<h2>Already h2</h2>") != NULL);
	free(s);
	S_quiet(1);
	s = S_render_md("[x](javascript:alert(1))\n", 0, &ok);
	CHECK(!ok);
	CHECK(strstr(s, "javascript") == NULL);
	free(s);
	S_quiet(0);
	s = S_render_md("<p onclick=\"x()\">hi <script>bad()</script>"
	    "<a href=\"javascript:x\">l</a></p>\n", 1, &ok);
	CHECK(ok);
	CHECK(strstr(s, "hi") != NULL);
	CHECK(strstr(s, "onclick") == NULL);
	CHECK(strstr(s, "script") == NULL);
	free(s);
}

/* A throwaway campaign root for template tests. */
static char S_root[PATH_MAX];

static void
S_tmpl_file(const char *name, const char *text)
{
	char *p = xasprintf("%s/layouts/web/%s.html", S_root, name);

	S_write(p, text);
	free(p);
}

static char *
S_apply(struct tmpl_set *ts, const char *name, const struct scope *sc)
{
	struct pool pool = { NULL };
	struct buf b = { NULL, 0, 0 };
	xmlDocPtr doc;

	doc = tmpl_apply(ts, name, sc, &pool, "unit");
	if (doc == NULL) {
		pool_free(&pool);
		return NULL;
	}
	web_serialize(doc, &b);
	xmlFreeDoc(doc);
	pool_free(&pool);
	return b.data;
}

static void
test_templates(void)
{
	struct site site;
	struct pool pool = { NULL };
	struct tmpl_set *ts;
	struct val *page, *items, *it;
	struct scope sp;
	char *dir, *s;
	int i;

	snprintf(S_root, sizeof(S_root), "/tmp/rally-unit-XXXXXX");
	if (mkdtemp(S_root) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	dir = xasprintf("%s/layouts/web", S_root);
	mkdirs(dir);
	free(dir);
	S_tmpl_file("t1", "<html><body><h1 data-text=\"page.title\">x</h1>"
	    "<ul><li data-each=\"i in page.items\" data-text=\"{loop.index}:"
	    "{i.name}\">i</li></ul><p data-if=\"page.missing\">gone</p>"
	    "<p data-unless=\"page.missing\">kept</p>"
	    "<a data-attr-href=\"page.link\" data-attr-title=\"page.missing\">"
	    "l</a><i data-omit=\"\"><b>inner</b></i>"
	    "<p data-if=\"page.title == 'A &lt;b&gt;'\">eq</p>"
	    "<p data-text=\"page.title | upper\">u</p>"
	    "<p data-text=\"page.items | count\">c</p></body></html>");
	S_tmpl_file("base", "<html><body><main data-slot=\"main\">default"
	    "</main><footer data-slot=\"foot\">foot</footer></body></html>");
	S_tmpl_file("child", "<html data-extends=\"base\"><div "
	    "data-fill=\"main\"><p data-text=\"page.title\">t</p><div "
	    "data-include=\"part\"/></div></html>");
	S_tmpl_file("part", "<section class=\"part\" data-text=\"page.link\">"
	    "p</section>");
	S_tmpl_file("bad", "<html><p data-text=\"nosuch.thing\">x</p></html>");
	S_tmpl_file("badurl", "<html><a data-attr-href=\"page.evil\">x</a>"
	    "</html>");
	S_tmpl_file("loop", "<html><div data-include=\"loop\"/></html>");

	memset(&site, 0, sizeof(site));
	site.root = S_root;
	site.rroot = realpath(S_root, NULL);
	site.rootfd = open(site.rroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ts = tmpl_load(&site, "layouts/web");
	CHECK(ts != NULL);
	if (ts == NULL)
		return;
	CHECK(tmpl_has(ts, "t1") && tmpl_has(ts, "base"));
	CHECK(tmpl_has(ts, "home"));	/* built in */

	page = val_new(&pool, V_MAP, NULL);
	map_set_str(&pool, page, "title", "A <b>");
	map_set_str(&pool, page, "link", "/x/?a=1&b=2");
	map_set_str(&pool, page, "evil", "javascript:alert(1)");
	items = val_new(&pool, V_LIST, NULL);
	for (i = 0; i < 3; i++) {
		it = val_new(&pool, V_MAP, NULL);
		map_set_str(&pool, it, "name", i == 1 ? "<script>" : "n");
		list_push(items, it);
	}
	map_set(page, "items", items);
	sp.name = "page";
	sp.v = page;
	sp.up = NULL;

	s = S_apply(ts, "t1", &sp);
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK(strstr(s, "<h1>A &lt;b&gt;</h1>") != NULL);
		CHECK(strstr(s, "<li>1:n</li><li>2:&lt;script&gt;</li>"
		    "<li>3:n</li>") != NULL);
		CHECK(strstr(s, "gone") == NULL);
		CHECK(strstr(s, "kept") != NULL);
		CHECK(strstr(s, "href=\"/x/?a=1&amp;b=2\"") != NULL);
		CHECK(strstr(s, "title=") == NULL);
		CHECK(strstr(s, "<b>inner</b>") != NULL);
		CHECK(strstr(s, "<i>") == NULL);
		CHECK(strstr(s, "<p>eq</p>") != NULL);
		CHECK(strstr(s, "<p>A &lt;B&gt;</p>") != NULL);
		CHECK(strstr(s, "<p>3</p>") != NULL);
		CHECK(strstr(s, "data-") == NULL);
		free(s);
	}
	s = S_apply(ts, "child", &sp);
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK(strstr(s, "<main><p>A &lt;b&gt;</p>") != NULL);
		CHECK(strstr(s, "<section class=\"part\">/x/?a=1&amp;b=2"
		    "</section>") != NULL);
		CHECK(strstr(s, "<footer>foot</footer>") != NULL);
		CHECK(strstr(s, "default") == NULL);
		free(s);
	}
	S_quiet(1);
	CHECK(S_apply(ts, "bad", &sp) == NULL);
	CHECK(S_apply(ts, "badurl", &sp) == NULL);
	CHECK(S_apply(ts, "loop", &sp) == NULL);
	CHECK(S_apply(ts, "nonexistent", &sp) == NULL);
	S_quiet(0);
	tmpl_free(ts);

	/* A malformed template is an error at its line. */
	S_tmpl_file("broken", "<html>\n<p>\n</html>\n");
	S_quiet(1);
	ts = tmpl_load(&site, "layouts/web");
	S_quiet(0);
	CHECK(ts == NULL);
	free(site.rroot);
	close(site.rootfd);
	pool_free(&pool);
	rmtree(S_root);
}

/* The fixture campaign, loaded and linked, for the tests below. */
static void
S_fixture(struct site *site)
{
	S_quiet(1);
	if (!site_init(site, "tests/fixture", 0) || !load_site(site) ||
	    !model_link(site)) {
		S_quiet(0);
		fprintf(stderr, "unit: the fixture does not load\n");
		exit(2);
	}
	S_quiet(0);
}

/* A new kind of output: nothing in rally knows it. */
static int
S_newkind(const struct job *j, struct site *site, struct buf *b)
{
	(void)j;
	(void)site;
	buf_puts(b, "x");
	return 1;
}

/* The key of a one-job plan: j's inputs, as keys.c hashes them. */
static void
S_key(struct site *site, const char *opts, struct job *j, char out[65])
{
	struct keys *k = keys_init(site, opts);

	keys_job(k, j);
	memcpy(out, j->key, 65);
	keys_free(k);
}

/* Maps: keys interned, replaced in place, found by pointer or text,
   small and indexed (more than MAP_INDEXED keys). */
static void
test_maps(void)
{
	struct pool pool = { NULL };
	struct val *m = val_new(&pool, V_MAP, NULL), *a, *b;
	char key[16], k2[16];
	int i;

	a = val_num(&pool, 1);
	b = val_num(&pool, 2);
	strcpy(key, "title");
	map_set(m, key, a);
	CHECK(m->keys[0] != key && m->keys[0] == val_intern("title"));
	map_set(m, "title", b);	/* replaced, not added */
	CHECK(m->len == 1 && map_get(m, "title") == b);
	CHECK(map_get_interned(m, val_intern("title")) == b);
	CHECK(map_get_interned(m, val_intern("titles")) == NULL);
	CHECK(map_get(m, "titl") == NULL && map_get(m, "title ") == NULL);
	for (i = 0; i < MAP_INDEXED + 10; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		map_set(m, key, val_num(&pool, i));
	}
	CHECK(m->index != NULL);
	for (i = 0; i < MAP_INDEXED + 10; i += 7) {
		snprintf(k2, sizeof(k2), "k%d", i);
		CHECK(map_get(m, k2) != NULL && map_get(m, k2)->n == i);
		CHECK(map_get_interned(m, val_intern(k2)) == map_get(m, k2));
	}
	map_set(m, "k3", a);
	CHECK(map_get(m, "k3") == a && m->len == MAP_INDEXED + 11);
	CHECK(map_get_interned(m, val_intern("nope")) == NULL);
	pool_free(&pool);
}

/* A string keeps its length (val_text writes that many bytes), also
   where a filter shortens it in place. */
static void
test_strings(void)
{
	struct pool pool = { NULL };
	struct buf b = { NULL, 0, 0 };
	const struct val *r;
	struct val *v;
	int unknown = 0;

	v = val_str(&pool, "https://www.example.dk/areas/x//", NULL);
	CHECK(v->len == strlen(v->s));
	r = tmpl_filter(&pool, v, "short", NULL, &unknown);
	CHECK(!unknown && r != NULL && r->type == V_STR);
	CHECK(r != NULL && r->len == strlen(r->s));
	buf_puts(&b, "");
	val_text(r, &b);
	CHECK(strcmp(b.data, "example.dk/areas/x") == 0 && b.len == 18);
	r = tmpl_filter(&pool, val_strn(&pool, xstrdup("æble/"), NULL),
	    "upper", NULL, &unknown);
	b.len = 0;
	val_text(r, &b);
	CHECK(strcmp(b.data, "ÆBLE/") == 0 && r->len == strlen(r->s));
	buf_free(&b);
	pool_free(&pool);
}

/* | hyphenate: soft hyphens in words of twelve letters or more, at the
   dictionary's points, three letters from either end; short words,
   addresses, hashtags and words with the author's soft hyphens whole;
   nothing without a dictionary. */
static void
test_hyphenate_filter(void)
{
	struct pool pool = { NULL };
	struct buf b = { NULL, 0, 0 };
	struct tdict td;
	HyphenDict *d = hnj_hyphen_load("/usr/share/hyphen/hyph_nb_NO.dic");
	const struct val *r;
	int unknown = 0, i;

	CHECK(d != NULL);
	if (d == NULL)
		return;
	memset(&td, 0, sizeof(td));
	td.dict = d;
	pthread_mutex_init(&td.mx, NULL);
	td.words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	/* Twice: the second from the words kept. */
	for (i = 0; i < 2; i++) {
		r = tmpl_filter(&pool, val_str(&pool, "Nei til "
		    "barnehagebemanningsnormen i Oslo! "
		    "kontakt@velferdsalliansen.no #velferdsalliansen "
		    "https://velferdsalliansen.no/barnehagebemanningen "
		    "velferdsalliansen.no/barnehagebemanningen "
		    "(#barnehagebemanningen) "
		    "Sykehjems\xC2\xAD" "plassene", NULL), "hyphenate", &td,
		    &unknown);
		CHECK(!unknown && r != NULL);
		if (r == NULL)
			goto out;
		b.len = 0;
		buf_puts(&b, "");
		val_text(r, &b);
		CHECK(strcmp(b.data, "Nei til barnehage\xC2\xAD" "be\xC2\xAD"
		    "mannings\xC2\xAD" "normen i Oslo! kontakt@velferdsalliansen.no "
		    "#velferdsalliansen "
		    "https://velferdsalliansen.no/barnehagebemanningen "
		    "velferdsalliansen.no/barnehagebemanningen "
		    "(#barnehagebemanningen) "
		    "Sykehjems\xC2\xAD" "plassene") == 0);
	}
	CHECK(g_hash_table_size(td.words) == 1);
	r = tmpl_filter(&pool, val_str(&pool, "barnehagebemanningsnormen", NULL),
	    "hyphenate", NULL, &unknown);
	CHECK(r != NULL && strcmp(r->s, "barnehagebemanningsnormen") == 0);
out:
	buf_free(&b);
	pool_free(&pool);
	hnj_hyphen_free(d);
	g_hash_table_destroy(td.words);
	pthread_mutex_destroy(&td.mx);
}

/* SHA-256 (nettle's): FIPS 180-2's vectors, whole and fed in parts. */
static void
test_sha(void)
{
	struct sha256_ctx c;
	char h[65];

	sha256_hex("abc", 3, h);
	CHECK(strcmp(h, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad") == 0);
	sha256_hex("", 0, h);
	CHECK(strcmp(h, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855") == 0);
	sha256_init(&c);
	sha_puts(&c, "abcdbcdecdefdefgefghfghighijhi");
	sha_puts(&c, "jkijkljklmklmnlmnomnopnopq");
	sha_hex(&c, h);
	CHECK(strcmp(h, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1") == 0);
	/* A context is fresh again after its digest. */
	sha_puts(&c, "abc");
	sha_hex(&c, h);
	CHECK(strcmp(h, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad") == 0);
}

static void
test_keys(void)
{
	struct site site;
	struct jobs js = { NULL, 0, 0 };
	struct job *j;
	char k0[65], k[65], h1[65], h2[65], saved;
	struct doc *area = NULL, *event = NULL;
	size_t i;

	S_fixture(&site);
	for (i = 0; i < site.ndocs; i++) {
		if (site.docs[i]->kind == K_AREA && area == NULL)
			area = site.docs[i];
		if (site.docs[i]->kind == K_EVENT && event == NULL)
			event = site.docs[i];
	}
	CHECK(area != NULL && event != NULL);
	if (area == NULL || event == NULL)
		goto out;
	memset(h1, 'a', 64);
	h1[64] = '\0';
	memcpy(h2, h1, 65);
	h2[63] = 'b';
	/* A job kind of its own, listing a file, the events, the layouts. */
	j = plan_add(&js, "new/kind.txt", S_newkind, NULL, NULL, NULL);
	plan_in(j, IN_HASH, 0, h1);
	plan_in(j, IN_KIND, K_EVENT, NULL);
	plan_in(j, IN_WEB, 0, NULL);
	S_key(&site, "o=1", j, k0);
	CHECK(strlen(k0) == 64);
	S_key(&site, "o=1", j, k);
	CHECK(strcmp(k, k0) == 0);	/* the same inputs, the same key */
	/* Each input changes the key ... */
	j->in[2].hash = h2;
	S_key(&site, "o=1", j, k);
	CHECK(strcmp(k, k0) != 0);
	j->in[2].hash = h1;
	saved = event->hash[0];
	event->hash[0] = saved == 'f' ? 'e' : 'f';
	S_key(&site, "o=1", j, k);
	CHECK(strcmp(k, k0) != 0);
	event->hash[0] = saved;
	S_key(&site, "o=2", j, k);	/* the options, in IN_SITE */
	CHECK(strcmp(k, k0) != 0);
	free(j->out);
	j->out = xstrdup("new/other.txt");	/* its path, IN_OUT */
	S_key(&site, "o=1", j, k);
	CHECK(strcmp(k, k0) != 0);
	free(j->out);
	j->out = xstrdup("new/kind.txt");
	/* ... and what it does not list does not. */
	saved = area->hash[0];
	area->hash[0] = saved == 'f' ? 'e' : 'f';
	S_key(&site, "o=1", j, k);
	CHECK(strcmp(k, k0) == 0);
	area->hash[0] = saved;
	/* A list of the events (IN_LISTED): the key follows what lists
	   show of an event (its front matter and excerpt), not the rest
	   of its body (its file's hash). */
	j->in[3].type = IN_LISTED;
	S_key(&site, "o=1", j, k0);
	saved = event->hash[0];
	event->hash[0] = saved == 'f' ? 'e' : 'f';
	S_key(&site, "o=1", j, k);
	CHECK(strcmp(k, k0) == 0);
	event->hash[0] = saved;
	saved = event->listed[0];
	event->listed[0] = saved == 'f' ? 'e' : 'f';
	S_key(&site, "o=1", j, k);
	CHECK(strcmp(k, k0) != 0);
	event->listed[0] = saved;
	j->in[3].type = IN_KIND;
	/* Layouts that show other pages' bodies need them whole. */
	CHECK(!(tmpl_needs("page.body") & NEED_BODIES));
	CHECK(tmpl_needs("{p.body}") & NEED_BODIES);
	CHECK(tmpl_needs("page.area.body") & NEED_BODIES);
	CHECK(!(tmpl_needs("{p.title} {p.description}") & NEED_BODIES));
	/* A phase-1 job covers the keys of phase 0. */
	j = plan_add(&js, "new/list.html", S_newkind, NULL, NULL, NULL);
	j->phase = 1;
	plan_in(j, IN_PHASE0, 0, NULL);
	{
		struct keys *ks = keys_init(&site, "o=1");

		keys_jobs(ks, &js, 2);
		memcpy(k, js.v[1].key, 65);
		js.v[0].in[2].hash = h2;
		keys_jobs(ks, &js, 2);
		CHECK(strcmp(js.v[1].key, k) != 0);
		keys_free(ks);
	}
	/* Plan checks: planned jobs pass, ... */
	CHECK(plan_check(&js));
	/* ... one listing no input, a path out, two writers do not. */
	S_quiet(1);
	plan_add(&js, "bare.txt", S_newkind, NULL, NULL, NULL);
	CHECK(!plan_check(&js));
	plan_free(&js);
	plan_in(plan_add(&js, "../x.txt", S_newkind, NULL, NULL, NULL),
	    IN_ALL, 0, NULL);
	CHECK(!plan_check(&js));
	plan_free(&js);
	plan_in(plan_add(&js, "a.txt", S_newkind, NULL, NULL, NULL), IN_ALL, 0,
	    NULL);
	plan_in(plan_add(&js, "a.txt", S_newkind, NULL, NULL, NULL), IN_WEB, 0,
	    NULL);
	CHECK(!plan_check(&js));
	S_quiet(0);
out:
	plan_free(&js);
	site_free(&site);
}

/* Files of the output folder, one call each, reached through no link. */
static void
test_out_check(void)
{
	char dir[] = "tests/work/unit-outchk-XXXXXX", path[PATH_MAX],
	    other[128];
	struct outchk *oc;
	int fd;

	mkdirs("tests/work");
	if (mkdtemp(dir) == NULL)
		return;
	snprintf(other, sizeof(other), "%s-other", dir);
	snprintf(path, sizeof(path), "%s/p/a/b/index.html", other);
	mkdirs(path);	/* a folder named index.html */
	snprintf(path, sizeof(path), "%s/p/a/x.html", other);
	S_write(path, "x");
	snprintf(path, sizeof(path), "%s/top.html", dir);
	S_write(path, "t");
	snprintf(path, sizeof(path), "%s/press/p1", dir);
	mkdirs(path);
	snprintf(path, sizeof(path), "%s/press/p1/index.html", dir);
	S_write(path, "1");
	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	mkdirs(path);
	snprintf(path, sizeof(path), "%s/a/b/c/d.html", dir);
	S_write(path, "d");
	/* Links: the last name, the folder above it, one further up. */
	snprintf(path, sizeof(path), "%s/press/p2", dir);
	CHECK(symlink("p1", path) == 0);
	snprintf(path, sizeof(path), "%s/press/p1/link.html", dir);
	CHECK(symlink("index.html", path) == 0);
	snprintf(path, sizeof(path), "%s/up", dir);
	CHECK(symlink(other, path) == 0);
	snprintf(path, sizeof(path), "%s/a/x", dir);
	snprintf(other + strlen(other), sizeof(other) - strlen(other), "/p");
	CHECK(symlink(other, path) == 0);
	fd = out_open(dir);
	oc = out_check_new(fd);
	CHECK(out_check_reg(oc, "top.html"));
	CHECK(out_check_reg(oc, "press/p1/index.html"));
	CHECK(out_check_reg(oc, "a/b/c/d.html"));
	CHECK(!out_check_reg(oc, "press/p2/index.html"));
	CHECK(!out_check_reg(oc, "press/p1/link.html"));
	CHECK(!out_check_reg(oc, "press/p3/index.html"));
	CHECK(!out_check_reg(oc, "press/p1"));	/* a folder */
	CHECK(!out_check_reg(oc, "up/p/a/x.html"));
	CHECK(!out_check_reg(oc, "a/x/a/x.html"));
	CHECK(!out_check_reg(oc, "a/x/a/b/index.html"));
	CHECK(!out_check_reg(oc, "missing.html"));
	CHECK(!out_check_reg(oc, "top.html/x"));
	/* Asked again: the folders' listings are kept. */
	CHECK(out_check_reg(oc, "press/p1/index.html"));
	CHECK(!out_check_reg(oc, "press/p2/index.html"));
	out_check_free(oc);
	close(fd);
	rmtree(dir);
	other[strlen(other) - 2] = '\0';
	rmtree(other);
}

static void
test_manifest(void)
{
	char dir[] = "tests/work/unit-manifest-XXXXXX";
	struct jobs js = { NULL, 0, 0 };
	struct buf man = { NULL, 0, 0 };
	GHashTable *old;
	char path[PATH_MAX], k1[65];
	struct outchk *oc;
	struct stat st;
	int fd;

	memset(k1, '1', 64);
	k1[64] = '\0';
	mkdirs("tests/work");
	if (mkdtemp(dir) == NULL)
		return;
	/* Nothing there yet: an empty manifest, nothing fresh. */
	old = manifest_read(dir);
	CHECK(g_hash_table_size(old) == 0);
	fd = out_open(dir);
	oc = out_check_new(fd);
	CHECK(!manifest_fresh(old, oc, "a.html", k1));
	out_check_free(oc);
	close(fd);
	g_hash_table_destroy(old);
	plan_add(&js, "a.html", S_newkind, NULL, NULL, NULL);
	plan_add(&js, "print/c.pdf", S_newkind, NULL, NULL, NULL)->out2 =
	    xstrdup("print/c.png");
	memcpy(js.v[0].key, k1, 65);
	memcpy(js.v[1].key, k1, 65);
	js.v[1].key[0] = '2';
	manifest_add(&man, &js.v[0], NULL);
	manifest_add(&man, &js.v[1], NULL);
	buf_puts(&man, "garbage\n");
	buf_printf(&man, "%.64d ../outside\n", 3);
	CHECK(manifest_write(dir, &man));
	buf_free(&man);
	snprintf(path, sizeof(path), "%s/a.html", dir);
	S_write(path, "a");
	old = manifest_read(dir);
	CHECK(g_hash_table_size(old) == 3);	/* garbage and ../ ignored */
	fd = out_open(dir);
	oc = out_check_new(fd);
	CHECK(manifest_fresh(old, oc, "a.html", k1));
	CHECK(!manifest_fresh(old, oc, "a.html", js.v[1].key));
	CHECK(!manifest_fresh(old, oc, "a.html", ""));	/* always made */
	CHECK(!manifest_fresh(old, oc, "print/c.pdf", js.v[1].key));
	CHECK(!manifest_fresh(old, NULL, "a.html", k1));	/* no folder */
	out_check_free(oc);
	close(fd);
	/* A file this build no longer makes goes; an --only build of the
	   other half keeps it, one of its own half does not. */
	js.len = 1;
	snprintf(path, sizeof(path), "%s/print", dir);
	mkdirs(path);
	snprintf(path, sizeof(path), "%s/print/c.png", dir);
	S_write(path, "png");
	manifest_stale(dir, &js, old, &man, "web");
	CHECK(stat(path, &st) == 0 &&
	    strstr(man.data, " print/c.png\n") != NULL);
	g_hash_table_destroy(old);
	buf_free(&man);
	old = manifest_read(dir);
	manifest_stale(dir, &js, old, &man, "print");
	CHECK(stat(path, &st) == -1);
	snprintf(path, sizeof(path), "%s/print", dir);
	CHECK(stat(path, &st) == -1);	/* its empty directory too */
	snprintf(path, sizeof(path), "%s/a.html", dir);
	CHECK(stat(path, &st) == 0);
	g_hash_table_destroy(old);
	buf_free(&man);
	js.len = 2;
	plan_free(&js);
	rmtree(dir);
}

/*
 * stamp_fresh as the build calls it (with the thread that looks for
 * the last build's files, run_precheck) and without: the same answer.
 */
static long
S_stamp_fresh(const char *out, const struct buf *snap, const char *only)
{
	struct precheck *pre = run_precheck(out);
	long a = stamp_fresh(out, snap, only, 0, NULL);
	long b = stamp_fresh(out, snap, only, 0, pre);

	CHECK(pre != NULL && a == b);
	run_precheck_free(pre);
	return a;
}

static void
test_stamp(void)
{
	char root[] = "tests/work/unit-stamp-XXXXXX", cmd[512];
	char out[PATH_MAX + 8], path[PATH_MAX + 32];
	struct buf a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	struct site site;

	if (mkdtemp(root) == NULL)
		return;
	snprintf(cmd, sizeof(cmd), "cp -r tests/fixture/content %s/", root);
	if (system(cmd) != 0)
		return;
	snprintf(out, sizeof(out), "%s/out", root);
	mkdirs(out);
	CHECK(site_init(&site, root, 0));
	stamp_take(&site, "o=1", &a);
	CHECK(S_stamp_fresh(out, &a, NULL) == -1);	/* never built */
	CHECK(stamp_save(out, &a, NULL));
	snprintf(path, sizeof(path), "%s/.rally-manifest", out);
	S_write(path, "");
	CHECK(S_stamp_fresh(out, &a, NULL) == 0);	/* built, no files */
	snprintf(path, sizeof(path), "%s/.rally-manifest", out);
	{
		char line[80];

		snprintf(line, sizeof(line), "%.64d x.html\n", 1);
		S_write(path, line);
	}
	CHECK(S_stamp_fresh(out, &a, NULL) == -1);	/* a file is missing */
	snprintf(path, sizeof(path), "%s/x.html", out);
	S_write(path, "x");
	CHECK(S_stamp_fresh(out, &a, NULL) == 1);
	/* Another option, a touched file, a new one: look closer. */
	stamp_take(&site, "o=2", &b);
	CHECK(S_stamp_fresh(out, &b, NULL) == -1);
	buf_free(&b);
	snprintf(path, sizeof(path), "%s/content/index.md", root);
	{
		struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };

		utimensat(AT_FDCWD, path, ts, 0);
	}
	stamp_take(&site, "o=1", &b);
	CHECK(S_stamp_fresh(out, &b, NULL) == -1);
	buf_free(&b);
	snprintf(path, sizeof(path), "%s/content/new.md", root);
	S_write(path, "---\ntitle: x\n---\n");
	stamp_take(&site, "o=1", &b);
	CHECK(memcmp(b.data, a.data, a.len) != 0 &&
	    S_stamp_fresh(out, &b, NULL) == -1);
	/* A digest: out/ names no file of the campaign (embargoes). */
	CHECK(b.len == 65 && strstr(b.data, "content") == NULL);
	buf_free(&b);
	/* An --only build has a stamp of its own. */
	CHECK(S_stamp_fresh(out, &a, "web") == -1);
	CHECK(stamp_save(out, &a, "web"));
	CHECK(S_stamp_fresh(out, &a, "web") == 1);
	CHECK(S_stamp_fresh(out, &a, "print") == -1);
	buf_free(&a);
	site_free(&site);
	rmtree(root);
}

/* Sets v[0] as a text frame's one paragraph. */
static struct para *
S_para(const char *text, const char *font)
{
	struct para *v = xcalloc(1, sizeof(*v));

	v->text = xstrdup(text);
	v->font = xstrdup(font);
	v->rel = 1;
	return v;
}

/* Does the setting fit the box r at its size and width? */
static int
S_inside(PangoLayout *pl, const struct setting *s, const double r[4])
{
	double top, height, left, right, logw, k = s->pt / FIT_REF;

	fit_set_at(pl, s->v, s->n, s->pt, s->w);
	fit_extent(pl, &top, &height, &left, &right, &logw);
	return s->w <= r[2] + 0.01 && logw * k <= r[2] + 0.5 &&
	    height * k <= r[3] + 0.5 && left * k >= -0.5;
}

static void
test_fitting(void)
{
	struct site site;
	struct setting best = { NULL, 0, 0, 0, 0, 0, 0, 0 };
	struct setting wide = { NULL, 0, 0, 0, 0, 0, 0, 0 };
	struct setting none = { NULL, 0, 0, 0, 0, 0, 0, 0 };
	const double box[4] = { 0, 0, 300, 200 }, big[4] = { 0, 0, 600, 400 };
	const double tiny[4] = { 0, 0, 20, 10 };
	const char *head = "JA TIL TRYGHED I ALDERDOMMEN";
	struct para *g;
	PangoLayout *pl;
	char *u;

	S_fixture(&site);
	CHECK(print_fonts(&site));
	pl = pango_layout_new(site.fonts->pctx);
	pango_layout_set_wrap(pl, PANGO_WRAP_WORD);
	/* The best setting fits its box, between min and max ... */
	CHECK(fit_try(pl, S_para(head, "Bebas Neue Bold"), 1, 10, 200, box,
	    1, &best));
	CHECK(best.v != NULL && best.pt >= 10 && best.pt <= 200);
	CHECK(best.v != NULL && S_inside(pl, &best, box));
	/* ... balanced: narrower than the box, the lines as even ... */
	CHECK(best.w < box[2]);
	/* ... scored as its size when nothing is wrong with it. */
	CHECK(best.score > 0 && best.score <= best.pt);
	/* A larger box: a larger size. */
	CHECK(fit_try(pl, S_para(head, "Bebas Neue Bold"), 1, 10, 400, big,
	    1, &wide));
	CHECK(wide.pt > best.pt && S_inside(pl, &wide, big));
	/* A capital whose accent stands before it (Ό): the text moves in
	   by its overhang rather than never fitting. */
	{
		struct setting gr = { NULL, 0, 0, 0, 0, 0, 0, 0 };
		double top, height, left, right, logw, k;

		CHECK(fit_try(pl, S_para("Όμιλος", "Noto Sans Display "
		    "ExtraCondensed Bold"), 1, 10, 200, box, 1, &gr));
		CHECK(gr.v != NULL);
		if (gr.v != NULL) {
			k = gr.pt / FIT_REF;
			fit_set_at(pl, gr.v, gr.n, gr.pt, gr.w);
			fit_extent(pl, &top, &height, &left, &right, &logw);
			CHECK(left < 0 && fit_inset(left, right, gr.w, k) >
			    0 && right * k + fit_inset(left, right, gr.w, k) <=
			    box[2] + 0.5);
			fit_free(gr.v, gr.n);
		}
	}
	/* Too little room even at the smallest size: nothing. */
	CHECK(!fit_try(pl, S_para(head, "Bebas Neue Bold"), 1, 10, 200,
	    tiny, 1, &none));
	CHECK(none.v == NULL);
	/* Short words kept with the word before them, never the first. */
	g = fit_glue(best.v, best.n, 0);
	CHECK(g != NULL && strcmp(g[0].text,
	    "JA\xC2\xA0TIL TRYGHED\xC2\xA0I ALDERDOMMEN") == 0);
	if (g != NULL)
		fit_free(g, 1);
	/* A paragraph's last word kept with the one before (running text
	   ending in a line of one word), only when asked. */
	{
		struct para *w = S_para("Tid til hver elev betyder omsorg",
		    "Inter"), *gw;

		gw = fit_glue(w, 1, 1);
		CHECK(gw != NULL && strcmp(gw[0].text, "Tid\xC2\xA0til hver "
		    "elev betyder\xC2\xA0omsorg") == 0);
		if (gw != NULL)
			fit_free(gw, 1);
		gw = fit_glue(w, 1, 0);
		CHECK(gw != NULL && strcmp(gw[0].text, "Tid\xC2\xA0til hver "
		    "elev betyder omsorg") == 0);
		if (gw != NULL)
			fit_free(gw, 1);
		fit_free(w, 1);
	}
	/* What a line must not split: a time range, a postcode and town. */
	u = words_units("kl. 19.00-21.00 i 2500 Valby", 1);
	CHECK(strstr(u, "19.00\xE2\x81\xA0-\xE2\x81\xA0" "21.00") != NULL);
	CHECK(strstr(u, "kl.\xC2\xA0" "19") != NULL);
	CHECK(strstr(u, "2500\xC2\xA0Valby") != NULL);
	g_free(u);
	/* An address breaks after / . @ only, never at its hyphen; and
	   without addr_breaks not at all. */
	u = words_units("se example.dk/orgs/klubben-amager", 1);
	CHECK(strstr(u, "example.\xE2\x80\x8B" "dk/\xE2\x80\x8B") != NULL);
	CHECK(strstr(u, "klubben-\xE2\x81\xA0" "amager") != NULL);
	g_free(u);
	u = words_units("se kontakt@example.dk/orgs/klubben-amager", 0);
	CHECK(strcmp(u, "se kontakt@\xE2\x81\xA0" "example.\xE2\x81\xA0"
	    "dk/\xE2\x81\xA0" "orgs/\xE2\x81\xA0" "klubben-\xE2\x81\xA0"
	    "amager") == 0);
	g_free(u);
	/* Nor a range of days or weeks, a day and its month. */
	u = words_units("10.\xE2\x80\x93" "11. marts 2017 og Uge 18\xE2\x80\x93"
	    "23, 2017", 1);
	CHECK(strstr(u, "10.\xE2\x81\xA0\xE2\x80\x93\xE2\x81\xA0" "11.")
	    != NULL);
	CHECK(strstr(u, "11.\xC2\xA0marts") != NULL);
	CHECK(strstr(u, "Uge\xC2\xA0" "18\xE2\x81\xA0\xE2\x80\x93"
	    "\xE2\x81\xA0" "23") != NULL);
	g_free(u);
	/* A street and its number; only a street or a town is kept from
	   hyphenation, not a noun before a year. */
	u = words_units("Möte på Kanalgatan 43, 931 31 Skellefteå, kl. 18.30 "
	    "om Haushaltskonsolidierung 2026", 1);
	CHECK(strstr(u, "Kanalgatan\xC2\xA0" "43,") != NULL);
	CHECK(strstr(u, "31\xC2\xA0Skellefteå") != NULL);
	CHECK(words_named(u, strstr(u, "Kanalgatan") + 3) == 1);
	CHECK(words_named(u, strstr(u, "Skellefteå")) == 1);
	CHECK(words_named(u, strstr(u, "Haushalts")) == 0);
	CHECK(words_named(u, strstr(u, "Möte")) == 0);
	g_free(u);
	/* A street by how its name ends, in any case; not any word. */
	u = words_units("VESTERBROGADE 149, Karl Johans gate 22, Hauptstr. 12, "
	    "Kommunalvalget 2025, Besparing 2026", 1);
	CHECK(strstr(u, "VESTERBROGADE\xC2\xA0" "149") != NULL);
	CHECK(strstr(u, "gate\xC2\xA0" "22") != NULL);
	CHECK(strstr(u, "Johans\xC2\xA0gate") != NULL);
	CHECK(strstr(u, "Hauptstr.\xC2\xA0" "12") != NULL);
	CHECK(strstr(u, "Kommunalvalget 2025") != NULL);
	CHECK(strstr(u, "Besparing 2026") != NULL);
	CHECK(words_named(u, strstr(u, "VESTERBRO")) == 1);
	CHECK(words_named(u, strstr(u, "Hauptstr")) == 1);
	g_free(u);
	/* A street by its definite form, and one after its number. */
	u = words_units("Medborgerhuset, Hovedgaden 1, 2500 Valby og "
	    "1 High Street, Leeds LS1 1AA", 1);
	CHECK(strstr(u, "Hovedgaden\xC2\xA0" "1,") != NULL);
	CHECK(strstr(u, "1\xC2\xA0High\xC2\xA0Street") != NULL);
	g_free(u);
	/* A name's number with its name; not a time. */
	u = words_units("Fagforeningen, avdeling 1 inviterer kl 19:30", 1);
	CHECK(strstr(u, "avdeling\xC2\xA0" "1\xC2\xA0inviterer") != NULL);
	CHECK(strstr(u, "kl\xC2\xA0" "19:30") != NULL);
	g_free(u);
	u = words_units("Torsdag 19:00", 1);	/* a time is no house number */
	CHECK(strstr(u, "Torsdag 19:00") != NULL);
	g_free(u);
	/* Texts without digits skip the patterns that need one: not a
	   spaced dash, not digits of another script. */
	u = words_units("omsorg \xE2\x80\x93 ikke stopur", 1);
	CHECK(strcmp(u, "omsorg\xC2\xA0\xE2\x80\x93 ikke stopur") == 0);
	g_free(u);
	u = words_units("\xD9\xA2\xD9\xA5\xD9\xA0\xD9\xA0 Valby", 1);
	CHECK(strstr(u, "\xD9\xA0\xC2\xA0Valby") != NULL);
	g_free(u);
	u = words_units("en sti-lang", 1);	/* not an address: untouched */
	CHECK(strcmp(u, "en sti-lang") == 0);
	g_free(u);
	/* A one-letter word kept with the next, where the language does:
	   Ukrainian, not Danish. */
	u = words_single("uk", "бюджету в муніципалітетах і в селах");
	CHECK(strcmp(u, "бюджету в\xC2\xA0муніципалітетах і\xC2\xA0"
	    "в\xC2\xA0селах") == 0);
	g_free(u);
	/* Greek capitals go without tonos, keep their diaeresis. */
	u = words_upper("Φροντίδα για όλους, πρωτεΐνη");
	CHECK(strcmp(u, "ΦΡΟΝΤΙΔΑ ΓΙΑ ΟΛΟΥΣ, ΠΡΩΤΕΪΝΗ") == 0);
	g_free(u);
	u = words_single("da", "tid i ro");
	CHECK(strcmp(u, "tid i ro") == 0);
	g_free(u);
	fit_free(best.v, best.n);
	fit_free(wide.v, wide.n);
	g_object_unref(pl);
	site_free(&site);
}

/* Two builds in one process: the same files, byte for byte. */
static void
test_build_twice(void)
{
	struct opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.root = "tests/fixture";
	o.quiet = 1;
	o.jobs = 2;
	o.start = run_clock();
	/* Under valgrind (LIGHT), the website alone. */
	o.only = getenv("LIGHT") != NULL ? "web" : NULL;
	setenv("SOURCE_DATE_EPOCH", "1489104000", 1);
	rmtree("tests/work/unit-twice-1");
	rmtree("tests/work/unit-twice-2");
	o.out = "tests/work/unit-twice-1";
	CHECK(build(&o) == 0);
	o.out = "tests/work/unit-twice-2";
	CHECK(build(&o) == 0);
	rc = system("diff -r tests/work/unit-twice-1 tests/work/unit-twice-2 "
	    ">/dev/null");
	CHECK(rc == 0);
	rmtree("tests/work/unit-twice-1");
	rmtree("tests/work/unit-twice-2");
}

/*
 * PDF/X colours (pdfx.c): a brand colour keeps its designer's CMYK,
 * black and near-black are K alone, greys K alone and as dark, other
 * colours through the profile; qpdf's tokens cover a stream whole.
 */
static void
test_pdfx(void)
{
	const struct builtin *b = builtin_get(
	    "generator/icc/FOGRA39L-coated.icc");
	const double brand[4] = { 0, 90, 85, 10 };
	const double red[3] = { 179 / 255.0, 38 / 255.0, 30 / 255.0 };
	const double ink[3] = { 0x16 / 255.0, 0x16 / 255.0, 0x1d / 255.0 };
	const double black[3] = { 0, 0, 0 }, white[3] = { 1, 1, 1 };
	const double grey[3] = { 0.5, 0.5, 0.5 }, blue[3] = { 0.1, 0.3, 0.7 };
	const char *cs = "q 0.7 0.15 0.12 rg /a0 gs BT (Tid [til]) Tj ET "
	    "% a comment\n<< /Span /X >> BDC 1 1 1 RG EMC BI /W 1 /H 1 /CS /G "
	    "/BPC 8 ID \xff EI Q";
	struct pdftok *t;
	struct pdfx *x;
	struct buf got = { NULL, 0, 0 };
	double c[4], prev = 2;
	size_t s, e, at = 0;
	enum pdftok_kind k;
	char *why = NULL;
	int i, bad = 0, ops = 0;

	CHECK(b != NULL);
	x = pdfx_new((const unsigned char *)b->data, b->len, "FOGRA39", 0,
	    &why);
	CHECK(x != NULL && why == NULL);
	if (x == NULL)
		return;
	pdfx_cmyk(x, red, c);
	/* No brand yet: the profile's own separation, K and all. */
	CHECK(c[0] < 0.05 && c[1] > 0.7 && c[3] > 0.15 && c[3] != 0.1);
	pdfx_brand(x, "#b3261e", brand);
	pdfx_cmyk(x, red, c);
	CHECK(c[0] == 0 && c[1] == 0.9 && c[2] == 0.85 && c[3] == 0.1);
	pdfx_cmyk(x, ink, c);
	CHECK(c[0] == 0 && c[1] == 0 && c[2] == 0 && c[3] == 1);
	pdfx_cmyk(x, black, c);
	CHECK(c[0] == 0 && c[1] == 0 && c[2] == 0 && c[3] == 1);
	pdfx_cmyk(x, white, c);
	CHECK(c[0] == 0 && c[1] == 0 && c[2] == 0 && c[3] == 0);
	pdfx_cmyk(x, grey, c);
	CHECK(c[0] == 0 && c[1] == 0 && c[2] == 0 && c[3] > 0.3 &&
	    c[3] < 0.8);
	/* Greys darken as K grows, and stay K alone. */
	for (i = 1; i < 20; i++) {
		double g[3] = { i / 20.0, i / 20.0, i / 20.0 };

		pdfx_cmyk(x, g, c);
		if (c[0] + c[1] + c[2] != 0 || c[3] > prev)
			bad++;
		prev = c[3];
	}
	CHECK(bad == 0);
	pdfx_cmyk(x, blue, c);
	CHECK(c[0] > 0.6 && c[1] > 0.2 && c[2] < 0.2);
	CHECK(strcmp(pdfx_condition(x), "FOGRA39") == 0);
	pdfx_free(x);
	/* Not a CMYK output profile: refused, said why. */
	x = pdfx_new((const unsigned char *)"not icc", 7, "X", 0, &why);
	CHECK(x == NULL && why != NULL);
	free(why);

	t = pdftok_new((const unsigned char *)cs, strlen(cs));
	while ((k = pdftok_next(t, &s, &e)) != PT_EOF && k != PT_BAD) {
		if (s != at)
			bad++;
		buf_put(&got, cs + s, e - s);
		at = e;
		ops += k == PT_OP;
	}
	pdftok_free(t);
	CHECK(k == PT_EOF && bad == 0);
	CHECK(got.len == strlen(cs) && memcmp(got.data, cs, got.len) == 0);
	CHECK(ops == 13);
	buf_free(&got);
}

/* A message in another language is hyphenated by its own dictionary. */
static void
test_hyph_lang(void)
{
	struct print_set ps;
	struct hyph_lang other = { (char *)"da", NULL };
	char *h;

	memset(&ps, 0, sizeof(ps));
	other.dict = hnj_hyphen_load("/usr/share/hyphen/hyph_da_DK.dic");
	CHECK(other.dict != NULL);
	ps.hyphs = &other;
	ps.nhyphs = 1;
	h = words_hyphenate(&ps, "da", "velfærdsnedskæringerne", 0);
	CHECK(strstr(h, "\xc2\xad") != NULL);	/* U+00AD */
	g_free(h);
	/* The site's (none here) for the site's language, and none for
	   a language without a dictionary. */
	h = words_hyphenate(&ps, NULL, "velfærdsnedskæringerne", 0);
	CHECK(strcmp(h, "velfærdsnedskæringerne") == 0);
	g_free(h);
	h = words_hyphenate(&ps, "ar", "velfærdsnedskæringerne", 0);
	CHECK(strcmp(h, "velfærdsnedskæringerne") == 0);
	g_free(h);
	if (other.dict != NULL)
		hnj_hyphen_free(other.dict);
}

int
main(void)
{
	xmlInitParser();
	test_front_matter();
	test_yaml_positions();
	test_dates();
	test_lang();
	test_slugs_paths();
	test_markdown();
	test_templates();
	test_maps();
	test_strings();
	test_hyphenate_filter();
	test_sha();
	test_keys();
	test_out_check();
	test_manifest();
	test_stamp();
	test_fitting();
	test_build_twice();
	test_pdfx();
	test_hyph_lang();
	xmlCleanupParser();
	printf("unit: %d passed, %d failed\n", S_pass, S_fail);
	return S_fail != 0;
}
