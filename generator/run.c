/*
 * run.c: runs the jobs on a thread pool into a staging directory, then
 * moves the finished files into place, so that a failed build leaves
 * the previous output as it was.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rally.h"
#include "extern.h"

#define STAGING  ".rally-tmp"
#define MANIFEST ".rally-manifest"

struct pool_ctx {
	struct site	*site;
	struct jobs	*js;
	const char	*staging;
	size_t		 next;	/* next job to take (atomic) */
	int		 phase;	/* the phase being run */
	int		 failed;
};

static int
S_put(struct pool_ctx *c, const char *rel, const struct buf *b)
{
	char *path = xasprintf("%s/%s", c->staging, rel);
	int ok = file_write_atomic(path, b->data ? b->data : "", b->len);

	if (!ok) {
		struct pos p = { path, 0, 0 };

		diag_err(&p, "cannot write: %s", strerror(errno));
	}
	free(path);
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
		if (j->phase != c->phase || j->proc)
			continue;
		b[0].len = b[1].len = 0;
		if (!j->fn(j, c->site, b) || !S_put(c, j->out, &b[0]) ||
		    (j->out2 != NULL && !S_put(c, j->out2, &b[1])))
			__atomic_store_n(&c->failed, 1, __ATOMIC_SEQ_CST);
	}
	buf_free(&b[0]);
	buf_free(&b[1]);
	return NULL;
}

/*
 * Runs the jobs that need a process of their own (print sheets: cairo
 * 1.16 can deadlock when two threads render text) in n forked workers.
 * It must run before any thread exists.  The workers share the next
 * job's index through an anonymous shared mapping.
 */
static void
S_procs(struct pool_ctx *c, int n)
{
	struct buf b[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	size_t *next, i, todo = 0;
	pid_t *pids;
	struct job *j;
	int k, st, failed;

	for (i = 0; i < c->js->len; i++)
		todo += c->js->v[i].proc && c->js->v[i].phase == c->phase;
	if (todo == 0)
		return;
	next = mmap(NULL, sizeof(*next), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (next == MAP_FAILED) {
		fputs("rally: cannot map shared memory\n", stderr);
		abort();
	}
	*next = 0;
	if ((size_t)n > todo)
		n = (int)todo;
	pids = xcalloc((size_t)n, sizeof(*pids));
	fflush(stderr);
	for (k = 0; k < n; k++) {
		if ((pids[k] = fork()) == -1) {
			fputs("rally: cannot fork\n", stderr);
			abort();
		}
		if (pids[k] != 0)
			continue;
		failed = 0;
		for (;;) {
			i = __atomic_fetch_add(next, 1, __ATOMIC_SEQ_CST);
			if (i >= c->js->len)
				break;
			j = &c->js->v[i];
			if (!j->proc || j->phase != c->phase)
				continue;
			b[0].len = b[1].len = 0;
			if (!j->fn(j, c->site, b) || !S_put(c, j->out, &b[0]) ||
			    (j->out2 != NULL && !S_put(c, j->out2, &b[1])))
				failed = 1;
		}
		buf_free(&b[0]);
		buf_free(&b[1]);
		fflush(stderr);
		_exit(failed);
	}
	for (k = 0; k < n; k++)
		if (waitpid(pids[k], &st, 0) == -1 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			c->failed = 1;
	free(pids);
	munmap(next, sizeof(*next));
}

/* Runs the jobs of one phase on n threads. */
static void
S_phase(struct pool_ctx *c, int n, int phase)
{
	pthread_t *th = xcalloc((size_t)n, sizeof(*th));
	int i;

	c->next = 0;
	c->phase = phase;
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, S_worker, c) != 0) {
			fputs("rally: cannot start a thread\n", stderr);
			abort();
		}
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	free(th);
}

static double
S_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static int
S_cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes files of the last build that this build no longer makes. */
static void
S_stale(const char *outdir, struct jobs *js, struct buf *man_out, int keep)
{
	struct buf b = { NULL, 0, 0 };
	char *man = xasprintf("%s/%s", outdir, MANIFEST), *line, *save = NULL;
	char **names, *key, *path, *slash;
	size_t i, k;
	FILE *f;

	if ((f = fopen(man, "r")) == NULL) {
		free(man);
		return;
	}
	free(man);
	fclose(f);
	man = xasprintf("%s/%s", outdir, MANIFEST);
	if (!file_read(man, &b, NULL)) {
		free(man);
		return;
	}
	free(man);
	names = xcalloc(2 * js->len + 1, sizeof(*names));
	for (i = k = 0; i < js->len; i++) {
		names[k++] = js->v[i].out;
		if (js->v[i].out2 != NULL)
			names[k++] = js->v[i].out2;
	}
	qsort(names, k, sizeof(*names), S_cmpstr);
	for (line = strtok_r(b.data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		key = line;
		if (!path_is_safe(line) ||
		    bsearch(&key, names, k, sizeof(*names), S_cmpstr))
			continue;
		if (keep) {
			/* A partial build (--only) keeps the other half. */
			buf_puts(man_out, line);
			buf_putc(man_out, '\n');
			continue;
		}
		path = xasprintf("%s/%s", outdir, line);
		unlink(path);
		/* Empty directories go too; rmdir fails on the rest. */
		while ((slash = strrchr(path, '/')) != NULL &&
		    (size_t)(slash - path) > strlen(outdir)) {
			*slash = '\0';
			if (rmdir(path) == -1)
				break;
		}
		free(path);
	}
	free(names);
	buf_free(&b);
}

/*
 * Runs every job with nthreads threads, writing under outdir.  On
 * failure outdir is left exactly as it was.  Returns 1 on success.
 */
int
run_jobs(struct site *site, struct jobs *js, const struct opts *o)
{
	struct pool_ctx c;
	struct buf man = { NULL, 0, 0 };
	char *staging, *from, *to, *slash;
	double t0 = S_now();
	int n = o->jobs;
	size_t k;

	if (n <= 0)
		n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n <= 0)
		n = 1;
	if ((size_t)n > js->len)
		n = js->len > 0 ? (int)js->len : 1;
	if (!mkdirs(o->out)) {
		struct pos p = { o->out, 0, 0 };

		diag_err(&p, "cannot create the output directory: %s",
		    strerror(errno));
		return 0;
	}
	staging = xasprintf("%s/%s", o->out, STAGING);
	rmtree(staging);	/* left by a killed build */
	memset(&c, 0, sizeof(c));
	c.site = site;
	c.js = js;
	c.staging = staging;
	c.phase = 0;
	S_procs(&c, n);
	if (!c.failed)
		S_phase(&c, n, 0);
	if (!c.failed) {
		/* Pages listing the material learn its file sizes. */
		print_sizes(site, staging);
		S_phase(&c, n, 1);
	}
	if (c.failed) {
		rmtree(staging);
		free(staging);
		return 0;
	}
	/* Every file is whole: move them into place. */
	for (k = 0; k < js->len; k++) {
		from = xasprintf("%s/%s", staging, js->v[k].out);
		to = xasprintf("%s/%s", o->out, js->v[k].out);
		slash = strrchr(to, '/');
		*slash = '\0';
		mkdirs(to);
		*slash = '/';
		if (rename(from, to) == -1) {
			struct pos p = { to, 0, 0 };

			diag_err(&p, "cannot move into place: %s",
			    strerror(errno));
			c.failed = 1;
		}
		buf_puts(&man, js->v[k].out);
		buf_putc(&man, '\n');
		free(from);
		free(to);
		if (js->v[k].out2 == NULL)
			continue;
		from = xasprintf("%s/%s", staging, js->v[k].out2);
		to = xasprintf("%s/%s", o->out, js->v[k].out2);
		if (rename(from, to) == -1) {
			struct pos p = { to, 0, 0 };

			diag_err(&p, "cannot move into place: %s",
			    strerror(errno));
			c.failed = 1;
		}
		buf_puts(&man, js->v[k].out2);
		buf_putc(&man, '\n');
		free(from);
		free(to);
	}
	S_stale(o->out, js, &man, o->only != NULL);
	to = xasprintf("%s/%s", o->out, MANIFEST);
	if (!file_write_atomic(to, man.data ? man.data : "", man.len))
		c.failed = 1;
	free(to);
	buf_free(&man);
	rmtree(staging);
	free(staging);
	if (!o->quiet)
		fprintf(stderr, "rally: built %zu files in %.2f s\n", js->len,
		    S_now() - t0);
	return !c.failed;
}
