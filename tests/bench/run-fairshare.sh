#!/bin/sh
# A flooding principal beside another's creates, at the default configuration, in alternating idle and flood rounds; with BENCH_BEFORE, an earlier hotlined side by side in the same run.
# Usage: tests/bench/run-fairshare.sh BUILD_DIR [conns] [window] [creates] [rounds] [passes]
# Runs hotlined (private-servers.sh) with the integration tests' config and
# every limit at its default. bench-fairshare measures agent01's creates in
# rounds: idle (agent02's windows empty), then while agent02's connections
# keep shows of a 60 KB ticket in flight; it prints each round and the
# medians' ratio. BENCH_BEFORE (another hotlined binary, e.g. an earlier
# commit's build/hotlined) runs too, alternating with this build's, passes
# times each; FAIRSHARE_LIMITS adds settings to the limits group of both
# (e.g. "max_principal_pending = 64;"), FAIRSHARE_REDIS to the redis group.
set -eu

build=${1:?usage: run-fairshare.sh BUILD_DIR [conns] [window] [creates] [rounds] [passes]}
conns=${2:-50}
window=${3:-16}
creates=${4:-200}
rounds=${5:-5}
passes=${6:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/bench/private-servers.sh"
after=$build/hotlined
before=${BENCH_BEFORE:-}

# One run of hotlined binary $2, labelled $1: the bench's lines and the watchdog's drops.
run() {
	PS_HOTLINED=$2
	PS_SED="s|timeout_ms = 2000;|timeout_ms = 2000; ${FAIRSHARE_REDIS:-}|"
	ps_start_hotlined "${FAIRSHARE_LIMITS:-}"
	"$build/tests/bench/bench-fairshare" -a "unix:$work/hotlined.sock" \
	    -n "$conns" -w "$window" -c "$creates" -r "$rounds" | sed "s/^/$1 /"
	echo "$1 watchdog drops: $(grep -c 'no answer within' "$work/hotlined.log" || true)"
	ps_stop_hotlined
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
ps_start_redis
pass=1
while [ "$pass" -le "$passes" ]; do
	[ -z "$before" ] || run "before($pass)" "$before"
	run "after($pass)" "$after"
	pass=$((pass + 1))
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
