#!/bin/sh
# Timers beside BullMQ (make bench-timers): a private Redis on a unix socket, hotline's side then BullMQ's, alternating; one table and a JSON file.
# Usage: tests/bench/run-timers.sh BUILD_DIR. Settings: BENCH_TIMERS_* variables (tests/bench/TIMERS.md).
set -eu

N=${BENCH_TIMERS_N:-1000000}			# timers pending (far in the future)
K=${BENCH_TIMERS_K:-5000}			# the sample that comes due
LEAD=${BENCH_TIMERS_LEAD:-3}			# seconds from arming the sample to its first due time
SPAN=${BENCH_TIMERS_SPAN:-25}			# seconds over which the sample comes due
IDLE=${BENCH_TIMERS_IDLE:-10}			# seconds of the idle window
FAR_DAYS=${BENCH_TIMERS_FAR_DAYS:-30}		# the pending timers are due in FAR_DAYS to 2 x FAR_DAYS
ROUNDS=${BENCH_TIMERS_ROUNDS:-2}		# rounds; odd ones run hotline first, even ones BullMQ
HZ=${BENCH_TIMERS_HZ:-10}			# Redis's hz (10 is its default)
CHUNK=${BENCH_TIMERS_BULLMQ_CHUNK:-100}	# jobs per Queue.addBulk
INFLIGHT=${BENCH_TIMERS_BULLMQ_INFLIGHT:-4}	# addBulk calls in flight
CONCURRENCY=${BENCH_TIMERS_BULLMQ_CONCURRENCY:-1}	# the Worker's concurrency
AOF_MIN_SIZE=${BENCH_AOF_MIN_SIZE:-8gb}		# no AOF rewrite during a run (see README.md)

[ $# -eq 1 ] || { echo "usage: tests/bench/run-timers.sh BUILD_DIR" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
case "$1" in
/*) build=$1 ;;
*) build=$root/$1 ;;
esac
bench=$build/tests/bench/bench-timers
bullmq=$root/tests/bench/bullmq
for f in "$build/hotlined" "$bench"; do
	[ -x "$f" ] || { echo "run-timers.sh: $f is not built (make bench-timers)" >&2; exit 1; }
done
# BullMQ runs on Node.js: Debian's nodejs and npm, unless a node and npm are there already.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	"$root/scripts/deps.sh" nodejs npm || { echo "run-timers.sh: cannot install Node.js and npm" >&2; exit 1; }
fi
for c in redis-server redis-cli node npm; do
	command -v "$c" >/dev/null 2>&1 ||
		{ echo "run-timers.sh: $c is needed (make deps; Node.js with npm)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/hotline-timers.XXXXXX")
sock=$work/redis.sock
conf=$work/conf/hotlined.conf
values=$work/values.tsv
redis_pid=""
hotlined_pid=""
: >"$values"

# ---- processes ----

# Runs redis-cli against the private Redis.
rcli() {
	redis-cli -s "$sock" "$@"
}

# Waits (at most $2 tenths of a second) for process $1 to exit; 0 if it did.
wait_gone() {
	wg_n=0
	while kill -0 "$1" 2>/dev/null; do
		[ "$wg_n" -lt "$2" ] || return 1
		sleep 0.1
		wg_n=$((wg_n + 1))
	done
	return 0
}

# Prints why, with the end of the logs, and exits (the trap cleans up).
fail() {
	echo "run-timers.sh: $*" >&2
	for f in "$work/hotlined.log" "$work/redis.log"; do
		[ -f "$f" ] && { echo "---- $f (tail)" >&2; tail -n 5 "$f" >&2; }
	done
	exit 1
}

# Starts the private Redis on its unix socket and waits until it answers.
start_redis() {
	mkdir -p "$work/redis"
	redis-server --port 0 --unixsocket "$sock" --unixsocketperm 700 \
	    --dir "$work/redis" --appendonly yes --appendfsync everysec \
	    --save '' --auto-aof-rewrite-min-size "$AOF_MIN_SIZE" --hz "$HZ" \
	    --daemonize no --logfile "$work/redis.log" >/dev/null 2>&1 &
	redis_pid=$!
	sr_n=0
	until [ "$(rcli ping 2>/dev/null || true)" = PONG ]; do
		kill -0 "$redis_pid" 2>/dev/null || fail "redis-server exited"
		[ "$sr_n" -lt 500 ] || fail "redis-server did not answer in 10 s"
		sleep 0.02
		sr_n=$((sr_n + 1))
	done
}

# Starts hotlined in the foreground (-d) and waits until it listens to Redis.
start_hotlined() {
	"$build/hotlined" -d -f "$conf" 2>>"$work/hotlined.log" &
	hotlined_pid=$!
	sh_n=0
	until [ "$(rcli pubsub numsub ht:wake | sed -n 2p)" = 1 ]; do
		kill -0 "$hotlined_pid" 2>/dev/null || fail "hotlined exited"
		[ "$sh_n" -lt 500 ] || fail "hotlined did not subscribe in 10 s"
		sleep 0.02
		sh_n=$((sh_n + 1))
	done
}

# Stops process $1 with SIGTERM and waits (SIGKILL after $2 tenths of a second).
stop_pid() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null || true
	wait_gone "$1" "$2" || kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# Stops everything; keeps the work directory (logs) only if asked to.
cleanup() {
	stop_pid "$hotlined_pid" 100
	stop_pid "$redis_pid" 600
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "run-timers.sh: logs kept in $work" >&2
	else
		rm -rf "$work"
	fi
}

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Writes hotlined's config: conf/ as it is, listening on a unix socket, Redis
# on the private socket with room for every event of the sample, no HTTP side.
write_conf() {
	cp -R "$root/conf" "$work/conf"
	maxlen=$((K > 1000000 ? K : 1000000))
	awk -v lsock="$work/hotlined.sock" -v rsock="$sock" -v maxlen="$maxlen" '
	/^listen = \(/ { print "listen = ( { unix = \"" lsock "\"; } );"; skip = 1; next }
	/^http = \{/ { skip = 1; next }
	skip { if ($0 ~ /^(\);|\};)/) skip = 0; next }
	/^redis = \{/ { print; print "  unix = \"" rsock "\";"; print "  feed_maxlen = " maxlen ";"; inredis = 1; next }
	inredis && /^\};/ { inredis = 0 }
	inredis && /^[ \t]*(host|port|unix|feed_maxlen)[ \t]*=/ { next }
	{ print }' "$root/conf/hotlined.conf" >"$conf"
	"$build/hotlined" -n -f "$conf" >/dev/null || fail "the bench config does not load"
}

# Installs BullMQ (the versions package-lock.json pins) unless it is there.
install_bullmq() {
	[ -f "$bullmq/node_modules/bullmq/package.json" ] &&
	    [ -f "$bullmq/node_modules/ioredis/package.json" ] && return 0
	echo "run-timers.sh: installing BullMQ with npm into $bullmq/node_modules" >&2
	# npm 11's ci refuses this lock (it wants entries for the optional
	# msgpackr-extract builds of other platforms); install then takes the
	# versions the lock pins all the same.
	(cd "$bullmq" && { npm ci --no-audit --no-fund >&2 ||
	    npm install --no-audit --no-fund >&2; }) || fail "npm could not install BullMQ"
}

# Empties Redis and shrinks its append-only file, so every side starts alike.
flush_redis() {
	rcli flushall >/dev/null
	rcli bgrewriteaof >/dev/null
	sleep 0.2
	while rcli info persistence | grep -Eq '^aof_rewrite_(in_progress|scheduled):1'; do
		sleep 0.1
	done
}

# ---- measuring ----

# Busy CPU ticks of the whole machine.
machine_ticks() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# Milliseconds since the epoch.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# Adds the machine's CPU (percent of one core) over a side's run to values.
machine_value() {
	awk -v side="$1" -v round="$2" -v t=$(($5 - $4)) -v ms="$3" -v tck="$(getconf CLK_TCK)" \
	    'BEGIN { printf "%s\t%s\tmachine\tcpu_pct\t%.0f\n", side, round, 100 * t / tck / (ms / 1000) }' >>"$values"
}

# Adds Redis's memory (bytes) to values under key $3.
memory_value() {
	rcli info memory | awk -F: -v side="$1" -v round="$2" -v k="$3" \
	    '/^used_memory:/ { printf "%s\t%s\tmemory\t%s\t%d\n", side, round, k, $2 }' >>"$values"
}

# hotline's side, round $1: hotlined and bench-timers; its result lines into values.
side_hotline() {
	echo "== round $1: hotline" >&2
	flush_redis
	memory_value hotline "$1" empty
	start_hotlined
	t0=$(now_ms); m0=$(machine_ticks)
	"$bench" -c "$conf" -p "$hotlined_pid" -n "$N" -k "$K" -L "$LEAD" \
	    -S "$SPAN" -I "$IDLE" -F "$FAR_DAYS" >"$work/hotline_r$1.out" ||
		fail "bench-timers failed"
	m1=$(machine_ticks); t1=$(now_ms)
	machine_value hotline "$1" $((t1 - t0)) "$m0" "$m1"
	memory_value hotline "$1" armed
	stop_pid "$hotlined_pid" 100
	hotlined_pid=""
	awk -F'\t' -v OFS='\t' -v round="$1" '$1 == "R" {
		for (i = 6; i <= NF; i++) { split($i, a, "="); print "hotline", round, $3, a[1], a[2] } }' \
	    "$work/hotline_r$1.out" >>"$values"
}

# BullMQ's side, round $1: bench.mjs; its JSON into values.
side_bullmq() {
	echo "== round $1: BullMQ" >&2
	flush_redis
	memory_value bullmq "$1" empty
	t0=$(now_ms); m0=$(machine_ticks)
	node "$bullmq/bench.mjs" --socket "$sock" --n "$N" --k "$K" --lead "$LEAD" \
	    --span "$SPAN" --idle "$IDLE" --far-days "$FAR_DAYS" --chunk "$CHUNK" \
	    --inflight "$INFLIGHT" --concurrency "$CONCURRENCY" >"$work/bullmq_r$1.json" ||
		fail "bench.mjs failed"
	m1=$(machine_ticks); t1=$(now_ms)
	machine_value bullmq "$1" $((t1 - t0)) "$m0" "$m1"
	memory_value bullmq "$1" armed
	node -e '
	const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	for (const k of ["arm", "idle", "fire", "fire_cost"])
		for (const [n, v] of Object.entries(r[k]))
			console.log(["bullmq", process.argv[2], k, n, v].join("\t"));
	' "$work/bullmq_r$1.json" "$1" >>"$values"
}

# ---- report ----

# Prints the median over the rounds of side $1, key $2, name $3.
med() {
	awk -F'\t' -v s="$1" -v k="$2" -v n="$3" '$1 == s && $3 == k && $4 == n { print $5 }' "$values" |
	    sort -g | awk '{ v[NR] = $1 }
	    END { if (NR == 0) print "null"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Prints the rounds' values of side $1, key $2, name $3 as "a / b".
rounds_text() {
	awk -F'\t' -v s="$1" -v k="$2" -v n="$3" -v d="${4:-0}" '$1 == s && $3 == k && $4 == n {
		printf "%s%." d "f", sep, $5; sep = " / " }' "$values"
}

# Formats $1 with $2 decimals (default 0) and thousands separators.
fmt() {
	awk -v v="$1" -v d="${2:-0}" 'BEGIN {
		if (v == "null") { print "n/a"; exit }
		s = sprintf("%." d "f", v); neg = s ~ /^-/; sub(/^-/, "", s)
		split(s, p, "."); i = p[1]; o = ""
		while (length(i) > 3) { o = "," substr(i, length(i) - 2) o; i = substr(i, 1, length(i) - 3) }
		o = i o; if (d > 0) o = o "." p[2]
		print (neg ? "-" : "") o }'
}

# Divides $1 by $2, with $3 decimals.
ratio() {
	awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (a == "null" || b == "null" || b == 0) print "n/a"; else printf "%." d "f\n", a / b }'
}

# Bytes of Redis memory per armed timer of side $1.
per_timer() {
	awk -v a="$(med "$1" memory armed)" -v e="$(med "$1" memory empty)" -v n="$N" -v k="$K" \
	    'BEGIN { printf "%.0f\n", (a - e) / (n + k) }'
}

# "p50 a · p90 b · p99 c · p999 d · max e" of side $1, key $2.
lags() {
	echo "p50 $(fmt "$(med "$1" "$2" p50_ms)" 1) · p90 $(fmt "$(med "$1" "$2" p90_ms)" 1) · p99 $(fmt "$(med "$1" "$2" p99_ms)" 1) · p999 $(fmt "$(med "$1" "$2" p999_ms)" 1) · max $(fmt "$(med "$1" "$2" max_ms)" 1)"
}

# Says what went missing or twice in side $1's key $2 (empty when nothing did).
lost() {
	m=$(med "$1" "$2" missing); d=$(med "$1" "$2" duplicates)
	[ "$m" = 0 ] && [ "$d" = 0 ] && return 0
	echo " ($m missing, $d twice)"
}

# Adds a table row: measure, hotline, BullMQ, ratio.
row() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$work/table.tsv"
}

# Builds the table's rows from the values.
build_table() {
	: >"$work/table.tsv"
	arm_ratio=$(ratio "$(med hotline arm value)" "$(med bullmq arm value)" 2)
	lag_ratio=$(ratio "$(med hotline fire_read p99_ms)" "$(med bullmq fire p99_ms)" 3)
	row "arming $(fmt "$N") timers, timers/s (rounds: hotline $(rounds_text hotline arm value); BullMQ $(rounds_text bullmq arm value))" \
	    "$(fmt "$(med hotline arm value)") (HSET ticket + ZADD, pipelined; Redis CPU $(fmt "$(med hotline arm redis_busy_pct)")%, client $(fmt "$(med hotline arm client_busy_pct)")%)" \
	    "$(fmt "$(med bullmq arm value)") (Queue.addBulk of $CHUNK, $INFLIGHT in flight; Redis CPU $(fmt "$(med bullmq arm redis_busy_pct)")%, Node $(fmt "$(med bullmq arm client_busy_pct)")%)" \
	    "$arm_ratio"
	row "Redis memory per pending timer, bytes" \
	    "$(per_timer hotline) (ZSET member + a minimal ticket hash: state, clock_gen, dept)" \
	    "$(per_timer bullmq) (delayed ZSET member + job hash)" \
	    "$(ratio "$(per_timer hotline)" "$(per_timer bullmq)" 2)"
	row "idle ${IDLE} s, $(fmt "$N") pending, none due: engine CPU ms; Redis EVALSHA / all commands / CPU ms" \
	    "hotlined $(fmt "$(med hotline idle value)" 1) ms; $(fmt "$(med hotline idle evalsha_calls)") / $(fmt "$(med hotline idle redis_commands)") / $(fmt "$(med hotline idle redis_cpu_ms)" 1) ms" \
	    "Node (Worker + Queue) $(fmt "$(med bullmq idle value)" 1) ms; $(fmt "$(med bullmq idle evalsha_calls)") / $(fmt "$(med bullmq idle redis_commands)") / $(fmt "$(med bullmq idle redis_cpu_ms)" 1) ms" \
	    "$(ratio "$(med hotline idle value)" "$(med bullmq idle value)" 2)"
	row "lag of $(fmt "$K") timers due over $SPAN s, $(fmt "$N") pending: due → consumer has it, ms (lower is better; ratio of p99)" \
	    "$(lags hotline fire_read)$(lost hotline fire_read) (bench's XREAD BLOCK of ht:supervision:feed)" \
	    "$(lags bullmq fire)$(lost bullmq fire) (Worker's processor called)" \
	    "$lag_ratio"
	row "hotline's own firing lag: due → the event's 'at' (hotlined sent timer_fire.lua), ms" \
	    "$(lags hotline fire_at)" "" ""
	row "firing the sample: EVALSHA calls; Redis CPU ms; engine CPU ms" \
	    "$(fmt "$(med hotline fire_cost evalsha_calls)"); $(fmt "$(med hotline fire_cost redis_cpu_ms)"); hotlined $(fmt "$(med hotline fire_cost hotlined_cpu_ms)")" \
	    "$(fmt "$(med bullmq fire_cost evalsha_calls)"); $(fmt "$(med bullmq fire_cost redis_cpu_ms)"); Node $(fmt "$(med bullmq fire_cost engine_cpu_ms)")" \
	    "$(ratio "$(med hotline fire_cost redis_cpu_ms)" "$(med bullmq fire_cost redis_cpu_ms)" 2)"
	row "the machine's CPU during each side (percent of one core; $cores cores)" \
	    "$(rounds_text hotline machine cpu_pct)" "$(rounds_text bullmq machine cpu_pct)" ""
}

# Prints the table in Markdown, with the machine above it.
print_table() {
	echo
	echo "hotline timers beside BullMQ, $started: $cpu, $cores cores, $ram RAM, $(uname -sr);"
	echo "$(redis-server --version | awk '{ print $1, $2, $3 }') on a unix socket (appendonly yes, appendfsync everysec, save '', hz $HZ);"
	echo "hotlined $hotlined_version; BullMQ $bullmq_version with ioredis $ioredis_version on Node.js $(node -v), Worker concurrency $CONCURRENCY."
	echo "N = $(fmt "$N") pending timers, K = $(fmt "$K") due over $SPAN s; $ROUNDS round(s), alternating (median shown); load average before: $load_at_start."
	if awk -v l="${load_at_start%% *}" 'BEGIN { exit !(l >= 0.5) }'; then
		echo "The load average was ${load_at_start%% *} before the run: the machine may not have been idle (see its CPU in the last row)."
	fi
	echo
	echo "| measure | hotline | BullMQ | ratio hotline / BullMQ |"
	echo "|---|---|---|---|"
	awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$work/table.tsv"
}

# Escapes a string for JSON.
json_string() {
	printf '%s' "$1" | awk 'BEGIN { ORS = "" } { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); if (NR > 1) print "\\n"; print }'
}

# Writes the JSON file $1: machine, settings, ratios, table and every value.
write_json() {
	cc_version=$(${CC:-cc} --version 2>/dev/null | head -n 1 || echo unknown)
	commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
	{
		echo "{"
		printf '  "machine": {"cpu": "%s", "cores": %s, "ram": "%s", "kernel": "%s", "redis": "%s", "hotlined": "%s", "bullmq": "%s", "ioredis": "%s", "node": "%s", "compiler": "%s", "commit": "%s", "load_average_at_start": "%s", "date": "%s"},\n' \
		    "$(json_string "$cpu")" "$cores" "$ram" "$(json_string "$(uname -sr)")" \
		    "$(json_string "$(redis-server --version)")" "$hotlined_version" "$bullmq_version" \
		    "$ioredis_version" "$(node -v)" "$(json_string "$cc_version")" "$commit" "$load_at_start" "$started"
		printf '  "settings": {"n": %s, "k": %s, "lead_s": %s, "span_s": %s, "idle_s": %s, "far_days": %s, "rounds": %s, "redis": "unix socket; appendonly yes, appendfsync everysec, save '"''"', hz %s, auto-aof-rewrite-min-size %s", "bullmq_chunk": %s, "bullmq_inflight": %s, "bullmq_concurrency": %s},\n' \
		    "$N" "$K" "$LEAD" "$SPAN" "$IDLE" "$FAR_DAYS" "$ROUNDS" "$HZ" "$AOF_MIN_SIZE" "$CHUNK" "$INFLIGHT" "$CONCURRENCY"
		printf '  "ratios": {"arming_rate_hotline_over_bullmq": %s, "p99_lag_hotline_over_bullmq": %s},\n' \
		    "$(echo "$arm_ratio" | sed 's|n/a|null|')" "$(echo "$lag_ratio" | sed 's|n/a|null|')"
		echo '  "table": ['
		awk -F'\t' 'function js(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
		{ printf "%s    {\"measure\": %s, \"hotline\": %s, \"bullmq\": %s, \"ratio\": %s}", sep, js($1), js($2), js($3), js($4); sep = ",\n" }
		END { print "" }' "$work/table.tsv"
		echo '  ],'
		echo '  "values": ['
		awk -F'\t' '{ v = ($5 == "" || $5 == "null") ? "null" : $5
		printf "%s    {\"side\": \"%s\", \"round\": %s, \"key\": \"%s\", \"name\": \"%s\", \"value\": %s}", sep, $1, $2, $3, $4, v; sep = ",\n" }
		END { print "" }' "$values"
		echo '  ]'
		echo "}"
	} >"$1"
}

# ---- main ----

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
cores=$(nproc)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
install_bullmq
bullmq_version=$(node -p 'require(process.argv[1]).version' "$bullmq/node_modules/bullmq/package.json")
ioredis_version=$(node -p 'require(process.argv[1]).version' "$bullmq/node_modules/ioredis/package.json")
hotlined_version=$(awk '$1 == "VERSION" { print $3 }' "$root/Makefile")
write_conf
start_redis
echo "run-timers.sh: Redis on $sock; N=$N pending, K=$K due over $SPAN s; $ROUNDS round(s)" >&2
round=1
while [ "$round" -le "$ROUNDS" ]; do
	if [ $((round % 2)) = 1 ]; then
		side_hotline "$round"
		side_bullmq "$round"
	else
		side_bullmq "$round"
		side_hotline "$round"
	fi
	round=$((round + 1))
done
build_table
mkdir -p "$root/bench/results"
out=$root/bench/results/$(date -u +%Y%m%d-%H%M%S)-$(hostname -s 2>/dev/null || echo host)-timers
write_json "$out.json"
print_table | tee "$out.md"
echo
echo "run-timers.sh: wrote $out.json and $out.md"
