/*
 * new.c: rally new DIR: a campaign to start from, in one of the
 * languages rally has words for.  It builds web and the whole print set
 * at once: a commented site.yml, a home and an about page, an area with
 * two messages, an event, a press release, an organisation with a logo.
 * The files are compiled in (generator/scaffold/), with @key@ filled
 * in from the language's generator/scaffold/words/LANG.yml.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"

/* What is written where; the path may hold @key@ too. */
static const struct {
	const char *from, *to;
} S_files[] = {
	{ "generator/scaffold/site.yml", "content/site.yml" },
	{ "generator/scaffold/index.md", "content/index.md" },
	{ "generator/scaffold/about.md", "content/@about_slug@.md" },
	{ "generator/scaffold/area.md", "content/areas/@area_slug@.md" },
	{ "generator/scaffold/event.md", "content/events/@event_slug@.md" },
	{ "generator/scaffold/press.md", "content/press/@press_slug@.md" },
	{ "generator/scaffold/org.md", "content/orgs/@org_slug@.md" },
	{ "generator/scaffold/logo.svg", "assets/logos/logo.svg" },
	{ "generator/scaffold/org-logo.svg", "assets/logos/@org_slug@.svg" },
	{ "generator/scaffold/gitignore", ".gitignore" },
};

/*
 * Appends text to b with each @key@ replaced by the word of key in
 * words.  Returns 0 (naming the key) when words lacks one: a bug in
 * rally's scaffold, not the user's.
 */
static int
S_fill(struct buf *b, const char *text, const struct val *words)
{
	const char *p, *e, *w;
	char *key;

	for (p = text; (e = strchr(p, '@')) != NULL; p = e) {
		buf_put(b, p, (size_t)(e - p));
		for (w = e + 1; (*w >= 'a' && *w <= 'z') || *w == '_' ||
		    (*w >= '0' && *w <= '9'); w++)
			continue;
		if (*w != '@' || w == e + 1) {	/* an address, a handle */
			buf_putc(b, '@');
			e++;
			continue;
		}
		key = xstrndup(e + 1, (size_t)(w - e - 1));
		if (map_str(words, key) == NULL) {
			fprintf(stderr, "rally new: no word '%s'\n", key);
			free(key);
			return 0;
		}
		buf_puts(b, map_str(words, key));
		free(key);
		e = w + 1;
	}
	buf_puts(b, p);
	return 1;
}

/* Is dir missing, or an empty directory? */
static int
S_empty(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int empty = 1;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT;
	while (empty && (de = readdir(d)) != NULL)
		empty = strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0;
	closedir(d);
	return empty;
}

/* Sets key in words to date d plus days, YYYY-MM-DD. */
static void
S_date(struct pool *pool, struct val *words, const char *key,
    const struct date *d, int days)
{
	struct date x = *d;
	char s[16];

	date_add_days(&x, days);
	snprintf(s, sizeof(s), "%04d-%02d-%02d", x.y, x.m, x.d);
	map_set_str(pool, words, key, s);
}

int
new_campaign(const char *dir, const char *lang)
{
	const struct builtin *b;
	struct pool pool = { NULL };
	struct buf text = { NULL, 0, 0 }, path = { NULL, 0, 0 };
	struct val *words;
	struct date today;
	GTimeZone *utc;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *name, *full;
	size_t i;
	int rc = 1;

	name = xasprintf("generator/scaffold/words/%s.yml", lang);
	b = builtin_get(name);
	free(name);
	if (b == NULL) {
		fprintf(stderr, "rally new: no starter campaign in '%s': "
		    "da, nb, nn, sv, de or en\n", lang);
		return 2;
	}
	if (!S_empty(dir)) {
		fprintf(stderr, "rally new: %s is there and not empty: give "
		    "a new directory\n", dir);
		return 2;
	}
	if (!fm_yaml(&pool, "(built in) scaffold", (const char *)b->data,
	    b->len, 0, &words) || words->type != V_MAP)
		goto out;
	/* The event two weeks ahead, so the home page has a next one. */
	utc = g_time_zone_new_utc();
	date_from_time(sde != NULL && *sde != '\0' ? (time_t)strtoll(sde,
	    NULL, 10) : time(NULL), utc, &today);
	g_time_zone_unref(utc);
	S_date(&pool, words, "event_date", &today, 14);
	S_date(&pool, words, "press_date", &today, 0);
	map_set_str(&pool, words, "lang", lang);
	for (i = 0; i < sizeof(S_files) / sizeof(S_files[0]); i++) {
		text.len = path.len = 0;
		if ((b = builtin_get(S_files[i].from)) == NULL) {
			fprintf(stderr, "rally new: %s is not built in\n",
			    S_files[i].from);
			goto out;
		}
		if (!S_fill(&text, (const char *)b->data, words) ||
		    !S_fill(&path, S_files[i].to, words))
			goto out;
		full = xasprintf("%s/%s", dir, path.data);
		if (!file_write_new(full, text.data, text.len)) {
			fprintf(stderr, "rally new: cannot write %s: %s\n",
			    full, strerror(errno));
			free(full);
			goto out;
		}
		free(full);
	}
	printf("rally: a new campaign in %s (%s). Next:\n"
	    "  cd %s\n"
	    "  rally build          the site and the print material, in out/\n"
	    "Then change the words in content/ and build again.\n",
	    dir, lang, dir);
	rc = 0;
out:
	buf_free(&text);
	buf_free(&path);
	pool_free(&pool);
	return rc;
}
