/*
 * build.c: one whole build: load, plan, run.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "rally.h"
#include "extern.h"

/* Builds the campaign; returns 0 (success), 1 (content) or 2 (usage). */
int
build(const struct opts *o)
{
	struct site site;
	struct buf snap = { NULL, 0, 0 };
	int rc = 1, web, print;
	char keyopts[64];
	long fresh;

	web = o->only == NULL || strcmp(o->only, "web") == 0;
	print = o->only == NULL || strcmp(o->only, "print") == 0;
	if (!site_init(&site, o->root, o->drafts))
		return 2;
	site.workers = o->jobs;
	/* Options that change what is written are part of every key. */
	snprintf(keyopts, sizeof(keyopts), "drafts=%d marks=%d", o->drafts,
	    o->marks);
	/* Nothing changed since the last full build: done. */
	stamp_take(&site, keyopts, &snap);
	/* An --only build is done too if a full one made the same. */
	if ((fresh = stamp_fresh(o->out, &snap, o->only)) >= 0 ||
	    (o->only != NULL && (fresh = stamp_fresh(o->out, &snap,
	    NULL)) >= 0)) {
		run_tidy(o->out);	/* what a killed build left */
		if (!o->quiet)
			fprintf(stderr, "rally: built 0 files, %ld up to "
			    "date, in %.2f s\n", fresh, run_clock() - o->start);
		rc = 0;
		goto out;
	}
	if (!load_site(&site) || !model_link(&site))
		goto out;
	if (print && (site.print = print_load(&site)) == NULL)
		goto out;
	if (web && (site.tmpl = tmpl_load(&site, "layouts/web")) == NULL)
		goto out;
	/* The catalogue first: the downloads page lists it. */
	if (web && print && print_count(site.print) > 0)
		model_downloads(&site);
	print_plan(&site, site.print, &site.jobs, o->marks);
	if (print_count(site.print) > 0) {
		print_plan_kit(&site, site.print, &site.jobs);
		print_plan_proofs(&site, site.print, &site.jobs);
	}
	if (web)
		plan_web(&site, site.tmpl, &site.jobs);
	if (!plan_check(&site.jobs) ||
	    (web && !plan_links(&site, &site.jobs, print)))
		goto out;
	site.keys = keys_init(&site, keyopts);
	keys_jobs(site.keys, &site.jobs);
	if (!run_jobs(&site, &site.jobs, o))
		goto out;
	if (!stamp_save(o->out, &snap, o->only))
		goto out;
	rc = 0;
out:
	if (rc != 0 && !o->quiet)
		fprintf(stderr, "rally: build failed; %s is unchanged\n",
		    o->out);
	buf_free(&snap);
	site_free(&site);
	return rc;
}

/*
 * rally flyer: one co-branded flyer, without building the site, from
 * options main.c has checked.  Returns 0, 1 (content) or 2 (arguments).
 */
int
build_flyer(const struct flyer_opts *fo)
{
	const char *logo = fo->logo, *date = fo->date;
	struct site site;
	struct buf b[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	struct val *org = NULL, *area, *event = NULL;
	char *rlogo = NULL, real[PATH_MAX];
	size_t n;
	int rc = 1;

	if (logo != NULL) {
		n = strlen(logo);
		if (realpath(logo, real) == NULL || access(real, R_OK) != 0) {
			fprintf(stderr, "rally flyer: logo %s: %s\n", logo,
			    strerror(errno));
			return 2;
		}
		if (n < 5 || (strcasecmp(logo + n - 4, ".svg") != 0 &&
		    strcasecmp(logo + n - 4, ".png") != 0 &&
		    strcasecmp(logo + n - 4, ".jpg") != 0 &&
		    strcasecmp(logo + n - 5, ".jpeg") != 0)) {
			fprintf(stderr, "rally flyer: --logo must be an SVG, "
			    "PNG or JPEG file\n");
			return 2;
		}
		rlogo = xstrdup(real);
	}
	if (!site_init(&site, fo->root, 0)) {
		free(rlogo);
		return 2;
	}
	if (!load_site(&site) || !model_link(&site) ||
	    (site.print = print_load_only(&site, fo->layout)) == NULL)
		goto out;
	rc = 2;
	if ((area = model_find(&site, K_AREA, fo->area)) == NULL) {
		fprintf(stderr, "rally flyer: unknown area '%s': no "
		    "content/areas/%s.md\n", fo->area, fo->area);
		goto out;
	}
	if (fo->org != NULL &&
	    (org = model_find(&site, K_ORG, fo->org)) == NULL) {
		fprintf(stderr, "rally flyer: unknown organisation '%s': no "
		    "content/orgs/%s.md\n", fo->org, fo->org);
		goto out;
	}
	if (fo->event != NULL &&
	    (event = model_find(&site, K_EVENT, fo->event)) == NULL) {
		fprintf(stderr, "rally flyer: unknown event '%s': no "
		    "content/events/%s.md\n", fo->event, fo->event);
		goto out;
	}
	if (org == NULL) {
		/* A union that is not in content/: its details as given. */
		org = val_new(&site.pool, V_MAP, NULL);
		map_set_str(&site.pool, org, "slug", "flyer");
		map_set(org, "areas", val_new(&site.pool, V_LIST, NULL));
		map_set(org, "events", val_new(&site.pool, V_LIST, NULL));
		map_set(org, "upcoming_events", val_new(&site.pool, V_LIST,
		    NULL));
		map_set_str(&site.pool, org, "qr_url", fo->url != NULL ?
		    fo->url : map_str(area, "abs_url"));
	}
	if (fo->name != NULL)
		map_set_str(&site.pool, org, "name", fo->name);
	if (rlogo != NULL)
		map_set_str(&site.pool, org, "logo", rlogo);
	if (fo->contact != NULL)
		map_set_str(&site.pool, org, "contact", fo->contact);
	if (fo->url != NULL) {
		map_set_str(&site.pool, org, "website", fo->url);
		map_set_str(&site.pool, org, "qr_url", fo->url);
	}
	if (date != NULL)
		event = model_event(&site, fo->title != NULL ? fo->title :
		    map_str(area, "headline"), date, fo->time, fo->place);
	else if (event == NULL)
		event = map_get(org, "next_event");
	rc = print_one(&site, site.print, fo->layout, org, area, (int)fo->message,
	    event, fo->size, rlogo, fo->marks, b);
	if (rc == 0 && !file_write_atomic(fo->out, b[0].data, b[0].len)) {
		fprintf(stderr, "rally flyer: cannot write %s: %s\n", fo->out,
		    strerror(errno));
		rc = 1;
	}
out:
	buf_free(&b[0]);
	buf_free(&b[1]);
	site_free(&site);
	free(rlogo);
	return rc;
}
