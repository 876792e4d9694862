#!/usr/bin/env python3
"""Checks the office printer's A4s of a build: flyers several up and
posters tiled.

For every N-up file: A4 pages, one per page of the flyer; a word of each
page of the flyer found N times, each at its place in its copy, the
copies where the documented grid puts them (12 mm margins, 6 mm gutter,
A5 turned a quarter), the backs behind their fronts for a long-edge
flip (mirrored left to right, A5 backs turned the other way); cut marks
in the margin, in line with every trim edge, outside every copy.  For
every tiled file: A4 pages, as many as the documented grid needs (10 mm
margins and overlap), the first and last two letters of the poster's first word
printed on the tiles (not only in the small map of the margin).

usage: impose.py OUT_DIR"""

import glob
import html
import math
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402
import png  # noqa: E402
from checks import report  # noqa: E402

OUT = sys.argv[1]
MM = 72 / 25.4
A4W, A4H = 210 * MM, 297 * MM
MARGIN, GUTTER, MARK0, MARK1 = 12 * MM, 6 * MM, 4 * MM, 7.5 * MM
T_MARGIN, T_OVERLAP = 10 * MM, 10 * MM


def words(pdf, top=False):
    """Per page, the words with their box centres (x, y from the top);
    with top, the top of the box instead of its centre's y."""
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True,
                         text=True, check=True).stdout
    pages = []
    for page in re.split(r"<page ", out)[1:]:
        ws = []
        for m in re.finditer(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" '
                             r'xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)</word>', page):
            x0, y0, x1, y1 = map(float, m.groups()[:4])
            ws.append((html.unescape(m.group(5)), (x0 + x1) / 2,
                       y0 if top else (y0 + y1) / 2))
        pages.append(ws)
    return pages


def boxes(pdf):
    """(page width, page height, trim x0, trim top, trim w, trim h)."""
    out = subprocess.run(["pdfinfo", "-box", pdf], capture_output=True,
                         text=True, check=True).stdout
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", out).groups())
    t = list(map(float, re.search(r"TrimBox:\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)",
                                  out).groups()))
    return w, h, t[0], h - t[3], t[2] - t[0], t[3] - t[1]


def grid(W, H, n):
    """The slots (x, y, w, h, turn) of n copies of a W x H sheet."""
    turn = 1 if n == 2 else 0
    cols, rows = (2, 2) if n == 4 else (1, 2)
    fw, fh = (H, W) if turn else (W, H)
    s = min((A4W - 2 * MARGIN - (cols - 1) * GUTTER) / (cols * fw),
            (A4H - 2 * MARGIN - (rows - 1) * GUTTER) / (rows * fh), 1)
    x0 = (A4W - cols * fw * s - (cols - 1) * GUTTER) / 2
    y0 = (A4H - rows * fh * s - (rows - 1) * GUTTER) / 2
    return [(x0 + c * (fw * s + GUTTER), y0 + r * (fh * s + GUTTER), fw * s, fh * s, turn)
            for r in range(rows) for c in range(cols)]


def at(slot, u, v):
    """Where the point (u, v) of a copy (0..1 from its top left) lands."""
    x, y, w, h, turn = slot
    if turn == 1:
        return x + w - v * w, y + u * h
    if turn == -1:
        return x + v * w, y + h - u * h
    return x + u * w, y + v * h


def unique_word(ws):
    """A word that occurs once on a page, long enough to be found."""
    count = {}
    for w, _, _ in ws:
        count[w] = count.get(w, 0) + 1
    for w, x, y in ws:
        if count[w] == 1 and len(w) >= 4 and w.isalpha():
            return w, x, y
    return None


def dark_near(rows, x, y, r=2):
    """Is a pixel near (x, y) (in pixels at 72 dpi) dark?"""
    for yy in range(max(0, int(y) - r), min(len(rows), int(y) + r + 1)):
        row = rows[yy]
        for xx in range(max(0, int(x) - r), min(len(row) // 3, int(x) + r + 1)):
            if sum(row[3 * xx:3 * xx + 3]) < 3 * 128:
                return True
    return False


nup = sorted(p for p in glob.glob(os.path.join(OUT, "print", "*", "*up.pdf")))
tiles = sorted(glob.glob(os.path.join(OUT, "print", "*", "*-tiles.pdf")))
report(len(nup) > 0 and len(tiles) > 0,
       "office: %d several-up and %d tiled A4 files" % (len(nup), len(tiles)))

bad_size, bad_place, bad_marks = [], [], []
for pdf in nup:
    n = int(re.search(r"-(\d+)up\.pdf$", pdf).group(1))
    single = re.sub(r"-\d+up\.pdf$", ".pdf", pdf)
    name = os.path.relpath(pdf, OUT)
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    if not re.search(r"Page size:\s+595\.2\d* x 841\.8\d*", info):
        bad_size.append(name)
        continue
    pw, ph, tx, ty, tw, th = boxes(single)
    one, many = words(single), words(pdf)
    if len(one) != len(many):
        bad_size.append("%s: %d pages, the flyer has %d" % (name, len(many), len(one)))
        continue
    front = grid(tw, th, n)
    for i, page in enumerate(one):
        # Page 2 is the back: mirrored, turned the other way.
        slots = front if i % 2 == 0 else [
            (A4W - x - w, y, w, h, -t) for x, y, w, h, t in front]
        uw = unique_word(page)
        if uw is None:
            continue
        w, x, y = uw
        u, v = (x - tx) / tw, (y - ty) / th
        found = [(fx, fy) for fw, fx, fy in many[i] if fw == w]
        want = [at(s, u, v) for s in slots]
        ok = len(found) == n and all(
            any(math.hypot(fx - ex, fy - ey) < 4 for fx, fy in found) for ex, ey in want)
        if not ok:
            bad_place.append("%s p%d '%s' at %s, expected %s" % (
                name, i + 1, w, [(round(a), round(b)) for a, b in found],
                [(round(a), round(b)) for a, b in want]))
    # Cut marks: dark in the top and bottom margins over every vertical
    # trim edge, and in the side margins beside every horizontal one;
    # the margin band lies outside every copy (and its bleed).
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "72", "-png", "-f", "1", "-l", "1", pdf,
                        os.path.join(tmp, "p")], check=True)
        _, _, rows = png.read(glob.glob(os.path.join(tmp, "p*.png"))[0])
    mid = (MARK0 + MARK1) / 2
    for x, y, w, h, _ in front:
        for ex in (x, x + w):
            if not (dark_near(rows, ex, mid) and dark_near(rows, ex, A4H - mid)):
                bad_marks.append("%s: no cut mark at x=%.0f" % (name, ex))
        for ey in (y, y + h):
            if not (dark_near(rows, mid, ey) and dark_near(rows, A4W - mid, ey)):
                bad_marks.append("%s: no cut mark at y=%.0f" % (name, ey))
        if min(x, y) - GUTTER / 2 < MARK1:
            bad_marks.append("%s: a copy reaches into the marks' margin" % name)
report(not bad_size, "office: several-up files are A4, a page per flyer page%s"
       % (": " + "; ".join(bad_size[:3]) if bad_size else ""))
report(not bad_place, "office: each copy where the grid puts it, backs behind "
       "fronts for a long-edge flip%s" % (": " + "; ".join(bad_place[:3]) if bad_place else ""))
report(not bad_marks, "office: cut marks in line with every trim, outside the "
       "copies%s" % (": " + "; ".join(bad_marks[:3]) if bad_marks else ""))

bad_tiles = []
for pdf in tiles:
    name = os.path.relpath(pdf, OUT)
    single = re.sub(r"-tiles\.pdf$", ".pdf", pdf)
    _, _, _, _, tw, th = boxes(single)
    best = None
    for pw, ph in ((A4W, A4H), (A4H, A4W)):
        c = math.ceil((tw - T_OVERLAP) / (pw - 2 * T_MARGIN - T_OVERLAP) - 1e-9)
        r = math.ceil((th - T_OVERLAP) / (ph - 2 * T_MARGIN - T_OVERLAP) - 1e-9)
        if best is None or c * r < best[0]:
            best = (c * r, pw, ph)
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    first = unique_word(words(single)[0])
    # The tiles' own words, not those of the small map in the margin.
    text = "".join(w for page in words(pdf, top=True) for w, _, y in page
                   if y < h - T_MARGIN)
    if pages != best[0] or abs(w - best[1]) > 1 or abs(h - best[2]) > 1:
        bad_tiles.append("%s: %d pages of %.0fx%.0f, expected %d of %.0fx%.0f" % (
            name, pages, w, h, best[0], best[1], best[2]))
    elif first is not None and (first[0][:2] not in text or first[0][-2:] not in text):
        bad_tiles.append("%s: '%s' on no tile" % (name, first[0]))
report(not bad_tiles, "office: posters tiled on the fewest A4s, their words "
       "on the tiles%s" % (": " + "; ".join(bad_tiles[:3]) if bad_tiles else ""))
checks.done()
