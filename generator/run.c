/*
 * run.c: runs the jobs on a thread pool into a staging directory, then
 * moves the finished files into place, so that a failed build leaves
 * the previous output as it was.
 */
#include <sys/stat.h>
#include <sys/time.h>

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
	int		 failed;
};

static void *
S_worker(void *arg)
{
	struct pool_ctx *c = arg;
	struct buf b = { NULL, 0, 0 };
	struct job *j;
	size_t i;
	char *path;

	for (;;) {
		i = __atomic_fetch_add(&c->next, 1, __ATOMIC_SEQ_CST);
		if (i >= c->js->len)
			break;
		j = &c->js->v[i];
		b.len = 0;
		buf_puts(&b, "");
		b.len = 0;
		if (!j->fn(j, c->site, &b)) {
			__atomic_store_n(&c->failed, 1, __ATOMIC_SEQ_CST);
			continue;
		}
		path = xasprintf("%s/%s", c->staging, j->out);
		if (!file_write_atomic(path, b.data, b.len)) {
			struct pos p = { path, 0, 0 };

			diag_err(&p, "cannot write: %s", strerror(errno));
			__atomic_store_n(&c->failed, 1, __ATOMIC_SEQ_CST);
		}
		free(path);
	}
	buf_free(&b);
	return NULL;
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
S_stale(const char *outdir, struct jobs *js)
{
	struct buf b = { NULL, 0, 0 };
	char *man = xasprintf("%s/%s", outdir, MANIFEST), *line, *save = NULL;
	char **names, *key, *path, *slash;
	size_t i;
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
	names = xcalloc(js->len + 1, sizeof(*names));
	for (i = 0; i < js->len; i++)
		names[i] = js->v[i].out;
	qsort(names, js->len, sizeof(*names), S_cmpstr);
	for (line = strtok_r(b.data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		key = line;
		if (!path_is_safe(line) ||
		    bsearch(&key, names, js->len, sizeof(*names), S_cmpstr))
			continue;
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
	pthread_t *th;
	char *staging, *from, *to, *slash;
	double t0 = S_now();
	int n = o->jobs, i;
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
	th = xcalloc((size_t)n, sizeof(*th));
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, S_worker, &c) != 0) {
			fputs("rally: cannot start a thread\n", stderr);
			abort();
		}
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	free(th);
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
	}
	S_stale(o->out, js);
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
