/*
 * rally: data structures shared by every stage.
 *
 * Out-of-memory policy: every allocation goes through xmalloc() and
 * friends in util.c, which print a message and abort().  A CLI that
 * cannot allocate a few bytes has nothing sensible left to do.
 */
#ifndef RALLY_H
#define RALLY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <libxml/tree.h>

#define RALLY_VERSION "0.1.0"

/* Limits against pathological input (see README, "Limits"). */
#define LIMIT_FILE_SIZE   (8u * 1024 * 1024) /* one content file, bytes */
#define LIMIT_YAML_NODES  100000             /* nodes after alias expansion */
#define LIMIT_SVG_ELEMENTS 100000            /* one SVG, <use> expanded */
#define LIMIT_NESTING     64                 /* Markdown/YAML/template depth */
#define LIMIT_PIXELS      100e6              /* one image, width x height */
#define LIMIT_TEXT        10000              /* bytes of one print text frame */
/* One page's template expansion: nodes made, bytes of HTML they hold.
   A 10 000-item list page makes a few hundred thousand nodes; lists
   nested in lists multiply, and would take all memory first. */
#define LIMIT_TMPL_NODES  2000000
#define LIMIT_TMPL_BYTES  (64u * 1024 * 1024)

/*
 * What the built-in layouts take, in characters (README, "Limits of
 * the content"): content within these builds, at every size, in every
 * language rally has words for; beyond them it is an error at the
 * field.  A word is what lies between spaces, hyphens, soft hyphens,
 * dashes and slashes; addresses (@, ://) may be longer.
 */
#define LIM_WORD          45	/* letters of one word */
#define LIM_SITE_TITLE    60
#define LIM_TAGLINE       140
#define LIM_HASHTAG       30
#define LIM_SLOGAN        40
#define LIM_CONTACT       80	/* site contact: email, phone, address */
#define LIM_URL           100	/* base_url, an organisation's url */
#define LIM_AREA_TITLE    40
#define LIM_HEADLINE      90	/* area and message headlines */
#define LIM_MESSAGE       280	/* a message's text */
#define LIM_MESSAGES      8	/* messages of one area */
#define LIM_ORG_NAME      80
#define LIM_ORG_CONTACT   120
#define LIM_EVENT_TITLE   90
#define LIM_PLACE         120	/* an event's place, its address */
#define LIM_KIND          40
#define LIM_CAMPAIGN      280	/* what the campaign does (timeline) */
#define LIM_TITLE         120	/* pages and press releases */

/* A position in a source file; line and col count from 1 (0: unknown). */
struct pos {
	const char	*file;	/* path as shown to the user; not owned */
	int		 line;
	int		 col;
};

/* A growable byte buffer, always NUL-terminated. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

enum vtype {
	V_NULL,
	V_STR,
	V_BOOL,
	V_NUM,
	V_LIST,
	V_MAP,
	V_NODES	/* rendered Markdown, as HTML (md_markup) */
};

/*
 * A value reachable from templates: front matter, site config and the
 * computed model (urls, dates, back-references) all live as values.
 * Values belong to a pool and are freed with it, never one by one, so
 * lists may share them freely.
 */
struct val {
	enum vtype	 type;
	uint32_t	 cap;	/* entries allocated; V_NODES: nodes (here,
				   in the room type leaves: a value is 56
				   bytes, not 64); V_STR: 1 when s lives
				   in the pool (not owned) */
	struct pos	 pos;	/* where the value was written, if anywhere */
	union {	/* by type: a 10k-page model has a million values */
		char		*s;	/* V_STR: the text (owned); V_NULL:
					   a comment YAML took for the value,
					   or NULL (owned); V_NODES: the HTML
					   (owned), len bytes, cap nodes; or
					   NULL while it waits in the cache,
					   items then its place (cache.c:
					   read it with cache_markup) */
		long		 n;	/* V_BOOL, V_NUM */
		struct _GHashTable *index; /* V_MAP of more than MAP_INDEXED
					   keys: key -> position + 1
					   (owned), else NULL */
	};
	size_t		 len;	/* V_LIST, V_MAP: entries used;
				   V_STR, V_NODES: bytes (a string is
				   never changed in place but its
				   length with it) */
	struct val	**items;/* V_LIST items, V_MAP values (owned array) */
	const char	**keys;	/* V_MAP keys (array owned; interned) */
};

/* Keys a map searches in order; a longer one (50 000 tags as keys ...)
   keeps a hash index, made as keys are set, so reads need no lock. */
#define MAP_INDEXED	48

/* Keys linking adds to a page's map (model.c: 19 to a press release),
   the room a page's map is given when it is read. */
#define LINK_ROOM	20

/*
 * Owner of values; pool_free() releases all of them.  Values are made
 * in blocks (a 10k-page model has 300 000 of them: one malloc each
 * was a fifth of their memory and of the time to make and free them).
 * { NULL } is an empty pool.
 */
struct pool {
	struct pool_block	*head;	/* the newest block */
	struct pool_text	*text;	/* the newest block of short
					   strings (val_str) */
};

/* A point in a pool's life, for pool_release() (pool_mark()). */
struct pool_mark {
	struct pool_block	*block;
	size_t			 used;
	struct pool_text	*text;
	size_t			 tused;
};

/* A calendar date. */
struct date {
	int	y, m, d;
};

enum kind {
	K_HOME,
	K_PAGE,
	K_AREA,
	K_EVENT,
	K_PRESS,
	K_ORG,
	K_INDEX	/* generated index pages (areas, events, tags ...) */
};

/* One content file (or generated page) of the site. */
struct doc {
	enum kind	 kind;
	char		*path;	/* source, relative to root (owned) */
	char		*slug;	/* owned */
	char		*url;	/* site-relative URL, "/areas/x/" (owned) */
	char		*out;	/* output file relative to out dir (owned) */
	char		*layout;/* web template name (owned) */
	struct val	*v;	/* the map templates see as "page" */
	char		*excerpt;/* the body's first paragraph, cut
				   (md_markup; owned until the model takes
				   it) */
	struct date	 date;	/* events and press releases */
	struct date	 end;	/* events: the last day (= date: one day) */
	int		 weeks;	/* events: given as ISO weeks, no day */
	int		 draft;
	int		 held;	/* publish: still to come */
	int		 internal;	/* internal: true */
	int		 phase;	/* 1: rendered after the print material */
	char		 hash[65];	/* SHA-256 of the source file */
	char		 listed[65];	/* ... of what other pages can show
				   of it: front matter and excerpt */
	int		 body_line; /* line of the body's first line in path */
	char		*links;	/* its Markdown's links, "a|i LINE COL URL\n"
				   each (owned; NULL: none) */
};


/*
 * What a job's output is made from.  Planning lists them (plan_in());
 * keys.c hashes the list, in order, and nothing else.
 */
enum input_type {
	IN_SITE,	/* rally's version, the options, site.yml, today */
	IN_OUT,		/* the job's own output path */
	IN_PHASE0,	/* the keys of every phase-0 job (phase 1 only) */
	IN_WEB,		/* layouts/web, layouts/labels, rally's own */
	IN_PRINT,	/* layouts/print and labels, assets/, rally's own */
	IN_KIND,	/* every content file of one kind */
	IN_ALL,		/* every content file */
	IN_LISTED,	/* every file of one kind, as lists show it: its
			   front matter and excerpt, not the rest of its
			   body (doc.listed) */
	IN_LISTED_ALL,	/* every content file, so */
	IN_HASH		/* one file: its SHA-256, 64 digits in a char[65]
			   (64 NULs: a page rally made; NULL: none) */
};

/*
 * What a layout reads of the model beyond its own page, found when it
 * is loaded (tmpl_needs): bit 1 << K for the files of kind K, and
 * these.  Planning lists the matching inputs (plan_needs).
 */
#define NEED_ALL	(1u << (K_INDEX + 1))	/* every file: tags */
#define NEED_PRINT	(1u << (K_INDEX + 2))	/* the print catalogue */
#define NEED_PAGE_AREA	(1u << (K_INDEX + 3))	/* page.accent_style: the
						   page's area's colour */
#define NEED_BODIES	(1u << (K_INDEX + 4))	/* the body of another page
						   than its own */

struct input {
	enum input_type	 type;
	enum kind	 kind;	/* IN_KIND */
	const char	*hash;	/* IN_HASH (not owned) */
};

#define JOB_INPUTS	10	/* most inputs a job lists */

struct job;
struct site;
typedef int (*job_fn)(const struct job *, struct site *, struct buf *);

/*
 * One output file and how to make it.  fn fills out[0], and out[1] when
 * the job has a second file (a print sheet's PNG preview).
 */
struct job {
	char		*out;	/* path relative to the out dir (owned) */
	char		*out2;	/* second output, or NULL (owned) */
	int		 phase;	/* 1: runs after every phase-0 job */
	int		 proc;	/* runs in a worker process, not a thread */
	struct input	 in[JOB_INPUTS];	/* what it is made from */
	int		 nin;
	char		 key[65];	/* SHA-256 of in[]; "" = always */
	int		 skip;	/* up to date: not rendered this time */
	int		 defer;	/* not up to date, left for the next build
				   (opts.defer): its old files and manifest
				   lines stay */
	double		 secs;	/* time it took, for --verbose */
	long long	 bytes[2];/* sizes of out, out2 once made (run.c);
				   -1: not there */
	job_fn		 fn;	/* renders the file(s) into buffers */
	struct doc	*doc;	/* the page, for web jobs (not owned) */
	char		*src;	/* source file, for copies (owned) */
	const char	*from;	/* what it is made from, for errors: a
				   page's source, an asset, a print layout
				   (not owned; NULL: rally's own) */
	const char	*about;	/* the content a sheet is for (not owned) */
	void		*arg;	/* renderer data (not owned) */
};

struct jobs {
	struct job	*v;
	size_t		 len;
	size_t		 cap;
};

/* A picture file's kind, by its first bytes (image_kind). */
enum pic {
	PIC_SVG,	/* XML */
	PIC_PNG,
	PIC_JPEG,
	PIC_UNKNOWN
};

/*
 * The whole campaign in memory, and the build's context: everything a
 * build allocates hangs from here and goes with site_free().
 */
struct site {
	char		*root;	/* --root, as given (owned) */
	char		*rroot;	/* realpath of root (owned) */
	int		 rootfd;/* the root, open: every read is beneath it
				   (files.c; owned) */
	struct pool	 pool;	/* every value of the model */
	struct val	*v;	/* the map templates see as "site" */
	struct doc	**docs;	/* every page to render (owned) */
	size_t		 ndocs;
	size_t		 docs_cap;	/* docs allocated (site_doc_add) */
	char		*lang;	/* "da", "nb", "en" ... (owned) */
	char		*base_url; /* without trailing slash (owned) */
	char		*base_path;/* path part of base_url, "" or "/x" (owned) */
	size_t		 feed_entries; /* newest press releases in feed.atom */
	int		 raw_html;  /* site.yml: markdown.raw_html */
	int		 drafts;    /* --drafts */
	int		 internal;  /* --internal */
	time_t		 held_until;/* the first publish: time still to come
				   (0: none): what this build shows changes
				   then */
	char		*held;	/* "path\n" of each item held back by its
				   publish: time (owned; NULL: none) */
	int		 pdfx;	    /* --pdfx: every sheet CMYK PDF/X */
	int		 workers;   /* -j: threads and workers; 0: cores */
	time_t		 now;	/* SOURCE_DATE_EPOCH or the clock */
	struct date	 today;	/* now, in the site's time zone */
	int		 nerr0;	/* diag_count() at site_init: errors since
				   are this build's */
	char		 yml_hash[65];	/* SHA-256 of content/site.yml */
	struct val	*labels;/* every word rally writes (lang.c) */
	struct _GTimeZone *tz;	/* the site's time zone (owned) */
	struct print_fonts *fonts;/* print's fonts, once loaded (owned) */
	struct cache	*cache;	/* parsed files, last build's and this
				   one's (cache.c; owned) */
	struct _GHashTable *seen;/* content file -> its stat, as the
				   snapshot saw it (stamp.c; owned) */
	struct _GHashTable *index;/* "kind/slug" -> doc (model.c; owned) */
	size_t		 nindexed;/* docs in index */
	struct _GHashTable *by_val;/* a page's values -> its doc (owned) */
	struct _GHashTable *left_out;/* "kind/slug" -> why a page is left
				   out (a draft, held, internal), for
				   errors (owned) */
	char		**names;/* file names values point at (owned) */
	struct tmpl_set	*tmpl;	/* the web layouts (owned) */
	struct print_set *print;/* the print layouts and plan (owned) */
	struct jobs	 jobs;	/* every output file (owned) */
	struct keys	*keys;	/* their inputs' digests (owned) */
	struct precheck	*pre;	/* the last build's files, being checked
				   (run.c, run_precheck; owned) */
	size_t		 nnames;
	int		 outlock;/* the output directory, flock()ed for this
				   build (files.c, out_lock), or -1 */
	int		 partial;/* the output was changed, then the build
				   failed: out/ is not as it was */
};

struct opts {
	const char	*root;
	const char	*only;	/* "web", "print" or NULL for both */
	int		 marks;	/* crop marks on every sheet */
	int		 pdfx;	/* CMYK PDF/X for a print shop */
	const char	*out;
	int		 jobs;	/* threads; 0: number of cores */
	int		 drafts;	/* and embargoed items */
	int		 internal;	/* items marked internal: true */
	int		 quiet;
	int		 verbose;
	int		 exiting; /* the process ends after this build */
	struct site	**later; /* when not NULL: the model is handed
				   over here (allocated), to be freed by
				   the caller with site_free and free
				   (rally serve: after the reload) */
	int		 defer;	/* rally serve's first half: the whole
				   site planned, print jobs not up to date
				   left for the next build (run.c) */
	size_t		*web_made; /* when not NULL: the files of the
				   website (not print/) the build made
				   with other bytes than out/ had */
	double		 start;	/* run_clock() when rally started */
};

/* rally serve's options. */
struct serve_opts {
	struct opts	 build;	/* root, out, -j, --drafts, --marks */
	const char	*bind;	/* an IPv4 address: 127.0.0.1 */
	int		 port;
	int		 web_only;	/* --only web: no print after */
};

/* rally flyer's options (NULL: not given), as main.c checked them. */
struct flyer_opts {
	const char	*root;
	const char	*org;	/* an organisation's slug, or ... */
	const char	*name;	/* ... one not in content/orgs/ */
	const char	*area;
	const char	*event;	/* an event's slug, or ... */
	const char	*date;	/* ... one given: YYYY-MM-DD, */
	const char	*time;	/* HH:MM, */
	const char	*place;
	const char	*title;
	long		 message;	/* 1-based */
	const char	*size;	/* NULL: the layout's first */
	const char	*layout;
	const char	*logo;	/* a file, anywhere */
	const char	*contact;
	const char	*url;
	int		 marks;
	int		 pdfx;
	const char	*out;
};

#endif
