#!/bin/sh
# Replays every fuzz target on its seed corpus and on every input that
# once crashed it (tests/fuzz/seeds.sh), without libFuzzer: the binaries
# are built by the project's compiler (make test), with ASan+UBSan
# (make check-sanitize) or run under valgrind (make check-valgrind).
# REPLAY is a printf pattern for the binary of a target.
. tests/lib.sh
. tests/fuzz/seeds.sh
REPLAY=${REPLAY:-tests/work/replay-%s}
for t in fm md tmpl layout build cache; do
	bin=$(printf "$REPLAY" "$t")
	dirs=$(fuzz_seeds $t)
	# shellcheck disable=SC2086
	n=$(find $dirs -type f ! -name '.*' | wc -l)
	# shellcheck disable=SC2086
	if out=$("$bin" $dirs 2>&1) && echo "$out" | grep -q "^$n inputs$"; then
		pass "fuzz replay: $t, $n inputs"
	else
		fail "fuzz replay: $t: $(echo "$out" | tail -5)"
	fi
done
