#!/bin/sh
# Golden files: the fixture site (tests/fixture), built on a fixed date,
# must match tests/golden/ byte for byte.  After a deliberate change of
# layouts or output, `make goldens` (golden.sh regen) rewrites them.
. tests/lib.sh
W=tests/work/golden
rm -rf "$W"
mkdir -p "$W"
# The website; print has its own goldens (print_golden.sh), with a
# tolerance for rasterisers.
if ! SOURCE_DATE_EPOCH=1489104000 $RALLY build -q --only web \
    --root tests/fixture --out "$W/out"; then
	fail "golden: the fixture builds"
	exit 0
fi
# The stamp records this machine's inodes and times: not a golden.
rm -f "$W/out"/.rally-stamp*
# rally's fonts, served to a campaign that has none: copies, not goldens.
for f in "$W"/out/assets/fonts/*; do
	check "golden: $(basename "$f") is rally's own" \
	    cmp "$f" "assets/fonts/$(basename "$f")"
	rm -f "$f"
done
if [ "$1" = regen ]; then
	rm -rf tests/golden
	cp -r "$W/out" tests/golden
	echo "goldens regenerated in tests/golden"
	exit 0
fi
(cd tests/golden && find . -type f | sort) > "$W/want"
(cd "$W/out" && find . -type f | sort) > "$W/got"
check "golden: the same files as tests/golden" cmp "$W/want" "$W/got"
while read -r f; do
	check "golden: $f" cmp "tests/golden/$f" "$W/out/$f"
done < "$W/want"
