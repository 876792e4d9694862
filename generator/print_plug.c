/*
 * print_plug.c: the print functions the rest of rally calls, as calls
 * into the print module (rally-print.so), loaded when a build first
 * reads print layouts.
 *
 * Print needs cairo, pango, fontconfig, freetype, HarfBuzz, librsvg,
 * gdk-pixbuf, qpdf and lcms2: 40 of rally's 66 libraries.  Loaded and
 * linked at every start they cost a web-only build, `rally serve`'s
 * and a no-op build 8 ms and 10 MB before any work.  The executable
 * exports its own functions (-rdynamic) for the module to call.
 *
 * The tests' builds (unit tests, fuzz targets, the sanitizer build)
 * link the print objects in and leave this file out.
 */
#include <sys/mman.h>

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "rally.h"
#include "extern.h"
#include "builtin.h"

extern const struct builtin print_module[];	/* print_so.c */

static void		*S_handle;
static pthread_once_t	 S_once = PTHREAD_ONCE_INIT;

/*
 * Opens the module, which rally carries (print_so.c, made by embed.c
 * from rally-print.so): from an anonymous in-memory file, as the
 * fonts are (print_lay.c), so that the executable alone is still the
 * whole of rally and no other version's module can be found instead.
 */
static void
S_open(void)
{
	char path[64];
	size_t off = 0;
	ssize_t w;
	int fd;

	if ((fd = memfd_create("rally-print.so", MFD_CLOEXEC)) == -1) {
		fprintf(stderr, "rally: error: the print module: %s\n",
		    strerror(errno));
		return;
	}
	while (off < print_module[0].len) {
		if ((w = write(fd, print_module[0].data + off,
		    print_module[0].len - off)) <= 0) {
			fprintf(stderr, "rally: error: the print module: "
			    "%s\n", strerror(errno));
			close(fd);
			return;
		}
		off += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((S_handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL)
		fprintf(stderr, "rally: error: %s\n", dlerror());
	close(fd);	/* mapped now */
}

/*
 * The module's function name, opening the module if load; NULL when
 * it cannot be opened, or is not open and load is 0 (nothing of
 * print's was made then: callers take that as "no print").
 */
static void *
S_fn(const char *name, int load)
{
	void *fn;

	if (load)
		pthread_once(&S_once, S_open);
	if (S_handle == NULL)
		return NULL;
	if ((fn = dlsym(S_handle, name)) == NULL) {
		/* Made with another print_plug.c: a build error. */
		fprintf(stderr, "rally: error: %s\n", dlerror());
		abort();
	}
	return fn;
}

/* POSIX's way to take a function from dlsym under ISO C. */
#define FN(var, name, load) \
	(*(void **)&(var) = S_fn((name), (load)), (var) != NULL)

struct print_set *
print_load(struct site *site)
{
	struct print_set *(*f)(struct site *);

	return FN(f, "print_load", 1) ? f(site) : NULL;
}

struct print_set *
print_load_only(struct site *site, const char *only)
{
	struct print_set *(*f)(struct site *, const char *);

	return FN(f, "print_load_only", 1) ? f(site, only) : NULL;
}

void
print_free(struct print_set *ps)
{
	void (*f)(struct print_set *);

	if (ps != NULL && FN(f, "print_free", 0))
		f(ps);
}

void
print_fonts_free(struct print_fonts *fonts)
{
	void (*f)(struct print_fonts *);

	if (fonts != NULL && FN(f, "print_fonts_free", 0))
		f(fonts);
}

size_t
print_count(const struct print_set *ps)
{
	size_t (*f)(const struct print_set *);

	return ps != NULL && FN(f, "print_count", 0) ? f(ps) : 0;
}

/* Without print layouts, the catalogue is there and empty. */
void
print_plan(struct site *site, struct print_set *ps, struct jobs *js,
    int marks)
{
	void (*f)(struct site *, struct print_set *, struct jobs *, int);

	if (FN(f, "print_plan", 0))
		f(site, ps, js, marks);
	else
		map_set(site->v, "print", val_new(&site->pool, V_LIST, NULL));
}

void
print_plan_kit(struct site *site, struct print_set *ps, struct jobs *js)
{
	void (*f)(struct site *, struct print_set *, struct jobs *);

	if (FN(f, "print_plan_kit", 0))
		f(site, ps, js);
}

void
print_plan_timeline(struct site *site, struct jobs *js)
{
	void (*f)(struct site *, struct jobs *);

	if (FN(f, "print_plan_timeline", 0))
		f(site, js);
}

void
print_plan_proofs(struct site *site, struct print_set *ps, struct jobs *js)
{
	void (*f)(struct site *, struct print_set *, struct jobs *);

	if (FN(f, "print_plan_proofs", 0))
		f(site, ps, js);
}

void
print_sizes(struct site *site, const struct jobs *js)
{
	void (*f)(struct site *, const struct jobs *);

	if (FN(f, "print_sizes", 0))
		f(site, js);
}

int
print_one(struct site *site, const struct print_set *ps, const char *name,
    struct val *org, struct val *area, int msgno, struct val *event,
    const char *size, const char *trusted, int marks, struct buf out[2])
{
	int (*f)(struct site *, const struct print_set *, const char *,
	    struct val *, struct val *, int, struct val *, const char *,
	    const char *, int, struct buf[2]);

	return FN(f, "print_one", 1) ? f(site, ps, name, org, area, msgno,
	    event, size, trusted, marks, out) : 1;
}

/* image.c is the module's: it checks with librsvg and gdk-pixbuf. */
char *
image_check(const char *data, size_t len)
{
	char *(*f)(const char *, size_t);

	return FN(f, "image_check", 1) ? f(data, len) :
	    g_strdup("rally's print module, which reads pictures, is "
	    "missing");
}
