/*
 * plan.c: turns the site model into a flat list of jobs, one per
 * output file.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"

#include <glib.h>


/*
 * Adds a job; out is copied, src is taken (owned by the job).  Its
 * inputs begin with the site's settings and its own path; the caller
 * lists the rest with plan_in().
 */
struct job *
plan_add(struct jobs *js, const char *out, job_fn fn, struct doc *d,
    char *src, void *arg)
{
	struct job *j;

	if (js->len == js->cap) {
		js->cap = js->cap ? js->cap * 2 : 64;
		js->v = xrealloc(js->v, js->cap * sizeof(*js->v));
	}
	j = &js->v[js->len++];
	memset(j, 0, sizeof(*j));
	j->out = xstrdup(out);
	j->fn = fn;
	j->doc = d;
	j->src = src;
	j->arg = arg;
	j->from = d != NULL ? d->path : src;
	plan_in(j, IN_SITE, 0, NULL);
	plan_in(j, IN_OUT, 0, NULL);
	return j;
}

/*
 * Lists an input of j: of type t, for IN_KIND the kind k, for IN_HASH
 * a file's SHA-256 (not copied: it must outlive the job; NULL stands
 * for no file).
 */
void
plan_in(struct job *j, enum input_type t, enum kind k, const char *hash)
{
	if (j->nin == JOB_INPUTS) {
		fprintf(stderr, "rally: %s: more than %d inputs\n", j->out,
		    JOB_INPUTS);
		abort();
	}
	j->in[j->nin].type = t;
	j->in[j->nin].kind = k;
	j->in[j->nin++].hash = hash;
}

/*
 * Lists the inputs that needs asks of j (NEED_ bits and 1 << K, what
 * its layout reads, see tmpl_needs): the files of each kind, or every
 * file when the kinds would not fit; the print layouts and assets, and
 * what sheets are planned from, for the print catalogue.  Inputs j
 * lists already are not listed twice.
 */
void
plan_needs(struct job *j, unsigned needs)
{
	unsigned have = 0;
	int i, k, n = 0, print = 0, bodies = (needs & NEED_BODIES) != 0;

	if (needs & NEED_PAGE_AREA)	/* the caller knows if it has one */
		needs |= 1u << K_AREA;
	if (needs & NEED_PRINT)
		needs |= 1u << K_AREA | 1u << K_EVENT | 1u << K_ORG;
	for (i = 0; i < j->nin; i++) {
		if (j->in[i].type == IN_ALL ||
		    (j->in[i].type == IN_LISTED_ALL && !bodies))
			have |= NEED_ALL;
		else if (j->in[i].type == IN_KIND ||
		    (j->in[i].type == IN_LISTED && !bodies))
			have |= 1u << j->in[i].kind;
		else if (j->in[i].type == IN_PRINT)
			print = 1;
	}
	if ((needs & NEED_PRINT) && !print)
		plan_in(j, IN_PRINT, 0, NULL);
	if (have & NEED_ALL)
		return;
	needs &= ~have;
	for (k = 0; k <= K_INDEX; k++)
		n += (needs >> k) & 1;
	/* What lists show of the files, unless the layout reads their
	   bodies. */
	if ((needs & NEED_ALL) || n > JOB_INPUTS - j->nin) {
		plan_in(j, bodies ? IN_ALL : IN_LISTED_ALL, 0, NULL);
		return;
	}
	for (k = 0; k <= K_INDEX; k++)
		if (needs & (1u << k))
			plan_in(j, bodies ? IN_KIND : IN_LISTED,
			    (enum kind)k, NULL);
}

void
plan_free(struct jobs *js)
{
	size_t i;

	for (i = 0; i < js->len; i++) {
		free(js->v[i].out);
		free(js->v[i].out2);
		free(js->v[i].src);
	}
	free(js->v);
	memset(js, 0, sizeof(*js));
}


/* Every file under assets/ is copied to out/assets/. */
static int
S_asset(void *arg, const char *rel, const struct stat *st, const char *why)
{
	struct pos p = { rel, 0, 0 };

	if (st == NULL)
		diag_warn(&p, "skipped: %s", why);
	else if (S_ISREG(st->st_mode))
		plan_in(plan_add(arg, rel, web_copy, NULL, xstrdup(rel), NULL),
		    IN_PRINT, 0, NULL);
	else if (!S_ISDIR(st->st_mode))
		diag_warn(&p, "skipped: not a regular file");
	return 1;
}

/* A file made from the whole site: feeds, sitemap; with listed, from what lists show of each file (not its body). */
static void
S_site_wide(struct job *j, int listed)
{
	plan_in(j, IN_WEB, 0, NULL);
	plan_in(j, listed ? IN_LISTED_ALL : IN_ALL, 0, NULL);
}

/* The default stylesheet, for campaigns that bring none. */
static void
S_builtin_assets(struct site *site, struct jobs *js)
{
	const struct builtin *b;
	char *full;

	for (b = builtins; b->name != NULL; b++) {
		if (strncmp(b->name, "assets/", 7) != 0)
			continue;
		if ((full = path_in_root(site, b->name)) != NULL) {
			free(full);
			continue;
		}
		/* A copy of rally's own bytes: nothing of the content. */
		plan_in(plan_add(js, b->name, web_builtin, NULL, NULL,
		    (void *)b), IN_WEB, 0, NULL);
	}
}

static int
S_cmpjob(const void *a, const void *b)
{
	return strcmp(((const struct job *)a)->out,
	    ((const struct job *)b)->out);
}

/* What a job is made from, for an error: "layouts/print/x.xml (for
   content/areas/y.md)"; owned. */
static char *
S_from(const struct job *j)
{
	if (j->from == NULL)
		return xstrdup("rally's own files");
	if (j->about == NULL)
		return xstrdup(j->from);
	return xasprintf("%s (for %s)", j->from, j->about);
}

/*
 * Refuses two jobs writing one file, any path leaving the out dir, and
 * a job that lists no input besides the site and its path: its file
 * would never be made again.
 */
int
plan_check(struct jobs *js)
{
	size_t i;
	int ok = 1;

	/* Planned: the list keeps the room it uses (a 10k site's jobs had
	   16 384 places for 10 065, 2 MB for the whole build). */
	if (js->len > 0 && js->len < js->cap) {
		js->v = xrealloc(js->v, js->len * sizeof(*js->v));
		js->cap = js->len;
	}
	qsort(js->v, js->len, sizeof(*js->v), S_cmpjob);
	for (i = 0; i < js->len; i++) {
		struct pos p = { js->v[i].from != NULL ? js->v[i].from :
		    js->v[i].out, 0, 0 };
		char *a, *b;

		if (!path_is_safe(js->v[i].out) || (js->v[i].out2 != NULL &&
		    !path_is_safe(js->v[i].out2))) {
			diag_err(&p, "output path '%s' would leave the "
			    "output directory", js->v[i].out);
			ok = 0;
		}
		if (js->v[i].nin <= 2) {
			diag_err(&p, "%s: rally planned it from no input "
			    "(a bug in rally)", js->v[i].out);
			ok = 0;
		}
		if (i > 0 && strcmp(js->v[i].out, js->v[i - 1].out) == 0) {
			/* Both sources: either may be the one to rename. */
			a = S_from(&js->v[i - 1]);
			b = S_from(&js->v[i]);
			/* At the campaign's file, not at rally's own. */
			if (js->v[i - 1].from != NULL && strncmp(js->v[i -
			    1].from, "(built in)", 10) != 0)
				p.file = js->v[i - 1].from;
			diag_err(&p, "two files would be written to %s: one "
			    "made from %s, one from %s; rename one of them",
			    js->v[i].out, a, b);
			free(a);
			free(b);
			ok = 0;
		}
	}
	return ok;
}

/* Plans the website: pages, feeds, calendar files and assets. */
void
plan_web(struct site *site, struct tmpl_set *ts, struct jobs *js)
{
	struct doc *d;
	struct job *j;
	unsigned needs;
	char *out;
	size_t i;

	/* A job a page and a few hundred more, without growing by halves
	   (10k jobs were 6 MB copied and faulted in). */
	if (js->cap < js->len + site->ndocs + 256) {
		js->cap = js->len + site->ndocs + 256;
		js->v = xrealloc(js->v, js->cap * sizeof(*js->v));
	}
	for (i = 0; i < site->ndocs; i++) {
		d = site->docs[i];
		if (d->out == NULL)
			continue;
		/* A page: the web layouts, its file, what its layout reads
		   of other files (recorded when the layouts were loaded). */
		j = plan_add(js, d->out, web_page, d, NULL, ts);
		if ((j->phase = d->phase) == 1)
			plan_in(j, IN_PHASE0, 0, NULL);
		plan_in(j, IN_WEB, 0, NULL);
		plan_in(j, IN_HASH, 0, d->hash);
		needs = tmpl_layout_needs(ts, web_layout(d));
		/* Events and press releases wear their area's colour. */
		if (d->kind != K_EVENT && d->kind != K_PRESS)
			needs &= ~NEED_PAGE_AREA;
		plan_needs(j, needs);
		if (d->kind == K_EVENT) {
			/* An event's calendar file names its area. */
			out = xasprintf("events/%s.ics", d->slug);
			j = plan_add(js, out, web_ics, d, NULL, NULL);
			plan_in(j, IN_HASH, 0, d->hash);
			plan_in(j, IN_KIND, K_AREA, NULL);
			free(out);
		}
	}
	/*
	 * The feed shows the newest press releases whole and their areas'
	 * names; the calendar, the events alone (web.c): an edited press
	 * release makes the calendar no more, an event not the feed.
	 */
	j = plan_add(js, "feed.atom", web_atom, NULL, NULL, NULL);
	plan_in(j, IN_WEB, 0, NULL);
	plan_in(j, IN_KIND, K_PRESS, NULL);
	plan_in(j, IN_LISTED, K_AREA, NULL);
	j = plan_add(js, "events.ics", web_ics, NULL, NULL, NULL);
	plan_in(j, IN_WEB, 0, NULL);
	plan_in(j, IN_KIND, K_EVENT, NULL);
	/* Addresses and dates. */
	S_site_wide(plan_add(js, "sitemap.xml", web_sitemap, NULL, NULL,
	    NULL), 1);
	S_site_wide(plan_add(js, "robots.txt", web_robots, NULL, NULL, NULL),
	    1);
	dir_walk(site, "assets", S_asset, js);
	S_builtin_assets(site, js);
}

/* Is path of the print half of the output (--only print makes it)? */
int
plan_is_print(const char *path)
{
	return strncmp(path, "print/", 6) == 0 ||
	    strncmp(path, "social/", 7) == 0 ||
	    strncmp(path, "logo/", 5) == 0 || strncmp(path, "og/", 3) == 0;
}

/*
 * Does url, written on the page at dir ("om-oss/"), lead to a file the
 * build makes (a key of outs)?  Links with a scheme, "//host" and
 * "#part" are not the site's to check.
 */
static int
S_leads(GHashTable *outs, const char *dir, const char *url, int print)
{
	GPtrArray *stack = g_ptr_array_new();
	GString *path;
	gchar **parts;
	char *u, *whole;
	int ok = 1, i;
	size_t k;

	for (k = 0; g_ascii_isalnum(url[k]) || url[k] == '+' ||
	    url[k] == '-' || url[k] == '.'; k++)
		continue;
	if ((k > 0 && url[k] == ':') || url[0] == '#' || url[0] == '\0' ||
	    strncmp(url, "//", 2) == 0) {
		g_ptr_array_free(stack, TRUE);
		return 1;
	}
	u = g_strndup(url, strcspn(url, "?#"));
	/* "%C3%A6": the file's name as the file system has it, if any. */
	if (strchr(u, '%') != NULL && (whole = g_uri_unescape_string(u,
	    NULL)) != NULL) {
		g_free(u);
		u = whole;
	}
	/* The path from the site's root, "." and ".." resolved. */
	whole = g_strconcat(u[0] == '/' ? "" : dir, u, NULL);
	parts = g_strsplit(whole, "/", -1);
	for (i = 0; parts[i] != NULL; i++) {
		if (strcmp(parts[i], "..") == 0) {
			if (stack->len == 0)
				ok = 0;	/* above the site's root */
			else
				g_ptr_array_remove_index(stack,
				    stack->len - 1);
		} else if (strcmp(parts[i], ".") != 0 && (*parts[i] != '\0' ||
		    parts[i + 1] == NULL))
			g_ptr_array_add(stack, parts[i]);
	}
	path = g_string_new(NULL);
	for (k = 0; k < stack->len; k++)
		g_string_append_printf(path, "%s%s", k > 0 ? "/" : "",
		    (char *)g_ptr_array_index(stack, k));
	if (path->len == 0 || path->str[path->len - 1] == '/')
		g_string_append(path, "index.html");
	if (ok && !g_hash_table_contains(outs, path->str)) {
		g_string_append(path, "/index.html");
		ok = g_hash_table_contains(outs, path->str) ||
		    (!print && plan_is_print(path->str));
	}
	g_string_free(path, TRUE);
	g_ptr_array_free(stack, TRUE);
	g_strfreev(parts);
	g_free(whole);
	g_free(u);
	return ok;
}

/*
 * Links inside the site must lead somewhere: Markdown's links and
 * images ("/om-oss/", "../events/", "/assets/foto.jpg") and site.yml's
 * menu, each to a file this build makes.  One that does not is an error
 * at its line.  Without print (--only web), links into the print half
 * are taken on trust.  Returns 1, or 0 after reporting.
 */
int
plan_links(struct site *site, const struct jobs *js, int print)
{
	GHashTable *outs = g_hash_table_new(g_str_hash, g_str_equal);
	const struct val *nav = map_get(site->v, "nav");
	const char *url, *bp = site->base_path;
	char kind, *line, *save, *links;
	struct pos p;
	size_t i;
	int ok = 1, off;

	for (i = 0; i < js->len; i++) {
		g_hash_table_add(outs, js->v[i].out);
		if (js->v[i].out2 != NULL)
			g_hash_table_add(outs, js->v[i].out2);
	}
	for (i = 0; i < site->ndocs; i++) {
		struct doc *d = site->docs[i];
		const char *dir = d->url != NULL ? d->url : "/";

		/* The page's folder from the site's root: "om-oss/". */
		if (*bp != '\0' && strncmp(dir, bp, strlen(bp)) == 0)
			dir += strlen(bp);
		if (*dir == '/')
			dir++;

		if (d->links == NULL)
			continue;
		links = xstrdup(d->links);
		save = NULL;
		for (line = strtok_r(links, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			p.file = d->path;
			if (sscanf(line, "%c %d %d %n", &kind, &p.line, &p.col,
			    &off) != 3 || S_leads(outs, dir, line + off, print))
				continue;
			if (kind == 'i')
				diag_err(&p, "image '%s' is not in the site: put "
				    "it under assets/ and write its path from "
				    "there, /assets/...", line + off);
			else
				diag_err(&p, "link to '%s': the site has no such "
				    "page or file", line + off);
			ok = 0;
		}
		free(links);
	}
	/* The menu's links, as written (the model put the base path in). */
	for (i = 0; nav != NULL && nav->type == V_LIST && i < nav->len &&
	    map_get(site->v, "nav_default") == NULL; i++) {
		if ((url = map_str(nav->items[i], "url")) == NULL)
			continue;
		if (*bp != '\0' && strncmp(url, bp, strlen(bp)) == 0)
			url += strlen(bp);
		if (!S_leads(outs, "", url, print)) {
			diag_err(&map_get(nav->items[i], "url")->pos, "the menu "
			    "links to '%s': the site has no such page or file",
			    url);
			ok = 0;
		}
	}
	g_hash_table_destroy(outs);
	return ok;
}
