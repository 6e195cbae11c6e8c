#!/bin/sh
# A flooding principal beside another's creates, without and with limits.max_principal_pending, side by side in one run.
# Usage: tests/bench/run-fairshare.sh BUILD_DIR [conns] [window] [creates]
# Runs hotlined (private-servers.sh) with max_principal_pending equal to
# max_store_pending (no fair share, as before issue 14.8), with 64 and 16:
# bench-fairshare measures agent01's creates idle and while agent02's
# connections keep shows of a 60 KB ticket in flight.
set -eu

build=${1:?usage: run-fairshare.sh BUILD_DIR [conns] [window] [creates]}
conns=${2:-50}
window=${3:-16}
creates=${4:-200}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/bench/private-servers.sh"

# One run: max_principal_pending $1; prints the bench's lines, labelled.
run() {
	ps_start_hotlined "max_principal_pending = $1;"
	"$build/tests/bench/bench-fairshare" -a "unix:$work/hotlined.sock" \
	    -n "$conns" -w "$window" -c "$creates" | sed "s/^/max_principal_pending=$1 /"
	echo "max_principal_pending=$1 watchdog drops: $(grep -c 'no answer within' "$work/hotlined.log" || true)"
	ps_stop_hotlined
}

ps_start_redis
run 10000
run 64
run 16
