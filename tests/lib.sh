# Shared helpers for the shell tests: each check prints PASS or FAIL.
RALLY=${RALLY:-./generator/rally}
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; }
check() {
	_d=$1
	shift
	if "$@" >/dev/null 2>&1; then pass "$_d"; else fail "$_d"; fi
}
# A listing of every file under $1 with its checksum.
snapshot() { (cd "$1" 2>/dev/null && find . -type f -exec sha256sum {} + | sort) ; }
# A campaign with print: the fixture, rally's print layouts and fonts.
print_site() {
	rm -rf "$1"
	mkdir -p "$(dirname "$1")"
	cp -r tests/fixture "$1"
	mkdir -p "$1/layouts"
	cp -r layouts/print "$1/layouts/"
	cp -r assets/fonts "$1/assets/"
}
# serve PORT DIR PATH: serves DIR on 127.0.0.1:PORT in the background
# (its pid in SRV) and waits until PATH answers.
serve() {
	python3 -m http.server "$1" --bind 127.0.0.1 --directory "$2" \
	    >/dev/null 2>&1 &
	SRV=$!
	_i=0
	while ! python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$1$3')" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt 50 ] && break
		sleep 0.1
	done
}
# two_ways LABEL ROOT ONLY DIR-A ENV-A DIR-B ENV-B: the campaign at ROOT
# built (--only ONLY, on a fixed date) with the variable ENV-A, then with
# ENV-B (VAR=value), into DIR-A and DIR-B, stderr in DIR.err: both
# builds pass and every file is the same (differential tests).  The
# second build is TWO_WAYS_B's (default: $RALLY).
two_ways() {
	env SOURCE_DATE_EPOCH=1489104000 "$5" $RALLY build -q --only "$3" \
	    --root "$2" --out "$4" 2> "$4.err"
	_a=$?
	env SOURCE_DATE_EPOCH=1489104000 "$7" ${TWO_WAYS_B:-$RALLY} build -q --only "$3" \
	    --root "$2" --out "$6" 2> "$6.err"
	_b=$?
	# (The stamps record inodes and times, not output.)
	if [ $_a -eq 0 ] && [ $_b -eq 0 ] &&
	    diff -r -x '.rally-stamp*' "$4" "$6" > "$4.diff"
	then
		pass "$1"
	else
		fail "$1: exit $_a and $_b; $(head -c 600 "$4.diff")"
	fi
}
