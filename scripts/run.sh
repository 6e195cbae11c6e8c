#!/bin/sh
# Runs hotline locally for trying it by hand: a private redis-server on 127.0.0.1:6390 and hotlined in the foreground.
# Usage: scripts/run.sh BUILD_DIR   (what `make run` does). Ctrl-C stops hotlined, then Redis; data stays in var/redis.
set -eu

[ $# -eq 1 ] || { echo "usage: scripts/run.sh BUILD_DIR" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
case "$1" in
/*) build=$1 ;;
*) build=$root/$1 ;;
esac
hotlined=$build/hotlined
conf=$root/conf/hotlined.conf
var=$root/var
port=6390
hotline_port=7345	# hotlined's listener in conf/hotlined.conf
lock=$var/run.pid	# this script's pid while it runs: one make run per checkout
redis_pid=""
hotlined_pid=""

[ -x "$hotlined" ] || { echo "run.sh: $hotlined not built (make all)" >&2; exit 1; }
command -v redis-server >/dev/null 2>&1 ||
	{ echo "run.sh: redis-server not installed (make deps)" >&2; exit 1; }

# Says what answers on the port: "free", "ours" (a redis-server using var/redis) or "other".
port_owner() {
	reply=$(timeout 3 redis-cli -h 127.0.0.1 -p "$port" config get dir 2>&1 || true)
	case "$reply" in
	*"Connection refused"*) echo free ;;
	*"$var/redis"*) echo ours ;;
	*) echo other ;;
	esac
}

# Returns 0 if something accepts TCP connections on 127.0.0.1:$1.
tcp_open() {
	timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Refuses to start when another make run, or anything else, holds hotlined's port.
refuse_second_run() {
	if [ -f "$lock" ] && other=$(cat "$lock" 2>/dev/null) &&
	    [ -n "$other" ] && kill -0 "$other" 2>/dev/null; then
		echo "run.sh: make run is already running here (pid $other); stop it with Ctrl-C in its terminal first" >&2
		exit 1
	fi
	if tcp_open "$hotline_port"; then
		echo "run.sh: 127.0.0.1:$hotline_port is already in use (another hotlined?); nothing was started" >&2
		exit 1
	fi
}

# Waits (at most 10 s) until hotlined accepts connections; fails if it exited.
wait_hotlined() {
	i=0
	while [ "$i" -lt 100 ]; do
		tcp_open "$hotline_port" && return 0
		kill -0 "$hotlined_pid" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# Writes the redis config into var/redis.
write_redis_conf() {
	mkdir -p "$var/redis"
	cat >"$var/redis/redis.conf" <<EOF
# Written by scripts/run.sh for \`make run\`: a private Redis for trying hotline.
bind 127.0.0.1
port $port
protected-mode yes
daemonize no
dir $var/redis
appendonly yes
appendfsync everysec
# A ticket's hash stays one compact listpack (hotlined(8), REDIS): a third less memory.
hash-max-listpack-value 4096
logfile $var/redis.log
EOF
}

# Waits until redis answers PING (at most 10 s); fails if it died.
wait_redis() {
	i=0
	while [ "$i" -lt 100 ]; do
		if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)" = PONG ]; then
			return 0
		fi
		if [ -n "$redis_pid" ] && ! kill -0 "$redis_pid" 2>/dev/null; then
			echo "run.sh: redis-server exited; its log ($var/redis.log):" >&2
			tail -n 20 "$var/redis.log" >&2 || true
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "run.sh: redis-server did not answer within 10 s" >&2
	return 1
}

# Waits (at most $2 tenths of a second) for process $1 to exit; 0 if it did.
wait_gone() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		[ "$i" -lt "$2" ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 0
}

# Stops hotlined first (SIGTERM: it drains while Redis still answers), then the
# Redis this script started (SHUTDOWN: it syncs the AOF); a Redis it found running is left alone.
stop_all() {
	trap - INT TERM
	if [ -n "$hotlined_pid" ] && kill -0 "$hotlined_pid" 2>/dev/null; then
		echo "run.sh: stopping hotlined" >&2
		kill -TERM "$hotlined_pid" 2>/dev/null || true
		wait_gone "$hotlined_pid" 150 || kill -KILL "$hotlined_pid" 2>/dev/null || true
	fi
	if [ -n "$redis_pid" ] && kill -0 "$redis_pid" 2>/dev/null; then
		echo "run.sh: stopping redis-server" >&2
		redis-cli -h 127.0.0.1 -p "$port" shutdown >/dev/null 2>&1 ||
			kill -TERM "$redis_pid" 2>/dev/null || true
		wait_gone "$redis_pid" 150 || kill -KILL "$redis_pid" 2>/dev/null || true
	fi
	"$root/scripts/pg.sh" stop || true
	rm -f "$lock"
}

# Loads the demo knowledge base (conf/kb/articles.json) when it is empty:
# the archive may take a few seconds to apply its schema, so a few tries.
load_kb() {
	ctl="$build/hotlinectl -a 127.0.0.1:$hotline_port -u dispatcher01 -t dispatcher01-demo"
	i=0
	while [ "$i" -lt 20 ]; do
		if out=$($ctl kb export 2>/dev/null); then
			[ "$out" = "[
]" ] || return 0	# not empty: nothing to load
			$ctl kb import "$root/conf/kb/articles.json" | tail -n 1
			return 0
		fi
		sleep 0.5
		i=$((i + 1))
	done
	echo "run.sh: the knowledge base could not be loaded (PostgreSQL?); later: hotlinectl kb import conf/kb/articles.json" >&2
}

# Prints how to try the running daemon.
banner() {
	ctl=$build/hotlinectl
	cat <<EOF

hotline: hotlined on 127.0.0.1:$hotline_port, Redis on 127.0.0.1:$port (data kept in var/redis).
Demo principals: agent01 (agent, token agent01-demo) and zjj-01 (department 住建局,
token zjj-01-demo). Try it from other terminals:
  $ctl -a 127.0.0.1:7345 -u zjj-01 -t zjj-01-demo watch
  $ctl -a 127.0.0.1:7345 -u agent01 -t agent01-demo classify "物业不作为" "电梯坏了一个月"
The tour in README.md goes on from there. Ctrl-C stops hotlined, Redis and PostgreSQL.
督办考核 page: http://127.0.0.1:7346/ (log in as supervisor01, token supervisor01-demo).

EOF
}

refuse_second_run
mkdir -p "$var"
echo $$ >"$lock"
# The servers run in sessions of their own, so a Ctrl-C in this terminal
# reaches only this script, which then stops them in order (stop_all).
case "$(port_owner)" in
free)
	write_redis_conf
	setsid redis-server "$var/redis/redis.conf" &
	redis_pid=$!
	;;
ours)
	echo "run.sh: our redis-server is already running on port $port; using it" >&2
	;;
*)
	echo "run.sh: port $port is taken by something that is not this checkout's Redis" >&2
	echo "run.sh: stop it, or free the port, and run again" >&2
	rm -f "$lock"
	exit 1
	;;
esac
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
wait_redis || { stop_all; exit 1; }
"$root/scripts/pg.sh" start || { stop_all; exit 1; }	# the archive (PostgreSQL)

# hotlined runs in the background so the traps fire at once on Ctrl-C
# (sh runs traps only after a foreground child ends); its log is this terminal.
setsid "$hotlined" -d -f "$conf" &
hotlined_pid=$!
if wait_hotlined; then
	load_kb
	banner
else
	echo "run.sh: hotlined did not start listening on 127.0.0.1:$hotline_port (its log is above)" >&2
fi
status=0
wait "$hotlined_pid" || status=$?
stop_all
exit "$status"
