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
# One layout the compiler refuses (data-omit): the tree makes it.
sed 's|<h1 data-text="page.title">Titel</h1>|<h1 data-omit="" data-text="page.title">Titel</h1>|' \
    layouts/web/press.html > "$W/edge/layouts/web/press.html"
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
