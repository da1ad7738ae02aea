#!/usr/bin/env bash
# A private, throwaway Redis server for tests and local runs.
#   redis.sh start [<dir>]   start redis-server on 127.0.0.1 on a free port with
#                            no persistence, wait for PONG, print: <url> <pid> <dir>
#   redis.sh stop <dir>      stop it by its recorded pid and remove <dir>
# CARDAUTH_REDIS_PORT=<port> starts it on that port instead of a free one (a
# test that killed the server starts it again where its clients expect it).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local dir=${1:-}
  if [ -z "$dir" ]; then dir=$(mktemp -d "${TMPDIR:-/tmp}/cardauth-redis.XXXXXX"); fi
  chmod 700 "$dir"
  local port attempt pid
  for attempt in 1 2 3 4 5; do
    port=${CARDAUTH_REDIS_PORT:-$(free_port)}
    rm -f "$dir/redis.pid"
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
      --pidfile "$dir/redis.pid" --dir "$dir" --logfile "$dir/redis.log" --protected-mode yes >/dev/null 2>&1 || continue
    for _ in $(seq 1 200); do
      if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ] && [ -s "$dir/redis.pid" ]; then
        pid=$(cat "$dir/redis.pid")
        echo "$pid" >"$dir/pid"
        echo "redis://127.0.0.1:$port $pid $dir"
        return 0
      fi
      # daemonized child gone (port taken): try another port
      if [ -s "$dir/redis.pid" ] && ! kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then break; fi
      sleep 0.02
    done
  done
  echo "redis.sh: redis-server did not start; log follows" >&2
  cat "$dir/redis.log" >&2 || true
  exit 1
}

stop() {
  local dir=${1:?usage: redis.sh stop <dir>}
  stop_recorded "$dir" TERM '*/cardauth-redis.*' redis.sh
}

case "${1:-}" in
  start) shift; out=$(start "${1:-}"); echo "$out"; watch_owner "$(echo "$out" | awk '{print $3}')" ;;
  stop) shift; stop "${1:-}" ;;
  *) echo "usage: redis.sh start [<dir>] | stop <dir>" >&2; exit 2 ;;
esac
