#!/bin/sh
# Hostile trees: planted links, special files, concurrent builds, work
# bombs.  Each case asserts the exit status, the message naming what to
# change, the previous out/ unchanged where the build fails, and that
# nothing outside the campaign and out/ was touched (a sibling folder,
# "victim", snapshotted before and after).  Every command runs under a
# timeout: a hang is a failure, not a stuck test run.
. tests/lib.sh
W=tests/work/hostile
rm -rf "$W"
mkdir -p "$W"
RALLY_ABS=$(cd "$(dirname "$RALLY")" && pwd)/$(basename "$RALLY")
# A case's starting point is built by the plain binary (RALLY_REF)
# under the memory checkers, as incremental.sh's clean builds are: what
# they watch is the build of the planted tree.
REF=${RALLY_REF:-$RALLY}
REF_ABS=$(cd "$(dirname "$REF")" && pwd)/$(basename "$REF")
TOP=$(pwd)
T="timeout -k 5 60"
export SOURCE_DATE_EPOCH=1489104000
ONLY=
[ -n "$LIGHT" ] && ONLY="--only web"

# fresh NAME: a copy of the fixture in $W/NAME/site, built once into
# site/out, with a victim folder beside it; sets D.  The first build is
# made once, in $W/template, and copied (with its cache); the copy is
# built again, which renders nothing (the inputs' keys match) but
# writes the stamp and cache of its own files, as if it had been built
# in place (a full build in every case was most of this test's time
# under the sanitizers).
fresh() {
	D="$W/$1"
	if [ ! -d "$W/template/out" ]; then
		rm -rf "$W/template"
		cp -r tests/fixture "$W/template"
		$T "$REF_ABS" build -q $ONLY --root "$W/template" \
		    --out "$W/template/out" 2>/dev/null ||
		    fail "hostile: the fixture's first build"
	fi
	mkdir -p "$D/victim"
	cp -a "$W/template" "$D/site"
	echo "keep me" > "$D/victim/keep.txt"
	echo "secret" > "$D/victim/secret.txt"
	$T "$REF_ABS" build $ONLY --root "$D/site" --out "$D/site/out" \
	    > "$D/fresh.txt" 2>&1 || fail "hostile $1: first build"
	# Nothing made again: the copy is the build it would have made.
	grep -q '^rally: built 0 files' "$D/fresh.txt" ||
	    fail "hostile $1: first build: $(head -c 300 "$D/fresh.txt")"
	snapshot "$D/victim" > "$D/victim.before"
	snapshot "$D/site/out" > "$D/out.before"
}
# expect NAME RC REGEX [UNCHANGED]: checks the last run ($rc, $D/err).
expect() {
	snapshot "$D/victim" > "$D/victim.after"
	if [ "$rc" -ne "$2" ]; then
		fail "hostile $1: exit status $rc, not $2: $(head -c 300 "$D/err")"
	elif [ "$3" != - ] && ! grep -Eq -e "$3" "$D/err"; then
		fail "hostile $1: no /$3/ in: $(head -c 300 "$D/err")"
	elif ! cmp -s "$D/victim.before" "$D/victim.after"; then
		fail "hostile $1: a file outside the campaign changed"
	elif [ -n "$4" ] && ! { snapshot "$D/site/out" |
	    cmp -s "$D/out.before" -; }; then
		fail "hostile $1: out/ changed"
	else
		pass "hostile $1"
	fi
}
build() {
	$T "$RALLY_ABS" build $ONLY --root "$D/site" "$@" > "$D/out.txt" \
	    2> "$D/err"
	rc=$?
}

# Secrets: a link to a hidden file is never read, whichever way it goes.
fresh secret-asset
mkdir -p "$D/site/.git"
printf '[remote]\n\turl = https://token:x-oauth-SECRET@example.org\n' \
    > "$D/site/.git/config"
ln -s ../.git/config "$D/site/assets/notes.txt"
ln -s ../../victim/secret.txt "$D/site/assets/logos/s.txt"
build
if grep -rq "SECRET\|^secret" "$D/site/out"; then
	fail "hostile secret-asset: a secret was published"
else
	expect secret-asset 0 "assets/notes.txt: warning: skipped: a link to outside the campaign or to a hidden file"
fi
fresh secret-page
mkdir -p "$D/site/.git"
echo "SECRET" > "$D/site/.git/config"
ln -s ../../.git/config "$D/site/content/press/leak.md"
build
expect secret-page 1 "^content/press/leak.md: error: a link to outside the campaign or to a hidden file" same
fresh secret-hidden-dir
mkdir -p "$D/site/.env"
echo "SECRET" > "$D/site/.env/key.md"
ln -s ../.env/key.md "$D/site/content/key.md"
build
expect secret-hidden-dir 1 "^content/key.md: error: a link to outside" same

# Deleting outside out/: a stale file behind a link planted in out/.
fresh stale-link
ln -s ../../victim "$D/site/out/gone"
printf '%064d gone/keep.txt\n' 0 >> "$D/site/out/.rally-manifest"
rm -f "$D/site/out/.rally-stamp"*
build
[ -e "$D/victim/keep.txt" ] || fail "hostile stale-link: victim/keep.txt deleted"
expect stale-link 0 "built"
# out/ itself a link: refused, nothing written through it.
fresh out-link
mv "$D/site/out" "$D/site/real-out"
ln -s ../victim "$D/site/out"
build
expect out-link 2 "out: error: the output directory is a symbolic link"
# A link inside out/ where rally writes: replaced, never written through.
fresh out-inner-link
rm -rf "$D/site/out/areas"
ln -s ../../victim "$D/site/out/areas"
rm -f "$D/site/out/.rally-stamp"*
build
if [ -L "$D/site/out/areas" ]; then
	fail "hostile out-inner-link: the link is still there"
else
	expect out-inner-link 0 "built"
fi
# --out on the campaign's own inputs: a usage error.
fresh out-root
build --out "$D/site"
expect out-root 2 "error: the output directory holds the campaign" same
fresh out-above
build --out "$D"
expect out-above 2 "error: the output directory holds the campaign" same
fresh out-inputs
build --out "$D/site/content/www"
if [ -e "$D/site/content/www" ]; then
	fail "hostile out-inputs: made content/www"
else
	expect out-inputs 2 "error: the output directory is inside the campaign's content/" same
fi

# The parsed files (.rally-cache): a link, a pipe or a folder planted
# under that name is neither read, nor written through, nor replaced.
# cache_case NAME TEST COMMAND...: COMMAND plants it (its path last).
cache_case() {
	_name=$1 _test=$2
	shift 2
	fresh "cache-$_name"
	rm -f "$D/site/.rally-cache"
	"$@" "$D/site/.rally-cache"
	touch "$D/site/content/index.md"	# not a no-op: it loads
	build
	if [ "$_test" "$D/site/.rally-cache" ]; then
		expect "cache-$_name" 0 "built"
	else
		fail "hostile cache-$_name: what was planted was replaced"
	fi
}
cache_case link -L ln -s ../victim/keep.txt
cache_case fifo -p mkfifo
cache_case dir -d mkdir

# Special files never block: a FIFO for content, site.yml, a layout.
fresh fifo-page
mkfifo "$D/site/content/press/fifo.md"
build
expect fifo-page 1 "^content/press/fifo.md: error: a pipe, not a file" same
fresh fifo-site
rm "$D/site/content/site.yml"
mkfifo "$D/site/content/site.yml"
build
expect fifo-site 1 "^content/site.yml: error: a pipe, not a file" same
fresh fifo-layout
mkdir -p "$D/site/layouts/web"
mkfifo "$D/site/layouts/web/page.html"
build
expect fifo-layout 1 "^layouts/web/page.html: error: a pipe, not a file" same
fresh fifo-asset
mkfifo "$D/site/assets/pipe.txt"
build
expect fifo-asset 0 "assets/pipe.txt: warning: skipped: not a regular file"

# Link loops in assets: each walked once, said, never followed round.
fresh loops
for i in 1 2 3 4 5 6; do ln -s . "$D/site/assets/l$i"; done
ln -s .. "$D/site/assets/logos/up"
build
expect loops 0 "assets/l1: warning: skipped: a link back to a folder that holds it"
# No depth limit that drops files silently.
fresh deep
p="$D/site/assets/a/b/c/d/e/f/g/h/i/j/k"
mkdir -p "$p"
echo deep > "$p/deep.txt"
build
if [ -f "$D/site/out/assets/a/b/c/d/e/f/g/h/i/j/k/deep.txt" ]; then
	expect deep 0 "built"
else
	fail "hostile deep: assets/a/.../k/deep.txt was not copied"
fi

# An SVG of nested <use>: refused at once, not rendered for minutes.
if [ -z "$LIGHT" ]; then
	fresh svg-bomb
	python3 - "$D/site/assets/logos/mark.svg" <<'EOF'
import sys
s = ['<svg xmlns="http://www.w3.org/2000/svg" '
     'xmlns:xlink="http://www.w3.org/1999/xlink"><defs>',
     '<rect id="a0" width="1" height="1"/>']
for i in range(1, 12):
    s.append('<g id="a%d">' % i + ''.join(
        '<use xlink:href="#a%d"/>' % (i - 1) for _ in range(10)) + '</g>')
s.append('</defs><use xlink:href="#a11"/></svg>')
open(sys.argv[1], 'w').write(''.join(s))
EOF
	build
	expect svg-bomb 1 "^content/site.yml:[0-9]+:[0-9]+: error: 'logo': assets/logos/mark.svg cannot be drawn: too complex" same
fi
# Logos: an empty SVG is one error at site.yml; a PNG logo just works.
fresh logo-empty
: > "$D/site/assets/logos/mark.svg"
build
expect logo-empty 1 "^content/site.yml:[0-9]+:[0-9]+: error: 'logo': assets/logos/mark.svg cannot be drawn: the file is empty" same
if [ -z "$LIGHT" ]; then
	fresh logo-png
	python3 tests/png.py solid "$D/site/assets/logos/mark.png" 2>/dev/null ||
	    cp assets/logos/*.png "$D/site/assets/logos/mark.png" 2>/dev/null ||
	    pdftoppm -png -r 20 -singlefile "$(ls "$D"/site/out/print/*/*.pdf |
	    head -1)" "$D/site/assets/logos/mark"
	sed -i 's|logo: assets/logos/mark.svg|logo: assets/logos/mark.png|' \
	    "$D/site/content/site.yml"
	build
	expect logo-png 0 "built"
fi

# SOURCE_DATE_EPOCH out of range: a clear usage error, no UB.
fresh epoch
SOURCE_DATE_EPOCH=9223372036854775807 $T "$RALLY_ABS" build --root \
    "$D/site" > /dev/null 2> "$D/err"
rc=$?
expect epoch 2 "SOURCE_DATE_EPOCH is not a number of seconds between" same

# Honest commits: a folder where a file goes stops the build before
# anything moves, and the report says out/ is unchanged.
fresh dir-in-way
rm -f "$D/site/out/feed.atom"
mkdir -p "$D/site/out/feed.atom/x"
snapshot "$D/site/out" > "$D/out.before"
echo "Endret." >> "$D/site/content/index.md"
build
expect dir-in-way 1 "out/feed.atom: error: a folder is where rally writes a file" same
grep -q "is unchanged" "$D/err" || fail "hostile dir-in-way: no 'unchanged'"
# A stamp that cannot be written is said, and out/ is not "unchanged".
fresh stamp-fail
stamp=.rally-stamp
[ -n "$LIGHT" ] && stamp=.rally-stamp-web
rm -f "$D/site/out/$stamp"
mkdir -p "$D/site/out/$stamp/x"
echo "Endret." >> "$D/site/content/index.md"
build
expect stamp-fail 1 "\.rally-stamp(-web)?: error: cannot write"
grep -q "is unchanged" "$D/err" && fail "hostile stamp-fail: says unchanged"

# Two builds into one out/: one waits its turn or says so; nothing lost.
fresh concurrent
rm -rf "$D/site/out"
$T "$RALLY_ABS" build -q $ONLY --root "$D/site" 2> "$D/err1" &
a=$!
sleep 0.05
$T "$RALLY_ABS" build -q $ONLY --root "$D/site" 2> "$D/err2"
rc2=$?
wait $a
rc1=$?
$T "$RALLY_ABS" build -q $ONLY --root "$D/site" --out "$D/clean" 2>/dev/null
# Whichever started first wins; the other waits its turn or says so.
ok1=0 ok2=0
{ [ $rc1 -eq 0 ] || grep -q "another build is running" "$D/err1"; } && ok1=1
{ [ $rc2 -eq 0 ] || grep -q "another build is running" "$D/err2"; } && ok2=1
if [ $ok1 -ne 1 ] || [ $ok2 -ne 1 ] || [ $((rc1 + rc2)) -gt 1 ]; then
	fail "hostile concurrent: exit $rc1/$rc2: $(cat "$D/err1" "$D/err2" | head -c 300)"
elif ! diff -r -x '.rally-*' "$D/clean" "$D/site/out" > "$D/diff" 2>&1; then
	fail "hostile concurrent: out/ differs from a clean build: $(head -3 "$D/diff")"
else
	pass "hostile concurrent"
fi

# rally flyer -o: devices written in place, never replaced.
if [ -z "$LIGHT" ]; then
	D="$W/flyer"
	mkdir -p "$D/victim"
	print_site "$D/site"
	snapshot "$D/victim" > "$D/victim.before"
	area=$(ls "$D/site/content/areas" | head -1 | sed 's/\.md$//')
	flyer() {
		$T "$RALLY_ABS" flyer --root "$D/site" --area "$area" \
		    --name "Klubben" "$@" > "$D/stdout" 2> "$D/err"
		rc=$?
	}
	flyer -o /dev/full
	expect "flyer -o /dev/full" 2 "cannot write /dev/full: No space left"
	if mknod "$D/null" c 1 3 2>/dev/null; then
		flyer -o "$D/null"
		if [ -c "$D/null" ]; then
			expect "flyer -o a device" 0 -
		else
			fail "hostile flyer -o a device: the device was replaced"
		fi
	fi
	flyer -o -
	if head -c 5 "$D/stdout" | grep -q '%PDF-'; then
		expect "flyer -o -" 0 -
	else
		fail "hostile flyer -o -: no PDF on standard output"
	fi
	flyer -o "$D/no/such/dir/x.pdf"
	expect "flyer -o in a missing folder" 2 "-o .*: No such file"
	mkfifo "$D/logo.svg"
	flyer -o "$D/x.pdf" --logo "$D/logo.svg"
	expect "flyer --logo FIFO" 2 "logo.svg: error: .*a pipe, not a file"
	printf 'not a picture' > "$D/logo.png"
	flyer -o "$D/x.pdf" --logo "$D/logo.png"
	expect "flyer --logo not a picture" 2 "--logo .*logo.png: not an SVG, PNG or JPEG image"
fi

# A read-only out/: said once, not once per file (run as nobody, since
# root writes anywhere).
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null &&
    $NOBODY "$RALLY_ABS" --version > /dev/null 2>&1; then
	fresh read-only
	chmod -R a+rX "$W/read-only"
	chmod 555 "$D/site/out"
	echo "Endret." >> "$D/site/content/index.md"
	snapshot "$D/site/out" > "$D/out.before"
	$NOBODY $T "$RALLY_ABS" build $ONLY --root "$D/site" > /dev/null \
	    2> "$D/err"
	rc=$?
	chmod 755 "$D/site/out"
	if [ "$(grep -c error: "$D/err")" -ne 1 ]; then
		fail "hostile read-only: not one error: $(head -c 300 "$D/err")"
	else
		expect read-only 1 "out: error: cannot write into the output directory: Permission denied" same
	fi
fi
