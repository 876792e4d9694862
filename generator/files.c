/*
 * files.c: every file rally reads or writes, and the two trees it may
 * touch: the campaign's root (read) and the output directory (written).
 *
 * Containment is by file descriptor, not by path strings.  The root is
 * opened once (site_init); a file in it is opened beneath that
 * descriptor with openat2(RESOLVE_BENEATH), and the file actually
 * opened is then named by the kernel (/proc/self/fd) and refused if
 * that name passes through a hidden one (.git, dotfiles): a link
 * "assets/notes.txt -> ../.git/config" reads nothing.  Only regular
 * files are read, opened with O_NONBLOCK so that a FIFO cannot block.
 * In the output directory no symbolic link is ever followed, for
 * reading, writing or deleting (RESOLVE_NO_SYMLINKS, or O_NOFOLLOW one
 * component at a time on kernels without openat2).
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#ifdef __linux__
#include <linux/openat2.h>
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "rally.h"
#include "extern.h"

/*
 * Set once the kernel (or valgrind, or a seccomp filter) has said it
 * has no openat2: a fact of the process, like the diagnostics, not of
 * a build.
 */
static int S_no_openat2;

/*
 * Opens rel (relative, no ".." or hidden names: checked by callers)
 * beneath dirfd.  With nolinks, no component may be a symbolic link;
 * without, links are followed but the kernel keeps the walk beneath
 * dirfd where it can (the caller checks the result's real path).
 */
static int
S_open_beneath(int dirfd, const char *rel, int flags, int nolinks)
{
	char *p, *s, *e;
	int fd, next;

#if defined(SYS_openat2) && defined(RESOLVE_BENEATH)
	struct open_how how;

	if (!__atomic_load_n(&S_no_openat2, __ATOMIC_RELAXED)) {
		memset(&how, 0, sizeof(how));
		how.flags = (uint64_t)(flags | O_CLOEXEC);
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS |
		    (nolinks ? RESOLVE_NO_SYMLINKS : 0);
		fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
		if (fd != -1 || (errno != ENOSYS && errno != EPERM))
			return fd;
		__atomic_store_n(&S_no_openat2, 1, __ATOMIC_RELAXED);
	}
#endif
	if (!nolinks)
		return openat(dirfd, rel, flags | O_CLOEXEC);
	/* One component at a time, none of them followed. */
	p = xstrdup(rel);
	fd = dirfd;
	for (s = p; (e = strchr(s, '/')) != NULL; s = e + 1) {
		*e = '\0';
		next = openat(fd, s, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd != dirfd)
			close(fd);
		if ((fd = next) == -1) {
			free(p);
			return -1;
		}
	}
	next = openat(fd, s, flags | O_NOFOLLOW | O_CLOEXEC);
	if (fd != dirfd) {
		int e2 = errno;

		close(fd);
		errno = e2;
	}
	free(p);
	return next;
}

/*
 * Is the file open on fd inside the root, by no hidden name?  The
 * kernel names the file itself; without /proc, the path is resolved.
 */
static int
S_fd_visible(const struct site *site, int fd, const char *rel)
{
	char proc[64], real[PATH_MAX], *full;
	const char *s;
	ssize_t n;
	size_t rn = strlen(site->rroot);

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if ((n = readlink(proc, real, sizeof(real) - 1)) > 0)
		real[n] = '\0';
	else {
		full = xasprintf("%s/%s", site->rroot, rel);
		s = realpath(full, real);
		free(full);
		if (s == NULL)
			return 0;
	}
	if (rn == 1)
		rn = 0;		/* the root is "/" */
	if (strncmp(real, site->rroot, rn) != 0)
		return 0;
	if (real[rn] == '\0')
		return 1;	/* the root itself */
	return real[rn] == '/' && path_is_safe(real + rn + 1);
}

/*
 * Opens rel in the campaign's root with flags (O_RDONLY, O_DIRECTORY,
 * O_PATH...; O_NONBLOCK and O_NOCTTY are added), refusing a path that
 * leaves the root or reaches a hidden file, however it gets there:
 * then -1 with errno EXDEV.  Returns the descriptor (close it).
 */
int
root_open(const struct site *site, const char *rel, int flags)
{
	int fd;

	if (!path_is_safe(rel)) {
		errno = EXDEV;
		return -1;
	}
	/* openat2 takes no other flag with O_PATH. */
	if (!(flags & O_PATH))
		flags |= O_NONBLOCK | O_NOCTTY;
	/*
	 * Reached through no link, the file is rel itself, beneath the
	 * root, by names checked above: no need to ask the kernel its
	 * name (a readlink per file was 3 % of a 10k build).  Through a
	 * link, the kernel names what it reached.
	 */
	if (!(flags & O_PATH)) {
		fd = S_open_beneath(site->rootfd, rel, flags, 1);
		if (fd != -1 || (errno != ELOOP && errno != ENOTDIR))
			return fd;
	}
	fd = S_open_beneath(site->rootfd, rel, flags, 0);
	if (fd == -1)
		return -1;	/* EXDEV: the kernel saw it leave */
	if (!S_fd_visible(site, fd, rel)) {
		close(fd);
		errno = EXDEV;
		return -1;
	}
	return fd;
}

/*
 * Reads the regular file open on fd into out and closes fd; errors go
 * to why, or nowhere if it is NULL.
 */
static const char S_TOO_LARGE[] = "file too large";

static int	S_read_fd_unless(int, const char *, struct buf *,
		    const struct pos *, struct stat *,
		    int (*)(void *, const struct stat *), void *);

/* Does a message at why already name rel? */
#define S_SAME(why, rel) ((why) != NULL && (why)->file != NULL && \
	(why)->line == 0 && \
	strcmp((why)->file, (rel)) == 0)

static int
S_read_fd(int fd, const char *shown, struct buf *out, const struct pos *why)
{
	return S_read_fd_unless(fd, shown, out, why, NULL, NULL, NULL);
}

/* S_read_fd, but 2 without reading when skip(arg, st) says so. */
static int
S_read_fd_unless(int fd, const char *shown, struct buf *out,
    const struct pos *why, struct stat *stp,
    int (*skip)(void *arg, const struct stat *st), void *arg)
{
	struct stat st;
	const char *err = NULL;
	size_t want;
	ssize_t r;

	if (fstat(fd, &st) == -1)
		err = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		err = S_ISFIFO(st.st_mode) ? "a pipe, not a file" :
		    S_ISDIR(st.st_mode) ? "a folder, not a file" :
		    "a device or socket, not a file";
	else if ((size_t)st.st_size > LIMIT_FILE_SIZE)
		err = S_TOO_LARGE;
	if (err == NULL && stp != NULL)
		*stp = st;
	if (err == NULL && skip != NULL && skip(arg, &st)) {
		close(fd);
		return 2;
	}
	out->len = 0;
	if (err == NULL) {
		buf_grow(out, (size_t)st.st_size);
		mem_prefault(out->data, (size_t)st.st_size);
	}
	while (err == NULL) {
		buf_grow(out, 4096);
		want = out->cap - out->len - 1;
		r = read(fd, out->data + out->len, want);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			err = strerror(errno);
		else if (r == 0)
			break;
		else if ((out->len += (size_t)r) > LIMIT_FILE_SIZE)
			err = S_TOO_LARGE;
		/*
		 * The whole file its stat announced, in a read that came
		 * short: its end, without a second read to hear it (a
		 * system call a file, 10 000 in a 10k site).
		 */
		else if ((size_t)r < want && out->len == (size_t)st.st_size)
			break;
	}
	close(fd);
	if (err != NULL && why != NULL && err == S_TOO_LARGE)
		diag_err(why, "%s%s%s (limit %u bytes)", shown ? shown : "",
		    shown ? ": " : "", err, LIMIT_FILE_SIZE);
	else if (err != NULL && why != NULL)
		diag_err(why, "%s%s%s", shown ? shown : "", shown ? ": " : "",
		    err);
	if (err != NULL)
		return 0;
	out->data[out->len] = '\0';
	return 1;
}

/* Reads the regular file at path (anywhere: --logo) into out. */
int
file_read(const char *path, struct buf *out, const struct pos *why)
{
	struct pos p = { path, 0, 0 };
	int fd;

	if (why == NULL)
		why = &p;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
	    O_NOCTTY)) == -1) {
		diag_err(why, "cannot open %s: %s", path, strerror(errno));
		return 0;
	}
	return S_read_fd(fd, path, out, why);
}

/*
 * Reads rel in the campaign's root into out (the caller's, buf_free):
 * a regular file, reached without leaving the root or passing a hidden
 * name.  why: where to report (NULL: say nothing, for hints and hashes
 * of files whose errors are reported where they are read).
 */
int
root_read(const struct site *site, const char *rel, struct buf *out,
    const struct pos *why)
{
	return root_read_unless(site, rel, out, why, NULL, NULL, NULL);
}

/*
 * root_read, with the file's stat in *st (if not NULL), and asking
 * skip(arg, st) (if not NULL) first: when it answers 1 the file is not
 * read and 2 is returned.
 */
int
root_read_unless(const struct site *site, const char *rel, struct buf *out,
    const struct pos *why, struct stat *st,
    int (*skip)(void *arg, const struct stat *st), void *arg)
{
	int fd;

	if ((fd = root_open(site, rel, O_RDONLY)) == -1) {
		if (why == NULL)
			return 0;
		/* The file's own errors do not repeat its name. */
		if (errno == EXDEV)
			diag_err(why, "%s%sa link to outside the campaign or "
			    "to a hidden file; rally does not follow it",
			    S_SAME(why, rel) ? "" : rel, S_SAME(why, rel) ?
			    "" : ": ");
		else
			diag_err(why, "cannot open %s: %s", rel,
			    strerror(errno));
		return 0;
	}
	return S_read_fd_unless(fd, S_SAME(why, rel) ? NULL : rel, out, why,
	    st, skip, arg);
}

/*
 * rel inside the root (see root_open): the path to show or hand to a
 * library (caller frees), or NULL if it is missing or refused.
 */
char *
path_in_root(const struct site *site, const char *rel)
{
	int fd;

	if ((fd = root_open(site, rel, O_PATH)) == -1)
		return NULL;
	close(fd);
	return xasprintf("%s/%s", site->root, rel);
}

/*
 * The names in directory rel of the site's root, sorted, without hidden
 * ones: every directory rally reads is listed here.  Returns an array
 * (free each name and the array) and sets *n; NULL with *n = 0 and
 * errno set if the directory cannot be read.
 */
static char **
S_names(const struct site *site, const char *rel, size_t *n, int *keep)
{
	char **names = NULL;
	struct dirent *de;
	size_t cap = 0;
	DIR *d;
	int fd;

	*n = 0;
	if ((fd = root_open(site, rel, O_RDONLY | O_DIRECTORY)) == -1)
		return NULL;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return NULL;
	}
	if (keep != NULL)
		*keep = dup(fd);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n > 1)
		qsort(names, *n, sizeof(*names), strcmp_ptr);
	return names;
}

char **
dir_names(const struct site *site, const char *rel, size_t *n)
{
	return S_names(site, rel, n, NULL);
}

/* The names of a folder, stat'ed (not followed) before walking it. */
struct statnames {
	int		  dfd;
	char		**names;
	struct stat	 *st;
	char		 *ok;	/* st[i] is names[i]'s */
};

static void
S_stat_name(void *arg, struct pool *pool, size_t i)
{
	struct statnames *sn = arg;

	(void)pool;
	sn->ok[i] = fstatat(sn->dfd, sn->names[i], &sn->st[i],
	    AT_SYMLINK_NOFOLLOW) == 0;
}

/*
 * The directories entered, to find a link back to one of them.  Paths
 * are at most 1024 bytes (path_is_safe), so no walk goes deeper.
 */
#define WALK_MAX 520
struct walk {
	dev_t	dev[WALK_MAX];
	ino_t	ino[WALK_MAX];
	int	n;
};

static void
S_walk(const struct site *site, const char *rel, struct walk *w,
    int (*fn)(void *, const char *, const struct stat *, const char *),
    void *arg)
{
	struct stat st;
	const char *why;
	struct statnames sn = { -1, NULL, NULL, NULL };
	char *sub, **names, here[1024 + 256 + 2];
	size_t n, i, rl = strlen(rel), nl;
	int fd, k, dfd = -1;

	/* Its descriptor kept while deeper ones are walked: not 520. */
	if ((names = S_names(site, rel, &n, w->n < 64 ? &dfd : NULL)) ==
	    NULL)
		return;
	/* A big folder's names (10 000 press releases) on every core. */
	if (dfd != -1 && n >= 256) {
		sn.dfd = dfd;
		sn.names = names;
		sn.st = xmalloc(n * sizeof(*sn.st));
		mem_prefault(sn.st, n * sizeof(*sn.st));
		sn.ok = xmalloc(n);
		site_each_plain(site->workers, n, S_stat_name, &sn);
	}
	for (i = 0; i < n; i++) {
		/* Made here, not allocated: 10 000 names in a 10k site. */
		nl = strlen(names[i]);
		if (rl + 1 + nl < sizeof(here)) {
			memcpy(here, rel, rl);
			here[rl] = '/';
			memcpy(here + rl + 1, names[i], nl + 1);
			sub = here;
		} else
			sub = xasprintf("%s/%s", rel, names[i]);
		why = NULL;
		if (strlen(sub) > 1024)
			why = "its path is longer than 1024 bytes";
		/*
		 * Not a link: a name in the folder just listed is itself,
		 * one system call (a 10k site's no-op build was four a
		 * file).  A link: the kernel names what it reaches.
		 */
		else if (dfd != -1 && path_is_safe(sub) && (sn.st != NULL ?
		    sn.ok[i] && (st = sn.st[i], 1) : fstatat(dfd, names[i],
		    &st, AT_SYMLINK_NOFOLLOW) == 0) && !S_ISLNK(st.st_mode))
			;
		else if ((fd = root_open(site, sub, O_PATH)) == -1)
			why = errno == EXDEV ? "a link to outside the "
			    "campaign or to a hidden file" : strerror(errno);
		else {
			if (fstat(fd, &st) == -1)
				why = strerror(errno);
			close(fd);
		}
		for (k = 0; why == NULL && S_ISDIR(st.st_mode) && k < w->n;
		    k++)
			if (w->dev[k] == st.st_dev && w->ino[k] == st.st_ino)
				why = "a link back to a folder that holds it";
		if (why == NULL && S_ISDIR(st.st_mode) && w->n == WALK_MAX)
			why = "folders nested too deep";
		if (fn(arg, sub, why == NULL ? &st : NULL, why) &&
		    why == NULL && S_ISDIR(st.st_mode)) {
			w->dev[w->n] = st.st_dev;
			w->ino[w->n++] = st.st_ino;
			S_walk(site, sub, w, fn, arg);
			w->n--;
		}
		if (sub != here)
			free(sub);
		free(names[i]);
	}
	free(names);
	free(sn.st);
	free(sn.ok);
	if (dfd != -1)
		close(dfd);
}

/*
 * Walks the tree below rel in the site's root, sorted, without hidden
 * names.  Calls fn with each entry's path relative to the root and its
 * stat (links followed inside the campaign); for an entry it cannot
 * use, st is NULL and why says what is wrong (a link out, a link back
 * up the tree, a path over 1024 bytes).  A directory is entered when fn returns 1.
 */
void
dir_walk(const struct site *site, const char *rel,
    int (*fn)(void *, const char *, const struct stat *, const char *),
    void *arg)
{
	struct walk w;
	struct stat st;
	int fd;

	w.n = 0;
	if ((fd = root_open(site, rel, O_PATH)) == -1)
		return;
	if (fstat(fd, &st) == 0) {
		w.dev[0] = st.st_dev;
		w.ino[0] = st.st_ino;
		w.n = 1;
		S_walk(site, rel, &w, fn, arg);
	}
	close(fd);
}

/* The output directory. */

/* Opens outdir itself, never through a link; -1 with errno. */
static int
S_out_dir(const char *outdir)
{
	return open(outdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/*
 * The parent directory of rel in outdir, reached through no link: a
 * descriptor (close it), *base pointing into rel; -1 if none.
 */
static int
S_out_parent(const char *outdir, const char *rel, const char **base)
{
	const char *slash = strrchr(rel, '/');
	char *dir;
	int top, fd;

	if ((top = S_out_dir(outdir)) == -1)
		return -1;
	if (slash == NULL) {
		*base = rel;
		return top;
	}
	*base = slash + 1;
	dir = xstrndup(rel, (size_t)(slash - rel));
	fd = S_open_beneath(top, dir, O_RDONLY | O_DIRECTORY, 1);
	free(dir);
	close(top);
	return fd;
}

/*
 * lstat() of rel in outdir, whose directories must not be links: 0, or
 * -1 (missing, or reached through a link).
 */
int
out_stat(const char *outdir, const char *rel, struct stat *st)
{
	int top, rc;

	if ((top = S_out_dir(outdir)) == -1)
		return -1;
	rc = out_statat(top, rel, st);
	close(top);
	return rc;
}

/* out_stat in the output directory open on top (out_open). */
int
out_statat(int top, const char *rel, struct stat *st)
{
	int fd, rc;

	/* The file itself, as a path: a link at the end is the link
	   (O_NOFOLLOW with O_PATH), a link on the way is refused. */
	fd = S_open_beneath(top, rel, O_PATH | O_NOFOLLOW, 1);
	if (fd == -1)
		return -1;
	rc = fstat(fd, st);
	close(fd);
	return rc;
}

/*
 * Many files of the output folder, each checked with one system call.
 *
 * A 10k site's no-op build checks that its 10 000 pages are still
 * there, each as press/pNNNNN/index.html reached through no link:
 * opening each through openat2 (no links on the way), fstat and close
 * were three calls a page and half the build.  Here the folder above a
 * page's own (press/) is opened once, through no link, and listed
 * once; the listing's types say which of its names are folders, not
 * links; one fstatat of "pNNNNN/index.html" below it, the last name
 * not followed, then reaches no link.  A listing without types
 * (DT_UNKNOWN, some file systems) takes the three calls.  Used by
 * several threads at once.
 */
struct outdir {
	int		 fd;	/* -1: not usable (a link, missing) */
	GHashTable	*types;	/* name -> its d_type + 1 */
};

struct outchk {
	int		 top;	/* not owned */
	pthread_mutex_t	 mx;
	GHashTable	*dirs;	/* folder (rel, "" for top) -> struct outdir */
};

static void
S_outdir_free(void *p)
{
	struct outdir *od = p;

	if (od->fd != -1)
		close(od->fd);
	if (od->types != NULL)
		g_hash_table_destroy(od->types);
	free(od);
}

/* Checks below top (out_open: the caller's, kept open).  Free with
   out_check_free. */
struct outchk *
out_check_new(int top)
{
	struct outchk *oc = xcalloc(1, sizeof(*oc));

	oc->top = top;
	pthread_mutex_init(&oc->mx, NULL);
	oc->dirs = g_hash_table_new_full(g_str_hash, g_str_equal, free,
	    S_outdir_free);
	return oc;
}

void
out_check_free(struct outchk *oc)
{
	if (oc == NULL)
		return;
	g_hash_table_destroy(oc->dirs);
	pthread_mutex_destroy(&oc->mx);
	free(oc);
}

/* The folder dir (len bytes of a path, 0: top), opened and listed
   once (oc->mx held). */
static struct outdir *
S_outdir(struct outchk *oc, const char *dir, size_t len)
{
	struct outdir *od;
	struct dirent *e;
	char *key = xstrndup(dir, len);
	DIR *d;
	int fd;

	if ((od = g_hash_table_lookup(oc->dirs, key)) != NULL) {
		free(key);
		return od;
	}
	od = xcalloc(1, sizeof(*od));
	od->fd = len == 0 ? dup(oc->top) : S_open_beneath(oc->top, key,
	    O_RDONLY | O_DIRECTORY, 1);
	if (od->fd != -1 && (fd = openat(od->fd, ".", O_RDONLY |
	    O_DIRECTORY | O_CLOEXEC)) != -1) {
		if ((d = fdopendir(fd)) == NULL)
			close(fd);
		else {
			od->types = g_hash_table_new_full(g_str_hash,
			    g_str_equal, free, NULL);
			while ((e = readdir(d)) != NULL)
				g_hash_table_insert(od->types,
				    xstrdup(e->d_name),
				    GINT_TO_POINTER((int)e->d_type + 1));
			closedir(d);
		}
	}
	g_hash_table_insert(oc->dirs, key, od);
	return od;
}

/* Is rel (a safe path) a regular file of the output folder, reached
   through no link? */
int
out_check_reg(struct outchk *oc, const char *rel)
{
	const char *last = strrchr(rel, '/'), *mid;
	struct outdir *od;
	struct stat st;
	int type;

	if (last == NULL)
		return fstatat(oc->top, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode);
	/* rel is DIR/MID/NAME (or MID/NAME): MID, as DIR lists it. */
	for (mid = last; mid > rel && mid[-1] != '/'; mid--)
		;
	pthread_mutex_lock(&oc->mx);
	od = S_outdir(oc, rel, mid > rel ? (size_t)(mid - 1 - rel) : 0);
	pthread_mutex_unlock(&oc->mx);
	if (od->fd == -1)
		return 0;
	if (od->types != NULL) {
		char *name = xstrndup(mid, (size_t)(last - mid));

		type = GPOINTER_TO_INT(g_hash_table_lookup(od->types,
		    name)) - 1;
		free(name);
		if (type == DT_DIR)
			return fstatat(od->fd, mid, &st,
			    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
		if (type != DT_UNKNOWN)
			return 0;	/* missing, a link, a file */
	}
	return out_statat(oc->top, rel, &st) == 0 && S_ISREG(st.st_mode);
}

/* The output directory itself, never through a link (close it). */
int
out_open(const char *outdir)
{
	return S_out_dir(outdir);
}

/* rel in outdir opened for reading, reached through no link; -1 if
   missing or refused. */
static int
S_out_file(const char *outdir, const char *rel)
{
	int top, fd;

	if ((top = S_out_dir(outdir)) == -1)
		return -1;
	fd = S_open_beneath(top, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY, 1);
	close(top);
	return fd;
}

/* Reads the regular file rel of outdir, reached through no link. */
int
out_read(const char *outdir, const char *rel, struct buf *out)
{
	struct pos p = { rel, 0, 0 };
	int fd;

	if ((fd = S_out_file(outdir, rel)) == -1)
		return 0;
	return S_read_fd(fd, rel, out, &p);
}

/*
 * out_read without a word, for a thread beside the build's: 0 with
 * *bad set when rel is there but cannot be read as a file (out_read
 * would have said why), 0 with *bad clear when it is missing or
 * reached through a link (out_read says nothing either).
 */
int
out_read_quiet(const char *outdir, const char *rel, struct buf *out,
    int *bad)
{
	int fd;

	*bad = 0;
	if ((fd = S_out_file(outdir, rel)) == -1)
		return 0;
	if (!S_read_fd(fd, rel, out, NULL)) {
		*bad = 1;
		return 0;
	}
	return 1;
}

/*
 * Removes the file rel of outdir, and its directories if that leaves
 * them empty; a link on the way is never followed (nothing is removed
 * then).  Returns 1 if rel is gone.
 */
int
out_unlink(const char *outdir, const char *rel)
{
	const char *base;
	char *dir, *slash;
	int fd, top, ok;

	if ((fd = S_out_parent(outdir, rel, &base)) == -1)
		return errno == ENOENT;
	ok = unlinkat(fd, base, 0) == 0 || errno == ENOENT;
	close(fd);
	if ((top = S_out_dir(outdir)) == -1)
		return ok;
	/* Empty directories go too; rmdir fails on the rest. */
	dir = xstrdup(rel);
	while ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		if (unlinkat(top, dir, AT_REMOVEDIR) == -1)
			break;
	}
	free(dir);
	close(top);
	return ok;
}

/*
 * Checks outdir for a build: not a link, a directory if it exists, not
 * the campaign's root or one of its inputs, and takes the build lock (an
 * flock on the directory itself, so nothing is added to it).  create:
 * make it if missing.  Returns the descriptor holding the lock (close
 * it to release), -1 after an error (reported), -2 if it is missing and
 * !create, -3 if another build holds the lock (reported).
 */
int
out_lock(const struct site *site, const char *outdir, int create)
{
	static const char *inputs[] = { "content", "layouts", "assets" };
	struct pos p = { outdir, 0, 0 };
	struct stat st, in;
	char real[PATH_MAX], *rel;
	size_t i, n;
	int fd;

	if (lstat(outdir, &st) == 0 && S_ISLNK(st.st_mode)) {
		diag_err(&p, "the output directory is a symbolic link; rally "
		    "writes only into a real directory (give its target as "
		    "--out)");
		return -1;
	}
	if ((fd = S_out_dir(outdir)) == -1 && errno == ENOENT) {
		if (!create)
			return -2;
		if (!mkdirs(outdir) || (fd = S_out_dir(outdir)) == -1) {
			diag_err(&p, "cannot create the output directory: %s",
			    strerror(errno));
			return -1;
		}
	}
	if (fd == -1) {
		diag_err(&p, "cannot use as the output directory: %s",
		    strerror(errno));
		return -1;
	}
	/* Not the root, above it, or inside what the build reads. */
	if (fstat(fd, &st) == 0 && realpath(outdir, real) != NULL) {
		n = strlen(real);
		if (strncmp(site->rroot, real, n) == 0 &&
		    (site->rroot[n] == '/' || site->rroot[n] == '\0' ||
		    n == 1)) {
			diag_err(&p, "the output directory holds the "
			    "campaign (%s): rally would overwrite its own "
			    "input; use a folder inside it, such as out",
			    site->root);
			close(fd);
			return -1;
		}
		for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
			rel = xasprintf("%s/%s", site->rroot, inputs[i]);
			n = strlen(rel);
			if (stat(rel, &in) == 0 && strncmp(real, rel, n) ==
			    0 && (real[n] == '/' || real[n] == '\0')) {
				diag_err(&p, "the output directory is inside "
				    "the campaign's %s/, which rally reads",
				    inputs[i]);
				free(rel);
				close(fd);
				return -1;
			}
			free(rel);
		}
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		diag_err(&p, "another build is running in %s; wait for it "
		    "to finish", outdir);
		close(fd);
		return -3;
	}
	return fd;
}

/* Writing. */

/* Makes path (relative to dirfd, or AT_FDCWD) and the folders above. */
static int
S_mkdirs(int dirfd, const char *path)
{
	char *p, *s;
	int rc = 1;

	/* Mostly the parent is there: one system call. */
	if (mkdirat(dirfd, path, 0755) == 0 || errno == EEXIST)
		return 1;
	if (errno != ENOENT)
		return 0;
	p = xstrdup(path);

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdirat(dirfd, p, 0755) == -1 && errno != EEXIST)
			rc = 0;
		*s = '/';
	}
	if (mkdirat(dirfd, p, 0755) == -1 && errno != EEXIST)
		rc = 0;
	free(p);
	return rc;
}

int
mkdirs(const char *path)
{
	return S_mkdirs(AT_FDCWD, path);
}

/* Makes the directories above path (relative to dirfd); 1 on success. */
static int
S_mkparent(int dirfd, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int ok = 1;

	if (slash != NULL) {
		dir = xstrndup(path, (size_t)(slash - path));
		ok = S_mkdirs(dirfd, dir);
		free(dir);
	}
	return ok;
}

/* Writes all of data to fd; 1 on success, 0 with errno. */
int
fd_write_all(int fd, const char *data, size_t len)
{
	size_t off = 0;
	ssize_t w;

	while (off < len) {
		w = write(fd, data + off, len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return 0;
		off += (size_t)w;
	}
	return 1;
}

/* Writes all of data to fd and closes it; 1 on success. */
static int
S_write_close(int fd, const char *data, size_t len)
{
	int e;

	if (!fd_write_all(fd, data, len)) {
		e = errno;
		close(fd);
		errno = e;
		return 0;
	}
	return close(fd) == 0;
}

/*
 * Writes data to a new file path, relative to the folder open on dirfd
 * (rally's staging folder: a short walk for each of 10 000 files) or
 * AT_FDCWD, made with its directories.
 */
int
file_write_new_at(int dirfd, const char *path, const char *data,
    size_t len)
{
	int fd, e;

	if (!S_mkparent(dirfd, path) || (fd = openat(dirfd, path,
	    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) == -1)
		return 0;
	if (!S_write_close(fd, data, len)) {
		e = errno;
		unlinkat(dirfd, path, 0);
		errno = e;
		return 0;
	}
	return 1;
}

/* Writes data to a new file path (made with its directories). */
int
file_write_new(const char *path, const char *data, size_t len)
{
	return file_write_new_at(AT_FDCWD, path, data, len);
}

/*
 * Writes data to path through a temporary file and rename(): a link at
 * path is replaced, never followed.  Returns 1, or 0 with errno.
 */
int
file_write_atomic(const char *path, const char *data, size_t len)
{
	char *tmp;
	int fd, ok, e;

	if (!S_mkparent(AT_FDCWD, path))
		return 0;
	tmp = xasprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		free(tmp);
		return 0;
	}
	ok = fchmod(fd, 0644) == 0;
	ok = S_write_close(fd, data, len) && ok && rename(tmp, path) == 0;
	if (!ok) {
		e = errno;
		unlink(tmp);
		errno = e;
	}
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
