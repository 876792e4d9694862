#!/usr/bin/env python3
"""Checks a built site: every page passes tidy without errors, every
internal link resolves, the feeds parse and carry every item.

usage: check_site.py OUT_DIR ROOT_DIR
Prints PASS/FAIL lines; exit status 1 if anything failed."""

import html.parser
import os
import re
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET

import checks
from checks import report

OUT, ROOT = sys.argv[1], sys.argv[2]


def front_matter(path):
    text = open(path, encoding="utf-8").read()
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    return m.group(1) if m else ""


def content_items(sub):
    d = os.path.join(ROOT, "content", sub)
    if not os.path.isdir(d):
        return []
    items = []
    for name in sorted(os.listdir(d)):
        if name.endswith(".md") and not name.startswith("."):
            fm = front_matter(os.path.join(d, name))
            # Drafts and internal items stay out of a public build.
            if not re.search(r"^(draft|internal):\s*true", fm, re.M):
                items.append(name[:-3])
    return items


def base_path():
    site = open(os.path.join(ROOT, "content", "site.yml"), encoding="utf-8").read()
    m = re.search(r"^base_url:\s*(\S+)", site, re.M)
    return urllib.parse.urlparse(m.group(1).strip("\"'")).path.rstrip("/")


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for k in ("href", "src"):
            if k in a and a[k] is not None:
                self.links.append(a[k])


BASE = base_path()
pages = []
for dirpath, _, files in os.walk(OUT):
    for f in files:
        if f.endswith(".html"):
            pages.append(os.path.join(dirpath, f))
pages.sort()
report(len(pages) > 0, "site has pages (%d)" % len(pages))

# 1. tidy: no errors (exit status 2 means errors).
bad = []
for p in pages:
    r = subprocess.run(["tidy", "-q", "-e", p], capture_output=True, text=True)
    if r.returncode >= 2:
        bad.append(p + ": " + r.stderr.strip().splitlines()[0])
report(not bad, "tidy: every page without errors" + ("; " + "; ".join(bad[:5]) if bad else ""))

# 2. links: every internal href/src resolves to a file in OUT.
broken = []
nlinks = 0
for p in pages:
    parser = Links()
    parser.feed(open(p, encoding="utf-8").read())
    for link in parser.links:
        u = urllib.parse.urlparse(link)
        if u.scheme in ("http", "https", "mailto", "tel") or link.startswith("//"):
            continue
        if u.scheme:
            broken.append("%s: scheme %s" % (p, link))
            continue
        if not u.path:
            continue  # same-page fragment
        if u.path.startswith("/"):
            if not u.path.startswith(BASE + "/"):
                broken.append("%s: %s outside the base path" % (p, link))
                continue
            target = os.path.join(OUT, urllib.parse.unquote(u.path[len(BASE) + 1:]))
        else:
            target = os.path.join(os.path.dirname(p), urllib.parse.unquote(u.path))
        if u.path.endswith("/"):
            target = os.path.join(target, "index.html")
        nlinks += 1
        if not os.path.isfile(target):
            broken.append("%s: %s" % (os.path.relpath(p, OUT), link))
report(not broken, "links: %d internal links resolve" % nlinks + ("; broken: " + "; ".join(broken[:5]) if broken else ""))

# 3. no javascript: anywhere in the output.
js = [p for p in pages if "javascript:" in open(p, encoding="utf-8").read().lower()]
report(not js, "no javascript: URL in any page")

# 4. Atom feed: parses, one entry per press release.
press = content_items("press")
try:
    feed = ET.parse(os.path.join(OUT, "feed.atom")).getroot()
    ns = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(ns + "entry")
    report(feed.tag == ns + "feed", "feed.atom is an Atom feed")
    report(len(entries) == len(press), "feed.atom: %d entries for %d press releases" % (len(entries), len(press)))
    ok = all(e.find(ns + t) is not None for e in entries for t in ("id", "title", "updated", "link"))
    report(ok and feed.find(ns + "updated") is not None and feed.find(ns + "id") is not None,
           "feed.atom: feed and entries carry id, title, updated, link")
except ET.ParseError as e:
    report(False, "feed.atom parses: %s" % e)

# 5. iCalendar: CRLF, folded lines, one VEVENT per event, required props.
events = content_items("events")


def check_ics(path, n):
    data = open(path, "rb").read()
    lines = data.split(b"\r\n")
    okcrlf = b"\n" not in data.replace(b"\r\n", b"") and data.endswith(b"\r\n")
    report(okcrlf, "%s: CRLF line ends" % os.path.relpath(path, OUT))
    report(all(len(l) <= 75 for l in lines), "%s: lines fold at 75 octets" % os.path.relpath(path, OUT))
    text = data.decode("utf-8").replace("\r\n ", "")
    vevents = text.count("BEGIN:VEVENT")
    report(vevents == n, "%s: %d events for %d" % (os.path.relpath(path, OUT), vevents, n))
    blocks = text.split("BEGIN:VEVENT")[1:]
    report(all("UID:" in b and "DTSTAMP:" in b and "DTSTART" in b for b in blocks),
           "%s: every event has UID, DTSTAMP, DTSTART" % os.path.relpath(path, OUT))
    report(text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and "X-WR-TIMEZONE:" in text,
           "%s: VCALENDAR with VERSION and the site's time zone" % os.path.relpath(path, OUT))
    # Times in UTC (a trailing Z) or whole days: no TZID to resolve.
    starts = re.findall(r"DTSTART[^:]*:(\S+)", text)
    report(starts and all(re.fullmatch(r"\d{8}T\d{6}Z", t) or
                          re.fullmatch(r"\d{8}", t) for t in starts),
           "%s: DTSTART in UTC or a whole day" % os.path.relpath(path, OUT))


check_ics(os.path.join(OUT, "events.ics"), len(events))
for ev in events:
    p = os.path.join(OUT, "events", ev + ".ics")
    if not os.path.isfile(p):
        report(False, "events/%s.ics exists" % ev)
missing = [ev for ev in events if not os.path.isfile(os.path.join(OUT, "events", ev + ".ics"))]
report(not missing, "one .ics per event (%d)" % len(events))
if events:
    check_ics(os.path.join(OUT, "events", events[0] + ".ics"), 1)

# 6. sitemap: parses, lists every page but the 404.
try:
    sm = ET.parse(os.path.join(OUT, "sitemap.xml")).getroot()
    locs = [l.text for l in sm.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    report(len(locs) == len(pages) - 1, "sitemap.xml: %d URLs for %d pages" % (len(locs), len(pages) - 1))
except ET.ParseError as e:
    report(False, "sitemap.xml parses: %s" % e)
report(os.path.isfile(os.path.join(OUT, "robots.txt")) and os.path.isfile(os.path.join(OUT, "404.html")),
       "robots.txt and 404.html exist")

# 7. every page: lang, title, description, canonical (not 404), og tags, skip link.
missing = []
for p in pages:
    t = open(p, encoding="utf-8").read()
    need = [r'<html lang="[a-z]', r"<title>[^<]+</title>", r'<meta name="description" content="[^"]+"',
            r'<meta property="og:title"', r'<meta property="og:url"', r'class="skip"', r"<h1"]
    if not p.endswith("404.html"):
        need.append(r'<link rel="canonical" href="https?://')
    for n in need:
        if not re.search(n, t):
            missing.append("%s lacks %s" % (os.path.relpath(p, OUT), n))
report(not missing, "every page has lang, title, description, canonical, og, skip link, h1" +
       ("; " + "; ".join(missing[:5]) if missing else ""))

# 8. every img has alt.
noalt = []
for p in pages:
    for m in re.finditer(r"<img\b[^>]*>", open(p, encoding="utf-8").read()):
        if " alt=" not in m.group(0):
            noalt.append(os.path.relpath(p, OUT))
report(not noalt, "every image has alt text")

# 9. a page for every content file.
want = ["index.html"]
for name in content_items(""):
    if name != "index":
        want.append(name + "/index.html")
for sub in ("areas", "events", "press", "orgs"):
    want.append(sub + "/index.html")
    want += ["%s/%s/index.html" % (sub, s) for s in content_items(sub)]
gone = [w for w in want if not os.path.isfile(os.path.join(OUT, w))]
report(not gone, "a page for every content file (%d)" % len(want) + ("; missing " + ", ".join(gone[:5]) if gone else ""))

checks.done()
