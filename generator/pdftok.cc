/*
 * pdftok.cc: qpdf's content-stream tokenizer lent to C.
 *
 * qpdf's C API reads and writes objects and stream data but leaves
 * content streams (operators, inline images) to its C++ classes; this
 * file, rally's only C++, wraps QPDFTokenizer so that pdfx.c can rewrite
 * colour operators without a hand-written PDF lexer.  It hands out
 * token kinds and offsets, nothing else, and lets no exception out.
 */
/* qpdf 11 asks its users to say they no longer need PointerHolder. */
#define POINTERHOLDER_TRANSITION 4

#include <memory>
#include <new>
#include <string>

#include <qpdf/Buffer.hh>
#include <qpdf/BufferInputSource.hh>
#include <qpdf/QPDFTokenizer.hh>

#include "pdftok.h"

struct pdftok {
	std::shared_ptr<InputSource>	in;
	QPDFTokenizer			tk;
	bool				image;	/* ID was the last token */
};

struct pdftok *
pdftok_new(const unsigned char *data, size_t len)
{
	try {
		pdftok *t = new pdftok;

		/* The Buffer borrows data; the source owns the Buffer. */
		t->in = std::make_shared<BufferInputSource>("content stream",
		    new Buffer(const_cast<unsigned char *>(data), len), true);
		t->tk.allowEOF();
		t->tk.includeIgnorable();
		t->image = false;
		return t;
	} catch (...) {
		return nullptr;
	}
}

enum pdftok_kind
pdftok_next(struct pdftok *t, size_t *start, size_t *end)
{
	try {
		qpdf_offset_t at = t->in->tell();

		if (t->image) {
			char ch;

			/* The one white-space character after ID, then
			   the data up to EI. */
			t->image = false;
			t->in->read(&ch, 1);
			t->tk.expectInlineImage(t->in);
			QPDFTokenizer::Token k = t->tk.readToken(t->in,
			    "content stream", true);
			*start = (size_t)at;
			*end = (size_t)t->in->tell();
			return k.getType() == QPDFTokenizer::tt_inline_image ?
			    PT_IMAGE : PT_BAD;
		}
		QPDFTokenizer::Token k = t->tk.readToken(t->in,
		    "content stream", true);

		*start = (size_t)t->in->getLastOffset();
		*end = (size_t)t->in->tell();
		switch (k.getType()) {
		case QPDFTokenizer::tt_eof:
			return PT_EOF;
		case QPDFTokenizer::tt_bad:
			return PT_BAD;
		case QPDFTokenizer::tt_space:
		case QPDFTokenizer::tt_comment:
			return PT_SPACE;
		case QPDFTokenizer::tt_integer:
		case QPDFTokenizer::tt_real:
			return PT_NUM;
		case QPDFTokenizer::tt_name:
			return PT_NAME;
		case QPDFTokenizer::tt_word:
			if (k.getValue() == "ID")
				t->image = true;
			return PT_OP;
		default:
			return PT_OTHER;
		}
	} catch (...) {
		return PT_BAD;
	}
}

void
pdftok_free(struct pdftok *t)
{
	delete t;
}
