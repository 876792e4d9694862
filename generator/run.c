/*
 * run.c: runs the jobs on a thread pool into a staging directory, then
 * moves the finished files into place, so that a failed build leaves
 * the previous output as it was.
 */
#include <sys/mman.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rally.h"
#include "extern.h"

#define S_SHARED	(64 * 1024)	/* bytes shared with print workers */
#define S_BUF_KEEP	(256 * 1024)	/* a worker's page buffer kept */

#define STAGING  ".rally-tmp"

struct pool_ctx {
	struct site	*site;
	struct jobs	*js;
	const char	*staging;
	int		 stagefd;	/* staging, open */
	size_t		 next;	/* next job to take (atomic) */
	int		 phase;	/* the phase being run */
	size_t		 todo;	/* jobs to render */
	int		 tty;	/* draw a progress line */
	long		*shared;/* [0] jobs done, [2 + i] job i's time (us);
				   shared with the worker processes */
	GHashTable	*old;	/* the last build's manifest (here, it is
				   reachable in the workers too) */
	int		 failed;
};

static int
S_put(struct pool_ctx *c, const char *rel, const struct buf *b)
{
	/* The staging directory is thrown away whole on failure. */
	int ok = file_write_new_at(c->stagefd, rel, b->data ? b->data : "",
	    b->len);
	char *path;

	if (!ok) {
		struct pos p = { NULL, 0, 0 };

		p.file = path = xasprintf("%s/%s", c->staging, rel);
		diag_err(&p, "cannot write: %s", strerror(errno));
		free(path);
	}
	return ok;
}

/* Seconds since the epoch, as a double: for timings. */
double
run_clock(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/*
 * Renders job i into its files; counts it, times it, and on a terminal
 * redraws the progress line.  Returns 1 on success.
 */
static int
S_one(struct pool_ctx *c, struct job *j, size_t i, struct buf b[2])
{
	double t = run_clock();
	long done;
	int ok;

	b[0].len = b[1].len = 0;
	ok = j->fn(j, c->site, b) && S_put(c, j->out, &b[0]) &&
	    (j->out2 == NULL || S_put(c, j->out2, &b[1]));
	/* A 4 MB press index is not kept for the pages after it. */
	if (b[0].cap > S_BUF_KEEP)
		buf_free(&b[0]);
	if (b[1].cap > S_BUF_KEEP)
		buf_free(&b[1]);
	c->shared[2 + i] = (long)((run_clock() - t) * 1e6);
	done = __atomic_add_fetch(&c->shared[0], 1, __ATOMIC_SEQ_CST);
	if (c->tty && (done % 8 == 0 || (size_t)done == c->todo))
		fprintf(stderr, "\r\033[Krally: %ld/%zu %s", done, c->todo,
		    j->out);
	return ok;
}

static void *
S_worker(void *arg)
{
	struct pool_ctx *c = arg;
	struct buf b[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	struct job *j;
	size_t i;

	for (;;) {
		i = __atomic_fetch_add(&c->next, 1, __ATOMIC_SEQ_CST);
		if (i >= c->js->len)
			break;
		j = &c->js->v[i];
		if (j->phase != c->phase || j->proc || j->skip)
			continue;
		if (!S_one(c, j, i, b))
			__atomic_store_n(&c->failed, 1, __ATOMIC_SEQ_CST);
	}
	buf_free(&b[0]);
	buf_free(&b[1]);
	return NULL;
}

/*
 * Is thread tid rally serve's web server's (libmicrohttpd names its
 * threads "MHD-listen", "MHD-connection")?  Under AddressSanitizer, no
 * thread is: its allocator is not locked around fork(), and a server
 * thread may be in malloc.
 */
static int
S_server_thread(const char *tid)
{
#ifdef __SANITIZE_ADDRESS__
	(void)tid;
	return 0;
#else
	char path[300], name[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%s/comm", tid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	if (fgets(name, sizeof(name), f) == NULL)
		name[0] = '\0';
	fclose(f);
	return strncmp(name, "MHD-", 4) == 0;
#endif
}

/*
 * Waits (up to two seconds) until this process has no thread but its
 * own and rally serve's web server's.  pango's fontconfig thread may
 * still be finishing when print forks (one build in seventy): a worker
 * forked while that thread held a lock of fontconfig's or of the
 * allocator waits on it forever.  glibc's malloc takes its locks
 * around fork(); AddressSanitizer's allocator does not.  (The
 * server's threads never touch fontconfig: counted, they made every
 * print build of rally serve wait the whole two seconds.)
 */
static void
S_alone(void)
{
#ifdef __linux__
	struct dirent *e;
	DIR *d;
	int i, n;

	for (i = 0; i < 2000; i++) {
		if ((d = opendir("/proc/self/task")) == NULL)
			return;
		for (n = 0; (e = readdir(d)) != NULL; )
			n += e->d_name[0] != '.' && !S_server_thread(e->d_name);
		closedir(d);
		if (n <= 1)
			return;
		usleep(1000);
	}
#endif
}

/*
 * Runs the jobs that need a process of their own (print sheets: cairo
 * 1.16 can deadlock when two threads render text) in n forked workers.
 * It must run before any thread exists.  Each worker starts on its own
 * stretch of the jobs, then helps with the others' (the stretches'
 * next indices are in an anonymous shared mapping): two workers that
 * took neighbouring jobs, the A4 and the A3 of one poster, both fitted
 * the frames neither had set yet, since the memo only keeps what is
 * found (35 of 396 searches of the sample at -j 2).
 */
static void
S_procs(struct pool_ctx *c, int n)
{
	struct buf b[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	size_t *cur, *seg, i, todo = 0, seen;
	uint64_t *said;
	pid_t *pids;
	struct job *j;
	pid_t parent = getpid();
	int k, s, g, st, failed;

	for (i = 0; i < c->js->len; i++)
		todo += c->js->v[i].proc && !c->js->v[i].skip &&
		    c->js->v[i].phase == c->phase;
	if (todo == 0)
		return;
	/* The lines printed (diag_once). */
	said = mmap(NULL, S_SHARED, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (said == MAP_FAILED) {
		fputs("rally: cannot map shared memory\n", stderr);
		abort();
	}
	if ((size_t)n > todo)
		n = (int)todo;
	/* Each worker's job at hand, to name it if the worker dies; then
	   the stretches: where each starts (its next job) and ends. */
	cur = mmap(NULL, 3 * (size_t)n * sizeof(*cur), PROT_READ |
	    PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (cur == MAP_FAILED) {
		fputs("rally: cannot map shared memory\n", stderr);
		abort();
	}
	seg = cur + n;
	for (k = 0; k < n; k++)
		cur[k] = (size_t)-1;
	/* As many of the jobs to do in each stretch. */
	for (i = 0, k = 0, seen = 0, seg[0] = 0; i < c->js->len; i++) {
		j = &c->js->v[i];
		if (!j->proc || j->skip || j->phase != c->phase)
			continue;
		if (seen++ == todo * (size_t)(k + 1) / (size_t)n) {
			seg[n + k] = i;
			seg[++k] = i;
		}
	}
	for (; k < n; k++) {
		seg[n + k] = c->js->len;
		if (k + 1 < n)
			seg[k + 1] = c->js->len;
	}
	pids = xcalloc((size_t)n, sizeof(*pids));
	S_alone();
	fflush(stderr);
	for (k = 0; k < n; k++) {
		if ((pids[k] = fork()) == -1) {
			fputs("rally: cannot fork\n", stderr);
			abort();
		}
		if (pids[k] != 0)
			continue;
#ifdef __linux__
		/* A build killed with SIGKILL takes its workers along. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 ||
		    getppid() != parent)
			_exit(1);
#endif
		free(pids);	/* the parent's, not the worker's */
		diag_once(said, S_SHARED / sizeof(uint64_t));
		failed = 0;
		for (s = 0; s < n; s++) {
			g = (k + s) % n;
			while ((i = __atomic_fetch_add(&seg[g], 1,
			    __ATOMIC_SEQ_CST)) < seg[n + g]) {
				j = &c->js->v[i];
				if (!j->proc || j->phase != c->phase ||
				    j->skip)
					continue;
				cur[k] = i;
				if (!S_one(c, j, i, b))
					failed = 1;
			}
		}
		buf_free(&b[0]);
		buf_free(&b[1]);
		fflush(stderr);
		_exit(failed);
	}
	for (k = 0; k < n; k++) {
		if (waitpid(pids[k], &st, 0) == -1 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			c->failed = 1;
		/* A crash reports nothing itself: say which file. */
		if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
			fprintf(stderr, "rally: error: a print worker died (%s) "
			    "making %s: a bug in rally, please report it\n",
			    strsignal(WTERMSIG(st)), cur[k] < c->js->len ?
			    c->js->v[cur[k]].out : "?");
	}
	free(pids);
	munmap(cur, 3 * (size_t)n * sizeof(*cur));
	munmap(said, S_SHARED);
}

/*
 * Runs the jobs of one phase on n threads, this one among them, as
 * site_each does: one thread more would be one malloc arena more.
 */
static void
S_phase(struct pool_ctx *c, int n, int phase)
{
	pthread_t *th = xcalloc((size_t)n, sizeof(*th));
	int i;

	c->next = 0;
	c->phase = phase;
	for (i = 1; i < n; i++)
		if (pthread_create(&th[i], NULL, S_worker, c) != 0) {
			fputs("rally: cannot start a thread\n", stderr);
			abort();
		}
	S_worker(c);
	for (i = 1; i < n; i++)
		pthread_join(th[i], NULL);
	free(th);
}



/*
 * Moves the tree from (the staging directory) into to: an entry that
 * to lacks moves whole, in one rename (so a cold build is a dozen
 * renames, not one per file); a directory that both have is merged;
 * a file replaces what is there.  Symbolic links in to are replaced,
 * never followed.  Returns 1, or 0 after reporting.
 */
static int
S_merge(const char *from, const char *to)
{
	struct stat st;
	struct dirent *de;
	char *f, *t;
	DIR *d;
	int ok = 1, dir;

	if ((d = opendir(from)) == NULL)
		return 1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		f = xasprintf("%s/%s", from, de->d_name);
		t = xasprintf("%s/%s", to, de->d_name);
		dir = de->d_type == DT_DIR || (de->d_type == DT_UNKNOWN &&
		    lstat(f, &st) == 0 && S_ISDIR(st.st_mode));
		if (lstat(t, &st) == 0 && S_ISDIR(st.st_mode) && dir)
			ok &= S_merge(f, t);
		else {
			if (lstat(t, &st) == 0 && !S_ISDIR(st.st_mode) && dir)
				unlink(t);	/* a file where a directory goes */
			if (rename(f, t) == -1) {
				struct pos p = { t, 0, 0 };

				diag_err(&p, "cannot move into place: %s",
				    strerror(errno));
				ok = 0;
			}
		}
		free(f);
		free(t);
	}
	closedir(d);
	return ok;
}

/*
 * Before anything moves: can every entry of from go into to?  A folder
 * where a file goes, or a folder rally cannot write into, stops the
 * build while out/ is still as it was.  Returns 1, or 0 after
 * reporting.
 */
static int
S_movable(const char *from, const char *to)
{
	struct stat st;
	struct dirent *de;
	char *f, *t;
	DIR *d;
	int ok = 1, dir, any = 0;

	if ((d = opendir(from)) == NULL)
		return 1;
	while (ok && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		any = 1;
		f = xasprintf("%s/%s", from, de->d_name);
		t = xasprintf("%s/%s", to, de->d_name);
		dir = lstat(f, &st) == 0 && S_ISDIR(st.st_mode);
		if (lstat(t, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (dir)
				ok = S_movable(f, t);
			else {
				struct pos p = { t, 0, 0 };

				diag_err(&p, "a folder is where rally writes "
				    "a file: remove it (rally never deletes "
				    "what it did not make)");
				ok = 0;
			}
		}
		free(f);
		free(t);
	}
	closedir(d);
	if (ok && any && access(to, W_OK) == -1) {
		struct pos p = { to, 0, 0 };

		diag_err(&p, "cannot write into this folder: %s",
		    strerror(errno));
		ok = 0;
	}
	return ok;
}

static int
S_cmpslow(const void *a, const void *b)
{
	const struct job *x = *(struct job *const *)a;
	const struct job *y = *(struct job *const *)b;

	return x->secs < y->secs ? 1 : x->secs > y->secs ? -1 : 0;
}

/* --verbose: the jobs that took longest. */
static void
S_slowest(struct jobs *js)
{
	struct job **v = xcalloc(js->len + 1, sizeof(*v));
	size_t i, n = 0, pdfs, len;
	double sum;

	for (i = 0; i < js->len; i++)
		if (!js->v[i].skip)
			v[n++] = &js->v[i];
	qsort(v, n, sizeof(*v), S_cmpslow);
	for (i = 0; i < n && i < 5; i++)
		fprintf(stderr, "rally: %8.3f s  %s\n", v[i]->secs, v[i]->out);
	/* The in-process time per PDF (with its preview). */
	for (i = 0, pdfs = 0, sum = 0; i < n; i++)
		if ((len = strlen(v[i]->out)) > 4 &&
		    strcmp(v[i]->out + len - 4, ".pdf") == 0) {
			pdfs++;
			sum += v[i]->secs;
		}
	if (pdfs > 0)
		fprintf(stderr, "rally: %zu PDFs, %.4f s each on average\n",
		    pdfs, sum / (double)pdfs);
	free(v);
}

/*
 * The sizes of the files phase-0 jobs made (in staging) or kept (in
 * outdir), into their bytes[].
 */
static void
S_measure(struct jobs *js, const char *staging, const char *outdir)
{
	struct stat st;
	const char *rel;
	size_t k;
	int i;

	for (k = 0; k < js->len; k++)
		for (i = 0; i < 2; i++) {
			js->v[k].bytes[i] = -1;
			/* Only material is listed with its size: 10 000
			   pages, and their Open Graph cards, are not
			   stat()ed for nothing. */
			if (js->v[k].phase != 0 || (rel = i ? js->v[k].out2 :
			    js->v[k].out) == NULL || !plan_is_print(rel) ||
			    strncmp(rel, "og/", 3) == 0)
				continue;
			if (out_stat(js->v[k].skip ? outdir : staging, rel,
			    &st) == 0 && S_ISREG(st.st_mode))
				js->v[k].bytes[i] = (long long)st.st_size;
		}
}

/* Are the bytes of rel in staging not those of rel in outdir? */
static int
S_differs(const char *staging, const char *outdir, const char *rel)
{
	struct buf a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	int differs;

	differs = !out_read(staging, rel, &a) || !out_read(outdir, rel, &b) ||
	    a.len != b.len || (a.len > 0 && memcmp(a.data, b.data, a.len) != 0);
	buf_free(&a);
	buf_free(&b);
	return differs;
}

/*
 * How many files of the website (not print material) this build made
 * with other bytes than out/ has: rally serve reloads the pages again
 * only then.
 */
static size_t
S_web_changed(const struct jobs *js, const char *staging, const char *outdir)
{
	size_t k, n = 0;

	for (k = 0; k < js->len; k++) {
		const struct job *j = &js->v[k];

		if (j->skip || plan_is_print(j->out))
			continue;
		n += S_differs(staging, outdir, j->out) || (j->out2 != NULL &&
		    S_differs(staging, outdir, j->out2));
	}
	return n;
}

/* Removes what a killed build left in outdir. */
void
run_tidy(const char *outdir)
{
	char *staging = xasprintf("%s/%s", outdir, STAGING);

	rmtree(staging);
	free(staging);
}


/* What the skip check reads: the last manifest, the output folder. */
struct fresh_ctx {
	GHashTable	*old;
	struct outchk	*oc;	/* NULL: nothing is fresh */
	GHashTable	*there;	/* or the files of old found (precheck) */
	struct jobs	*js;
};

/* Is rel in the output folder from key's inputs (fc's way)? */
static int
S_fresh_one(struct fresh_ctx *fc, const char *rel, const char *key)
{
	const char *k;

	if (fc->there == NULL)
		return manifest_fresh(fc->old, fc->oc, rel, key);
	return key[0] != '\0' && (k = g_hash_table_lookup(fc->old, rel)) !=
	    NULL && strcmp(k, key) == 0 && g_hash_table_contains(fc->there,
	    rel);
}

static void
S_fresh(void *arg, struct pool *pool, size_t k)
{
	struct fresh_ctx *fc = arg;
	struct job *j = &fc->js->v[k];

	(void)pool;
	j->skip = S_fresh_one(fc, j->out, j->key) &&
	    (j->out2 == NULL || S_fresh_one(fc, j->out2, j->key));
}

/*
 * The last build's files, checked while this one takes its snapshot
 * and, when it has work, reads and links the campaign.  A no-op build
 * of 10 000 pages looked for its 10 000 files after the snapshot, and
 * a rebuild for one edit when it came to run its jobs: a system call
 * each, 24 ms on two threads, while the snapshot, reading and linking
 * have long stretches on one core (listing a folder, opening the
 * parsed files' cache, the lists).  Started once the output folder is
 * locked; what it finds is as true as the same stats made later: the
 * build holds that lock meanwhile, and any other program can change
 * out/ either way.
 */
struct precheck {
	pthread_t	 th;
	char		*outdir;
	GHashTable	*old;	/* the manifest: path -> key */
	GHashTable	*there;	/* its paths that are regular files, or
				   NULL (no output folder) */
	size_t		 n;	/* the manifest's paths */
	int		 whole;	/* it is there, every line well formed */
	int		 bad;	/* it is there and cannot be read: the
				   build reads it itself, and says why */
};

static void *
S_precheck(void *arg)
{
	struct precheck *pre = arg;
	struct outchk *oc;
	const char **rel;
	size_t i;
	int fd;

	pre->old = manifest_read_all(pre->outdir, &rel, &pre->n,
	    &pre->whole, &pre->bad);
	if ((fd = out_open(pre->outdir)) != -1) {
		/* In the manifest's order: a folder's files together. */
		oc = out_check_new(fd);
		pre->there = g_hash_table_new(g_str_hash, g_str_equal);
		for (i = 0; i < pre->n; i++)
			if (out_check_reg(oc, rel[i]))
				g_hash_table_add(pre->there, (void *)rel[i]);
		out_check_free(oc);
		close(fd);
	}
	free(rel);
	return NULL;
}

struct precheck *
run_precheck(const char *outdir)
{
	struct precheck *pre = xcalloc(1, sizeof(*pre));

	pre->outdir = xstrdup(outdir);
	if (pthread_create(&pre->th, NULL, S_precheck, pre) != 0) {
		free(pre->outdir);
		free(pre);
		return NULL;	/* run_jobs looks itself */
	}
	return pre;
}

/* Waits for pre's thread: its manifest and findings are then read. */
static void
S_precheck_join(struct precheck *pre)
{
	if (pre->outdir != NULL) {
		pthread_join(pre->th, NULL);
		free(pre->outdir);
		pre->outdir = NULL;
	}
}

/*
 * For a no-op build (stamp.c): the number of files of the last build's
 * manifest when every one of them is in the output folder, else -1;
 * -2 when the manifest could not be read (the caller reads it itself).
 */
long
run_precheck_whole(struct precheck *pre)
{
	S_precheck_join(pre);
	if (pre->bad)
		return -2;
	if (!pre->whole || pre->there == NULL ||
	    g_hash_table_size(pre->there) != pre->n)
		return -1;
	return (long)pre->n;
}

void
run_precheck_free(struct precheck *pre)
{
	if (pre == NULL)
		return;
	S_precheck_join(pre);
	if (pre->there != NULL)
		g_hash_table_destroy(pre->there);
	if (pre->old != NULL)
		g_hash_table_destroy(pre->old);
	free(pre);
}

/*
 * Runs every job that is not up to date with n workers, writing under
 * o->out.  On failure the output is left exactly as it was.  Returns
 * 1 on success.
 */
int
run_jobs(struct site *site, struct jobs *js, const struct opts *o)
{
	struct pool_ctx c;
	struct fresh_ctx fc;
	struct buf man = { NULL, 0, 0 };
	GHashTable *old;
	char *staging;
	double t0 = o->start;
	int n = o->jobs, outfd;
	size_t k, todo = 0, deferred;

	if (n <= 0)
		n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n <= 0)
		n = 1;
	/* A job is skipped when its files are there, from the same inputs
	   (looked for meanwhile by run_precheck's thread, or here on every
	   core). */
	fc.there = NULL;
	fc.oc = NULL;
	outfd = -1;
	if (site->pre != NULL)
		S_precheck_join(site->pre);
	if (site->pre != NULL && site->pre->bad) {
		/* Read below, where its error is said, as before. */
		run_precheck_free(site->pre);
		site->pre = NULL;
	}
	if (site->pre != NULL) {
		/* Looked for while the campaign loaded. */
		fc.old = site->pre->old;
		fc.there = site->pre->there;
		site->pre->old = NULL;	/* ours now */
		if (fc.there == NULL)	/* no output folder: none fresh */
			fc.there = g_hash_table_new(g_str_hash, g_str_equal);
		else
			site->pre->there = NULL;
		run_precheck_free(site->pre);
		site->pre = NULL;
	} else {
		fc.old = manifest_read(o->out);
		outfd = out_open(o->out);	/* -1: nothing is fresh */
		fc.oc = outfd != -1 ? out_check_new(outfd) : NULL;
	}
	fc.js = js;
	site_each(site, js->len, S_fresh, &fc);
	old = fc.old;
	/* rally serve's first half: the print material that is not up
	   to date waits for the next build; the pages list it as it is. */
	for (k = 0, deferred = 0; o->defer && k < js->len; k++)
		if (!js->v[k].skip && plan_is_print(js->v[k].out)) {
			js->v[k].skip = js->v[k].defer = 1;
			deferred++;
		}
	for (k = 0; k < js->len; k++)
		todo += !js->v[k].skip;
	out_check_free(fc.oc);
	if (outfd != -1)
		close(outfd);
	if (fc.there != NULL)
		g_hash_table_destroy(fc.there);
	staging = xasprintf("%s/%s", o->out, STAGING);
	rmtree(staging);	/* left by a killed build */
	if (mkdir(staging, 0755) == -1) {
		/* Said once, not once per file. */
		struct pos p = { o->out, 0, 0 };

		diag_err(&p, "cannot write into the output directory: %s",
		    strerror(errno));
		free(staging);
		g_hash_table_destroy(old);
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.site = site;
	c.old = old;
	c.js = js;
	c.staging = staging;
	c.stagefd = open(staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	c.todo = todo;
	c.tty = !o->quiet && isatty(2);
	c.shared = mmap(NULL, sizeof(*c.shared) * (2 + js->len),
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c.shared == MAP_FAILED) {
		fputs("rally: cannot map shared memory\n", stderr);
		abort();
	}
	memset(c.shared, 0, sizeof(*c.shared) * (2 + js->len));
	if ((size_t)n > js->len)
		n = js->len > 0 ? (int)js->len : 1;
	c.phase = 0;
	S_procs(&c, n);
	if (!c.failed)
		S_phase(&c, n, 0);
	if (!c.failed) {
		/* Pages listing the material learn its file sizes. */
		S_measure(js, staging, o->out);
		print_sizes(site, js);
		S_phase(&c, n, 1);
	}
	if (c.tty)
		fputs("\r\033[K", stderr);
	for (k = 0; k < js->len; k++)	/* times from the workers */
		js->v[k].secs = (double)c.shared[2 + k] / 1e6;
	munmap(c.shared, sizeof(*c.shared) * (2 + js->len));
	if (c.stagefd != -1)
		close(c.stagefd);
	if (c.failed) {
		rmtree(staging);
		free(staging);
		g_hash_table_destroy(old);
		return 0;
	}
	/*
	 * A page that lists the material's file sizes was made from the
	 * files a deferred build left as they were: no key in the
	 * manifest, so that the next build makes it again.
	 */
	for (k = 0; deferred > 0 && k < js->len; k++)
		if (js->v[k].phase == 1 && !js->v[k].skip)
			js->v[k].key[0] = '\0';
	if (o->web_made != NULL)
		*o->web_made = S_web_changed(js, staging, o->out);
	/*
	 * Every file is whole: move the new ones into place, once nothing
	 * is in the way.  If a move fails all the same, what moved is new
	 * and the old manifest still has the old keys, so the next build
	 * redoes exactly those: the manifest and the sweep are left alone.
	 */
	if (!S_movable(staging, o->out)) {
		rmtree(staging);
		free(staging);
		g_hash_table_destroy(old);
		return 0;
	}
	site->partial = 1;
	/* out/ changes, and a build of a half or a deferred one saves
	   no full stamp: the last one no longer says what is there. */
	if (o->only != NULL || o->defer)
		stamp_drop(o->out, NULL);
	if (o->defer)
		stamp_drop(o->out, "web");
	if (!S_merge(staging, o->out))
		c.failed = 1;
	else {
		for (k = 0; k < js->len; k++)
			manifest_add(&man, &js->v[k], old);
		manifest_stale(o->out, js, old, &man, o->only);
		if (!manifest_write(o->out, &man))
			c.failed = 1;
		else
			site->partial = 0;
	}
	g_hash_table_destroy(old);
	buf_free(&man);
	rmtree(staging);
	free(staging);
	if (!o->quiet) {
		char wait[64] = "";

		if (deferred > 0)
			snprintf(wait, sizeof(wait), ", %zu of print waiting",
			    deferred);
		fprintf(stderr, "rally: built %zu file%s, %zu up to date%s, "
		    "in %.2f s\n", todo, todo == 1 ? "" : "s",
		    js->len - todo - deferred, wait, run_clock() - t0);
	}
	if (o->verbose) {
		size_t asked, hits;

		cache_counts(site->cache, &asked, &hits);
		fprintf(stderr, "rally: %zu content file%s, %zu unchanged "
		    "and taken as parsed from .rally-cache\n", asked,
		    asked == 1 ? "" : "s", hits);
		S_slowest(js);
	}
	return !c.failed;
}
