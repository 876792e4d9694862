#!/bin/sh
# No page of a built site scrolls sideways on a 320 px phone: headless
# Chromium loads every page in a 320 px frame and compares its
# scrollWidth with its width.
# usage: scroll.sh OUT NAME
. tests/lib.sh
OUT=$1
NAME=${2:-site}
W=tests/work/scroll-$NAME
rm -rf "$W"
mkdir -p "$W"
if ! command -v chromium >/dev/null 2>&1; then
	fail "scroll: chromium is installed"
	exit 0
fi
# The site is served below its base path, as it will be published.
base=$(python3 -c "import sys,urllib.parse as u; print(u.urlparse(sys.argv[1]).path.rstrip('/'))" "$(sed -n 's,.*<loc>\([^<]*\)</loc>.*,\1,p' "$OUT/sitemap.xml" | sort | head -1)")
if [ -n "$base" ]; then
	mkdir -p "$W/root$(dirname "$base")"
	ln -s "$(cd "$OUT" && pwd)" "$W/root$base"
else
	ln -s "$(cd "$OUT" && pwd)" "$W/root"
fi
pages=$(cd "$OUT" && find . -name '*.html' ! -name '__scroll.html' | sort |
    sed "s,^\.,$base,; s,/index\.html\$,/," | sed 's/.*/"&",/' | tr -d '\n')
cat > "$OUT/__scroll.html" <<EOF
<!doctype html><html><head><meta charset="utf-8"><title>scroll</title></head>
<body><pre id="r">RUNNING</pre><script>
var pages = [$pages], out = [], i = 0;
var f = document.createElement('iframe');
f.style.width = '320px'; f.style.height = '640px'; f.style.border = '0';
document.body.appendChild(f);
function next() {
  if (i >= pages.length) {
    document.getElementById('r').textContent = 'DONE\n' + out.join('\n');
    return;
  }
  f.onload = function () {
    setTimeout(function () {
      var d = f.contentDocument.documentElement;
      var wide = [];
      f.contentDocument.querySelectorAll('body *').forEach(function (e) {
        var r = e.getBoundingClientRect();
        if (r.right > d.clientWidth + 1 && wide.length < 3)
          wide.push(e.tagName + '.' + e.className);
      });
      out.push(pages[i] + ' ' + d.scrollWidth + ' ' + d.clientWidth + ' ' +
        wide.join(','));
      i++;
      next();
    }, 20);
  };
  f.src = pages[i];
}
next();
</script></body></html>
EOF
PORT=$((19000 + $$ % 1000))
serve "$PORT" "$W/root" "$base/"
trap 'kill $SRV 2>/dev/null; rm -f "$OUT/__scroll.html"' EXIT INT TERM
timeout 300 chromium --headless --no-sandbox --disable-gpu \
    --disable-dev-shm-usage --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run \
    --hide-scrollbars --user-data-dir="$W/profile" \
    --virtual-time-budget=600000 --window-size=400,800 --dump-dom \
    "http://127.0.0.1:$PORT$base/__scroll.html" > "$W/dom.html" 2>/dev/null
if ! grep -q 'DONE$' "$W/dom.html"; then
	fail "scroll: $NAME: the pages were measured in Chromium"
	exit 0
fi
n=$(sed -n '/DONE$/,/<\/pre>/p' "$W/dom.html" | grep -c '^/')
wide=$(sed -n '/DONE$/,/<\/pre>/p' "$W/dom.html" | grep '^/' |
    awk '$2 > $3 { print "  " $0 }')
if [ "$n" -gt 0 ] && [ -z "$wide" ]; then
	pass "scroll: $NAME: none of $n pages scrolls sideways at 320 px"
else
	fail "scroll: $NAME: $n pages at 320 px, these scroll sideways:
$wide"
fi
