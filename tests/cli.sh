#!/bin/sh
# The command line, the man page, install, drafts, reproducible output
# and stale files.
. tests/lib.sh
W=tests/work/cli
rm -rf "$W"
mkdir -p "$W"
status() { "$@" >/dev/null 2>&1; echo $?; }

check "cli: --help exits 0" sh -c "$RALLY --help | grep -q 'rally build'"
check "cli: --version prints the version" sh -c "$RALLY --version | grep -Eq '^rally [0-9]+\.[0-9]+\.[0-9]+$'"
for args in "" "frobnicate" "build --bogus" "build -j 0" "build -j x" \
    "build extra" "build --root /nonexistent/dir" "build --out"; do
	# shellcheck disable=SC2086
	check "cli: 'rally $args' is a usage error (2)" \
	    test "$(status $RALLY $args)" = 2
done
check "cli: a bad SOURCE_DATE_EPOCH is a usage error (2)" \
    test "$(SOURCE_DATE_EPOCH=yesterday status $RALLY build --root tests/fixture --out $W/x)" = 2
check "cli: usage errors go to stderr" \
    sh -c "$RALLY build --bogus 2>&1 >/dev/null | grep -q usage"
if command -v mandoc >/dev/null 2>&1; then
	check "cli: man page is mandoc -Tlint clean" \
	    sh -c "mandoc -Tlint -Wwarning generator/rally.1; test \$? -eq 0"
else
	fail "cli: mandoc is installed"
fi
check "cli: make install honours DESTDIR and PREFIX" sh -c \
    "make -s install DESTDIR=$W/dest PREFIX=/opt/r >/dev/null &&
     test -x $W/dest/opt/r/bin/rally &&
     test -f $W/dest/opt/r/share/man/man1/rally.1"
# The installed rally, away from this repository, on a campaign that
# brings only content/: the whole print set, in its own language.
I=$(mktemp -d)
cp "$W/dest/opt/r/bin/rally" "$I/rally"
mkdir "$I/camp"
cp -r tests/fixture/content "$I/camp/"
rm -f "$I/camp/content/site.yml.bak"
# ... and no logo, no slogans, no hashtag, no tagline.
sed -i '/^logo:/d; /^slogans:/d; /^hashtag:/d; /^tagline:/d' \
    "$I/camp/content/site.yml"
printf -- '---\nname: Foreldre og Pårørende for Velferd – Bergen\nareas: [eldre]\n---\n' \
    > "$I/camp/content/orgs/fpv.md"
if (cd "$I" && SOURCE_DATE_EPOCH=1489104000 ./rally build -q --root camp); then
	pass "cli: the installed rally builds a campaign of content/ only"
else
	fail "cli: the installed rally builds a campaign of content/ only"
fi
check "cli: ... with the whole print set (38 PDFs and the timeline's 2)" \
    test "$(find "$I/camp/out/print" -name '*.pdf' ! -name '*up.pdf' \
    ! -name '*-tiles.pdf' | wc -l)" -eq 40
check "cli: ... in Norwegian" sh -c \
    "pdftotext $I/camp/out/print/eldre/flyer-1-a5.pdf - | grep -q 'Bli med'"
# No logo: its slot collapses, the name starts at the margin (6 % of
# the A4's 595 pt, after 3 mm of bleed), not beside an empty slot.
check "cli: ... a missing logo collapses its slot" sh -c \
    "pdftotext -bbox -f 1 -l 1 $I/camp/out/print/eldre/poster-1-a4.pdf - |
     grep -m1 '<word' | sed 's/.*xMin=\"\\([0-9]*\\).*/\\1/' |
     awk '{ exit !(\$1 > 35 && \$1 < 55) }'"
# No slogan, no hashtag: the flyer's yellow band goes (no pixel of
# #ffd23f), the placard's back carries the campaign's name, whole, and
# the banner no lone separator.
check "cli: ... no slogan band without slogans" sh -c \
    "pdftoppm -r 20 -f 1 -l 1 -png $I/camp/out/print/eldre/flyer-1-a5.pdf \
     $I/band && python3 -c '
import sys; sys.path.insert(0, \"tests\"); import png
w, h, rows = png.read(sys.argv[1])
n = sum(1 for r in rows for x in range(0, len(r) - 2, 3)
        if abs(r[x] - 255) < 12 and abs(r[x + 1] - 210) < 12 and
        abs(r[x + 2] - 63) < 12)
sys.exit(n != 0)' $I/band-1.png"
check "cli: ... the placard's back names the campaign, unhyphenated" sh -c \
    "pdftotext -f 2 -l 2 $I/camp/out/print/eldre/placard-1-50x70.pdf - |
     tr '\\n' ' ' | grep -q 'VELFERDSALLIANSEN VEST'"
check "cli: ... the banner has no lone separator" sh -c \
    "! pdftotext $I/camp/out/print/eldre/banner-300x100.pdf - | grep -q '·'"
# No area icon: the area's name starts at the margin too.
check "cli: ... a missing area icon collapses its slot" sh -c \
    "pdftotext -bbox -f 1 -l 1 $I/camp/out/print/eldre/poster-1-a4.pdf - |
     grep -m1 '>ELDREOMSORG<' | sed 's/.*xMin=\"\\([0-9]*\\).*/\\1/' |
     awk '{ exit !(\$1 > 35 && \$1 < 55) }'"
# No slogans, no tagline: the home page's hero carries the home
# page's title, and its <title> no dangling dash.
check "cli: ... the home hero names the campaign without slogans" \
    grep -Eq '<h1 class="slogans"><span class="slogan">[^<]+</span></h1>' \
    "$I/camp/out/index.html"
check "cli: ... and its <title> has no dash without a tagline" sh -c \
    "grep -q '<title>[^<]*[^ –]</title>' $I/camp/out/index.html &&
     ! grep -q '<p class=\"lede\"></p>' $I/camp/out/index.html"
check "cli: ... and no empty hashtag or tagline without them" sh -c \
    "! grep -q '<p class=\"hashtag\"></p>\|<p></p>' $I/camp/out/index.html \
     $I/camp/out/areas/eldre/index.html"
check "cli: ... and no site icon without a logo (a link without href)" \
    sh -c "! grep -q '<link rel=\"icon\"' $I/camp/out/index.html"
check "cli: ... initials of an organisation from its significant words" \
    grep -q 'class="org-mark"[^>]*>FPV<' "$I/camp/out/orgs/index.html"
check "cli: ... and rally flyer works there" sh -c \
    "cd $I && ./rally flyer --root camp --org klubben --area eldre -o f.pdf &&
     pdftotext f.pdf - | tr '\\n' ' ' > f.txt &&
     grep -Eq 'Helseklubben Bergen +Kontakt oss: klubben@example.org' f.txt &&
     ! grep -q inviterer f.txt"
rm -rf "$I"

# Forgiving input: a key a letter off, a folder rally does not read and
# no index.md are warnings, and the site builds, with a home page.
T="$W/typo"
rm -rf "$T"
cp -r tests/fixture "$T"
sed -i 's/^place: Folkets hus/plase: Folkets hus/' "$T/content/events/allmote.md"
printf 'langauge: nb\n' >> "$T/content/site.yml"
mkdir -p "$T/content/sider"
printf -- '---\ntitle: x\n---\n' > "$T/content/sider/a.md"
rm "$T/content/index.md"
if $RALLY build -q --only web --root "$T" 2> "$T.err"; then
	pass "cli: warnings only: the site builds"
else
	fail "cli: warnings only: the site builds: $(head -c 300 "$T.err")"
fi
check "cli: ... a misspelt key: did you mean, at its line" \
    grep -q "^content/events/allmote.md:6:1: warning: unknown key 'plase': did you mean 'place'?" "$T.err"
check "cli: ... in site.yml too" \
    grep -q "^content/site.yml:[0-9]*:1: warning: unknown key 'langauge': did you mean 'language'?" "$T.err"
check "cli: ... a folder rally does not read" \
    grep -q "^content/sider: warning: a folder rally does not read" "$T.err"
check "cli: ... no index.md: a warning, and still a home page" sh -c \
    "grep -q '^content/index.md: warning: missing: the home page' $T.err &&
     grep -q 'class=\"slogans\"' $T/out/index.html"
check "cli: ... a key of the campaign's own is no typo" sh -c \
    "! grep -q \"'kind'\\|'tags'\\|'address'\" $T.err"

# An unknown language: a warning that names the fallback, and a build.
L="$W/lang"
rm -rf "$L"
cp -r tests/fixture "$L"
sed -i 's/^language: nb/language: fi/' "$L/content/site.yml"
if $RALLY build -q --only web --root "$L" 2> "$L.err" &&
    grep -q "^content/site.yml:6:11: warning: rally has no words for language 'fi'.*English" "$L.err" &&
    grep -q '<html lang="fi"' "$L/out/index.html" &&
    grep -q 'Calendar' "$L/out/index.html"; then
	pass "cli: an unknown language warns and falls back to English"
else
	fail "cli: an unknown language warns and falls back to English: $(cat "$L.err")"
fi
# Its own words in layouts/labels/fi.yml, and labels: in site.yml.
mkdir -p "$L/layouts/labels"
printf 'events: Tapahtumat\nweek: Viikko\n' > "$L/layouts/labels/fi.yml"
printf 'labels: {week: Viikko nro}\n' >> "$L/content/site.yml"
if $RALLY build -q --only web --root "$L" 2> "$L.err" &&
    ! grep -q warning "$L.err" &&
    grep -q 'Tapahtumat' "$L/out/index.html" &&
    grep -q 'Viikko nro' "$L/out/events/index.html"; then
	pass "cli: a campaign's labels file and site.yml's labels win"
else
	fail "cli: a campaign's labels file and site.yml's labels win: $(cat "$L.err")"
fi
# social: as a map of name: url, as most people write it.
sed -i '/^social:/,$d' "$L/content/site.yml"
printf 'social:\n  Mastodon: https://social.example.org/@vest\n  Facebook: https://facebook.example.org/vest\n' >> "$L/content/site.yml"
check "cli: social as a map of name: url" sh -c \
    "$RALLY build -q --only web --root $L &&
     grep -q 'href=\"https://facebook.example.org/vest\"' $L/out/index.html &&
     grep -q '>Facebook<' $L/out/index.html"

# Drafts appear only with --drafts.
check "cli: a draft is left out" sh -c \
    "$RALLY build -q --only web --root tests/fixture --out $W/nodrafts &&
     test -f $W/nodrafts/index.html && test ! -e $W/nodrafts/utkast/index.html"
check "cli: --drafts includes it" sh -c \
    "$RALLY build -q --only web --drafts --root tests/fixture --out $W/drafts &&
     test -f $W/drafts/utkast/index.html"

# Byte-identical output, whatever the number of threads.
# Under valgrind (LIGHT) the sample is built without print.
ONLY=
[ -n "$LIGHT" ] && ONLY="--only web"
if SOURCE_DATE_EPOCH=1489104000 $RALLY build -q $ONLY -j 1 --root . \
    --out "$W/a" 2> "$W/a.err"; then rc=0; else rc=1; fi
check "cli: the sample campaign builds without a warning" \
    sh -c "test $rc -eq 0 && ! grep -q warning: $W/a.err"
SOURCE_DATE_EPOCH=1489104000 $RALLY build -q $ONLY -j 4 --root . --out "$W/b"
# (The stamps record inodes and times, not output: a snapshot taken
# within two seconds of a change is made unique.)
check "cli: identical input, byte-identical output (-j 1 and -j 4)" \
    diff -r -x '.rally-stamp*' "$W/a" "$W/b"
check "cli: SOURCE_DATE_EPOCH sets DTSTAMP" \
    grep -q "DTSTAMP:20170310T000000Z" "$W/a/events.ics"
SOURCE_DATE_EPOCH=1489104000 $RALLY build -q $ONLY --root . --out "$W/a"
check "cli: a rebuild is byte-identical" diff -r -x '.rally-stamp*' "$W/a" "$W/b"

# A file whose source is gone is removed; other files are kept.  (No
# print: print_layouts lists none.)
cp -r tests/fixture "$W/site"
echo 'print_layouts: []' >> "$W/site/content/site.yml"
$RALLY build -q --root "$W/site"
echo keep > "$W/site/out/CNAME"
rm "$W/site/content/om-oss.md"
sed -i 's|Les \[om oss\](/om-oss/) og se|Se|' "$W/site/content/index.md"
check "cli: a page whose source is gone is removed" sh -c \
    "$RALLY build -q --root $W/site && test -f $W/site/out/index.html &&
     test ! -e $W/site/out/om-oss/index.html"
check "cli: files rally did not write are kept" test -f "$W/site/out/CNAME"
check "cli: no staging directory is left" test ! -e "$W/site/out/.rally-tmp"

# A build killed midway leaves the previous out/ whole.
snapshot "$W/site/out" > "$W/before"
mkdir -p "$W/site/out/.rally-tmp/junk"
check "cli: a leftover staging directory is cleaned" \
    sh -c "$RALLY build -q --root $W/site && test ! -e $W/site/out/.rally-tmp"

# Progress: one summary line without a terminal.
check "cli: one summary line on stderr" \
    sh -c "$RALLY build --only web --root tests/fixture --out $W/p 2>&1 | grep -Eq '^rally: built [0-9]+ files'"

# Area colours carry white text: a light one is named, with a ratio.
cp -r tests/fixture "$W/light"
sed -i 's/color: "#226600"/color: "#e8a317"/' "$W/light/content/areas/barnehage.md"
if $RALLY build -q --only web --root "$W/light" 2> "$W/light.err"; then
	rc=0
else
	rc=1
fi
check "cli: a light area colour gets a contrast warning (2.2:1), and builds" \
    test $rc -eq 0
check "cli: ... the warning names the file and the ratio" \
    grep -Eq '^content/areas/barnehage.md:[0-9]+:[0-9]+: warning: white text on #e8a317 has a contrast of 2.2:1' "$W/light.err"

# Many files are parsed on several threads: errors still come in file
# order, the same every time.
cp -r tests/fixture "$W/many"
i=0
while [ $i -lt 120 ]; do
	d=2017-02-01 t="P $i" b=Text
	# A YAML and a Markdown error (found while parsing, on threads)
	# and a bad date (found after).
	case $i in 7) t="[P" ;; 55) b="[x](javascript:1)" ;; 101) d=2017-02-31 ;; esac
	printf -- '---\ntitle: %s\ndate: %s\n---\n%s\n' "$t" $d "$b" \
	    > "$W/many/content/press/p$(printf %03d $i).md"
	i=$((i + 1))
done
$RALLY build -q --root "$W/many" 2> "$W/many1.err"
$RALLY build -q --root "$W/many" 2> "$W/many2.err"
check "cli: errors of files parsed in parallel, in file order, every time" \
    sh -c "cmp -s $W/many1.err $W/many2.err &&
        grep -o 'p[0-9]*\.md' $W/many1.err | tr '\n' ' ' | grep -q '^p007.md p055.md p101.md \$'"

# Huge pages for malloc's heap where the kernel gives them on request
# only: build starts itself again with glibc's tunable (its stages line
# says so); not when told not to, not over the user's own tunables, not
# under valgrind (whose exec would leave the build unwatched).
cp -r tests/fixture "$W/thp"
thp() { # ENV=VALUE...: the stages line of a build after an edit
	echo >> "$W/thp/content/index.md"
	env "$@" $RALLY build -v --only web --root "$W/thp" 2>&1 |
	    grep '^rally: stages' > "$W/thp.line"
	grep -c 'malloc asked for huge pages' "$W/thp.line"
}
case "$RALLY" in *-vg) mode=valgrind ;;
*) mode=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null) ;; esac
case $mode in
*"[madvise]"*)
	check "cli: a build asks for huge pages" test "$(thp X=1)" = 1
	check "cli: ... not with RALLY_HUGEPAGES=0" \
	    test "$(thp RALLY_HUGEPAGES=0)" = 0
	check "cli: ... nor over the user's GLIBC_TUNABLES" \
	    test "$(thp GLIBC_TUNABLES=glibc.malloc.tcache_count=7)" = 0 ;;
*)
	check "cli: no huge pages asked for ($mode)" test "$(thp X=1)" = 0 ;;
esac
check "cli: ... and the build still ran" grep -q 'run [0-9]' "$W/thp.line"
# Started through the dynamic loader, /proc/self/exe is the loader:
# no exec then (it ran the loader with rally's arguments: exit 127).
LDSO=$(ls /lib64/ld-linux-*.so.* 2>/dev/null | head -1)
if [ -n "$LDSO" ] && [ "$(head -c 4 "$RALLY" | tail -c 3)" = ELF ]; then
	echo >> "$W/thp/content/index.md"
	check "cli: a build started through the dynamic loader" \
	    "$LDSO" "$RALLY" build -q --only web --root "$W/thp"
fi
# The executable links what every command needs; print's libraries
# (print_plug.c) and libmicrohttpd (serve.c) are opened when needed.
# The plain binary only: the sanitizers' links everything in.
if [ "$(head -c 4 ./generator/rally | tail -c 3)" = ELF ] &&
    command -v readelf >/dev/null; then
	readelf -d ./generator/rally > "$W/needed" 2>&1
	check "cli: the executable's libraries are listed" \
	    grep -q 'NEEDED.*libxml2' "$W/needed"
	check "cli: ... and neither libmicrohttpd nor cairo is among them" \
	    sh -c "! grep -Eq 'NEEDED.*(microhttpd|cairo)' $W/needed"
fi
