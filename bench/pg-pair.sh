#!/usr/bin/env bash
# A PostgreSQL primary and a streaming replica of it, clusters of the project's own (the
# machine's PostgreSQL on 5432 is left alone): for the read-replica test (`make test`) and
# bench/faults.py, which restarts the primary.
#
#   bench/pg-pair.sh start    # initdb + pg_basebackup the first time, then start both
#   bench/pg-pair.sh stop
#   bench/pg-pair.sh restart-primary
#
# Prints nothing but the two URLs on start:
#   PRIMARY=postgres://root@127.0.0.1:5441/postgres  REPLICA=postgres://root@127.0.0.1:5442/postgres
set -euo pipefail

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$BIN" ]; then echo "pg-pair: no PostgreSQL server binaries under /usr/lib/postgresql (Debian's postgresql package)" >&2; exit 1; fi
PRIMARY_PORT=${PG_PAIR_PRIMARY_PORT:-5441}
REPLICA_PORT=${PG_PAIR_REPLICA_PORT:-5442}
# Under /tmp: the server runs as the postgres user, which may not enter the checkout.
DIR=${PG_PAIR_DIR:-/tmp/forum-pg-pair-$PRIMARY_PORT}

# initdb refuses to run as root; the clusters belong to the postgres user then.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

ctl() { as_pg "$BIN/pg_ctl" -D "$DIR/$1" -l "$DIR/$1.log" -w -t 30 "${@:2}" >/dev/null; }

running() { as_pg "$BIN/pg_ctl" -D "$DIR/$1" status >/dev/null 2>&1; }

start() {
  mkdir -p "$DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; fi
  if [ ! -f "$DIR/primary/PG_VERSION" ]; then
    as_pg "$BIN/initdb" -D "$DIR/primary" -U root --auth=trust --no-instructions >/dev/null
    cat >>"$DIR/primary/postgresql.conf" <<CONF
port = $PRIMARY_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
wal_level = replica
max_wal_senders = 5
max_connections = 100
CONF
  fi
  running primary || ctl primary start
  if [ ! -f "$DIR/replica/PG_VERSION" ]; then
    # -R writes standby.signal and primary_conninfo: the copy starts as a streaming replica.
    as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U root -D "$DIR/replica" -R -X stream >/dev/null
    echo "port = $REPLICA_PORT" >>"$DIR/replica/postgresql.conf"
  fi
  running replica || ctl replica start
  echo "PRIMARY=postgres://root@127.0.0.1:$PRIMARY_PORT/postgres REPLICA=postgres://root@127.0.0.1:$REPLICA_PORT/postgres"
}

stop() {
  for node in replica primary; do
    if [ -f "$DIR/$node/PG_VERSION" ] && running "$node"; then ctl "$node" stop -m fast; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart-primary) ctl primary restart -m fast ;;
  *) echo "usage: $0 start|stop|restart-primary" >&2; exit 2 ;;
esac
