# shellcheck shell=bash disable=SC2154 # the globals named below come from the sourcing script
# Sourced by the benchmark scripts: starting, waiting for and stopping their processes.
#
# The sourcing script sets repo and script_name (for messages), calls find_binaries, then sets work
# (its temp dir), children=() (every started PID, for cleanup) and port_deadline_s, and traps
# `cleanup` on EXIT. Every function fails through die (exit 2) with the reason.

# Sets build_dir ($BUILD_DIR, default build-bench, relative to the repository) and the binaries
# llmroute, load and tcp_relay in it; dies naming the build command when one is missing.
find_binaries() {
  build_dir=${BUILD_DIR:-build-bench}
  [[ "$build_dir" = /* ]] || build_dir="$repo/$build_dir"
  llmroute="$build_dir/llmroute"
  load="$build_dir/llmroute-load"
  tcp_relay="$build_dir/llmroute-tcp-relay"
  local binary
  for binary in "$llmroute" "$load" "$tcp_relay"; do
    [[ -x "$binary" ]] || die "missing $binary; build it: cmake --build $build_dir --target llmroute-load llmroute-tcp-relay llmroute"
  done
}

die() { echo "$script_name: $*" >&2; exit 2; }
log() { echo "[$(date +%T)] $*" >&2; }
# shellcheck disable=SC2317 # reached through the trap
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${children[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  local deadline=$((SECONDS + 5))
  for pid in "${children[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if ((status == 2)) && [[ -z "${KEEP_WORK:-}" ]]; then
    echo "$script_name: logs were in $work (set KEEP_WORK=1 to keep them)" >&2
  fi
  [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$work"
  exit "$status"
}

# Stops one child and forgets it, so cleanup never signals a reused PID.
stop_child() {
  local pid=$1 deadline=$((SECONDS + 5)) kept=() other
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for other in "${children[@]}"; do
    [[ $other == "$pid" ]] || kept+=("$other")
  done
  children=("${kept[@]}")
}

# A free port below the ephemeral range, so no outgoing connection can take it first.
free_port() {
  local port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 12000))
    if [[ -z $(ss -Htan "sport = :$port") ]]; then
      echo "$port"
      return
    fi
  done
  die "no free port found"
}

# Waits until 127.0.0.1:PORT accepts connections, failing early if PID dies (its log is shown).
wait_for_port() {
  local port=$1 pid=$2 name=$3 logfile=$4 deadline=$((SECONDS + port_deadline_s))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$logfile" >&2 || true
      die "$name exited before listening on port $port"
    fi
    ((SECONDS < deadline)) || { tail -n 20 "$logfile" >&2 || true; die "$name did not listen on port $port within ${port_deadline_s}s"; }
    sleep 0.02
  done
}

# Starts the simulator on core 1; sets sim_pid and sim_port.
start_simulator() {
  local name=$1 tokens=$2 interval_ms=$3
  local port_file="$work/$name.port"
  rm -f "$port_file"
  taskset -c 1 "$llmroute" simulate --listen 127.0.0.1:0 --port-file "$port_file" --ttft-ms 0 \
    --tokens "$tokens" --chunk-interval-ms "$interval_ms" --usage on >"$work/$name.log" 2>&1 &
  sim_pid=$!
  children+=("$sim_pid")
  local deadline=$((SECONDS + port_deadline_s))
  until [[ -s "$port_file" ]]; do
    kill -0 "$sim_pid" 2>/dev/null || { cat "$work/$name.log" >&2; die "simulator exited at start"; }
    ((SECONDS < deadline)) || die "simulator wrote no port file within ${port_deadline_s}s"
    sleep 0.02
  done
  sim_port=$(tr -dc '0-9' <"$port_file")
  wait_for_port "$sim_port" "$sim_pid" simulator "$work/$name.log"
}

# Starts the do-nothing relay (the floor) on core 0 in front of UPSTREAM_PORT, polling for POLL_US after any
# bytes moved (default 0: it sleeps in epoll_wait as nginx does) and spinning SPIN_US before each forward
# (default 0); sets relay_pid and relay_port.
start_tcp_relay() {
  local upstream_port=$1 poll_us=${2:-0} spin_us=${3:-0}
  local logfile="$work/tcp-relay-$poll_us-$spin_us.log"
  relay_port=$(free_port)
  taskset -c 0 "$tcp_relay" "$relay_port" "$upstream_port" "$poll_us" "$spin_us" >"$logfile" 2>&1 &
  relay_pid=$!
  children+=("$relay_pid")
  wait_for_port "$relay_port" "$relay_pid" llmroute-tcp-relay "$logfile"
}

# Dies naming NAME when PID has exited.
require_alive() {
  local pid=$1 name=$2
  kill -0 "$pid" 2>/dev/null || die "$name died during the benchmark (logs in $work)"
}
