#!/bin/sh
# Installs the Debian 12 packages hotline needs to build and test, only those that are missing.
set -eu

# postgresql and libpq-dev: the archive of every ticket (hotlined links libpq;
# tests and make run start a private server).
PKGS="build-essential pkg-config libevent-dev libhiredis-dev libprotobuf-c-dev
protobuf-c-compiler redis-server redis-sentinel libhyperscan-dev libconfig-dev libjansson-dev
libcmocka-dev libssl-dev libopencc-dev protobuf-compiler python3-protobuf python3
libargon2-dev valgrind python3-prometheus-client postgresql libpq-dev libfriso-dev friso-dict
liblinear-dev"

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps.sh: dpkg-query not found: install these by hand:" $PKGS >&2
	exit 1
fi

# Extra packages a target needs beyond these (make fuzz: clang) come as arguments.
PKGS="$PKGS $*"

missing=""
for p in $PKGS; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" ok installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	as_root=""
elif command -v sudo >/dev/null 2>&1; then
	as_root="sudo"
else
	echo "deps.sh: not root and no sudo; missing:$missing" >&2
	exit 1
fi

echo "deps.sh: installing:$missing" >&2
$as_root apt-get update -q
# $missing is a list of package names: word splitting is wanted here.
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends $missing
