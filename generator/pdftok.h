/*
 * pdftok.h: qpdf's content-stream tokenizer, for C (see pdftok.cc).
 */
#ifndef PDFTOK_H
#define PDFTOK_H

#include <stddef.h>

enum pdftok_kind {
	PT_EOF,		/* the end of the stream */
	PT_BAD,		/* not PDF syntax: stop */
	PT_SPACE,	/* white space or a comment */
	PT_NUM,		/* an integer or a real */
	PT_NAME,	/* /DeviceRGB */
	PT_OP,		/* an operator: rg, BT, ID */
	PT_IMAGE,	/* an inline image's data, after ID, up to EI */
	PT_OTHER	/* a string, array or dictionary bracket, ... */
};

struct pdftok;

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A tokenizer over data[0..len), which must outlive it; NULL when out of
 * memory.  Free with pdftok_free.
 */
struct pdftok	*pdftok_new(const unsigned char *data, size_t len);

/*
 * The next token, its bytes data[*start..*end): the tokens of a stream
 * cover it whole, in order, so copying them gives it back.
 */
enum pdftok_kind pdftok_next(struct pdftok *t, size_t *start, size_t *end);
void		 pdftok_free(struct pdftok *t);

#ifdef __cplusplus
}
#endif

#endif
