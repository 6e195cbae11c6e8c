#!/bin/sh
# Runs hotline's test binaries (cmocka, TAP output) and Python tests, and ends with "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR [unit|integration]
# More passes, counted in the same final line (make test sets them when CI=true):
#   HOTLINE_TEST_SANITIZED=DIR  then every test again from the build in DIR (ASan+UBSan)
#   HOTLINE_TEST_VALGRIND=1     then the unit tests (the pure cores) of BUILD_DIR under valgrind
set -eu

usage() {
	echo "usage: tests/run.sh BUILD_DIR [unit|integration]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
what=${2:-all}
case "$what" in
all|unit|integration) ;;
*) usage ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
case "$1" in
/*) build=$1 ;;
*) build=$root/$1 ;;
esac
[ -d "$build" ] || { echo "tests/run.sh: no build directory $build" >&2; exit 2; }

sanitized=${HOTLINE_TEST_SANITIZED:-}
case "$sanitized" in
"" | /*) ;;
*) sanitized=$root/$sanitized ;;
esac
[ -z "$sanitized" ] || [ -d "$sanitized" ] ||
	{ echo "tests/run.sh: no build directory $sanitized" >&2; exit 2; }
valgrind_pass=${HOTLINE_TEST_VALGRIND:-0}
if [ "$valgrind_pass" = 1 ] && ! command -v valgrind >/dev/null 2>&1; then
	echo "tests/run.sh: HOTLINE_TEST_VALGRIND=1 but valgrind is not installed (make deps)" >&2
	exit 2
fi

TEST_TIMEOUT=${TEST_TIMEOUT:-600}
HOTLINE_SRCDIR=$root
CMOCKA_MESSAGE_OUTPUT=TAP
export HOTLINE_SRCDIR CMOCKA_MESSAGE_OUTPUT

passed=0
failed=0
log=$(mktemp "${TMPDIR:-/tmp}/hotline-run.XXXXXX")
trap 'rm -f "$log"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Counts TAP results in $log: prints "plan ok notok" (plan is the sum of all 1..N lines).
count_tap() {
	awk '
	/^1\.\.[0-9]+/ { sub(/^1\.\./, ""); plan += $0 + 0; next }
	/^not ok/ { bad++; next }
	/^ok/ { good++; next }
	END { printf "%d %d %d\n", plan, good, bad }' "$log"
}

# Prints the result lines of $log, or all of it (its tail) after a failure.
show_output() {
	if [ "$1" = ok ]; then
		grep -E '^(not )?ok' "$log" | sed 's/^/    /' || true
	else
		tail -n 300 "$log" | sed 's/^/    /'
	fi
}

# Runs one test program (name, then the command) and adds up its results.
run_one() {
	name=$1
	shift
	status=0
	timeout -k 10 "$TEST_TIMEOUT" "$@" >"$log" 2>&1 </dev/null || status=$?
	set -- $(count_tap)
	plan=$1 good=$2 bad=$3
	missing=$((plan - good - bad))
	[ "$missing" -ge 0 ] || missing=0
	crashed=""
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		crashed="timed out after ${TEST_TIMEOUT}s"
	elif [ "$status" -gt 128 ]; then
		crashed="killed by signal $((status - 128))"
	elif grep -q 'GROUP SETUP' "$log"; then
		crashed="group setup failed: its servers did not start"
	elif [ "$plan" -eq 0 ]; then
		crashed="printed no TAP plan (exit status $status)"
	elif [ "$missing" -gt 0 ]; then
		crashed="stopped after $((good + bad)) of $plan results (exit status $status)"
	elif [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
		crashed="exited with status $status but reported no failure"
	fi
	if [ -n "$crashed" ] && [ "$missing" -lt 1 ]; then
		missing=1
	elif [ -z "$crashed" ]; then
		missing=0
	fi
	passed=$((passed + good))
	failed=$((failed + bad + missing))
	if [ -z "$crashed" ] && [ "$bad" -eq 0 ]; then
		echo "== $name: $good passed"
		show_output ok
	else
		echo "== $name: $good passed, $((bad + missing)) failed"
		show_output fail
		[ -z "$crashed" ] || echo "!! $name crashed: $crashed; $missing result(s) counted as failed"
	fi
}

# Runs every executable file in directory $1 of build $2, each under the
# command words in $3 (a wrapper such as valgrind, or nothing).
run_dir() {
	[ -d "$1" ] || return 0
	for t in "$1"/*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		# $3 is a command and its options: word splitting is wanted.
		# shellcheck disable=SC2086
		run_one "${t#"$2"/}" $3 "$t"
	done
}

# Runs one pass: the tests of build $1 ($2: unit, integration or all) under
# wrapper $3, and prints its own count, labelled $4.
run_pass() {
	HOTLINED=$1/hotlined
	HOTLINECTL=$1/hotlinectl
	export HOTLINED HOTLINECTL
	pass_passed=$passed pass_failed=$failed
	echo "==== pass: $4"
	if [ "$2" != integration ]; then
		run_dir "$1/tests/unit" "$1" "$3"
	fi
	if [ "$2" != unit ]; then
		run_dir "$1/tests/integration" "$1" "$3"
		for t in "$root"/tests/integration/*.py; do
			[ -f "$t" ] || continue
			run_one "${t#"$root"/}" /usr/bin/python3 "$t"
		done
	fi
	echo "==== pass $4: $((passed - pass_passed)) passed, $((failed - pass_failed)) failed"
}

# valgrind's memcheck: any error or definite leak fails the test program.
VALGRIND="valgrind --quiet --error-exitcode=99 --leak-check=full \
--errors-for-leak-kinds=definite --show-leak-kinds=definite"

run_pass "$build" "$what" "" "$(basename "$build")"
if [ -n "$sanitized" ]; then
	run_pass "$sanitized" "$what" "" "$(basename "$sanitized") (ASan+UBSan)"
fi
if [ "$valgrind_pass" = 1 ] && [ "$what" != integration ]; then
	run_pass "$build" unit "$VALGRIND" "$(basename "$build") unit tests under valgrind"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
