/*
 * tmpl.h: private to the template engines: tmpl.c expands a layout's
 * libxml2 tree (the reference, and how layouts are read, checked and
 * reported on); tmplc.c compiles each layout once into a program that
 * writes pages straight into a buffer, and falls back to tmpl.c for
 * a page whenever anything goes wrong, so errors stay tmpl.c's.
 */
#ifndef TMPL_H
#define TMPL_H

#include <pthread.h>

#include <glib.h>
#include <libxml/tree.h>

#define TMPL_DEPTH 16	/* includes and extends, nested */

struct cprog;

struct tfile {
	char		*name;	/* "base" for base.html (owned) */
	char		*path;	/* "layouts/web/base.html" (owned) */
	xmlDocPtr	 doc;
	unsigned	 needs;	/* what its own expressions read (NEED_) */
	char		**uses;	/* templates it includes or extends (owned,
				   NULL-terminated) */
	struct cprog	*prog;	/* compiled, as a page's layout, or NULL:
				   pages use the tree (owned, tmplc.c) */
};

/* Template errors reported, so each is reported once per build. */
struct seen {
	pthread_mutex_t	 mx;
	GHashTable	*keys;	/* "file:line:message" (owned) */
};

/*
 * A language's hyphenation dictionary, loaded before pages render in
 * threads, and the words it has hyphenated: a title is hyphenated on
 * its page and in every list that shows it, and its long words recur
 * ("Pressemeddelelse").
 */
struct tdict {
	char			*lang;	/* "sv" (owned) */
	struct _HyphenDict	*dict;	/* or NULL: none (owned) */
	pthread_mutex_t		 mx;	/* guards words */
	GHashTable		*words;	/* word -> hyphenated (owned), or
					   NULL: none kept */
};

struct tmpl_set {
	struct tfile	*v;
	size_t		 len;
	struct seen	*seen;	/* owned; pages render in threads */
	const char	*lang;	/* the site's language (site->lang) */
	struct tdict	**dicts;	/* of every language of the pages */
	size_t		 ndicts;
};

/* tmpl.c: shared with the compiler, so both read expressions alike. */
const struct tfile *tmpl_find(const struct tmpl_set *ts, const char *name);
const char	*tmpl_find_op(const char *s, const char *op);
char		*tmpl_trim(const char *s, size_t n);
int		 tmpl_equal(const struct val *a, const struct val *b);
const struct val *tmpl_step(struct pool *pool, const struct val *v,
		    const char *seg);
const struct val *tmpl_filter(struct pool *pool, const struct val *v,
		    const char *f, struct tdict *td, int *unknown);
struct tdict	*tmpl_dict(const struct tmpl_set *ts,
		    const struct scope *sc);
struct tdict	*tmpl_filter_dict(const struct tmpl_set *ts,
		    const struct scope *sc, const char *f, struct pool *pool,
		    struct tdict *page);
int		 tmpl_is_url_attr(const char *a);
struct val	*tmpl_loop(struct pool *pool, size_t i, size_t n);

/* tmplc.c */
struct cprog	*tmplc_compile(const struct tmpl_set *ts, const char *name);
void		 tmplc_free(struct cprog *p);

#endif
