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

/* The kinds a page lists, as a string of kind numbers; NULL: all. */
static const char *
S_lists(const struct doc *d)
{
	switch (d->kind) {
	case K_HOME: return "\2\3\4\5";
	case K_PAGE: return "";
	case K_AREA: return "\3\4\5";
	case K_EVENT: return "\2\5";
	case K_PRESS: return "\2";
	case K_ORG: return "\2\3";
	case K_INDEX:
		if (strcmp(d->slug, "areas") == 0)
			return "\2";
		if (strcmp(d->slug, "orgs") == 0)
			return "\5";
		if (strcmp(d->slug, "404") == 0)
			return "";
		return NULL;	/* events, press, tags, downloads: all */
	}
	return NULL;
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
S_asset(void *arg, const char *rel, const char *full, const struct stat *st)
{
	struct pos p = { rel, 0, 0 };

	(void)full;
	if (st == NULL)
		diag_warn(&p, "skipped: a link to outside the campaign, or "
		    "unreadable");
	else if (S_ISREG(st->st_mode))
		plan_in(plan_add(arg, rel, web_copy, NULL, xstrdup(rel), NULL),
		    IN_PRINT, 0, NULL);
	return 1;
}

/* A file made from the whole site: feeds, sitemap, built-in assets. */
static void
S_site_wide(struct job *j)
{
	plan_in(j, IN_WEB, 0, NULL);
	plan_in(j, IN_ALL, 0, NULL);
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
		S_site_wide(plan_add(js, b->name, web_builtin, NULL, NULL,
		    (void *)b));
	}
}

static int
S_cmpjob(const void *a, const void *b)
{
	return strcmp(((const struct job *)a)->out,
	    ((const struct job *)b)->out);
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

	qsort(js->v, js->len, sizeof(*js->v), S_cmpjob);
	for (i = 0; i < js->len; i++) {
		struct pos p = { js->v[i].doc != NULL ? js->v[i].doc->path :
		    js->v[i].out, 0, 0 };

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
			diag_err(&p, "two files would be written to %s",
			    js->v[i].out);
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
	const char *l;
	char *out;
	size_t i;

	for (i = 0; i < site->ndocs; i++) {
		d = site->docs[i];
		if (d->out == NULL)
			continue;
		/* A page: the web layouts, its file, what it lists. */
		j = plan_add(js, d->out, web_page, d, NULL, ts);
		if ((j->phase = d->phase) == 1)
			plan_in(j, IN_PHASE0, 0, NULL);
		plan_in(j, IN_WEB, 0, NULL);
		plan_in(j, IN_HASH, 0, d->hash);
		if ((l = S_lists(d)) == NULL)
			plan_in(j, IN_ALL, 0, NULL);
		for (; l != NULL && *l != '\0'; l++)
			plan_in(j, IN_KIND, (enum kind)*l, NULL);
		if (d->kind == K_EVENT) {
			/* An event's calendar file names its area. */
			out = xasprintf("events/%s.ics", d->slug);
			j = plan_add(js, out, web_ics, d, NULL, NULL);
			plan_in(j, IN_HASH, 0, d->hash);
			plan_in(j, IN_KIND, K_AREA, NULL);
			free(out);
		}
	}
	S_site_wide(plan_add(js, "feed.atom", web_atom, NULL, NULL, NULL));
	S_site_wide(plan_add(js, "events.ics", web_ics, NULL, NULL, NULL));
	S_site_wide(plan_add(js, "sitemap.xml", web_sitemap, NULL, NULL,
	    NULL));
	S_site_wide(plan_add(js, "robots.txt", web_robots, NULL, NULL, NULL));
	dir_walk(site, "assets", TREE_DEPTH, S_asset, js);
	S_builtin_assets(site, js);
}
