/*
 * build.c: one whole build: load, plan, run.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rally.h"
#include "extern.h"

/*
 * Prepares site for root: the clock (SOURCE_DATE_EPOCH wins) and the
 * resolved root.  Returns 1, or 0 if root cannot be used.
 */
int
site_init(struct site *site, const char *root, int drafts)
{
	char real[PATH_MAX];
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long t;

	memset(site, 0, sizeof(*site));
	if (realpath(root, real) == NULL) {
		fprintf(stderr, "rally: %s: %s\n", root, strerror(errno));
		return 0;
	}
	site->root = xstrdup(root);
	site->rroot = xstrdup(real);
	site->drafts = drafts;
	site->now = time(NULL);
	if (sde != NULL && *sde != '\0') {
		errno = 0;
		t = strtoll(sde, &end, 10);
		if (*end != '\0' || errno != 0 || t < 0) {
			fprintf(stderr, "rally: SOURCE_DATE_EPOCH is not a "
			    "number of seconds: %s\n", sde);
			free(site->root);
			free(site->rroot);
			return 0;
		}
		site->now = (time_t)t;
	}
	date_from_time(site->now, &site->today);
	return 1;
}

/* Builds the campaign; returns 0 (success), 1 (content) or 2 (usage). */
int
build(const struct opts *o)
{
	struct site site;
	struct tmpl_set *ts = NULL;
	struct print_set *ps = NULL;
	struct jobs js = { NULL, 0, 0 };
	int rc = 1, web, print;

	web = o->only == NULL || strcmp(o->only, "web") == 0;
	print = o->only == NULL || strcmp(o->only, "print") == 0;
	if (!site_init(&site, o->root, o->drafts))
		return 2;
	if (!load_site(&site))
		goto out;
	if (print && (ps = print_load(&site)) == NULL)
		goto out;
	if (web && (ts = tmpl_load(&site, "layouts/web")) == NULL)
		goto out;
	/* The catalogue first: the downloads page lists it. */
	print_plan(&site, print ? ps : NULL, &js, o->marks);
	if (web) {
		if (print_count(ps) > 0)
			model_downloads(&site);
		plan_web(&site, ts, &js);
	}
	if (!plan_check(&js))
		goto out;
	if (!run_jobs(&site, &js, o))
		goto out;
	rc = 0;
out:
	if (rc != 0 && !o->quiet)
		fprintf(stderr, "rally: build failed; %s is unchanged\n",
		    o->out);
	jobs_free(&js);
	print_plan_free();
	print_free(ps);
	tmpl_free(ts);
	tmpl_forget_errors();
	site_free(&site);
	return rc;
}
