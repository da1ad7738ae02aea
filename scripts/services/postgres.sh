#!/usr/bin/env bash
# A private, throwaway PostgreSQL server for tests and local runs.
#   postgres.sh start [<dir>]   init a cluster in <dir> (default: a new temp dir),
#                               start it on 127.0.0.1 on a free port, wait until it
#                               accepts connections, print:  <url> <pid> <dir>
#   postgres.sh stop <dir>      stop the server started in <dir> (by its recorded
#                               pid) and remove <dir>
# CARDAUTH_PG_PORT=<port> starts it on that port instead of a free one (a test
# that killed the server starts it again where its clients expect it).
# The server listens on loopback only, its unix socket lives inside <dir>, and it
# runs without fsync (test data only). PostgreSQL refuses to run as root, so as
# root the cluster belongs to the `postgres` system user.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

BIN=${PG_BIN:-}
if [ -z "$BIN" ]; then
  for v in 17 16 15 14 13; do
    if [ -x "/usr/lib/postgresql/$v/bin/postgres" ]; then BIN=/usr/lib/postgresql/$v/bin; break; fi
  done
fi
[ -n "$BIN" ] && [ -x "$BIN/postgres" ] || { echo "postgres.sh: no PostgreSQL server binaries found (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local dir=${1:-}
  if [ -z "$dir" ]; then dir=$(mktemp -d "${TMPDIR:-/tmp}/cardauth-pg.XXXXXX"); fi
  mkdir -p "$dir/sock"
  if [ "$(id -u)" = 0 ]; then chown -R postgres "$dir"; fi
  chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$BIN/initdb" -D "$dir/data" -U cardauth -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  # A free port can be taken between choosing and binding: try a few.
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=${CARDAUTH_PG_PORT:-$(free_port)}
    if as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -s start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
      >/dev/null 2>&1; then
      local pid
      pid=$(head -n1 "$dir/data/postmaster.pid")
      echo "$pid" >"$dir/pid"
      "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 10 || { echo "postgres.sh: server not ready" >&2; exit 1; }
      echo "postgres://cardauth@127.0.0.1:$port/postgres $pid $dir"
      return 0
    fi
  done
  echo "postgres.sh: the server did not start; log follows" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
}

stop() {
  local dir=${1:?usage: postgres.sh stop <dir>}
  # SIGQUIT is PostgreSQL's immediate shutdown.
  stop_recorded "$dir" QUIT '*/cardauth-pg.*' postgres.sh
}

case "${1:-}" in
  start) shift; out=$(start "${1:-}"); echo "$out"; watch_owner "$(echo "$out" | awk '{print $3}')" ;;
  stop) shift; stop "${1:-}" ;;
  *) echo "usage: postgres.sh start [<dir>] | stop <dir>" >&2; exit 2 ;;
esac
