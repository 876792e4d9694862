/*
 * util.c: allocation, buffers, diagnostics, files and paths.
 */
#include <sys/mman.h>
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
#include <nettle/sha2.h>

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

/*
 * Has the kernel map in the pages of p[0..n) now, in one system call,
 * for memory about to be filled whole (a file read, an array of
 * stats).  The first touch of a page is otherwise a fault each: on
 * this project's virtual machine 14 us a page, against under 1 us a
 * page here (64 MB: 230 ms faulted, 14 ms populated).  Small blocks
 * are left alone; so is a kernel without MADV_POPULATE_WRITE (5.14).
 */
void
mem_prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t a, e;

	if (n < 64 * 1024 || pg <= 0)
		return;
	a = ((uintptr_t)p + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);
	e = ((uintptr_t)p + n) & ~((uintptr_t)pg - 1);
	if (e > a)
		(void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)n;
#endif
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

/*
 * Formatted once into the stack when it fits (a url, a key, a date:
 * nearly always), not measured first and formatted again: printf's
 * machinery was a fifth of linking a 10k site's pages.
 */
char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char tmp[256], *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		S_oom();
	p = xmalloc((size_t)n + 1);
	if ((size_t)n < sizeof(tmp))
		memcpy(p, tmp, (size_t)n + 1);
	else {
		va_start(ap, fmt);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
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

/*
 * Appends s (NULL: nothing) with XML's markup characters escaped, and a
 * carriage return as &#13;, as libxml2's writer escapes text; with
 * quotes, also " and ' (text that may end up in an attribute).
 */
void
buf_xml(struct buf *b, const char *s, int quotes)
{
	for (; s != NULL && *s != '\0'; s++)
		switch (*s) {
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '&': buf_puts(b, "&amp;"); break;
		case '\r': buf_puts(b, "&#13;"); break;
		case '"': buf_puts(b, quotes ? "&quot;" : "\""); break;
		case '\'': buf_puts(b, quotes ? "&apos;" : "'"); break;
		default: buf_putc(b, *s); break;
		}
}

/*
 * An author's soft hyphen helps a heading break on a page; in an
 * attribute (og:title, alt), a <title>, a calendar's SUMMARY or a
 * feed, nothing breaks there, and some readers show it as a hyphen
 * or a box.  In place; b stays NUL-terminated.
 */
void
buf_unshy(struct buf *b)
{
	size_t i, o;

	if (b->len < 2 || memmem(b->data, b->len, "\xc2\xad", 2) == NULL)
		return;
	for (i = o = 0; i < b->len; i++)
		if (i + 1 < b->len && (unsigned char)b->data[i] == 0xC2 &&
		    (unsigned char)b->data[i + 1] == 0xAD)
			i++;
		else
			b->data[o++] = b->data[i];
	b->len = o;
	b->data[o] = '\0';
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	/* Into the room the buffer has, once, when it is enough. */
	room = b->data != NULL ? b->cap - b->len : 0;
	va_start(ap, fmt);
	n = vsnprintf(room > 0 ? b->data + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (room > 0)
			b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		buf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
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

/*
 * SHA-256 is nettle's: it uses the CPU's SHA instructions where there
 * are some, 7 times glib's speed here, whose digest of every file was
 * a tenth of a 10 000-page build.
 */

/* Writes c's digest as 64 hex digits and a NUL into out; c is reset. */
void
sha_hex(struct sha256_ctx *c, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t d[SHA256_DIGEST_SIZE];
	size_t i;

	sha256_digest(c, sizeof(d), d);
	for (i = 0; i < sizeof(d); i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

/* Adds the string s to c. */
void
sha_puts(struct sha256_ctx *c, const char *s)
{
	sha256_update(c, strlen(s), (const uint8_t *)s);
}

/* Writes the SHA-256 of data as 64 hex digits and a NUL into out. */
void
sha256_hex(const char *data, size_t len, char out[65])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, len, (const uint8_t *)data);
	sha_hex(&c, out);
}
