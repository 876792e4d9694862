#!/bin/sh
# Interrupted builds: a build killed with SIGKILL while it renders
# leaves the last good out/ whole and byte for byte as it was, takes
# its worker processes along, and the next build finishes the job (the
# same output as a clean build).  (A failed build: tests/bad.sh.)
. tests/lib.sh
W=tests/work/interrupt
rm -rf "$W"
mkdir -p "$W"
print_site "$W/site"
B() { SOURCE_DATE_EPOCH=1489104000 $RALLY build -q -j 2 "$@"; }
# out/ without the staging directory of a killed build.
outsum() { (cd "$1" && find . -path ./.rally-tmp -prune -o -type f \
    -exec sha256sum {} + | sort); }
if ! B --root "$W/site"; then
	fail "interrupt: the first build"
	exit 0
fi
outsum "$W/site/out" > "$W/before"
# site.yml changes every file: a long build to kill.
sed -i 's/^tagline: .*/tagline: Nei til kutt, i alle kommuner/' \
    "$W/site/content/site.yml"
killed=no
for attempt in 1 2 3; do
	# exec: $! is rally itself, not a subshell.
	(SOURCE_DATE_EPOCH=1489104000 exec $RALLY build -q -j 2 \
	    --root "$W/site") &
	pid=$!
	i=0
	while [ $i -lt 3000 ]; do
		n=$(find "$W/site/out/.rally-tmp" -type f 2>/dev/null | wc -l)
		[ "$n" -ge 2 ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.02
		i=$((i + 1))
	done
	if [ "$n" -ge 2 ] && kill -9 $pid 2>/dev/null; then
		killed=yes
		wait $pid 2>/dev/null
		sleep 0.1
		pgrep -f "buil[d] -q -j 2 --root $W/site" > "$W/left" || true
		break
	fi
	wait $pid 2>/dev/null
	outsum "$W/site/out" > "$W/before"	# it finished: again
	sed -i 's/^tagline: \(.*\)/tagline: \1!/' "$W/site/content/site.yml"
done
check "interrupt: a build was killed with SIGKILL while rendering" \
    test $killed = yes
check "interrupt: no worker process outlives it" test ! -s "$W/left"
outsum "$W/site/out" > "$W/after"
check "interrupt: the last good out/ is whole and unchanged" \
    cmp -s "$W/before" "$W/after"
B --root "$W/site" 2> "$W/next.log"
B --root "$W/site" --out "$W/clean"
check "interrupt: the next build leaves no staging directory" \
    test ! -e "$W/site/out/.rally-tmp"
check "interrupt: ... and equals a clean build" \
    diff -r -x .rally-stamp "$W/site/out" "$W/clean"
