#!/bin/sh
# A flooding principal beside another's creates, with one Redis link and with the read link, side by side in one run.
# Usage: tests/bench/run-fairshare.sh BUILD_DIR [conns] [window] [creates]
# Runs hotlined (private-servers.sh) four ways: one link for everything
# (redis.read_link = 0) without a fair share (max_principal_pending equal
# to max_store_pending, as before issue 14.8) and with 64; then the read
# link (the default) with 64 and with the default 1000. In each,
# bench-fairshare measures agent01's creates idle and while agent02's
# connections keep shows of a 60 KB ticket in flight.
set -eu

build=${1:?usage: run-fairshare.sh BUILD_DIR [conns] [window] [creates]}
conns=${2:-50}
window=${3:-16}
creates=${4:-200}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/bench/private-servers.sh"

# One run: read_link $1, max_principal_pending $2; prints the bench's lines, labelled.
run() {
	label="read_link=$1 max_principal_pending=$2"
	PS_SED="s|timeout_ms = 2000;|timeout_ms = 2000; read_link = $1;|"
	ps_start_hotlined "max_principal_pending = $2;"
	"$build/tests/bench/bench-fairshare" -a "unix:$work/hotlined.sock" \
	    -n "$conns" -w "$window" -c "$creates" | sed "s/^/$label /"
	echo "$label watchdog drops: $(grep -c 'no answer within' "$work/hotlined.log" || true)"
	ps_stop_hotlined
}

ps_start_redis
run 0 10000
run 0 64
run 1 64
run 1 1000
