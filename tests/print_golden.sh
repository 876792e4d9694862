#!/bin/sh
# Golden images: one sheet of each layout, rendered by pdftoppm at a low
# resolution, must match tests/golden-print/ within a tolerance
# (tests/imgdiff.py).  `make goldens` (print_golden.sh regen OUT)
# rewrites them after a deliberate change.
. tests/lib.sh
MODE=$1
OUT=${2:-tests/work/sample}
G=tests/golden-print
W=tests/work/print-golden
rm -rf "$W"
mkdir -p "$W"
[ "$MODE" = regen ] && rm -rf "$G" && mkdir -p "$G"
for spec in "aeldre/poster-1-a4 20" "skole/flyer-2-a6 40" \
    "dagtilbud/placard-1-50x70 8" "flygtninge/banner-300x100 2" \
    "flygtninge/banner-500x100 2" \
    "orgs/laererkredsen-valby/skole-org-flyer-a6 40" \
    "orgs/laererkredsen-valby/mobilisering-valby-org-poster-a4 20"; do
	f=${spec% *}
	r=${spec#* }
	name=$(echo "$f" | tr '/' '-')
	if ! pdftoppm -r "$r" -png "$OUT/print/$f.pdf" "$W/$name"; then
		fail "print golden: $f renders"
		continue
	fi
	for png in "$W/$name"-*.png; do
		b=$(basename "$png")
		if [ "$MODE" = regen ]; then
			cp "$png" "$G/$b"
		elif [ ! -f "$G/$b" ]; then
			fail "print golden: $b (no golden)"
		elif msg=$(python3 tests/imgdiff.py "$png" "$G/$b"); then
			pass "print golden: $b ($msg)"
		else
			fail "print golden: $b ($msg)"
		fi
	done
done
[ "$MODE" = regen ] && echo "print goldens regenerated in $G"
exit 0
