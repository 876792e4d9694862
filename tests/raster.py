#!/usr/bin/env python3
"""Every page of every print PDF rasterised by poppler's two renderers,
Splash (pdftoppm) and cairo (pdftocairo): the two must agree, so that
no frame comes out blank in one of them (a RIP may choke where one of
them does).

usage: raster.py OUT

Pages are drawn 150 px on their long side, in grey, and compared in
blocks of 5 x 5 pixels; a page fails when more than 1 % of its blocks
differ on average by more than a quarter of the scale.
"""
import glob
import multiprocessing
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402
import png  # noqa: E402
from checks import report  # noqa: E402

OUT = sys.argv[1]
SIDE = "150"
B = 5


def pages(pdf):
    info = subprocess.run(["pdfinfo", pdf], capture_output=True,
                          text=True).stdout
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 0


def compare(pdf):
    """Returns the pages on which the renderers disagree, as text."""
    bad = []
    with tempfile.TemporaryDirectory() as d:
        for p in range(1, pages(pdf) + 1):
            a, b = os.path.join(d, "a"), os.path.join(d, "b")
            for tool, stem in (("pdftoppm", a), ("pdftocairo", b)):
                subprocess.run([tool, "-png", "-gray", "-scale-to", SIDE,
                                "-f", str(p), "-l", str(p), "-singlefile",
                                pdf, stem], check=True)
            wa, ha, ra = png.read(a + ".png")
            wb, hb, rb = png.read(b + ".png")
            if (wa, ha) != (wb, hb):
                bad.append("p%d: %dx%d against %dx%d" % (p, wa, ha, wb, hb))
                continue
            # Blocks of B x B pixels: edges drawn a pixel apart (each
            # renderer anti-aliases its own way) average out; a blank
            # frame does not.
            blocks = far = 0
            for y0 in range(0, ha - B + 1, B):
                for x0 in range(0, wa - B + 1, B):
                    sa = sum(ra[y][3 * x] for y in range(y0, y0 + B)
                             for x in range(x0, x0 + B))
                    sb = sum(rb[y][3 * x] for y in range(y0, y0 + B)
                             for x in range(x0, x0 + B))
                    blocks += 1
                    far += abs(sa - sb) > 60 * B * B
            if far > 0.01 * blocks:
                bad.append("p%d: %d of %d blocks differ" % (p, far, blocks))
    return pdf, bad


pdfs = sorted(p for p in glob.glob(os.path.join(OUT, "print", "**", "*.pdf"),
                                   recursive=True) if not checks.OFFICE.search(p))
with multiprocessing.Pool(2) as pool:
    results = pool.map(compare, pdfs)
wrong = ["%s %s" % (os.path.relpath(pdf, OUT), b) for pdf, bad in results
         for b in bad]
report(pdfs and not wrong, "raster: %d PDFs drawn alike by pdftoppm and "
       "pdftocairo%s" % (len(pdfs), "".join("\n  " + w for w in wrong[:12])))
checks.done()
