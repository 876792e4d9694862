/*
 * pdf.c: sets TrimBox and BleedBox on every page of a PDF that cairo
 * wrote (cairo cannot), through qpdf's C API, with a deterministic /ID
 * so that rebuilds are byte-identical; and, for a print shop, makes it
 * CMYK PDF/X in the same pass (pdfx.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qpdf/qpdf-c.h>

#include "rally.h"
#include "extern.h"

static qpdf_oh
S_rect(qpdf_data q, const double r[4])
{
	qpdf_oh a = qpdf_oh_new_array(q);
	int i;

	for (i = 0; i < 4; i++)
		qpdf_oh_append_item(q, a, qpdf_oh_new_real_from_double(q,
		    r[i], 3));
	return a;
}

/*
 * Rewrites the PDF in b: every page gets trim and bleed, given as
 * [llx lly urx ury] in points.  Returns 1, or 0 with a message.
 */
int
pdf_set_boxes(struct buf *b, const double trim[4], const double bleed[4],
    const char *shown, const struct pdfx *x)
{
	char *why = NULL;
	qpdf_data q = qpdf_init();
	struct pos p = { shown, 0, 0 };
	const unsigned char *out;
	size_t len;
	int i, n, ok = 0;

	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	if (qpdf_read_memory(q, shown, b->data, (unsigned long long)b->len,
	    NULL) & QPDF_ERRORS)
		goto out;
	n = qpdf_get_num_pages(q);
	if (n < 0)
		goto out;
	for (i = 0; i < n; i++) {
		qpdf_oh page = qpdf_get_page_n(q, (size_t)i);

		qpdf_oh_replace_key(q, page, "/TrimBox", S_rect(q, trim));
		qpdf_oh_replace_key(q, page, "/BleedBox", S_rect(q, bleed));
	}
	if (x != NULL && !pdfx_convert(x, q, &why))
		goto out;
	if (qpdf_init_write_memory(q) & QPDF_ERRORS)
		goto out;
	qpdf_set_deterministic_ID(q, QPDF_TRUE);
	if (x != NULL)
		qpdf_set_minimum_pdf_version(q, "1.6");	/* PDF/X-4 */
	/* cairo compressed its streams: copied, not inflated and deflated
	   again (new ones, PDF/X's, are compressed).  No object streams:
	   packing the small objects into one saved a tenth of a sheet's
	   bytes (21 against 24 KB) and cost as much as the rest of this
	   rewrite (0.55 against 0.6 ms). */
	qpdf_set_decode_level(q, qpdf_dl_none);
	qpdf_set_compress_streams(q, QPDF_TRUE);
	qpdf_set_object_stream_mode(q, qpdf_o_disable);
	if (qpdf_write(q) & QPDF_ERRORS)
		goto out;
	len = qpdf_get_buffer_length(q);
	out = qpdf_get_buffer(q);
	b->len = 0;
	buf_put(b, (const char *)out, len);
	ok = 1;
out:
	if (!ok && why != NULL)
		diag_err(&p, "PDF/X: cannot convert %s to CMYK", why);
	else if (!ok)
		diag_err(&p, "PDF fix-up failed: %s", qpdf_has_error(q) ?
		    qpdf_get_error_full_text(q, qpdf_get_error(q)) :
		    "unknown qpdf error");
	free(why);
	qpdf_cleanup(&q);
	return ok;
}
