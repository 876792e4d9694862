/*
 * build.c: one whole build: load, plan, run.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <glib.h>

#include "rally.h"
#include "extern.h"

/* The last build's model, when the process exits after it (volatile:
   written, never read, a compiler would drop it, and LeakSanitizer
   would call the model lost). */
static struct site *volatile S_kept;

/* Builds the campaign; returns 0 (success), 1 (content) or 2 (usage). */
int
build(const struct opts *o)
{
	struct site site;
	struct buf snap = { NULL, 0, 0 };
	struct stat st;
	int rc = 1, web, print, made;
	char keyopts[128];
	double t[5];	/* when each stage ended, for --verbose */
	long fresh;

	web = o->only == NULL || strcmp(o->only, "web") == 0;
	print = o->only == NULL || strcmp(o->only, "print") == 0;
	if (!site_init(&site, o->root, o->drafts))
		return 2;
	site.workers = o->jobs;
	site.pdfx = o->pdfx;
	site.internal = o->internal;
	/* One build at a time in an output directory, a real one. */
	made = lstat(o->out, &st) == -1 && errno == ENOENT;
	if ((site.outlock = out_lock(&site, o->out, 1)) < 0) {
		rc = site.outlock == -3 ? 1 : 2;
		/* Made and refused: not there before.  (Busy: the other
		   build's now.) */
		if (made && site.outlock != -3)
			rmdir(o->out);
		site_free(&site);
		return rc;
	}
	/* Options that change what is written are part of every key. */
	snprintf(keyopts, sizeof(keyopts), "drafts=%d internal=%d marks=%d "
	    "pdfx=%d", o->drafts, o->internal, o->marks, o->pdfx);
	/*
	 * The last build's files are looked for on a thread of their own
	 * (run_precheck), while the snapshot is taken and, if the build
	 * has work, while the campaign loads: a no-op build needs them
	 * all there, the jobs skip those that are.
	 */
	site.pre = run_precheck(o->out);
	/* Nothing changed since the last full build: done. */
	stamp_take(&site, keyopts, &snap);
	t[0] = run_clock();
	/* An --only build is done too if a full one made the same. */
	if ((fresh = stamp_fresh(o->out, &snap, o->only, o->jobs,
	    site.pre)) >= 0 || (o->only != NULL && (fresh =
	    stamp_fresh(o->out, &snap, NULL, o->jobs, site.pre)) >= 0)) {
		run_tidy(o->out);	/* what a killed build left */
		if (!o->quiet)
			fprintf(stderr, "rally: built 0 files, %ld up to "
			    "date, in %.2f s\n", fresh, run_clock() - o->start);
		rc = 0;
		goto out;
	}
	if (!load_site(&site))
		goto out;
	t[1] = run_clock();
	if (!model_link(&site))
		goto out;
	t[2] = run_clock();
	/*
	 * A page held back by publish: is not in the model, so the keys of
	 * the pages that would list it change when it comes out; but no
	 * stamp may skip that build: one that names the moment never
	 * matches the next build's snapshot.
	 */
	if (site.held != NULL)
		buf_printf(&snap, "held until %lld\n",
		    (long long)site.held_until);
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
		print_plan_timeline(&site, &site.jobs);
	}
	if (web)
		plan_web(&site, site.tmpl, &site.jobs);
	if (!plan_check(&site.jobs) ||
	    (web && !plan_links(&site, &site.jobs, print)))
		goto out;
	t[3] = run_clock();
	/*
	 * And whether the print material is planned: pages list it (the
	 * downloads page, an organisation's material, Open Graph images),
	 * so a page --only web made is not the one a full build makes.
	 * (Not in the stamp: an --only build after a full one of the same
	 * inputs keeps the full build's pages.)
	 */
	g_strlcat(keyopts, print ? " print=1" : " print=0", sizeof(keyopts));
	site.keys = keys_init(&site, keyopts);
	keys_jobs(site.keys, &site.jobs, site.workers);
	t[4] = run_clock();
	if (!run_jobs(&site, &site.jobs, o))
		goto out;
	if (o->verbose)
		fprintf(stderr, "rally: stages (ms): snapshot %.0f, load %.0f, "
		    "link %.0f, plan %.0f, keys %.0f, run %.0f%s\n",
		    (t[0] - o->start) * 1e3, (t[1] - t[0]) * 1e3,
		    (t[2] - t[1]) * 1e3, (t[3] - t[2]) * 1e3,
		    (t[4] - t[3]) * 1e3, (run_clock() - t[4]) * 1e3,
		    getenv("GLIBC_TUNABLES") != NULL &&
		    strstr(getenv("GLIBC_TUNABLES"), "glibc.malloc.hugetlb=1") ?
		    "; malloc asked for huge pages" : "");
	/* A deferred build is not whole: the next one looks closer. */
	if (!o->defer && !stamp_save(o->out, &snap, o->only)) {
		site.partial = 1;	/* the files are new, the stamp not */
		goto out;
	}
	cache_commit(site.cache);
	rc = 0;
out:
	/* A build that ended before its jobs: its thread is done. */
	run_precheck_free(site.pre);
	site.pre = NULL;
	if (rc != 0 && made && !site.partial)
		rmdir(o->out);	/* as it was: not there */
	if (rc != 0 && !o->quiet && site.partial)
		fprintf(stderr, "rally: build failed; %s is partly updated "
		    "(the next build finishes it)\n", o->out);
	else if (rc != 0 && !o->quiet)
		fprintf(stderr, "rally: build failed; %s is unchanged\n",
		    o->out);
	buf_free(&snap);
	/*
	 * A process about to exit leaves its model to the kernel: a
	 * million values freed one by one are a sixth of rebuilding a
	 * 10 000-page site for one edit.  It stays reachable (S_kept),
	 * so a leak checker still tells a lost block from these.  rally
	 * serve and the tests free, and so check site_free.
	 */
	if (o->exiting) {
		/* fontconfig keeps offsets, not pointers: a leak checker
		   cannot follow them, so its fonts go now (FcFini). */
		print_fonts_free(site.fonts);
		site.fonts = NULL;
		S_kept = xmalloc(sizeof(*S_kept));
		*S_kept = site;
	} else if (o->later != NULL) {
		*o->later = xmalloc(sizeof(**o->later));
		**o->later = site;
	} else
		site_free(&site);
	return rc;
}

/*
 * Can -o name the flyer's file?  "-" (standard output), a device or a
 * pipe, a regular file, or a new file in a folder that exists.
 */
static int
S_o_usable(const char *path)
{
	struct stat st;
	char *dir, *slash;
	int ok;

	if (strcmp(path, "-") == 0)
		return 1;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			errno = EISDIR;
		return !S_ISDIR(st.st_mode);
	}
	if (errno != ENOENT)
		return 0;
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	ok = stat(slash != NULL ? dir : ".", &st) == 0 && S_ISDIR(st.st_mode);
	if (ok && access(slash != NULL ? dir : ".", W_OK) == -1)
		ok = 0;
	else if (!ok)
		errno = ENOENT;
	free(dir);
	return ok;
}

/*
 * Writes the flyer to path: a regular file (or a new one) atomically,
 * through a temporary file, keeping a link at path a link; anything
 * else (standard output, a device, a pipe) in place, so -o /dev/null
 * never replaces /dev/null.  Returns 1, or 0 with errno.
 */
static int
S_write_o(const char *path, const char *data, size_t len)
{
	char real[PATH_MAX];
	struct stat st;
	int fd, ok, e;

	if (strcmp(path, "-") == 0)
		return fd_write_all(1, data, len);
	if (stat(path, &st) == -1)
		return errno == ENOENT && file_write_atomic(path, data, len);
	if (S_ISREG(st.st_mode))
		return realpath(path, real) != NULL &&
		    file_write_atomic(real, data, len);
	if ((fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)) == -1)
		return 0;
	ok = fd_write_all(fd, data, len);
	e = errno;
	if (close(fd) == -1 && ok) {
		ok = 0;
		e = errno;
	}
	errno = e;
	return ok;
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
	int rc = 1;

	if (!S_o_usable(fo->out)) {
		fprintf(stderr, "rally flyer: -o %s: %s\n", fo->out,
		    strerror(errno));
		return 2;
	}
	if (logo != NULL) {
		/* The user's own file: checked whole before any work. */
		struct buf lb = { NULL, 0, 0 };
		struct pos lp = { logo, 0, 0 };
		char *why = NULL;

		if (realpath(logo, real) == NULL) {
			fprintf(stderr, "rally flyer: --logo %s: %s\n", logo,
			    strerror(errno));
			return 2;
		}
		if (!file_read(real, &lb, &lp) ||
		    (why = image_check(lb.data, lb.len)) != NULL) {
			if (why != NULL)
				fprintf(stderr, "rally flyer: --logo %s: %s\n",
				    logo, why);
			g_free(why);
			buf_free(&lb);
			return 2;
		}
		buf_free(&lb);
		rlogo = xstrdup(real);
	}
	if (!site_init(&site, fo->root, 0)) {
		free(rlogo);
		return 2;
	}
	site.pdfx = fo->pdfx;
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
	if (rc == 0 && !S_write_o(fo->out, b[0].data, b[0].len)) {
		fprintf(stderr, "rally flyer: cannot write %s: %s\n", fo->out,
		    strerror(errno));
		rc = 2;
	}
out:
	buf_free(&b[0]);
	buf_free(&b[1]);
	site_free(&site);
	free(rlogo);
	return rc;
}
