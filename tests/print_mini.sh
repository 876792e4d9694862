#!/bin/sh
# Print on a campaign that is not ours: the Norwegian fixture with the
# sample's print layouts and fonts (bokmål hyphenation, no web layouts
# of its own).  Small enough to run under valgrind too.
. tests/lib.sh
W=tests/work/mini
rm -rf "$W"
mkdir -p "$W"
print_site "$W/site"
if SOURCE_DATE_EPOCH=1489104000 $RALLY build -q -j 2 --root "$W/site"; then
	pass "mini: a campaign with print layouts builds"
else
	fail "mini: a campaign with print layouts builds"
	exit 0
fi
python3 tests/check_print.py "$W/site/out" "$W/site"
# (Its pages check does not apply here.)  A checker that dies, with no
# FAIL of its own, is a failure too.
python3 tests/check_site.py "$W/site/out" "$W/site" > "$W/site.txt" 2>&1
rc=$?
grep -v 'a page for every' "$W/site.txt"
if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$W/site.txt"; then
	fail "mini: check_site.py exited with status $rc"
fi
# Every script on one sheet, small enough for valgrind: the scripts
# area's Greek message on a flyer (its capitals, the whole headline in
# the condensed Noto), its back listing the Arabic, Farsi, Tigrinya,
# Ukrainian, Urdu, Hebrew and Danish ones (Nastaliq among other faces,
# right-to-left paragraphs, each language's full stop).
cp tests/scripts/flyktninger.md "$W/site/content/areas/"
if SOURCE_DATE_EPOCH=1489104000 $RALLY flyer --root "$W/site" \
    --area flyktninger --message 7 --name "Lag for alle" \
    --layout flyer -o "$W/scripts.pdf" &&
    pdffonts "$W/scripts.pdf" | grep -q NotoNastaliqUrdu &&
    pdffonts "$W/scripts.pdf" | grep -q NotoSansDisplay; then
	pass "mini: a flyer with every script on its back"
else
	fail "mini: a flyer with every script on its back"
fi
