#!/bin/sh
# A real browser: headless Chromium renders the home page and an area
# page at 375 and 1280 px; the text must be in the DOM and the
# screenshot must not be blank.
. tests/lib.sh
OUT=${1:-out}
W=tests/work/browser
rm -rf "$W"
mkdir -p "$W"
if ! command -v chromium >/dev/null 2>&1; then
	fail "browser: chromium is installed"
	exit 0
fi
PORT=$((18000 + $$ % 1000))
serve "$PORT" "$OUT" /
trap 'kill $SRV 2>/dev/null' EXIT INT TERM
chrome() {
	timeout 90 chromium --headless --no-sandbox --disable-gpu \
	    --disable-dev-shm-usage --disable-background-networking \
	    --disable-component-update --disable-sync --no-first-run \
	    --hide-scrollbars --user-data-dir="$W/profile-$$" \
	    --virtual-time-budget=3000 "$@" 2>/dev/null
}
for page in "/ Ja til tryghed" "/areas/aeldre/ Tid til omsorg"; do
	url=${page%% *}
	text=${page#* }
	for width in 375 1280; do
		name=$(echo "$url" | tr '/' '_')$width
		chrome --window-size=$width,900 --dump-dom \
		    "http://127.0.0.1:$PORT$url" > "$W/$name.html"
		check "browser: $url at ${width}px has '$text' in the DOM" \
		    grep -q "$text" "$W/$name.html"
		chrome --window-size=$width,900 \
		    --screenshot="$W/$name.png" "http://127.0.0.1:$PORT$url" \
		    >/dev/null
		if [ -f "$W/$name.png" ]; then
			set -- $(python3 tests/pngstat.py "$W/$name.png")
			# Not blank: many colours, no colour covering the page.
			if [ "$1" = "$width" ] && [ "$3" -gt 20 ] &&
			    python3 -c "import sys; sys.exit(not $4 < 0.9)"; then
				pass "browser: $url at ${width}px renders ($3 colours)"
			else
				fail "browser: $url at ${width}px renders ($*)"
			fi
		else
			fail "browser: $url at ${width}px screenshot"
		fi
	done
done
