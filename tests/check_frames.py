#!/usr/bin/env python3
"""Every word of every print PDF inside a text frame of its layout, and
no Danish word rally wrote on a sheet or page of another language.

usage: check_frames.py OUT ROOT LANG [--strict]

OUT is a build of the campaign ROOT with rally's built-in print layouts
(layouts/print/ of this repository); LANG its language.  Words are read
with pdftotext -bbox; frames from the layout's <text> elements, in
fractions of the trim box.  Prints PASS/FAIL lines.
"""
import glob
import html
import os
import re
import sys
import xml.etree.ElementTree as ET

import yaml

import checks
from checks import report

OUT, ROOT, LANG = sys.argv[1], sys.argv[2], sys.argv[3]  # [--strict]
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MM = 72 / 25.4


def layouts():
    """name -> (bleed in pt, [[frames of page 1], [frames of page 2]])."""
    out = {}
    for path in glob.glob(os.path.join(HERE, "layouts", "print", "*.xml")):
        name = os.path.basename(path)[:-4]
        own = os.path.join(ROOT, "layouts", "print", name + ".xml")
        root = ET.parse(own if os.path.exists(own) else path).getroot()
        if root.get("format") == "png":
            continue
        pages = []
        for page in root.findall("page"):
            pages.append([(f.get("id"), float(f.get("x", 0)),
                           float(f.get("y", 0)), float(f.get("w", 1)),
                           float(f.get("h", 1)))
                          for f in page.findall("text")])
            HYPHEN_NO.append(set(f.get("id") for f in page.findall("text")
                                 if f.get("hyphenate") == "no"))
            DISPLAY.append(set(f.get("id") for f in page.findall("text")
                               if float(f.get("max", 0.1)) >= 0.1 and
                               not f.findall("p")))
        NOHY[name] = HYPHEN_NO[-len(pages):]
        DISP[name] = DISPLAY[-len(pages):]
        out[name] = (float(root.get("bleed", 3)) * MM, pages)
    return out


HYPHEN_NO, DISPLAY, NOHY, DISP = [], [], {}, {}
LAYOUTS = layouts()


def layout_of(pdf):
    base = os.path.basename(pdf)[:-4]
    best = None
    for name in LAYOUTS:
        if (base.startswith(name + "-") or "-" + name + "-" in base) and \
                (best is None or len(name) > len(best)):
            best = name
    return best


WORD = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">|'
                  r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                  r'yMax="([\d.]+)">([^<]*)</word>')


def boxes(pdf, option, pattern):
    """Yields (page index, trim width, trim height, bleed, match) for
    each box that pdftotext OPTION prints and PATTERN (whose groups 1
    and 2 match a page's size) finds."""
    bleed = LAYOUTS[layout_of(pdf)][0]
    xml = checks.run(["pdftotext", option, pdf, "-"], check=True).stdout
    page, W, H = -1, 0, 0
    for m in pattern.finditer(xml):
        if m.group(1):
            page += 1
            W = float(m.group(1)) - 2 * bleed
            H = float(m.group(2)) - 2 * bleed
            continue
        yield page, W, H, bleed, m


def check_pdf(pdf):
    """Returns the words outside every frame, as text."""
    pages = LAYOUTS[layout_of(pdf)][1]
    bad = []
    for page, W, H, bleed, m in boxes(pdf, "-bbox", WORD):
        x0, y0, x1, y1 = (float(m.group(i)) - bleed for i in range(3, 7))
        word = m.group(7)
        # pdftotext boxes span the font's ascent and descent, not the
        # ink: a little room above and below the frame.
        ty = 0.3 * (y1 - y0)
        inside = False
        for fid, fx, fy, fw, fh in pages[min(page, len(pages) - 1)]:
            if (x0 >= fx * W - 1.5 and x1 <= (fx + fw) * W + 1.5 and
                    y0 >= fy * H - ty and y1 <= (fy + fh) * H + ty):
                inside = True
                break
        if not inside:
            bad.append("p%d '%s' at %.0f,%.0f-%.0f,%.0f" %
                       (page + 1, word, x0, y0, x1, y1))
    return bad


pdfs = sorted(p for p in glob.glob(os.path.join(OUT, "print", "**", "*.pdf"),
                                   recursive=True)
              if layout_of(p) is not None and not checks.OFFICE.search(p))
report(len(pdfs) > 0, "frames: %d print PDFs to check" % len(pdfs))
checks.prefetch(c for pdf in pdfs for c in (
    ["pdftotext", "-bbox", pdf, "-"], ["pdftotext", "-bbox-layout", pdf, "-"],
    ["pdftotext", pdf, "-"]))
outside = []
for pdf in pdfs:
    for b in check_pdf(pdf):
        outside.append("%s: %s" % (os.path.relpath(pdf, OUT), b))
report(not outside, "frames: every word of %d PDFs inside a text frame%s" %
       (len(pdfs), "".join("\n  " + o for o in outside[:12])))


# A frame is fitted once for the sizes of one shape (print_text.c,
# S_family): an A3 or A2 poster is its A4 scaled, word for word.  Each
# word's box on both, in points of the A4, must agree to a fifth of a
# point (a size found anew on each sheet differed by up to half a
# percent; type beyond 900 pt is outlines, not words, and not
# compared).
SIZE = re.compile(r"-(a[0-6])(?:-\d+)?\.pdf$")
A_SHORT = {"a0": 841, "a1": 594, "a2": 420, "a3": 297, "a4": 210,
           "a5": 148, "a6": 105}


def words_at(pdf, scale):
    return [(m.group(7), page) + tuple(round((float(m.group(i)) - bleed) *
                                             scale, 2) for i in range(3, 7))
            for page, W, H, bleed, m in boxes(pdf, "-bbox", WORD)]


pairs, unlike = 0, []
for pdf in pdfs:
    m = SIZE.search(pdf)
    if m is None or m.group(1) != "a4":
        continue
    a4 = words_at(pdf, 1)
    for z in ("a3", "a2"):
        other = pdf[:m.start(1)] + z + pdf[m.end(1):]
        if not os.path.exists(other):
            continue
        big = words_at(other, A_SHORT["a4"] / A_SHORT[z])
        if [w[:2] for w in big] != [w[:2] for w in a4]:
            continue    # outlines on the larger one
        pairs += 1
        far = [(a, b) for a, b in zip(a4, big)
               if max(abs(a[i] - b[i]) for i in range(2, 6)) > 0.2]
        if far:
            unlike.append("%s: '%s' at %s, scaled %s" % (
                os.path.relpath(other, OUT), far[0][0][0], far[0][0][2:],
                far[0][1][2:]))
report(pairs > 0 and not unlike, "frames: %d A3 and A2 sheets set as their "
       "A4, scaled%s" % (pairs, "".join("\n  " + u for u in unlike[:8])))


# Units stay whole: no line ends inside a time range, after "kl." or
# "at" before a time, between a number and its word, right after an
# address's scheme, or at a hyphen inside an address.
TIME = re.compile(r"\d{1,2}[:.]\d{2}")


def is_addr(w):
    """An e-mail or web address, also without its scheme."""
    return "@" in w or "://" in w or w.startswith("www.") or re.match(
        r"[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(/\S*)?[.,;:!?)]*$", w,
        re.I) is not None


def unit_breaks(text):
    bad = []
    lines = [l.rstrip() for l in text.split("\n")]
    for a, b in zip(lines, lines[1:]):
        b = b.lstrip()
        if not a or not b:
            continue
        where = "%r / %r" % (a[-30:], b[:30])
        if re.search(r"https?://$", a):
            bad.append("after a scheme: " + where)
        elif re.search(r"\d[:.]\d{2}\s*[–—-]$", a) and TIME.match(b):
            bad.append("in a time range: " + where)
        elif re.search(r"(^|\s)(kl\.|at|um)$", a) and TIME.match(b):
            bad.append("before a time: " + where)
        elif re.search(r"\d$", a) and re.match(r"[^\W\d_]", b) and \
                b[0].islower() and not re.match(r"\S*(://|@)", b) and \
                not re.match(r"\S*[-./@]", b):
            # (A capital or an address may begin the next paragraph.)
            bad.append("after a number: " + where)
        elif a.endswith("-") and is_addr((a.split() or [""])[-1] +
                                         b.split()[0]):
            bad.append("at a hyphen in an address: " + where)
    return bad


broken = []
for pdf in pdfs:
    text = checks.run(["pdftotext", pdf, "-"], check=True).stdout
    for b in unit_breaks(text):
        broken.append("%s: %s" % (os.path.relpath(pdf, OUT), b))
report(not broken, "units: no line of %d PDFs breaks inside a unit%s" %
       (len(pdfs), "".join("\n  " + b for b in broken[:12])))


# Typesetting, with --strict (content within reason, as the sample's
# and the fixture's; content at every limit may leave rally no better
# choice): from pdftotext -bbox-layout, each line in the frame that
# holds its middle.  No line of one word of two letters or fewer in a
# frame of more lines; no line ending in a hyphen in a frame that does
# not hyphenate, unless the content writes that hyphen; no hyphenated
# line in display type (headlines, slogans) at all.
LINE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">|'
                  r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                  r'yMax="([\d.]+)">(.*?)</line>', re.S)
TEXT = " ".join(open(p, encoding="utf-8").read() for p in glob.glob(
    os.path.join(ROOT, "content", "**", "*"), recursive=True)
    if os.path.isfile(p)).lower()


def lines_by_frame(pdf):
    """[(page, frame id, [words])] in reading order."""
    name = layout_of(pdf)
    pages = LAYOUTS[name][1]
    out = []
    for page, W, H, bleed, m in boxes(pdf, "-bbox-layout", LINE):
        cx = (float(m.group(3)) + float(m.group(5))) / 2 - bleed
        cy = (float(m.group(4)) + float(m.group(6))) / 2 - bleed
        words = [html.unescape(w) for w in
                 re.findall(r"<word [^>]*>([^<]*)</word>", m.group(7))]
        for fid, fx, fy, fw, fh in pages[min(page, len(pages) - 1)]:
            if fx * W <= cx <= (fx + fw) * W and fy * H <= cy <= (fy + fh) * H:
                out.append((min(page, len(pages) - 1), fid, words))
                break
    return name, out


lone, hyph, disp = [], [], []
for pdf in pdfs:
    name, lines = lines_by_frame(pdf)
    rel = os.path.relpath(pdf, OUT)
    count = {}
    for pg, fid, words in lines:
        count[(pg, fid)] = count.get((pg, fid), 0) + 1
    for i, (pg, fid, words) in enumerate(lines):
        if count[(pg, fid)] > 1 and len(words) == 1 and \
                sum(c.isalnum() for c in words[0]) <= 2:
            lone.append("%s p%d %s: line '%s'" % (rel, pg + 1, fid, words[0]))
        if not words or not words[-1].endswith(("-", "\u00ad", "\u2010")):
            continue
        nxt = lines[i + 1][2] if i + 1 < len(lines) and \
            lines[i + 1][1] == fid and lines[i + 1][2] else [""]
        joined = (words[-1].rstrip("-\u00ad\u2010") + "-" + nxt[0]).lower()
        if fid in NOHY[name][pg] and joined.strip("-.,") not in TEXT:
            hyph.append("%s p%d %s: '%s / %s'" % (rel, pg + 1, fid,
                                                   words[-1], nxt[0]))
        if fid in DISP[name][pg] and joined.strip("-.,") not in TEXT:
            disp.append("%s p%d %s: '%s / %s'" % (rel, pg + 1, fid,
                                                   words[-1], nxt[0]))
if "--strict" in sys.argv:
    report(not lone, "typesetting: no line of one short word in a frame "
           "of more lines (%d PDFs)%s" % (len(pdfs), "".join(
               "\n  " + x for x in lone[:12])))
    report(not hyph, "typesetting: no hyphen added in a frame that does "
           "not hyphenate%s" % "".join("\n  " + x for x in hyph[:12]))
    report(not disp, "typesetting: no hyphenated headline or slogan%s" %
           "".join("\n  " + x for x in disp[:12]))


# No Danish word that rally wrote, on a site of another language.
def words(text):
    return {w.lower() for w in re.findall(r"[^\W\d_]{3,}", text)}


def label_words(lang):
    d = yaml.safe_load(open(os.path.join(HERE, "layouts", "labels",
                                         lang + ".yml"), encoding="utf-8"))
    out = set()
    for v in d.values():
        out |= words(" ".join(v) if isinstance(v, list) else str(v))
    return out


if LANG != "da":
    content = set()
    for p in glob.glob(os.path.join(ROOT, "content", "**", "*"),
                       recursive=True):
        if os.path.isfile(p):
            content |= words(open(p, encoding="utf-8").read())
    danish = label_words("da") - label_words(LANG) - label_words("en") - \
        content
    found = {}
    files = pdfs + glob.glob(os.path.join(OUT, "print", "orgs", "*",
                                          "proof.pdf"))
    for f in files:
        text = checks.run(["pdftotext", f, "-"], check=True).stdout
        # A word broken at a line's end is one word.
        text = re.sub(r"[-\u00ad\u2010]\n", "", text)
        for w in words(text) & danish:
            found.setdefault(w, os.path.relpath(f, OUT))
    for f in glob.glob(os.path.join(OUT, "**", "*.html"), recursive=True):
        text = re.sub(r"<[^>]*>", " ", open(f, encoding="utf-8").read())
        for w in words(text) & danish:
            found.setdefault(w, os.path.relpath(f, OUT))
    report(not found, "language: no Danish word on a %s site (%d words "
           "checked)%s" % (LANG, len(danish), "".join(
               "\n  '%s' in %s" % kv for kv in sorted(found.items())[:12])))
checks.done()
