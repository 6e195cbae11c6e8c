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

out=$work/rounds.txt
: >"$out"

# One run of hotlined binary $2, labelled $1: the bench's lines and the watchdog's drops.
run() {
	PS_HOTLINED=$2
	PS_SED="s|timeout_ms = 2000;|timeout_ms = 2000; ${FAIRSHARE_REDIS:-}|"
	ps_start_hotlined "${FAIRSHARE_LIMITS:-}"
	"$build/tests/bench/bench-fairshare" -a "unix:$work/hotlined.sock" \
	    -n "$conns" -w "$window" -c "$creates" -r "$rounds" |
	    sed "s/^/$1 /" | tee -a "$out"
	echo "$1 watchdog drops: $(grep -c 'no answer within' "$work/hotlined.log" || true)"
	ps_stop_hotlined
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
ps_start_redis
pass=1
# The binaries take turns going first: the second of a pass runs on a Redis
# holding the first one's tickets too, and creates slow as a district's
# recent tickets grow (a fixed order gave "after" the slower idle p99).
while [ "$pass" -le "$passes" ]; do
	if [ -n "$before" ] && [ $((pass % 2)) -eq 1 ]; then
		run "before($pass)" "$before"
		run "after($pass)" "$after"
	elif [ -n "$before" ]; then
		run "after($pass)" "$after"
		run "before($pass)" "$before"
	else
		run "after($pass)" "$after"
	fi
	pass=$((pass + 1))
done
# Prints the medians over every pass's rounds of binary $1 (before or after).
pooled() {
	sed -n "s/^$1([0-9]*) round .*idle p50_ms=\([0-9.]*\) p99_ms=\([0-9.]*\).*flood p50_ms=\([0-9.]*\) p99_ms=\([0-9.]*\).*/\1 \2 \3 \4/p" "$out" |
	awk -v who="$1" '{ for (c = 1; c <= 4; c++) v[c, NR] = $c }
	function med(c,   i, j, t, a) {
		for (i = 1; i <= NR; i++) a[i] = v[c, i]
		for (i = 2; i <= NR; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }
	END { if (NR == 0) exit
		printf "%s: medians of %d rounds: idle p50 %.2f p99 %.2f ms; flood p50 %.2f p99 %.2f ms; flood/idle p99 %.2f\n",
		    who, NR, med(1), med(2), med(3), med(4), med(4) / med(2) }'
}

[ -z "$before" ] || pooled before
pooled after
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
