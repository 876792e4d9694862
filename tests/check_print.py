#!/usr/bin/env python3
"""Checks every print PDF of a build with poppler's tools: the boxes
(pdfinfo -box), embedded fonts (pdffonts), every word inside the trim
box (pdftotext -bbox), metadata, a PNG preview, and QR codes that
decode (zbarimg) to the area's page.

usage: check_print.py OUT_DIR ROOT_DIR [--marks]"""

import glob
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import checks
import png
from checks import report

OUT, ROOT = sys.argv[1], sys.argv[2]
MARKS = "--marks" in sys.argv
MM = 72 / 25.4
ISO = {"A0": (841, 1189), "A1": (594, 841), "A2": (420, 594), "A3": (297, 420),
       "A4": (210, 297), "A5": (148, 210), "A6": (105, 148)}


def size_mm(spec):
    m = re.match(r"(\d+)x(\d+)px$", spec)
    if m:
        return int(m.group(1)), int(m.group(2))
    if spec.upper() in ISO:
        return ISO[spec.upper()]
    m = re.match(r"([\d.]+)x([\d.]+)(mm|cm)$", spec)
    f = 10 if m.group(3) == "cm" else 1
    return float(m.group(1)) * f, float(m.group(2)) * f


def slug(spec):
    return spec.lower() if spec.upper() in ISO else re.sub(r"(mm|cm|px)$", "", spec)


# The campaign's layouts, and rally's own where it has none of a name.
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
layouts = {}
paths = {os.path.basename(p): p for p in
         glob.glob(os.path.join(HERE, "layouts/print/*.xml"))}
paths.update({os.path.basename(p): p for p in
              glob.glob(os.path.join(ROOT, "layouts/print/*.xml"))})
for path in sorted(paths.values()):
    r = ET.parse(path).getroot()
    name = os.path.basename(path)[:-4]
    layouts[name] = {
        "bleed": float(r.get("bleed", "3")),
        "marks": r.get("marks") == "yes",
        "sizes": {slug(s): size_mm(s) for s in r.get("sizes").split()},
        "pages": len(r.findall("page")),
        "qr": [i + 1 for i, p in enumerate(r.findall("page")) if p.find("qr") is not None],
        "png": r.get("format") == "png",
        "per": r.get("per", "message"),
    }


def site_url():
    s = open(os.path.join(ROOT, "content/site.yml"), encoding="utf-8").read()
    return re.search(r"^base_url:\s*(\S+)", s, re.M).group(1).strip("\"'").rstrip("/")


def area_titles():
    t = {}
    for p in glob.glob(os.path.join(ROOT, "content/areas/*.md")):
        m = re.search(r"^title:\s*(.+)$", open(p, encoding="utf-8").read(), re.M)
        t[os.path.basename(p)[:-3]] = m.group(1).strip().strip("\"'")
    return t


titles = area_titles()
pdfs = sorted(glob.glob(os.path.join(OUT, "print", "*", "*.pdf")) +
              [p for p in glob.glob(os.path.join(OUT, "print", "orgs", "*", "*.pdf"))
               if not p.endswith("/proof.pdf")])
# The office printer's A4s (tests/impose.py checks them) are not sheets.
office = [p for p in pdfs if checks.OFFICE.search(p)]
pdfs = [p for p in pdfs if not checks.OFFICE.search(p)]
report(len(pdfs) > 0, "print: %d PDFs" % len(pdfs))
bad_boxes, bad_fonts, bad_words, bad_meta, no_png = [], [], [], [], []
checks.prefetch(c for pdf in pdfs for c in (
    ["pdfinfo", "-box", pdf], ["pdffonts", pdf], ["pdftotext", "-bbox", pdf, "-"]))
for pdf in pdfs:
    rel = os.path.relpath(pdf, OUT)
    area = os.path.basename(os.path.dirname(pdf))
    base = os.path.basename(pdf)[:-4]
    org = "/orgs/" in pdf
    lay = next((l for l in sorted(layouts, key=len, reverse=True)
                if (("-" + l + "-") in base if org else base.startswith(l + "-"))), None)
    if lay is None:
        bad_boxes.append(rel + ": no layout")
        continue
    L = layouts[lay]
    sz = base.split("-")[-1]
    w, h = L["sizes"][sz]
    b = L["bleed"] * MM
    mz = 10 * MM if (MARKS or L["marks"]) else 0
    W, H = w * MM, h * MM
    want = {"MediaBox": (0, 0, W + 2 * (b + mz), H + 2 * (b + mz)),
            "BleedBox": (mz, mz, W + 2 * b + mz, H + 2 * b + mz),
            "TrimBox": (mz + b, mz + b, mz + b + W, mz + b + H)}
    info = checks.run(["pdfinfo", "-box", pdf]).stdout
    for box, v in want.items():
        m = re.search(r"^%s:\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)" % box, info, re.M)
        if not m or any(abs(float(x) - y) > 0.02 for x, y in zip(m.groups(), v)):
            bad_boxes.append("%s %s %s, want %s" % (rel, box, m.groups() if m else None,
                                                    tuple(round(x, 2) for x in v)))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    if pages != L["pages"]:
        bad_boxes.append("%s: %d pages, want %d" % (rel, pages, L["pages"]))
    if (not org and not re.search(r"^Subject:\s+%s$" % re.escape(titles.get(area, "?")), info, re.M)) or \
            not re.search(r"^Title:\s+\S", info, re.M) or not re.search(r"^Author:\s+\S", info, re.M):
        bad_meta.append(rel)
    fonts = checks.run(["pdffonts", pdf]).stdout.splitlines()[2:]
    if not fonts or any(re.split(r"\s+", f.strip())[-5] != "yes" for f in fonts):
        bad_fonts.append(rel)
    # Every word inside the trim box; pdftotext puts y downwards.
    bb = checks.run(["pdftotext", "-bbox", pdf, "-"]).stdout
    x0, y0, x1, y1 = want["TrimBox"]
    PH = want["MediaBox"][3]
    for m in re.finditer(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)</word>', bb):
        wx0, wy0, wx1, wy1 = map(float, m.groups()[:4])
        if wx0 < x0 - 0.5 or wx1 > x1 + 0.5 or wy0 < PH - y1 - 0.5 or wy1 > PH - y0 + 0.5:
            bad_words.append("%s: '%s' at %.1f,%.1f-%.1f,%.1f" % (rel, m.group(5), wx0, wy0, wx1, wy1))
    # One preview per product: the PDF's name without its size.
    if not os.path.isfile(re.sub(r"-[^-/]+\.pdf$", ".png", pdf)):
        no_png.append(rel)

report(not bad_boxes, "print: MediaBox, BleedBox, TrimBox and page count of every PDF" + ("; " + "; ".join(bad_boxes[:3]) if bad_boxes else ""))
report(not bad_fonts, "print: every font embedded (pdffonts)" + ("; " + ", ".join(bad_fonts[:3]) if bad_fonts else ""))
report(not bad_words, "print: every word inside the TrimBox (pdftotext -bbox)" + ("; " + "; ".join(bad_words[:3]) if bad_words else ""))
report(not bad_meta, "print: title, author, subject = area" + ("; " + ", ".join(bad_meta[:3]) if bad_meta else ""))
report(not no_png, "print: a PNG preview for every product" + ("; " + ", ".join(no_png[:3]) if no_png else ""))

# Every PNG the build wrote (previews, proofs, social images, og
# cards) is whole for a strict reader: rally deflates the rows itself
# and has libpng only frame them.
pngs = sorted(f for d in ("print", "social", "og")
              for f in glob.glob(os.path.join(OUT, d, "**", "*.png"), recursive=True))
why = {f: png.verify(f) for f in pngs}
broken = ["%s: %s" % (os.path.relpath(f, OUT), why[f]) for f in pngs if why[f]]
report(pngs and not broken, "PNG: all %d of the build's images are whole%s" % (
    len(pngs), "".join("; " + x for x in broken[:3])))

# Every stream cairo deflated in every PDF of the build (the office's
# and the proofs too) at zlib's fastest level (checks.slow_streams).
slow, nstreams = checks.slow_streams_in(sorted(glob.glob(
    os.path.join(OUT, "print", "**", "*.pdf"), recursive=True)), OUT)
report(nstreams > 0 and not slow, "print: all %d deflated streams at zlib's "
       "fastest level%s" % (nstreams, "".join("; " + x for x in slow[:3])))

# Previews reach their edges: where a sheet is coloured a few pixels
# in from an edge of its preview, the edge is not white.  (cairo 1.16
# replaying a recording of the page at a banner's scale, 0.06, left a
# white stripe six pixels wide down the right edge.)
def whiteish(p):
    return min(p) > 245


stripes = []
previews = sorted(set(re.sub(r"-[^-/]+\.pdf$", ".png", p) for p in pdfs))
for prev in previews:
    if why.get(prev, "not made"):  # reported above
        continue
    w, h, rows = png.read(prev)
    bpp = len(rows[0]) // w

    def px(x, y):
        return tuple(rows[y][bpp * x:bpp * x + 3])
    # An edge, and two points further in: a solid colour there (not
    # the edge of a letter) should reach the edge.
    for edge, inner, deeper in (
            ((0, h // 2), (8, h // 2), (14, h // 2)),
            ((w - 1, h // 2), (w - 9, h // 2), (w - 15, h // 2)),
            ((w // 2, 0), (w // 2, 8), (w // 2, 14)),
            ((w // 2, h - 1), (w // 2, h - 9), (w // 2, h - 15))):
        if whiteish(px(*edge)) and not whiteish(px(*inner)) and \
                px(*inner) == px(*deeper):
            stripes.append("%s: white at %s, %s at %s" % (
                os.path.relpath(prev, OUT), edge, px(*inner), inner))
report(previews and not stripes, "print: %d previews coloured to their "
       "edges%s" % (len(previews), "".join("; " + x for x in stripes[:4])))

# Images for screens: exact pixel sizes.
def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


for lay, L in sorted(layouts.items()):
    if not L["png"] or L["per"] != "message":
        continue
    files = sorted(f for f in glob.glob(os.path.join(OUT, "social", "*", lay + "-*.png"))
                   if not f.endswith(".thumb.png"))
    want_n = sum(1 for a in titles for _ in range(1))  # at least one per area
    sz = list(L["sizes"].values())[0]
    bad = [os.path.relpath(f, OUT) for f in files if png_size(f) != tuple(sz)]
    report(len(files) >= want_n and not bad, "social: %d %s images, each exactly %dx%d px%s" % (
        len(files), lay, sz[0], sz[1], "; wrong: " + ", ".join(bad[:3]) if bad else ""))

# Every web page's og:image is a real 1200x630 file of this build.
site = site_url()
missing = []
pages = [os.path.join(d, f) for d, _, fs in os.walk(OUT) for f in fs if f.endswith(".html")]
for p in pages:
    m = re.search(r'<meta property="og:image" content="([^"]+)"', open(p, encoding="utf-8").read())
    if p.endswith("404.html"):
        continue
    if not m or not m.group(1).startswith(site + "/"):
        missing.append(os.path.relpath(p, OUT) + ": no og:image")
        continue
    f = os.path.join(OUT, m.group(1)[len(site) + 1:])
    if not os.path.isfile(f) or png_size(f) != (1200, 630):
        missing.append(os.path.relpath(p, OUT) + ": " + m.group(1))
report(not missing, "og:image of all %d pages is a 1200x630 image of the build" % (len(pages) - 1) +
       ("; " + "; ".join(missing[:3]) if missing else ""))

# The downloads page links every PDF and its preview.
dl = os.path.join(OUT, "downloads", "index.html")
if os.path.isfile(dl):
    page = open(dl, encoding="utf-8").read()
    linked = set(re.findall(r'href="[^"]*/(print/[^"]+\.pdf)"', page))
    want = set(os.path.relpath(p, OUT) for p in pdfs if "/orgs/" not in p)
    want_office = set(os.path.relpath(p, OUT) for p in office)
    report(linked == want | want_office,
           "downloads page links all %d PDFs and %d office A4s (%d linked)"
           % (len(want), len(want_office), len(linked)))
    products = set(re.sub(r"-[^-/]+\.pdf$", ".png", p) for p in want)
    cards = re.findall(r'src="[^"]*/(print/[^/"]+/[^"]+\.png)"', page)
    report(set(cards) == products and len(cards) == len(products),
           "downloads page: one card, one preview, per product (%d "
           "products, %d cards)" % (len(products), len(cards)))
    report(re.search(r"\(\d+(\.\d)? [kM]B\)", page) is not None, "downloads page gives file sizes")
    # Light on first load: the page, its stylesheet and fonts, and the
    # images not loaded lazily; every preview a few tens of kB.
    imgs = re.findall(r"<img [^>]*>", page)
    eager = [i for i in imgs if 'loading="lazy"' not in i]
    first = len(page.encode())
    for css in glob.glob(os.path.join(OUT, "assets", "css", "*.css")):
        first += os.path.getsize(css)
        for u in set(re.findall(r'url\("?([^")]+)"?\)', open(css).read())):
            f = os.path.normpath(os.path.join(os.path.dirname(css), u))
            if os.path.isfile(f):
                first += os.path.getsize(f)
    for i in eager:
        m = re.search(r'src="[^"]*?/((?:print|social|assets|logo)/[^"]+)"', i)
        if m:
            first += os.path.getsize(os.path.join(OUT, m.group(1)))
    report(first < 1.5e6, "downloads page: %.0f kB on first load (%d of %d "
           "images eager), under 1.5 MB" % (first / 1024, len(eager), len(imgs)))
    heavy = []
    for i in imgs:
        m = re.search(r'src="[^"]*?/((?:print|social)/[^"]+\.png)"', i)
        if m and os.path.getsize(os.path.join(OUT, m.group(1))) > 80 * 1024:
            heavy.append(m.group(1))
    report(not heavy and all(re.search(r'width="\d+" height="\d+"', i)
                             for i in imgs),
           "downloads page: every preview under 80 kB, with its size "
           "given%s" % ("; " + ", ".join(heavy[:3]) if heavy else ""))
else:
    report(False, "downloads page exists")

# QR codes: the smallest size of each layout with a QR code, per area.
url = site_url()
work = os.path.join(OUT, "..", "qr-" + os.path.basename(OUT.rstrip("/")))
os.makedirs(work, exist_ok=True)
def decode(job):
    pdf, page, tag, _ = job
    stem = os.path.join(work, tag)
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-f", str(page), "-l", str(page), "-png",
                    "-singlefile", pdf, stem], check=True)
    z = subprocess.run(["zbarimg", "-q", "--raw", stem + ".png"], capture_output=True, text=True)
    return z.stdout.strip()


# (pdf, page, tag, judge): judge(what the code says) is (ok, the line).
qr = []
for lay, L in sorted(layouts.items()):
    if not L["qr"] or L["png"]:
        continue
    sz = min(L["sizes"], key=lambda s: L["sizes"][s][0] * L["sizes"][s][1])
    if L["per"] in ("org", "org-event"):
        for odir in sorted(glob.glob(os.path.join(OUT, "print", "orgs", "*"))):
            org = os.path.basename(odir)
            for pdf in sorted(glob.glob(os.path.join(odir, "*-%s-%s.pdf" % (lay, sz))))[:2]:
                what = os.path.basename(pdf)[:-len("-%s-%s.pdf" % (lay, sz))]
                for page in L["qr"]:
                    def judge(got, pdf=pdf, page=page, what=what, org=org, per=L["per"]):
                        if per == "org-event":
                            ok, want = got == "%s/events/%s/" % (url, what), "its event's page"
                        else:
                            ok = got == "%s/orgs/%s/" % (url, org) or got.startswith(url + "/events/")
                            want = "its page or its next event"
                        return ok, "print: QR on %s page %d decodes to %s (%s)" % (
                            os.path.relpath(pdf, OUT), page, want, got)
                    qr.append((pdf, page, "%s-%s-%d" % (org, what, page), judge))
        continue
    for area in sorted(titles):
        cands = sorted(glob.glob(os.path.join(OUT, "print", area, "%s-*%s.pdf" % (lay, sz))))
        if not cands:
            report(False, "print: %s %s %s exists" % (area, lay, sz))
            continue
        pdf = cands[0]
        for page in L["qr"]:
            def judge(got, pdf=pdf, page=page, area=area):
                want = "%s/areas/%s/" % (url, area)
                return got == want, "print: QR on %s page %d decodes to %s%s" % (
                    os.path.relpath(pdf, OUT), page, want, "" if got == want else " (got %r)" % got)
            qr.append((pdf, page, "%s-%s-%d" % (area, lay, page), judge))
# Rendered and read on every core; reported in order.
for job, got in zip(qr, checks.pmap(decode, qr)):
    report(*job[3](got))

# The campaign's e-mail addresses of up to 36 characters (the alliance's
# own fits every contact frame at its smallest size) are never broken
# over two lines: a reader would copy half of one.
emails = set()
for p in [os.path.join(ROOT, "content/site.yml")] + glob.glob(
        os.path.join(ROOT, "content/orgs/*.md")):
    emails |= set(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
                             open(p, encoding="utf-8").read()))
emails = {e for e in emails if len(e) <= 36}
broken, seen = [], 0
checks.prefetch(["pdftotext", "-raw", pdf, "-"] for pdf in pdfs)
for pdf in pdfs:
    lines = checks.run(["pdftotext", "-raw", pdf, "-"]).stdout.splitlines()
    joined = "".join(ln.strip() for ln in lines)
    for e in emails:
        if e in joined:
            seen += 1
            if not any(e in ln for ln in lines):
                broken.append("%s: %s" % (os.path.relpath(pdf, OUT), e))
# (A campaign whose addresses are all longer, as the worst case's, has
# none to look for: said so, not failed.)
report((seen > 0 or not emails) and not broken, "print: %d e-mail addresses "
       "printed, none broken over two lines" % seen +
       ("" if emails else " (none of 36 characters or fewer in the content)") +
       ("; " + "; ".join(broken[:3]) if broken else ""))
checks.done()
