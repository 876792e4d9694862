/*
 * cache.c: content files as the last build parsed them, so that a
 * rebuild reads, parses and digests only the files that changed.
 *
 * Editing one press release of 10 000 made rally read and parse all of
 * them again (YAML, Markdown, SHA-256: 0.18 s of 0.33 s) before it
 * knew which pages to make.  The cache, ROOT/.rally-cache, keeps each
 * file's values, body HTML, excerpt, links and digests, under its
 * inode, size, modification and change times, as git's index does: a
 * file whose stat matches is taken from the cache, any other is read.
 *
 * It lives in the campaign's folder, not in out/: out/ is published,
 * and the cache holds what a page does not show (drafts, embargoed
 * releases, front matter no layout prints).
 *
 * The file: a header naming what else shapes a parse (this rally
 * executable, raw HTML on or off, the base path), then records, one a
 * file.  A build appends the files it parsed; a later record of a
 * path wins.  When the dead records outweigh the live ones, or the
 * header differs, the build writes a new file (in an unnamed file
 * first, then named: a killed build leaves the old one whole).  A
 * record is taken only whole and well formed; a damaged tail ends the
 * reading there.
 *
 * A file modified in the same clock tick as the build read it could
 * keep its stat (a second, on some file systems); such files (changed
 * less than two seconds before the build started) are recorded so
 * that no later build takes them (git's "racily clean" entries): the
 * next build reads them again.
 */
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "rally.h"
#include "extern.h"

#define CACHE_NAME	".rally-cache"
#define CACHE_MAGIC	"rally-cache 1\n"
#define CACHE_MAX	((size_t)1 << 31)	/* bytes: larger is not read */
#define CACHE_VALS	4096	/* values of a file's front matter */
#define CACHE_FLUSH	(1 << 18)	/* bytes kept before a write */

/* A record's place in the last build's file, as read. */
struct rec {
	size_t		 off, len;
	char		 taken;	/* this build took it (only its thread
				   writes it) */
};

struct cache {
	/* The last build's file, as read. */
	char		*map;
	size_t		 maplen;
	int		 mapped;/* map is ours (mmap), not the caller's */
	size_t		 body;	/* where the records start */
	size_t		 end;	/* where the whole ones end */
	struct rec	*rv;	/* every record read, live or dead */
	size_t		 nrecs;
	GHashTable	*recs;	/* rel (in map) -> its last record in rv */
	int		 whole;	/* the file ends after a whole record */
	dev_t		 dev;
	ino_t		 ino;
	/* What this build adds: an unnamed file in the root. */
	char		*header;/* (owned) */
	struct timespec	 since;	/* files changed since: not recorded */
	int		 rootfd;/* not owned */
	int		 fd;	/* the new records; -1: not writing */
	pthread_mutex_t	 mx;
	struct buf	 pend;	/* records not yet written */
	size_t		 flushed;/* bytes written to fd before pend */
	int		 failed;/* a write failed: keep the old file */
	size_t		 nput;	/* records this build made */
	size_t		 nracy;	/* ... of them, racily clean (dead) */
	size_t		 asked, hits;	/* cache_get calls, and answers */
};

/* What shapes a parse besides the file: a line, owned. */
static char *
S_header(const struct site *site)
{
	struct stat st;

	/* This executable (rebuilt: another parser, maybe). */
	if (stat("/proc/self/exe", &st) == -1)
		memset(&st, 0, sizeof(st));
	/* The way bodies were written too: the tests compare the two,
	   and a body cached by one served the other. */
	return xasprintf("%srally %s exe %llu.%llu.%lld.%lld.%09ld raw_html=%d "
	    "md=%s base=%s val=%zu\n", CACHE_MAGIC, RALLY_VERSION,
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	    (long long)st.st_size, (long long)st.st_mtim.tv_sec,
	    st.st_mtim.tv_nsec, site->raw_html, md_through_nodes() ?
	    "nodes" : "straight", site->base_path, sizeof(struct val));
}

/* A cursor over one record; bad once anything does not fit. */
struct rd {
	const char	*p, *end;
	int		 bad;
};

static uint64_t
S_u64(struct rd *r)
{
	uint64_t v;

	if (r->bad || (size_t)(r->end - r->p) < sizeof(v)) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->p, sizeof(v));
	r->p += sizeof(v);
	return v;
}

/* A string: its length, its bytes, a NUL.  NULL for none (or bad). */
static const char *
S_str(struct rd *r, size_t *len)
{
	uint64_t n = S_u64(r);
	const char *s = r->p;

	*len = 0;
	if (r->bad || n == UINT64_MAX)
		return NULL;
	if (n >= (uint64_t)(r->end - r->p) || s[n] != '\0') {
		r->bad = 1;
		return NULL;
	}
	r->p += n + 1;
	*len = (size_t)n;
	return s;
}

static char *
S_strdup(struct rd *r)
{
	size_t len;
	const char *s = S_str(r, &len);

	return s != NULL ? xstrndup(s, len) : NULL;
}

/*
 * Where a body left in the cache is (V_NODES with s NULL: its items
 * point at this, owned by the value): in the last build's file, read
 * (at), or at off in this build's.  A 10k-page site's bodies are 17 MB
 * that wait for the run phase: they wait on disk, in the page cache
 * the kernel can reclaim, and a rebuild reads only the ones it shows.
 */
struct body_ref {
	struct cache	*c;
	const char	*at;
	size_t		 off;
};

/* Appends the HTML of the body v (V_NODES) to out. */
void
cache_markup(const struct val *v, struct buf *out)
{
	const struct body_ref *ref = (const struct body_ref *)v->items;
	struct cache *c;
	size_t done = 0;
	ssize_t r;

	if (v->s != NULL || ref == NULL) {
		if (v->s != NULL)
			buf_put(out, v->s, v->len);
		return;
	}
	if (ref->at != NULL) {
		buf_put(out, ref->at, v->len);
		return;
	}
	c = ref->c;
	buf_grow(out, v->len);
	if (ref->off < c->flushed) {
		/* Written (whole: records are written whole). */
		while (done < v->len) {
			r = pread(c->fd, out->data + out->len + done,
			    v->len - done, (off_t)(ref->off + done));
			if (r <= 0) {
				fprintf(stderr, "rally: .rally-cache: %s\n",
				    r == 0 ? "cut short" : strerror(errno));
				abort();
			}
			done += (size_t)r;
		}
		out->len += v->len;
		out->data[out->len] = '\0';
		return;
	}
	pthread_mutex_lock(&c->mx);
	buf_put(out, c->pend.data + (ref->off - c->flushed), v->len);
	pthread_mutex_unlock(&c->mx);
}

/* Lets the body v wait in the cache: at (the last build's), or at off. */
static void
S_leave(struct cache *c, struct val *v, const char *at, size_t off)
{
	struct body_ref *ref = xmalloc(sizeof(*ref));

	ref->c = c;
	ref->at = at;
	ref->off = off;
	free(v->s);
	v->s = NULL;
	v->items = (struct val **)(void *)ref;
}

/* A value (and what it holds), made in pool, its place in file. */
static struct val *
S_val(struct rd *r, struct pool *pool, const char *file, int depth,
    size_t *budget, struct cache *lazy)
{
	struct pos p = { NULL, 0, 0 };
	struct val *v, *item;
	uint64_t t, n, i;
	const char *key;
	size_t len;

	t = S_u64(r);
	if (S_u64(r))
		p.file = file;
	p.line = (int)S_u64(r);
	p.col = (int)S_u64(r);
	if (r->bad || t > V_NODES || depth > LIMIT_NESTING + 1 || *budget == 0) {
		r->bad = 1;
		return NULL;
	}
	(*budget)--;
	v = val_new(pool, (enum vtype)t, &p);
	switch (v->type) {
	case V_NULL:
		v->s = S_strdup(r);
		break;
	case V_NODES:
		if (lazy != NULL) {
			/* Left where it is, read when a page shows it. */
			const char *at = S_str(r, &len);

			v->cap = (uint32_t)S_u64(r);
			if (at == NULL || strlen(at) != len)
				r->bad = 1;
			else {
				v->len = len;
				S_leave(lazy, v, at, 0);
			}
			break;
		}
		v->s = S_strdup(r);
		v->len = v->s != NULL ? strlen(v->s) : 0;
		v->cap = (uint32_t)S_u64(r);
		if (v->s == NULL)
			r->bad = 1;
		break;
	case V_STR:
		if ((key = S_str(r, &len)) == NULL || strlen(key) != len)
			r->bad = 1;
		else
			val_set_text(pool, v, key, len);
		break;
	case V_BOOL:
	case V_NUM:
		v->n = (long)S_u64(r);
		break;
	case V_LIST:
	case V_MAP:
		n = S_u64(r);
		if (n > *budget) {
			r->bad = 1;
			break;
		}
		/* A page's map: with the room linking will need (load.c
		   S_parse), at once. */
		val_reserve(v, depth == 0 ? (size_t)n + LINK_ROOM : (size_t)n);
		for (i = 0; i < n && !r->bad; i++) {
			key = v->type == V_MAP ? S_str(r, &len) : NULL;
			if (v->type == V_MAP && key == NULL)
				r->bad = 1;
			if (r->bad || (item = S_val(r, pool, file,
			    depth + 1, budget, NULL)) == NULL)
				break;
			if (v->type == V_MAP)
				map_set(v, key, item);
			else
				list_push(v, item);
		}
		break;
	}
	return r->bad ? NULL : v;
}

/* Reads the records of c->map from c->body: c->rv, c->recs, c->end. */
static void
S_index(struct cache *c)
{
	uint64_t len;
	size_t off = c->body, cap = 0, i;
	struct rd r;
	size_t rlen;

	c->whole = 1;
	while (off < c->maplen) {
		if (c->maplen - off < sizeof(len)) {
			c->whole = 0;
			break;
		}
		memcpy(&len, c->map + off, sizeof(len));
		if (len > c->maplen - off - sizeof(len)) {
			c->whole = 0;
			break;
		}
		r.p = c->map + off + sizeof(len);
		r.end = r.p + len;
		r.bad = 0;
		if (S_str(&r, &rlen) == NULL) {
			c->whole = 0;
			break;
		}
		if (c->nrecs == cap) {
			cap = cap ? cap * 2 : 1024;
			c->rv = xrealloc(c->rv, cap * sizeof(*c->rv));
		}
		c->rv[c->nrecs].off = off + sizeof(len);
		c->rv[c->nrecs].len = (size_t)len;
		c->rv[c->nrecs++].taken = 0;
		off += sizeof(len) + (size_t)len;
	}
	c->end = off;
	/* The name comes first in a record; a later one wins. */
	c->recs = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < c->nrecs; i++)
		g_hash_table_replace(c->recs, c->map + c->rv[i].off +
		    sizeof(uint64_t), &c->rv[i]);
}

/* A cache of nothing yet, for site: not writing. */
static struct cache *
S_new(const struct site *site)
{
	struct cache *c = xcalloc(1, sizeof(*c));

	c->header = S_header(site);
	c->rootfd = site->rootfd;
	c->fd = -1;
	pthread_mutex_init(&c->mx, NULL);
	clock_gettime(CLOCK_REALTIME_COARSE, &c->since);
	return c;
}

/* Takes the records of a file's bytes (map, maplen), if its header is
   this build's. */
static void
S_take(struct cache *c)
{
	size_t hl = strlen(c->header);

	if (c->maplen >= hl && memcmp(c->map, c->header, hl) == 0) {
		c->body = hl;
		S_index(c);
	}
}

/* Does the file open on fd start with header (hl bytes)?  Asked
   before mapping it: another rally's file is not read. */
static int
S_header_is(int fd, const char *header, size_t hl)
{
	char *b = xmalloc(hl);
	size_t n = 0;
	ssize_t r;
	int same;

	while (n < hl && (r = pread(fd, b + n, hl - n, (off_t)n)) > 0)
		n += (size_t)r;
	same = n == hl && memcmp(b, header, hl) == 0;
	free(b);
	return same;
}

/*
 * A mapped cache cut short by another program while a build reads it:
 * the page is gone, and so is any way on.  Said, and the build ends
 * before it renames a file into out/ (bodies are read while pages are
 * made, in the staging folder).
 */
static void
S_sigbus(int sig)
{
	static const char msg[] = "rally: .rally-cache was cut short while "
	    "this build read it; build again\n";
	ssize_t r;

	(void)sig;
	r = write(2, msg, sizeof(msg) - 1);
	(void)r;
	_exit(1);
}

static void
S_on_sigbus(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = S_sigbus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

/*
 * The cache of site's last build and a writer for this one's (none
 * when the root cannot hold one).  Free with cache_free.
 */
struct cache *
cache_open(struct site *site)
{
	struct cache *c = S_new(site);
	size_t hl = strlen(c->header);
	struct stat st;
	void *map;
	int fd;

	/*
	 * Only a regular file, through no link, without waiting.  Mapped,
	 * not read: reading copied 27 MB into fresh memory, a tenth of a
	 * one-edit rebuild of 10 000 pages, for bodies a rebuild mostly
	 * never shows.  rally only appends to the file or replaces it
	 * (rename), which leaves a mapping whole; a file cut short under
	 * the build by another program would be a SIGBUS (S_sigbus).
	 */
	fd = openat(site->rootfd, CACHE_NAME, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd != -1 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size > hl && (size_t)st.st_size < CACHE_MAX &&
	    S_header_is(fd, c->header, hl) &&
	    (map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE |
	    MAP_POPULATE, fd, 0)) != MAP_FAILED) {
		S_on_sigbus();
		c->map = map;
		c->maplen = (size_t)st.st_size;
		c->mapped = 1;
		c->dev = st.st_dev;
		c->ino = st.st_ino;
		S_take(c);
	}
	if (fd != -1)
		close(fd);
	/* The new records, in an unnamed file of the root. */
	c->fd = openat(site->rootfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC,
	    0644);
	if (c->fd != -1)
		buf_puts(&c->pend, c->header);
	return c;
}

/*
 * For the fuzz target: a cache read from len bytes at data (the
 * caller's, kept while the cache lives), which writes nothing.  Free
 * with cache_free.  The header it must start with: cache_header.
 */
struct cache *
cache_parse(const struct site *site, const char *data, size_t len)
{
	struct cache *c = S_new(site);

	c->map = (char *)data;
	c->maplen = len;
	S_take(c);
	return c;
}

/* The header a cache of site's builds starts with (owned: free). */
char *
cache_header(const struct site *site)
{
	return S_header(site);
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	if (c->mapped)
		munmap(c->map, c->maplen);
	if (c->recs != NULL)
		g_hash_table_destroy(c->recs);
	free(c->rv);
	if (c->fd != -1)
		close(c->fd);
	pthread_mutex_destroy(&c->mx);
	buf_free(&c->pend);
	free(c->header);
	free(c);
}

/* Is a file's stat the one the record (at r) was made from? */
static int
S_same(struct rd *r, const struct stat *st)
{
	uint64_t v[7];
	size_t i;

	for (i = 0; i < 7; i++)
		v[i] = S_u64(r);
	return !r->bad && v[0] == (uint64_t)st->st_dev &&
	    v[1] == (uint64_t)st->st_ino && v[2] == (uint64_t)st->st_size &&
	    v[3] == (uint64_t)st->st_mtim.tv_sec &&
	    v[4] == (uint64_t)st->st_mtim.tv_nsec &&
	    v[5] == (uint64_t)st->st_ctim.tv_sec &&
	    v[6] == (uint64_t)st->st_ctim.tv_nsec;
}

/*
 * The file rel as the last build parsed it, if st is still its stat:
 * fills d (values in pool, the rest owned by d) and *body, returns 1;
 * else 0, d untouched.  Called by the threads that read files.
 */
int
cache_get(struct cache *c, const char *rel, const struct stat *st,
    struct pool *pool, struct doc *d, struct val **body)
{
	struct rec *rec;
	struct pool_mark mark;
	struct rd r;
	struct val *v, *b;
	const char *s;
	size_t len, budget = CACHE_VALS;
	char *excerpt, *links;
	int line;

	if (c == NULL)
		return 0;
	__atomic_add_fetch(&c->asked, 1, __ATOMIC_RELAXED);
	if (c->recs == NULL ||
	    (rec = g_hash_table_lookup(c->recs, rel)) == NULL)
		return 0;
	r.p = c->map + rec->off;
	r.end = r.p + rec->len;
	r.bad = 0;
	S_str(&r, &len);	/* rel */
	if (!S_same(&r, st))
		return 0;
	line = (int)S_u64(&r);
	s = S_str(&r, &len);
	if (s == NULL || len != 128 || strspn(s, "0123456789abcdef") != 128)
		return 0;
	excerpt = S_strdup(&r);
	links = S_strdup(&r);
	mark = pool_mark(pool);
	v = S_val(&r, pool, d->path, 0, &budget, NULL);
	budget = 1;
	b = v != NULL ? S_val(&r, pool, d->path, 0, &budget, c) : NULL;
	if (r.bad || v == NULL || b == NULL || v->type != V_MAP ||
	    r.p != r.end) {
		pool_release(pool, mark);
		free(excerpt);
		free(links);
		return 0;
	}
	memcpy(d->hash, s, 64);
	d->hash[64] = '\0';
	memcpy(d->listed, s + 64, 64);
	d->listed[64] = '\0';
	d->body_line = line;
	d->excerpt = excerpt;
	d->links = links;
	d->v = v;
	*body = b;
	/* A file is read by one thread: its record's flag is its own. */
	rec->taken = 1;
	__atomic_add_fetch(&c->hits, 1, __ATOMIC_RELAXED);
	return 1;
}

static void
S_put64(struct buf *b, uint64_t v)
{
	buf_put(b, (const char *)&v, sizeof(v));
}

static void
S_putstr(struct buf *b, const char *s, size_t len)
{
	if (s == NULL) {
		S_put64(b, UINT64_MAX);
		return;
	}
	S_put64(b, len);
	buf_put(b, s, len);
	buf_putc(b, '\0');
}

/* Writes v; 0 when it cannot be recorded as it is. */
static int
S_putval(struct buf *b, const struct val *v, const char *file,
    size_t *budget)
{
	size_t i;

	if (*budget == 0 || (v->pos.file != NULL && v->pos.file != file))
		return 0;
	(*budget)--;
	S_put64(b, v->type);
	S_put64(b, v->pos.file != NULL);
	S_put64(b, (uint64_t)v->pos.line);
	S_put64(b, (uint64_t)v->pos.col);
	switch (v->type) {
	case V_NULL:
		S_putstr(b, v->s, v->s != NULL ? strlen(v->s) : 0);
		break;
	case V_STR:
	case V_NODES:
		/* A NUL inside would end it early when read. */
		if (v->s == NULL || strlen(v->s) != v->len)
			return 0;
		S_putstr(b, v->s, v->len);
		if (v->type == V_NODES)
			S_put64(b, v->cap);
		break;
	case V_BOOL:
	case V_NUM:
		S_put64(b, (uint64_t)v->n);
		break;
	case V_LIST:
	case V_MAP:
		S_put64(b, v->len);
		for (i = 0; i < v->len; i++) {
			if (v->type == V_MAP)
				S_putstr(b, v->keys[i], strlen(v->keys[i]));
			if (!S_putval(b, v->items[i], file, budget))
				return 0;
		}
		break;
	}
	return 1;
}

/* Did st change within two seconds of since (or after)? */
static int
S_racy(const struct stat *st, time_t since)
{
	return st->st_mtim.tv_sec + 2 > since || st->st_ctim.tv_sec + 2 > since;
}

/* Sends what is pending to the new file (c->mx held). */
static void
S_flush(struct cache *c)
{
	if (c->pend.len == 0 || c->failed)
		return;
	/* Failed: what is pending stays, bodies in it are still read. */
	if (!fd_write_all(c->fd, c->pend.data, c->pend.len)) {
		c->failed = 1;
		return;
	}
	c->flushed += c->pend.len;
	c->pend.len = 0;
}

/*
 * Records the file rel that a thread just parsed (stat st) into d and
 * body, unless it changed since the build began or holds what a record
 * cannot (values shared by YAML aliases: shared).
 */
void
cache_put(struct cache *c, const char *rel, const struct stat *st,
    const struct doc *d, struct val *body, int shared)
{
	struct buf b = { NULL, 0, 0 };
	size_t budget = CACHE_VALS, len, at;
	uint64_t n;
	int racy;

	if (c == NULL || c->fd == -1 || shared || d->v == NULL ||
	    body == NULL)
		return;
	/*
	 * Racily clean: changed less than two seconds before the build
	 * began (or after).  Some file systems keep whole seconds (ext4
	 * with small inodes, FAT two): an edit in the second the file was
	 * read would leave its stat as it was.  Such a record is written
	 * with a size no file has, which no later build takes: its body
	 * still waits in the file, not in memory (a fresh clone's files
	 * are all that young: 17 MB of a 10k site's peak).
	 */
	racy = S_racy(st, c->since.tv_sec);
	/* The body, its values and paths: grown once, about. */
	buf_grow(&b, body->len + (size_t)st->st_size / 2 + 1024);
	S_put64(&b, 0);	/* its length, below */
	S_putstr(&b, rel, strlen(rel));
	S_put64(&b, (uint64_t)st->st_dev);
	S_put64(&b, (uint64_t)st->st_ino);
	S_put64(&b, racy ? UINT64_MAX : (uint64_t)st->st_size);
	S_put64(&b, (uint64_t)st->st_mtim.tv_sec);
	S_put64(&b, (uint64_t)st->st_mtim.tv_nsec);
	S_put64(&b, (uint64_t)st->st_ctim.tv_sec);
	S_put64(&b, (uint64_t)st->st_ctim.tv_nsec);
	S_put64(&b, (uint64_t)d->body_line);
	S_put64(&b, 128);
	buf_put(&b, d->hash, 64);
	buf_put(&b, d->listed, 64);
	buf_putc(&b, '\0');
	S_putstr(&b, d->excerpt, d->excerpt ? strlen(d->excerpt) : 0);
	S_putstr(&b, d->links, d->links ? strlen(d->links) : 0);
	if (!S_putval(&b, d->v, d->path, &budget)) {
		buf_free(&b);
		return;
	}
	/* The body's text: after its type, place and length. */
	at = b.len + 5 * sizeof(uint64_t);
	budget = 1;
	if (!S_putval(&b, body, d->path, &budget)) {
		buf_free(&b);
		return;
	}
	len = b.len;
	n = len - sizeof(n);
	memcpy(b.data, &n, sizeof(n));
	pthread_mutex_lock(&c->mx);
	if (!c->failed) {
		at += c->flushed + c->pend.len;
		buf_put(&c->pend, b.data, len);
		c->nput++;
		c->nracy += racy;
		/* A body waits in the file (or here) for its page. */
		if (body->type == V_NODES && body->len > 0)
			S_leave(c, body, NULL, at);
		if (c->pend.len >= CACHE_FLUSH)
			S_flush(c);
	}
	pthread_mutex_unlock(&c->mx);
	buf_free(&b);
}

/* Copies n bytes of the new file from off to fd. */
static int
S_copy(int from, off_t off, size_t n, int fd)
{
	char buf[1 << 16];
	ssize_t r;

	while (n > 0) {
		r = pread(from, buf, n < sizeof(buf) ? n : sizeof(buf), off);
		if (r <= 0 || !fd_write_all(fd, buf, (size_t)r))
			return 0;
		off += r;
		n -= (size_t)r;
	}
	return 1;
}

/* Adds this build's records to the last build's file: 1, or 0. */
static int
S_append(struct cache *c, size_t hl)
{
	struct stat st;
	off_t end;
	int fd, ok = 0;

	if ((end = lseek(c->fd, 0, SEEK_END)) == -1)
		return 0;
	fd = openat(c->rootfd, CACHE_NAME, O_WRONLY | O_APPEND | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return 0;
	/* Still the file read, as it was read: no other build's since. */
	if (flock(fd, LOCK_EX) == 0 && fstat(fd, &st) == 0 &&
	    S_ISREG(st.st_mode) && st.st_dev == c->dev &&
	    st.st_ino == c->ino && (size_t)st.st_size == c->maplen)
		ok = S_copy(c->fd, (off_t)hl, (size_t)end - hl, fd);
	close(fd);
	return ok;
}

/* Names the new file CACHE_NAME, over the old one: 1, or 0. */
static int
S_name(struct cache *c)
{
	char proc[64], tmp[64];
	struct stat st;
	int ok;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", c->fd);
	snprintf(tmp, sizeof(tmp), "%s.%ld", CACHE_NAME, (long)getpid());
	if (linkat(AT_FDCWD, proc, c->rootfd, tmp, AT_SYMLINK_FOLLOW) == -1)
		return 0;
	/* Only a file replaces a file: a folder, a link or a pipe a
	   campaign put there stays. */
	ok = (fstatat(c->rootfd, CACHE_NAME, &st, AT_SYMLINK_NOFOLLOW) ==
	    -1 ? errno == ENOENT : S_ISREG(st.st_mode)) &&
	    renameat(c->rootfd, tmp, c->rootfd, CACHE_NAME) == 0;
	if (!ok)
		unlinkat(c->rootfd, tmp, 0);
	return ok;
}

/* After reading: what is pending goes to the file (bodies are read
   from there). */
void
cache_flush(struct cache *c)
{
	if (c == NULL || c->fd == -1)
		return;
	pthread_mutex_lock(&c->mx);
	S_flush(c);
	if (!c->failed)	/* else its bodies are read from it */
		buf_free(&c->pend);
	pthread_mutex_unlock(&c->mx);
}

/*
 * After a build: keeps what it parsed for the next one (appended to
 * the last build's file, or a new file when that is mostly dead).  A
 * cache that cannot be written is no error: the next build parses.
 */
void
cache_commit(struct cache *c)
{
	const struct rec *rec;
	size_t hl, live, i;
	uint64_t n;

	if (c == NULL || c->fd == -1)
		return;
	hl = strlen(c->header);
	pthread_mutex_lock(&c->mx);
	S_flush(c);
	pthread_mutex_unlock(&c->mx);
	if (c->failed)
		return;
	live = c->hits + c->nput - c->nracy;
	if (c->recs != NULL && c->whole &&
	    c->nrecs + c->nput <= 2 * live + 16) {
		if (c->nput == 0 || S_append(c, hl))
			return;
	}
	/* A new file: this build's records, and those it took. */
	for (i = 0; i < c->nrecs; i++) {
		rec = &c->rv[i];
		if (!rec->taken)
			continue;
		n = rec->len;
		buf_put(&c->pend, (const char *)&n, sizeof(n));
		buf_put(&c->pend, c->map + rec->off, rec->len);
		if (c->pend.len >= CACHE_FLUSH)
			S_flush(c);
	}
	S_flush(c);
	if (!c->failed)
		S_name(c);
}

/* For --verbose: content files asked for, and found, this build. */
void
cache_counts(const struct cache *c, size_t *asked, size_t *hits)
{
	*asked = c != NULL ? c->asked : 0;
	*hits = c != NULL ? c->hits : 0;
}
