#!/bin/sh
# Installs the Debian packages rally needs to build and test, if missing.
# Used by `make`; prints what it installs.  Through sudo when not root.
set -e
PKGS="build-essential pkg-config libcmark-dev libxml2-dev libyaml-dev
libcairo2-dev libpango1.0-dev libfontconfig-dev librsvg2-dev
libqrencode-dev libmicrohttpd-dev libhyphen-dev hyphen-da hyphen-no hyphen-sv hyphen-de
hyphen-en-us libqpdf-dev
tidy poppler-utils zbar-tools chromium mandoc libxml2-utils python3 python3-yaml
valgrind clang libclang-rt-14-dev"
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
