#!/bin/sh
# Incremental builds: after each kind of change (content, web layout,
# print layout, asset, font, deleted file, renamed file; files that
# layouts of the campaign's own read), a rebuild of the previous output
# is byte-identical to a clean build; a no-op
# rebuild renders nothing; changing one area's message re-renders none
# of the other areas' material.
. tests/lib.sh
W=tests/work/incr
rm -rf "$W"
mkdir -p "$W"
print_site "$W/site"
B() { SOURCE_DATE_EPOCH=1489104000 $RALLY build -j 2 "$@" 2>&1; }
# The clean builds compared with the rebuilds: under a sanitizer, the
# plain binary's (RALLY_REF), in half the time and a check that both
# make the same bytes.
REF=${RALLY_REF:-$RALLY}
C() { SOURCE_DATE_EPOCH=1489104000 $REF build -j 2 "$@" 2>&1; }
if ! B --root "$W/site" > "$W/first"; then
	fail "incremental: the first build"
	exit 0
fi
B --root "$W/site" > "$W/noop"
check "incremental: a no-op rebuild renders nothing" \
    grep -q 'built 0 files' "$W/noop"
# The stamp's fast path: a touched file (same bytes) loads the campaign
# again but renders nothing; a deleted output is made again.
touch "$W/site/content/press/kutt.md"
B --root "$W/site" > "$W/touch"
check "incremental: a touched file renders nothing" \
    grep -q 'built 0 files' "$W/touch"
rm "$W/site/out/index.html"
B --root "$W/site" > "$W/gone"
check "incremental: a deleted output is made again" \
    sh -c "grep -q 'built 1 file,' $W/gone && test -s $W/site/out/index.html"
# ... also when the snapshot matches the stamp (a build two seconds
# after the last change): the no-op build looks for every file.
sleep 2.1
B --root "$W/site" > /dev/null
B --root "$W/site" > "$W/noop2"
rm "$W/site/out/press/index.html"
B --root "$W/site" > "$W/gone2"
check "incremental: ... and after a no-op build" \
    sh -c "grep -q 'built 0 files' $W/noop2 && grep -q 'built 1 file,' $W/gone2 &&
     test -s $W/site/out/press/index.html"
# --only: done at once when a full build made the same; a page whose
# source is gone goes, the print half stays; then a no-op of its own.
# (A snapshot with a file changed in its last two seconds matches no
# other: the full build whose snapshot counts comes after a pause.)
sleep 2.1
B --root "$W/site" > /dev/null
B --root "$W/site" --only web > "$W/onlyweb"
check "incremental: --only web after a full build renders nothing" \
    grep -q 'built 0 files' "$W/onlyweb"
mv "$W/site/content/press/markering.md" "$W/markering.md"
B --root "$W/site" --only web > "$W/onlyweb2"
check "incremental: --only web removes a page whose source is gone" sh -c \
    "grep -q 'built [1-9]' $W/onlyweb2 &&
     test ! -e $W/site/out/press/markering/index.html &&
     test -f $W/site/out/print/eldre/poster-1-a4.pdf"
B --root "$W/site" --only web > "$W/onlyweb3"
check "incremental: ... and its no-op renders nothing" \
    grep -q 'built 0 files' "$W/onlyweb3"
mv "$W/markering.md" "$W/site/content/press/markering.md"
B --root "$W/site" > "$W/back"
# A release added, built --only web, then deleted: the inputs are
# those of the last full build's stamp again, but out/ is not that
# build's (the stamp goes when an --only build changes out/).
sleep 2.1
B --root "$W/site" > /dev/null
cp "$W/site/content/press/kutt.md" "$W/site/content/press/trukket.md"
B --root "$W/site" --only web > /dev/null
rm "$W/site/content/press/trukket.md"
B --root "$W/site" > "$W/withdrawn"
check "incremental: a release built --only web and deleted is gone after a full build" \
    sh -c "test -f $W/site/out/press/kutt/index.html &&
     test ! -e $W/site/out/press/trukket/index.html"

# inode and mtime of every file of the other area, before and after.
stamp() { (cd "$W/site/out" && find print/barnehage social/barnehage \
    -type f -exec stat -c '%i %Y %n' {} + | sort); }
stamp > "$W/other.before"
sed -i 's/Flere eldre trenger flere hender./Flere eldre trenger mange flere hender./' \
    "$W/site/content/areas/eldre.md"
# (A build that fails also leaves the other areas alone: it must pass.)
if B --root "$W/site" > "$W/msg"; then rc=0; else rc=1; fi
stamp > "$W/other.after"
check "incremental: a message change leaves other areas' material alone" \
    sh -c "test $rc -eq 0 && cmp -s $W/other.before $W/other.after"
check "incremental: ... and re-renders this area's material" \
    grep -Eq 'built [1-9][0-9]* files?,' "$W/msg"

n=0
change() {
	what=$1
	shift
	n=$((n + 1))
	(cd "$W/site" && sh -c "$*") || { fail "incremental: $what: change"; return; }
	B --root "$W/site" > "$W/inc$n.log" || { fail "incremental: $what: rebuild"; return; }
	# The clean build: a copy, without the last build's out/ or
	# its parsed files (.rally-cache).
	rm -rf "$W/clean" "$W/csite"
	cp -r "$W/site" "$W/csite"
	rm -rf "$W/csite/out" "$W/csite/.rally-cache"
	C --root "$W/csite" --out "$W/clean" > "$W/clean$n.log" ||
	    { fail "incremental: $what: clean build"; return; }
	# (The stamp names the copy's inodes and times.)
	if diff -r -x '.rally-stamp*' "$W/site/out" "$W/clean" > "$W/diff$n" 2>&1; then
		pass "incremental: after $what, identical to a clean build ($(sed -n 's/^rally: //p' "$W/inc$n.log"))"
	else
		fail "incremental: after $what: $(head -c 300 "$W/diff$n")"
	fi
}
change "a content change" \
    "sed -i 's/allianse sier nei./allianse sier klart nei./' content/press/kutt.md && grep -q klart content/press/kutt.md"
# A paragraph after the first: the release's page and the feed are
# made again, the lists that show its title and excerpt are not.
ino() { stat -c '%i %Y' "$W/site/out/press/index.html" "$W/site/out/index.html" "$W/site/out/sitemap.xml" "$W/site/out/events.ics"; }
ino > "$W/lists.before"
change "a paragraph after the first" \
    "printf '\nDet andre avsnittet.\n' >> content/press/kutt.md"
ino > "$W/lists.after"
check "incremental: ... the lists of press releases and the calendar are not made again" \
    cmp -s "$W/lists.before" "$W/lists.after"
# The feed names a release's area: renaming the area makes it again.
change "the title of an area the feed names" \
    "sed -i 's/^title: Eldreomsorg/title: Omsorg for eldre/' content/areas/eldre.md && grep -q 'Omsorg for eldre' content/areas/eldre.md"
check "incremental: ... the feed names the area's new title" \
    grep -q 'label="Omsorg for eldre"' "$W/site/out/feed.atom"
change "a front matter change" \
    "sed -i 's/^title: Markering ved rådhuset/title: Stor markering ved rådhuset/' content/events/markering.md"
# A page --only web made lists no print material (no downloads page, no
# Open Graph image); the full build after it makes it again, as its key
# says.  (The change runs in the campaign's folder.)
case $RALLY in /*) AR=$RALLY ;; *) AR=$(pwd)/$RALLY ;; esac
change "a title changed by an --only web build" \
    "sed -i 's/^title: Om oss\$/title: Om alliansen/' content/om-oss.md && grep -q alliansen content/om-oss.md && SOURCE_DATE_EPOCH=1489104000 $AR build -q -j 2 --only web --root ."
change "a web layout" "mkdir -p layouts/web && sed 's/<h1/<h1 class=\"t\"/' $(pwd)/layouts/web/page.html > layouts/web/page.html"
change "a print layout" "sed -i 's/max=\"0.26\"/max=\"0.25\"/' layouts/print/poster.xml"
change "an asset" "mkdir -p assets/css && printf 'body { color: #111; }\n' > assets/css/extra.css"
change "a logo" "sed -i 's/#036/#063/' assets/logos/mark.svg"
change "a font" "cp assets/fonts/Inter-Regular.otf assets/fonts/Inter-Copy.otf"
change "a deleted file" "rm content/events/nyttaar.md"
change "a renamed file" "mv content/press/markering.md content/press/markering-10-mars.md"
change "site.yml" "sed -i 's/^tagline: .*/tagline: Nei til kutt i alle kommuner/' content/site.yml"
# Keys come from what layouts read: a page layout of the campaign's own
# lists the events, organisations and press releases in its footer (the
# built-in page.html reads none of them), and the flyer lists the
# organisations; editing one of those files makes them again.
change "a page layout reading other lists" "mkdir -p layouts/web && sed 's|</main>|<footer><p data-each=\"e in site.events\" data-text=\"e.title\">e</p><p data-each=\"o in site.orgs\" data-text=\"o.name\">o</p><p data-each=\"p in site.press\" data-text=\"p.title\">p</p></footer></main>|' $(pwd)/layouts/web/page.html > layouts/web/page.html && grep -q site.orgs layouts/web/page.html"
change "a flyer reading the organisations" "sed -i 's|<p size=\"0.85\">{area.abs_url . short}</p>|&<p each=\"o in site.orgs\">{o.name}</p>|' layouts/print/flyer.xml && grep -q site.orgs layouts/print/flyer.xml"
change "an event a custom layout lists" \
    "sed -i 's/^title: Stor markering ved rådhuset/title: Markering foran rådhuset/' content/events/markering.md && grep -q foran content/events/markering.md"
change "an organisation a custom layout and a flyer list" \
    "sed -i 's/^name: Helseklubben Bergen/name: Helseklubben Vest/' content/orgs/klubben.md && grep -q Vest content/orgs/klubben.md"
change "a press release a custom layout lists" \
    "sed -i 's/^title: \(.*\)/title: \1 i dag/' content/press/kutt.md && grep -q 'i dag' content/press/kutt.md"
# A layout that shows other pages' bodies is made again when one of
# them changes anywhere (NEED_BODIES: what it reads is not IN_LISTED).
change "a layout showing the releases' bodies" "sed -i 's|</footer></main>|<div data-each=\"p in site.press\" data-html=\"p.body\">b</div>&|' layouts/web/page.html && grep -q p.body layouts/web/page.html"
change "a body that layout shows" \
    "printf '\nEt tredje avsnitt.\n' >> content/press/kutt.md"

# The parsed files kept for the next build (.rally-cache): a rebuild
# takes the unchanged ones from it, and reads again a file whose stat
# changed, even when its size and modification time are as they were
# (its change time is not).
# (Files changed less than two seconds before a build starts are read
# again by the next one, as git's racily clean entries, for file systems
# of whole seconds: pauses make the counts exact.)
touch "$W/site/content/index.md"
sleep 2.1
B --root "$W/site" > /dev/null
check "incremental: the parsed files are kept in the campaign's folder" \
    test -s "$W/site/.rally-cache"
# "rally: N content files, M unchanged ...": M is N - want.
parsed() {
	awk -v want="$2" '/^rally: [0-9]+ content files?, [0-9]+ unchanged/ {
	    found = 1; if ($2 - $5 != want) bad = 1 }
	    END { exit !(found && !bad) }' "$1"
}
touch "$W/site/content/press/kutt.md"
sleep 2.1
B --root "$W/site" -v > "$W/cache1.log"
check "incremental: a rebuild parses only the file that changed" \
    parsed "$W/cache1.log" 1
touch "$W/site/content/index.md"
sleep 2.1
B --root "$W/site" -v > "$W/cache1b.log"
check "incremental: ... and keeps it for the next" \
    parsed "$W/cache1b.log" 1
# A snapshot taken within two seconds of a change is trusted by no
# later build (on a file system of whole seconds, a second edit could
# leave the stat as it was): the build after it looks at the files.
touch "$W/site/content/press/kutt.md"
B --root "$W/site" > /dev/null
B --root "$W/site" -v > "$W/racy.log"
check "incremental: a build right after an edit does not trust the snapshot" \
    grep -q 'content files' "$W/racy.log"
sleep 2.1
B --root "$W/site" > /dev/null
B --root "$W/site" -v > "$W/racy2.log"
check "incremental: ... and a build two seconds later does" \
    sh -c "grep -q 'built 0 files' $W/racy2.log && ! grep -q 'content files' $W/racy2.log"
# A file read within two seconds of its change is recorded (its body
# waits in the cache) but taken by no later build: the next one reads
# it again.
touch "$W/site/content/press/kutt.md"
B --root "$W/site" > /dev/null
sleep 2.1
B --root "$W/site" -v > "$W/racy3.log"
check "incremental: a file read right after its change is read again by the next build" \
    parsed "$W/racy3.log" 1
# Same size, same modification time: the change time still differs.
cp -p "$W/site/content/press/kutt.md" "$W/kutt.ref"
ino_ref=$(stat -c %i "$W/site/content/press/kutt.md")
# (In place: the same inode.)
sed 's/sier klart nei/sier KLART nei/' "$W/kutt.ref" > "$W/kutt.new"
cat "$W/kutt.new" > "$W/site/content/press/kutt.md"
touch -r "$W/kutt.ref" "$W/site/content/press/kutt.md"
same_stat() {
	! cmp -s "$1" "$2" && [ "$(stat -c '%s %y' "$1")" = "$(stat -c '%s %y' "$2")" ] &&
	    [ "$(stat -c %i "$1")" = "$ino_ref" ]
}
check "incremental: (an edit that keeps the size and modification time)" \
    same_stat "$W/site/content/press/kutt.md" "$W/kutt.ref"
change "a same-size edit with its old modification time" true
check "incremental: ... shows the new words" \
    grep -q 'sier KLART nei' "$W/site/out/press/kutt/index.html"
# A damaged cache is read as far as it is whole; another's not at all.
change "a cache with a damaged tail" \
    "printf 'garbage' >> .rally-cache && sed -i 's/sier KLART nei/sier klart nei/' content/press/kutt.md"
change "a cache of another rally" \
    "sed -i '2s/^rally /rallx /' .rally-cache && sed -i 's/Markering foran/Markering ved/' content/events/markering.md"
change "a cache cut in the middle of a record" \
    "truncate -s -1000 .rally-cache && touch content/events/markering.md"
