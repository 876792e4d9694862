#!/bin/sh
# Installs the Debian packages rally needs to build and test, if missing.
# Used by `make`; prints what it installs.  Through sudo when not root.
set -e
# To build and run rally: one list, which README's CI recipes use too.
PKGS="$(cat "$(dirname "$0")/packages.txt")
tidy poppler-utils zbar-tools chromium mandoc libxml2-utils python3 python3-yaml
valgrind clang libclang-rt-14-dev curl ghostscript python3-pikepdf"
command -v dpkg-query >/dev/null 2>&1 || {
	echo "install-deps: not a Debian system; install by hand: $PKGS" >&2
	exit 0
}
missing=""
for p in $PKGS; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
