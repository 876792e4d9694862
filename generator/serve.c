/*
 * serve.c: rally serve: build, serve the output over HTTP, watch the
 * campaign, rebuild in this process and reload the open pages.
 *
 * libmicrohttpd serves out/ (a thread per connection, so a page's
 * event stream may wait); inotify watches content/, layouts/ and
 * assets/.  A change rebuilds the website first (--only web) and tells
 * the pages to reload, then the print material.  A failed build leaves
 * out/ as it was, so the last good site stays served, and its errors
 * go to the terminal and, as an overlay, to every open page.  Only
 * pages served here carry the reload script; out/ never does.
 */
#include <sys/inotify.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <microhttpd.h>

#include "rally.h"
#include "extern.h"

#define EVENTS	"/_rally/events"	/* the pages' event stream */
#define QUIET_MS	25	/* a burst of changes is one rebuild */

/*
 * libmicrohttpd, opened when rally serve starts.  Linked in, it and
 * GnuTLS's chain were 9 of the executable's 26 libraries, loaded,
 * relocated and started at every start of every command: a build
 * starts twice (main.c, S_hugepages).  The soname is Debian's
 * libmicrohttpd12's (bookworm: 0.9.75).
 */
#define MHD_SONAME	"libmicrohttpd.so.12"
static struct {
	__typeof__(MHD_start_daemon)			*start_daemon;
	__typeof__(MHD_stop_daemon)			*stop_daemon;
	__typeof__(MHD_create_response_from_buffer)	*from_buffer;
	__typeof__(MHD_create_response_from_callback)	*from_callback;
	__typeof__(MHD_add_response_header)		*add_header;
	__typeof__(MHD_queue_response)			*queue_response;
	__typeof__(MHD_destroy_response)		*destroy_response;
} S_mhd;

/* Opens libmicrohttpd into S_mhd: 1, or 0 after saying why. */
static int
S_mhd_open(void)
{
	void *h;

	if ((h = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "rally serve: error: %s (Debian's package "
		    "libmicrohttpd12)\n", dlerror());
		return 0;
	}
	/* POSIX's way from an object pointer to a function's. */
#define S_SYM(f, name) *(void **)&S_mhd.f = dlsym(h, name)
	S_SYM(start_daemon, "MHD_start_daemon");
	S_SYM(stop_daemon, "MHD_stop_daemon");
	S_SYM(from_buffer, "MHD_create_response_from_buffer");
	S_SYM(from_callback, "MHD_create_response_from_callback");
	S_SYM(add_header, "MHD_add_response_header");
	S_SYM(queue_response, "MHD_queue_response");
	S_SYM(destroy_response, "MHD_destroy_response");
#undef S_SYM
	if (S_mhd.start_daemon == NULL || S_mhd.stop_daemon == NULL ||
	    S_mhd.from_buffer == NULL || S_mhd.from_callback == NULL ||
	    S_mhd.add_header == NULL || S_mhd.queue_response == NULL ||
	    S_mhd.destroy_response == NULL) {
		fprintf(stderr, "rally serve: error: %s lacks a function "
		    "rally needs\n", MHD_SONAME);
		return 0;
	}
	return 1;	/* open until the process ends */
}

/* What the server shares with its connections' threads. */
struct served {
	char		*out;	/* realpath of the output directory */
	const char	*base;	/* the site's base path: "" or "/x" */
	pthread_mutex_t	 mx;
	pthread_cond_t	 cv;
	unsigned long	 gen;	/* builds finished so far */
	char		*error;	/* the last build's errors, or NULL */
	int		 stopping;
};

/* An event stream's connection: the build it last told of. */
struct stream {
	struct served	*sv;
	unsigned long	 seen;
	int		 hello;
};

static const char S_script[] =
"<script>(function(){var s=new EventSource(\"" EVENTS "\");"
"s.addEventListener(\"reload\",function(){location.reload()});"
"s.addEventListener(\"fail\",function(e){var d=document.getElementById("
"\"rally-error\");if(!d){d=document.createElement(\"pre\");"
"d.id=\"rally-error\";d.style.cssText=\"position:fixed;inset:0;margin:0;"
"padding:2em;background:rgba(22,22,29,.94);color:#fff;font:14px/1.5 "
"monospace;white-space:pre-wrap;overflow:auto;z-index:2147483647\";"
"document.body.appendChild(d)}d.textContent=e.data})})();</script>";

static const struct {
	const char *ext, *type;
} S_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".jpeg", "image/jpeg" },
	{ ".webp", "image/webp" },
	{ ".pdf", "application/pdf" },
	{ ".ics", "text/calendar; charset=utf-8" },
	{ ".atom", "application/atom+xml" },
	{ ".xml", "application/xml" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".otf", "font/otf" },
	{ ".ttf", "font/ttf" },
	{ ".woff2", "font/woff2" },
};

static const char *
S_type(const char *path)
{
	size_t n = strlen(path), e, i;

	for (i = 0; i < sizeof(S_types) / sizeof(S_types[0]); i++) {
		e = strlen(S_types[i].ext);
		if (n > e && strcasecmp(path + n - e, S_types[i].ext) == 0)
			return S_types[i].type;
	}
	return "application/octet-stream";
}

static enum MHD_Result
S_send(struct MHD_Connection *c, unsigned int status, const char *type,
    struct buf *body)
{
	struct MHD_Response *r;
	enum MHD_Result ok;

	r = S_mhd.from_buffer(body->len, body->data,
	    MHD_RESPMEM_MUST_FREE);
	body->data = NULL;
	body->len = body->cap = 0;
	S_mhd.add_header(r, "Content-Type", type);
	S_mhd.add_header(r, "Cache-Control", "no-store");
	ok = S_mhd.queue_response(c, status, r);
	S_mhd.destroy_response(r);
	return ok;
}

static enum MHD_Result
S_text(struct MHD_Connection *c, unsigned int status, const char *msg)
{
	struct buf b = { NULL, 0, 0 };

	buf_puts(&b, msg);
	return S_send(c, status, "text/plain; charset=utf-8", &b);
}

/*
 * The file of out/ that url names, resolved and checked: inside out/,
 * no hidden component (rally's own .rally-*), a directory's index.html.
 * Returns the path (owned), or NULL.
 */
static char *
S_file(const struct served *sv, const char *url)
{
	char *rel, *full, real[PATH_MAX], *p;
	size_t n = strlen(sv->out);
	struct stat st;

	if (*sv->base != '\0') {
		if (strncmp(url, sv->base, strlen(sv->base)) != 0)
			return NULL;
		url += strlen(sv->base);
	}
	if (*url != '/' && *url != '\0')
		return NULL;
	while (*url == '/')
		url++;
	/* MHD has decoded %2e%2e already: ".." is refused as written. */
	for (p = (char *)url; *p != '\0'; p = strchr(p, '/') + 1) {
		if (p[0] == '.' || p[0] == '\\')
			return NULL;
		if (strchr(p, '/') == NULL)
			break;
	}
	if (strchr(url, '\\') != NULL)
		return NULL;
	rel = *url == '\0' || url[strlen(url) - 1] == '/' ?
	    xasprintf("%sindex.html", url) : xstrdup(url);
	full = xasprintf("%s/%s", sv->out, rel);
	free(rel);
	if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
		rel = full;
		full = xasprintf("%s/index.html", rel);
		free(rel);
	}
	/* Links are followed only to what lies inside out/. */
	if (realpath(full, real) == NULL || strncmp(real, sv->out, n) != 0 ||
	    real[n] != '/' || stat(real, &st) == -1 || !S_ISREG(st.st_mode)) {
		free(full);
		return NULL;
	}
	free(full);
	return xstrdup(real);
}

/* An HTML page with the reload script before </body>. */
static void
S_inject(struct buf *b)
{
	char *at = NULL, *p;
	struct buf o = { NULL, 0, 0 };

	for (p = b->data; (p = strstr(p, "</body>")) != NULL; p++)
		at = p;
	if (at == NULL) {
		buf_puts(b, S_script);
		return;
	}
	buf_put(&o, b->data, (size_t)(at - b->data));
	buf_puts(&o, S_script);
	buf_puts(&o, at);
	buf_free(b);
	*b = o;
}

/* A "fail" event: the errors, a data: line each. */
static void
S_fail(struct buf *b, const char *errors)
{
	const char *p, *nl;

	buf_puts(b, "event: fail\n");
	for (p = errors; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		buf_printf(b, "data: %.*s\n", (int)(nl - p), p);
	}
	buf_puts(b, "\n");
}

/* The event stream: "reload" after each good build, "fail" after a bad. */
static ssize_t
S_stream(void *cls, uint64_t pos, char *out, size_t max)
{
	struct stream *st = cls;
	struct served *sv = st->sv;
	struct buf b = { NULL, 0, 0 };
	struct timespec until;
	ssize_t n;

	(void)pos;
	pthread_mutex_lock(&sv->mx);
	if (!st->hello) {
		/* A page opened after a failed build sees it at once. */
		st->hello = 1;
		st->seen = sv->gen;
		buf_puts(&b, "retry: 500\n\n");
		if (sv->error != NULL)
			S_fail(&b, sv->error);
	} else {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 15;
		while (st->seen == sv->gen && !sv->stopping &&
		    pthread_cond_timedwait(&sv->cv, &sv->mx, &until) == 0)
			continue;
		if (sv->stopping) {
			pthread_mutex_unlock(&sv->mx);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (st->seen == sv->gen)
			buf_puts(&b, ": still here\n\n");
		else if (sv->error != NULL)
			S_fail(&b, sv->error);
		else
			buf_puts(&b, "event: reload\ndata: \n\n");
		st->seen = sv->gen;
	}
	pthread_mutex_unlock(&sv->mx);
	n = (ssize_t)(b.len < max ? b.len : max);
	memcpy(out, b.data, (size_t)n);
	buf_free(&b);
	return n;
}

static enum MHD_Result
S_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **state)
{
	struct served *sv = cls;
	struct MHD_Response *r;
	struct stream *st;
	struct buf b = { NULL, 0, 0 };
	char *file, *nf;
	enum MHD_Result ok;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)state;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return S_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "rally serve: GET only\n");
	if (strcmp(url, EVENTS) == 0) {
		st = xcalloc(1, sizeof(*st));
		st->sv = sv;
		r = S_mhd.from_callback(MHD_SIZE_UNKNOWN, 4096,
		    S_stream, st, free);
		S_mhd.add_header(r, "Content-Type",
		    "text/event-stream");
		S_mhd.add_header(r, "Cache-Control", "no-store");
		ok = S_mhd.queue_response(c, MHD_HTTP_OK, r);
		S_mhd.destroy_response(r);
		return ok;
	}
	if (*sv->base != '\0' && strcmp(url, "/") == 0) {
		/* The site lives below its base path, as it will online. */
		nf = xasprintf("%s/", sv->base);
		r = S_mhd.from_buffer(0, NULL,
		    MHD_RESPMEM_PERSISTENT);
		S_mhd.add_header(r, "Location", nf);
		ok = S_mhd.queue_response(c, MHD_HTTP_FOUND, r);
		S_mhd.destroy_response(r);
		free(nf);
		return ok;
	}
	if ((file = S_file(sv, url)) == NULL) {
		nf = xasprintf("%s/404.html", sv->out);
		if (file_read(nf, &b, NULL)) {
			S_inject(&b);
			free(nf);
			return S_send(c, MHD_HTTP_NOT_FOUND,
			    "text/html; charset=utf-8", &b);
		}
		free(nf);
		/* Nothing built yet (the first build failed): the overlay. */
		buf_free(&b);
		buf_puts(&b, "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
		    "<title>rally serve</title></head><body><p>Not found (or "
		    "not built yet).</p></body></html>");
		S_inject(&b);
		return S_send(c, MHD_HTTP_NOT_FOUND, "text/html; charset=utf-8",
		    &b);
	}
	if (!file_read(file, &b, NULL)) {
		free(file);
		buf_free(&b);
		return S_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "cannot read\n");
	}
	if (strcmp(S_type(file), S_types[0].type) == 0)
		S_inject(&b);
	ok = S_send(c, MHD_HTTP_OK, S_type(file), &b);
	free(file);
	return ok;
}

/* Tells every page of the build just finished (errors: NULL if none). */
static void
S_tell(struct served *sv, const char *errors)
{
	pthread_mutex_lock(&sv->mx);
	free(sv->error);
	sv->error = errors != NULL && *errors != '\0' ? xstrdup(errors) :
	    NULL;
	sv->gen++;
	pthread_cond_broadcast(&sv->cv);
	pthread_mutex_unlock(&sv->mx);
}

/*
 * One build; its errors (and warnings) also into errs.  defer: the
 * website, with the print material as out/ has it (run.c); web_made
 * (or NULL) gets the number of the website's files it made.  Its
 * model is left in *later, for S_free after the pages are told:
 * freeing a 10k site's million values took 30 ms or more before the
 * reload signal.
 */
static int
S_build(const struct opts *o, const char *only, int defer,
    size_t *web_made, struct buf *errs, struct site **later)
{
	struct opts b = *o;
	int rc;

	b.only = only;
	b.defer = defer;
	b.web_made = web_made;
	b.later = later;
	b.start = run_clock();
	errs->len = 0;
	buf_puts(errs, "");
	diag_tee(errs);
	rc = build(&b);
	diag_tee(NULL);
	return rc;
}

/* Frees the model S_build left. */
static void
S_free(struct site **later)
{
	if (*later == NULL)
		return;
	site_free(*later);
	free(*later);
	*later = NULL;
}

/* What serve watches: inotify's descriptor and each watch's folder. */
struct watch {
	int		 fd;	/* inotify */
	int		 rw;	/* the root's watch */
	const char	*root;
	GHashTable	*dirs;	/* watch -> its folder's path (owned) */
};

/* Watches the folder rel (one the walk found: no loops, any depth). */
static int
S_watch(void *arg, const char *rel, const struct stat *st, const char *why)
{
	struct watch *wa = arg;
	char *full;
	int wd;

	(void)why;
	if (st == NULL || !S_ISDIR(st->st_mode))
		return 0;
	full = xasprintf("%s/%s", wa->root, rel);
	wd = inotify_add_watch(wa->fd, full, IN_CLOSE_WRITE | IN_CREATE |
	    IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_MODIFY |
	    IN_ONLYDIR);
	if (wd >= 0)
		g_hash_table_replace(wa->dirs, GINT_TO_POINTER(wd), full);
	else
		free(full);
	return 1;
}

static const char *const S_dirs[] = { "content", "layouts", "assets" };

/*
 * Watches content/, layouts/, assets/ and every folder in them (again:
 * new folders too), and the root for those three coming and going.
 */
static void
S_watch_all(struct watch *wa)
{
	struct stat st;
	struct site w;
	size_t i;

	wa->rw = inotify_add_watch(wa->fd, wa->root, IN_CREATE |
	    IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR);
	/* A site of nothing but its root: what the walker needs. */
	memset(&w, 0, sizeof(w));
	w.root = (char *)wa->root;
	if ((w.rroot = realpath(wa->root, NULL)) == NULL ||
	    (w.rootfd = open(w.rroot, O_PATH | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		free(w.rroot);
		return;
	}
	for (i = 0; i < sizeof(S_dirs) / sizeof(S_dirs[0]); i++) {
		st.st_mode = S_IFDIR;
		S_watch(wa, S_dirs[i], &st, NULL);
		dir_walk(&w, S_dirs[i], S_watch, wa);
	}
	close(w.rootfd);
	free(w.rroot);
}

/*
 * The path part of site.yml's base_url ("" or "/kampagne"), as the
 * loader makes it; its errors are the build's to report, not ours.
 */
static char *
S_base(const char *root)
{
	struct buf b = { NULL, 0, 0 }, quiet = { NULL, 0, 0 };
	struct pool pool = { NULL };
	struct val *v;
	const char *u, *p;
	char *file = xasprintf("%s/content/site.yml", root), *base;
	size_t n;

	diag_capture(&quiet);
	u = NULL;
	if (file_read(file, &b, NULL) && fm_yaml(&pool, file, b.data, b.len,
	    0, &v))
		u = map_str(v, "base_url");
	diag_capture(NULL);
	p = u != NULL && strstr(u, "://") != NULL ? strchr(strstr(u, "://") +
	    3, '/') : NULL;
	base = xstrdup(p != NULL ? p : "");
	for (n = strlen(base); n > 0 && base[n - 1] == '/'; n--)
		base[n - 1] = '\0';
	pool_free(&pool);
	buf_free(&b);
	buf_free(&quiet);
	free(file);
	return base;
}

/*
 * Reads what inotify has: 1 if anything changed, 2 if a folder came
 * (or a link, which may lead to one, or events were lost), which is
 * when the tree is walked again to watch it: a walk stats every file,
 * 24 ms of each rebuild of a 10k site when it came after every
 * change.  In the root, only content/, layouts/ and assets/ count:
 * not out/ nor .rally-cache.
 */
static int
S_drain(struct watch *wa)
{
	char ev[4096] __attribute__((aligned(__alignof__(struct
	    inotify_event))));
	const struct inotify_event *e;
	const char *dir;
	struct stat st;
	char *path;
	ssize_t n, at;
	size_t i;
	int any = 0, one;

	while ((n = read(wa->fd, ev, sizeof(ev))) > 0)
		for (at = 0; at + (ssize_t)sizeof(*e) <= n;
		    at += (ssize_t)sizeof(*e) + e->len) {
			e = (const struct inotify_event *)(void *)(ev + at);
			one = 1;
			if (e->mask & IN_Q_OVERFLOW)
				one = 2;
			else if (e->mask & IN_IGNORED) {
				/* A watch gone with its folder. */
				g_hash_table_remove(wa->dirs,
				    GINT_TO_POINTER(e->wd));
				continue;
			} else if (e->wd == wa->rw) {
				one = 0;
				for (i = 0; i < sizeof(S_dirs) /
				    sizeof(S_dirs[0]); i++)
					if (e->len > 0 && strcmp(e->name,
					    S_dirs[i]) == 0)
						one = 2;
			} else if (e->mask & (IN_CREATE | IN_MOVED_TO)) {
				if (e->mask & IN_ISDIR)
					one = 2;
				else if (e->len > 0 && (dir =
				    g_hash_table_lookup(wa->dirs,
				    GINT_TO_POINTER(e->wd))) != NULL) {
					path = xasprintf("%s/%s", dir,
					    e->name);
					if (lstat(path, &st) == 0 &&
					    S_ISLNK(st.st_mode))
						one = 2;
					free(path);
				}
			}
			if (one > any)
				any = one;
		}
	return any;
}

static volatile sig_atomic_t S_stop_sig;

static void
S_on_signal(int sig)
{
	(void)sig;
	S_stop_sig = 1;
}

/*
 * rally serve: returns the exit status (0 after SIGINT or SIGTERM, 2
 * if the address cannot be used, 1 if the first build fails and no
 * earlier site is there to serve).
 */
int
serve(const struct serve_opts *so)
{
	struct served sv;
	struct MHD_Daemon *d;
	struct sockaddr_in sa;
	struct buf errs = { NULL, 0, 0 };
	struct sigaction act;
	struct pollfd pf;
	char real[PATH_MAX];
	struct site *later = NULL;
	struct watch wa;
	int fd, rc, what, got;

	memset(&sv, 0, sizeof(sv));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)so->port);
	if (inet_pton(AF_INET, so->bind, &sa.sin_addr) != 1) {
		fprintf(stderr, "rally serve: --bind takes an IPv4 address, "
		    "such as 127.0.0.1, not %s\n", so->bind);
		return 2;
	}
	if (!S_mhd_open())
		return 1;
	/*
	 * The first build: the website, then the print material.  Not
	 * --only web first: that build's pages know no print material (no
	 * downloads page, no material on an organisation's page) and would
	 * be served so until the print build; the site is planned whole,
	 * and the sheets that are not up to date wait for the second.
	 */
	rc = S_build(&so->build, so->web_only ? "web" : NULL, !so->web_only,
	    NULL, &errs, NULL);
	if (!mkdirs(so->build.out) || realpath(so->build.out, real) == NULL) {
		fprintf(stderr, "rally serve: %s: %s\n", so->build.out,
		    strerror(errno));
		buf_free(&errs);
		return 1;
	}
	sv.base = S_base(so->build.root);
	sv.out = xstrdup(real);
	pthread_mutex_init(&sv.mx, NULL);
	pthread_cond_init(&sv.cv, NULL);
	if (rc != 0)
		S_tell(&sv, errs.data);
	/* No Date header: its gmtime_r takes glibc's time zone lock,
	   which a print worker forked meanwhile (run.c, S_alone) would
	   find taken for good. */
	d = S_mhd.start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_SUPPRESS_DATE_NO_CLOCK,
	    (uint16_t)so->port, NULL, NULL,
	    S_request, &sv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "rally serve: cannot listen on %s:%d (in use, "
		    "or not this machine's address)\n", so->bind, so->port);
		rc = 2;
		goto out;
	}
	fprintf(stderr, "rally: serving %s at http://%s:%d%s/ (Ctrl-C to "
	    "stop)\n", so->build.out, so->bind, so->port, sv.base);
	memset(&act, 0, sizeof(act));
	act.sa_handler = S_on_signal;
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	if ((fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		fprintf(stderr, "rally serve: inotify: %s\n", strerror(errno));
		rc = 1;
		goto stop;
	}
	wa.fd = fd;
	wa.rw = -1;
	wa.root = so->build.root;
	wa.dirs = g_hash_table_new_full(NULL, NULL, NULL, free);
	S_watch_all(&wa);
	if (rc == 0 && !so->web_only) {
		S_build(&so->build, NULL, 0, NULL, &errs, NULL);
		S_tell(&sv, *errs.data != '\0' && strstr(errs.data,
		    "error:") != NULL ? errs.data : NULL);
	}
	pf.fd = fd;
	pf.events = POLLIN;
	while (!S_stop_sig) {
		if (poll(&pf, 1, 500) <= 0 || (what = S_drain(&wa)) == 0)
			continue;
		/* A burst of writes (an editor's save) is one change. */
		while (poll(&pf, 1, QUIET_MS) > 0)
			if ((got = S_drain(&wa)) > what)
				what = got;
		if (S_stop_sig)
			break;
		/* New folders are watched too (idempotent for the rest). */
		if (what == 2)
			S_watch_all(&wa);
		rc = S_build(&so->build, so->web_only ? "web" : NULL,
		    !so->web_only, NULL, &errs, &later);
		S_tell(&sv, rc == 0 ? NULL : errs.data);
		/* Freed before the next build: it holds out/'s lock. */
		S_free(&later);
		if (rc == 0 && !so->web_only) {
			size_t made = 0;

			/* Pages show the material's file sizes: made again
			   when they changed, and shown again. */
			rc = S_build(&so->build, NULL, 0, &made, &errs, NULL);
			if (rc != 0)
				S_tell(&sv, errs.data);
			else if (made > 0)
				S_tell(&sv, NULL);
		}
	}
	close(fd);
	g_hash_table_destroy(wa.dirs);
	rc = 0;
stop:
	pthread_mutex_lock(&sv.mx);
	sv.stopping = 1;
	pthread_cond_broadcast(&sv.cv);
	pthread_mutex_unlock(&sv.mx);
	S_mhd.stop_daemon(d);
out:
	free(sv.error);
	free(sv.out);
	free((char *)sv.base);
	pthread_mutex_destroy(&sv.mx);
	pthread_cond_destroy(&sv.cv);
	buf_free(&errs);
	return rc;
}
