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
python3 tests/check_site.py "$W/site/out" "$W/site" | grep -v 'a page for every'
