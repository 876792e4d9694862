#!/bin/sh
# The memo of text frames' settings (print_memo.c) against fitting
# every frame anew: a frame set as before must come out as it would
# have been set, so a build with the memo and one without
# (RALLY_MEMO=off) must give the same bytes in every file: PDFs,
# previews, social images.  And the memo must have been used (the
# previews, the flyers two and four to a page).
. tests/lib.sh
W=tests/work/memo
rm -rf "$W"
mkdir -p "$W"
# And every script, right to left, centred and not: the widths the
# fitter tries answered from a layout that covers them (print_fit.c,
# struct cfg) must match pango's layout at each width.
print_site "$W/scripts"
cp tests/scripts/flyktninger.md "$W/scripts/content/areas/"
CAMPAIGNS="fixture:tests/fixture sample:. scripts:$W/scripts"
# Under valgrind (LIGHT) the fixture is enough.
[ -n "$LIGHT" ] && CAMPAIGNS="fixture:tests/fixture"
# Under the memory checkers the build without the memo is the plain
# binary's (RALLY_REF): fitting every frame anew is the path the memo's
# build takes for each frame it meets first, so the checkers see it
# there, and the comparison still holds the two ways apart.
TWO_WAYS_B=${RALLY_REF:-$RALLY}
for c in $CAMPAIGNS; do
	name=${c%%:*}
	root=${c#*:}
	two_ways "memo: $name: every file the same, with and without" \
	    "$root" print "$W/$name-memo" RALLY_MEMO=tell \
	    "$W/$name-off" RALLY_MEMO=off
	hits=$(grep -c 'set as before' "$W/$name-memo.err")
	if [ "$hits" -gt 0 ] && ! grep -q 'set as before' "$W/$name-off.err"
	then
		pass "memo: $name: $hits frames set as before"
	else
		fail "memo: $name: $hits frames set as before"
	fi
done
