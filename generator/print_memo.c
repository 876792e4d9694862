/*
 * print_memo.c: text frames' settings, remembered for the build.
 *
 * Fitting a frame lays its text out forty times or more (the size
 * search, balancing, the variants with words glued or hyphens); the
 * same frame with the same text comes back in the product's preview,
 * drawn after its PDF, in the flyer two and four to an A4 page, and
 * on every sheet whose frame says the same (a footer, a campaign
 * name).  The memo keeps what was chosen, keyed by a digest of every
 * input of the choice, in memory shared by the worker processes (made
 * before they fork), so a setting found by one is the other's too.
 * The choice depends on nothing else, so what is drawn does not depend
 * on which worker found it first.
 */
#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <hyphen.h>
#include <libxml/tree.h>
#include <pango/pangocairo.h>

#include <nettle/sha2.h>

#include "rally.h"
#include "extern.h"
#include "print.h"

#define MEMO_SLOTS	16384	/* a slot is 80 bytes: 1.3 MB, touched as used */
#define MEMO_PROBES	64

enum { SLOT_FREE, SLOT_BUSY, SLOT_READY };

struct slot {
	unsigned	 state;	/* SLOT_*, changed atomically */
	unsigned char	 key[32];
	struct fit_choice ch;
};

struct fit_memo {
	struct slot	 v[MEMO_SLOTS];
};

/*
 * A memo shared with the processes forked after it; NULL when no
 * mapping can be had (the frames are then fitted every time).  Free
 * with memo_free.
 */
struct fit_memo *
memo_new(void)
{
	void *m = mmap(NULL, sizeof(struct fit_memo), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return m == MAP_FAILED ? NULL : m;	/* zero-filled: all free */
}

void
memo_free(struct fit_memo *m)
{
	if (m != NULL)
		munmap(m, sizeof(*m));
}

/*
 * The key of a choice: a digest of what text_frame's choice depends
 * on, given as text: the frame's layout node with its children (its
 * attributes, the expressions and the <p>s' own), the frame's box and
 * sizes, the language, and the paragraphs as the model's values made
 * them (text, faces, sizes, colours, languages).
 */
void
memo_key(GString *k, unsigned char key[32])
{
	struct sha256_ctx cs;

	sha256_init(&cs);
	sha256_update(&cs, k->len, (const uint8_t *)k->str);
	sha256_digest(&cs, 32, key);
}

static size_t
S_home(const unsigned char key[32])
{
	return ((size_t)key[0] | (size_t)key[1] << 8 | (size_t)key[2] << 16) %
	    MEMO_SLOTS;
}

/* The choice remembered for key into *ch: 1, or 0 when there is none. */
int
memo_get(const struct fit_memo *m, const unsigned char key[32],
    struct fit_choice *ch)
{
	const struct slot *s;
	size_t i, at;
	unsigned st;

	if (m == NULL)
		return 0;
	for (i = 0, at = S_home(key); i < MEMO_PROBES; i++,
	    at = (at + 1) % MEMO_SLOTS) {
		s = &m->v[at];
		st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
		if (st == SLOT_FREE)
			return 0;
		if (st == SLOT_READY && memcmp(s->key, key, 32) == 0) {
			*ch = s->ch;
			return 1;
		}
	}
	return 0;
}

/* Remembers ch for key (a full memo forgets it). */
void
memo_put(struct fit_memo *m, const unsigned char key[32],
    const struct fit_choice *ch)
{
	struct slot *s;
	size_t i, at;
	unsigned st;

	if (m == NULL)
		return;
	for (i = 0, at = S_home(key); i < MEMO_PROBES; i++,
	    at = (at + 1) % MEMO_SLOTS) {
		s = &m->v[at];
		st = SLOT_FREE;
		if (__atomic_compare_exchange_n(&s->state, &st, SLOT_BUSY, 0,
		    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			memcpy(s->key, key, 32);
			s->ch = *ch;
			__atomic_store_n(&s->state, SLOT_READY,
			    __ATOMIC_RELEASE);
			return;
		}
		if (st == SLOT_READY && memcmp(s->key, key, 32) == 0)
			return;
	}
}
