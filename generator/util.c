/*
 * util.c: allocation, buffers, diagnostics, files and paths.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"

/*
 * Diagnostics are the process's, as a compiler's are: the one place
 * with state outside the build's context (struct site).  Every error
 * counts, from any thread (a build compares diag_count() with what it
 * was at site_init); a thread may capture its messages to print them
 * in file order; the print workers share one table of lines printed.
 */
static int S_nerr_total;
static __thread struct buf *S_capture;
static __thread struct buf *S_tee;	/* see diag_tee() */
static uint64_t *S_once;	/* see diag_once() */
static size_t S_nonce;

/*
 * Diagnostics identical to one that a process sharing t (n slots) has
 * printed already are left out: the print workers render a sheet each,
 * and a content error would come once per sheet.  NULL: print all.
 */
void
diag_once(uint64_t *t, size_t n)
{
	S_once = t;
	S_nonce = n;
}

/* Has a process sharing S_once printed line s before?  Marks it. */
static int
S_printed(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL, cur;
	size_t i, k;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	h |= 1;	/* 0 marks a free slot */
	for (i = 0, k = h % S_nonce; i < S_nonce; i++, k = (k + 1) % S_nonce) {
		cur = 0;
		if (__atomic_compare_exchange_n(&S_once[k], &cur, h, 0,
		    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return 0;
		if (cur == h)
			return 1;
	}
	return 0;	/* full: print */
}

static void
S_oom(void)
{
	fputs("rally: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		S_oom();
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		S_oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		S_oom();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		S_oom();
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* Buffers. */

void
buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 256;
	while (b->cap < need)
		b->cap *= 2;
	b->data = xrealloc(b->data, b->cap);
}

void
buf_put(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	buf_put(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Diagnostics, in the form compilers use. */

static void
S_vdiag(const char *what, const struct pos *p, const char *fmt, va_list ap)
{
	struct buf b = { NULL, 0, 0 };
	va_list cp;
	int n;

	if (p != NULL && p->file != NULL) {
		buf_puts(&b, p->file);
		if (p->line > 0)
			buf_printf(&b, ":%d", p->line);
		if (p->line > 0 && p->col > 0)
			buf_printf(&b, ":%d", p->col);
		buf_puts(&b, ": ");
	} else
		buf_puts(&b, "rally: ");
	buf_printf(&b, "%s: ", what);
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n > 0) {
		buf_grow(&b, (size_t)n);
		vsnprintf(b.data + b.len, (size_t)n + 1, fmt, ap);
		b.len += (size_t)n;
	}
	buf_putc(&b, '\n');
	diag_put(b.data, b.len);
	buf_free(&b);
}

/*
 * Diagnostics already written out (a thread's capture, in file order):
 * into this thread's capture, or to stderr (and its tee).
 */
void
diag_put(const char *s, size_t n)
{
	if (n == 0)
		return;
	if (S_capture != NULL)
		buf_put(S_capture, s, n);
	else if (S_once == NULL || !S_printed(s, n)) {
		/* One write: lines from threads never interleave. */
		fwrite(s, 1, n, stderr);
		if (S_tee != NULL)
			buf_put(S_tee, s, n);
	}
}

/* What this thread writes to stderr also goes into b (NULL: not). */
void
diag_tee(struct buf *b)
{
	S_tee = b;
}

/*
 * Diagnostics of this thread go into b (NULL: to stderr again), for
 * work done in parallel but reported in order.
 */
void
diag_capture(struct buf *b)
{
	S_capture = b;
}

void
diag_err(const struct pos *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	S_vdiag("error", p, fmt, ap);
	va_end(ap);
	__atomic_add_fetch(&S_nerr_total, 1, __ATOMIC_SEQ_CST);
}

void
diag_warn(const struct pos *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	S_vdiag("warning", p, fmt, ap);
	va_end(ap);
}

int
diag_count(void)
{
	return __atomic_load_n(&S_nerr_total, __ATOMIC_SEQ_CST);
}

/* Files. */

int
file_read(const char *path, struct buf *out, const struct pos *why)
{
	struct stat st;
	struct pos p = { path, 0, 0 };
	ssize_t r;
	int fd;

	if (why == NULL)
		why = &p;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		diag_err(why, "cannot open %s: %s", path, strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		diag_err(why, "%s: not a regular file", path);
		close(fd);
		return 0;
	}
	if ((size_t)st.st_size > LIMIT_FILE_SIZE) {
		diag_err(why, "%s: file too large (%lld bytes, limit %u)",
		    path, (long long)st.st_size, LIMIT_FILE_SIZE);
		close(fd);
		return 0;
	}
	out->len = 0;
	buf_grow(out, (size_t)st.st_size);
	for (;;) {
		buf_grow(out, 4096);
		r = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			diag_err(why, "%s: %s", path, strerror(errno));
			close(fd);
			return 0;
		}
		if (r == 0)
			break;
		out->len += (size_t)r;
		if (out->len > LIMIT_FILE_SIZE) {
			diag_err(why, "%s: file too large", path);
			close(fd);
			return 0;
		}
	}
	out->data[out->len] = '\0';
	close(fd);
	return 1;
}

int
mkdirs(const char *path)
{
	char *p, *s;
	int rc = 1;

	/* Mostly the parent is there: one system call. */
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 1;
	if (errno != ENOENT)
		return 0;
	p = xstrdup(path);

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) == -1 && errno != EEXIST)
			rc = 0;
		*s = '/';
	}
	if (mkdir(p, 0755) == -1 && errno != EEXIST)
		rc = 0;
	free(p);
	return rc;
}

/* Makes the directories above path; 1 on success. */
static int
S_mkparent(const char *path)
{
	char *dir = xstrdup(path), *slash;
	int ok = 1;

	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		ok = mkdirs(dir);
	}
	free(dir);
	return ok;
}

/* Writes all of data to fd and closes it; 1 on success. */
static int
S_write_close(int fd, const char *data, size_t len)
{
	size_t off = 0;
	ssize_t w;

	while (off < len) {
		w = write(fd, data + off, len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1) {
			close(fd);
			return 0;
		}
		off += (size_t)w;
	}
	return close(fd) == 0;
}

/* Writes data to a new file path (made with its directories). */
int
file_write_new(const char *path, const char *data, size_t len)
{
	int fd;

	if (!S_mkparent(path) || (fd = open(path, O_WRONLY | O_CREAT |
	    O_EXCL | O_CLOEXEC, 0644)) == -1)
		return 0;
	if (!S_write_close(fd, data, len)) {
		unlink(path);
		return 0;
	}
	return 1;
}

/* Writes data to path through a temporary file and rename(). */
int
file_write_atomic(const char *path, const char *data, size_t len)
{
	char *tmp;
	int fd, ok;

	if (!S_mkparent(path))
		return 0;
	tmp = xasprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		free(tmp);
		return 0;
	}
	ok = fchmod(fd, 0644) == 0;
	ok = S_write_close(fd, data, len) && ok && rename(tmp, path) == 0;
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok;
}

static int
S_rm(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (type == FTW_DP ? rmdir(path) : unlink(path)) == -1 ? 1 : 0;
}

/*
 * Removes a tree (or a file), children first; links are removed, never
 * followed (FTW_PHYS), and it stays on one file system (FTW_MOUNT).
 * Returns 1 when all of it is gone (or was never there).
 */
int
rmtree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT;
	return nftw(path, S_rm, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) == 0;
}

/*
 * Checks that a path written in content stays inside the tree it is
 * relative to: not absolute, no "..", no empty or hidden component.
 */
int
path_is_safe(const char *p)
{
	const char *s = p, *e;

	if (*p == '\0' || *p == '/' || strlen(p) > 1024)
		return 0;
	while (*s != '\0') {
		e = strchr(s, '/');
		if (e == NULL)
			e = s + strlen(s);
		if (e == s || s[0] == '.')
			return 0;
		for (; s < e; s++)
			if ((unsigned char)*s < 0x20 || *s == '\\')
				return 0;
		if (*s == '/')
			s++;
	}
	return 1;
}

/*
 * Resolves rel against the site root and checks, after following
 * symbolic links, that it is still inside.  Returns the path to open
 * (owned, free()) or NULL.
 */
char *
path_in_root(const struct site *site, const char *rel)
{
	char real[PATH_MAX], *full;
	size_t n;

	if (!path_is_safe(rel))
		return NULL;
	full = xasprintf("%s/%s", site->root, rel);
	if (realpath(full, real) == NULL) {
		free(full);
		return NULL;
	}
	n = strlen(site->rroot);
	if (strncmp(real, site->rroot, n) != 0 ||
	    (real[n] != '/' && real[n] != '\0')) {
		free(full);
		return NULL;
	}
	return full;
}

/* sRGB channel (0-255) to linear light, as WCAG 2 defines it. */
static double
S_linear(int c)
{
	double x = c / 255.0;

	return x <= 0.03928 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4);
}

/* The WCAG 2 contrast ratio of white against colour "#rrggbb". */
double
colour_contrast(const char *hex)
{
	unsigned long v = strtoul(hex + 1, NULL, 16);
	double l = 0.2126 * S_linear((int)(v >> 16 & 0xff)) +
	    0.7152 * S_linear((int)(v >> 8 & 0xff)) +
	    0.0722 * S_linear((int)(v & 0xff));

	return 1.05 / (l + 0.05);
}

/* A slug is lower-case ASCII letters, digits and single dashes. */
int
slug_valid(const char *s)
{
	const char *p;

	if (*s == '\0' || *s == '-' || strlen(s) > 200)
		return 0;
	for (p = s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
			continue;
		if (*p == '-' && p[1] != '-' && p[1] != '\0')
			continue;
		return 0;
	}
	return 1;
}

/*
 * Makes a slug of any UTF-8 text, transliterating the Nordic letters
 * as Danes and Norwegians do ("Ældre" -> "aeldre").  Owned by caller.
 */
char *
slugify(const char *s)
{
	static const struct { const char *from, *to; } tr[] = {
		{ "æ", "ae" }, { "Æ", "ae" }, { "ø", "oe" }, { "Ø", "oe" },
		{ "å", "aa" }, { "Å", "aa" }, { "ä", "ae" }, { "Ä", "ae" },
		{ "ö", "oe" }, { "Ö", "oe" }, { "ü", "ue" }, { "Ü", "ue" },
		{ "é", "e" }, { "É", "e" }, { "è", "e" }, { "á", "a" },
		{ "ß", "ss" },
	};
	struct buf b = { NULL, 0, 0 };
	size_t i, n;
	int dash = 0;

	while (*s != '\0') {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (c >= 'A' && c <= 'Z')) {
			if (dash && b.len > 0)
				buf_putc(&b, '-');
			dash = 0;
			buf_putc(&b, (char)(c | 0x20));
			s++;
			continue;
		}
		for (i = 0; i < sizeof(tr) / sizeof(tr[0]); i++) {
			n = strlen(tr[i].from);
			if (strncmp(s, tr[i].from, n) == 0)
				break;
		}
		if (i < sizeof(tr) / sizeof(tr[0])) {
			if (dash && b.len > 0)
				buf_putc(&b, '-');
			dash = 0;
			buf_puts(&b, tr[i].to);
			s += n;
			continue;
		}
		dash = 1;
		s++;
		while (((unsigned char)*s & 0xC0) == 0x80)
			s++;
	}
	if (b.len > 200)
		b.data[b.len = 200] = '\0';
	while (b.len > 0 && b.data[b.len - 1] == '-')
		b.data[--b.len] = '\0';
	return b.data != NULL ? b.data : xstrdup("");
}

/* Is this URL safe to put in an href or src?  Refuses script schemes. */
int
url_is_safe(const char *u)
{
	const char *p;
	char scheme[16];
	size_t n = 0;

	while (*u == ' ' || *u == '\t' || *u == '\n' || *u == '\r')
		u++;
	for (p = u; *p != '\0' && *p != ':' && *p != '/' && *p != '?' &&
	    *p != '#'; p++) {
		if (*p == '\t' || *p == '\n' || *p == '\r')
			continue;	/* browsers skip these */
		if (n + 1 < sizeof(scheme))
			scheme[n++] = (char)(*p | 0x20);
	}
	if (*p != ':')
		return 1;	/* relative */
	scheme[n] = '\0';
	return strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0 ||
	    strcmp(scheme, "mailto") == 0 || strcmp(scheme, "tel") == 0;
}

/* strcmp for qsort() over an array of strings. */
int
strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names in directory rel of the site's root, sorted, without hidden
 * ones: every directory rally reads is listed here.  Returns an array
 * (free each name and the array) and sets *n; NULL with *n = 0 and
 * errno set if the directory cannot be read.
 */
char **
dir_names(const struct site *site, const char *rel, size_t *n)
{
	char *full = xasprintf("%s/%s", site->root, rel), **names = NULL;
	struct dirent *de;
	DIR *d;

	int e;

	*n = 0;
	d = opendir(full);
	e = errno;
	free(full);
	if (d == NULL) {
		errno = e;
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xrealloc(names, (*n + 1) * sizeof(*names));
		names[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n > 1)
		qsort(names, *n, sizeof(*names), strcmp_ptr);
	return names;
}

/*
 * Walks the tree below rel in the site's root, sorted, without hidden
 * names, at most depth levels down.  Calls fn with each entry's path
 * relative to the root, the path to open, and its stat; the last two
 * are NULL for a link out of the campaign or an unreadable entry.  A
 * directory is entered when fn returns 1 for it.
 */
void
dir_walk(const struct site *site, const char *rel, int depth,
    int (*fn)(void *, const char *, const char *, const struct stat *),
    void *arg)
{
	struct stat st;
	char *sub, *full, **names;
	size_t n, i;
	int ok;

	if (depth < 0 || (names = dir_names(site, rel, &n)) == NULL)
		return;
	for (i = 0; i < n; i++) {
		sub = xasprintf("%s/%s", rel, names[i]);
		free(names[i]);
		full = path_in_root(site, sub);
		ok = full != NULL && stat(full, &st) == 0;
		if (fn(arg, sub, ok ? full : NULL, ok ? &st : NULL) && ok &&
		    S_ISDIR(st.st_mode))
			dir_walk(site, sub, depth - 1, fn, arg);
		free(full);
		free(sub);
	}
	free(names);
}

/* The built-in file called name, or NULL. */
const struct builtin *
builtin_get(const char *name)
{
	const struct builtin *b;

	for (b = builtins; b->name != NULL; b++)
		if (strcmp(b->name, name) == 0)
			return b;
	return NULL;
}

/* Writes the SHA-256 of data as 64 hex digits and a NUL into out. */
void
sha256_hex(const char *data, size_t len, char out[65])
{
	gchar *h = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
	    (const guchar *)data, len);

	memcpy(out, h, 64);
	out[64] = '\0';
	g_free(h);
}
