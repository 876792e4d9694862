/*
 * val.c: the values templates see (maps, lists, strings, nodes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <glib.h>

#include "rally.h"
#include "extern.h"

/* A pool's first block holds 16 values, each next one twice as many,
   up to 512 (32 kB): a page's own values fill two or three small ones
   (a block each would be a 10k-page site's memory), the model's big
   ones. */
#define POOL_FIRST	16
#define POOL_MOST	512

struct pool_block {
	struct pool_block	*prev;	/* the block made before */
	size_t			 used;
	size_t			 cap;
	struct val		 v[];
};

/*
 * Short strings live in the pool too, one after another in blocks of
 * text: a 10k-page model has 200 000 strings of ten bytes or so, and a
 * malloc each took 32 bytes and a header for them (6 MB of the build's
 * peak).  A longer string is malloc'd and owned by its value.
 */
#define TEXT_FIRST	1024
#define TEXT_MOST	65536
#define TEXT_LONG	256	/* bytes: longer strings are malloc'd */

struct pool_text {
	struct pool_text	*prev;
	size_t			 used;
	size_t			 cap;
	char			 b[];
};

/* Room for len bytes and a NUL in pool's text. */
static char *
S_text(struct pool *pool, size_t len)
{
	struct pool_text *t = pool->text;
	size_t cap;
	char *s;

	if (t == NULL || t->cap - t->used < len + 1) {
		cap = t == NULL ? TEXT_FIRST : t->cap < TEXT_MOST ?
		    t->cap * 2 : TEXT_MOST;
		t = xmalloc(sizeof(*t) + cap);
		t->prev = pool->text;
		t->used = 0;
		t->cap = cap;
		pool->text = t;
	}
	s = t->b + t->used;
	t->used += len + 1;
	return s;
}

struct val *
val_new(struct pool *pool, enum vtype t, const struct pos *p)
{
	struct pool_block *b = pool->head;
	struct val *v;
	size_t cap;

	if (b == NULL || b->used == b->cap) {
		cap = b == NULL ? POOL_FIRST : b->cap < POOL_MOST ?
		    b->cap * 2 : POOL_MOST;
		b = xmalloc(sizeof(*b) + cap * sizeof(b->v[0]));
		b->prev = pool->head;
		b->used = 0;
		b->cap = cap;
		pool->head = b;
	}
	v = &b->v[b->used++];
	memset(v, 0, sizeof(*v));
	v->type = t;
	if (p != NULL)
		v->pos = *p;
	return v;
}

/*
 * Gives the string v (V_STR, without text yet) a copy of the len bytes
 * at s, with a NUL: in the pool, or malloc'd when long.
 */
void
val_set_text(struct pool *pool, struct val *v, const char *s, size_t len)
{
	v->len = len;
	if (len < TEXT_LONG) {
		v->s = S_text(pool, len);
		v->cap = 1;
	} else
		v->s = xmalloc(len + 1);
	memcpy(v->s, s, len);
	v->s[len] = '\0';
}

static struct val *
S_str(struct pool *pool, const char *s, size_t len, const struct pos *p)
{
	struct val *v = val_new(pool, V_STR, p);

	val_set_text(pool, v, s, len);
	return v;
}

struct val *
val_str(struct pool *pool, const char *s, const struct pos *p)
{
	return S_str(pool, s, strlen(s), p);
}

struct val *
val_strn(struct pool *pool, char *owned, const struct pos *p)
{
	size_t len = strlen(owned);
	struct val *v;

	if (len < TEXT_LONG) {
		v = S_str(pool, owned, len, p);
		free(owned);
		return v;
	}
	v = val_new(pool, V_STR, p);
	v->s = owned;
	v->len = len;
	return v;
}

struct val *
val_num(struct pool *pool, long n)
{
	struct val *v = val_new(pool, V_NUM, NULL);

	v->n = n;
	return v;
}

struct val *
val_bool(struct pool *pool, int b)
{
	struct val *v = val_new(pool, V_BOOL, NULL);

	v->n = b != 0;
	return v;
}

/* Where pool is now: pool_release() frees what is made after. */
struct pool_mark
pool_mark(const struct pool *pool)
{
	struct pool_mark m = { pool->head, pool->head != NULL ?
	    pool->head->used : 0, pool->text, pool->text != NULL ?
	    pool->text->used : 0 };

	return m;
}

static void
S_val_free(struct val *v)
{
	if ((v->type == V_STR && v->cap == 0) || v->type == V_NULL ||
	    v->type == V_NODES)
		free(v->s);	/* V_NULL: see fm.c, S_dropped */
	else if (v->type == V_MAP && v->index != NULL)
		g_hash_table_destroy(v->index);
	free(v->keys);
	free(v->items);
}

/* Frees the values made since mark (of this pool, not spliced since). */
void
pool_release(struct pool *pool, struct pool_mark mark)
{
	struct pool_text *t;
	struct pool_block *b;
	size_t from;

	while ((b = pool->head) != NULL) {
		from = b == mark.block ? mark.used : 0;
		while (b->used > from)
			S_val_free(&b->v[--b->used]);
		if (b == mark.block)
			break;
		pool->head = b->prev;
		free(b);
	}
	while ((t = pool->text) != NULL) {
		if (t == mark.text) {
			t->used = mark.tused;
			break;
		}
		pool->text = t->prev;
		free(t);
	}
}

void
pool_free(struct pool *pool)
{
	struct pool_mark none = { NULL, 0, NULL, 0 };

	pool_release(pool, none);
}

/* Moves the values of pool from into pool to (from is left empty). */
void
pool_splice(struct pool *to, struct pool *from)
{
	struct pool_block *oldest;
	struct pool_text *first;

	if (from->text != NULL) {
		for (first = from->text; first->prev != NULL;
		    first = first->prev)
			continue;
		first->prev = to->text;
		to->text = from->text;
		from->text = NULL;
	}
	if (from->head == NULL)
		return;
	for (oldest = from->head; oldest->prev != NULL; oldest = oldest->prev)
		continue;
	oldest->prev = to->head;
	to->head = from->head;
	from->head = NULL;
}

static void
S_reserve(struct val *v)
{
	if (v->len < v->cap)
		return;
	v->cap = v->cap ? v->cap * 2 : 8;
	v->items = xrealloc(v->items, v->cap * sizeof(*v->items));
	if (v->type == V_MAP)
		v->keys = xrealloc(v->keys, v->cap * sizeof(*v->keys));
}

/* Room for n entries in map (or list) v, without growing after. */
void
val_reserve(struct val *v, size_t n)
{
	if (v->cap >= n)
		return;
	v->cap = (uint32_t)n;
	v->items = xrealloc(v->items, v->cap * sizeof(*v->items));
	if (v->type == V_MAP)
		v->keys = xrealloc(v->keys, v->cap * sizeof(*v->keys));
}

void
list_push(struct val *list, struct val *item)
{
	S_reserve(list);
	list->items[list->len++] = item;
}

/*
 * Map keys are interned: the same few dozen names ("title", "url" ...)
 * in every page's map, stored once.  Like the diagnostics, a table of
 * the process (util.c): names are constants, shared by every build's
 * values and kept until exit.  Not glib's g_intern_string: its string
 * blocks are lost to LeakSanitizer when they fill (the fuzz targets).
 */
static GHashTable	*S_keys;
static pthread_mutex_t	 S_keys_mx = PTHREAD_MUTEX_INITIALIZER;

/*
 * key, interned: kept until the process exits (owned by val.c).  Each
 * thread keeps the names it met last, by a hash of their text: the
 * threads that read and link a 10k site set a million keys, and took
 * turns at the lock for each (a twentieth of the build, waiting).
 */
const char *
val_intern(const char *key)
{
	static _Thread_local const char *seen[256];
	const unsigned char *p;
	unsigned h = 2166136261u;
	char *k;

	for (p = (const unsigned char *)key; *p != '\0'; p++)
		h = (h ^ *p) * 16777619u;	/* FNV-1a */
	h &= 255;
	if (seen[h] != NULL && strcmp(seen[h], key) == 0)
		return seen[h];
	pthread_mutex_lock(&S_keys_mx);
	if (S_keys == NULL)
		S_keys = g_hash_table_new_full(g_str_hash, g_str_equal,
		    free, NULL);
	if ((k = g_hash_table_lookup(S_keys, key)) == NULL) {
		k = xstrdup(key);
		g_hash_table_add(S_keys, k);
	}
	pthread_mutex_unlock(&S_keys_mx);
	seen[h] = k;
	return k;
}

/* The position of key in map, or -1. */
static long
S_pos(const struct val *map, const char *key)
{
	size_t i;

	if (map->type == V_MAP && map->index != NULL)
		return (long)GPOINTER_TO_SIZE(g_hash_table_lookup(map->index,
		    key)) - 1;
	/* Keys are interned: the same pointer is the same key; else
	   the first letter rules most of them out.  (One key has one
	   pointer: one pass finds it either way.) */
	for (i = 0; i < map->len; i++)
		if (map->keys[i] == key || (map->keys[i][0] == key[0] &&
		    strcmp(map->keys[i], key) == 0))
			return (long)i;
	return -1;
}

/* The position of key, interned (val_intern), in map, or -1: every
   key of a map is interned, so its pointer is enough. */
static long
S_pos_interned(const struct val *map, const char *key)
{
	size_t i;

	if (map->type == V_MAP && map->index != NULL)
		return (long)GPOINTER_TO_SIZE(g_hash_table_lookup(map->index,
		    key)) - 1;
	for (i = 0; i < map->len; i++)
		if (map->keys[i] == key)
			return (long)i;
	return -1;
}

/* Sets key in a map, replacing an earlier value of the same key. */
void
map_set(struct val *map, const char *key, struct val *item)
{
	long at;
	size_t i;

	key = val_intern(key);
	if ((at = S_pos_interned(map, key)) >= 0) {
		map->items[at] = item;
		return;
	}
	S_reserve(map);
	map->keys[map->len] = key;
	map->items[map->len++] = item;
	if (map->type != V_MAP)
		return;	/* the union holds something else */
	if (map->index != NULL)
		g_hash_table_insert(map->index, (gpointer)map->keys[map->len -
		    1], GSIZE_TO_POINTER(map->len));
	else if (map->len > MAP_INDEXED) {
		/* Keys are interned: the index borrows them. */
		map->index = g_hash_table_new(g_str_hash, g_str_equal);
		for (i = 0; i < map->len; i++)
			g_hash_table_insert(map->index, (gpointer)map->keys[i],
			    GSIZE_TO_POINTER(i + 1));
	}
}

void
map_set_str(struct pool *pool, struct val *map, const char *key,
    const char *s)
{
	map_set(map, key, val_str(pool, s, NULL));
}

struct val *
map_get(const struct val *map, const char *key)
{
	long at;

	if (map == NULL || map->type != V_MAP)
		return NULL;
	at = S_pos(map, key);
	return at >= 0 ? map->items[at] : NULL;
}

/* map_get for a key made by val_intern (a compiled layout's). */
struct val *
map_get_interned(const struct val *map, const char *key)
{
	long at;

	if (map == NULL || map->type != V_MAP)
		return NULL;
	at = S_pos_interned(map, key);
	return at >= 0 ? map->items[at] : NULL;
}

/* The string value of key, or NULL when absent or not a scalar. */
const char *
map_str(const struct val *map, const char *key)
{
	struct val *v = map_get(map, key);

	return v != NULL && v->type == V_STR ? v->s : NULL;
}

int
val_truthy(const struct val *v)
{
	if (v == NULL)
		return 0;
	switch (v->type) {
	case V_NULL:
		return 0;
	case V_STR:
		return v->s[0] != '\0';
	case V_BOOL:
	case V_NUM:
		return v->n != 0;
	case V_LIST:
	case V_MAP:
		return v->len > 0;
	case V_NODES:
		return v->len > 0;
	}
	return 0;
}

/* Text of a scalar, appended to b.  Lists and maps give nothing. */
void
val_text(const struct val *v, struct buf *b)
{
	xmlNodePtr first, n;
	xmlDocPtr h;
	xmlChar *c;

	if (v == NULL)
		return;
	switch (v->type) {
	case V_STR:
		buf_put(b, v->s, v->len);
		break;
	case V_BOOL:
		buf_puts(b, v->n ? "true" : "false");
		break;
	case V_NUM: {
		/* In decimal, as "%ld" (a page writes dozens: a day, a
		   year, a loop's index). */
		unsigned long u = v->n < 0 ? 0UL - (unsigned long)v->n :
		    (unsigned long)v->n;
		char t[24];
		int k = 0;

		do
			t[k++] = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		if (v->n < 0)
			t[k++] = '-';
		buf_grow(b, (size_t)k);
		while (k > 0)
			b->data[b->len++] = t[--k];
		b->data[b->len] = '\0';
		break;
	}
	case V_NODES:
		if (v->len == 0)
			break;
		h = md_markup_nodes(v, &first);
		for (n = first; n != NULL; n = n->next) {
			c = xmlNodeGetContent(n);
			if (c != NULL)
				buf_puts(b, (const char *)c);
			xmlFree(c);
		}
		xmlFreeDoc(h);
		break;
	default:
		break;
	}
}

const char *
vtype_name(enum vtype t)
{
	switch (t) {
	case V_NULL: return "null";
	case V_STR: return "string";
	case V_BOOL: return "boolean";
	case V_NUM: return "number";
	case V_LIST: return "list";
	case V_MAP: return "map";
	case V_NODES: return "markup";
	}
	return "?";
}
