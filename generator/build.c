/*
 * build.c: one whole build: load, plan, run.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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
	site->nerr0 = diag_count();
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
	/* Today in the site's time zone comes with site.yml (lang.c). */
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
	struct buf snap = { NULL, 0, 0 };
	int rc = 1, web, print;
	char keyopts[64];
	long fresh;

	web = o->only == NULL || strcmp(o->only, "web") == 0;
	print = o->only == NULL || strcmp(o->only, "print") == 0;
	if (!site_init(&site, o->root, o->drafts))
		return 2;
	/* Options that change what is written are part of every key. */
	snprintf(keyopts, sizeof(keyopts), "drafts=%d marks=%d", o->drafts,
	    o->marks);
	/* Nothing changed since the last full build: done. */
	stamp_take(&site, keyopts, &snap);
	if (o->only == NULL && (fresh = stamp_fresh(o->out, &snap)) >= 0) {
		run_tidy(o->out);	/* what a killed build left */
		if (!o->quiet)
			fprintf(stderr, "rally: built 0 files, %ld up to "
			    "date, in %.2f s\n", fresh, run_clock() - o->start);
		rc = 0;
		goto out;
	}
	if (!load_site(&site))
		goto out;
	if (print && (ps = print_load(&site)) == NULL)
		goto out;
	if (web && (ts = tmpl_load(&site, "layouts/web")) == NULL)
		goto out;
	/* The catalogue first: the downloads page lists it. */
	if (web && print && print_count(ps) > 0)
		model_downloads(&site);
	print_plan(&site, print ? ps : NULL, &js, o->marks);
	if (print && print_count(ps) > 0) {
		print_plan_kit(&site, ps, &js);
		print_plan_proofs(&site, ps, &js);
	}
	if (web)
		plan_web(&site, ts, &js);
	if (!plan_check(&js))
		goto out;
	keys_init(&site, keyopts);
	keys_jobs(&site, &js);
	if (!run_jobs(&site, &js, o))
		goto out;
	if (!stamp_save(o->out, &snap, o->only == NULL))
		goto out;
	rc = 0;
out:
	if (rc != 0 && !o->quiet)
		fprintf(stderr, "rally: build failed; %s is unchanged\n",
		    o->out);
	buf_free(&snap);
	keys_free();
	jobs_free(&js);
	print_free(ps);
	tmpl_free(ts);
	tmpl_forget_errors();
	site_free(&site);
	return rc;
}

static int
S_flyer_usage(const char *msg)
{
	if (msg != NULL)
		fprintf(stderr, "rally flyer: %s\n", msg);
	fputs("usage: rally flyer --area SLUG (--org SLUG | --name NAME) "
	    "[--event SLUG]\n"
	    "                   [--message N] [--size A5] [--layout NAME] "
	    "[--root DIR]\n"
	    "                   [--logo FILE] [--contact TEXT] [--url URL] "
	    "[--title TEXT]\n"
	    "                   [--date YYYY-MM-DD] [--time HH:MM] "
	    "[--place TEXT] [--marks]\n"
	    "                   -o FILE.pdf\n", stderr);
	return 2;
}

/*
 * rally flyer: one co-branded flyer, without building the site.
 * Returns the exit status: 0, 1 (content) or 2 (arguments).
 */
int
flyer(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "org", required_argument, NULL, 'g' },
		{ "area", required_argument, NULL, 'a' },
		{ "event", required_argument, NULL, 'e' },
		{ "message", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "layout", required_argument, NULL, 'l' },
		{ "name", required_argument, NULL, 'N' },
		{ "logo", required_argument, NULL, 'L' },
		{ "contact", required_argument, NULL, 'C' },
		{ "url", required_argument, NULL, 'U' },
		{ "title", required_argument, NULL, 'T' },
		{ "date", required_argument, NULL, 'D' },
		{ "time", required_argument, NULL, 't' },
		{ "place", required_argument, NULL, 'P' },
		{ "marks", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const char *root = ".", *orgs = NULL, *areas = NULL, *evs = NULL;
	const char *size = "A5", *layout = "org-flyer", *name = NULL;
	const char *logo = NULL, *contact = NULL, *url = NULL, *title = NULL;
	const char *date = NULL, *tim = NULL, *place = NULL, *out = NULL;
	struct site site;
	struct print_set *ps = NULL;
	struct buf b[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	struct val *org = NULL, *area, *event = NULL;
	char *end, *rlogo = NULL, real[PATH_MAX];
	long msg = 1;
	size_t n;
	int c, rc = 1, marks = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", lo, NULL)) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 'g': orgs = optarg; break;
		case 'a': areas = optarg; break;
		case 'e': evs = optarg; break;
		case 's': size = optarg; break;
		case 'l': layout = optarg; break;
		case 'N': name = optarg; break;
		case 'L': logo = optarg; break;
		case 'C': contact = optarg; break;
		case 'U': url = optarg; break;
		case 'T': title = optarg; break;
		case 'D': date = optarg; break;
		case 't': tim = optarg; break;
		case 'P': place = optarg; break;
		case 'm': marks = 1; break;
		case 'o': out = optarg; break;
		case 'n':
			msg = strtol(optarg, &end, 10);
			if (*end != '\0' || msg < 1 || msg > 1000)
				return S_flyer_usage("--message takes a "
				    "number from 1");
			break;
		default:
			return S_flyer_usage(NULL);
		}
	}
	if (optind != argc)
		return S_flyer_usage("unexpected argument");
	if (out == NULL)
		return S_flyer_usage("-o FILE.pdf is required");
	if (areas == NULL)
		return S_flyer_usage("--area is required");
	if (orgs == NULL && name == NULL)
		return S_flyer_usage("--org SLUG, or --name for an "
		    "organisation not in content/orgs/");
	if (evs != NULL && date != NULL)
		return S_flyer_usage("--event or --date, not both");
	if ((tim != NULL || place != NULL) && date == NULL)
		return S_flyer_usage("--time and --place need --date");
	if (date != NULL) {
		struct date d;

		if (!date_parse(date, &d))
			return S_flyer_usage("bad --date: write YYYY-MM-DD, "
			    "a day that exists");
		if (tim != NULL && time_parse(tim) < 0)
			return S_flyer_usage("bad --time: write HH:MM, "
			    "24-hour");
	}
	if (url != NULL && strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0)
		return S_flyer_usage("--url must start with https:// or "
		    "http://");
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
		    strcasecmp(logo + n - 5, ".jpeg") != 0))
			return S_flyer_usage("--logo must be an SVG, PNG or "
			    "JPEG file");
		rlogo = xstrdup(real);
	}
	if (!site_init(&site, root, 0)) {
		free(rlogo);
		return 2;
	}
	if (!load_site(&site) || (ps = print_load_only(&site, layout)) ==
	    NULL)
		goto out;
	rc = 2;
	if ((area = model_find(&site, K_AREA, areas)) == NULL) {
		fprintf(stderr, "rally flyer: unknown area '%s': no "
		    "content/areas/%s.md\n", areas, areas);
		goto out;
	}
	if (orgs != NULL &&
	    (org = model_find(&site, K_ORG, orgs)) == NULL) {
		fprintf(stderr, "rally flyer: unknown organisation '%s': no "
		    "content/orgs/%s.md\n", orgs, orgs);
		goto out;
	}
	if (evs != NULL &&
	    (event = model_find(&site, K_EVENT, evs)) == NULL) {
		fprintf(stderr, "rally flyer: unknown event '%s': no "
		    "content/events/%s.md\n", evs, evs);
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
		map_set_str(&site.pool, org, "qr_url", url != NULL ? url :
		    map_str(area, "abs_url"));
	}
	if (name != NULL)
		map_set_str(&site.pool, org, "name", name);
	if (rlogo != NULL)
		map_set_str(&site.pool, org, "logo", rlogo);
	if (contact != NULL)
		map_set_str(&site.pool, org, "contact", contact);
	if (url != NULL) {
		map_set_str(&site.pool, org, "website", url);
		map_set_str(&site.pool, org, "qr_url", url);
	}
	if (date != NULL)
		event = model_event(&site, title != NULL ? title :
		    map_str(area, "headline"), date, tim, place);
	else if (event == NULL)
		event = map_get(org, "next_event");
	rc = print_one(&site, ps, layout, org, area, (int)msg, event, size,
	    rlogo, marks, b);
	if (rc == 0 && !file_write_atomic(out, b[0].data, b[0].len)) {
		fprintf(stderr, "rally flyer: cannot write %s: %s\n", out,
		    strerror(errno));
		rc = 1;
	}
out:
	buf_free(&b[0]);
	buf_free(&b[1]);
	print_free(ps);
	tmpl_forget_errors();
	site_free(&site);
	free(rlogo);
	return rc;
}
