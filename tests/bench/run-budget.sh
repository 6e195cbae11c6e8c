#!/bin/sh
# Slow readers with and without limits.output_budget, side by side in one run: hotlined's memory.
# Usage: tests/bench/run-budget.sh BUILD_DIR [readers] [shows]
# Starts its own redis-server and hotlined (unix sockets, a private directory
# under /tmp, the integration tests' city), once with the budget out of reach
# (1 TiB: each client is bounded only by output_limit, 8 MiB, as before issue
# 14.9) and once with output_budget = 32 MiB; bench-budget's readers each
# pipeline shows of a 60 KB ticket and never read. Prints hotlined's
# resident memory before and after, and how many readers the budget cut off.
set -eu

build=${1:?usage: run-budget.sh BUILD_DIR [readers] [shows]}
readers=${2:-180}
shows=${3:-40}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/hotline-bench-budget.XXXXXX)
redis_pid=""
hotlined_pid=""

# Stops what this script started, and removes its directory.
cleanup() {
	[ -z "$hotlined_pid" ] || kill -TERM "$hotlined_pid" 2>/dev/null || true
	[ -z "$redis_pid" ] || kill -TERM "$redis_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

redis-server --port 0 --unixsocket "$work/redis.sock" --save '' \
    --appendonly no --daemonize no --logfile "$work/redis.log" &
redis_pid=$!
n=0
until redis-cli -s "$work/redis.sock" ping 2>/dev/null | grep -q PONG; do
	n=$((n + 1)); [ "$n" -lt 200 ] || { echo "redis did not start" >&2; exit 1; }
	sleep 0.05
done

# One run: budget $1 bytes; prints a result line.
run() {
	sed -e "s|@DIR@|$work|g" -e "s|@REDIS_SOCK@|$work/redis.sock|g" \
	    -e "s|@SOCK@|$work/hotlined.sock|g" \
	    -e "s|@TCP_PORT@|$("$build/tests/bench/bench-port")|g" \
	    -e "s|@CATALOGUE@|$root/tests/integration/catalogue-test.conf|g" \
	    -e "s|@SRCDIR@|$root|g" \
	    -e "s|@HTTP_PORT@|$("$build/tests/bench/bench-port")|g" \
	    -e "s|@EXTRA_PRINCIPALS@||g" \
	    -e "s|output_limit = 8388608;|output_limit = 8388608; output_budget = $1;|" \
	    "$root/tests/integration/hotlined-test.conf.in" >"$work/hotlined.conf"
	redis-cli -s "$work/redis.sock" flushall >/dev/null
	: >"$work/hotlined.log"
	"$build/hotlined" -d -f "$work/hotlined.conf" 2>>"$work/hotlined.log" &
	hotlined_pid=$!
	n=0
	until grep -q "redis commands: connected" "$work/hotlined.log" && [ -S "$work/hotlined.sock" ]; do
		n=$((n + 1)); [ "$n" -lt 200 ] || { tail "$work/hotlined.log" >&2; exit 1; }
		sleep 0.05
	done
	sleep 0.5
	result=$("$build/tests/bench/bench-budget" -a "unix:$work/hotlined.sock" \
	    -p "$hotlined_pid" -n "$readers" -s "$shows")
	cuts=$(grep -c "cutting the largest holder off" "$work/hotlined.log" || true)
	echo "output_budget=$1 $result budget_cut_log_lines=$cuts"
	kill -TERM "$hotlined_pid"
	wait "$hotlined_pid" 2>/dev/null || true
	hotlined_pid=""
}

run 1099511627776L
run 33554432
