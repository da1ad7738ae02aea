#!/usr/bin/env bash
# Stop the pcscd started by pcscd-start.sh or the test harness, by its recorded
# pid only (a pcscd started by someone else is left alone).
set -euo pipefail
pidfile=/tmp/cardauth-pcscd.pid
if [ ! -s "$pidfile" ]; then
  echo "no recorded pcscd pid ($pidfile); nothing to stop"
  exit 0
fi
pid=$(cat "$pidfile")
if ! kill -0 "$pid" 2>/dev/null; then
  echo "recorded pcscd pid $pid is not running"
  rm -f "$pidfile"
  exit 0
fi
if [ "$(cat /proc/"$pid"/comm 2>/dev/null)" != "pcscd" ]; then
  echo "pid $pid is not pcscd; leaving it alone" >&2
  rm -f "$pidfile"
  exit 1
fi
# Test processes register in /tmp/cardauth-pcscd-users/<pid>; do not pull pcscd
# from under a running test run.
if [ "${1:-}" != --force ] && [ -d /tmp/cardauth-pcscd-users ]; then
  for f in /tmp/cardauth-pcscd-users/*; do
    [ -e "$f" ] || continue
    user=$(basename "$f")
    if kill -0 "$user" 2>/dev/null; then
      echo "pcscd pid $pid is in use by test process $user; not stopping (use --force)" >&2
      exit 1
    fi
  done
fi
kill -TERM "$pid"
for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; echo "stopped pcscd pid $pid"; exit 0; }
  sleep 0.05
done
echo "pcscd pid $pid did not exit after SIGTERM" >&2
exit 1
