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


/* Adds a job; out is copied, src is taken (owned by the job). */
struct job *
jobs_add(struct jobs *js, const char *out, job_fn fn, struct doc *d,
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
	return j;
}

void
jobs_free(struct jobs *js)
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
		jobs_add(arg, rel, web_copy, NULL, xstrdup(rel), NULL);
	return 1;
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
		jobs_add(js, b->name, web_builtin, NULL, NULL, (void *)b);
	}
}

static int
S_cmpjob(const void *a, const void *b)
{
	return strcmp(((const struct job *)a)->out,
	    ((const struct job *)b)->out);
}

/* Refuses two jobs writing one file, and any path leaving the out dir. */
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
	char *out;
	size_t i;

	for (i = 0; i < site->ndocs; i++) {
		d = site->docs[i];
		if (d->out == NULL)
			continue;
		jobs_add(js, d->out, web_page, d, NULL, ts)->phase =
		    d->phase;
		if (d->kind == K_EVENT) {
			out = xasprintf("events/%s.ics", d->slug);
			jobs_add(js, out, web_ics, d, NULL, NULL);
			free(out);
		}
	}
	jobs_add(js, "feed.atom", web_atom, NULL, NULL, NULL);
	jobs_add(js, "events.ics", web_ics, NULL, NULL, NULL);
	jobs_add(js, "sitemap.xml", web_sitemap, NULL, NULL, NULL);
	jobs_add(js, "robots.txt", web_robots, NULL, NULL, NULL);
	dir_walk(site, "assets", TREE_DEPTH, S_asset, js);
	S_builtin_assets(site, js);
}
