#!/usr/bin/env python3
"""Generates N synthetic press releases (with tags and areas) twice:
as a rally campaign and as a Hugo site with the same page list (a page
per item, home, press list, area and tag term pages, feed, sitemap).
usage: gen.py N DIR"""
import os
import random
import sys

N, DIR = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(42)
AREAS = ["aeldre", "dagtilbud", "skole", "flygtninge", "sundhed", "beskaeftigelse"]
TAGS = ["tag-%02d" % i for i in range(40)]
WORDS = ("velfærd kommune budget nedskæring ældre skole børn omsorg tryghed "
         "fællesskab milliard aftale forhandling pædagog lærer sygeplejerske "
         "demonstration møde alliance fagforening borger").split()


def para():
    return " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(30, 60))).capitalize() + "."


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


R, H = os.path.join(DIR, "rally"), os.path.join(DIR, "hugo")
write(R + "/content/site.yml", "title: Bench\nbase_url: https://example.org\nlanguage: da\n")
write(R + "/content/index.md", "---\ntitle: Forside\n---\nVelkommen.\n")
for a in AREAS:
    write("%s/content/areas/%s.md" % (R, a),
          '---\ntitle: %s\ncolor: "#336699"\nheadline: %s\nmessages:\n  - {headline: A, text: B}\n---\n%s\n'
          % (a.capitalize(), a, para()))
write(H + "/config.toml", 'baseURL = "https://example.org/"\nlanguageCode = "da"\ntitle = "Bench"\n[services.rss]\n  limit = 50\n'
      '[taxonomies]\n  tag = "tags"\n  area = "areas"\n'
      '[outputs]\n  home = ["HTML", "RSS"]\n  section = ["HTML"]\n  taxonomy = ["HTML"]\n  term = ["HTML"]\n')
base = """<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<meta name="description" content="{{ .Summary | plainify }}"><link rel="canonical" href="{{ .Permalink }}"></head>
<body><header><a href="/">Bench</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>"""
write(H + "/layouts/_default/baseof.html", base)
write(H + "/layouts/_default/single.html", '{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Date.Format "2. January 2006" }}</p>'
      '{{ .Content }}<p>{{ range .Params.tags }}<a href="{{ "/tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>{{ end }}')
write(H + "/layouts/_default/list.html", '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
      '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }} {{ .Summary | plainify }}</li>{{ end }}</ul>{{ end }}')
write(H + "/layouts/index.html", '{{ define "main" }}<h1>Bench</h1><ul>{{ range first 3 (where .Site.RegularPages "Section" "press") }}'
      '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}')
write(H + "/content/_index.md", "---\ntitle: Forside\n---\n")
for i in range(N):
    d = "20%02d-%02d-%02d" % (10 + i % 15, 1 + i % 12, 1 + i % 28)
    tags = sorted(set(rnd.choice(TAGS) for _ in range(3)))
    area = rnd.choice(AREAS)
    body = "\n\n".join(para() for _ in range(4))
    fm_r = "---\ntitle: Pressemeddelelse %d\ndate: %s\narea: %s\ntags: [%s]\nsummary: %s\n---\n" % (
        i, d, area, ", ".join(tags), para()[:120])
    fm_h = "---\ntitle: Pressemeddelelse %d\ndate: %s\nareas: [%s]\ntags: [%s]\nsummary: \"%s\"\n---\n" % (
        i, d, area, ", ".join(tags), para()[:120])
    write("%s/content/press/p%05d.md" % (R, i), fm_r + body + "\n")
    write("%s/content/press/p%05d.md" % (H, i), fm_h + body + "\n")
