#!/usr/bin/env python3
"""Checks rally's print-shop output: CMYK PDF/X-4 and the presets.

The Norwegian fixture, with a PNG logo for its organisation and a
`print:` section in site.yml (offset for everything, large-format for
banners, posters left RGB), built for print.  Then, for every sheet:

- PDF/X sheets: OutputIntent (GTS_PDFX, FOGRA39, a CMYK profile), Info's
  GTS_PDFXVersion and Trapped, XMP naming PDF/X-4, PDF 1.6, TrimBox and
  BleedBox on every page, every font embedded; and no RGB anywhere:
  every content stream (pages, forms, patterns) parsed, no rg/RG, no
  DeviceRGB colour space in any object, image or shading;
- the area's colour carries exactly the CMYK its content gives;
- the presets' geometry: 3 mm bleed and crop-mark room (offset), 10 mm
  bleed (large-format), the slug line outside the trim;
- separations (Ghostscript's tiffsep): wherever the black plate has
  ink, the cyan, magenta and yellow plates have none (black text, rules
  and QR codes print from the black plate alone), and the message's own
  words are on the black plate;
- the RGB layout stays RGB; `rally flyer --pdfx` writes PDF/X too;
- bad print: settings and cmyk: values are errors at their line.

usage: pdfx.py WORK_DIR"""

import glob
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import report, slow_streams_in  # noqa: E402

try:
    import pikepdf
    from PIL import Image
except ImportError as e:  # the test cannot run: a failure, said so
    print("FAIL pdfx: python3-pikepdf and python3-pil are needed: %s" % e)
    sys.exit(0)

RALLY = os.environ.get("RALLY", "./generator/rally")
MM = 72 / 25.4
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1489104000")

SITE_PRINT = """
print:
  preset: offset
  layouts:
    banner: { preset: large-format }
    poster: { output: rgb }
"""


def png(path, w=600, h=300):
    """A colourful PNG (a gradient), as a union's scanned logo is."""
    rows = b"".join(b"\0" + bytes(
        v for x in range(w) for v in (x * 255 // w, y * 255 // h, 128))
        for y in range(h))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def make_site(root):
    shutil.copytree("tests/fixture", root)
    with open(os.path.join(root, "content/site.yml"), "a") as f:
        f.write(SITE_PRINT)
    png(os.path.join(root, "assets/logos/klubben.png"))
    org = os.path.join(root, "content/orgs/klubben.md")
    with open(org) as f:
        s = f.read()
    with open(org, "w") as f:
        f.write(s.replace("url: ", "logo: assets/logos/klubben.png\nurl: ",
                          1))


def build(root, out, *args):
    return subprocess.run([RALLY, "build", "-q", "--only", "print",
                           "--root", root, "--out", out] + list(args),
                          env=ENV, capture_output=True, text=True)


def ops(stream):
    """Every (operands, operator) of a content stream."""
    return [(list(o), str(op)) for o, op in pikepdf.parse_content_stream(
        stream)]


def streams(pdf):
    """Pages and every form or tiling pattern: their content streams."""
    out = list(pdf.pages)
    for o in pdf.objects:
        if isinstance(o, pikepdf.Stream) and (
                o.get("/Subtype") == "/Form" or o.get("/PatternType") == 1):
            out.append(o)
    return out


def rgb_left(pdf):
    """Where DeviceRGB is still used, or []."""
    bad = []
    for o in pdf.objects:
        if not isinstance(o, (pikepdf.Dictionary, pikepdf.Stream)):
            continue
        for k in ("/ColorSpace", "/CS"):
            v = o.get(k)
            if v is not None and ("DeviceRGB" in repr(v) or
                                  re.search(r"/RGB\b", repr(v))):
                bad.append("%s %s" % (k, v))
            if isinstance(v, pikepdf.Array) and len(v) and \
                    v[0] == "/ICCBased" and int(v[1].get("/N", 0)) == 3:
                bad.append("RGB ICC profile")
        g = o.get("/Group")
        if isinstance(g, pikepdf.Dictionary) and g.get("/CS") == "/DeviceRGB":
            bad.append("transparency group in DeviceRGB")
    for s in streams(pdf):
        for operands, op in ops(s):
            if op in ("rg", "RG"):
                bad.append("%s operator" % op)
            if op in ("cs", "CS") and operands and \
                    str(operands[0]) == "/DeviceRGB":
                bad.append("%s /DeviceRGB" % op)
            if op == "INLINE IMAGE":
                bad.append("inline image")
    return bad


def pdfx_keys(pdf):
    """What the PDF/X-4 keys lack, or []."""
    miss = []
    oi = pdf.Root.get("/OutputIntents")
    if not oi or len(oi) != 1:
        return ["OutputIntents"]
    oi = oi[0]
    if oi.get("/S") != "/GTS_PDFX":
        miss.append("/S /GTS_PDFX")
    if str(oi.get("/OutputConditionIdentifier")) != "FOGRA39":
        miss.append("OutputConditionIdentifier FOGRA39")
    prof = oi.get("/DestOutputProfile")
    if prof is None or int(prof.get("/N", 0)) != 4 or \
            prof.read_bytes()[16:20] != b"CMYK":
        miss.append("a CMYK DestOutputProfile")
    if str(pdf.docinfo.get("/GTS_PDFXVersion")) != "PDF/X-4":
        miss.append("Info GTS_PDFXVersion")
    if pdf.docinfo.get("/Trapped") != "/False":
        miss.append("Info Trapped")
    meta = pdf.Root.get("/Metadata")
    if meta is None or b"<pdfxid:GTS_PDFXVersion>PDF/X-4<" not in \
            meta.read_bytes():
        miss.append("XMP GTS_PDFXVersion")
    if pdf.pdf_version < "1.6":
        miss.append("PDF 1.6")
    for i, p in enumerate(pdf.pages):
        if "/TrimBox" not in p or "/BleedBox" not in p:
            miss.append("page %d boxes" % (i + 1))
    return miss


def fonts_embedded(path):
    out = subprocess.run(["pdffonts", path], capture_output=True,
                         text=True).stdout.splitlines()[2:]
    return all(len(l.split()) >= 5 and l.split()[-5] == "yes" for l in out)


def box(p, name):
    return [float(v) for v in p.get(name)]


def plates(path, page, work):
    """The four plates of a page as ink arrays (0..255), Ghostscript's."""
    base = os.path.join(work, "sep.tif")
    for f in glob.glob(os.path.join(work, "sep*")):
        os.remove(f)
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER",
                    "-sDEVICE=tiffsep", "-r100", "-dTextAlphaBits=1",
                    "-dGraphicsAlphaBits=1", "-dFirstPage=%d" % page,
                    "-dLastPage=%d" % page, "-sOutputFile=" + base, path],
                   check=True)
    out = {}
    for ink in ("Cyan", "Magenta", "Yellow", "Black"):
        im = Image.open(os.path.join(work, "sep(%s).tif" % ink))
        out[ink] = (im.size, [255 - v for v in im.getdata()])
    return out


def words(path, page):
    """(word, xMin, yMin, xMax, yMax) in points, top-down, from pdftotext."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l",
                           str(page), path, "-"], capture_output=True,
                          text=True).stdout
    return [(m.group(5), float(m.group(1)), float(m.group(2)),
             float(m.group(3)), float(m.group(4))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
        r'yMax="([\d.]+)">([^<]*)</word>', html)]


def check_plates(path, page, text_words, work, what):
    pl = plates(path, page, work)
    (w, h), k = pl["Black"]
    cmy = [pl[i][1] for i in ("Cyan", "Magenta", "Yellow")]
    rich = sum(1 for i in range(w * h)
               if k[i] >= 128 and (cmy[0][i] or cmy[1][i] or cmy[2][i]))
    report(rich == 0, "%s: where the black plate has ink, no other plate "
           "has (%d pixels of rich black)" % (what, rich))
    found = missing = 0
    for t, x0, y0, x1, y1 in words(path, page):
        if t.lower() not in text_words:
            continue
        s = 100 / 72
        ink = sum(1 for y in range(int(y0 * s), min(h, int(y1 * s) + 1))
                  for x in range(int(x0 * s), min(w, int(x1 * s) + 1))
                  if k[y * w + x] >= 128)
        found += 1
        missing += ink == 0
    report(not text_words or (found > 0 and missing == 0), "%s: the message's %d words are on "
           "the black plate (%d not)" % (what, found, missing))


def edited_build(rel, edit, *args, prepare=None):
    """The fixture with file rel edited by edit (and prepare(root) run),
    built: the result."""
    with tempfile.TemporaryDirectory() as d:
        root = os.path.join(d, "site")
        shutil.copytree("tests/fixture", root)
        if prepare is not None:
            prepare(root)
        path = os.path.join(root, rel)
        with open(path) as f:
            s = f.read()
        with open(path, "w") as f:
            f.write(edit(s))
        return build(root, os.path.join(d, "out"), *args)


def errors():
    """Bad print: and cmyk: values: exit 1, at their line."""
    cases = [
        ("print:\n  preset: offsett\n", "content/site.yml:2:11:",
         "no preset 'offsett'"),
        ("print:\n  output: cmyk\n", "content/site.yml:2:11:",
         "output must be rgb"),
        ("print:\n  bleed: 300\n", "content/site.yml:2:10:",
         "bleed must be millimetres"),
        ("print:\n  layouts:\n    plakat: { preset: offset }\n",
         "content/site.yml:3:13:", "no print layout 'plakat'"),
        ("print:\n  output: pdfx\n  profile: assets/logos/mark.svg\n"
         "  condition: FOGRA39\n", "content/site.yml:3:12:",
         "not an ICC profile"),
        ("print:\n  preset: offset\n  slogan: yes\n",
         "content/site.yml:3:11:", "unknown key 'slogan'"),
    ]
    for i, (yml, where, msg) in enumerate(cases):
        r = edited_build("content/site.yml", lambda s: yml + s)
        report(r.returncode == 1 and where in r.stderr and
               msg in r.stderr, "print: case %d is an error at %s "
               "(%s): %s" % (i + 1, where, msg, r.stderr.strip()[:200]))
    r = edited_build("content/areas/eldre.md", lambda s: s.replace(
        "cmyk: [0, 85, 100, 25]", "cmyk: [0, 85, 100]"), "--pdfx")
    report(r.returncode == 1 and "content/areas/eldre.md:" in r.stderr
           and "four percentages" in r.stderr,
           "cmyk with three values is an error at its line: %s" %
           r.stderr.strip()[:200])

    # A logo too small for print: one warning per layout, at the
    # organisation's logo line, the same from every size.
    r = edited_build("content/orgs/klubben.md", lambda s: s.replace(
        "url: ", "logo: assets/logos/small.png\nurl: ", 1), "--only",
        "print", prepare=lambda root: png(os.path.join(
            root, "assets/logos/small.png"), 120, 60))
    warns = [l for l in r.stderr.splitlines() if "dpi" in l]
    report(r.returncode == 0 and len(warns) == 2 and all(
        l.startswith("content/orgs/klubben.md:4:7: warning: "
                     "assets/logos/small.png is 120 px wide") and
        "px wide is sharp at every size" in l for l in warns),
           "a small logo: one warning per layout at its content line "
           "(%s)" % warns)


def main():
    work = os.path.abspath(sys.argv[1])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    root = os.path.join(work, "site")
    out = os.path.join(work, "out")
    make_site(root)
    r = build(root, out)
    report(r.returncode == 0, "pdfx: the fixture with print: builds "
           "(%s)" % r.stderr.strip()[:300])
    if r.returncode != 0:
        return
    sheets = sorted(f for f in glob.glob(out + "/print/**/*.pdf",
                                         recursive=True)
                    # The office's: n-up, tiles, proofs, the timeline.
                    if not re.search(r"-\d+up\.pdf$|-tiles\.pdf$|/proof\.pdf$"
                                     r"|/timeline-a[34]\.pdf$", f))
    # qpdf's rewritten content streams too: zlib's fastest level (the
    # output profile, deflated at 6 on purpose, aside).
    slow, n = slow_streams_in(sheets, out)
    report(n > 0 and not slow, "pdfx: all %d deflated streams at zlib's "
           "fastest level%s" % (n, "".join("; " + x for x in slow[:3])))
    n_x = n_rgb = 0
    for f in sheets:
        name = os.path.relpath(f, out)
        pdf = pikepdf.open(f)
        rgb = os.path.basename(f).startswith("poster-")
        if rgb:
            n_rgb += 1
            report("/OutputIntents" not in pdf.Root and rgb_left(pdf),
                   "%s: an RGB layout stays RGB" % name)
            continue
        n_x += 1
        miss = pdfx_keys(pdf)
        report(not miss, "%s: PDF/X-4 keys (%s)" % (name, ", ".join(miss)))
        bad = rgb_left(pdf)
        report(not bad, "%s: no RGB left (%s)" % (name, ", ".join(
            sorted(set(bad)))))
        report(fonts_embedded(f), "%s: every font embedded" % name)
        p = pdf.pages[0]
        trim, bleed, media = (box(p, "/TrimBox"), box(p, "/BleedBox"),
                              box(p, "/MediaBox"))
        want = 10 if "banner" in name else 3
        report(abs(trim[0] - bleed[0] - want * MM) < 0.05,
               "%s: %d mm bleed (%.2f pt)" % (name, want, trim[0] - bleed[0]))
        marks = "banner" not in name
        report((bleed[0] - media[0] > 9 * MM) == marks or "banner" in name,
               "%s: room for crop marks: %s" % (name, marks))
        # The slug line: below the trim, with the file's name.
        wl = words(f, 1)
        slug = [wd for wd in wl if wd[0] == os.path.basename(f)]
        ph = media[3] - media[1]
        report(slug and slug[0][2] > ph - bleed[1] and "FOGRA39" in
               [wd[0] for wd in wl],
               "%s: slug line outside the bleed, naming the file and "
               "FOGRA39" % name)
    report(n_x >= 10 and n_rgb >= 2, "pdfx: %d PDF/X sheets and %d RGB "
           "ones" % (n_x, n_rgb))

    # The area's colour as its content gives it: 0 85 100 25 k.
    flyer = os.path.join(out, "print/eldre/flyer-1-a5.pdf")
    seen = set()
    for s in streams(pikepdf.open(flyer)):
        for operands, op in ops(s):
            if op == "k":
                seen.add(tuple(round(float(v), 4) for v in operands))
    report((0, 0.85, 1, 0.25) in seen, "eldre's colour is exactly "
           "0 85 100 25 (%d CMYK colours on the flyer)" % len(seen))

    # The organisation's PNG logo, made CMYK through the profile.
    oflyer = glob.glob(os.path.join(out,
                                    "print/orgs/klubben/eldre-org-flyer-a5.pdf"))
    opdf = pikepdf.open(oflyer[0]) if oflyer else None
    imgs = [o for o in opdf.objects
            if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"
            and o.get("/ColorSpace") != "/DeviceGray"] if oflyer else []
    report(imgs and all(o.get("/ColorSpace") == "/DeviceCMYK" for o in imgs),
           "the organisation's PNG logo is a CMYK image (%d images)" %
           len(imgs))

    # Separations: body text, small type and QR codes on black only
    # (the backs set the messages' text black on white).
    with open("tests/fixture/content/areas/eldre.md") as f:
        s = f.read()
    text = set(w.lower() for line in re.findall(r"text: (.*)", s)
               for w in re.findall(r"\w+", line))
    check_plates(flyer, 1, set(), work, "eldre flyer front")
    check_plates(flyer, 2, text, work, "eldre flyer back")
    if oflyer:
        check_plates(oflyer[0], 2, text, work, "organisation flyer back")

    # rally flyer --pdfx
    one = os.path.join(work, "one.pdf")
    r = subprocess.run([RALLY, "flyer", "--root", "tests/fixture", "--org",
                        "klubben", "--area", "eldre", "--pdfx", "-o", one],
                       env=ENV, capture_output=True, text=True)
    report(r.returncode == 0 and not pdfx_keys(pikepdf.open(one)) and
           not rgb_left(pikepdf.open(one)),
           "rally flyer --pdfx writes a PDF/X-4 (%s)" % r.stderr.strip())
    errors()


main()
