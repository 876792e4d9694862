#!/usr/bin/env python3
"""Every script on every sheet: the Norwegian fixture with an area whose
messages are in Arabic, Farsi, Tigrinya, Ukrainian, Urdu, Hebrew,
Greek and Danish
(tests/scripts/flyktninger.md), built for print and web.

- every sheet builds; page 1 of each message's flyer gives back, by
  pdftotext, every word of its headline and text, and no run of hex
  digits where letters should be (pango's box for a missing glyph);
- each script in its own faces, bold (display) for the headline and
  regular for the text, Urdu in Nastaliq, a Ukrainian or Greek headline
  (letters Bebas Neue lacks) wholly in the condensed Noto (pdffonts);
- Arabic, Farsi and Hebrew are set right to left: on the headline's
  line the rightmost word is the headline's first; a Farsi text that
  starts with a Latin word too (its lang decides);
- the back's list of the area's other messages sets each in its own
  language (Urdu in Nastaliq on the Danish back, Arabic not in
  Nastaliq on the Urdu back) and from its own start (Hebrew from the
  right, Ukrainian from the left), a Hebrew line clear of the dots of
  the Nastaliq line above it (blank rows between them, rendered);
- the area page marks each message with its lang, and dir="rtl" where
  it runs right to left;
- a message in a script no font covers (Tifinagh, Devanagari): exit 1,
  at the content file and line of the value that holds it, naming the
  script.

pdftotext gives the lam-alef ligature back reversed ("ال" for "لا"):
a word counts as found when it or its reverse is.

usage: scripts.py WORK_DIR"""

import collections
import os
import re
import shutil
import subprocess
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import report  # noqa: E402

RALLY = os.environ.get("RALLY", "./generator/rally")
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1489104000")
AREA = "tests/scripts/flyktninger.md"
MARKS = "\u202a\u202b\u202c\u202d\u202e\u200c\u200d\u200e\u200f"


def site(work, name, area_text):
    root = os.path.join(work, name)
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree("tests/fixture", root)
    with open(os.path.join(root, "content/areas/flyktninger.md"), "w") as f:
        f.write(area_text)
    # A press release in Arabic, for the lists' cards.
    with open(os.path.join(root, "content/press/arabisk.md"), "w") as f:
        f.write("---\ntitle: لا للتخفيضات\ndate: 2017-03-01\nlang: ar\n"
                "area: flyktninger\n---\nنص البيان.\n")
    return root


def build(root, *args):
    return subprocess.run([RALLY, "build", "-q", "--root", root, "--out",
                           os.path.join(root, "out")] + list(args),
                          env=ENV, capture_output=True, text=True)


def clean(s):
    return "".join(c for c in s if c not in MARKS)


def fold(w):
    """Case and accents aside: Greek capitals drop their tonos."""
    return "".join(c for c in unicodedata.normalize("NFD", w.casefold())
                    if not unicodedata.combining(c))


def words(s):
    return [w for w in re.findall(r"\w+", clean(s))]


def messages(text):
    """(headline, text, lang) of each message of the area file."""
    out = []
    for m in re.finditer(r"- headline: (.*)\n\s+text: (.*)\n\s+lang: (.*)",
                         text):
        out.append((m.group(1).strip(), m.group(2).strip(),
                    m.group(3).strip()))
    return out


def bbox(path):
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", path,
                           "-"], capture_output=True, text=True).stdout
    return [(float(m.group(1)), float(m.group(2)), float(m.group(3)),
             float(m.group(4)), clean(m.group(5))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
        r'yMax="([\d.]+)">([^<]*)</word>', html)]


def fonts(path, page):
    """The base names of the fonts used on one page (pdffonts)."""
    out = subprocess.run(["pdffonts", "-f", str(page), "-l", str(page),
                          path], capture_output=True, text=True).stdout
    return set(line.split()[0].split("+")[-1]
               for line in out.splitlines()[2:] if line.strip())


def bbox_page(path, page):
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l",
                           str(page), path, "-"], capture_output=True,
                          text=True).stdout
    return [(float(m.group(1)), float(m.group(2)), float(m.group(3)),
             float(m.group(4)), clean(m.group(5))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
        r'yMax="([\d.]+)">([^<]*)</word>', html)]


def gray(path, page, dpi):
    """Rows of grey values of one page (pdftoppm's PGM)."""
    data = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f",
                           str(page), "-l", str(page), path],
                          capture_output=True).stdout
    head = data.split(b"\n", 3)
    w, h = map(int, head[1].split())
    px = head[3]
    return [px[r * w:(r + 1) * w] for r in range(h)]


def line_gaps(path, headline):
    """The page's margins left and right of the headline's first line."""
    letters = set(clean(headline).replace(" ", ""))
    boxes = [b for b in bbox(path) if b[4] and set(b[4]) <= letters]
    if not boxes:
        return None, None
    top = min(b[1] for b in boxes)
    line = [b for b in boxes if abs(b[1] - top) < 2]
    width = float(subprocess.run(["pdfinfo", path], capture_output=True,
                                 text=True).stdout.split("Page size:")[1]
                  .split()[0])
    return min(b[0] for b in line), width - max(b[2] for b in line)


def rightmost_word(path, headline):
    """The letters of the rightmost word on the headline's first line."""
    letters = set(clean(headline).replace(" ", ""))
    boxes = [b for b in bbox(path) if b[4] and set(b[4]) <= letters]
    if not boxes:
        return None
    # The first line: the topmost glyphs of the headline's letters.
    top = min(b[1] for b in boxes)
    line = sorted((b for b in boxes if abs(b[1] - top) < 2),
                  key=lambda b: -b[2])
    height = line[0][3] - line[0][1]
    # Words: glyphs grouped right to left until a gap.
    word = [line[0]]
    for b in line[1:]:
        if word[-1][0] - b[2] > 0.12 * height:
            break
        word.append(b)
    return collections.Counter("".join(b[4] for b in word))


def main():
    work = os.path.abspath(sys.argv[1])
    os.makedirs(work, exist_ok=True)
    with open(AREA) as f:
        area = f.read()
    root = site(work, "site", area)
    r = build(root)
    report(r.returncode == 0, "scripts: the area in eight languages builds "
           "(%s)" % r.stderr.strip()[:300])
    if r.returncode != 0:
        return
    out = os.path.join(root, "out")
    for i, (head, text, lang) in enumerate(messages(area), 1):
        pdf = os.path.join(out, "print/flyktninger/flyer-%d-a5.pdf" % i)
        got = subprocess.run(["pdftotext", "-f", "1", "-l", "1", pdf, "-"],
                             capture_output=True, text=True).stdout
        have = set(fold(w) for w in words(got))
        want = [w for w in words(head) + words(text)]
        # (pdftotext may glue a Latin word to an Arabic one on a
        # right-to-left line: "کاهشKL".)
        page = fold(clean(got))
        missing = [w for w in want if fold(w) not in have and
                   fold(w[::-1]) not in have and fold(w) not in page]
        if lang == "ur":
            # Nastaliq's letters cascade: pdftotext gives them back,
            # not in their words' order.
            got_letters = collections.Counter(clean(got).replace(" ", ""))
            need = collections.Counter(clean(head + text).replace(" ", ""))
            missing = [ch for ch in need if got_letters[ch] < need[ch]]
        report(not missing, "scripts: %s flyer gives back its words "
               "(missing: %s)" % (lang, " ".join(missing)))
        hexes = re.findall(r"\b[0-9A-F]{4,6}\b", got)
        report(not hexes, "scripts: %s flyer has no box of hex digits "
               "(%s)" % (lang, " ".join(hexes)))
        # Each script in its own faces, bold for the display frame
        # (the headline), regular for the text; Urdu in Nastaliq.
        want = {"ar": ("NotoKufiArabic-Bold", "NotoSansArabic-Regular"),
                "fa": ("NotoKufiArabic-Bold", "NotoSansArabic-Regular"),
                "ur": ("NotoNastaliqUrdu-Bold", "NotoNastaliqUrdu-Regular"),
                "he": ("NotoSansHebrew-Bold", "NotoSansHebrew-Regular"),
                "ti": ("NotoSansEthiopic-Bold",
                       "NotoSansEthiopic-Regular"),
                # Bebas Neue has no Ukrainian І and no Greek: the
                # whole headline in the condensed face that has them.
                "uk": ("NotoSansDisplay-ExtraCondensedBold",
                       "Inter-Regular"),
                "el": ("NotoSansDisplay-ExtraCondensedBold",
                       "Inter-Regular")}.get(lang, ())
        front = fonts(pdf, 1)
        report(all(f in front for f in want),
               "scripts: %s flyer sets its headline and text in %s (%s)" %
               (lang, " and ".join(want), " ".join(sorted(front))))
        if lang in ("ar", "fa", "he"):
            first = collections.Counter(clean(head).split()[0])
            report(rightmost_word(pdf, head) == first,
                   "scripts: %s headline runs right to left: its first "
                   "word is the rightmost" % lang)
            # Set from the right: the headline (two balanced lines in
            # Arabic, one short word in Farsi, both narrower than the
            # frame) ends at the frame's right edge, as far in as the
            # area's name (left-aligned, Latin) starts from the left.
            hl, hr = line_gaps(pdf, head)
            edge = [b[0] for b in bbox(pdf) if b[4] == "FLYKTNINGER"]
            report(hl is not None and edge and abs(hr - edge[0]) < 2 and
                   hl > hr + 20,
                   "scripts: %s headline set from the right (%s pt left "
                   "of it, %s right; the frame's edge %s)" %
                   (lang, hl, hr, edge[:1]))
    # A Farsi text that starts with a Latin word still runs right to
    # left (its lang says so): "KL" is the rightmost word of its line.
    fa = os.path.join(out, "print/flyktninger/flyer-2-a5.pdf")
    boxes = bbox(fa)
    kl = [b for b in boxes if b[4] == "KL"]
    line = [b for b in boxes if kl and abs(b[1] - kl[0][1]) < 14]
    report(kl and max(b[2] for b in line) == kl[0][2],
           "scripts: a Farsi text starting with a Latin word runs right to "
           "left, that word rightmost (%s)" % (kl and [
               (b[4], round(b[2])) for b in sorted(line, key=lambda b: -b[2])
           ][:3]))

    # The back lists the area's other messages, each in its own
    # language: Urdu in Nastaliq on the Danish flyer's back, Arabic not
    # in Nastaliq on the Urdu flyer's back.
    langs = [m[2] for m in messages(area)]
    back = {lang: fonts(os.path.join(
        out, "print/flyktninger/flyer-%d-a5.pdf" % i), 2)
        for i, lang in enumerate(langs, 1)}
    report("NotoNastaliqUrdu-Regular" in back["da"] and
           "NotoSansArabic-Regular" in back["da"],
           "scripts: the Danish flyer's back sets the Urdu message in "
           "Nastaliq, the Arabic in Noto Sans Arabic (%s)" %
           " ".join(sorted(back["da"])))
    report("NotoNastaliqUrdu-Regular" not in back["ur"] and
           "NotoSansArabic-Regular" in back["ur"],
           "scripts: the Urdu flyer's back sets the Arabic and Farsi "
           "messages as Arabic and Farsi, not as Urdu (%s)" %
           " ".join(sorted(back["ur"])))
    # A message's headline runs into its text with its language's full
    # stop, none after its own "!": "ሓገዝ ንኹሉ። ሰላም", "omsorg! Nej".
    ar_back = subprocess.run(["pdftotext", "-f", "2", "-l", "2",
                              os.path.join(out, "print/flyktninger/"
                                           "flyer-1-a5.pdf"), "-"],
                             capture_output=True, text=True).stdout
    ar_back = " ".join(clean(ar_back).split())
    report("ንኹሉ። ሰላም" in ar_back and "omsorg! Nej" in ar_back and
           "!." not in ar_back,
           "scripts: headline and text joined by the language's full stop "
           "(%s)" % ar_back[:200])

    # Mixed directions in one list: each paragraph from its own start.
    # The Hebrew message (one line) ends at the frame's right edge, as
    # far in as the left-aligned, Latin "DERFOR" starts from the left;
    # the Ukrainian one starts at the left.
    da = os.path.join(out, "print/flyktninger/flyer-%d-a5.pdf" %
                      (langs.index("da") + 1))
    words2 = subprocess.run(["pdftotext", "-bbox", "-f", "2", "-l", "2", da,
                             "-"], capture_output=True, text=True).stdout
    boxes = [(float(m.group(1)), float(m.group(3)), clean(m.group(5)),
              float(m.group(2))) for m in re.finditer(
                 r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                 r'yMax="([\d.]+)">([^<]*)</word>', words2)]
    width = float(subprocess.run(["pdfinfo", da], capture_output=True,
                                 text=True).stdout.split("Page size:")[1]
                  .split()[0])
    left = [b[0] for b in boxes if b[2].upper() == "DERFOR"]
    he = [b for b in boxes if b[2] and re.search("[\u05d0-\u05ea]", b[2])]
    # Its first line, the bullet included (at its right).
    he = [b for b in boxes if he and abs(b[3] - he[0][3]) < 2]
    uk = [b[0] for b in boxes if b[2] == "Турбота"]
    bullet = [b[0] for b in boxes if b[2] == "•"]
    report(left and he and uk and bullet and
           abs(width - max(b[1] for b in he) - left[0]) < 2 and
           abs(min(bullet) - left[0]) < 2,
           "scripts: a Hebrew message in the Danish flyer's list runs from "
           "the right edge, the Ukrainian from the left (right gap %s, "
           "left %s, bullets from %s)" % (
               he and round(width - max(b[1] for b in he), 1),
               left[:1], bullet and round(min(bullet), 1)))

    # Lines of other faces in one frame clear each other: on the Danish
    # back, the blank rows between the Hebrew line's ink and the Urdu
    # line's above it (Nastaliq's dots hang far below its descent).
    hy = [b for b in bbox_page(da, 2) if re.search("[\u05d0-\u05ea]", b[4])]
    gap = None
    if hy:
        dpi = 150
        top, bot = min(b[1] for b in hy), max(b[3] for b in hy)
        x0, x1 = min(b[0] for b in boxes), max(b[1] for b in boxes)
        img = gray(da, 2, dpi)
        s = dpi / 72
        dark = [any(v < 128 for v in img[int(y)][int(x0 * s):int(x1 * s)])
                for y in range(len(img))]
        y = int((top + bot) / 2 * s)
        while y > 0 and dark[y]:
            y -= 1          # up through the Hebrew ink
        n = 0
        while y > 0 and not dark[y]:
            y -= 1
            n += 1          # the blank rows above it
        gap = n / s / (bot - top)
    report(gap is not None and gap > 0.08,
           "scripts: a Hebrew line under a Nastaliq line clears its dots "
           "(%s of a line's height blank between them)" %
           (gap and round(gap, 2)))

    # Golden images of the Arabic flyer, front and back (looked at
    # before they were committed; tests/print_golden.sh's tolerance).
    ar = os.path.join(out, "print/flyktninger/flyer-1-a5.pdf")
    subprocess.run(["pdftoppm", "-r", "40", "-png", ar,
                    os.path.join(work, "scripts-ar-flyer-a5")], check=True)
    for side in (1, 2):
        name = "scripts-ar-flyer-a5-%d.png" % side
        r = subprocess.run([sys.executable, "tests/imgdiff.py",
                            os.path.join(work, name),
                            os.path.join("tests/golden-scripts", name)],
                           capture_output=True, text=True)
        report(r.returncode == 0, "scripts: the Arabic flyer's %s matches "
               "its golden image (%s)" % ("front" if side == 1 else "back",
                                          r.stdout.strip()))
    with open(os.path.join(out, "areas/flyktninger/index.html")) as f:
        page = f.read()
    lis = re.findall(r'<li class="message"([^>]*)>', page)
    report(lis == [' lang="ar" dir="rtl"', ' lang="fa" dir="rtl"',
                   ' lang="ti"', ' lang="uk"', ' lang="ur" dir="rtl"',
                   ' lang="he" dir="rtl"', ' lang="el"', ' lang="da"'],
           "scripts: the area page marks each message's lang and dir "
           "(%s)" % lis)
    with open(os.path.join(out, "press/index.html")) as f:
        cards = re.findall(r'<li class="press-item"([^>]*)>', f.read())
    with open(os.path.join(out, "press/arabisk/index.html")) as f:
        html = re.search(r"<html[^>]*>", f.read()).group(0)
    report(' lang="ar" dir="rtl"' in cards and cards.count("") >= 1 and
           'lang="ar"' in html and 'dir="rtl"' in html,
           "scripts: an Arabic press release's card and page carry lang "
           "and dir (%s; %s)" % (cards, html))

    # A language code that is none: an error at its line.
    text = area.replace("lang: uk", "lang: ukrainsk!")
    root = site(work, "badlang", text)
    r = build(root, "--only", "web")
    line = text[:text.index("ukrainsk!")].count("\n") + 1
    report(r.returncode == 1 and "content/areas/flyktninger.md:%d:" % line
           in r.stderr and "lang must be a language code" in r.stderr,
           "scripts: a lang that is no language code is an error at its "
           "line: %s" % r.stderr.strip()[:200])

    # No font for it: an error at the content, naming the script.
    for what, bad, name in (("Tifinagh", "ⵜⴰⵎⴰⵣⵉⵖⵜ", "Tifinagh"),
                            ("Devanagari", "नमस्ते", "Devanagari")):
        text = area.replace("Tid til omsorg", "Tid til " + bad)
        line = text[:text.index(bad)].count("\n") + 1
        root = site(work, "bad", text)
        r = build(root, "--only", "print")
        report(r.returncode == 1 and
               "content/areas/flyktninger.md:%d:" % line in r.stderr and
               name in r.stderr,
               "scripts: %s is an error at its line %d: %s" %
               (what, line, r.stderr.strip()[:300]))


main()
