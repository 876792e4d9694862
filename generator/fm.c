/*
 * fm.c: YAML documents and front matter, read with libyaml into values
 * that remember where they were written.
 */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include <glib.h>

#include "rally.h"
#include "extern.h"

struct anchor {
	char		*name;
	struct val	*v;
	size_t		 size;	/* nodes, with aliases expanded */
};

struct yctx {
	yaml_parser_t	 p;
	struct pool	*pool;
	const char	*file;
	int		 line_off;	/* lines before the YAML text */
	GHashTable	*anchors;	/* name -> struct anchor (owned) */
	size_t		 total;		/* expanded nodes so far */
	int		 failed;
	int		 aliased;	/* an alias shares a value */
	const char	*text;		/* the YAML, for hints */
	size_t		 len;
};

static void
S_pos(const struct yctx *c, const yaml_mark_t *m, struct pos *p)
{
	p->file = c->file;
	p->line = (int)m->line + 1 + c->line_off;
	p->col = (int)m->column + 1;
}

static void
S_parse_error(struct yctx *c)
{
	struct pos p;

	if (c->failed)
		return;
	c->failed = 1;
	S_pos(c, &c->p.problem_mark, &p);
	/* A tab where YAML wants spaces: libyaml says "cannot start any
	   token" or less; say what to do. */
	if (c->p.problem_mark.index < c->len &&
	    memchr(c->text + c->p.problem_mark.index - c->p.problem_mark.column,
	    '\t', c->p.problem_mark.column + 1) != NULL) {
		diag_err(&p, "YAML: a tab: indent with spaces, tabs are not "
		    "indentation in YAML");
		return;
	}
	if (c->p.context != NULL)
		diag_err(&p, "YAML: %s %s", c->p.problem, c->p.context);
	else
		diag_err(&p, "YAML: %s", c->p.problem ? c->p.problem :
		    "syntax error");
}

/*
 * "color: #1f5fa8": YAML reads an empty value and a comment.  Returns
 * the comment's first word (owned) when one follows an empty value on
 * its line, else NULL: the loader turns it into a hint.
 */
static char *
S_dropped(const struct yctx *c, const yaml_mark_t *m)
{
	size_t i = m->index, e;

	while (i < c->len && (c->text[i] == ' ' || c->text[i] == '\t'))
		i++;
	if (i >= c->len || c->text[i] != '#')
		return NULL;
	for (e = i; e < c->len && c->text[e] != '\n' && c->text[e] != ' ' &&
	    c->text[e] != '\r'; e++)
		continue;
	return e - i > 1 ? xstrndup(c->text + i, e - i) : NULL;
}

static int
S_next(struct yctx *c, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&c->p, ev)) {
		S_parse_error(c);
		return 0;
	}
	return 1;
}

/* An anchor and its name, the key it is filed under. */
static void
S_anchor_free(void *p)
{
	struct anchor *a = p;

	free(a->name);
	free(a);
}

/* A later anchor of the same name hides the earlier, as in YAML. */
static void
S_anchor(struct yctx *c, const yaml_char_t *name, struct val *v, size_t n)
{
	struct anchor *a;

	if (name == NULL)
		return;
	/* Made at the first anchor: most front matter has none. */
	if (c->anchors == NULL)
		c->anchors = g_hash_table_new_full(g_str_hash, g_str_equal,
		    NULL, S_anchor_free);
	a = xcalloc(1, sizeof(*a));
	a->name = xstrdup((const char *)name);
	a->v = v;
	a->size = n;
	g_hash_table_replace(c->anchors, a->name, a);
}

static struct val *S_node(struct yctx *, yaml_event_t *, int, size_t *);

/* A plain scalar may be a boolean or null; everything else is text. */
static struct val *
S_scalar(struct yctx *c, yaml_event_t *ev, const struct pos *p)
{
	const char *s = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
		    strcmp(s, "yes") == 0)
			return val_bool(c->pool, 1);
		if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 ||
		    strcmp(s, "no") == 0)
			return val_bool(c->pool, 0);
		if (*s == '\0' || strcmp(s, "~") == 0 ||
		    strcmp(s, "null") == 0) {
			struct val *v = val_new(c->pool, V_NULL, p);

			if (*s == '\0')
				v->s = S_dropped(c, &ev->start_mark);
			return v;
		}
	}
	return val_str(c->pool, s, p);
}

static struct val *
S_node(struct yctx *c, yaml_event_t *ev, int depth, size_t *size)
{
	struct val *v = NULL, *item, *key;
	const struct anchor *a;
	yaml_event_t sub;
	struct pos p;
	size_t n = 1, subn;

	S_pos(c, &ev->start_mark, &p);
	if (depth > LIMIT_NESTING) {
		diag_err(&p, "YAML nested deeper than %d levels",
		    LIMIT_NESTING);
		c->failed = 1;
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		v = S_scalar(c, ev, &p);
		v->pos = p;
		S_anchor(c, ev->data.scalar.anchor, v, 1);
		break;
	case YAML_ALIAS_EVENT:
		if (c->anchors == NULL || (a = g_hash_table_lookup(c->anchors,
		    ev->data.alias.anchor)) == NULL) {
			diag_err(&p, "YAML: unknown alias '%s'",
			    ev->data.alias.anchor);
			c->failed = 1;
			return NULL;
		}
		/* Shared, not copied; but counted as if expanded. */
		c->aliased = 1;
		v = a->v;
		n = a->size;
		break;
	case YAML_SEQUENCE_START_EVENT:
		v = val_new(c->pool, V_LIST, &p);
		for (;;) {
			if (!S_next(c, &sub))
				return NULL;
			if (sub.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&sub);
				break;
			}
			item = S_node(c, &sub, depth + 1, &subn);
			yaml_event_delete(&sub);
			if (item == NULL)
				return NULL;
			list_push(v, item);
			n += subn;
		}
		S_anchor(c, ev->data.sequence_start.anchor, v, n);
		break;
	case YAML_MAPPING_START_EVENT:
		v = val_new(c->pool, V_MAP, &p);
		for (;;) {
			if (!S_next(c, &sub))
				return NULL;
			if (sub.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&sub);
				break;
			}
			/* "<<: *base" would be a key named "<<" here, and the
			   keys it meant to bring "missing": say so instead. */
			if (sub.type == YAML_SCALAR_EVENT &&
			    sub.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			    strcmp((const char *)sub.data.scalar.value,
			    "<<") == 0) {
				S_pos(c, &sub.start_mark, &p);
				diag_err(&p, "YAML: merge keys ('<<') are not "
				    "supported: write the keys out (an alias, "
				    "*name, may stand for a whole value)");
				yaml_event_delete(&sub);
				c->failed = 1;
				return NULL;
			}
			key = S_node(c, &sub, depth + 1, &subn);
			yaml_event_delete(&sub);
			if (key == NULL)
				return NULL;
			if (key->type != V_STR) {
				diag_err(&key->pos, "YAML: a key must be "
				    "text, not %s", vtype_name(key->type));
				c->failed = 1;
				return NULL;
			}
			if (map_get(v, key->s) != NULL) {
				diag_err(&key->pos, "YAML: duplicate key "
				    "'%s'", key->s);
				c->failed = 1;
				return NULL;
			}
			if (!S_next(c, &sub))
				return NULL;
			item = S_node(c, &sub, depth + 1, &subn);
			yaml_event_delete(&sub);
			if (item == NULL)
				return NULL;
			map_set(v, key->s, item);
			n += subn + 1;
		}
		S_anchor(c, ev->data.mapping_start.anchor, v, n);
		break;
	default:
		diag_err(&p, "YAML: unexpected event");
		c->failed = 1;
		return NULL;
	}
	c->total += n;
	if (n > LIMIT_YAML_NODES || c->total > LIMIT_YAML_NODES * 4) {
		diag_err(&p, "YAML: aliases expand to more than %d nodes",
		    LIMIT_YAML_NODES);
		c->failed = 1;
		return NULL;
	}
	*size = n;
	return v;
}

/*
 * Parses one YAML document of text (len bytes) into *out, a value in
 * pool.  An empty document gives an empty map.  line_off is the number
 * of lines in file before text.  Returns 1, or 0 after diagnosing.
 */
static int
S_yaml(struct pool *pool, const char *file, const char *text,
    size_t len, int line_off, struct val **out, int *aliased)
{
	struct yctx c;
	yaml_event_t ev;
	struct val *v = NULL;
	size_t size;
	int done = 0;

	/* A byte order mark (Windows editors write one): libyaml, told
	   the encoding, would read it as text of the first key. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	memset(&c, 0, sizeof(c));
	c.pool = pool;
	c.file = file;
	c.line_off = line_off;
	if (!yaml_parser_initialize(&c.p))
		abort();
	c.text = text;
	c.len = len;
	yaml_parser_set_input_string(&c.p, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&c.p, YAML_UTF8_ENCODING);
	while (!done && !c.failed) {
		if (!S_next(&c, &ev))
			break;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (v != NULL) {
				struct pos p;

				S_pos(&c, &ev.start_mark, &p);
				diag_err(&p, "YAML: only one document "
				    "is allowed here");
				c.failed = 1;
			}
			break;
		default:
			v = S_node(&c, &ev, 0, &size);
			if (v == NULL)
				c.failed = 1;
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&c.p);
	if (c.anchors != NULL)
		g_hash_table_destroy(c.anchors);
	if (c.failed)
		return 0;
	if (v == NULL || v->type == V_NULL)
		v = val_new(pool, V_MAP, NULL);
	*out = v;
	if (aliased != NULL)
		*aliased = c.aliased;
	return 1;
}

int
fm_yaml(struct pool *pool, const char *file, const char *text,
    size_t len, int line_off, struct val **out)
{
	return S_yaml(pool, file, text, len, line_off, out, NULL);
}

static int
S_is_fence(const char *s, const char *end)
{
	const char *e;

	if (end - s < 3 || (strncmp(s, "---", 3) && strncmp(s, "...", 3)))
		return 0;
	for (e = s + 3; e < end && *e != '\n'; e++)
		if (*e != ' ' && *e != '\t' && *e != '\r')
			return 0;
	return 1;
}

/*
 * Splits a content file into YAML front matter (between "---" lines)
 * and body, and parses the front matter into fm->meta.  The front
 * matter must be a map.  Returns 1, or 0 after diagnosing.
 */
int
fm_read(struct pool *pool, const char *file, const char *text, size_t len,
    struct fm *fm)
{
	const char *end = text + len, *s, *yaml, *nl;
	struct pos p = { file, 1, 1 };
	int line = 1;

	memset(fm, 0, sizeof(*fm));
	if (memchr(text, '\0', len) != NULL) {
		diag_err(&p, "file contains a NUL byte");
		return 0;
	}
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		text += 3;	/* byte order mark */
	if (!(end - text >= 3 && strncmp(text, "---", 3) == 0 &&
	    S_is_fence(text, end))) {
		fm->meta = val_new(pool, V_MAP, &p);
		fm->body = text;
		fm->bodylen = (size_t)(end - text);
		fm->body_line = 1;
		return 1;
	}
	nl = memchr(text, '\n', (size_t)(end - text));
	yaml = nl == NULL ? end : nl + 1;
	line = 2;
	for (s = yaml; s < end; line++) {
		if (S_is_fence(s, end) && s[0] == '-')
			break;
		if (S_is_fence(s, end) && s[0] == '.')
			break;
		nl = memchr(s, '\n', (size_t)(end - s));
		s = nl == NULL ? end : nl + 1;
	}
	if (s >= end) {
		diag_err(&p, "front matter is not closed by a '---' line");
		return 0;
	}
	if (!S_yaml(pool, file, yaml, (size_t)(s - yaml), 1, &fm->meta,
	    &fm->shared))
		return 0;
	if (fm->meta->type != V_MAP) {
		p.line = fm->meta->pos.line ? fm->meta->pos.line : 2;
		p.col = fm->meta->pos.col ? fm->meta->pos.col : 1;
		diag_err(&p, "front matter must be a map of keys, not a %s",
		    vtype_name(fm->meta->type));
		return 0;
	}
	nl = memchr(s, '\n', (size_t)(end - s));
	fm->body = nl == NULL ? end : nl + 1;
	fm->bodylen = (size_t)(end - fm->body);
	fm->body_line = line + 1;
	return 1;
}
