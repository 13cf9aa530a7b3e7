#!/usr/bin/env bash
# A throwaway PostgreSQL for the hub's tests: installs Debian's `postgresql` if it is missing, starts a
# private cluster in a temp folder on a free loopback port (no system service is touched), creates a
# database and prints two lines: `PGDIR=<folder>` then the connection URL (last line).
#   bash scripts/ensure-postgres.sh                 start one
#   bash scripts/ensure-postgres.sh --install-only  only make sure the binaries exist (for CI, before tests)
#   bash scripts/ensure-postgres.sh --stop DIR      stop the cluster started in DIR and delete DIR
#   bash scripts/ensure-postgres.sh --durable       start one that flushes every commit to disk (benchmarks)
set -euo pipefail

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# PostgreSQL refuses to run as root: run its tools as the `postgres` user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

bin=$(find_bin)
if [ -z "$bin" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is not installed and this is not root: run 'apt-get install -y postgresql' as root." >&2
    exit 1
  fi
  echo "Installing Debian's postgresql…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q postgresql >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null; }
  bin=$(find_bin)
fi

if [ "${1:-}" = "--install-only" ]; then
  echo "PostgreSQL binaries: $bin" >&2
  exit 0
fi

if [ "${1:-}" = "--stop" ]; then
  dir=${2:?--stop needs the folder printed as PGDIR}
  [ -f "$dir/data/postmaster.pid" ] && as_pg "'$bin/pg_ctl' -D '$dir/data' -m immediate -w stop" >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/gleaner-pg-XXXXXX")
chmod 755 "$dir"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")

# fsync off and trust auth on loopback only: this cluster holds test data for a few seconds and dies.
# A benchmark compares durable commits, so --durable keeps PostgreSQL's defaults (fsync, synchronous_commit).
no_sync="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${1:-}" = "--durable" ] && no_sync=""
as_pg "'$bin/initdb' -D '$dir/data' -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync" >/dev/null
as_pg "'$bin/pg_ctl' -D '$dir/data' -l '$dir/log' -w -t 20 -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 $no_sync\" start" >/dev/null
as_pg "'$bin/createdb' -h 127.0.0.1 -p $port -U postgres gleaner_hub"
echo "PGDIR=$dir"
echo "postgres://postgres@127.0.0.1:$port/gleaner_hub"
