#!/bin/sh
# Measures the archive (PostgreSQL through the outbox): ingest, lag at 200 tickets/s, intake with and without the archiver, search and show over a bulk-loaded archive.
# Usage: tests/bench/run-archive.sh BUILD_DIR (make bench-archive). Private PostgreSQL (as the
# postgres user when root), Redis and hotlined in a temporary directory, stopped at exit.
# Settings: BENCH_ARCHIVE_ROWS (tickets bulk-loaded for search, default 1000000),
# BENCH_SECONDS (closed-loop intake runs, default 5), BENCH_LAG_SECONDS (default 20),
# BENCH_BEFORE (another hotlined binary, e.g. an earlier commit's: every part runs with it
# too, alternating, each result labelled "before" and "after"; its schema must be the same),
# BENCH_MEMORY_TICKETS (tickets of the footprint part, default 20000), BENCH_ARCHIVE_ROUNDS
# (rounds of intake, ingest and lag, each binary in turn; default 1), BENCH_ARCHIVE_PARTS (of
# "footprint intake ingest lag search", default all: the rest is left out; intake runs whenever
# ingest or lag does, and all three when none is named), BENCH_HOTLINED_FLAGS
# (e.g. -v: the archiver logs each batch's read, build and write times), BENCH_KEEP_LOG (a file
# to copy hotlined's log to at the end), BENCH_PERF (a file name: perf record of hotlined, Redis and
# PostgreSQL during the intake with the archiver (.intake) and the catch-up (.ingest); .before or
# .after appended with BENCH_BEFORE),
# BENCH_BEFORE_SCHEMA (the newest migration BENCH_BEFORE knows, when this build adds some),
# BENCH_KB_SUGGEST (kb.suggest of every run: 0 leaves out the knowledge base's suggestions on a
# consultation's create, a PostgreSQL search that only a daemon with an archive makes; unset, the
# intake ratio is taken with kb.suggest = 0 on both sides, and the intake with suggestions is shown
# beside it).
set -eu

[ $# -eq 1 ] || { echo "usage: tests/bench/run-archive.sh BUILD_DIR" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
case "$1" in
/*) build=$1 ;;
*) build=$root/$1 ;;
esac
bin=$build/tests/bench
ROWS=${BENCH_ARCHIVE_ROWS:-1000000}
SECONDS_RUN=${BENCH_SECONDS:-5}
LAG_SECONDS=${BENCH_LAG_SECONDS:-20}
FOOTPRINT_TICKETS=${BENCH_MEMORY_TICKETS:-20000}
PARTS=${BENCH_ARCHIVE_PARTS:-footprint intake ingest lag search}
case " $PARTS " in
*" intake "* | *" ingest "* | *" lag "*) ;;
*) PARTS="$PARTS intake ingest lag" ;;
esac
ROUNDS=${BENCH_ARCHIVE_ROUNDS:-1}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pgbin/initdb" ] || { echo "run-archive.sh: PostgreSQL is not installed (make deps)" >&2; exit 1; }
hotlined=$build/hotlined
BEFORE=${BENCH_BEFORE:-}
for f in "$build/hotlined" ${BEFORE:+"$BEFORE"} "$bin/bench-intake" "$bin/bench-footprint" "$bin/bench-search" "$bin/bench-port" "$bin/bench-ready"; do
	[ -x "$f" ] || { echo "run-archive.sh: $f is not built (make bench-build)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/hotline-archive-bench.XXXXXX")
chmod 755 "$work"
hotlined_pid=""
other_pid=""
keep=${BENCH_KEEP_LOG:-}
redis_pid=""
pg_user=$(id -un)
[ "$(id -u)" -ne 0 ] || pg_user=postgres

# Runs a command as the database server's user (PostgreSQL refuses root).
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Stops everything started here and removes the directory.
cleanup() {
	[ -z "$hotlined_pid" ] || kill -TERM "$hotlined_pid" 2>/dev/null || true
	[ -z "$other_pid" ] || kill -TERM "$other_pid" 2>/dev/null || true
	[ -z "$redis_pid" ] || kill -TERM "$redis_pid" 2>/dev/null || true
	as_pg "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
	sleep 0.5
	[ -z "$keep" ] || cp "$work/hotlined.log" "$keep" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

psql_run() {
	psql -X -q -h "$work" -U "$pg_user" -d hotline -tA "$@"
}

# Prints a result line: what, value (labelled with the binary when BENCH_BEFORE is set).
result() {
	printf '%-58s %s\n' "$1" "${label:+$label: }$2"
}

# With BENCH_BEFORE_SCHEMA, forgets the migrations after it, so that the older binary, which
# refuses a newer database, runs; this one applies them again when it starts (they may be run
# twice: CREATE OR REPLACE and the like).
schema_back() {
	[ -z "${BENCH_BEFORE_SCHEMA:-}" ] || psql_run -c "DELETE FROM hotline.schema_migrations
	    WHERE version > $BENCH_BEFORE_SCHEMA" >/dev/null 2>&1 || true
}

# Runs part $1 with each binary in turn, the BENCH_BEFORE one first.
both() {
	if [ -n "$BEFORE" ]; then
		schema_back
		hotlined=$BEFORE label=before
		"$1"
	fi
	hotlined=$build/hotlined label=${BEFORE:+after}
	"$1"
	label=""
}

# Starts PostgreSQL (defaults, but for the socket) and makes the database.
start_pg() {
	mkdir -p "$work/pg"
	[ "$(id -u)" -ne 0 ] || chown postgres "$work/pg" "$work"
	as_pg "$pgbin/initdb" -D "$work/pg" -A trust -E UTF8 --locale=C.UTF-8 -U "$pg_user" >/dev/null
	pg_start
	psql -X -q -h "$work" -U "$pg_user" -d postgres -c "CREATE DATABASE hotline"
}

pg_start() {
	as_pg "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
	    -o "-k $work -c listen_addresses= -c shared_buffers=256MB" start >/dev/null
}

pg_stop() {
	as_pg "$pgbin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null
}

# Writes the demo city's config with the given archive group ("" none).
write_conf() {
	awk -v port="$hotline_port" -v sock="$work/redis.sock" -v root="$root" -v archive="$2" \
	    -v suggest="${BENCH_KB_SUGGEST:-}" '
	/^listen = \(/ { print "listen = ( { address = \"127.0.0.1:" port "\"; } );"; skip = 1; next }
	/^http = \{/ || /^archive = \{/ { skip = 1; next }
	skip { if ($0 ~ /^(\);|\};)/) skip = 0; next }
	/^redis = \{/ { print; print "  unix = \"" sock "\";"; inredis = 1; next }
	inredis && /^\};/ { inredis = 0 }
	inredis && /^[ \t]*(host|port|unix)[ \t]*=/ { next }
	/catalogue = "/ { sub(/catalogue = "/, "catalogue = \"" root "/conf/") }
	/^  (seeds|lexicon) = "/ { sub(/= "/, "= \"" root "/conf/") }
	/^  dir = "calendar"/ { sub(/"calendar"/, "\"" root "/conf/calendar\"") }
	/^  suggest = [0-9]+;/ && suggest != "" { sub(/[0-9]+;/, suggest ";") }
	/^  suggest = [0-9]+;/ && ENVIRON["BENCH_SUGGEST_CONF"] != "" { sub(/[0-9]+;/, ENVIRON["BENCH_SUGGEST_CONF"] ";") }
	{ print }
	END { if (archive != "") print archive }' "$root/conf/hotlined.conf" >"$1"
	"$hotlined" -n -f "$1" >/dev/null
}

start_hotlined() {
	out=$("$bin/bench-ready" -a "127.0.0.1:$hotline_port" -u agent01 -t 60 -- \
	    "$hotlined" -d ${BENCH_HOTLINED_FLAGS:-} -f "$1" 2>>"$work/hotlined.log") ||
		{ tail -n 20 "$work/hotlined.log" >&2; exit 1; }
	hotlined_pid=$(echo "$out" | sed -n 's/.*pid=\([0-9]*\).*/\1/p')
}

stop_hotlined() {
	kill -TERM "$hotlined_pid"
	while kill -0 "$hotlined_pid" 2>/dev/null; do sleep 0.1; done
	hotlined_pid=""
}

rcli() {
	redis-cli -s "$work/redis.sock" "$@"
}

# Closed-loop intake for SECONDS_RUN; prints tickets/s.
intake_rate() {
	"$bin/bench-intake" -a "127.0.0.1:$hotline_port" -T -c 8 -W 1 -s "$SECONDS_RUN" 2>/dev/null |
	    awk -F'\t' '$1 == "R" { for (i = 6; i <= NF; i++) if ($i ~ /^value=/) { sub(/^value=/, "", $i); print $i } }'
}

# Waits (30 s at most) until the running hotlined made its schema: BENCH_BEFORE_SCHEMA's version for
# BENCH_BEFORE, else the newest migration of this tree.
wait_schema() {
	want=$(ls "$root/daemon/sql" | sed -n 's/^0*\([0-9][0-9]*\)-.*/\1/p' | sort -n | tail -n 1)
	[ "${label:-}" != before ] || want=${BENCH_BEFORE_SCHEMA:-$want}
	n=0
	while [ "$(psql_run -c "SELECT coalesce(max(version), 0) FROM hotline.schema_migrations" \
	    2>/dev/null || echo 0)" -lt "$want" ] && [ "$n" -lt 300 ]; do
		sleep 0.1
		n=$((n + 1))
	done
}

# Waits until the outbox is empty; prints the seconds it took.
wait_outbox() {
	t0=$(date +%s.%N)
	while [ "$(rcli xlen ht:outbox)" != 0 ]; do sleep 0.05; done
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

hotline_port=$("$bin/bench-port")
redis_port=$("$bin/bench-port")
start_pg
redis-server --unixsocket "$work/redis.sock" --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --logfile "$work/redis.log" &
redis_pid=$!
sleep 0.5
archive="archive = { conninfo = \"host=$work dbname=hotline user=$pg_user\"; batch = 500; };"
write_conf "$work/plain.conf" ""
write_conf "$work/archive.conf" "$archive"
# The intake ratio compares runs that differ in the archiver alone: a daemon without an archive
# group has no knowledge base, so the one with it makes no kb suggestions either (unless
# BENCH_KB_SUGGEST says otherwise); the intake with them is measured apart.
suggest_conf=""
[ -n "${BENCH_KB_SUGGEST:-}" ] || suggest_conf=0
http_port=$("$bin/bench-port")
BENCH_SUGGEST_CONF=$suggest_conf write_conf "$work/archive-intake.conf" "$archive
http = { address = \"127.0.0.1:$http_port\"; };"
echo "run-archive.sh: PostgreSQL $("$pgbin/postgres" --version | awk '{ print $3 }'), $(redis-server --version | awk '{ print $3 }'); $(nproc) cores" >&2

# CPU clock ticks a process used (its threads, and its children it waited for); 0 if gone.
proc_ticks() {
	awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# CPU ticks so far of hotlined, Redis and PostgreSQL (the postmaster, its backends, those ended).
cpu_ticks() {
	pm=$(head -n 1 "$work/pg/postmaster.pid")
	p=$(proc_ticks "$pm")
	for c in $(pgrep -P "$pm"); do p=$((p + $(proc_ticks "$c"))); done
	echo "$(proc_ticks "$hotlined_pid") $(proc_ticks "$redis_pid") $p"
}

# Tickets in Redis (their hashes, ht:ticket:<number>).
tickets_in_redis() {
	rcli --scan --pattern 'ht:ticket:*' | awk -F: 'NF == 3' | wc -l
}

# CPU per ticket between two cpu_ticks readings ($1, $2) over $3 tickets: hotlined, Redis, PostgreSQL.
cpu_per_ticket() {
	echo "$1 $2" | awk -v n="$3" -v hz="$(getconf CLK_TCK)" '{ f = 1000 / hz / n;
	    printf "hotlined %.3f, Redis %.3f, PostgreSQL %.3f, sum %.3f ms (%d)",
	    ($4 - $1) * f, ($5 - $2) * f, ($6 - $3) * f, ($4 - $1 + $5 - $2 + $6 - $3) * f, n }'
}

# With BENCH_PERF, records hotlined, Redis and PostgreSQL for $2 seconds in the background, into
# BENCH_PERF.$1 (.before or .after appended with BENCH_BEFORE).
perf_start() {
	perf_pid=""
	[ -n "${BENCH_PERF:-}" ] || return 0
	pm=$(head -n 1 "$work/pg/postmaster.pid")
	perf record -q -o "$BENCH_PERF.$1${label:+.$label}" \
	    -p "$(echo "$hotlined_pid" "$redis_pid" "$pm" $(pgrep -P "$pm") | tr ' ' ,)" \
	    -- sleep "$2" >/dev/null 2>&1 &
	perf_pid=$!
}

perf_wait() {
	[ -z "$perf_pid" ] || wait "$perf_pid" || true
}

# 1. Intake without and with the archiver (PostgreSQL up, keeping up). The CPU each server used
# per ticket, from the intake's start until the archive caught up, is what the archive takes from
# intake on shared cores whatever else runs on the machine.
part_intake() {
rcli flushall >/dev/null
# A binary after another starts from empty stores (the numbers would repeat), and with the schema
# its own migrations make.
psql_run -c "DROP SCHEMA IF EXISTS hotline, hotline_bi CASCADE" 2>/dev/null || true
start_hotlined "$work/plain.conf"
c0=$(cpu_ticks)
plain=$(intake_rate)
c1=$(cpu_ticks)
plain_cpu=$(cpu_per_ticket "$c0" "$c1" "$(tickets_in_redis)")
stop_hotlined
rcli flushall >/dev/null
start_hotlined "$work/archive-intake.conf"
wait_schema
since=$(psql_run -c "SELECT now()")
c0=$(cpu_ticks)
perf_start intake "$((SECONDS_RUN + 1))"
with=$(intake_rate)
yielding=$(metric hotline_archive_yielding)
wait_outbox >/dev/null
c1=$(cpu_ticks)
perf_wait
with_cpu=$(cpu_per_ticket "$c0" "$c1" "$(tickets_in_redis)")
result "intake without the archiver (tickets/s)" "$plain"
result "intake with the archiver${suggest_conf:+ (kb.suggest 0 too)} (tickets/s)" "$with"
result "ratio (target >= 0.9)" "$(awk -v a="$with" -v b="$plain" 'BEGIN { printf "%.3f", a / b }')"
result "CPU per ticket without the archiver" "$plain_cpu"
result "CPU per ticket with the archiver, until caught up" "$with_cpu"
result "archive lag of the saturated intake, p50 / max (ms)" "$(lag_since "$since"), yielding at its end: ${yielding:-?}"
[ -n "$suggest_conf" ] || return 0
stop_hotlined
rcli flushall >/dev/null
psql_run -c "DROP SCHEMA IF EXISTS hotline, hotline_bi CASCADE" 2>/dev/null || true
start_hotlined "$work/archive.conf"
wait_schema
suggest=$(intake_rate)
wait_outbox >/dev/null
result "intake with the archiver and kb suggestions (tickets/s)" "$suggest (ratio $(awk -v a="$suggest" -v b="$plain" 'BEGIN { printf "%.3f", a / b }'))"
}

# A gauge of the running hotlined's /metrics ("" if absent).
metric() {
	curl -s "http://127.0.0.1:$http_port/metrics" 2>/dev/null | awk -v m="$1" '$1 == m { print $2 }'
}

# p50 / max of archived_at - created_at (ms) of the tickets created since $1.
lag_since() {
	psql_run -c "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY l)::numeric) || ' / ' ||
	    round(max(l)::numeric) FROM (SELECT extract(epoch FROM archived_at - created_at) * 1000 AS l
	    FROM hotline.tickets WHERE created_at >= '$1') s"
}

# 2. Ingest: PostgreSQL away while agents create tickets, then the catch-up.
part_ingest() {
pg_stop
intake_rate >/dev/null
waiting=$(rcli xlen ht:outbox)
since=$(date -u '+%Y-%m-%d %H:%M:%S.%N+00')
pg_start
c0=$(cpu_ticks)
perf_start ingest 5
took=$(wait_outbox)
c1=$(cpu_ticks)
perf_wait
result "archive catch-up: $waiting changes in ${took} s, reconnect included (tickets/s)" \
    "$(awk -v n="$waiting" -v t="$took" 'BEGIN { printf "%.0f", n / t }')"
result "CPU per change archived in the catch-up" "$(cpu_per_ticket "$c0" "$c1" "$waiting")"
# Ingest proper: rows written after the first batch over the time between the first and the last
# batch's COMMIT (archived_at is each transaction's start), the reconnect's backoff left out.
result "archive ingest, first to last batch (tickets/s)" "$(psql_run -c "SELECT
    round((n - n0) / greatest(extract(epoch FROM t1 - t0), 0.001)) || ' (' || nb || ' batches)'
    FROM (SELECT count(*) n, count(*) FILTER (WHERE archived_at = b.t0) n0,
    count(DISTINCT archived_at) nb, min(b.t0) t0, min(b.t1) t1
    FROM hotline.tickets, (SELECT min(archived_at) t0, max(archived_at) t1 FROM hotline.tickets
    WHERE archived_at >= '$since') b WHERE archived_at >= '$since') s")"
}

# 3. Lag at 200 tickets/s: archived_at - created_at of each ticket.
part_lag() {
since=$(psql_run -c "SELECT now()")
"$bin/bench-intake" -a "127.0.0.1:$hotline_port" -r 200 -c 8 -W 1 -s "$LAG_SECONDS" >/dev/null 2>&1
wait_outbox >/dev/null
result "lag at 200 tickets/s, p50 / p99 / max (ms)" "$(psql_run -c "SELECT
    round(percentile_cont(0.5) WITHIN GROUP (ORDER BY l)::numeric, 1) || ' / ' ||
    round(percentile_cont(0.99) WITHIN GROUP (ORDER BY l)::numeric, 1) || ' / ' ||
    round(max(l)::numeric, 1) || ' (' || count(*) || ' tickets)'
    FROM (SELECT extract(epoch FROM archived_at - created_at) * 1000 AS l
    FROM hotline.tickets WHERE created_at >= '$since' AND version = 1) s")"
stop_hotlined
}

# Redis memory per open ticket (bench-footprint, as make bench-footprint measures it, without
# the archive) with Redis's default hash-max-listpack-value (64 bytes: a ticket's hash, whose
# title and content are longer, is a hashtable) and with the value hotlined(8) recommends.
part_footprint() {
	for v in 64 4096; do
		rcli flushall >/dev/null
		rcli config set hash-max-listpack-value "$v" >/dev/null
		start_hotlined "$work/plain.conf"
		"$bin/bench-footprint" -m memory -a "127.0.0.1:$hotline_port" -b \
		    -r "127.0.0.1:$redis_port" -f "$work/plain.conf" -n "$FOOTPRINT_TICKETS" \
		    >"$work/footprint" 2>/dev/null
		result "Redis memory per open ticket, hash-max-listpack-value $v (bytes)" \
		    "$(awk -F'\t' '$1 == "R" { v = ""; for (i = 6; i <= NF; i++) v = v " " $i; print v }' "$work/footprint")"
		# Where the bytes go: each key group's growth per ticket, one ticket's fields and history.
		[ "$v" = 64 ] || sed -n 's/^[BFH]\t/    /p' "$work/footprint"
		stop_hotlined
	done
	rcli flushall >/dev/null
}

# Whether part $1 was asked for (BENCH_ARCHIVE_PARTS).
asked() {
	case " $PARTS " in *" $1 "*) return 0 ;; esac
	return 1
}

# Intake, ingest and lag (those asked for) with one binary; intake starts the daemon the others use.
part_all() {
	part_intake
	! asked ingest || part_ingest
	if asked lag; then part_lag; else stop_hotlined; fi
}
! asked footprint || both part_footprint
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	both part_all
	i=$((i + 1))
done
asked search || exit 0
start_hotlined "$work/archive.conf"

# 4. Search and show over ROWS archived tickets, loaded in bulk, then one real ticket archived.
# Two years of tickets in the order they were created (as the archiver writes them: a day's
# tickets are neighbours on disk), then vacuumed as after any bulk load.
echo "run-archive.sh: loading $ROWS tickets into the archive" >&2
t0=$(date +%s)
psql_run <<SQL
CREATE TEMP TABLE w(i int, word text);
INSERT INTO w VALUES (0,'停水'),(1,'物业'),(2,'噪音'),(3,'电梯'),(4,'路灯'),(5,'垃圾'),(6,'占道'),(7,'漏水'),(8,'停电'),(9,'油烟');
CREATE TEMP TABLE d(i int, name text);
INSERT INTO d VALUES (0,'鼓楼区'),(1,'台江区'),(2,'仓山区'),(3,'晋安区'),(4,'马尾区');
INSERT INTO hotline.tickets (number, version, state, dept, assists, type, urgency, channel,
    confidential, caller_phone, caller_name, district, street, address, title, content,
    category, warned, overdue, created_at, updated_at, closed_at, fields, terms, terms_stale,
    evicted_at)
SELECT '2025' || lpad(g::text, 10, '0'), 1, 8, (ARRAY['zjj','water','cgj','sthjj','power'])[1 + (g / 10) % 5],
    '{}', 3, 1, 1, false, '138' || lpad((g % 100000000)::text, 8, '0'), '', d.name, '', '',
    w.word || '问题', '小区' || w.word || '，已经三天了', '', false, false,
    now() - x.age * interval '1 day', now() - x.age * interval '1 day',
    now() - x.age * interval '1 day' + interval '2 days',
    jsonb_build_object('number', '2025' || lpad(g::text, 10, '0'), 'state', '8',
        'title', w.word || '问题', 'district', d.name, 'created_at',
        ((extract(epoch FROM now()) - x.age * 86400) * 1000)::bigint::text),
    ('''' || w.word || ''' ''小区'' ''问题''')::tsvector, false, now()
FROM generate_series(1, $ROWS) g CROSS JOIN LATERAL (SELECT ($ROWS - g) * 730.0 / $ROWS AS age) x
    JOIN w ON w.i = g % 10 JOIN d ON d.i = (g / 50) % 5;
VACUUM ANALYZE hotline.tickets;
SQL
t1=$(date +%s)
result "bulk load of $ROWS archived tickets (s)" "$((t1 - t0))"
number=$(psql_run -c "SELECT number FROM hotline.tickets WHERE number LIKE '2025%' LIMIT 1")
stop_hotlined

# The searches and show of an archived ticket through each binary.
part_search() {
	start_hotlined "$work/archive.conf"
	BENCH_ARCHIVE_HOTLINE="127.0.0.1:$hotline_port" BENCH_ARCHIVED_NUMBER="$number" \
	    "$bin/bench-search" | awk -F'\t' -v l="${label:+$label: }" '$1 == "R" { v = ""; for (i = 6; i <= NF; i++) v = v " " $i; printf "%-58s%s%s\n", "search: " $5 " (ms)", l, v }'
	stop_hotlined
}
both part_search
both part_search

# Show through both binaries at once (two daemons on the same stores), one request to each in
# turn, so the machine's noise falls on both alike.
if [ -n "$BEFORE" ]; then
	port=$hotline_port
	hotline_port=$("$bin/bench-port")
	write_conf "$work/other.conf" "$archive"
	hotlined=$BEFORE
	schema_back
	start_hotlined "$work/other.conf"
	other_pid=$hotlined_pid other_port=$hotline_port
	hotline_port=$port hotlined=$build/hotlined
	start_hotlined "$work/archive.conf"
	BENCH_ARCHIVE_HOTLINE="127.0.0.1:$hotline_port" BENCH_ARCHIVED_NUMBER="$number" \
	    BENCH_ARCHIVE_HOTLINE_OTHER="127.0.0.1:$other_port" "$bin/bench-search" |
	    awk -F'\t' '$1 == "R" { v = ""; for (i = 6; i <= NF; i++) v = v " " $i; printf "%-58s%s%s\n", "search: " $5 " (ms)", ($3 ~ /other/ ? "before: " : "after: "), v }'
	stop_hotlined
	kill -TERM "$other_pid"
	while kill -0 "$other_pid" 2>/dev/null; do sleep 0.1; done
	other_pid=""
fi
result "Redis used_memory (bytes)" "$(rcli info memory | awk -F: '/^used_memory:/ { print $2 }' | tr -d '\r')"
