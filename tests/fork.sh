#!/bin/sh
# Print's forked workers: a build of three sheets on two workers, again
# and again, never hangs.  (pango 1.50 starts fontconfig on a thread; a
# worker forked before that thread finished waited for it forever: one
# build in ten hung.  Sixty builds catch that nearly always.)  Under a
# sanitizer (REPLAY), ten: the hang is the plain run's to catch, the
# memory errors of a forked worker need only a few builds, and sixty
# were a minute of CI.
. tests/lib.sh
W=tests/work/fork
rm -rf "$W"
mkdir -p "$W/content/areas" "$W/layouts/print"
printf 'title: T\nbase_url: https://example.org\nlanguage: da\nprint_layouts: [card]\n' \
    > "$W/content/site.yml"
printf -- '---\ntitle: A\ncolor: "#336699"\nheadline: x\nmessages:\n  - {headline: Et, text: x}\n  - {headline: To, text: x}\n  - {headline: Tre, text: x}\n---\n' \
    > "$W/content/areas/a.md"
cat > "$W/layouts/print/card.xml" <<'EOM'
<layout sizes="A6" per="message" bleed="3" safe="5">
  <page>
    <text x="0.1" y="0.1" w="0.8" h="0.5" font="Inter">{message.headline}</text>
  </page>
</layout>
EOM
N=60
[ -n "$REPLAY" ] && N=10
hung=0 failed=0 i=0
while [ $i -lt $N ]; do
	rm -rf "$W/out"
	timeout -s KILL 10 $RALLY build -q -j 2 --only print --root "$W" \
	    2> "$W/err"
	case $? in
	0) ;;
	137) hung=1; i=$((i + 1)); break ;;	# one is enough
	*) failed=$((failed + 1)) ;;
	esac
	i=$((i + 1))
done
check "fork: $N print builds on two workers: none fails" test $failed = 0
if [ $hung = 0 ]; then
	pass "fork: ... and none hangs"
else
	fail "fork: ... and none hangs: build $i of $N did"
fi
