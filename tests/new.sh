#!/bin/sh
# rally new: in each language a starter campaign that builds the site and
# the whole print set with no warning, every word of it in its language,
# every frame's text inside its frame; and clear refusals.
. tests/lib.sh
W=tests/work/new
rm -rf "$W"
mkdir -p "$W"
RALLY_ABS=$(cd "$(dirname "$RALLY")" && pwd)/$(basename "$RALLY")
LANGS=${LIMIT_LANGS:-da nb nn sv de en}
for l in $LANGS; do
	d="$W/$l"
	if ! SOURCE_DATE_EPOCH=1489104000 $RALLY new "$d" --lang $l > "$W/$l.out"; then
		fail "new $l: rally new"
		continue
	fi
	check "new $l: a commented site.yml in $l" sh -c \
	    "grep -q '^language: $l\$' $d/content/site.yml &&
	     test \$(grep -c '^#' $d/content/site.yml) -ge 10"
	# Built from inside, as a user does; -q is not given: no warnings.
	ONLY=
	[ -n "$LIGHT" ] && ONLY="--only web"
	if (cd "$d" && SOURCE_DATE_EPOCH=1489104000 "$RALLY_ABS" build $ONLY \
	    > ../$l.stdout 2> ../$l.stderr) &&
	    ! grep -v '^rally: built' "$W/$l.stderr" | grep -q .; then
		pass "new $l: builds with no warning"
	else
		fail "new $l: build: $(head -c 300 "$W/$l.stderr")"
		continue
	fi
	about=$(basename "$(ls "$d"/content/*.md | grep -v '/index.md$')" .md)
	check "new $l: a home page with the next event and an about page" sh -c \
	    "grep -q 'href=\"/events/' $d/out/index.html &&
	     test -f $d/out/$about/index.html"
	check "new $l: the organisation's e-mail linked on its page" sh -c \
	    "grep -q '<dd><a href=\"mailto:[^\"]*@' $d/out/orgs/*/index.html"
	python3 tests/check_site.py "$d/out" "$d" > "$W/$l.site" 2>&1
	check "new $l: the site's links, pages and feeds ($(grep -c '^PASS' "$W/$l.site") checks)" \
	    sh -c "! grep -q '^FAIL' $W/$l.site && grep -q '^PASS' $W/$l.site"
	[ -n "$LIGHT" ] && continue
	check "new $l: the whole print set (23 PDFs and the timeline, logo kit, proof)" sh -c \
	    "test \$(find $d/out/print -name '*.pdf' ! -name '*up.pdf' \
	     ! -name '*-tiles.pdf' | wc -l) -eq 25 &&
	     test -f $d/out/logo/alliance.svg &&
	     test \$(find $d/out/print/orgs -name proof.pdf | wc -l) -eq 1"
	python3 tests/check_frames.py "$d/out" "$d" $l --strict > "$W/$l.frames" 2>&1
	check "new $l: every word inside its frame, in $l ($(grep -c '^PASS' "$W/$l.frames") checks)" \
	    sh -c "! grep -q '^FAIL' $W/$l.frames && grep -q '^PASS' $W/$l.frames"
done
# A new campaign in $1 whose site.yml's contact is $2 (YAML, in place
# of the scaffold's contact map).
new_contact() {
	rm -rf "$1"
	$RALLY new "$1" --lang da > /dev/null || return 1
	python3 - "$1/content/site.yml" "$2" <<'EOF'
import re, sys
p, yml = sys.argv[1], sys.argv[2]
s = open(p, encoding="utf-8").read()
s, n = re.subn(r"(?m)^contact:\n(?:  .*\n)+", yml + "\n", s)
assert n == 1, "no contact map in site.yml"
open(p, "w", encoding="utf-8").write(s)
EOF
}
# contact: as one text, in each of its three readings: the footer
# links or shows it, and the flyer's back prints it.
for c in "kontakt@example.dk|mailto:kontakt@example.dk" \
    "+45 70 30 00 00|href=\"tel:+4570300000\">+45 70 30 00 00<" \
    "Ring til Lene på 70 30 00 00|>Ring til Lene på 70 30 00 00<"; do
	text=${c%%|*}
	want=${c#*|}
	d="$W/contact"
	new_contact "$d" "contact: \"$text\"" || { fail "contact: rally new"; break; }
	ONLY=
	[ -n "$LIGHT" ] && ONLY="--only web"
	if ! SOURCE_DATE_EPOCH=1489104000 $RALLY build -q $ONLY --root "$d" \
	    2> "$W/contact.stderr"; then
		fail "contact \"$text\": build: $(head -c 300 "$W/contact.stderr")"
		continue
	fi
	check "contact \"$text\": in the site's footer" \
	    grep -qF "$want" "$d/out/index.html"
	[ -n "$LIGHT" ] && continue
	f=$(find "$d/out/print" -name 'flyer-*-a5.pdf' ! -name '*up.pdf' | head -1)
	check "contact \"$text\": on the flyer's back" sh -c \
	    "pdftotext -f 2 -l 2 '$f' - | tr '\n' ' ' | grep -qF '$text'"
done
# A map's phone: its link dials the number alone, not the digits of
# what follows it (hours, a second number, an extension).
for c in "+45 70 30 00 00 (kl. 9-16)|tel:+4570300000\"" \
    "+45 70 30 00 00 / +45 20 30 40 50|tel:+4570300000\"" \
    "Ring til Anna på 70 30 00 00|<p>Ring til Anna på 70 30 00 00</p>"; do
	text=${c%%|*}
	want=${c#*|}
	d="$W/phone"
	new_contact "$d" "contact:
  phone: \"$text\"" || { fail "phone: rally new"; break; }
	check "contact: {phone: \"$text\"}: the footer links $want" sh -c \
	    "$RALLY build -q --only web --root $d && grep -qF '$want' $d/out/index.html"
done
# An organisation's contact that is a telephone number: a tel: link
# on its page, as an e-mail address is a mailto: one.
d="$W/orgphone"
rm -rf "$d"
if $RALLY new "$d" --lang nb > /dev/null; then
	sed -i 's/^contact: .*/contact: "+47 22 33 44 55"/' "$d"/content/orgs/*.md
	check "contact of an organisation: a telephone number linked on its page" sh -c \
	    "$RALLY build -q --only web --root $d &&
	     grep -q '<dd><a href=\"tel:+4722334455\">+47 22 33 44 55</a></dd>' $d/out/orgs/*/index.html"
else
	fail "orgphone: rally new"
fi
# Refusals: a directory with files in it, a language without a scaffold.
mkdir -p "$W/full"
echo x > "$W/full/keep.txt"
check "new: refuses a directory that is not empty (exit 2)" sh -c \
    "$RALLY new $W/full --lang da 2> $W/err; test \$? -eq 2 &&
     grep -q 'not empty' $W/err && test \$(ls $W/full | wc -l) -eq 1"
check "new: refuses a language it has no campaign in (exit 2)" sh -c \
    "$RALLY new $W/fi --lang fi 2> $W/err; test \$? -eq 2 &&
     grep -q 'da, nb, nn, sv, de or en' $W/err && test ! -e $W/fi"
check "new: --help" sh -c "$RALLY new --help | grep -q '^usage: rally new'"
check "new: the language of \$LANG by default" sh -c \
    "LANG=nb_NO.UTF-8 $RALLY new $W/env > /dev/null &&
     grep -q '^language: nb\$' $W/env/content/site.yml"
