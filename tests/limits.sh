#!/bin/sh
# Content at every documented limit (tests/worstcase.py), in Danish,
# Norwegian and English, in a campaign that brings only content/: web
# and all print build with rally's built-in layouts, every word of every
# PDF lies inside its text frame, no Danish word reaches the Norwegian
# or English sheets and pages, and no page scrolls sideways at 320 px.
. tests/lib.sh
W=tests/work/limits
rm -rf "$W"
mkdir -p "$W"
# LIMIT_LANGS: the sanitizer run takes one language, to keep CI short.
for lang in ${LIMIT_LANGS:-da nb en}; do
	d="$W/$lang"
	python3 tests/worstcase.py "$lang" "$d" || { fail "limits: $lang: content"; continue; }
	if SOURCE_DATE_EPOCH=1489104000 $RALLY build -q --root "$d" \
	    2> "$d.stderr"; then
		pass "limits: $lang: web and print build at every limit"
	else
		fail "limits: $lang: the build fails: $(head -c 600 "$d.stderr")"
		continue
	fi
	# The full print set, no sheet left out: 2 areas x 8 messages x
	# (5 posters + 2 flyers + 1 placard) + 2 x 2 banners; the branch:
	# 2 areas x 2 flyers + 5 events x 2 posters + a proof; the small
	# organisation: 1 area x 2 flyers + a proof; the timeline, A3 and
	# A4.  152.
	n=$(find "$d/out/print" -name '*.pdf' ! -name '*up.pdf' \
	    ! -name '*-tiles.pdf' | wc -l)
	check "limits: $lang: the whole print set ($n PDFs, 152 expected)" \
	    test "$n" -eq 152
	check "limits: $lang: social images of every message (48)" \
	    test "$(find "$d/out/social" -name '*.png' ! -name '*.thumb.png' | wc -l)" -eq 48
	python3 tests/check_frames.py "$d/out" "$d" "$lang"
	[ "$lang" = da ] || sh tests/scroll.sh "$d/out" "limits-$lang"
done
