# Sourced by run-budget.sh, run-fairshare.sh and run-hellostorm.sh: a private redis-server and hotlined (the integration tests' city, unix sockets, a directory under /tmp), stopped on exit.
# Needs $build (the build directory) and $root (the source tree) set.

work=$(mktemp -d /tmp/hotline-bench-side.XXXXXX)
redis_pid=""
hotlined_pid=""

# Stops what was started here, and removes the directory (kept with BENCH_KEEP=1).
ps_cleanup() {
	[ -z "$hotlined_pid" ] || kill -TERM "$hotlined_pid" 2>/dev/null || true
	[ -z "$redis_pid" ] || kill -TERM "$redis_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap ps_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts the private Redis (no persistence) and waits until it answers.
ps_start_redis() {
	redis-server --port 0 --unixsocket "$work/redis.sock" --save '' \
	    --appendonly no --daemonize no --logfile "$work/redis.log" &
	redis_pid=$!
	n=0
	until redis-cli -s "$work/redis.sock" ping 2>/dev/null | grep -q PONG; do
		n=$((n + 1)); [ "$n" -lt 200 ] || { echo "redis did not start" >&2; exit 1; }
		sleep 0.05
	done
}

# Starts hotlined on an emptied Redis with "$1" added to its limits group;
# PS_EXTRA_PRINCIPALS (principals' entries, each starting with ",") and
# PS_SED (one more sed expression on the config) change it further;
# PS_HOTLINED is the binary to run (default $build/hotlined).
ps_start_hotlined() {
	sed -e "s|@DIR@|$work|g" -e "s|@REDIS_SOCK@|$work/redis.sock|g" \
	    -e "s|@SOCK@|$work/hotlined.sock|g" \
	    -e "s|@TCP_PORT@|$("$build/tests/bench/bench-port")|g" \
	    -e "s|@CATALOGUE@|$root/tests/integration/catalogue-test.conf|g" \
	    -e "s|@SRCDIR@|$root|g" \
	    -e "s|@HTTP_PORT@|$("$build/tests/bench/bench-port")|g" \
	    -e "s|@EXTRA_PRINCIPALS@|${PS_EXTRA_PRINCIPALS:-}|g" \
	    -e "s|output_limit = 8388608;|output_limit = 8388608; $1|" \
	    -e "${PS_SED:-}" \
	    "$root/tests/integration/hotlined-test.conf.in" >"$work/hotlined.conf"
	redis-cli -s "$work/redis.sock" flushall >/dev/null
	: >"$work/hotlined.log"
	"${PS_HOTLINED:-$build/hotlined}" -d -f "$work/hotlined.conf" 2>>"$work/hotlined.log" &
	hotlined_pid=$!
	n=0
	until grep -q "redis commands: connected" "$work/hotlined.log" &&
	    [ -S "$work/hotlined.sock" ]; do
		n=$((n + 1)); [ "$n" -lt 200 ] || { tail "$work/hotlined.log" >&2; exit 1; }
		sleep 0.05
	done
	sleep 0.5
}

# Stops hotlined (SIGTERM) and waits for it.
ps_stop_hotlined() {
	kill -TERM "$hotlined_pid"
	wait "$hotlined_pid" 2>/dev/null || true
	hotlined_pid=""
}
