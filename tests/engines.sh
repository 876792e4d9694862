#!/bin/sh
# The compiled engine against the tree: the sample, the Norwegian
# fixture, and a layout of every construct (tests/engines/page.html;
# event-extra.html: elements written once a build, on three events),
# each built with RALLY_TEMPLATES=tree (tmpl.c only) and as usual, must
# give the same bytes in every file; and the usual build must have made
# the pages compiled, not by falling back to the tree.
. tests/lib.sh
W=tests/work/engines
rm -rf "$W"
mkdir -p "$W"
cp -r tests/fixture "$W/edge"
mkdir -p "$W/edge/layouts/web"
cp tests/engines/page.html "$W/edge/layouts/web/page.html"
# Elements that read the site alone, after the event's body.
sed '/data-html="page.body"/r tests/engines/event-extra.html' \
    layouts/web/event.html > "$W/edge/layouts/web/event.html"
# A value every escape of a URL attribute meets: leading blanks and
# controls, CR, entities, quotes, DEL, a non-ASCII letter.
sed '/^title: Om oss$/a weird: "\\t \\x01\\r /a b?c=<d>\&e\\"f'"'"'g\\x7f\\u00e6\\x02 "' \
    tests/fixture/content/om-oss.md > "$W/edge/content/om-oss.md"
# An author's soft hyphen in a title: in the pages' text, not in an
# attribute or a <title> (tests/shy.sh), alike in both engines.
sed -i "s/^title: Allmøte i Bergen\$/title: Allmøte om barne$(printf '\302\255')hagene/" \
    "$W/edge/content/events/allmote.md"
# A page of every Markdown construct, for both engines and both ways
# of writing Markdown (below).
cp tests/engines/markdown.md "$W/edge/content/markdown.md"
# A body larger than cmark's block per thread (md.c, 256 KB): what
# does not fit there goes to malloc, and the bytes stay the same.
{
	printf -- '---\ntitle: Big\n---\n'
	yes '*Ord* og [lenke](/om-oss/) i et avsnitt' | head -6000 | tr '\n' ' '
	printf '\n\n'
	yes '* punkt med `kode`' | head -3000
	printf '\n```\n'
	yes 'kode linje' | head -8000
	printf '```\n'
} > "$W/edge/content/big.md"
# One layout the compiler refuses (data-omit): the tree makes it.
sed 's#<h1 data-text="page.title | hyphenate">Titel</h1>#<h1 data-omit="" data-text="page.title | hyphenate">Titel</h1>#' \
    layouts/web/press.html > "$W/edge/layouts/web/press.html"
# Headings hyphenated in the page's language (| hyphenate), the site's
# and another.
printf -- '---\ntitle: "Barnehagebemanningsnormen og sykehjemsplassene"\n---\nTekst.\n' \
    > "$W/edge/content/lang-nb.md"
printf -- '---\ntitle: "Äldreomsorgsförvaltningen, https://example.org/äldreomsorgsförvaltningen"\nlang: sv\n---\nText.\n' \
    > "$W/edge/content/lang-sv.md"
printf -- '---\ntitle: "Internationalization committee"\ndate: 2017-02-02\nlang: en\nsummary: Words.\n---\nText.\n' \
    > "$W/edge/content/press/lang-en.md"
# Under valgrind (LIGHT) the sample's 100-odd pages are left to the
# smaller two.
CAMPAIGNS="sample:. fixture:tests/fixture edge:$W/edge"
[ -n "$LIGHT" ] && CAMPAIGNS="fixture:tests/fixture edge:$W/edge"
for c in $CAMPAIGNS; do
	name=${c%%:*}
	root=${c#*:}
	two_ways "engines: $name: every file the same, tree and compiled" \
	    "$root" web "$W/$name-tree" RALLY_TEMPLATES=tree \
	    "$W/$name-fast" RALLY_TEMPLATES=tell
	fell=$(grep -c 'the tree makes a page' "$W/$name-fast.err")
	case $name in
	edge)
		# press pages only: their layout has data-omit.
		others=$(grep 'the tree makes a page' "$W/$name-fast.err" |
		    grep -vc 'layout press$')
		if [ "$fell" -gt 0 ] && [ "$others" -eq 0 ]; then
			pass "engines: edge: only the refused layout's pages use the tree ($fell)"
		else
			fail "engines: edge: $fell pages by the tree, $others of other layouts"
		fi ;;
	*)
		if [ "$fell" -eq 0 ]; then
			pass "engines: $name: every page compiled"
		else
			fail "engines: $name: $fell pages fell back to the tree"
		fi ;;
	esac
done
# | hyphenate: soft hyphens at the page's language's points (the
# Swedish page's own, the site's Norwegian elsewhere), never in an
# address.
SHY=$(printf '\302\255')
if grep -q "<p>Äldre${SHY}om${SHY}sorgs${SHY}för${SHY}valt${SHY}ningen, https://example.org/äldreomsorgsförvaltningen</p>" \
    "$W/edge-fast/lang-sv/index.html" &&
    grep -q "<p>Barnehage${SHY}be${SHY}mannings${SHY}normen og syke${SHY}hjems${SHY}plas${SHY}sene</p>" \
    "$W/edge-fast/lang-nb/index.html"; then
	pass "engines: | hyphenate in the page's language, addresses whole"
else
	fail "engines: | hyphenate in the page's language, addresses whole"
fi
# | hyphenate:PATH: in the language of what it shows: the English
# release's card on the Norwegian press index, the site's Norwegian
# name on the Swedish page.
if grep -q "Inter${SHY}na${SHY}tion${SHY}al${SHY}iza${SHY}tion committee" \
    "$W/edge-fast/press/index.html" &&
    grep -q "brand-name\">Vel${SHY}ferds${SHY}alli${SHY}an${SHY}sen Vest<" \
    "$W/edge-fast/lang-sv/index.html"; then
	pass "engines: | hyphenate:PATH in the language of the item and the site"
else
	fail "engines: | hyphenate:PATH in the language of the item and the site"
fi
# Markdown written straight from cmark's tree against through libxml2's
# nodes (RALLY_MARKDOWN=tree, md_render and md_markup): every file the
# same, and for a body that fails, the same errors.
for c in $CAMPAIGNS; do
	name=${c%%:*}
	root=${c#*:}
	two_ways "markdown: $name: every file the same, through nodes and straight" \
	    "$root" web "$W/md-$name-nodes" RALLY_MARKDOWN=tree \
	    "$W/md-$name-straight" RALLY_MARKDOWN=
done
mkdir -p "$W/mdbad"
cp -r tests/fixture/. "$W/mdbad"
printf -- '---\ntitle: Bad\n---\n[x](javascript:alert(1)) and [y](/om-oss/)\n\n%s deep\n\n[z](vbscript:x)\n' \
    "$(printf '> %.0s' $(seq 70))" > "$W/mdbad/content/bad.md"
for way in tree straight; do
	RALLY_MARKDOWN=$way $RALLY build -q --only web --root "$W/mdbad" \
	    --out "$W/mdbad-$way" 2> "$W/mdbad-$way.err"
	echo $? >> "$W/mdbad-$way.err"
done
if cmp -s "$W/mdbad-tree.err" "$W/mdbad-straight.err" &&
    grep -q 'unsafe URL' "$W/mdbad-straight.err" &&
    grep -q 'nested deeper than 64' "$W/mdbad-straight.err" &&
    [ "$(tail -1 "$W/mdbad-straight.err")" = 1 ]; then
	pass "markdown: a body that fails: the same errors both ways"
else
	fail "markdown: a body that fails: $(diff "$W/mdbad-tree.err" "$W/mdbad-straight.err" | head -c 400)"
fi
