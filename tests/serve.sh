#!/bin/sh
# rally serve: serves the output (a script injected into pages, not into
# out/), nothing outside it, the base path; an edit reloads the open
# pages, a content error shows in them while the last good site stays
# served, and the fix reloads; SIGTERM stops it with status 0.
. tests/lib.sh
W=tests/work/serve
rm -rf "$W"
mkdir -p "$W"
cp -r tests/fixture "$W/site"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
U="http://127.0.0.1:$PORT"
ONLY=
[ -n "$LIGHT" ] && ONLY="--only web"
SOURCE_DATE_EPOCH=1489104000 $RALLY serve --root "$W/site" --port "$PORT" \
    $ONLY > "$W/log" 2>&1 &
PID=$!
i=0
until curl -s -o /dev/null "$U/vest/" || [ $i -ge 100 ]; do
	sleep 0.2
	i=$((i + 1))
done
# The first build is the website, then the print material: both done.
N=2
[ -n "$LIGHT" ] && N=1
i=0
until [ "$(grep -c '^rally: built' "$W/log")" -ge $N ] || [ $i -ge 300 ]; do
	sleep 0.2
	i=$((i + 1))
done
code() { curl -s --path-as-is -o /dev/null -w '%{http_code}' "$U$1"; }
# The first build planned the site whole with the print material
# waiting (a fresh out/: every sheet); the second made it: out/ is
# then a clean build's, the downloads page with the files' sizes.
same_as_clean() {
	rm -rf "$W/clean"
	SOURCE_DATE_EPOCH=1489104000 $RALLY build -q --root "$W/site" \
	    --out "$W/clean"
	snapshot "$W/site/out" | grep -v "rally-stamp" > "$W/served.sum"
	snapshot "$W/clean" | grep -v "rally-stamp" > "$W/clean.sum"
	cmp "$W/served.sum" "$W/clean.sum"
}
[ -z "$LIGHT" ] &&
    check "serve: after the first two builds, out/ is a clean build's" \
    same_as_clean
# Named as started (ps, pkill): not "exe" after asking for huge pages.
case "$RALLY" in *-vg) ;; *)
	check "serve: the process is named $(basename "$RALLY")" \
	    test "$(cat /proc/$PID/comm)" = "$(basename "$RALLY" | cut -c1-15)" ;;
esac
check "serve: the site at its base path" test "$(code /vest/)" = 200
check "serve: / leads to the base path" sh -c \
    "curl -s -o /dev/null -w '%{http_code} %{redirect_url}' $U/ |
     grep -q '^302 .*/vest/\$'"
check "serve: pages carry the reload script, out/ does not" sh -c \
    "curl -s $U/vest/ | grep -q '/_rally/events' &&
     ! grep -q '_rally' $W/site/out/index.html"
check "serve: a stylesheet with its type" sh -c \
    "curl -s -o /dev/null -w '%{content_type}' $U/vest/assets/css/site.css |
     grep -q '^text/css'"
ln -s /etc "$W/site/out/etc"
for p in /vest/../../etc/passwd /vest/%2e%2e/%2e%2e/etc/passwd \
    /vest/..%2f..%2fetc/passwd /vest/.rally-manifest /vest/etc/passwd \
    /etc/passwd; do
	check "serve: nothing outside out/: $p" test "$(code "$p")" = 404
done
rm "$W/site/out/etc"
# An edit: the open pages are told to reload.
python3 tests/sse.py "$PORT" "$W/site/content/om-oss.md" + > "$W/ev1" 2>&1
check "serve: an edit reloads the open pages ($(head -1 "$W/ev1"))" \
    grep -q '^reload ' "$W/ev1"
check "serve: ... with the edit in the page" sh -c \
    "curl -s $U/vest/om-oss/ | grep -q 'One more line'"
# The reload comes before the print material is made again: the pages
# still list it (a build of the website alone knew none: no downloads
# page, no material on an organisation's page, until the print build).
# A new title makes the page's Open Graph card again.
if [ -z "$LIGHT" ]; then
	i=0
	until [ "$(grep -c '^rally: built' "$W/log")" -ge 4 ] || [ $i -ge 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	python3 tests/sse.py "$PORT" "$W/site/content/om-oss.md" "$(sed \
	    's/^title: Om oss$/title: Om alliansen/' "$W/site/content/om-oss.md")" \
	    > "$W/ev1b" 2>&1
	check "serve: a new title reloads the open pages" grep -q '^reload ' "$W/ev1b"
	check "serve: ... the downloads page still there at the reload" \
	    test "$(code /vest/downloads/)" = 200
	check "serve: ... and an organisation's material on its page" sh -c \
	    "curl -s $U/vest/orgs/klubben/ |
	     grep -q 'href=\"/vest/print/orgs/klubben/proof.pdf\"'"
	i=0
	until [ "$(grep -c '^rally: built' "$W/log")" -ge 6 ] || [ $i -ge 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	check "serve: ... then the print build makes out/ as a clean build" \
	    same_as_clean
fi
cp "$W/site/content/om-oss.md" "$W/om-oss.md"
python3 tests/sse.py "$PORT" "$W/site/content/om-oss.md" \
    "$(printf -- '---\ntitle: [Om\n---\nx\n')" > "$W/ev2" 2>&1
check "serve: a content error is shown in the open pages, at its line" sh -c \
    "grep -q '^fail ' $W/ev2 && grep -q '^content/om-oss.md:3:1: error: YAML' $W/ev2"
check "serve: ... and in the terminal" \
    grep -q '^content/om-oss.md:3:1: error: YAML' "$W/log"
check "serve: ... while the last good site is served" sh -c \
    "curl -s $U/vest/om-oss/ | grep -q 'One more line'"
python3 tests/sse.py "$PORT" "$W/site/content/om-oss.md" \
    "$(cat "$W/om-oss.md")" > "$W/ev3" 2>&1
check "serve: the fix reloads" grep -q '^reload ' "$W/ev3"
# New folders are watched: layouts/, which the fixture lacks (the root
# is watched for it), a folder in assets/, one moved in with a folder
# in it, a link to a folder; a file saved in each reloads the pages.
# A change builds the website, then the print material.
K=2
[ -n "$LIGHT" ] && K=1
built() { grep -c '^rally: built' "$W/log"; }
# until_built N: until rally serve has said "built" N times (60 s).
until_built() {
	i=0
	while [ "$(built)" -lt "$1" ]; do
		[ $i -ge 300 ] && return 1
		sleep 0.2
		i=$((i + 1))
	done
}
# new_folder WHAT N CMD FILE: CMD (in the site) makes WHAT, a build
# follows; then FILE saved there reloads the open pages (event log N).
new_folder() {
	n=$(built)
	(cd "$W/site" && sh -c "$3")
	check "serve: $1 made meanwhile: built again" until_built $((n + K))
	n=$(built)
	python3 tests/sse.py "$PORT" "$W/site/$4" hei > "$W/ev$2" 2>&1
	check "serve: a file saved in $1 reloads ($(head -1 "$W/ev$2"))" \
	    sh -c "grep -q '^reload ' $W/ev$2 && test \$(grep -c \
	    '^rally: built' $W/log) -gt $n"
	until_built $((n + K))
}
new_folder layouts/ 4 "mkdir layouts" layouts/note.txt
new_folder "a folder of assets/" 5 "mkdir assets/extra" assets/extra/note.txt
new_folder "a folder moved in with its own" 6 \
    "mkdir -p ../moved/a/b && mv ../moved/a assets/a" assets/a/b/note.txt
new_folder "a link to a folder" 7 \
    "mkdir shared && ln -s ../shared assets/shared" shared/note.txt
# Nothing else in the root counts (out/ and .rally-cache are there).
n=$(built)
touch "$W/site/notes.txt"
sleep 1.5
check "serve: a new file in the root builds nothing" test "$(built)" -eq "$n"
check "serve: ... and is served" sh -c \
    "curl -s $U/vest/assets/extra/note.txt | grep -qx hei"
kill -TERM $PID
i=0
while kill -0 $PID 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
wait $PID
check "serve: SIGTERM stops it, exit status 0" test $? -eq 0
check "serve: a bad --bind is a usage error" sh -c \
    "$RALLY serve --root $W/site --bind nowhere 2>/dev/null; test \$? -eq 2"
