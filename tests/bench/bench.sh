#!/bin/sh
# make bench: rally side by side with the tools users would pick
# instead.  Web: N synthetic press releases built by rally and by Hugo
# (Debian's package) with the same page list, output on tmpfs, several
# runs each: median wall time and peak RSS.  Print: rally flyer and one
# A3 poster against WeasyPrint on an equivalent HTML poster.  The
# floors: cmark alone on the same Markdown; a program that only stats
# what a rebuild must look at (floor.c); one that only loads print's
# libraries (dl.c).
set -e
RALLY=$(pwd)/generator/rally
RUNS=${RUNS:-5}
T=${TMPDIR_BENCH:-/dev/shm/rally-bench}
rm -rf "$T"
mkdir -p "$T"
for t in hugo weasyprint cmark; do
	command -v $t >/dev/null || { echo "bench: $t is not installed" >&2; exit 1; }
done
# The timer (timeit.c), and the floors: what any tool pays on this
# machine before its work (floor.c, dl.c).
cc -O2 -o "$T/timeit" tests/bench/timeit.c
cc -O2 -pthread -o "$T/floor" tests/bench/floor.c
cc -O2 -o "$T/dl" tests/bench/dl.c -ldl
# the median of the numbers on standard input, one a line
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# one run of a command (its words; no shell) as a whole process:
# "milliseconds peak-KB" (timeit.c); the bench stops if it fails
once() {
	$T/timeit $1 > "$T/one" || {
		echo "bench: failed: $1" >&2
		kill $$
		exit 1
	}
	cat "$T/one"
}
# median of the wall times and the largest RSS of RUNS runs of a command
# (PREP, if set, first, each time, untimed)
measure() {
	: > "$T/m"
	i=0
	while [ $i -lt "$RUNS" ]; do
		[ -n "$PREP" ] && sh -c "$PREP"
		once "$1" | awk '{ printf "%.3f %d\n", $1 / 1000, $2 }' >> "$T/m"
		i=$((i + 1))
	done
	sort -n "$T/m" | awk '{ t[NR] = $1; if ($2 > m) m = $2 }
	    END { printf "%.3f %d", t[int((NR + 1) / 2)], m }'
}
# RUNS pairs of runs, rally's command then Hugo's, each after its own
# preparation: the median wall time and largest RSS of each, and the
# median of the pairs' time ratios.  Paired, the ratio holds when the
# machine's speed drifts during the run (on this project's shared
# machine it did, by half).
paired() { # prep-a cmd-a prep-b cmd-b
	: > "$T/p"
	i=0
	while [ $i -lt "$RUNS" ]; do
		sh -c "$1"
		a=$(once "$2")
		sh -c "$3"
		echo "$a $(once "$4")" >> "$T/p"
		i=$((i + 1))
	done
	for col in 'printf "%.3f\n", $1 / 1000' 'printf "%.3f\n", $3 / 1000' \
	    'printf "%.4f\n", $1 / ($3 > 0 ? $3 : 1)'; do
		printf '%s ' "$(awk "{ $col }" "$T/p" | median)"
	done
	awk '$2 > a { a = $2 } $4 > b { b = $4 } END { printf "%d %d", a, b }' "$T/p"
}
row() { printf '| %-34s | %9s s | %8s MB | %s |\n' "$1" "$2" "$3" "$4"; }
# serve_reload ROOT ONLY PAUSE: rally serve on the campaign at ROOT
# (ONLY: "" or "--only web"), then RUNS times a press release saved:
# the median milliseconds to the open pages' reload signal, in
# seconds; PAUSE: seconds after each, for what follows the reload (the
# print rebuild) to finish.
serve_reload() {
	PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	$RALLY serve --root "$1" --out "$1/out" $2 --port "$PORT" \
	    > "$T/serve.log" 2>&1 &
	SPID=$!
	want=2
	[ -n "$2" ] && want=1
	i=0
	until [ "$(grep -c '^rally: built' "$T/serve.log")" -ge $want ] ||
	    [ $i -ge 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	PR="$1/content/press/$(ls "$1/content/press" | head -1)"
	: > "$T/reload"
	i=0
	while [ $i -lt "$RUNS" ]; do
		python3 tests/sse.py "$PORT" "$PR" + |
		    sed -n 's/^reload \([0-9]*\) ms$/\1/p' >> "$T/reload"
		sleep "$3"
		i=$((i + 1))
	done
	kill $SPID
	wait $SPID 2>/dev/null
	awk "BEGIN { printf \"%.3f\", $(median < "$T/reload") / 1000 }"
}
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
echo "rally $($RALLY --version | cut -d' ' -f2), $(hugo version | cut -d' ' -f2), WeasyPrint $(weasyprint --version | cut -d' ' -f3), cmark $(cmark --version | head -1 | cut -d' ' -f2); $RUNS runs each, median wall time, peak RSS"
echo
echo "| run | median wall | peak RSS | ratio |"
echo "|---|---|---|---|"
for n in 1000 10000; do
	python3 tests/bench/gen.py $n "$T/$n"
	# The website, as Hugo makes it (rally's print set, with an Open
	# Graph card per page, is measured on the sample below); rally
	# and Hugo in turns.
	# Cold: no output and no parsed files kept (.rally-cache).
	set -- $(paired "rm -rf $T/$n/rout $T/$n/rally/.rally-cache" \
	    "$RALLY build -q --only web --root $T/$n/rally --out $T/$n/rout" \
	    "rm -rf $T/$n/hugo/public" \
	    "hugo --quiet --source $T/$n/hugo --destination $T/$n/hugo/public")
	rt=$1 ht=$2 rh=$3 rm=$4 hm=$5
	PREP=
	set -- $(measure "$RALLY build -q --only web --root $T/$n/rally --out $T/$n/rout")
	nt=$1
	# One press release edited, the site rebuilt (whole process).
	PR=$T/$n/rally/content/press/$(ls "$T/$n/rally/content/press" | head -1)
	PREP="echo >> $PR"
	set -- $(measure "$RALLY build -q --only web --root $T/$n/rally --out $T/$n/rout")
	et=$1
	PREP=
	# The floor of any rebuild that looks at its files: every input
	# and every output stat'ed, nothing more.
	set -- $(measure "$T/floor $T/$n/rally $T/$n/rout")
	flt=$1
	cat "$T/$n"/rally/content/press/*.md > "$T/$n/all.md"
	set -- $(measure "cmark $T/$n/all.md")
	ct=$1
	row "Hugo, $n pages, cold" "$ht" "$((hm / 1024))" ""
	row "rally, $n pages, cold" "$rt" "$((rm / 1024))" "$(awk "BEGIN { printf \"%.2f x Hugo's time (paired), %.2f x its memory\", $rh, $rm / $hm }")"
	row "rally, $n pages, no-op rebuild" "$nt" "" "$(awk "BEGIN { printf \"%.3f x rally cold\", $nt / $rt }")"
	row "rally, $n pages, one page edited" "$et" "" "whole process"
	row "floor: stat every input and output" "$flt" "" "$n pages; C, two threads; reads the manifest, nothing else"
	rh10=$rh hm10=$hm rt10=$rt rm10=$rm nt10=$nt et10=$et fl10=$flt
	if [ "$n" = 10000 ]; then
		sr=$(serve_reload "$T/$n/rally" "--only web" 1)
		row "rally serve, 10000 pages, one edit" "$sr" "" "to the pages' reload signal, in-process (--only web)"
	fi
	row "cmark alone, same Markdown" "$ct" "" "$(awk "BEGIN { printf \"rally = %.1f x cmark alone\", $rt / ($ct > 0 ? $ct : 0.001) }")"
done
# Print: one flyer, one A3 poster, whole process; WeasyPrint on HTML.
cat > "$T/poster.html" <<'EOH'
<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><style>
@page { size: A3; margin: 0; bleed: 3mm; marks: crop; }
@font-face { font-family: Bebas; src: url(file://FONTS/BebasNeue-Bold.otf); }
@font-face { font-family: Inter; src: url(file://FONTS/Inter-Regular.otf); }
body { margin: 0; background: #c8102e; color: #fff; font-family: Inter; }
header { background: #16161d; padding: 12mm 18mm; font: 40pt Bebas; }
h1 { font: 180pt/0.9 Bebas; margin: 30mm 18mm 10mm; hyphens: auto; }
p { font-size: 22pt; margin: 0 18mm; }
footer { position: absolute; bottom: 0; left: 0; right: 0; background: #fff; color: #16161d; padding: 12mm 18mm; font: 60pt Bebas; }
</style></head><body><header>VelfærdsallianceDK</header>
<h1>TID TIL OMSORG – IKKE STOPUR</h1><p>Der bliver flere ældre hvert år.
Omprioriteringsbidraget betyder færre hænder til at hjælpe dem.</p>
<footer>Ja til tryghed</footer></body></html>
EOH
sed -i "s|FONTS|$(pwd)/assets/fonts|g" "$T/poster.html"
set -- $(measure "$RALLY flyer --root . --org sosu-klubben-amager --area aeldre -o $T/flyer.pdf")
ft=$1 fm=$2
# The floors of a flyer: a process, and the libraries rally needs
# (its own, and its print module's) loaded by one that does nothing
# else.
libs() { readelf -d "$1" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' '; }
rlibs=$(libs generator/rally)
plibs=$(libs generator/rally-print.so)
[ -n "$rlibs" ] && [ -n "$plibs" ] || { echo "bench: readelf found no libraries" >&2; exit 1; }
set -- $(measure "/bin/true")
tt=$1
set -- $(measure "$T/dl $rlibs")
dr=$1
set -- $(measure "$T/dl $rlibs $plibs")
dp=$1
set -- $(measure "$RALLY flyer --root . --name X --layout poster --area aeldre --size A3 -o $T/poster.pdf")
pt=$1 pm=$2
# PDF/X: the same flyer CMYK, and Ghostscript converting the RGB one.
set -- $(measure "$RALLY flyer --root . --org sosu-klubben-amager --area aeldre --pdfx -o $T/flyer-x.pdf")
fxt=$1 fxm=$2
set -- $(measure "gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -sColorConversionStrategy=CMYK -sDefaultCMYKProfile=$(pwd)/generator/icc/FOGRA39L-coated.icc -sOutputFile=$T/flyer-gs.pdf $T/flyer.pdf")
gst=$1
set -- $(measure "weasyprint $T/poster.html $T/poster-wp.pdf")
wt=$1 wm=$2
row "rally flyer (A5, 2 pages), process" "$ft" "$((fm / 1024))" ""
row "floor: a process that does nothing" "$tt" "" "/bin/true"
row "floor: rally's libraries loaded" "$dr" "" "what rally needs (libxml2, glib, cmark ...), and nothing else"
row "floor: ... and print's" "$dp" "" "and what rally-print.so needs (cairo, pango, librsvg, qpdf ...)"
row "rally flyer --pdfx (CMYK PDF/X-4)" "$fxt" "$((fxm / 1024))" "$(awk "BEGIN { printf \"%.2f x the RGB flyer\", $fxt / $ft }")"
row "Ghostscript: RGB flyer to CMYK" "$gst" "" "after rally flyer; rich black text, brand values lost"
row "rally, one A3 poster, process" "$pt" "$((pm / 1024))" "$(awk "BEGIN { printf \"%.2f x WeasyPrint's time\", $pt / $wt }")"
row "WeasyPrint, one A3 poster, process" "$wt" "$((wm / 1024))" ""
# In-process time per PDF in a full build of the sample (cold: without
# the parsed files a build keeps, .rally-cache): the median of RUNS
# builds, as every other row (one build's figure moved by a third).
: > "$T/full.log"
: > "$T/fullx.log"
: > "$T/full1.log"
i=0
while [ $i -lt "$RUNS" ]; do
	rm -rf "$T/sample" "$T/samplex" "$T/sample1" .rally-cache
	$RALLY build -v --root . --out "$T/sample" 2>> "$T/full.log" >/dev/null
	# One worker too: a sheet's cost alone, as a warm compiler's is
	# quoted for one document (two workers on two cores share caches
	# and memory; some hours they slowed each other's sheets).
	rm -rf .rally-cache
	$RALLY build -v -j 1 --root . --out "$T/sample1" \
	    2>> "$T/full1.log" >/dev/null
	rm -rf .rally-cache
	$RALLY build -v --pdfx --only print --root . --out "$T/samplex" \
	    2>> "$T/fullx.log" >/dev/null
	i=$((i + 1))
done
pdfs=$(find "$T/sample/print" -name '*.pdf' | wc -l)
files=$(sed -n 's/^rally: built \([0-9]*\) files.*/\1/p' "$T/full.log" | head -1)
st=$(sed -n 's/^rally: built [0-9]* files.* in \([0-9.]*\) s$/\1/p' "$T/full.log" | median)
per=$(sed -n 's/^rally: [0-9]* PDFs, \([0-9.]*\) s each.*/\1/p' "$T/full.log" | median)
perx=$(sed -n 's/^rally: [0-9]* PDFs, \([0-9.]*\) s each.*/\1/p' "$T/fullx.log" | median)
per1=$(sed -n 's/^rally: [0-9]* PDFs, \([0-9.]*\) s each.*/\1/p' "$T/full1.log" | median)
row "sample campaign, web + all print, cold" "$st" "" "$files files, $pdfs PDFs"
row "... in-process time per PDF" "$per" "" "mean of the PDF jobs (with preview)"
row "... in-process per PDF, one worker" "$per1" "" "the same, -j 1"
row "... in-process time per PDF/X" "$perx" "" "the same sheets, --pdfx"
PREP=
set -- $(measure "$RALLY build -q --root . --out $T/sample")
sn=$1
row "sample campaign, no-op rebuild" "$sn" "" ""
# rally serve: from saving a press release to the open pages' reload
# signal, on a copy of the sample.
mkdir -p "$T/serve"
cp -r content layouts assets "$T/serve/"
rl=$(serve_reload "$T/serve" "" 6)
row "rally serve, edit to reload (sample)" "$rl" "" "a press release saved, to the pages' reload signal"
rm -rf "$T"

# The targets of issues 5 and 16, checked; some with the floor the
# machine sets under them (FLOOR: from the floor rows above: the stats
# a rebuild makes, or the libraries a flyer loads, and the libraries
# rally loads, each over a bare process's start), and what the floor
# leaves of the target for rally's own work.
target() { # what, value, limit[, floor]
	if awk "BEGIN { exit !($2 <= $3) }"; then r=met; else r=MISSED; fi
	if [ -n "$4" ]; then
		r="$r $(awk "BEGIN { f = $4; l = $3 - f
		    if (l > 0) printf \"(floor here %.3f: leaves %.3f)\", f, l
		    else printf \"(floor here %.3f: over the target)\", f }")"
	fi
	printf '%-44s %8.3f <= %-6s %s\n' "$1" "$2" "$3" "$r"
}
echo
target "10k cold, x Hugo's time (paired)" "$rh10" 0.1
target "10k cold, x Hugo's peak memory" "$(awk "BEGIN { print $rm10 / $hm10 }")" 0.1
target "10k, one press release edited, s" "$et10" 0.05 "$fl10 + $dr - $tt"
target "print, in-process per PDF, s" "$per" 0.008
target "print, in-process per PDF, -j 1, s" "$per1" 0.008
target "10k no-op, x rally's cold build" "$(awk "BEGIN { print $nt10 / $rt10 }")" 0.05 "($fl10 + $dr - $tt) / $rt10"
target "one flyer, whole process, s" "$ft" 0.05 "$dp"
target "sample, web + all print, cold, s" "$st" 5
target "sample, no-op, s" "$sn" 0.2
target "serve, edit to reload signal, s" "$rl" 0.1
