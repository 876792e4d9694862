#!/usr/bin/env python3
"""The calendar as a campaign plan writes it (issue 18), on a copy of the
Norwegian fixture with an item of every shape: a day, a day with times,
two days, two days with times, an ISO week, a run of weeks, a joint
action of two areas and two organisations in a district, an internal
meeting and an embargoed press release.

Built at five moments, the same output directory each time (so the
stamp and the keys must notice what a new moment changes):
  A 2017-03-05 12:00  before everything
  B 2017-03-11 12:00  on the second day of the two-day items
  D 2017-06-08 09:00  weeks 18-23 running, before the embargo (10:00)
  C 2017-06-08 11:00  after the embargo
  E 2017-07-01 12:00  after every span

Checks: the calendar, the timeline (rows, this week marked), the home
page's next events, every organisation's and area's page for the joint
action, the district pages, events.ics (RFC 5545: CRLF, lines of at
most 75 octets, DATE values for all-day items with DTEND the day after
the last, UTC times otherwise), feed.atom and sitemap.xml; no trace of
the internal meeting's or the embargoed release's title in any file of
a public build, before the embargo; --internal shows the meeting on the
timeline; bad values are errors at their line.

usage: calendar_plan.py WORK_DIR"""

import calendar as pycal
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import report, done  # noqa: E402

RALLY = os.environ.get("RALLY", "./generator/rally")
# Under valgrind (LIGHT=1) the website only: print is checked in full
# elsewhere, and a dozen print builds under valgrind take too long.
PRINT = not os.environ.get("LIGHT")
WEB = [] if PRINT else ["--only", "web"]
SECRET = "Lukket styringsgruppemøde om streikekassen"
EMBARGO = "Regjeringen gir etter for alliansen"

EVENTS = {
    "dag": "title: Heldagsseminar\ndate: 2017-03-01\nkind: seminar\n",
    "kveld": ("title: Kveldsmøte i Nord\ndate: 2017-03-02\ntime: \"18:00\"\n"
              "end: \"20:00\"\nplace: Folkets hus\n"
              "address: Storgata 1, 0155 Oslo\ndistrict: Nord\n"),
    "toppmote": ("title: KS-toppmøtet\ndate: 2017-03-10\nend: 2017-03-11\n"
                 "kind: toppmøte\ncampaign: Vi deler ut løpesedler begge "
                 "dagene.\n"),
    "konferanse": ("title: Tillitsvalgtkonferanse\ndate: 2017-03-10\n"
                   "time: \"10:00\"\nend: \"2017-03-11 16:00\"\n"),
    "uke": ("title: Aksjonsuke for barnehagene\nweek: 10\nyear: 2017\n"
            "campaign: Stands hver dag.\n"),
    "forhandlinger": ("title: Økonomiforhandlingene\nweeks: 18-23\n"
                      "year: 2017\ncampaign: Løpende press på "
                      "forhandlerne.\n"),
    "felles": ("title: Felles markering på torget\ndate: 2017-03-20\n"
               "time: \"16:00\"\nareas: [eldre, barnehage]\n"
               "orgs: [klubben, ungdom]\ndistrict: Sør\n"
               "address: Torget 1, 5014 Bergen\n"),
    "styre": ("title: " + SECRET + "\ndate: 2017-03-15\ninternal: true\n"
              "campaign: Styringsgruppen tar stilling.\n"),
}
PRESS = {
    "seier": ("title: " + EMBARGO + "\ndate: 2017-06-08\n"
              "publish: 2017-06-08T10:00\nsummary: Kuttene er strøket.\n"),
}


def epoch(s):
    """Local time in Oslo (CET/CEST) to seconds."""
    t = time.strptime(s, "%Y-%m-%d %H:%M")
    # March: UTC+1; June, July: UTC+2.
    off = 1 if t.tm_mon < 4 else 2
    return pycal.timegm(t) - off * 3600


def write(path, front, body="Tekst.\n"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("---\n" + front + "---\n" + body)


def campaign(work):
    root = os.path.join(work, "camp")
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree("tests/fixture", root)
    with open(os.path.join(root, "content/site.yml"), "a",
              encoding="utf-8") as f:
        f.write("timezone: Europe/Oslo\ndistricts: [Nord, Sør]\n")
    write(os.path.join(root, "content/orgs/ungdom.md"),
          "name: Ungdomsklubben\nareas: [barnehage]\n")
    for slug, front in EVENTS.items():
        write(os.path.join(root, "content/events", slug + ".md"), front)
    for slug, front in PRESS.items():
        write(os.path.join(root, "content/press", slug + ".md"), front,
              "Alliansen har vunnet.\n")
    return root


def build(root, out, when, *extra):
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch(when)))
    return subprocess.run([RALLY, "build", "-q", "--root", root, "--out",
                           out] + list(extra), env=env,
                          capture_output=True, text=True)


def read(out, rel):
    try:
        with open(os.path.join(out, rel), encoding="utf-8", newline="") as f:
            # Dates and times carry no-break spaces and word joiners,
            # headings soft hyphens (| hyphenate).
            return f.read().replace("\u2060", "").replace(
                "\u00a0", " ").replace("\u00ad", "")
    except OSError:
        return ""


def anywhere(out, text):
    """Files under out holding text (any file, hidden ones too)."""
    hits = []
    for d, _, files in os.walk(out):
        for n in files:
            with open(os.path.join(d, n), "rb") as f:
                if text.encode() in f.read():
                    hits.append(os.path.relpath(os.path.join(d, n), out))
    return hits


def vevents(ics):
    return {re.search(r"UID:([^@]+)@", v).group(1): v
            for v in re.findall(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", ics,
                                re.S)}


def check_ics(ics, tag):
    lines = ics.split("\r\n")
    report(ics.endswith("\r\n") and "\n" not in ics.replace("\r\n", ""),
           f"{tag}: events.ics ends every line with CRLF")
    report(all(len(l.encode()) <= 75 for l in lines),
           f"{tag}: events.ics folds lines at 75 octets")
    ev = vevents(ics)
    want = {
        "dag": ("DTSTART;VALUE=DATE:20170301", "DTEND;VALUE=DATE:20170302"),
        "toppmote": ("DTSTART;VALUE=DATE:20170310",
                     "DTEND;VALUE=DATE:20170312"),
        "konferanse": ("DTSTART:20170310T090000Z", "DTEND:20170311T150000Z"),
        "uke": ("DTSTART;VALUE=DATE:20170306", "DTEND;VALUE=DATE:20170313"),
        "forhandlinger": ("DTSTART;VALUE=DATE:20170501",
                          "DTEND;VALUE=DATE:20170612"),
        "kveld": ("DTSTART:20170302T170000Z", "DTEND:20170302T190000Z"),
    }
    for slug, (a, b) in want.items():
        v = ev.get(slug, "")
        report(a + "\r\n" in v and b + "\r\n" in v,
               f"{tag}: events.ics {slug}: {a} / {b}")
    report("styre" not in ev, f"{tag}: events.ics leaves the internal "
           "meeting out")


def main():
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    root = campaign(work)
    out = os.path.join(work, "out")
    shutil.rmtree(out, ignore_errors=True)

    # A: before everything; with print, for the organisations' material.
    r = build(root, out, "2017-03-05 12:00", *WEB)
    report(r.returncode == 0, "A: the campaign builds (" +
           r.stderr.strip()[:300] + ")")
    cal = read(out, "events/index.html")
    for t in ("Heldagsseminar", "KS-toppmøtet", "Tillitsvalgtkonferanse",
              "Aksjonsuke for barnehagene", "Økonomiforhandlingene",
              "Felles markering på torget"):
        report(t in cal, f"A: the calendar lists {t}")
    report("10.–11. mars 2017" in cal, "A: two days read 10.–11. mars 2017")
    report("10. mars 2017, kl. 10:00 – 11. mars 2017, kl. 16:00" in cal,
           "A: two days with times read from start to end")
    report("Uke 10, 2017" in cal and "Uke 18–23, 2017" in cal,
           "A: a week and a run of weeks read Uke 10, Uke 18–23")
    report("onsdag 1. mars 2017" in cal and "torsdag 2. mars 2017, kl. "
           "18:00–20:00" in cal, "A: a day, and a day with times")
    check_ics(read(out, "events.ics"), "A")
    tl = read(out, "timeline/index.html")
    rows = re.findall(r'<tr id="(uke-[^"]+)" class="([^"]+)"', tl) or \
        re.findall(r'<tr id="(uge-[^"]+)" class="([^"]+)"', tl)
    ids = [i for i, _ in rows]
    report("uge-2017-18-23" in ids and "uge-2017-10" in ids and
           "uge-2017-9" in ids,
           "A: the timeline has rows for week 9, week 10 and weeks 18-23 "
           f"({ids})")
    cur = [i for i, c in rows if "current" in c]
    report(cur == ["uge-2017-9"], f"A: this week (9) is marked ({cur})")
    report("Løpende press på forhandlerne." in tl and "Stands hver dag." in tl,
           "A: the timeline says what the campaign does")
    report(re.search(r'id="uge-2017-18-23".*?week-year">1\. mai – 11\. juni '
                     r'2017<', tl, re.S) is not None,
           "A: a row gives its days (weeks 18-23: 1. mai – 11. juni 2017)")
    report(ids == sorted(ids, key=lambda s: [int(x) for x in
                                             s.split("-")[1:3]]),
           "A: timeline rows in week order")
    # Joint action: on both areas' and both organisations' pages.
    for rel in ("areas/eldre/index.html", "areas/barnehage/index.html",
                "orgs/klubben/index.html", "orgs/ungdom/index.html"):
        report("Felles markering på torget" in read(out, rel),
               f"A: the joint action is on {rel}")
    page = read(out, "events/felles/index.html")
    report("Helseklubben Bergen" in page and "Ungdomsklubben" in page,
           "A: the joint action's page names both organisers")
    report("openstreetmap.org/search?query=Torget%201%2C%205014%20Bergen" in
           page, "A: a map link from the address")
    report("<dt>Arrangører</dt>" in page, "A: two organisers are "
           "Arrangører")
    report("(1. mai – 11. juni 2017)" in read(out, "events/forhandlinger/"
                                              "index.html"),
           "A: weeks 18-23 also give their days")
    if PRINT:
        for org in ("klubben", "ungdom"):
            pdf = os.path.join(out, "print/orgs", org,
                               "felles-org-poster-a4.pdf")
            report(os.path.exists(pdf), f"A: {org} has a poster for the joint "
                   "action")
    # Districts.
    nord = read(out, "districts/nord/index.html")
    sor = read(out, "districts/soer/index.html")
    report("Kveldsmøte i Nord" in nord and "Felles markering" not in nord,
           "A: district Nord lists its event only")
    report("Felles markering på torget" in sor and "Kveldsmøte" not in sor,
           "A: district Sør lists its event only")
    report('href="/vest/districts/nord/"' in cal,
           "A: the calendar links each district")
    if PRINT:
        # The timeline for the wall: A3 and A4 landscape PDFs.
        for size, dims in (("a3", "1190.55 x 841.89"), ("a4", "841.89 x 595.276")):
            pdf = os.path.join(out, "print", "timeline-" + size + ".pdf")
            info = subprocess.run(["pdfinfo", pdf], capture_output=True,
                                  text=True).stdout
            report(dims in info, f"A: timeline-{size}.pdf is {size.upper()} "
                   "landscape")
            fonts = subprocess.run(["pdffonts", pdf], capture_output=True,
                                   text=True).stdout.splitlines()[2:]
            report(fonts and all(f.split()[-5] == "yes" for f in fonts),
                   f"A: timeline-{size}.pdf embeds every font")
            text = subprocess.run(["pdftotext", "-layout", pdf, "-"],
                                  capture_output=True, text=True).stdout
            text = text.replace("\u2060", "").replace("\u00a0", " ")
            report("Økonomiforhandlingene" in text and "Løpende press på" in text
                   and "Uke 18–23" in text,
                   f"A: timeline-{size}.pdf has the weeks and the plan")
            report(SECRET not in text, f"A: timeline-{size}.pdf leaves the "
                   "internal meeting out")
            report('href="/vest/print/timeline-' + size + '.pdf"' in tl,
                   f"A: the timeline page links timeline-{size}.pdf")
    # Internal and embargoed: no trace anywhere in the public output.
    report(anywhere(out, SECRET) == [], "A: no file names the internal "
           f"meeting ({anywhere(out, SECRET)})")
    report(anywhere(out, EMBARGO) == [], "A: no file names the embargoed "
           f"release ({anywhere(out, EMBARGO)})")
    report(anywhere(out, "streikekassen") == [] and
           anywhere(out, "styre.md") == [],
           "A: not even its words or its file's name")

    # B: on the second day of the two-day items.
    r = build(root, out, "2017-03-11 12:00", "--only", "web")
    report(r.returncode == 0, "B: builds")
    home = read(out, "index.html")
    report("KS-toppmøtet" in home and "Tillitsvalgtkonferanse" in home,
           "B: two-day items still on the home page's next events on "
           "their second day")
    report("Heldagsseminar" not in home, "B: a past day is not")
    tl = read(out, "timeline/index.html")
    cur = re.findall(r'<tr id="([^"]+)" class="[^"]*current', tl)
    report(cur == ["uge-2017-10"], f"B: week 10 is marked ({cur})")

    # D: before the embargo; C: after it, same out/.
    r = build(root, out, "2017-06-08 09:00", "--only", "web")
    report(r.returncode == 0, "D: builds")
    report(anywhere(out, EMBARGO) == [], "D: at 09:00 no file names the "
           f"release embargoed to 10:00 ({anywhere(out, EMBARGO)})")
    tl = read(out, "timeline/index.html")
    cur = re.findall(r'<tr id="([^"]+)" class="[^"]*current', tl)
    report(cur == ["uge-2017-18-23"], f"D: weeks 18-23 are marked ({cur})")
    report(re.search(r'id="uge-2017-18-23".*?now-badge">Pågår<', tl, re.S)
           is not None, "D: a run of weeks under way is Pågår, not Denne "
           "uken")
    report("Økonomiforhandlingene" in read(out, "index.html"),
           "D: weeks 18-23 are on the home page while they run")
    r = build(root, out, "2017-06-08 11:00", "--only", "web")
    report(r.returncode == 0, "C: builds")
    for rel in ("press/index.html", "feed.atom", "sitemap.xml",
                "press/seier/index.html", "index.html"):
        report(EMBARGO in read(out, rel) or
               (rel == "sitemap.xml" and "/press/seier/" in read(out, rel)),
               f"C: at 11:00 the release is in {rel}")
    report(anywhere(out, SECRET) == [], "C: still no internal meeting")

    # E: after every span.
    r = build(root, out, "2017-07-01 12:00", "--only", "web")
    tl = read(out, "timeline/index.html")
    report(r.returncode == 0 and re.search(
        r'<tr id="uge-2017-18-23" class="[^"]*past', tl) is not None,
        "E: weeks 18-23 are past on the timeline")
    report("Økonomiforhandlingene" in read(out, "events/forhandlinger/"
                                          "index.html"),
           "E: a past item keeps its page")

    # --internal: the steering group's own build.
    iout = os.path.join(work, "internal")
    shutil.rmtree(iout, ignore_errors=True)
    r = build(root, iout, "2017-03-05 12:00", "--internal", *WEB)
    tl = read(iout, "timeline/index.html")
    report(r.returncode == 0 and SECRET in tl and
           "Styringsgruppen tar stilling." in tl,
           "--internal: the meeting and its plan are on the timeline")
    if PRINT:
        text = subprocess.run(["pdftotext", os.path.join(
            iout, "print/timeline-a3.pdf"), "-"], capture_output=True,
            text=True).stdout
        report(SECRET in " ".join(text.split()),
               "--internal: and on the printed timeline")

    if PRINT:
        # A busy week runs over pages: the week goes on at the top of the
        # next, and no word leaves the page's margins (pdftotext -bbox).
        broot = os.path.join(work, "busy")
        shutil.rmtree(broot, ignore_errors=True)
        shutil.copytree(root, broot)
        for k in range(40):
            write(os.path.join(broot, "content/events", f"travel-{k}.md"),
                  f"title: Stand nummer {k} på torget\ndate: 2017-03-22\n"
                  "campaign: Vi deler ut løpesedler og samler underskrifter "
                  "mot kuttene i kommunen.\n")
        bout = os.path.join(work, "busyout")
        shutil.rmtree(bout, ignore_errors=True)
        r = build(broot, bout, "2017-03-05 12:00")
        for size, (pw, ph) in (("a3", (1190.55, 841.89)), ("a4", (841.89,
                                                                  595.276))):
            pdf = os.path.join(bout, "print", "timeline-" + size + ".pdf")
            bbox = subprocess.run(["pdftotext", "-bbox", pdf, "-"],
                                  capture_output=True, text=True).stdout
            words = [tuple(float(v) for v in m) for m in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                r'yMax="([\d.]+)"', bbox)]
            pages = bbox.count("<page ")
            m = 15 * 72 / 25.4 - 1
            out_of = [w for w in words if w[0] < m or w[1] < m or
                      w[2] > pw - m or w[3] > ph - m]
            text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                                  text=True).stdout
            per = [subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), pdf,
                                   "-"], capture_output=True, text=True).stdout
                   for p in range(1, pages + 1)]
            report(r.returncode == 0 and pages > 1 and words and not out_of
                   and all("Uke 12" in t for t in per if "Stand nummer"
                           in t) and
                   all("(fortsatt)" in t for t in per[1:] if "Stand nummer"
                       in t) and
                   all(f"Stand nummer {k} " in text for k in range(40)) and
                   text.index("Stand nummer 2 ") < text.index("Stand nummer 10 ")
                   and all(f"{p}/{pages}" in per[p - 1]
                           for p in range(1, pages + 1)),
                   f"busy: timeline-{size}.pdf runs over {pages} pages (n/N on "
                   f"each), all 40 stands in order, week 12 on each, "
                   f"{len(out_of)} words outside the margins")

    # Bad values: errors at their line.
    bad = [
        ("end: 2017-02-30", "bad end '2017-02-30'"),
        ("end: 2017-03-01", "ends (2017-03-01) before it begins"),
        ("week: 54", "has no week 54"),
        ("weeks: 23-18", "end before they begin"),
        ("district: Vest", "unknown district 'Vest': site.yml lists Nord, "
         "Sør"),
        ("areas: [eldre, ingen]", "unknown area 'ingen'"),
        ("publish: i morgen", "bad publish time 'i morgen'"),
        ("orgs: [klubben, styret]", "organisation 'styret' is internal "
         "(internal: true in content/orgs/styret.md)"),
    ]
    for line, msg in bad:
        broot = os.path.join(work, "bad")
        shutil.rmtree(broot, ignore_errors=True)
        shutil.copytree(root, broot)
        front = "title: Feil\ndate: 2017-03-10\n" + line + "\n"
        if line.startswith("week"):
            front = "title: Feil\nyear: 2017\n" + line + "\n"
        write(os.path.join(broot, "content/events/feil.md"), front)
        write(os.path.join(broot, "content/orgs/styret.md"),
              "name: Styret\ninternal: true\n")
        r = build(broot, os.path.join(work, "badout"), "2017-03-05 12:00",
                  "--only", "web")
        n = front.split("\n").index(line) + 2
        report(r.returncode == 1 and
               f"content/events/feil.md:{n}:" in r.stderr and
               msg in r.stderr, f"bad: {line} is an error at line {n} "
               f"({r.stderr.strip()[:200]})")
    done()


main()
