#!/bin/sh
# Runs a private PostgreSQL for `make run` (the archive): data in var/pg, loopback port 6391, started and stopped by scripts/run.sh.
# Usage: scripts/pg.sh start|stop|status
# PostgreSQL refuses to run as root: as root, the server runs as the postgres
# user (Debian's postgresql package makes it) and var/pg belongs to it.
set -eu

[ $# -eq 1 ] || { echo "usage: scripts/pg.sh start|stop|status" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
data=$root/var/pg
port=6391
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] && [ -x "$bin/initdb" ] ||
	{ echo "pg.sh: PostgreSQL is not installed (make deps)" >&2; exit 1; }

# Runs a command as the server's user.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# The server's user name: the client connects as it (trust on loopback).
pg_user() {
	if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

case "$1" in
start)
	if [ ! -f "$data/PG_VERSION" ]; then
		mkdir -p "$data"
		[ "$(id -u)" -ne 0 ] || chown postgres:postgres "$data"
		chmod 700 "$data"
		echo "pg.sh: initdb $data" >&2
		as_pg "$bin/initdb" -D "$data" -A trust -E UTF8 --locale=C.UTF-8 \
			-U "$(pg_user)" >"$root/var/pg-initdb.log" 2>&1 ||
			{ cat "$root/var/pg-initdb.log" >&2; exit 1; }
	fi
	if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		echo "pg.sh: PostgreSQL already runs on var/pg; using it" >&2
	else
		touch "$root/var/pg.log"
		[ "$(id -u)" -ne 0 ] || chown postgres "$root/var/pg.log"
		as_pg "$bin/pg_ctl" -D "$data" -l "$root/var/pg.log" -w -t 30 \
			-o "-p $port -k $data -c listen_addresses=127.0.0.1" start >/dev/null ||
			{ tail -n 20 "$root/var/pg.log" >&2; exit 1; }
	fi
	# The database of conf/hotlined.conf's archive group; hotlined makes the schema.
	if ! psql -h 127.0.0.1 -p "$port" -U "$(pg_user)" -d postgres -tAc \
		"SELECT 1 FROM pg_database WHERE datname = 'hotline'" | grep -q 1; then
		psql -h 127.0.0.1 -p "$port" -U "$(pg_user)" -d postgres -qc \
			"CREATE DATABASE hotline"
	fi
	;;
stop)
	if [ -f "$data/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		echo "pg.sh: stopping PostgreSQL" >&2
		as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
	fi
	;;
status)
	as_pg "$bin/pg_ctl" -D "$data" status
	;;
*)
	echo "usage: scripts/pg.sh start|stop|status" >&2
	exit 2
	;;
esac
