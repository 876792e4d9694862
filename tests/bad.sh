#!/bin/sh
# Bad input: each case breaks a copy of the fixture site, then asserts
# exit status 1, the file (and line) in the message, the previous out/
# unchanged, and nothing written outside out/.
. tests/lib.sh
W=tests/work/bad
rm -rf "$W"
mkdir -p "$W"
cp -r tests/fixture "$W/base"
# Under valgrind (LIGHT) the previous out/ is the website alone.
ONLYB=
[ -n "$LIGHT" ] && ONLYB="--only web"
if ! SOURCE_DATE_EPOCH=1489104000 $RALLY build -q $ONLYB --root "$W/base"; then
	fail "bad: the fixture builds before it is broken"
	exit 0
fi
RALLY_ABS=$(cd "$(dirname "$RALLY")" && pwd)/$(basename "$RALLY")
n=0

# case NAME EXPECTED-REGEX SHELL-MUTATION [SECONDS]: in SECONDS (x30
# under the sanitizers and valgrind), or it fails.
case_() {
	name=$1 want=$2 mut=$3 secs=${4:-600}
	[ -n "$REPLAY" ] && secs=$((secs * 30))
	n=$((n + 1))
	# Under valgrind (LIGHT), a third of the cases, each kind still
	# among them: all 94 take ten minutes there; under the sanitizers
	# the other two thirds.  Every case runs under make test and under
	# one of the two memory checkers.
	[ -n "$LIGHT" ] && [ $((n % 3)) -ne 1 ] && return
	[ -n "$REPLAY" ] && [ -z "$LIGHT" ] && [ $((n % 3)) -eq 1 ] && return
	d="$W/$n"
	cp -a "$W/base" "$d"
	(cd "$d" && sh -c "$mut") || { fail "bad $name: mutation"; return; }
	snapshot "$d/out" > "$d.before"
	(cd "$d" && find . -path ./out -prune -o -print | sort) > "$d.tree1"
	(cd "$d" && SOURCE_DATE_EPOCH=1489104000 timeout "$secs" \
	    "$RALLY_ABS" build > "../$n.stdout" 2> "../$n.stderr")
	rc=$?
	snapshot "$d/out" > "$d.after"
	(cd "$d" && find . -path ./out -prune -o -print | sort) > "$d.tree2"
	if [ $rc -eq 124 ]; then
		fail "bad $name: not done in $secs s"
	elif [ $rc -ne 1 ]; then
		fail "bad $name: exit status $rc, not 1"
	elif ! grep -Eq "$want" "$d.stderr"; then
		fail "bad $name: no /$want/ in: $(head -c 300 "$d.stderr")"
	elif ! cmp -s "$d.before" "$d.after"; then
		fail "bad $name: out/ changed"
	elif ! cmp -s "$d.tree1" "$d.tree2"; then
		fail "bad $name: wrote outside out/"
	elif grep -Ev '^(==|--)[0-9]+(==|--)' "$d.stderr" | sort | uniq -d |
	    grep -q .; then
		# One error of the content, once: not once per sheet.  (Lines
		# of valgrind's own, "==pid==" and "--pid--", are not rally's.)
		fail "bad $name: a line printed twice: $(sort "$d.stderr" | uniq -d | head -1)"
	else
		pass "bad $name"
	fi
}

E='error: '
case_ "YAML: a colour unquoted is a comment" "^content/areas/eldre.md:3:7: ${E}'color' is empty: YAML reads #aa2200 as a comment; put it in quotes: color: \"#aa2200\"" \
    "sed -i 's/^color: \"#aa2200\"/color: #aa2200/' content/areas/eldre.md"
case_ "YAML: language: no is false" "^content/site.yml:6:11: ${E}'language' must be text: YAML reads no as false; put it in quotes: language: \"no\"" \
    "sed -i 's/^language: nb/language: no/' content/site.yml"
case_ "YAML: a tab" "^content/om-oss.md:3:1: ${E}YAML: a tab: indent with spaces" \
    "printf -- '---\ntitle: Om\n\ttags: [a]\n---\nx\n' > content/om-oss.md"
case_ "link: a page the site does not have" "^content/om-oss.md:6:7: ${E}link to '/finnes-ikke/': the site has no such page" \
    "printf -- '---\ntitle: Om\n---\nx\n\nSe da [her](/finnes-ikke/).\n' > content/om-oss.md"
case_ "link: an image that is not there" "^content/om-oss.md:4:3: ${E}image '/assets/bilde.png' is not in the site" \
    "printf -- '---\ntitle: Om\n---\nA ![bilde](/assets/bilde.png)\n' > content/om-oss.md"
case_ "link: the menu" "^content/site.yml:[0-9]+:10: ${E}the menu links to '/ingen/'" \
    "printf 'nav:\n  - title: Hjem\n    url: /\n  - title: Feil\n    url: /ingen/\n' >> content/site.yml"
case_ "YAML syntax" "^content/om-oss.md:[0-9]+:[0-9]+: ${E}YAML" \
    "printf -- '---\ntitle: [Om\n---\nx\n' > content/om-oss.md"
case_ "missing title" "^content/om-oss.md:2:1: ${E}missing required key 'title'" \
    "printf -- '---\ntags: [a]\n---\nx\n' > content/om-oss.md"
case_ "title is a list" "^content/om-oss.md:2:8: ${E}'title' must be text" \
    "printf -- '---\ntitle: [a, b]\n---\nx\n' > content/om-oss.md"
case_ "front matter not closed" "^content/om-oss.md:1:1: ${E}front matter is not closed" \
    "printf -- '---\ntitle: a\n' > content/om-oss.md"
case_ "duplicate key" "^content/om-oss.md:3:1: ${E}YAML: duplicate key 'title'" \
    "printf -- '---\ntitle: a\ntitle: b\n---\nx\n' > content/om-oss.md"
case_ "front matter is a list" "^content/om-oss.md:2:1: ${E}front matter must be a map" \
    "printf -- '---\n- a\n---\nx\n' > content/om-oss.md"
# Limits of the content (README): too long is an error at the field.
case_ "limit: site title" "^content/site.yml:3:8: ${E}title is 61 characters, more than the 60" \
    "sed -i 's/^title: .*/title: $(python3 -c 'print(("Velferd Bergen " * 5)[:61])')/' content/site.yml"
case_ "limit: area headline" "^content/areas/eldre.md:4:11: ${E}headline is 91 characters, more than the 90" \
    "sed -i 's/^headline: .*/headline: $(python3 -c 'print(("Tid til omsorg " * 7)[:91])')/' content/areas/eldre.md"
case_ "limit: message text" "^content/areas/eldre.md:8:11: ${E}text is 281 characters, more than the 280" \
    "sed -i 's/^    text: Flere.*/    text: $(python3 -c 'print(("Flere eldre trenger flere hender " * 9)[:281])')/' content/areas/eldre.md"
case_ "limit: organisation name" "^content/orgs/klubben.md:2:7: ${E}name is 81 characters, more than the 80" \
    "sed -i 's/^name: .*/name: $(python3 -c 'print(("Helseklubben Bergen " * 5)[:81])')/' content/orgs/klubben.md"
case_ "limit: event place" "^content/events/allmote.md:6:8: ${E}place is 121 characters, more than the 120" \
    "sed -i 's/^place: .*/place: $(python3 -c 'print(("Folkets hus " * 12)[:121])')/' content/events/allmote.md"
case_ "limit: a word of 46 letters" "^content/events/allmote.md:2:8: ${E}title has a word of 46 letters" \
    "sed -i 's/^title: .*/title: Allmøte $(python3 -c 'print("eldreomsorg" * 4 + "be")')/' content/events/allmote.md"
case_ "limit: a slogan" "^content/site.yml:8:29: ${E}a slogan is at most 40 characters" \
    "sed -i 's/^slogans: .*/slogans: [Velferd for alle, $(python3 -c 'print("Nei til kutt " * 4)')]/' content/site.yml"
case_ "limit: nine messages" "^content/areas/eldre.md:[0-9]+:5: ${E}an area has at most 8 messages" \
    "python3 -c \"import re; p='content/areas/eldre.md'; s=open(p).read(); s=s.replace('messages:\\n', 'messages:\\n' + '  - {headline: a, text: b}\\n' * 8); open(p, 'w').write(s)\""
case_ "limit: tagline" "^content/site.yml:4:10: ${E}tagline is 141 characters, more than the 140" \
    "sed -i 's/^tagline: .*/tagline: $(python3 -c 'print(("Nei til kutt " * 12)[:141])')/' content/site.yml"
case_ "limit: hashtag" "^content/site.yml:7:10: ${E}hashtag is 31 characters, more than the 30" \
    "sed -i 's/^hashtag: .*/hashtag: \"#$(python3 -c 'print(("Velferd" * 5)[:30])')\"/' content/site.yml"
case_ "limit: site contact" "^content/site.yml:11:10: ${E}email is 81 characters, more than the 80" \
    "sed -i 's/^  email: .*/  email: $(python3 -c 'print("p" * 69)')@example.org/' content/site.yml"
case_ "limit: base_url" "^content/site.yml:5:11: ${E}base_url is 101 characters, more than the 100" \
    "sed -i 's|^base_url: .*|base_url: https://example.org/$(python3 -c 'print("v" * 81)')|' content/site.yml"
case_ "limit: area title" "^content/areas/eldre.md:2:8: ${E}title is 41 characters, more than the 40" \
    "sed -i 's/^title: .*/title: $(python3 -c 'print(("Eldreomsorg " * 4)[:41])')/' content/areas/eldre.md"
case_ "limit: event title" "^content/events/allmote.md:2:8: ${E}title is 91 characters, more than the 90" \
    "sed -i 's/^title: .*/title: $(python3 -c 'print(("Allmøte i Bergen " * 6)[:91])')/' content/events/allmote.md"
case_ "limit: event address" "^content/events/allmote.md:7:10: ${E}address is 121 characters, more than the 120" \
    "sed -i 's/^address: .*/address: $(python3 -c 'print(("Bergen " * 18)[:121])')/' content/events/allmote.md"
case_ "limit: event kind" "^content/events/allmote.md:10:7: ${E}kind is 41 characters, more than the 40" \
    "sed -i 's/^kind: .*/kind: $(python3 -c 'print(("møte " * 9)[:41])')/' content/events/allmote.md"
case_ "limit: organisation contact" "^content/orgs/klubben.md:5:10: ${E}contact is 121 characters, more than the 120" \
    "sed -i 's/^contact: .*/contact: $(python3 -c 'print(("Ring oss " * 14)[:121])')/' content/orgs/klubben.md"
case_ "limit: page title" "^content/om-oss.md:2:8: ${E}title is 121 characters, more than the 120" \
    "sed -i 's/^title: .*/title: $(python3 -c 'print(("Om oss " * 18)[:121])')/' content/om-oss.md"
case_ "print_layouts names no layout" "^content/site.yml:[0-9]+:25: ${E}no print layout 'postre'" \
    "echo 'print_layouts: [poster, postre]' >> content/site.yml"
case_ "unknown time zone" "^content/site.yml:[0-9]+:11: ${E}unknown time zone 'Europe/Bergen'" \
    "echo 'timezone: Europe/Bergen' >> content/site.yml"
case_ "bad date" "^content/events/allmote.md:3:7: ${E}bad date '2017-02-30'" \
    "sed -i 's/date: 2017-03-02/date: 2017-02-30/' content/events/allmote.md"
case_ "date in the wrong order" "^content/press/kutt.md:3:7: ${E}bad date '01-02-2017'" \
    "sed -i 's/date: 2017-02-01/date: 01-02-2017/' content/press/kutt.md"
case_ "bad time" "^content/events/allmote.md:4:7: ${E}bad time '25:00'" \
    "sed -i 's/time: \"18:00\"/time: \"25:00\"/' content/events/allmote.md"
case_ "ends before it begins" "^content/events/allmote.md:5:6: ${E}event ends" \
    "sed -i 's/end: \"20:00\"/end: \"17:00\"/' content/events/allmote.md"
N=$(($(wc -l < tests/fixture/content/site.yml) + 1))
case_ "nav not a list" "^content/site.yml:$N:6: ${E}'nav' must be a list" \
    "printf 'nav: Hjem\n' >> content/site.yml"
case_ "nav: unsafe URL" "^content/site.yml:$((N + 2)):10: ${E}unsafe URL 'javascript:x'" \
    "printf 'nav:\n  - title: Hjem\n    url: \"javascript:x\"\n' >> content/site.yml"
case_ "unknown area" "^content/events/allmote.md:8:7: ${E}unknown area 'skole'" \
    "sed -i 's/area: eldre/area: skole/' content/events/allmote.md"
case_ "unknown organisation" "^content/events/allmote.md:9:6: ${E}unknown organisation" \
    "sed -i 's/org: klubben/org: nobody/' content/events/allmote.md"
case_ "org names an unknown area" "^content/orgs/klubben.md:3:16: ${E}unknown area 'skole'" \
    "sed -i 's/areas: \[eldre, barnehage\]/areas: [eldre, skole]/' content/orgs/klubben.md"
case_ "area without messages" "^content/areas/barnehage.md:2:1: ${E}'messages' must be a list" \
    "sed -i '/messages:/d; /Flere voksne per barn/d' content/areas/barnehage.md"
case_ "bad colour" "^content/areas/eldre.md:3:8: ${E}'color' must be a colour" \
    "sed -i 's/color: \"#aa2200\"/color: red/' content/areas/eldre.md"
case_ "bad slug" "^content/om-oss.md:3:7: ${E}slug 'Om Oss'" \
    "sed -i 's/^title: Om oss/title: Om oss\nslug: Om Oss/' content/om-oss.md"
case_ "file name not a slug" "^content/Om Oss.md: ${E}file name" \
    "mv content/om-oss.md 'content/Om Oss.md'"
case_ "page name taken by a section" "^content/events.md: ${E}page name 'events'" \
    "printf -- '---\ntitle: E\n---\n' > content/events.md"
case_ "javascript: link" "^content/om-oss.md:14:1: ${E}unsafe URL 'javascript:" \
    "printf '\n[klikk](javascript:alert(1))\n' >> content/om-oss.md"
case_ "logo outside the campaign" "^content/site.yml:9:7: ${E}'logo' must be a path under assets/" \
    "sed -i 's|logo: assets/logos/mark.svg|logo: ../../../etc/passwd|' content/site.yml"
case_ "logo symlink out of the campaign" "^content/site.yml:9:7: ${E}'logo': assets/logos/mark.svg does not exist inside" \
    "rm assets/logos/mark.svg && ln -s /etc/hostname assets/logos/mark.svg"
case_ "content file symlinked out" "^content/press/leak.md: ${E}a link to outside the campaign" \
    "ln -s /etc/hostname content/press/leak.md"
case_ "missing logo file" "^content/site.yml:9:7: ${E}'logo': assets/logos/mark.svg does not exist" \
    "rm assets/logos/mark.svg"
case_ "no base_url" "^content/site.yml:[0-9]+:1: ${E}missing required key 'base_url'" \
    "sed -i '/^base_url/d' content/site.yml"
case_ "base_url not http" "^content/site.yml:5:11: ${E}base_url must start" \
    "sed -i 's|base_url: https://example.org/vest/|base_url: ftp://example.org/|' content/site.yml"
case_ "social link not http" "^content/site.yml:14:10: ${E}'url' must be a web address" \
    "sed -i 's|url: https://social.example.org/@vest|url: javascript:alert(1)|' content/site.yml"
case_ "no site.yml" "^content/site.yml: ${E}missing" \
    "rm content/site.yml"
case_ "YAML alias bomb" "^content/om-oss.md:[0-9]+:[0-9]+: ${E}YAML: aliases expand" \
    "printf -- '---\ntitle: x\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n---\n' > content/om-oss.md"
case_ "invalid UTF-8 in front matter" "^content/om-oss.md:[0-9]+:[0-9]+: ${E}YAML" \
    "printf -- '---\ntitle: \377\376\n---\n' > content/om-oss.md"
case_ "tag without letters" "^content/om-oss.md:3:[0-9]+: ${E}tag '!!!'" \
    "sed -i 's/tags: \[Organisering, Økonomi\]/tags: [\"!!!\"]/' content/om-oss.md"
case_ "malformed web layout" "^layouts/web/page.html:3:[0-9]+: ${E}" \
    "mkdir -p layouts/web && printf '<html>\n<p>\n</html>\n' > layouts/web/page.html"
case_ "unknown name in a layout" "^layouts/web/page.html:2: ${E}unknown name 'pgae'" \
    "mkdir -p layouts/web && printf '<html>\n<h1 data-text=\"pgae.title\">x</h1>\n</html>\n' > layouts/web/page.html"
case_ "layout with an entity declaration" "^layouts/web/page.html: ${E}entity declarations" \
    "mkdir -p layouts/web && printf '<!DOCTYPE html [<!ENTITY x \"y\">]>\n<html>&x;</html>\n' > layouts/web/page.html"
case_ "Markdown nested too deep" "^content/om-oss.md:[0-9]+:[0-9]+: ${E}Markdown nested deeper than 64 levels" \
    "python3 -c 'print(\"---\\ntitle: a\\n---\\n\" + \"> \" * 100 + \"x\")' > content/om-oss.md"
case_ "YAML nested too deep" "^content/om-oss.md:[0-9]+:[0-9]+: ${E}YAML.*nested deeper than 64" \
    "python3 -c 'print(\"---\\ntitle: a\\nx: \" + \"[\" * 100 + \"]\" * 100 + \"\\n---\\nx\")' > content/om-oss.md"
case_ "two files with one slug" "^content/press/(kutt|markering).md(:[0-9]+:[0-9]+)?: ${E}slug .markering. is already used by content/press/(kutt|markering).md" \
    "sed -i 's/^title: \\(.*\\)/title: \\1\\nslug: markering/' content/press/kutt.md"
case_ "layout that includes itself" "^layouts/web/page.html:[0-9]+(:[0-9]+)?: ${E}includes nested deeper than" \
    "mkdir -p layouts/web && printf '<div data-include=\"page\">x</div>' > layouts/web/page.html"
case_ "file too large" "^content/om-oss.md: ${E}.*file too large" \
    "head -c 9000000 /dev/zero | tr '\\\\0' a >> content/om-oss.md"
# Errors that name the file to change (issue 14).
case_ "two layouts writing one file: both named" "^layouts/print/poster-1.xml: ${E}two files would be written to print/eldre/poster-1-a4.pdf: one made from .*layouts/print/poster.xml \\(for content/areas/eldre.md\\), one from layouts/print/poster-1.xml \\(for content/areas/eldre.md\\)" \
    "mkdir -p layouts/print && printf '<layout per=\"area\" sizes=\"A4\">\\n<page>\\n<rect x=\"0\" y=\"0\" w=\"1\" h=\"1\"/>\\n</page>\\n</layout>\\n' > layouts/print/poster-1.xml"
case_ "site.yml with a byte order mark: read, lines right" "^content/site.yml:1:8: ${E}title is 61 characters" \
    "sed -i '/^#/d; s/^title: .*/title: $(python3 -c 'print(("Velferd Bergen " * 5)[:61])')/' content/site.yml && printf '\\357\\273\\277' | cat - content/site.yml > s && mv s content/site.yml"
case_ "site contact: email as a list" "^content/site.yml:11:10: ${E}'email' must be text, not a list" \
    "sed -i 's/^  email: .*/  email: [a@example.org, b@example.org]/' content/site.yml"
case_ "organisation contact as a map" "^content/orgs/klubben.md:5:10: ${E}'contact' must be text, not a map" \
    "sed -i 's/^contact: .*/contact: {email: [a@example.org, b@example.org]}/' content/orgs/klubben.md"
case_ "an area that is a draft" "^content/events/allmote.md:8:7: ${E}area 'eldre' is a draft \\(draft: true in content/areas/eldre.md\\).*--drafts" \
    "sed -i 's/^title: \\(.*\\)/title: \\1\\ndraft: true/' content/areas/eldre.md"
case_ "YAML merge key" "^content/om-oss.md:4:1: ${E}YAML: merge keys \\('<<'\\) are not supported" \
    "printf -- '---\\nbase: &b {title: Om}\\ntags: [a]\\n<<: *b\\n---\\nx\\n' > content/om-oss.md"
# Lookups by name are by hash: 50 000 tags in one file (each a page with
# an Open Graph card to plan), 500 pages of 100 tags, a map of 30 000
# keys and 5 000 anchors took minutes when each was a scan.  The broken
# link stops the build after planning, before 50 000 pages are written.
case_ "50 000 tags, a map of 30 000 keys: seconds, not minutes" "^content/om-oss.md:[0-9]+:[0-9]+: ${E}link to '/finnes-ikke/'" \
    "printf '\\nSe [her](/finnes-ikke/).\\n' >> content/om-oss.md && python3 -c \"W = lambda p, s: open(p, 'w').write('---\\n' + s + '---\\nx\\n'); W('content/many.md', 'title: Many\\ntags: [' + ', '.join('t%d' % i for i in range(50000)) + ']\\n'); W('content/keys.md', 'title: Keys\\n' + ''.join('k%d: v\\n' % i for i in range(30000)) + ''.join('a%d: &a%d [1]\\nr%d: *a%d\\n' % (i, i, i, i) for i in range(5000))); [W('content/p%d.md' % p, 'title: P%d\\ntags: [' % p + ', '.join('u%d' % (p * 100 + i) for i in range(100)) + ']\\n') for p in range(500)]\"" 20
# Template expansion is bounded in work: five data-each over a list of
# 40 would make 100 million elements (and take all memory first).
case_ "layout: data-each nested five deep" "^layouts/web/page.html:3: ${E}the layout makes more than [0-9]+ nodes or 64 MB of HTML for content/om-oss.md" \
    "sed -i '2i xs: [$(seq -s, 40)]' content/om-oss.md && mkdir -p layouts/web && printf '<html>\n<body>\n<div data-each=\"a in page.xs\"><div data-each=\"b in page.xs\"><div data-each=\"c in page.xs\"><div data-each=\"d in page.xs\"><p data-each=\"e in page.xs\" data-text=\"e\">x</p></div></div></div></div>\n</body>\n</html>\n' > layouts/web/page.html"

# Print layouts: each case gives the fixture fonts and one layout, the
# only one it makes (print_layouts).
TOP=$(pwd)
LAY() {
	printf 'mkdir -p layouts/print assets && cp -r %s/assets/fonts assets/ && echo "print_layouts: [t]" >> content/site.yml && cat > layouts/print/t.xml <<EOM\n<layout sizes="%s" per="message">\n<page>\n%s\n</page>\n</layout>\nEOM\n' "$TOP" "$1" "$2"
}
case_ "print: content that cannot fit, at the content" \
    "^content/areas/(barnehage|eldre).md:[0-9]+:1[56]: ${E}headline (does|and the texts set with it do) not fit the t A6 even at its smallest size .*layout t, frame 'h', size A6" \
    "$(LAY A6 '<text id="h" x="0.1" y="0.1" w="0.1" h="0.02" font="Inter" max="0.1" min="0.05">{message.headline}</text>')"
case_ "print: layout text that cannot fit, at the layout" \
    "^layouts/print/t.xml:3: ${E}text does not fit at the minimum size .*layout t, frame 'h', size A6" \
    "$(LAY A6 '<text id="h" x="0.1" y="0.1" w="0.1" h="0.02" font="Inter" max="0.1" min="0.05">Kom og bli med oss i dag</text>')"
case_ "print: missing SVG" "^layouts/print/t.xml:3: ${E}assets/nope.svg does not exist" \
    "$(LAY A6 '<svg x="0.1" y="0.1" w="0.5" h="0.5" src="assets/nope.svg"/>')"
case_ "print: corrupt SVG" "^layouts/print/t.xml:3: ${E}assets/bad.svg: not (a usable SVG|an SVG image)" \
    "$(LAY A6 '<svg x="0.1" y="0.1" w="0.5" h="0.5" src="assets/bad.svg"/>')
printf '<svg><g>' > assets/bad.svg"
case_ "print: corrupt PNG" "^layouts/print/t.xml:3: ${E}assets/bad.png: not a usable PNG or JPEG" \
    "$(LAY A6 '<image x="0.1" y="0.1" w="0.5" h="0.5" src="assets/bad.png"/>')
printf 'not a png' > assets/bad.png"
case_ "print: unknown font" "^layouts/print/t.xml:3: ${E}unknown font 'Comic Sans'" \
    "$(LAY A6 '<text x="0.1" y="0.1" w="0.5" h="0.5" font="Comic Sans" max="0.1">x</text>')"
case_ "print: bad size" "^layouts/print/t.xml:1: ${E}bad size 'B7'" \
    "$(LAY 'A6 B7' '<rect x="0" y="0" w="1" h="1"/>')"
case_ "print: size too small" "^layouts/print/t.xml:1: ${E}bad size '1x1cm'" \
    "$(LAY '1x1cm' '<rect x="0" y="0" w="1" h="1"/>')"
case_ "print: malformed layout XML" "^layouts/print/t.xml:[0-9]+:[0-9]+: ${E}" \
    "$(LAY A6 '<rect x="0" y="0" w="1" h="1">')"
case_ "print: text outside the safe zone" "^layouts/print/t.xml:3: ${E}text frame leaves the safe zone" \
    "$(LAY A6 '<text x="0" y="0" w="0.5" h="0.5" font="Inter" max="0.1">x</text>')"
case_ "print: QR code's quiet zone outside the safe zone" "^layouts/print/t.xml:3: ${E}the QR code with its quiet zone leaves the safe zone" \
    "$(LAY A6 '<qr x="0.7" y="0.7" w="0.28" h="0.28" data="x"/>')"
case_ "print: unknown hashtag font" "^layouts/print/t.xml:3: ${E}unknown hashtag-font 'Comic Sans'" \
    "$(LAY A6 '<text x="0.1" y="0.1" w="0.5" h="0.5" font="Inter" hashtag-font="Comic Sans" max="0.1">x</text>')"
case_ "print: unknown frame" "^layouts/print/t.xml:3: ${E}unknown frame <circle>" \
    "$(LAY A6 '<circle x="0" y="0" w="1" h="1"/>')"
case_ "print: bad colour" "^layouts/print/t.xml:3: ${E}fill '#zzz' is not a colour" \
    "$(LAY A6 '<rect x="0" y="0" w="1" h="1" fill="#zzz"/>')"
case_ "print: SVG linked out of the campaign" "^layouts/print/t.xml:3: ${E}assets/out.svg does not exist inside" \
    "$(LAY A6 '<svg x="0.1" y="0.1" w="0.5" h="0.5" src="assets/out.svg"/>')
ln -s /etc/hostname assets/out.svg"
case_ "print: frame off the sheet" "^layouts/print/t.xml:3: ${E}<rect>: x, y, w, h must be" \
    "$(LAY A6 '<rect x="0" y="0" w="9" h="1"/>')"
case_ "print: the campaign's own broken poster wins over rally's" \
    "^layouts/print/poster.xml:[0-9]+:[0-9]+: ${E}" \
    "mkdir -p layouts/print && printf '<layout sizes=\"A4\"><page>' > layouts/print/poster.xml"
case_ "print: pixel bomb" "^layouts/print/t.xml:3: ${E}assets/bomb.png: 60000x60000 pixels is too many" \
    "$(LAY A6 '<image x="0.1" y="0.1" w="0.5" h="0.5" src="assets/bomb.png"/>')
python3 $TOP/tests/png.py bomb assets/bomb.png"
case_ "print: text too long" "^layouts/print/t.xml:3: ${E}[0-9]+ bytes of text is more than a print frame takes" \
    "$(LAY A6 '<text x="0.1" y="0.1" w="0.8" h="0.8" font="Inter" max="0.1" min="0.001">'"$(python3 -c 'print("x" * 12000)')"'</text>')"
case_ "print: corrupt font" "^assets/fonts/bad.otf: ${E}not a usable font file" \
    "$(LAY A6 '<rect x="0" y="0" w="1" h="1"/>')
printf 'not a font' > assets/fonts/bad.otf"
