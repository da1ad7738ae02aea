# Shared by postgres.sh and redis.sh (sourced): stop a server by its recorded
# pid, and watch the owning test process.

# stop_recorded <dir> <signal> <temp-dir glob> <name>: send <signal> to the pid
# recorded in <dir>/pid (only that process), wait up to ~5 s, then SIGKILL;
# remove <dir> when it is one of our temp dirs.
stop_recorded() {
  local dir=$1 signal=$2 ours=$3 name=$4
  if [ -f "$dir/pid" ]; then
    local pid
    pid=$(cat "$dir/pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill "-$signal" "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  # shellcheck disable=SC2254
  case "$dir" in
    $ours) rm -rf "$dir" ;;
    *) echo "$name: left $dir in place (not one of its temp dirs)" >&2 ;;
  esac
}

# With CARDAUTH_SERVICE_OWNER=<pid>, a watcher stops the server when that
# process is gone (a test run killed with SIGKILL leaves no server behind).
watch_owner() {
  local dir=$1 owner=${CARDAUTH_SERVICE_OWNER:-}
  [ -n "$owner" ] || return 0
  ( trap '' HUP; while kill -0 "$owner" 2>/dev/null && [ -d "$dir" ]; do sleep 2; done; [ -d "$dir" ] && "$0" stop "$dir" ) \
    </dev/null >/dev/null 2>&1 &
  disown
}
