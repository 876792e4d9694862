#!/bin/sh
# rally flyer: a co-branded flyer without a build, its boxes and fonts,
# and a clear error (exit 2) for each kind of bad argument.  Also the
# logo kit and the proof sheets of a build ($1).
. tests/lib.sh
OUT=${1:-tests/work/sample}
W=tests/work/flyer
rm -rf "$W"
mkdir -p "$W"
F="$RALLY flyer --root ."
check "flyer: for an organisation in content/orgs/" \
    $F --org sosu-klubben-amager --area aeldre -o "$W/a.pdf"
check "flyer: it is an A5 with bleed and trim boxes, two pages" sh -c \
    "pdfinfo -box $W/a.pdf | grep -Eq 'TrimBox: +8.50 +8.50 +428.03 +603.78' &&
     pdfinfo $W/a.pdf | grep -Eq '^Pages: +2'"
check "flyer: every font embedded" sh -c \
    "pdffonts $W/a.pdf | tail -n +3 | awk '{ if (\$(NF-4) != \"yes\") exit 1 }'"
check "flyer: carries the organisation's name" sh -c \
    "pdftotext $W/a.pdf - | grep -qi 'sosu-klubben amager'"
check "flyer: for a union not in content/, A6, message 2" \
    $F --name "Fiktiv Lokalafdeling" --logo assets/logos/orgs/laererkredsen-valby.svg \
    --contact fiktiv@example.dk --url https://fiktiv.example.dk --area skole \
    --date 2017-04-20 --time 17:00 --place Fagforeningshuset --size A6 --message 2 \
    -o "$W/b.pdf"
check "flyer: the given details are printed" sh -c \
    "pdftotext $W/b.pdf - | tr '\n' ' ' | grep -q 'Fiktiv Lokalafdeling' &&
     pdftotext $W/b.pdf - | grep -q 'Fagforeningshuset' &&
     pdftotext $W/b.pdf - | grep -q '20. april 2017, kl. 17:00'"
pdftoppm -r 200 -gray -f 2 -l 2 -png -singlefile "$W/b.pdf" "$W/b2"
check "flyer: its QR code leads to the given url" sh -c \
    "test \"\$(zbarimg -q --raw $W/b2.png)\" = https://fiktiv.example.dk"
bad() {
	want=$1
	shift
	$F "$@" > "$W/out" 2> "$W/err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q -- "$want" "$W/err" && [ ! -e "$W/x.pdf" ]; then
		pass "flyer: $want (exit 2)"
	else
		fail "flyer: $want: exit $rc, $(head -c 200 "$W/err")"
	fi
}
bad "unknown organisation 'nobody'" --org nobody --area aeldre -o "$W/x.pdf"
bad "unknown area 'nowhere'" --org sosu-klubben-amager --area nowhere -o "$W/x.pdf"
bad "logo /no/such/logo.svg" --name X --logo /no/such/logo.svg --area aeldre -o "$W/x.pdf"
bad "not an SVG, PNG or JPEG" --name X --logo README.md --area aeldre -o "$W/x.pdf"
bad "bad size 'B9'" --org sosu-klubben-amager --area aeldre --size B9 -o "$W/x.pdf"
bad "bad --date" --name X --area aeldre --date 2017-02-30 -o "$W/x.pdf"
bad "bad --time" --name X --area aeldre --date 2017-03-01 --time 25:00 -o "$W/x.pdf"
bad "has messages 1 to" --org sosu-klubben-amager --area aeldre --message 9 -o "$W/x.pdf"
bad "unknown event 'never'" --org sosu-klubben-amager --area aeldre --event never -o "$W/x.pdf"
bad "-o FILE.pdf is required" --org sosu-klubben-amager --area aeldre
bad "--url must start with" --name X --area aeldre --url javascript:x -o "$W/x.pdf"
bad "layout org-flyer comes in A5, A6, not A4" --org sosu-klubben-amager --area aeldre --size A4 -o "$W/x.pdf"
bad "--org or --name, not both" --org sosu-klubben-amager --name X --area aeldre -o "$W/x.pdf"
# Help on each command, on stdout, and every option of it in the man page.
for cmd in build flyer new serve; do
	if $RALLY $cmd --help > "$W/help" 2> "$W/err" &&
	    grep -q "^usage: rally $cmd" "$W/help" && [ ! -s "$W/err" ]; then
		pass "$cmd --help: its usage, exit 0"
	else
		fail "$cmd --help: $(head -c 200 "$W/err")"
	fi
	missing=
	for o in $(grep -o -- '--[a-z]*' "$W/help" | sort -u); do
		grep -q "Fl -${o#--}\\b" generator/rally.1 ||
		    missing="$missing $o"
	done
	check "$cmd: every option of --help is in the man page${missing:+ (not:$missing)}" \
	    test -z "$missing"
done

# The logo kit: one logo, in each area's colour, as SVG, PNG and PDF.
[ -d "$OUT/logo" ] || exit 0	# a web-only build (LIGHT)
n=0
for svg in "$OUT"/logo/*.svg; do
	b=${svg%.svg}
	if xmllint --noout "$svg" 2>/dev/null && [ -f "$b.png" ] &&
	    pdfinfo "$b.pdf" >/dev/null 2>&1; then
		n=$((n + 1))
	else
		fail "logo kit: $(basename "$b") as SVG, PNG and PDF"
	fi
done
check "logo kit: $n logos as SVG, PNG and PDF (one per area, and the alliance's)" \
    test "$n" -eq "$(($(ls content/areas/*.md | wc -l) + 1))"
check "logo kit: each PNG wears its area's colour" python3 - "$OUT" <<'EOP'
import glob, os, re, sys
sys.path.insert(0, "tests")
import png
out = sys.argv[1]
for md in glob.glob("content/areas/*.md"):
    slug = os.path.basename(md)[:-3]
    want = re.search(r'^color:\s*"?#([0-9a-fA-F]{6})', open(md, encoding="utf-8").read(), re.M).group(1)
    w, h, rows = png.read(os.path.join(out, "logo", slug + ".png"))
    px = rows[int(h * 0.9)][int(w * 0.5) * 3:int(w * 0.5) * 3 + 3]
    if any(abs(px[i] - int(want[2 * i:2 * i + 2], 16)) > 8 for i in range(3)):
        sys.exit("%s: %s, want #%s" % (slug, bytes(px).hex(), want))
EOP
# Proof sheets, for approval before printing.
for d in "$OUT"/print/orgs/*/; do
	org=$(basename "$d")
	check "proof: $org as a PDF page and a PNG" sh -c \
	    "pdfinfo $d/proof.pdf | grep -Eq '^Pages: +1' && test -s $d/proof.png"
done
check "proof: the organisation's page links its proof and material" sh -c \
    "grep -q 'print/orgs/sosu-klubben-amager/proof.pdf' $OUT/orgs/sosu-klubben-amager/index.html &&
     grep -q 'aeldre-org-flyer-a5.pdf' $OUT/orgs/sosu-klubben-amager/index.html"
check "downloads: the logo kit and social images are listed" sh -c \
    "grep -q 'logo/skole.svg' $OUT/downloads/index.html &&
     grep -q 'social/skole/social-square-1-1080x1080.png' $OUT/downloads/index.html"
