/*
 * deflate.c: zlib's default level in rally's process is its fastest.
 *
 * cairo deflates every stream of a PDF it writes (each page's content,
 * each font subset, each image) at Z_DEFAULT_COMPRESSION, level 6, and
 * has no setting for it: in a print batch that was over a tenth of a
 * sheet's time.  At level 1 the sample's 250 PDFs are 4 % larger (7.29
 * against 6.99 MB) and each is made 8 % faster (in-process, one
 * worker, 8 paired builds); level 3 saved 3 % of the time for 3 % more
 * bytes.
 *
 * A library asks zlib for a stream through deflateInit_ (zlib.h's
 * deflateInit is a macro for it).  This one, in the executable, which
 * exports its functions (-rdynamic), comes first in the lookup of every
 * library rally loads, the print module's cairo and qpdf too; it does
 * what zlib's own does (deflate.c: deflateInit2_ with the same window,
 * memory level and strategy) at level 1 where the default was asked
 * for.  A level asked for by number is kept.  Nothing else in rally
 * deflates through zlib: PNGs go through libdeflate (print_sheet.c),
 * the PDF/X output profile through compress2 at 6 (pdfx.c).
 */
#include <zlib.h>

int
deflateInit_(z_streamp strm, int level, const char *version, int size)
{
	if (level == Z_DEFAULT_COMPRESSION)
		level = Z_BEST_SPEED;
	return deflateInit2_(strm, level, Z_DEFLATED, MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY, version, size);
}
