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
run() {
	echo "== $*" | tee -a "$LOG"
	t0=$(date +%s)
	# A part that hangs fails, after 15 minutes, instead of CI.
	timeout -k 10 900 "$@" > "$W/part" 2>&1
	rc=$?
	# How long each part takes, to keep the suite (and CI) short.
	echo "$(($(date +%s) - t0)) s  $*" >> "$W/times"
	cat "$W/part" >> "$LOG"
	grep -v '^PASS' "$W/part" || true
	# A checker that dies counts as a failure, not as nothing.
	if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$W/part"; then
		echo "FAIL $* exited with status $rc" | tee -a "$LOG"
	fi
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
run python3 tests/check_site.py "$W/sample" .
[ -n "$LIGHT" ] || run python3 tests/check_print.py "$W/sample" .
[ -n "$LIGHT" ] || run sh tests/print_golden.sh check "$W/sample"
[ -n "$LIGHT" ] || run python3 tests/check_frames.py "$W/sample" . da --strict
[ -n "$LIGHT" ] || run python3 tests/raster.py "$W/sample"
run sh tests/print_mini.sh
[ -n "$LIGHT" ] || run sh tests/incremental.sh
[ -n "$LIGHT" ] || run sh tests/interrupt.sh
run sh tests/hyphen.sh
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
[ -n "$LIGHT" ] || run python3 tests/impose.py "$W/sample"
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
[ -n "$LIGHT" ] || run sh tests/browser.sh "$W/sample"
[ -n "$LIGHT" ] || run sh tests/scroll.sh "$W/sample" sample
u=$(sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$LOG")
up=${u% *}
uf=${u#* }
p=$(grep -c '^PASS' "$LOG")
f=$(grep -c '^FAIL' "$LOG")
p=$((p + ${up:-0}))
f=$((f + ${uf:-1}))
grep '^FAIL' "$LOG" | sed 's/^/  /'
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
