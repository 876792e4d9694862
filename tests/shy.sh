#!/bin/sh
# Soft hyphens an author typed (U+00AD, to help a long compound break
# in a heading) stay in the page's text, where a browser breaks there,
# and nowhere a line never breaks: the <title>, attributes (og:title,
# alt), the calendar, the feed and the PDFs' metadata.
. tests/lib.sh
W=tests/work/shy
rm -rf "$W"
mkdir -p "$W"
cp -r tests/fixture "$W/site"
C=$W/site/content
SHY=$(printf '\302\255')
sed -i "s/^title: Barnehage\$/title: Barne${SHY}hage/;
    s/{headline: Flere voksne per barn,/{headline: Flere voksne per barne${SHY}hage,/" \
    "$C/areas/barnehage.md"
sed -i "s/^title: Allmøte i Bergen\$/title: Allmøte om barne${SHY}hagene/;
    s/^area: eldre\$/area: barnehage/" "$C/events/allmote.md"
sed -i "s/^title: Alliansen sier nei til kutt\$/title: Nei til barne${SHY}hagekutt/;
    s/^area: eldre\$/area: barnehage/" "$C/press/kutt.md"
ONLY=
[ -n "$LIGHT" ] && ONLY="--only web"
# The edits took: each file has its soft hyphen.
check "shy: the campaign has soft hyphens in three files" test \
    "$(grep -l "$SHY" "$C/areas/barnehage.md" "$C/events/allmote.md" \
    "$C/press/kutt.md" | wc -l)" = 3
check "shy: the campaign builds" env SOURCE_DATE_EPOCH=1489104000 \
    $RALLY build -q $ONLY --root "$W/site" --out "$W/out"
O=$W/out
has() { grep -q "$1" "$2"; }
check "shy: the event's heading keeps the author's soft hyphen" \
    has "<h1>Allmøte om barne${SHY}hagene" "$O/events/allmote/index.html"
check "shy: no soft hyphen in a <title>" sh -c \
    "! grep -h '<title>' $(find "$O" -name index.html | tr '\n' ' ') |
     grep -q '$SHY'"
check "shy: ... the <title> has the words" \
    has "<title>Barnehage · " "$O/areas/barnehage/index.html"
check "shy: no soft hyphen in an attribute" sh -c \
    "! grep -ho '=\"[^\"]*\"' $(find "$O" -name '*.html' | tr '\n' ' ') |
     grep -q '$SHY'"
check "shy: ... og:title has the words" has \
    'og:title" content="Allmøte om barnehagene"' \
    "$O/events/allmote/index.html"
check "shy: none in the calendars" sh -c \
    "! grep -q '$SHY' $O/events.ics $O/events/allmote.ics"
check "shy: ... SUMMARY has the words" \
    has "SUMMARY:Allmøte om barnehagene" "$O/events/allmote.ics"
check "shy: none in the feed" sh -c "! grep -q '$SHY' $O/feed.atom"
check "shy: ... its entry and category have the words" sh -c \
    "grep -q '<title>Nei til barnehagekutt</title>' $O/feed.atom &&
     grep -q 'label=\"Barnehage\"' $O/feed.atom"
[ -n "$LIGHT" ] && exit 0
n=0
for f in "$O"/print/barnehage/*.pdf; do
	pdfinfo "$f" > "$W/info" 2>/dev/null || n=$((n + 1))
	grep -q "$SHY" "$W/info" && n=$((n + 1))
done
check "shy: no soft hyphen in a sheet's title, subject or author" \
    test "$n" = 0
check "shy: ... the title has the words" sh -c \
    "pdfinfo $O/print/barnehage/poster-1-a3.pdf |
     grep -q 'Title:.*Flere voksne per barnehage (A3)'"
