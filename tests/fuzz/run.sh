#!/bin/sh
# make fuzz: builds each libFuzzer target with clang (ASan+UBSan) and
# runs it for FUZZ_SECONDS on a working copy of its seed corpus and
# regression inputs.  A crash stops with the input's path: once the bug
# is fixed, copy it into tests/fuzz/regress/<target>/, where make test
# replays it for ever.
set -e
. tests/fuzz/seeds.sh
S=${FUZZ_SECONDS:-60}
W=tests/work/fuzz
CLANG=${FUZZCC:-clang}
command -v "$CLANG" >/dev/null || { echo "fuzz: $CLANG is not installed" >&2; exit 1; }
mkdir -p "$W/obj"
CF="-O1 -g -std=c11 -D_GNU_SOURCE -fno-omit-frame-pointer
    -fsanitize=address,undefined -fno-sanitize-recover=all
    $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lhyphen -lstdc++ -lpthread -lm"
# Objects on every core at once (clang is one process a file).
J=${FUZZ_JOBS:-$(nproc)}
export CLANG CF
for src in $SRCS tests/fuzz/fuzz.c; do
	o=$W/obj/$(basename "$src" .c).o
	[ "$o" -nt "$src" ] && [ "$o" -nt generator/rally.h ] &&
	    [ "$o" -nt generator/extern.h ] && continue
	echo "$src $o"
done | xargs -r -P "$J" -n 2 sh -c \
    '$CLANG $CF -fsanitize=fuzzer-no-link -Igenerator -c "$0" -o "$1"' ||
    exit 1
objs=
for src in $SRCS tests/fuzz/fuzz.c; do
	objs="$objs $W/obj/$(basename "$src" .c).o"
done
# The C++ (pdftok.cc), with clang++.
for src in $CXXSRCS; do
	o=$W/obj/$(basename "$src" .cc).o
	[ "$o" -nt "$src" ] || ${CLANG}++ -O1 -g -std=c++17 \
	    -fno-omit-frame-pointer -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -fno-sanitize=vptr -fsanitize=fuzzer-no-link \
	    $(pkg-config --cflags libqpdf) -c "$src" -o "$o" || exit 1
	objs="$objs $o"
done
# fuzz_one TARGET: builds and runs one target; its report, in
# $W/TARGET.report, and status 1 if it found a crash.
fuzz_one() {
	t=$1
	# shellcheck disable=SC2086
	$CLANG $CF -fsanitize=fuzzer -Igenerator -o "$W/$t" \
	    tests/fuzz/$t.c $objs $LIBS || return 1
	rm -rf "$W/corpus-$t"
	mkdir -p "$W/corpus-$t"
	# shellcheck disable=SC2046
	find $(fuzz_seeds $t) -type f ! -name '.*' | while read -r f; do
		cp "$f" "$W/corpus-$t/$(echo "$f" | tr / _)"
	done
	# Leaks are bugs too, but pango and fontconfig keep caches that
	# LeakSanitizer cannot see: the layout target's leaks are checked
	# by valgrind instead (make check-valgrind replays its corpus).
	leaks=1
	[ "$t" = layout ] && leaks=0
	# A whole build's work budget: seconds per input, and memory.
	budget="-timeout=20 -rss_limit_mb=4096"
	[ "$t" = build ] && budget="-timeout=10 -rss_limit_mb=2048"
	# rally's diagnostics (stderr) are closed.
	# shellcheck disable=SC2086
	if "$W/$t" -max_total_time="$S" $budget -detect_leaks=$leaks \
	    -max_len=65536 -close_fd_mask=2 -print_final_stats=1 \
	    -artifact_prefix="$W/$t-" "$W/corpus-$t" > "$W/$t.log" 2>&1; then
		grep -E '^stat::number_of_executed_units|^Done' "$W/$t.log" |
		    sed "s/^/fuzz: $t: /"
	else
		tail -40 "$W/$t.log"
		echo "fuzz: $t FAILED; input: $(ls "$W/$t"-* 2>/dev/null | head -1)"
		return 1
	fi
}
# Targets side by side, FUZZ_JOBS (default: the cores) at a time: a
# libFuzzer process runs on one core, and each still gets its seconds.
status=0
set +e
while [ $# -gt 0 ]; do
	pids= names=
	i=0
	while [ $# -gt 0 ] && [ $i -lt "$J" ]; do
		echo "fuzz: $1 for $S s"
		fuzz_one "$1" > "$W/$1.report" 2>&1 &
		pids="$pids $!" names="$names $1"
		shift
		i=$((i + 1))
	done
	for p in $pids; do
		wait "$p" || status=1
	done
	for t in $names; do
		cat "$W/$t.report"
	done
done
exit $status
