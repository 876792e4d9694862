#!/bin/sh
# README's CI recipe (GitLab's, the one that runs on plain Debian): its
# package list is the one make installs, and its commands, run as
# written in a clean directory, build a fresh clone of rally at this
# commit and publish a campaign without rally's state files.
. tests/lib.sh
if [ -n "$LIGHT" ] || [ -n "$REPLAY" ]; then
	exit 0	# a compile and a build: once is enough (make test)
fi
T=$(cd tests/work && pwd)/recipe
rm -rf "$T"
mkdir -p "$T"
# The script lines of the .gitlab-ci.yml block.
sed -n '/^# .gitlab-ci.yml$/,/^```$/p' README.md |
    sed -n 's/^    - //p' > "$T/script"
check "recipe: README has the GitLab script (6 lines)" \
    test "$(wc -l < "$T/script")" -eq 6
missing=
for p in $(cat generator/packages.txt); do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
check "recipe: every package of generator/packages.txt is a Debian package here${missing:+ (not:$missing)}" \
    test -z "$missing"
# As written, but: this repository for the URL, HEAD for the commit,
# a scratch directory for /rally; apt-get is make's to run (above).
git clone -q . "$T/src" 2>/dev/null || cp -r . "$T/src"
mkdir -p "$T/campaign"
cp -r tests/fixture/content tests/fixture/assets "$T/campaign/"
sed -e '/^apt-get/d' \
    -e "s|https://example.org/OWNER/rally.git|$T/src|" \
    -e "s|RALLY_COMMIT|$(git rev-parse HEAD 2>/dev/null || echo HEAD)|" \
    -e "s#\\(^\\| \\)/rally#\\1$T/rally#g" "$T/script" > "$T/run.sh"
if (cd "$T/campaign" && MAKEFLAGS=-j2 sh -e "$T/run.sh") > "$T/log" 2>&1; then
	pass "recipe: its commands build rally and the campaign"
else
	fail "recipe: its commands: $(tail -c 300 "$T/log")"
fi
check "recipe: public/ holds the site, and none of rally's state files" sh -c \
    "test -f $T/campaign/public/index.html &&
     test -z \"\$(find $T/campaign/public -name '.rally-*')\""
rm -rf "$T"
