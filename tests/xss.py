#!/usr/bin/env python3
"""Script through every content field, into every page and feed.

Copies tests/fixture, puts a payload with a unique marker into every
text value of every front matter and of site.yml, and into every body,
builds the site, then checks every HTML page, the Atom feed, the
calendars and the sitemap: each marker arrives (so the field was really
rendered somewhere), and nowhere as markup: no script element, no event
handler attribute, no javascript: URL, and the XML files still parse.
Prints PASS/FAIL lines.
"""
import glob
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import yaml

RALLY = os.environ.get("RALLY", "./generator/rally")
W = "tests/work/xss"
# Keys whose values must stay what they are: references, dates, colours,
# paths, URLs (unsafe URLs are errors: tests/bad.sh), switches.
KEEP = {"date", "end", "time", "area", "areas", "org", "slug", "color",
        "logo", "icon", "url", "base_url", "language", "lang", "layout",
        "draft", "order", "feed_entries", "markdown", "raw_html", "nav"}
markers = []


# The content limits (README, generator/rally.h): a field gets the
# longest payload that fits it (titles: the shortest, an area's, 40).
LIMITS = {"title": 40, "headline": 90, "text": 280, "name": 80,
          "place": 120, "address": 120, "kind": 40, "hashtag": 30,
          "slogans": 40, "tagline": 140, "contact": 80, "email": 80,
          "phone": 80}


def payload(limit=None):
    n = len(markers) + 1
    m = "xss%03d" % n
    markers.append(m)
    for p in ('%s<script>alert("%s")</script>"\'><img src=x onerror=alert(%d)>'
              '<a href="javascript:alert(%d)">j</a>&amp;' % (m, m, n, n),
              '%s<script>a()</script>"\'><img src=x onerror=a()>' % m,
              '%s"\'><b onclick=a()>&amp;' % m):
        if limit is None or len(p) <= limit:
            return p
    raise SystemExit("xss: no payload fits %d characters" % limit)


def poison(v, key=None):
    if isinstance(v, dict):
        return {k: (v[k] if k in KEEP else poison(v[k], k)) for k in v}
    if isinstance(v, list):
        return [poison(x, key) for x in v]
    if isinstance(v, str):
        limit = LIMITS.get(key)
        p = payload(limit)
        return p + " " + v if limit is None or \
            len(p) + 1 + len(v) <= limit else p
    return v


def poison_file(path):
    text = open(path, encoding="utf-8").read()
    if path.endswith(".yml"):
        data = poison(yaml.safe_load(text))
        open(path, "w", encoding="utf-8").write(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
        return
    _, fm, body = text.split("---\n", 2)
    data = poison(yaml.safe_load(fm))
    body = body + "\n\n" + payload() + "\n"
    open(path, "w", encoding="utf-8").write(
        "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                 default_style=None) + "---\n" + body)


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed"):
            self.bad.append("<%s>" % tag)
        for k, v in attrs:
            self.text.append(v or "")
            if k.startswith("on"):
                self.bad.append("%s= on <%s>" % (k, tag))
            if v and "".join(v.split()).lower().startswith(
                    ("javascript:", "vbscript:", "data:")):
                self.bad.append("%s=%s on <%s>" % (k, v[:30], tag))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.text.append(data)


def main(raw):
    npass = nfail = 0
    markers.clear()
    how = " (raw HTML on)" if raw else ""

    def check(ok, what):
        nonlocal npass, nfail
        print(("PASS " if ok else "FAIL ") + what + how)
        if ok:
            npass += 1
        else:
            nfail += 1

    shutil.rmtree(W, ignore_errors=True)
    shutil.copytree("tests/fixture", W)
    files = sorted(glob.glob(W + "/content/**/*.md", recursive=True))
    files.append(W + "/content/site.yml")
    for f in files:
        poison_file(f)
    if raw:     # the site lets raw HTML through: it is still cleaned
        with open(W + "/content/site.yml", "a", encoding="utf-8") as f:
            f.write("markdown: {raw_html: true}\n")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1489104000")
    r = subprocess.run([RALLY, "build", "-q", "--drafts", "--only", "web",
                        "--root", W, "--out", W + "/out"],
                       env=env, capture_output=True, text=True)
    check(r.returncode == 0, "xss: the poisoned fixture builds (%s)"
          % r.stderr.strip()[:300])
    if r.returncode != 0:
        return nfail
    seen = set()
    pages = sorted(glob.glob(W + "/out/**/*.html", recursive=True))
    bad = []
    for p in pages:
        html = open(p, encoding="utf-8").read()
        parser = Page()
        parser.feed(html)
        bad += ["%s: %s" % (p, b) for b in parser.bad]
        text = "".join(parser.text)
        seen.update(m for m in markers if m in text)
    check(not bad, "xss: no script, handler or javascript: URL in %d pages%s"
          % (len(pages), (": " + "; ".join(bad[:5])) if bad else ""))
    for x in ("feed.atom", "sitemap.xml"):
        path = W + "/out/" + x
        try:
            root = ET.parse(path).getroot()
            tags = [e.tag.split("}")[-1] for e in root.iter()]
            ok = "script" not in tags and not any(
                k.startswith("on") for e in root.iter() for k in e.attrib)
            text = "".join(root.itertext())
            seen.update(m for m in markers if m in text)
            check(ok, "xss: %s parses, with no script element or handler"
                  % x)
        except ET.ParseError as e:
            check(False, "xss: %s parses: %s" % (x, e))
    for ics in glob.glob(W + "/out/**/*.ics", recursive=True):
        text = open(ics, encoding="utf-8").read()
        seen.update(m for m in markers if m in text)
    missing = [m for m in markers if m not in seen]
    check(not missing, "xss: every one of %d poisoned fields reaches the "
          "output as text%s" % (len(markers), (": missing " + " ".join(
              missing)) if missing else ""))
    return nfail


if __name__ == "__main__":
    failed = main(False)
    failed += main(True)
    sys.exit(1 if failed else 0)
