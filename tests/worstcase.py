#!/usr/bin/env python3
"""Writes a campaign whose every field a layout shows is at its limit.

usage: worstcase.py LANG DIR

The campaign has content/ and nothing else (no layouts, no fonts, no
logos but the Norwegian site's own), so rally's built-in layouts must
take it.  Each text is made of
real words of LANG up to exactly the limit in generator/rally.h, with a
45-letter compound (after a word whose capital's ink stands tall) in
the headlines, titles and the organisation's name: the README's limits
table, as content.
"""
import os
import random
import re
import sys

LANG = sys.argv[1]
DIR = sys.argv[2]


def limits():
    """The LIM_* numbers of generator/rally.h."""
    src = open(os.path.join(os.path.dirname(__file__), "..", "generator",
                            "rally.h"), encoding="utf-8").read()
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"#define LIM_(\w+)\s+(\d+)", src)}


LIM = limits()

WORDS = {
    "da": """velfærd kommunerne nedskæringer tryghed ældre omsorg skolen
        børnehaverne pædagoger sygeplejersker hjemmehjælpen budgettet
        borgmesteren forældrene eleverne fællesskabet kræver mødes
        demonstration rådhuspladsen økonomiaftalen medarbejderne hænder
        fremtiden arbejdsmiljøet besparelser hverdagen ordentlige vilkår
        flygtningene integrationen beskæftigelsen jobcentrene sundhed""",
    "nb": """velferd kommunene kuttene trygghet eldre omsorg skolen
        barnehagene pedagoger sykepleiere hjemmetjenesten budsjettet
        ordføreren foreldrene elevene fellesskapet krever møtes
        demonstrasjon rådhusplassen kommuneøkonomien medarbeiderne hender
        framtiden arbeidsmiljøet innsparinger hverdagen ordentlige vilkår
        flyktningene integreringen arbeidsmarkedet NAV-kontorene helse""",
    "en": """welfare councils cuts security elderly care schools
        kindergartens teachers nurses homecare budget mayor parents pupils
        community demands meeting demonstration townhall settlement staff
        hands future workplace savings everyday decent conditions refugees
        integration employment jobcentres health""",
}[LANG].split()

COMPOUND = {
    "da": "skoleforhandlingsmedarbejderuddannelsesplanen",
    "nb": "sykehusomstillingsprosjektfinansieringsplanen",
    "en": "pneumonoultramicroscopicsilicovolcanoconiosis",
}[LANG][:LIM["WORD"]]
assert len(COMPOUND) == LIM["WORD"], COMPOUND

# A name whose capital's ink stands above the face's ascent (the ring
# of Å, the accent of É): the first word of every text with the
# compound, so the first line's ink is the tallest it can be.
TALL = {"da": "Århus", "nb": "Ålesund", "en": "Édith"}[LANG]

# Names of the campaign's own, in its language: no Danish word on a
# Norwegian or English site unless rally put it there.
CAMPAIGN, CONTACT, BRANCH, PHONE = {
    "da": ("kampagne", "kontakt", "lokalafdelingen", "+45 70 30 00 0"),
    "nb": ("kampanje", "kontakt", "lokalavdelingen", "+47 22 30 00 0"),
    "en": ("campaign", "contact", "localbranch", "+44 20 7946 000"),
}[LANG]

rnd = random.Random(LANG)


def text(n, compound=False, cap=True, end=""):
    """Real words, exactly n characters (end included)."""
    words = [TALL, COMPOUND] if compound else []
    while len(" ".join(words)) + len(end) < n:
        words.append(rnd.choice(WORDS))
    s = " ".join(words)
    s = s[:n - len(end)].rstrip(" ")
    while len(s) + len(end) < n:
        s += rnd.choice("aeimnorst")
    if cap:
        s = s[0].upper() + s[1:]
    return s + end


def q(s):
    """A YAML double-quoted scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write(rel, body):
    path = os.path.join(DIR, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(body)


host = "https://" + ((CAMPAIGN + "-") * 20)[:40] + ".example.org/"
base = host + ("velferd/" * 20)[:LIM["URL"] - len(host)]
base = base[:LIM["URL"]]
tag = "#" + "".join(w.capitalize() for w in
                    (["Velferd"] + [w for w in WORDS if w.isalpha()]))
tag = tag[:LIM["HASHTAG"]]
# Norwegian: the site has a logo, so organisations without one set
# their name beside it, in a narrower frame than where neither has one.
LOGO = ""
if LANG == "nb":
    LOGO = "logo: assets/logos/campaign.svg\n"
    write("assets/logos/campaign.svg", '<svg xmlns="http://www.w3.org/2000/svg"'
          ' viewBox="0 0 120 80"><rect width="120" height="80" rx="12"'
          ' fill="#c8102e"/></svg>\n')
write("content/site.yml", f"""\
title: {q(text(LIM["SITE_TITLE"], compound=True))}
tagline: {q(text(LIM["TAGLINE"], end="."))}
base_url: {q(base)}
language: {LANG}
hashtag: {q(tag)}
slogans: [{q(text(LIM["SLOGAN"]))}, {q(text(LIM["SLOGAN"]))}]
{LOGO}contact:
  email: {q(((CONTACT + ".") * 20)[:LIM["CONTACT"] - 40].rstrip(".") + "@" + CAMPAIGN + "-for-velferd.example.org")}
  phone: {q(", ".join(PHONE + str(i) for i in range(3)))}
  address: {q(text(LIM["CONTACT"]))}
social:
  Facebook: https://facebook.example.org/{CAMPAIGN}
  Mastodon: https://social.example.org/@{CAMPAIGN}
""")
write("content/index.md", "---\ntitle: " + q(text(LIM["TITLE"])) +
      "\n---\n" + text(600, compound=True, end=".") + "\n")
write("content/about.md", "---\ntitle: " + q(text(LIM["TITLE"], True)) +
      "\ntags: [" + q(COMPOUND) + "]\n---\n" +
      text(900, compound=True, end=".") + "\n")
for a, colour in (("first", "#1f4e8c"), ("second", "#7a1f3d")):
    msgs = "".join(
        f"  - headline: {q(text(LIM['HEADLINE'], compound=(i % 2 == 0)))}\n"
        f"    text: {q(text(LIM['MESSAGE'], compound=(i == 1), end='.'))}\n"
        for i in range(LIM["MESSAGES"]))
    write(f"content/areas/{a}.md", f"""\
---
title: {q(text(LIM["AREA_TITLE"]))}
headline: {q(text(LIM["HEADLINE"], compound=True))}
color: "{colour}"
messages:
{msgs}---
{text(500, compound=True, end=".")}
""")
org = "branch-with-a-long-name"
EMAIL = CONTACT + "." + CONTACT + "@" + BRANCH + "-for-velferd.example.org"
write(f"content/orgs/{org}.md", f"""\
---
name: {q(text(LIM["ORG_NAME"], compound=True))}
areas: [first, second]
url: {q(base)}
contact: {q(text(LIM["ORG_CONTACT"] - len(EMAIL) - 1) + " " + EMAIL)}
---
{text(300, end=".")}
""")
write("content/orgs/small.md", "---\nname: X\nareas: [first]\n---\nX.\n")
for i, date in enumerate(("2030-03-10", "2030-03-17", "2030-04-02",
                          "2030-05-01", "2016-01-05")):
    write(f"content/events/event-{i}.md", f"""\
---
title: {q(text(LIM["EVENT_TITLE"], compound=(i == 0)))}
date: {date}
time: "19:00"
end: "21:30"
place: {q(text(LIM["PLACE"]))}
address: {q(text(LIM["PLACE"]))}
area: {"first" if i % 2 == 0 else "second"}
org: {org}
kind: {q(text(LIM["KIND"]))}
---
{text(300, end=".")}
""")
write("content/press/release.md", f"""\
---
title: {q(text(LIM["TITLE"], compound=True))}
date: 2017-03-01
area: first
summary: {q(text(300, end="."))}
---
{text(800, compound=True, end=".")}
""")
