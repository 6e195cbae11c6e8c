#!/bin/sh
# Slow readers with and without limits.output_budget, side by side in one run: hotlined's memory.
# Usage: tests/bench/run-budget.sh BUILD_DIR [readers] [shows]
# Runs hotlined (private-servers.sh) once with the budget out of reach (1 TiB:
# each client is bounded only by output_limit, 8 MiB, as before issue 14.9)
# and once with output_budget = 32 MiB; bench-budget's readers each pipeline
# shows of a 60 KB ticket and never read. Prints hotlined's resident memory
# before and at its peak, and the budget's (rate-limited) log lines.
set -eu

build=${1:?usage: run-budget.sh BUILD_DIR [readers] [shows]}
readers=${2:-180}
shows=${3:-30}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/bench/private-servers.sh"

# One run: budget $1 bytes; prints a result line.
run() {
	ps_start_hotlined "output_budget = $1;"
	result=$("$build/tests/bench/bench-budget" -a "unix:$work/hotlined.sock" \
	    -p "$hotlined_pid" -n "$readers" -s "$shows")
	cuts=$(grep -c "cutting the largest holder off" "$work/hotlined.log" || true)
	echo "output_budget=$1 $result budget_cut_log_lines=$cuts"
	ps_stop_hotlined
}

ps_start_redis
run 1099511627776L
run 33554432
