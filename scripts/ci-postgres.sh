#!/usr/bin/env bash
# Starts a private PostgreSQL cluster on 127.0.0.1 in a temp dir and exports PRIORITIZER_TEST_PG_URL.
# Sourced by .ci/run; safe to source by hand for local runs (each call starts its own cluster on a
# free port). Stop it with: pg_ctl -D "$PRIORITIZER_TEST_PG_DIR/data" stop   (as postgres when root)
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$pgbin" ]; then
  echo "ci-postgres: PostgreSQL binaries not found; PostgreSQL tests will fail under CI=true, skip locally" >&2
  return 0 2>/dev/null || exit 0
fi
pgdir="$(mktemp -d /tmp/prioritizer-pg.XXXXXX)"
pgport="${PGPORT_TEST:-55432}"
# Another engineer's (or an earlier) cluster may hold the port: take the next free one.
while (echo >"/dev/tcp/127.0.0.1/$pgport") 2>/dev/null; do pgport=$((pgport + 1)); done
runas=""
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$pgdir"
  runas="runuser -u postgres --"
fi
$runas "$pgbin/initdb" -D "$pgdir/data" -A trust -U prioritizer >/dev/null
$runas "$pgbin/pg_ctl" -D "$pgdir/data" -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1" -l "$pgdir/log" -w start >/dev/null
$runas "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U prioritizer prioritizer_test
export PRIORITIZER_TEST_PG_DIR="$pgdir"
export PRIORITIZER_TEST_PG_URL="postgresql+psycopg://prioritizer@127.0.0.1:$pgport/prioritizer_test"
echo "ci-postgres: $PRIORITIZER_TEST_PG_URL" >&2
