#!/bin/sh
# Wrong hellos from many addresses beside a logged-in client's pings, with credentials verified on the loop and on the worker pool, side by side in one run.
# Usage: tests/bench/run-hellostorm.sh BUILD_DIR [addresses] [threads] [pings] [seconds]
# The storm names principal storm01, whose hash has the default cost of
# hotlinectl passwd (argon2id, 19 MiB, 2 passes), with wrong tokens over
# TCP from 127.0.0.2 on; the failed-hello limits are raised so that it
# never stops (the worst case: a botnet with more addresses than the
# limit's allowance). agent01 pings over the unix socket meanwhile.
set -eu

build=${1:?usage: run-hellostorm.sh BUILD_DIR [addresses] [threads] [pings] [seconds]}
addresses=${2:-100}
threads=${3:-4}
pings=${4:-2000}
seconds=${5:-20}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/bench/private-servers.sh"

hash=$(printf 'storm01-test' | "$build/hotlinectl" passwd)
PS_EXTRA_PRINCIPALS=", { id = \"storm01\"; role = \"agent\"; credential = \"$hash\"; }"
PS_SED="s|failures_burst = 20;|failures_burst = 100000; limit_addresses = 4096;|; s|failures_per_minute = 600;|failures_per_minute = 6000000;|"

# One run with auth.workers $1; prints the bench's lines, labelled.
run() {
	PS_SED="$PS_SED; s|cache_entries = 256;|cache_entries = 256; workers = $1;|"
	ps_start_hotlined ""
	port=$(sed -n 's|.*address = "127.0.0.1:\([0-9]*\)".*|\1|p' "$work/hotlined.conf" | head -1)
	"$build/tests/bench/bench-hellostorm" -a "unix:$work/hotlined.sock" \
	    -p "$port" -A "$addresses" -t "$threads" -n "$pings" -s "$seconds" |
	    sed "s/^/workers=$1 /"
	ps_stop_hotlined
}

ps_start_redis
base_sed=$PS_SED
run 0
PS_SED=$base_sed
run -1
