#!/bin/sh
# Hyphenation: Danish compounds in a frame too narrow for them break at
# libhyphen's points (hyphen-da), and an author's soft hyphen wins.
. tests/lib.sh
W=tests/work/hyphen
rm -rf "$W"
mkdir -p "$W/content/areas" "$W/layouts/print" "$W/assets"
cp -r assets/fonts "$W/assets/"
printf 'title: Test\nbase_url: https://example.org\nlanguage: da\nprint_layouts: [narrow]\n' \
    > "$W/content/site.yml"
cat > "$W/content/areas/a.md" <<'EOM'
---
title: A
color: "#336699"
headline: x
messages:
  - headline: omprioriteringsbidraget
    text: milliardnedskæringer
  - headline: "milliard\u00ADnedskæringer"
    text: x
  - headline: milliardnedskæringer
    text: x
---
EOM
# One size, no room to shrink: the words must break.
cat > "$W/layouts/print/narrow.xml" <<'EOM'
<layout sizes="A6" per="message" bleed="3" safe="5">
  <page>
    <text id="word" x="0.1" y="0.1" w="0.55" h="0.8" font="Inter" max="0.08" min="0.08">{message.headline}</text>
  </page>
</layout>
EOM
if ! $RALLY build -q --only print --root "$W"; then
	fail "hyphen: the test campaign builds"
	exit 0
fi
t1=$(pdftotext "$W/out/print/a/narrow-1-a6.pdf" - | sed 's/\xc2\xad/-/g' | tr -d '\f' | sed '/^$/d')
t2=$(pdftotext "$W/out/print/a/narrow-2-a6.pdf" - | sed 's/\xc2\xad/-/g' | tr -d '\f' | sed '/^$/d')
joined=$(printf '%s\n' "$t1" | sed 's/-$//' | tr -d '\n')
check "hyphen: omprioriteringsbidraget breaks over lines" \
    test "$(printf '%s\n' "$t1" | wc -l)" -gt 1
check "hyphen: each line but the last ends in a hyphen" \
    sh -c "printf '%s\n' \"$t1\" | sed '\$d' | grep -vq -- '-\$' && exit 1 || exit 0"
check "hyphen: the parts join into the word" \
    test "$joined" = "omprioriteringsbidraget"
# libhyphen's points: om-pri-o-ri-te-rings-bi-draget
ok=1
for part in $(printf '%s\n' "$t1" | sed '$d' | sed 's/-$//'); do
	case "$part" in
	om|pri|o|ri|te|rings|bi|draget) ;;
	ompri|ompriori|omprio|omprioriteringsbi|omprioriterings|omprioriteringsbidraget) ;;
	*) # a run of syllables: check it is made of the allowed ones
	    rest=$(printf '%s' "$part" | sed -E 's/^(om|pri|o|ri|te|rings|bi|draget)+$//')
	    [ -n "$rest" ] && ok=0 ;;
	esac
done
check "hyphen: breaks only at libhyphen's points" test $ok = 1
t3=$(pdftotext "$W/out/print/a/narrow-3-a6.pdf" - | sed 's/\xc2\xad/-/g' | tr -d '\f' | sed '/^$/d')
check "hyphen: milliardnedskæringer breaks, at libhyphen's points" \
    sh -c "printf '%s\n' \"$t3\" | head -1 | grep -Eqx '(mil|milli|milliard|milliardnedskæ|milliardnedskæring)-' && test \"\$(printf '%s\n' \"$t3\" | sed 's/-\$//' | tr -d '\n')\" = milliardnedskæringer"
check "hyphen: an author's soft hyphen wins (milliard-/nedskæringer)" \
    test "$(printf '%s\n' "$t2" | head -1)" = "milliard-"

# Every language rally has words for hyphenates with its own patterns
# (Debian's hyphen-*): the dictionary loads, a long word breaks at a
# hyphen, and its parts join into the word.
for lw in "nb sykehusomstillingene" "nn arbeidsmiljølovgjevinga" \
    "sv arbetsmiljölagstiftningen" "de Kommunalverwaltungsreform" \
    "en incomprehensibilities"; do
	lang=${lw%% *}
	word=${lw#* }
	L="$W-$lang"
	rm -rf "$L"
	mkdir -p "$L/content/areas" "$L/layouts/print"
	cp "$W/layouts/print/narrow.xml" "$L/layouts/print/"
	printf 'title: T\nbase_url: https://example.org\nlanguage: %s\nprint_layouts: [narrow]\n' \
	    "$lang" > "$L/content/site.yml"
	printf -- '---\ntitle: A\ncolor: "#336699"\nheadline: x\nmessages:\n  - {headline: %s, text: x}\n---\n' \
	    "$word" > "$L/content/areas/a.md"
	if ! $RALLY build -q --only print --root "$L" 2> "$L.err"; then
		fail "hyphen: $lang: the test campaign builds: $(cat "$L.err")"
		continue
	fi
	t=$(pdftotext "$L/out/print/a/narrow-1-a6.pdf" - | sed 's/\xc2\xad/-/g' | tr -d '\f' | sed '/^$/d')
	check "hyphen: $lang: the dictionary loads" \
	    sh -c "! grep -q 'hyphenation dictionary' $L.err"
	check "hyphen: $lang: $word breaks at a hyphen" \
	    sh -c "printf '%s\n' \"$t\" | head -1 | grep -q -- '-\$' &&
	    test \"\$(printf '%s\n' \"$t\" | sed 's/-\$//' | tr -d '\n')\" = '$word'"
done

# A named range stays whole where the frame has room for it at a size
# not much smaller ("Vi ses / måndag–fredag / i parken"), and breaks at
# its dash, not hyphenated, where it has none.
R=$W-range
rm -rf "$R"
mkdir -p "$R/content/areas" "$R/layouts/print"
printf 'title: T\nbase_url: https://example.org\nlanguage: sv\nprint_layouts: [wide, tight]\n' \
    > "$R/content/site.yml"
printf -- '---\ntitle: A\ncolor: "#336699"\nheadline: x\nmessages:\n  - {headline: "Vi ses måndag–fredag i parken", text: x}\n---\n' \
    > "$R/content/areas/a.md"
for lw in "wide 0.8" "tight 0.5"; do
	sed "s/w=\"0.55\" h=\"0.8\" font=\"Inter\" max=\"0.08\" min=\"0.08\"/w=\"${lw#* }\" h=\"0.8\" font=\"Inter\" max=\"0.1067\" min=\"0.1067\"/" \
	    "$W/layouts/print/narrow.xml" > "$R/layouts/print/${lw%% *}.xml"
done
if $RALLY build -q --only print --root "$R" 2> "$R.err"; then
	t=$(pdftotext "$R/out/print/a/wide-1-a6.pdf" - | tr -d "\f" | tr '\n' '|')
	check "hyphen: a day range stays whole where it has room ($t)" \
	    test "$t" = "Vi ses|måndag–fredag|i parken||"
	t=$(pdftotext "$R/out/print/a/tight-1-a6.pdf" - | tr -d "\f" | sed 's/\xc2\xad/-/g' | tr '\n' '|')
	check "hyphen: ... and breaks at its dash where it has none ($t)" \
	    test "$t" = "Vi ses|måndag–|fredag i|parken||"
else
	fail "hyphen: the range campaign builds: $(cat "$R.err")"
fi

# A street and its number, a postcode and its town, stay whole and
# unhyphenated in running text where the frame has room at a size not
# much smaller (the built-in flyer: "Kanalga-/tan 43" before).
S=$W-street
rm -rf "$S"
mkdir -p "$S/content/areas"
printf 'title: Välfärdsalliansen Norrbotten och Västerbotten\nbase_url: https://example.se\nlanguage: sv\nprint_layouts: [flyer]\n' \
    > "$S/content/site.yml"
cat > "$S/content/areas/a.md" <<'EOM'
---
title: Äldreomsorgen i Skellefteå kommun
color: "#7a2048"
headline: Värdighet i äldreomsorgen
messages:
  - headline: Rätt till omsorg måndag–fredag och helger
    text: Arbetsmiljölagstiftningen gäller även hemtjänstpersonalen i Skellefteå.
  - headline: Sjuksköterskebemanningsproblematiken måste lösas
    text: Möte i Folkets hus, Kanalgatan 43, 931 31 Skellefteå, kl. 18.30–20.00.
---
EOM
if $RALLY build -q --only print --root "$S" 2> "$S.err"; then
	for f in flyer-1-a5 flyer-1-a6 flyer-2-a5; do
		t=$(pdftotext "$S/out/print/a/$f.pdf" - | sed 's/\xc2\xad/-/g' | tr '\n' '|')
		check "hyphen: $f keeps 'Kanalgatan 43' and '931 31 Skellefteå' whole" \
		    sh -c "printf '%s' '$t' | grep -q 'Kanalgatan 43' &&
		    printf '%s' '$t' | grep -q '931 31 Skellefteå'"
	done
else
	fail "hyphen: the street campaign builds: $(cat "$S.err")"
fi
