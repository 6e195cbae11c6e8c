#!/bin/sh
# Runs hotline's benchmarks (make bench): a private Redis and hotlined on loopback, each part, one table and a JSON file.
# Usage: tests/bench/run.sh BUILD_DIR [part...]   parts: intake dispatch classify footprint retrain retrain-hotlined, then any
# other tests/bench/bench-<part>.c program (default: all, in that order). Settings: BENCH_* variables (README.md).
set -eu

# Says how to call this script and exits 2.
usage() {
	echo "usage: tests/bench/run.sh BUILD_DIR [part...]; parts: $all_parts" >&2
	exit 2
}

# Prints the parts that are programs without a function here (" name..."):
# every bench-<name> that is not a helper of the others.
generic_parts() {
	for f in "$bin"/bench-*; do
		[ -x "$f" ] || continue
		n=${f##*/bench-}
		case " $known_parts $helpers " in
		*" $n "*) ;;
		*) printf ' %s' "$n" ;;
		esac
	done
}

known_parts="intake dispatch classify footprint retrain retrain-hotlined"
# timers has its own driver (run-timers.sh: BullMQ beside it), run by make bench;
# search is run-archive.sh's (make bench-archive: PostgreSQL); budget and
# hellostorm are run-budget.sh's and run-hellostorm.sh's (their own servers).
helpers="limit port ready timers search budget hellostorm"
all_parts=$known_parts
[ $# -ge 1 ] || usage
root=$(cd "$(dirname "$0")/../.." && pwd)
case "$1" in
/*) build=$1 ;;
*) build=$root/$1 ;;
esac
shift
bin=$build/tests/bench
all_parts="$known_parts$(generic_parts)"
parts=${*:-$all_parts}
for p in $parts; do
	case " $all_parts " in
	*" $p "*) ;;
	*) usage ;;
	esac
done
for f in "$build/hotlined" "$bin/bench-ready" "$bin/bench-port" "$bin/bench-footprint"; do
	[ -x "$f" ] || { echo "run.sh: $f is not built (make bench-build)" >&2; exit 1; }
done
command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 ||
	{ echo "run.sh: redis-server and redis-cli are needed (make deps)" >&2; exit 1; }

ROUNDS=${BENCH_ROUNDS:-5}			# alternating limit/hotline rounds
WARMUP=${BENCH_WARMUP:-2}			# seconds excluded from every run
RUN_SECONDS=${BENCH_SECONDS:-3}			# measured seconds of a throughput run
LAT_SECONDS=${BENCH_LATENCY_SECONDS:-8}		# measured seconds of a latency run
CONNS=${BENCH_CONNS:-"8 32"}			# agent connections of the throughput runs
INFLIGHT=${BENCH_INFLIGHT:-256}			# creates in flight, on both sides
LIGHT_RATE=${BENCH_LIGHT_RATE:-200}		# tickets/s of the light latency run
LOADS=${BENCH_LOADS:-"10 25 50 75"}		# latency runs, percent of the measured maximum
DISPATCH_LOADS=${BENCH_DISPATCH_LOADS:-"25 50"}	# moderate and high
CLASSIFY_SIZES=${BENCH_CLASSIFY_SIZES:-100,1000,10000}
CLASSIFY_SECONDS=${BENCH_CLASSIFY_SECONDS:-2}
RETRAIN_EXAMPLES=${BENCH_RETRAIN_EXAMPLES:-100000}	# both retrain programs read it too
MEMORY_TICKETS=${BENCH_MEMORY_TICKETS:-20000}
IDLE_CONNS=${BENCH_IDLE_CONNS:-1000}
RESTART_TICKETS=${BENCH_RESTART_TICKETS:-1000000}
EMPTY_TICKETS=${BENCH_EMPTY_TICKETS:-200}		# the baseline's Redis: a few tickets to show and list
BENCH_DEPT_OF=zjj				# bench-dept's department (住建局), for the list
RESTARTS=${BENCH_RESTARTS:-5}
# Rewrites of the append-only file are kept out of the runs (see README.md).
AOF_MIN_SIZE=${BENCH_AOF_MIN_SIZE:-8gb}

# Idle connections need descriptors, in the driver and in hotlined alike.
ulimit -n "$(ulimit -H -n)" 2>/dev/null || true
nofile=$(ulimit -n)
if [ "$nofile" != unlimited ] && [ $((IDLE_CONNS * 16 + 200)) -gt "$nofile" ]; then
	IDLE_CONNS=$(((nofile - 200) / 16))
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hotline-bench.XXXXXX")
results=$work/results.tsv
table=$work/table.tsv
conf=$work/conf/hotlined.conf
conf_empty=$work/conf/hotlined-empty.conf
redis_pid=""
hotlined_pid=""
hotlined_server=""
hotlined_ms=""
max_rate=""
: >"$results"
: >"$table"

# ---- processes ----

# Milliseconds since the epoch.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
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

# Runs redis-cli against the private Redis.
rcli() {
	redis-cli -h 127.0.0.1 -p "$redis_port" "$@"
}

# Starts a redis-server on port $1 with data in directory $2 and log $3, with
# the settings of every run, and waits until it answers (a load can take
# long); sets started_pid.
redis_on() {
	mkdir -p "$2"
	redis-server --bind 127.0.0.1 --port "$1" --protected-mode yes \
	    --dir "$2" --appendonly yes --appendfsync everysec \
	    --save '' --auto-aof-rewrite-min-size "$AOF_MIN_SIZE" \
	    --hash-max-listpack-value 4096 \
	    --daemonize no --logfile "$3" >/dev/null 2>&1 &
	started_pid=$!
	sr_n=0
	until [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null || true)" = PONG ]; do
		kill -0 "$started_pid" 2>/dev/null ||
			{ tail -n 20 "$3" >&2; fail "redis-server exited"; }
		[ "$sr_n" -lt 30000 ] || fail "redis-server did not answer in 600 s"
		sleep 0.02
		sr_n=$((sr_n + 1))
	done
}

# Starts the private Redis.
start_redis() {
	redis_on "$redis_port" "$work/redis" "$work/redis.log"
	redis_pid=$started_pid
}

# Stops server $1 (a pid, or nothing) with SIGTERM and waits up to $2 tenths of a second.
stop_server() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null || true
	wait_gone "$1" "$2" || kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# Stops Redis with SIGTERM (it syncs its append-only file) and waits.
stop_redis() {
	stop_server "$redis_pid" 600
	redis_pid=""
}

# Starts hotlined through bench-ready; sets hotlined_pid, hotlined_server and
# hotlined_ms (from start to serving). Not in a subshell: the pid must stay known.
start_hotlined() {
	out=$("$bin/bench-ready" -a "$hotline_addr" -u bench-idle -t 60 -- \
	    "$build/hotlined" -d -f "$conf" 2>>"$work/hotlined.log") ||
		{ tail -n 20 "$work/hotlined.log" >&2; fail "hotlined did not start"; }
	hotlined_pid=$(echo "$out" | sed -n 's/.*pid=\([0-9]*\).*/\1/p')
	hotlined_server=$(echo "$out" | sed -n 's/.*server=\([^ ]*\).*/\1/p')
	hotlined_ms=$(echo "$out" | sed -n 's/.* ms=\([0-9.]*\).*/\1/p')
}

# Stops hotlined with SIGTERM (it drains) and waits.
stop_hotlined() {
	[ -n "$hotlined_pid" ] || return 0
	kill -TERM "$hotlined_pid" 2>/dev/null || true
	wait_gone "$hotlined_pid" 150 || kill -KILL "$hotlined_pid" 2>/dev/null || true
	hotlined_pid=""
}

# Stops everything; keeps the work directory (logs) only if asked to.
cleanup() {
	stop_hotlined
	stop_empty_redis
	stop_redis
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "run.sh: logs kept in $work" >&2
	else
		rm -rf "$work"
	fi
}

# Prints why, with the last lines of the logs, and exits (the trap cleans up).
fail() {
	echo "run.sh: $*" >&2
	for f in "$work/hotlined.log" "$work/redis.log"; do
		[ -f "$f" ] && { echo "---- $f (tail)" >&2; tail -n 5 "$f" >&2; }
	done
	exit 1
}

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Writes hotlined's config: conf/ as it is, with private listen and redis
# addresses, no HTTP side (its fixed port would clash with another run), one
# more agent (bench-idle, a cheap hash) and room for the idle connections.
write_conf() {
	cp -R "$root/conf" "$work/conf"
	idle_hash=$("$bin/bench-footprint" -m hash)
	dept_hash=$("$bin/bench-footprint" -m hash -u bench-dept)
	awk -v port="$hotline_port" -v rport="$redis_port" -v hash="$idle_hash" \
	    -v dhash="$dept_hash" -v dept="$BENCH_DEPT_OF" '
	/^listen = \(/ { print "listen = ( { address = \"127.0.0.1:" port "\"; } );"; skip = 1; next }
	/^http = \{/ { skip = 1; next }
	skip { if ($0 ~ /^(\);|\};)/) skip = 0; next }
	/^principals = \(/ { inprincipals = 1 }
	inprincipals && /^\);/ { print "  , { id = \"bench-idle\"; role = \"agent\"; credential = \"" hash "\"; }"
		print "  , { id = \"bench-dept\"; role = \"department\"; department = \"" dept "\"; credential = \"" dhash "\"; }"; inprincipals = 0 }
	/^[ \t]*max_connections[ \t]*=/ { sub(/=[ \t]*[0-9]+/, "= 100000") }
	/^redis = \{/ { print; print "  host = \"127.0.0.1\";"; print "  port = " rport ";"; inredis = 1; next }
	inredis && /^\};/ { inredis = 0 }
	inredis && /^[ \t]*(host|port|unix)[ \t]*=/ { next }
	{ print }' "$root/conf/hotlined.conf" >"$conf"
	"$build/hotlined" -n -f "$conf" >/dev/null || fail "the bench config does not load"
}

# Empties Redis and shrinks its append-only file, so every run starts alike.
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

# CPU ticks used by process $1 so far (0 if it is not running).
proc_ticks() {
	if [ -n "$1" ] && [ -r "/proc/$1/stat" ]; then
		awk '{ print $14 + $15 }' "/proc/$1/stat"
	else
		echo 0
	fi
}

# Counts Redis's rewrites of its append-only file so far.
aof_rewrites() {
	rcli info persistence | awk -F: '/^aof_rewrites:/ { print $2 + 0 }'
}

# Runs a program ($2...) that prints result lines; keeps them with the CPU
# each process used meanwhile (percent of one core) under key $1 ("-": the
# program's own keys).
measured() {
	key=$1
	shift
	tck=$(getconf CLK_TCK)
	r0=$(proc_ticks "$redis_pid"); h0=$(proc_ticks "$hotlined_pid")
	m0=$(machine_ticks); a0=$(aof_rewrites); t0=$(now_ms)
	"$@" >"$work/out" || fail "$1 failed"
	t1=$(now_ms); m1=$(machine_ticks); a1=$(aof_rewrites)
	r1=$(proc_ticks "$redis_pid"); h1=$(proc_ticks "$hotlined_pid")
	awk -F'\t' -v OFS='\t' -v key="$key" -v ms=$((t1 - t0)) -v tck="$tck" \
	    -v r=$((r1 - r0)) -v h=$((h1 - h0)) -v m=$((m1 - m0)) -v a=$((a1 - a0)) '
	function pct(t) { return sprintf("%.0f", 100 * t / tck / (ms / 1000)) }
	$1 == "R" { if (key != "-") $3 = key; print $0, "redis_cpu_pct=" pct(r), "hotlined_cpu_pct=" pct(h),
	    "machine_cpu_pct=" pct(m), "aof_rewrites=" a }' "$work/out" >>"$results"
	grep -v '^R' "$work/out" >&2 || true
}

# Prints value $2 of the last result line with key $1 (empty if none).
get() {
	awk -F'\t' -v k="$1" -v n="$2" '
	$1 == "R" && $3 == k { v = ""; for (i = 6; i <= NF; i++) { split($i, a, "="); if (a[1] == n) v = a[2] } }
	END { print v }' "$results"
}

# Prints the median of the numbers given.
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
	END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Formats $1 with $2 decimals (default 0) and thousands separators.
fmt() {
	awk -v v="$1" -v d="${2:-0}" 'BEGIN {
		s = sprintf("%." d "f", v); neg = s ~ /^-/; sub(/^-/, "", s)
		split(s, p, "."); i = p[1]; o = ""
		while (length(i) > 3) { o = "," substr(i, length(i) - 2) o; i = substr(i, 1, length(i) - 3) }
		o = i o; if (d > 0) o = o "." p[2]
		print (neg ? "-" : "") o }'
}

# Divides $1 by $2, with $3 decimals.
ratio() {
	awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (b == 0) print "n/a"; else printf "%." d "f\n", a / b }'
}

# Adds a row to the table: part, measure, result.
row() {
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$table"
	printf '  %-10s %s: %s\n' "$1" "$2" "$3" >&2
}

# Adds a derived result line (part key unit label name=value...).
derived() {
	part=$1 key=$2 unit=$3 label=$4
	shift 4
	printf 'R\t%s\t%s\t%s\t%s' "$part" "$key" "$unit" "$label" >>"$results"
	for kv in "$@"; do
		printf '\t%s' "$kv" >>"$results"
	done
	printf '\n' >>"$results"
}

# "p50 a · p99 b · p999 c · max d ms" from a result line's latency values.
latency_text() {
	echo "p50 $(fmt "$(get "$1" "${2:-}p50_ms")" 2) · p99 $(fmt "$(get "$1" "${2:-}p99_ms")" 2) · p999 $(fmt "$(get "$1" "${2:-}p999_ms")" 1) · max $(fmt "$(get "$1" "${2:-}max_ms")" 1) ms"
}

# Says what besides the latencies a run should report: errors, late,
# rewrites, and cores that were full (other programs may have been running).
run_notes() {
	e=$(get "$1" errors); l=$(get "$1" late); a=$(get "$1" aof_rewrites)
	mc=$(get "$1" machine_cpu_pct)
	n=""
	[ "${mc:-0}" -lt $((cores * 90)) ] || n="; the machine's cores were full ($mc% of $((cores * 100))%)"
	[ "${e:-0}" = 0 ] || n="$n; errors $e"
	[ "${l:-0}" = 0 ] || n="$n; $l not answered in time"
	[ "${a:-0}" = 0 ] || n="$n; Redis rewrote its AOF during the run"
	echo "$n"
}

# ---- parts ----

# One throughput run of the limit ($1 = round).
intake_limit() {
	flush_redis
	measured "limit_r$1" "$bin/bench-limit" -c "$conf" -r "$redis_addr" \
	    -w "$INFLIGHT" -W "$WARMUP" -s "$RUN_SECONDS"
}

# One throughput run of hotline with $2 connections ($1 = round).
intake_hotline() {
	flush_redis
	measured "hotline_${2}c_r$1" "$bin/bench-intake" -a "$hotline_addr" -T \
	    -c "$2" -w $((INFLIGHT / $2)) -W "$WARMUP" -s "$RUN_SECONDS"
}

# Prints the values of name $2 of keys $1_r1.. (one per round).
round_values() {
	rv_n=1
	while [ "$rv_n" -le "$ROUNDS" ]; do
		get "${1}_r$rv_n" "$2"
		rv_n=$((rv_n + 1))
	done
}

# Summarises the rounds of key $1: median throughput and CPU; prints the median.
summarise_rounds() {
	med=$(median $(round_values "$1" value))
	derived intake "$1" tickets/s "median of $ROUNDS runs" "value=$med" \
	    "redis_cpu_pct=$(median $(round_values "$1" redis_cpu_pct))" \
	    "hotlined_cpu_pct=$(median $(round_values "$1" hotlined_cpu_pct))" \
	    "client_cpu_pct=$(median $(round_values "$1" client_cpu_pct))" \
	    "machine_cpu_pct=$(median $(round_values "$1" machine_cpu_pct))" \
	    "dispatched_pct=$(median $(round_values "$1" dispatched_pct))" \
	    "repeat_pct=$(median $(round_values "$1" repeat_pct))"
	echo "$med"
}

# The runs' values of key $1 as "a / b / c".
runs_text() {
	for v in $(round_values "$1" value); do
		printf '%s / ' "$(fmt "$v")"
	done | sed 's| / $||'
}

# Throughput: limit and hotline alternating, then the ratios.
intake_throughput() {
	round=1
	while [ "$round" -le "$ROUNDS" ]; do
		echo "intake: round $round of $ROUNDS" >&2
		intake_limit "$round"
		for c in $CONNS; do
			intake_hotline "$round" "$c"
		done
		round=$((round + 1))
	done
	limit=$(summarise_rounds limit)
	row intake "limit: bare pipelined hiredis loop, the daemon's create scripts and arguments, $INFLIGHT tickets in flight" \
	    "$(fmt "$limit") tickets/s (runs $(runs_text limit)); CPU: Redis $(get limit redis_cpu_pct)%, machine $(get limit machine_cpu_pct)% of $((cores * 100))%; $(fmt "$(get limit_r1 scripts_per_ticket)" 2) scripts a ticket"
	row intake "the tickets: dispatched at once; linked as likely repeats (重复件)" \
	    "$(fmt "$(get limit dispatched_pct)")%; $(fmt "$(get limit repeat_pct)")% (hotline side alike; see README.md)"
	for c in $CONNS; do
		h=$(summarise_rounds "hotline_${c}c")
		max_rate=$h
		row intake "hotline: $c agent connections × $((INFLIGHT / c)) in flight" \
		    "$(fmt "$h") tickets/s (runs $(runs_text "hotline_${c}c")); CPU: hotlined $(get "hotline_${c}c" hotlined_cpu_pct)%, Redis $(get "hotline_${c}c" redis_cpu_pct)%, machine $(get "hotline_${c}c" machine_cpu_pct)% of $((cores * 100))%"
		derived intake "ratio_${c}c" ratio "hotline / limit, $c connections" "value=$(ratio "$h" "$limit" 3)"
		row intake "ratio hotline / limit, $c connections" "$(ratio "$h" "$limit" 2)"
	done
}

# Open-loop latency at $1 tickets/s, labelled $2: the limit, then hotline.
intake_latency() {
	flush_redis
	measured "latency_limit_$1" "$bin/bench-limit" -c "$conf" -r "$redis_addr" \
	    -R "$1" -W "$WARMUP" -s "$LAT_SECONDS"
	flush_redis
	c=$(echo "$CONNS" | awk '{ print $NF }')
	measured "latency_$1" "$bin/bench-intake" -a "$hotline_addr" -r "$1" \
	    -c "$c" -W "$WARMUP" -s "$LAT_SECONDS"
	row intake "create latency at $(fmt "$1")/s offered$2, open loop: hotline ($c connections); the limit" \
	    "$(latency_text "latency_$1")$(run_notes "latency_$1"); limit $(latency_text "latency_limit_$1")$(run_notes "latency_limit_$1")"
}

# Finds the maximum rate when the throughput runs were skipped: one short run.
probe_max_rate() {
	[ -z "$max_rate" ] || return 0
	echo "probing the maximum rate" >&2
	c=$(echo "$CONNS" | awk '{ print $NF }')
	flush_redis
	measured probe "$bin/bench-intake" -a "$hotline_addr" -T -c "$c" \
	    -w $((INFLIGHT / c)) -W 1 -s 3
	max_rate=$(get probe value)
}

# Rate at $1 percent of the measured maximum, at least 1 ticket/s.
share_of_max() {
	awk -v m="$max_rate" -v p="$1" 'BEGIN { r = int(m * p / 100); print r < 1 ? 1 : r }'
}

# Part 1: throughput beside the limit, then latency at several loads.
part_intake() {
	intake_throughput
	intake_latency "$LIGHT_RATE" ""
	for p in $LOADS; do
		intake_latency "$(share_of_max "$p")" " ($p% of the maximum)"
	done
}

# Part 2: create to the terminal's event, at a moderate and a high load.
part_dispatch() {
	probe_max_rate
	for p in $DISPATCH_LOADS; do
		rate=$(share_of_max "$p")
		flush_redis
		measured "dispatch_$p" "$bin/bench-dispatch" -a "$hotline_addr" \
		    -f "$conf" -r "$rate" -W "$WARMUP" -s "$LAT_SECONDS"
		row dispatch "create → terminal's event at $(fmt "$rate")/s ($p% of the maximum), a terminal watching every department" \
		    "$(latency_text "dispatch_$p"); create acknowledged p50 $(fmt "$(get "dispatch_$p" ack_p50_ms)" 2) · p99 $(fmt "$(get "dispatch_$p" ack_p99_ms)" 1) ms$(run_notes "dispatch_$p")"
	done
}

# Part 3: classification per core, Hyperscan beside the naive loop.
part_classify() {
	measured - "$bin/bench-classify" -c "$conf" -s "$CLASSIFY_SIZES" \
	    -t "$CLASSIFY_SECONDS"
	k=ticket_mix
	row classify "generated ticket texts: length; share auto-dispatched by conf/catalogue.conf" \
	    "mean $(fmt "$(get $k mean)") chars (p50 $(fmt "$(get $k p50)"), p99 $(fmt "$(get $k p99)"), max $(fmt "$(get $k max)")); $(fmt "$(get $k auto_dispatch_pct)")% auto-dispatched"
	for s in $(echo "$CLASSIFY_SIZES" | tr , ' '); do
		k=entries_$s
		row classify "catalogue of $(fmt "$s") entries ($(fmt "$(get $k keywords)") keywords), one core" \
		    "Hyperscan $(fmt "$(get $k hyperscan)")/s · naive strstr $(fmt "$(get $k naive)")/s · ratio $(fmt "$(get $k ratio)")"
	done
	for s in $(echo "$CLASSIFY_SIZES" | tr , ' '); do
		k=entries_$s
		row classify "a whole classification with the routing model, catalogue of $(fmt "$s") entries (normalise, catalogue, segmentation, features, logistic model, ranking), one core" \
		    "p50 $(fmt "$(get $k model_p50_us)") µs · p99 $(fmt "$(get $k model_p99_us)") µs; the model trained on the entries' keywords in $(fmt "$(get $k model_train_s)" 1) s"
	done
	for s in $(echo "$CLASSIFY_SIZES" | tr , ' '); do
		k=entries_$s
		row classify "compile of a catalogue of $(fmt "$s") entries: startup and reload (a reload compiles off the loop)" \
		    "catalogue_build $(fmt "$(get $k compile_ms)") ms · config_load (read, normalise, compile) $(fmt "$(get $k load_ms)") ms"
	done
}

# "a / b / c" of value $1 of the keys that follow.
stages_text() {
	st_name=$1
	shift
	for st_key in "$@"; do
		printf '%s / ' "$(fmt "$(get "$st_key" "$st_name")" 2)"
	done | sed 's| / $||'
}

# Part 5: retraining on RETRAIN_EXAMPLES examples in process (bench-retrain), idle and meanwhile.
part_retrain() {
	measured - "$bin/bench-retrain" -c "$conf" -n "$RETRAIN_EXAMPLES"
	row retrain "in process: whole classifications (normalise, catalogue, segmentation, model), one per 2 ms; idle / while a thread retrains on $(fmt "$RETRAIN_EXAMPLES") examples" \
	    "p50 $(stages_text p50 idle during_retrain) · p99 **$(stages_text p99 idle during_retrain)** · max $(stages_text max idle during_retrain) ms; the training $(fmt "$(get during_retrain training_s)" 1) s ($(fmt "$(get during_retrain training_cpu_s)" 1) s of CPU)"
}

# Part 6: the same through hotlined (bench-retrain-hotlined): stored examples,
# a retrain, one client's requests idle, while hotlined reads, while it trains.
part_retrain_hotlined() {
	export BENCH_HOTLINE="$hotline_addr" BENCH_REDIS="$redis_addr" \
	    BENCH_CONF="$conf" BENCH_WORK="$work"
	flush_redis
	measured - "$bin/bench-retrain-hotlined" -n "$RETRAIN_EXAMPLES"
	k="hotlined_idle hotlined_reading hotlined_training"
	row retrain "through hotlined: one client's classify and create in turn, $(get hotlined_idle rate)/s; idle / while hotlined reads the $(fmt "$RETRAIN_EXAMPLES") stored examples again after a retrain ($(fmt "$(get hotlined_reading seconds)" 1) s) / while its thread trains on them ($(fmt "$(get hotlined_training seconds)" 1) s)" \
	    "classify p50 $(stages_text classify_p50 $k) · p99 **$(stages_text classify_p99 $k)** · max $(stages_text classify_max $k) ms; create p50 $(stages_text create_p50 $k) · p99 **$(stages_text create_p99 $k)** · max $(stages_text create_max $k) ms$(run_notes hotlined_training)"
}

# Redis memory per ticket.
footprint_memory() {
	flush_redis
	measured footprint_memory "$bin/bench-footprint" -m memory \
	    -a "$hotline_addr" -r "$redis_addr" -f "$conf" -n "$MEMORY_TICKETS"
	k=footprint_memory
	row footprint "Redis memory per open ticket: created, signed if dispatched ($(fmt "$(get $k tickets)") tickets)" \
	    "$(fmt "$(awk -v b="$(get $k value)" 'BEGIN { print b / 1024 }')" 2) KiB (ticket hash $(fmt "$(awk -v b="$(get $k hash)" 'BEGIN { print b / 1024 }')" 2) KiB, history $(fmt "$(awk -v b="$(get $k history)" 'BEGIN { print b / 1024 }')" 2) KiB; the agent typed $(fmt "$(awk -v b="$(get $k text)" 'BEGIN { print b / 1024 }')" 2) KiB of text)"
}

# hotlined memory per idle connection, measured on a fresh daemon (a used
# heap has room for them all and would show nothing), and the cost of hello.
footprint_conns() {
	stop_hotlined
	start_hotlined
	measured footprint_conns "$bin/bench-footprint" -m conns \
	    -a "$hotline_addr" -p "$hotlined_pid" -n "$IDLE_CONNS"
	k=footprint_conns
	cost=$(grep -o 'argon2id\$v=19\$m=[0-9]*,t=[0-9]*,p=[0-9]*' "$conf" | head -n 1 | cut -d'$' -f3)
	steady=""
	[ "$(get $k steady)" = 1 ] || steady="; RSS did not grow steadily: unreliable"
	row footprint "hotlined memory per idle connection (batches of $(fmt "$IDLE_CONNS") after hello, $(fmt "$(get $k conns)") in all)" \
	    "$(fmt "$(get $k value)" 2) KiB RSS (the last two batches; $(fmt "$(get $k rss_start_kib)") KiB fresh, $(fmt "$(get $k rss_end_kib)") KiB at the end$steady)"
	row footprint "hello: argon2id ($cost) verified once in the daemon's loop, then from its cache" \
	    "$(fmt "$(get $k hello_ms)" 1) ms each, so about $(fmt "$(awk -v m="$(get $k hello_ms)" 'BEGIN { print 1000 / m }')") logins/s per daemon"
}

# Starts a second Redis (same settings) for the restarts' baseline and a
# config of hotlined pointing at it; sets empty_port and empty_pid.
start_empty_redis() {
	empty_port=$("$bin/bench-port")
	[ "$empty_port" != "$redis_port" ] && [ "$empty_port" != "$hotline_port" ] ||
		empty_port=$("$bin/bench-port")
	redis_on "$empty_port" "$work/redis-empty" "$work/redis-empty.log"
	empty_pid=$started_pid
	sed "s/^  port = $redis_port;\$/  port = $empty_port;/" "$conf" >"$conf_empty"
	grep -q "^  port = $empty_port;\$" "$conf_empty" || fail "cannot point a config at the second Redis"
}

# Stops the second Redis.
stop_empty_redis() {
	stop_server "${empty_pid:-}" 100
	empty_pid=""
}

# Prints the number of the oldest open ticket of bench-dept's department in the Redis at port $1.
oldest_open() {
	redis-cli -p "$1" zrange "ht:dept:$BENCH_DEPT_OF:open" 0 0
}

# One restart of hotlined with config $1, showing ticket $2 and listing as
# bench-dept; sets start_ms, show_ms, list_ms and cpu_ms (hotlined's CPU from
# its start until 1 s after the list: a walk over every ticket would show here).
timed_restart() {
	stop_hotlined
	out=$("$bin/bench-ready" -a "$hotline_addr" -u bench-idle -t 120 \
	    -n "$2" -d bench-dept -- "$build/hotlined" -d -f "$1" \
	    2>>"$work/hotlined.log") ||
		{ tail -n 20 "$work/hotlined.log" >&2; fail "hotlined did not serve"; }
	hotlined_pid=$(echo "$out" | sed -n 's/.*pid=\([0-9]*\).*/\1/p')
	start_ms=$(echo "$out" | sed -n 's/.* ms=\([0-9.]*\).*/\1/p')
	show_ms=$(echo "$out" | sed -n 's/.*show_ms=\([0-9.]*\).*/\1/p')
	list_ms=$(echo "$out" | sed -n 's/.*list_ms=\([0-9.]*\).*/\1/p')
	sleep 1
	cpu_ms=$(($(proc_ticks "$hotlined_pid") * 1000 / $(getconf CLK_TCK)))
}

# Restart to serving with many open tickets: hotlined on them beside hotlined
# on a Redis with a few, alternating; then Redis's own load of them (the limit).
footprint_restart() {
	flush_redis
	before=$(rcli info memory | awk -F: '/^used_memory:/ { print $2 + 0 }')
	echo "footprint: filling Redis with $RESTART_TICKETS tickets through the bare loop" >&2
	measured fill "$bin/bench-limit" -c "$conf" -r "$redis_addr" -F \
	    -w "$INFLIGHT" -n "$RESTART_TICKETS" -k fill -l "fill for the restarts"
	used=$(rcli info memory | awk -F: '/^used_memory:/ { print $2 + 0 }')
	open=$(rcli eval "local n = 0 for _, k in ipairs(redis.call('KEYS', 'ht:dept:*:open')) do n = n + redis.call('ZCARD', k) end return n" 0)
	triage=$(rcli zcard ht:triage)
	timers=$(rcli eval "local n = 0 for _, k in ipairs(redis.call('KEYS', 'ht:timers*')) do if redis.call('TYPE', k).ok == 'zset' then n = n + redis.call('ZCARD', k) end end return n" 0)
	derived footprint redis_per_ticket_full bytes "Redis memory per ticket, $RESTART_TICKETS open tickets (created, not signed)" \
	    "value=$(awk -v u="$used" -v b="$before" -v n="$RESTART_TICKETS" 'BEGIN { print (u - b) / n }')" \
	    "tickets=$RESTART_TICKETS" "used_memory=$used" "at_departments=$open" "in_triage=$triage" "timers=$timers"
	row footprint "Redis memory per open ticket at $(fmt "$RESTART_TICKETS") tickets (created through the create script, not signed; $(fmt "$open") at departments, $(fmt "$triage") in triage, $(fmt "$timers") timers pending)" \
	    "$(fmt "$(awk -v b="$(get redis_per_ticket_full value)" 'BEGIN { print b / 1024 }')" 2) KiB ($(fmt "$(awk -v u="$used" 'BEGIN { print u / 1048576 }')") MiB in all; filled at $(fmt "$(get fill value)") tickets/s)"
	full_number=$(oldest_open "$redis_port")
	[ -n "$full_number" ] || fail "no open ticket of $BENCH_DEPT_OF after the fill"
	start_empty_redis
	"$bin/bench-limit" -c "$conf_empty" -r "127.0.0.1:$empty_port" -F -w 16 \
	    -n "$EMPTY_TICKETS" -k fill_empty >/dev/null 2>>"$work/hotlined.log" ||
		fail "cannot put $EMPTY_TICKETS tickets in the second Redis"
	empty_number=$(oldest_open "$empty_port")
	[ -n "$empty_number" ] || fail "no open ticket of $BENCH_DEPT_OF in the second Redis"
	f_start=""; f_show=""; f_list=""; f_cpu=""; e_start=""; e_show=""; e_list=""; e_cpu=""
	restart=0
	while [ "$restart" -lt "$RESTARTS" ]; do
		echo "footprint: restart $((restart + 1)) of $RESTARTS, full and empty" >&2
		timed_restart "$conf" "$full_number"
		f_start="$f_start $start_ms"; f_show="$f_show $show_ms"; f_list="$f_list $list_ms"; f_cpu="$f_cpu $cpu_ms"
		timed_restart "$conf_empty" "$empty_number"
		e_start="$e_start $start_ms"; e_show="$e_show $show_ms"; e_list="$e_list $list_ms"; e_cpu="$e_cpu $cpu_ms"
		restart=$((restart + 1))
	done
	stop_hotlined
	stop_empty_redis
	derived footprint hotlined_restart ms "hotlined start to serving, $RESTART_TICKETS open tickets (medians)" \
	    "median=$(median $f_start)" "max=$(printf '%s\n' $f_start | sort -g | tail -n 1)" \
	    "show_ms=$(median $f_show)" "list_ms=$(median $f_list)" "cpu_ms=$(median $f_cpu)" \
	    "tickets=$RESTART_TICKETS" "restarts=$RESTARTS"
	derived footprint hotlined_restart_empty ms "hotlined start to serving, $EMPTY_TICKETS tickets (medians)" \
	    "median=$(median $e_start)" "max=$(printf '%s\n' $e_start | sort -g | tail -n 1)" \
	    "show_ms=$(median $e_show)" "list_ms=$(median $e_list)" "cpu_ms=$(median $e_cpu)" \
	    "tickets=$EMPTY_TICKETS" "restarts=$RESTARTS"
	derived footprint hotlined_restart_ratio ratio "hotlined restart with $RESTART_TICKETS tickets / with $EMPTY_TICKETS" \
	    "value=$(ratio "$(median $f_start)" "$(median $e_start)" 3)" \
	    "show=$(ratio "$(median $f_show)" "$(median $e_show)" 3)" \
	    "list=$(ratio "$(median $f_list)" "$(median $e_list)" 3)"
	row footprint "hotlined restart to serving, $(fmt "$RESTART_TICKETS") open tickets; beside it the same with $EMPTY_TICKETS (start → ping says store_ready → show of a ticket → a department's list; medians of $RESTARTS, alternating)" \
	    "ready $(fmt "$(median $f_start)" 1) ms, show $(fmt "$(median $f_show)" 1) ms, list $(fmt "$(median $f_list)" 1) ms vs ready $(fmt "$(median $e_start)" 1), show $(fmt "$(median $e_show)" 1), list $(fmt "$(median $e_list)" 1) ms: **$(ratio "$(median $f_list)" "$(median $e_list)" 2)** (to the list); hotlined CPU to 1 s after: $(median $f_cpu) vs $(median $e_cpu) ms"
	flush_aof_only
	stop_redis
	t0=$(now_ms)
	start_redis
	t1=$(now_ms)
	derived footprint redis_restart ms "Redis restart: loading its append-only file" \
	    "value=$((t1 - t0))" "tickets=$RESTART_TICKETS" "used_memory=$used" \
	    "hotlined_over_redis=$(ratio "$(median $f_list)" "$((t1 - t0))" 4)"
	row footprint "Redis restart to PONG, same $(fmt "$RESTART_TICKETS") tickets ($(fmt "$(awk -v u="$used" 'BEGIN { print u / 1048576 }')") MiB, AOF just rewritten): the limit" \
	    "$(fmt "$(awk -v m=$((t1 - t0)) 'BEGIN { print m / 1000 }')" 1) s; hotlined to its first list / Redis's load: **$(ratio "$(median $f_list)" "$((t1 - t0))" 4)**"
	start_hotlined
}

# Rewrites the append-only file without emptying Redis (its usual state).
flush_aof_only() {
	rcli bgrewriteaof >/dev/null
	sleep 0.2
	while rcli info persistence | grep -Eq '^aof_rewrite_(in_progress|scheduled):1'; do
		sleep 0.1
	done
}

# Part 4: memory per connection and per ticket, restart to serving.
part_footprint() {
	footprint_conns
	footprint_memory
	footprint_restart
}

# A part that is only a program, bench-$1: it finds the servers in BENCH_*
# variables, starts on an empty Redis, and each result line becomes a row.
part_generic() {
	export BENCH_HOTLINE="$hotline_addr" BENCH_REDIS="$redis_addr" \
	    BENCH_CONF="$conf" BENCH_HOTLINED_PID="$hotlined_pid" BENCH_WORK="$work"
	flush_redis
	measured - "$bin/bench-$1"
	awk -F'\t' -v OFS='\t' -v part="$1" '$1 == "R" && $2 == part {
		v = ""
		for (i = 6; i <= NF; i++) {
			if ($i ~ /^((redis|hotlined|machine)_cpu_pct|aof_rewrites)=/)
				continue
			split($i, a, "="); v = v (v == "" ? "" : " · ") a[1] " " a[2]
		}
		print part, $5, v " (" $4 ")" }' "$results" | while IFS='	' read -r gp gm gv; do
		row "$gp" "$gm" "$gv"
	done
}

# ---- report ----

# Escapes a string for JSON.
json_string() {
	printf '%s' "$1" | awk 'BEGIN { ORS = "" } { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); if (NR > 1) print "\\n"; print }'
}

# Describes the machine as JSON members.
machine_json() {
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	cc_version=$(${CC:-cc} --version 2>/dev/null | head -n 1 || echo unknown)
	printf '    "cpu": "%s",\n' "$(json_string "$cpu")"
	printf '    "cores": %s,\n' "$(nproc)"
	printf '    "ram": "%s",\n' "$ram"
	printf '    "kernel": "%s",\n' "$(json_string "$(uname -sr)")"
	printf '    "redis": "%s",\n' "$(json_string "$(redis-server --version)")"
	printf '    "hotlined": "%s",\n' "$(json_string "$hotlined_server")"
	printf '    "compiler": "%s",\n' "$(json_string "$cc_version")"
	printf '    "commit": "%s",\n' "$commit"
	printf '    "build": "%s",\n' "$(json_string "$build")"
	printf '    "load_average_at_start": "%s",\n' "$load_at_start"
	printf '    "date": "%s"\n' "$started"
}

# Prints the result lines as JSON array members.
results_json() {
	awk -F'\t' '
	function js(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
	$1 == "R" {
		printf "%s    {\"part\": %s, \"key\": %s, \"unit\": %s, \"label\": %s", sep, js($2), js($3), js($4), js($5)
		for (i = 6; i <= NF; i++) { split($i, a, "="); printf ", %s: %s", js(a[1]), a[2] }
		printf "}"; sep = ",\n" }
	END { print "" }' "$results"
}

# Prints the table rows as JSON array members.
table_json() {
	awk -F'\t' '
	function js(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
	{ printf "%s    {\"part\": %s, \"measure\": %s, \"result\": %s}", sep, js($1), js($2), js($3); sep = ",\n" }
	END { print "" }' "$table"
}

# Writes the JSON file.
write_json() {
	{
		echo "{"
		echo "  \"machine\": {"
		machine_json
		echo "  },"
		echo "  \"settings\": {\"rounds\": $ROUNDS, \"warmup_s\": $WARMUP, \"run_s\": $RUN_SECONDS, \"latency_run_s\": $LAT_SECONDS, \"in_flight\": $INFLIGHT, \"redis\": \"127.0.0.1 TCP; appendonly yes, appendfsync everysec, save '', auto-aof-rewrite-min-size $AOF_MIN_SIZE, hash-max-listpack-value 4096\", \"parts\": \"$parts\"},"
		echo "  \"table\": ["
		table_json
		echo "  ],"
		echo "  \"results\": ["
		results_json
		echo "  ]"
		echo "}"
	} >"$1"
}

# Prints the table in Markdown, with the machine above it.
print_table() {
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	echo
	echo "hotline bench, $started: $cpu, $(nproc) cores, $ram RAM, $(uname -sr);"
	echo "$(redis-server --version | awk '{ print $1, $2, $3 }'), $hotlined_server; Redis on 127.0.0.1 TCP with appendonly yes,"
	echo "appendfsync everysec, save ''; load average before: $load_at_start."
	echo
	echo "| part | measure | result |"
	echo "|---|---|---|"
	awk -F'\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' "$table"
}

# ---- main ----

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cores=$(nproc)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
case "$(basename "$build")" in
build) ;;
*) echo "run.sh: warning: $build is not a plain build; sanitizers distort every figure" >&2 ;;
esac
redis_port=$("$bin/bench-port")
hotline_port=$("$bin/bench-port")
[ "$redis_port" != "$hotline_port" ] || hotline_port=$("$bin/bench-port")
redis_addr=127.0.0.1:$redis_port
hotline_addr=127.0.0.1:$hotline_port
write_conf
start_redis
start_hotlined
echo "run.sh: Redis on $redis_addr, $hotlined_server on $hotline_addr; parts: $parts" >&2

for p in $parts; do
	echo "== $p" >&2
	case " $known_parts " in
	*" $p "*) "part_$(echo "$p" | tr - _)" ;;
	*) part_generic "$p" ;;
	esac
done

mkdir -p "$root/bench/results"
out=$root/bench/results/$(date -u +%Y%m%d-%H%M%S)-$(hostname -s 2>/dev/null || echo host)
write_json "$out.json"
print_table | tee "$out.md"
echo
echo "run.sh: wrote $out.json and $out.md"
