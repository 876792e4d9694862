#!/bin/sh
# make test: unit tests, golden files, the sample campaign, bad input,
# the command line and a real browser.  Ends with "N passed, N failed".
W=tests/work
mkdir -p "$W"
RALLY=${RALLY:-./generator/rally}
UNIT=${UNIT:-./tests/unit}
export RALLY LIGHT
LOG=$W/test.log
: > "$LOG"
: > "$W/times"
rm -rf "$W/parts"
mkdir -p "$W/parts"
# Parts run TEST_JOBS at a time (default 2), each into its own files;
# their output is shown and logged in the order they were started.
# Under valgrind a process runs on one core however many threads it
# has, so the valgrind run takes two or three at once.
JOBS=${TEST_JOBS:-2}
NPART=0
NSHOWN=0
show() {
	while [ "$NSHOWN" -lt "$NPART" ] &&
	    [ -f "$W/parts/$((NSHOWN + 1)).rc" ]; do
		NSHOWN=$((NSHOWN + 1))
		_p=$W/parts/$NSHOWN
		tee -a "$LOG" < "$_p.head"
		cat "$_p.out" >> "$LOG"
		grep -v '^PASS' "$_p.out" || true
		cat "$_p.time" >> "$W/times"
		# A checker that dies counts as a failure, not as nothing.
		if [ "$(cat "$_p.rc")" -ne 0 ] && ! grep -q '^FAIL' "$_p.out"
		then
			echo "FAIL $(cut -c4- "$_p.head") exited with status" \
			    "$(cat "$_p.rc")" | tee -a "$LOG"
		fi
	done
}
running() {
	echo $((NPART - $(find "$W/parts" -name '*.rc' | wc -l)))
}
run() {
	NPART=$((NPART + 1))
	_p=$W/parts/$NPART
	echo "== $*" > "$_p.head"
	(
		t0=$(date +%s)
		# A part that hangs fails, after 15 minutes, instead of CI.
		timeout -k 10 900 "$@" > "$_p.out" 2>&1
		rc=$?
		# How long each part takes, to keep the suite (and CI) short.
		echo "$(($(date +%s) - t0)) s  $*" > "$_p.time"
		echo $rc > "$_p.rc.new"
		mv "$_p.rc.new" "$_p.rc"
	) &
	while [ "$(running)" -ge "$JOBS" ]; do
		sleep 0.1
		show
	done
	show
}
run "$UNIT"
# The sample campaign, built on a fixed date.
# Under valgrind (LIGHT=1) the sample is built without print, which
# runs on the small campaign of print_mini.sh instead.
ONLY=
[ -n "$LIGHT" ] && ONLY="--only web"
rm -rf "$W/sample"
if SOURCE_DATE_EPOCH=1489104000 $RALLY build -q $ONLY --root . \
    --out "$W/sample"; then
	echo "PASS sample campaign builds" >> "$LOG"
else
	echo "FAIL sample campaign builds" | tee -a "$LOG"
fi
# The parts that only read the sample's output (Python, poppler,
# Chromium: no rally in them) check bytes, not how they were made.
# Under a sanitizer they run again only if the sample is not byte for
# byte the last plain run's, which they checked (kept here with a mark
# when that run had no failure).
READERS=
if [ -z "$REPLAY" ]; then
	rm -rf "$W/sample.plain" "$W/sample.plain.ok"
	cp -r "$W/sample" "$W/sample.plain"
elif [ -z "$LIGHT" ] && [ -f "$W/sample.plain.ok" ] &&
    diff -r -x '.rally-stamp*' "$W/sample.plain" "$W/sample" >/dev/null 2>&1
then
	READERS=done
	echo "PASS sample: the same bytes as the plain run's, whose" \
	    "readers passed" | tee -a "$LOG"
fi
run python3 tests/check_site.py "$W/sample" .
[ -n "$LIGHT$READERS" ] || run python3 tests/check_print.py "$W/sample" .
[ -n "$LIGHT$READERS" ] || run sh tests/print_golden.sh check "$W/sample"
[ -n "$LIGHT$READERS" ] || run python3 tests/check_frames.py "$W/sample" . da --strict
[ -n "$LIGHT$READERS" ] || run python3 tests/raster.py "$W/sample"
run sh tests/print_mini.sh
[ -n "$LIGHT" ] || run sh tests/incremental.sh
[ -n "$LIGHT" ] || run sh tests/interrupt.sh
run sh tests/hyphen.sh
run sh tests/shy.sh
[ -n "$LIGHT" ] || run sh tests/fork.sh
run sh tests/flyer.sh "$W/sample"
# A second campaign (Norwegian, no layouts/ and no fonts of its own):
# web and rally's whole built-in print set.
rm -rf "$W/fixture"
ONLYF=
[ -n "$LIGHT" ] && ONLYF="--only web"
SOURCE_DATE_EPOCH=1489104000 $RALLY build -q $ONLYF --root tests/fixture \
    --out "$W/fixture"
run python3 tests/check_site.py "$W/fixture" tests/fixture
[ -n "$LIGHT" ] || run python3 tests/check_print.py "$W/fixture" tests/fixture
[ -n "$LIGHT" ] || run python3 tests/check_frames.py "$W/fixture" tests/fixture nb \
    --strict
[ -n "$LIGHT" ] || run python3 tests/raster.py "$W/fixture"
# Under a sanitizer (REPLAY is set) one language is enough.
[ -n "$REPLAY" ] && LIMIT_LANGS=nb && export LIMIT_LANGS
[ -n "$LIGHT" ] || run sh tests/limits.sh
run sh tests/golden.sh
run sh tests/engines.sh
run sh tests/memo.sh
run sh tests/bad.sh
run sh tests/hostile.sh
[ -n "$LIGHT$READERS" ] || run python3 tests/impose.py "$W/sample"
# PDF/X needs pikepdf: Debian's python3, where another python3 comes first.
PYX=python3
/usr/bin/python3 -c 'import pikepdf' 2>/dev/null && PYX=/usr/bin/python3
[ -n "$LIGHT" ] || run $PYX tests/pdfx.py "$W/pdfx"
[ -n "$LIGHT" ] || run python3 tests/scripts.py "$W/scripts"
run python3 tests/calendar_plan.py "$W/calendar"
run sh tests/cli.sh
run sh tests/new.sh
run sh tests/serve.sh
run sh tests/recipe.sh
run python3 tests/xss.py
run sh tests/fuzz/replay.sh
[ -n "$LIGHT$READERS" ] || run sh tests/browser.sh "$W/sample"
[ -n "$LIGHT$READERS" ] || run sh tests/scroll.sh "$W/sample" sample
wait
show
u=$(sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$LOG")
up=${u% *}
uf=${u#* }
p=$(grep -c '^PASS' "$LOG")
f=$(grep -c '^FAIL' "$LOG")
p=$((p + ${up:-0}))
f=$((f + ${uf:-1}))
grep '^FAIL' "$LOG" | sed 's/^/  /'
[ -z "$REPLAY" ] && [ "$f" -eq 0 ] && : > "$W/sample.plain.ok"
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
