#!/usr/bin/env bash
# Overhead benchmark: llmroute vs nginx vs a do-nothing TCP relay vs direct to the simulator, in one run, printing one
# table and the target ratios.
#
# Core 0 runs the proxy under test (llmroute, or nginx with one worker); core 1 runs the simulator
# and the load client, so the proxies compete for the same single core and the load is the same.
#
#   bench/overhead.sh            full run (about 5 minutes)
#   bench/overhead.sh --quick    smoke run (about 30 seconds; numbers are not meaningful)
#   BUILD_DIR=build bench/overhead.sh
#
# Exit status: 0 all targets pass, 1 a target fails, 2 the benchmark could not run.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --help | -h) usage; exit 0 ;;
    *) echo "overhead.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
script_name=overhead.sh
# shellcheck source=bench/processes.sh
source "$repo/bench/processes.sh"
find_binaries
nginx=$(command -v nginx || true)
[[ -n "$nginx" ]] || { [[ -x /usr/sbin/nginx ]] && nginx=/usr/sbin/nginx; }
[[ -n "$nginx" ]] || die "nginx is not installed; the comparison needs it (Debian: apt-get install nginx-light)"
for tool in jq taskset ss awk; do
  command -v "$tool" >/dev/null || die "'$tool' is required"
done
redis_server=$(command -v redis-server || true)
[[ -n "$redis_server" ]] || die "redis-server is not installed; the quotas-redis variant needs it (scripts/install-deps)"

[[ $(nproc) -ge 2 ]] || die "needs 2 cores (proxy on core 0, simulator and load client on core 1)"

# Sizes of the run. The full run takes about five minutes (the variants and the extra rounds of the two ratio targets are most of it).
if ((quick)); then
  duration_s=0.5; hold_streams=200; hold_s=2
else
  duration_s=4; hold_streams=1000; hold_s=6
fi
concurrencies=(1 32 256)
stream_tokens=20 stream_interval_ms=1
# A hold stream must outlast the hold, so it is long and slow: 2 tokens/s for 10,000 tokens.
hold_tokens=10000 hold_interval_ms=500
request_timeout_s=10
port_deadline_s=10

# Each proxied stream holds two sockets in the proxy, one each in the simulator and the client.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(($(ulimit -n) >= 4 * hold_streams + 256)) || die "ulimit -n is $(ulimit -n); need $((4 * hold_streams + 256)) (raise the hard limit)"

work=$(mktemp -d "${TMPDIR:-/tmp}/llmroute-overhead.XXXXXX")
children=()

trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts nginx (master + one worker) on core 0 in front of UPSTREAM_PORT; sets nginx_pid and nginx_port.
start_nginx() {
  local upstream_port=$1 dir="$work/nginx"
  rm -rf "$dir" && mkdir -p "$dir/tmp"
  nginx_port=$(free_port)
  {
    [[ $(id -u) -eq 0 ]] && echo "user root;"
    cat <<EOF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
worker_rlimit_nofile $(ulimit -n);
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  upstream simulator {
    server 127.0.0.1:$upstream_port;
    keepalive 512;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$nginx_port backlog=4096;
    location / {
      proxy_pass http://simulator;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
EOF
  } >"$dir/nginx.conf"
  "$nginx" -t -q -p "$dir" -c "$dir/nginx.conf" 2>"$dir/test.log" || { cat "$dir/test.log" >&2; die "nginx rejected its generated config"; }
  taskset -c 0 "$nginx" -p "$dir" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
  nginx_pid=$!
  children+=("$nginx_pid")
  wait_for_port "$nginx_port" "$nginx_pid" nginx "$dir/error.log"
  # The master listens before it forks the worker, so the worker may appear a moment later.
  local deadline=$((SECONDS + port_deadline_s))
  until nginx_worker=$(pgrep -P "$nginx_pid" | head -n 1) && [[ -n "$nginx_worker" ]]; do
    ((SECONDS < deadline)) || die "nginx started no worker process"
    sleep 0.02
  done
}

# Starts llmroute serve on core 0 in front of UPSTREAM_PORT; sets llmroute_pid and llmroute_port.
# NAME (default llmroute) names its directory; EXTRA is YAML appended to its config (a `records:` line in
# it replaces the default records section); SERVER_KEY is one more `key: value` of its server section.
start_llmroute() {
  local upstream_port=$1 name=${2:-llmroute} extra=${3:-} server_key=${4:-}
  local dir="$work/$name"
  rm -rf "$dir" && mkdir -p "$dir"

  llmroute_port=$(free_port)
  {
    cat <<EOF
server:
  listen: 127.0.0.1:$llmroute_port
  timeouts: { shutdown_grace: 1s }
  $server_key
backends:
  - name: sim
    kind: openai
    location: local
    url: http://127.0.0.1:$upstream_port/v1
    max_idle_connections: 512
    models:
      - name: sim-model
      - name: sim-shadow  # the shadowing variant's alternate model and its two judges; unused otherwise
      - name: judge-a
      - name: judge-b
routing:
  default: sim/sim-model
EOF
    grep -q '^records:' <<<"$extra" || echo "records: { path: $dir/llmroute.db }"
    [[ -z $extra ]] || echo "$extra"
  } >"$dir/config.yaml"
  (cd "$dir" && exec taskset -c 0 "$llmroute" serve --config "$dir/config.yaml") >"$dir/serve.log" 2>&1 &
  llmroute_pid=$!
  children+=("$llmroute_pid")
  wait_for_port "$llmroute_port" "$llmroute_pid" "llmroute serve ($name)" "$dir/serve.log"
}

# Starts redis-server on core 1, like the simulator a service the proxy talks to (nothing persisted);
# sets redis_pid and redis_port.
start_redis() {
  local dir="$work/redis"
  mkdir -p "$dir"
  redis_port=$(free_port)
  taskset -c 1 "$redis_server" --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
    --loglevel warning >"$dir/redis.log" 2>&1 &
  redis_pid=$!
  children+=("$redis_pid")
  wait_for_port "$redis_port" "$redis_pid" redis-server "$dir/redis.log"
}

# Quotas on for the anonymous user (auth: none), counted in STORE: all four limits set far above what a
# run sends, so every request is reserved and settled against each of them and none is refused.
quota_yaml() {
  printf 'quotas: { requests_per_minute: 1000000000, tokens_per_day: 1000000000000, cloud_spend_per_month: 1000000, max_concurrent: 100000 }\nquota_store: %s\n' "$1"
}

# The sum of a Prometheus counter family on 127.0.0.1:PORT/metrics.
metric_sum() {
  local port=$1 family=$2
  python3 - "$port" "$family" <<'PY'
import sys, urllib.request
port, family = sys.argv[1], sys.argv[2]
text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
print(int(sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
              if line.startswith(family + "{") or line.startswith(family + " "))))
PY
}

# Whether the llmroute on 127.0.0.1:PORT has no shadow running and no judge pair in flight, and its records
# database DB no pair waiting for judges (exit 0 when idle).
shadowing_idle() {
  python3 - "$1" "$2" <<'PY'
import sqlite3, sys, urllib.request
port, db = sys.argv[1], sys.argv[2]
text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
values = dict(line.rsplit(" ", 1) for line in text.splitlines() if line and not line.startswith("#"))
busy = float(values["llmroute_shadows_in_flight"]) + float(values["llmroute_judge_pairs_busy"])
pending = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute(
    "select count(*) from judge_pairs where state = 'pending'").fetchone()[0]
sys.exit(0 if busy == 0 and pending == 0 else 1)
PY
}

# One series (exact name and labels) on 127.0.0.1:PORT/metrics; 0 when absent.
metric_value() {
  python3 - "$1" "$2" <<'PY'
import sys, urllib.request
port, series = sys.argv[1], sys.argv[2]
text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
print(next((int(float(line.rsplit(" ", 1)[1])) for line in text.splitlines() if line.rsplit(" ", 1)[0] == series), 0))
PY
}

# Rows in the requests table of a records database.
record_count() {
  python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from requests").fetchone()[0])' "$1"
}

# Runs one load cell: SCENARIO MODE C URL [extra load-client arguments...]; results under $work/results.
# The CPU time of the processes in $cell_pids is charged to the cell.
run_cell() {
  local scenario=$1 mode=$2 c=$3 target=$4
  shift 4
  local stream_flag=on warmup=$((c < 10 ? 20 : 2 * c)) cpu_before
  [[ $mode == stream ]] || stream_flag=off
  log "$scenario $mode c=$c"
  # shellcheck disable=SC2086 # the pid lists are meant to split
  cpu_before=$(cpu_ns $cell_pids)
  taskset -c 1 "$load" --url "$target" --concurrency "$c" --duration-s "$duration_s" \
    --warmup "$warmup" --stream "$stream_flag" --timeout-s "$request_timeout_s" --json "$@" \
    >"$work/results/$scenario-$mode-$c.json" 2>"$work/results/$scenario-$mode-$c.err" || true
  if ! [[ -s "$work/results/$scenario-$mode-$c.json" ]] || ! jq -e .ok "$work/results/$scenario-$mode-$c.json" >/dev/null 2>&1; then
    cat "$work/results/$scenario-$mode-$c.err" >&2
    die "load client failed for $scenario $mode c=$c"
  fi
  # shellcheck disable=SC2086
  echo "$(($(cpu_ns $cell_pids) - cpu_before)) $warmup" >"$work/results/$scenario-$mode-$c.cpu"
}

# CPU time in ns the given processes have run, all threads summed (schedstat is ns-exact, unlike ticks).
cpu_ns() {
  local total=0 pid
  for pid in "$@"; do
    total=$((total + $(cat /proc/"$pid"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }')))
  done
  echo "$total"
}

# VmRSS in KiB of the given processes, summed.
rss_kib() {
  local total=0 pid value
  for pid in "$@"; do
    value=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    total=$((total + ${value:-0}))
  done
  echo "$total"
}

# --- throughput and latency -------------------------------------------------------------------
start_load=$(cut -d' ' -f1-3 /proc/loadavg)
log "machine: $(nproc) cores, load average $start_load; results in $work"
start_simulator sim "$stream_tokens" "$stream_interval_ms"
# The floor twice: sleeping when idle, as nginx does, and polling 250 µs after any bytes moved (llmroute's
# busy_poll_us default, applied more widely than llmroute does).
start_tcp_relay "$sim_port" 250
poll_relay_pid=$relay_pid poll_relay_port=$relay_port
start_tcp_relay "$sim_port"
start_nginx "$sim_port"
start_llmroute "$sim_port"
declare -A proxy_pids=([direct]="" [tcp-relay]="$relay_pid" [tcp-relay-poll]="$poll_relay_pid" [nginx]="$nginx_pid $nginx_worker" [llmroute]="$llmroute_pid")
declare -A url=(
  [direct]="http://127.0.0.1:$sim_port/v1/chat/completions"
  [tcp-relay]="http://127.0.0.1:$relay_port/v1/chat/completions"
  [tcp-relay-poll]="http://127.0.0.1:$poll_relay_port/v1/chat/completions"
  [nginx]="http://127.0.0.1:$nginx_port/v1/chat/completions"
  [llmroute]="http://127.0.0.1:$llmroute_port/v1/chat/completions"
)
scenarios=(direct tcp-relay tcp-relay-poll nginx llmroute)
modes=(stream nonstream)

mkdir -p "$work/results"
# Scenarios alternate inside each (mode, concurrency) cell, so slow drift on a shared machine
# (another build starting) hits them all alike instead of one whole scenario.
for mode in "${modes[@]}"; do
  for c in "${concurrencies[@]}"; do
    for scenario in "${scenarios[@]}"; do
      cell_pids=${proxy_pids[$scenario]}
      run_cell "$scenario" "$mode" "$c" "${url[$scenario]}"
      require_alive "$sim_pid" simulator
      require_alive "$relay_pid" llmroute-tcp-relay
      require_alive "$poll_relay_pid" "llmroute-tcp-relay (polling)"
      require_alive "$nginx_pid" nginx
      require_alive "$llmroute_pid" "llmroute serve"
    done
  done
done

# --- the two ratio targets' cells again: one cell swings with the machine (nginx's added TTFT at c=1 moved
# from 112 to 194 µs between runs, req/s at c=256 by ±10 %), so each verdict takes the median of the main
# cell and these extra alternating rounds.
extra_rounds=4
((quick)) && extra_rounds=1
for ((round = 1; round <= extra_rounds; round++)); do
  for scenario in direct nginx llmroute; do
    cell_pids=${proxy_pids[$scenario]}
    run_cell "$scenario-round$round" stream 1 "${url[$scenario]}"
  done
  for scenario in nginx llmroute; do
    cell_pids=${proxy_pids[$scenario]}
    run_cell "$scenario-round$round" stream 256 "${url[$scenario]}"
  done
  require_alive "$nginx_pid" nginx
  require_alive "$llmroute_pid" "llmroute serve"
done

# --- records: every request the proxy finished is in the database after a graceful stop -------------
finished_requests=$(metric_sum "$llmroute_port" llmroute_requests_total)
dropped_records=$(metric_sum "$llmroute_port" llmroute_records_dropped_total)
stop_child "$llmroute_pid"
stop_child "$relay_pid"
stop_child "$poll_relay_pid"
stored_records=$(record_count "$work/llmroute/llmroute.db")

# --- variants: llmroute with one feature switched, alternating with plain llmroute -------------------
# A variant is the llmroute config plus a YAML fragment (variant_yaml; a `records:` line replaces the
# default records section) and optional load-client arguments (variant_args, e.g. a key header). The
# table shows each variant against plain llmroute measured in the cells just before.
start_redis
variant_names=(no-busy-poll no-records shadowing quotas-memory quotas-redis)
# shadowing: a tenth of the requests (commit messages, as the load client's prompt is classified) copied to
# another model, at most two at a time, every pair judged by two judges in both orders (the simulator's judge
# mode) — all on the same simulator; the primary latency of this variant against plain llmroute is the
# "primary latency with shadowing on vs off" ratio below.
declare -A variant_yaml=(
  [no-records]="records: { enabled: false }"
  [shadowing]="shadow: { rate: 0.1, tasks: { commit-message: { rate: 0.1, target: sim/sim-shadow } }, monthly_budget: 1000, max_in_flight: 2, local_only_when_idle: false, seed: 1 }
judging: { judges: [sim/judge-a, sim/judge-b], concurrency: 4 }"
  [quotas-memory]="$(quota_yaml memory)"
  [quotas-redis]="$(quota_yaml "redis://127.0.0.1:$redis_port/0")"
)
# no-busy-poll: the event loop sleeps as soon as it has no work (server.busy_poll_us: 0), as nginx does.
declare -A variant_server_key=([no-busy-poll]="busy_poll_us: 0")
declare -A variant_args=()
variant_concurrencies=(1 256)
declare -A variant_url=() variant_pid=() variant_port=() shadow_settle_s=()
start_llmroute "$sim_port" base
variant_url[base]="http://127.0.0.1:$llmroute_port/v1/chat/completions" variant_pid[base]=$llmroute_pid
for variant in "${variant_names[@]}"; do
  start_llmroute "$sim_port" "$variant" "${variant_yaml[$variant]:-}" "${variant_server_key[$variant]:-}"
  variant_url[$variant]="http://127.0.0.1:$llmroute_port/v1/chat/completions" variant_pid[$variant]=$llmroute_pid
  variant_port[$variant]=$llmroute_port
done
redis_cpu_before=$(cpu_ns "$redis_pid")
for c in "${variant_concurrencies[@]}"; do
  for variant in "${variant_names[@]}"; do
    cell_pids=${variant_pid[base]}
    run_cell "base-for-$variant" stream "$c" "${variant_url[base]}"
    cell_pids=${variant_pid[$variant]}
    # shellcheck disable=SC2086 # the argument list is meant to split
    run_cell "$variant" stream "$c" "${variant_url[$variant]}" ${variant_args[$variant]:-}
    require_alive "${variant_pid[$variant]}" "llmroute serve ($variant)"
    if [[ $variant == shadowing ]]; then
      # Its shadows and judges finish their backlog before the next cell, not on core 0 during it.
      settle_start=$SECONDS
      until shadowing_idle "${variant_port[shadowing]}" "$work/shadowing/llmroute.db"; do
        ((SECONDS - settle_start < 120)) || die "shadowing variant still busy 120 s after its c=$c cell (logs in $work)"
        sleep 0.2
      done
      shadow_settle_s[$c]=$((SECONDS - settle_start))
    fi
  done
done
shadow_port=${variant_port[shadowing]}
shadows_started=$(metric_value "$shadow_port" 'llmroute_shadows_total{outcome="started"}')
shadows_capped=$(metric_value "$shadow_port" 'llmroute_shadows_total{outcome="in-flight"}')
pairs_judged=$(metric_value "$shadow_port" 'llmroute_judge_pairs_settled_total{outcome="judged"}')
judge_calls=$(metric_value "$shadow_port" llmroute_judge_calls_total)
# Only the quotas-redis variant talks to Redis: its CPU over the variants is that variant's.
redis_cpu=$(($(cpu_ns "$redis_pid") - redis_cpu_before))
for variant in base "${variant_names[@]}"; do stop_child "${variant_pid[$variant]}"; done
stop_child "$redis_pid"

# --- memory while holding many streams ----------------------------------------------------------
stop_child "$llmroute_pid"
stop_child "$nginx_pid"
stop_child "$sim_pid"
start_simulator hold-sim "$hold_tokens" "$hold_interval_ms"
start_nginx "$sim_port"
start_llmroute "$sim_port"

# Holds $hold_streams streams through the proxy at PORT while sampling the VmRSS of PIDS;
# sets hold_idle_kib, hold_peak_kib and hold_opened (globals: a subshell could not stop the script).
measure_hold() {
  local name=$1 port=$2
  shift 2
  local ready="$work/hold-$name.ready" result="$work/results/hold-$name.json" sample
  hold_idle_kib=$(rss_kib "$@")
  rm -f "$ready"
  taskset -c 1 "$load" --url "http://127.0.0.1:$port/v1/chat/completions" --concurrency "$hold_streams" \
    --hold "$hold_s" --ready-file "$ready" --timeout-s "$request_timeout_s" --json \
    >"$result" 2>"$work/results/hold-$name.err" &
  local hold_pid=$!
  children+=("$hold_pid")
  local deadline=$((SECONDS + request_timeout_s + 5))
  until [[ -s "$ready" ]]; do
    kill -0 "$hold_pid" 2>/dev/null || break
    ((SECONDS < deadline)) || die "hold client for $name never reported its streams open"
    sleep 0.05
  done
  # Sampled until the client lets go, so the peak covers the whole hold.
  hold_peak_kib=0
  while kill -0 "$hold_pid" 2>/dev/null; do
    sample=$(rss_kib "$@")
    ((sample > hold_peak_kib)) && hold_peak_kib=$sample
    sleep 0.2
  done
  stop_child "$hold_pid"
  hold_opened=$(jq -r '.opened // 0' "$result" 2>/dev/null || echo 0)
}

log "holding $hold_streams streams through llmroute for ${hold_s}s"
measure_hold llmroute "$llmroute_port" "$llmroute_pid"
llm_idle_kib=$hold_idle_kib llm_peak_kib=$hold_peak_kib llm_opened=$hold_opened
require_alive "$llmroute_pid" "llmroute serve"
log "holding $hold_streams streams through nginx for ${hold_s}s"
measure_hold nginx "$nginx_port" "$nginx_pid" "$nginx_worker"
nginx_idle_kib=$hold_idle_kib nginx_peak_kib=$hold_peak_kib nginx_opened=$hold_opened

# --- report ------------------------------------------------------------------------------------
field() { jq -r ".$4" "$work/results/$1-$2-$3.json"; }

# Proxy CPU per request of one run in µs, warm-up requests included (they ran inside the CPU window).
cpu_per_request_us() {
  local delta warmup
  read -r delta warmup <"$work/results/$1-$2-$3.cpu"
  awk -v d="$delta" -v w="$warmup" -v n="$(field "$1" "$2" "$3" requests)" 'BEGIN { printf "%.0f", d / 1000 / (n + w) }'
}

echo
echo "## llmroute overhead ($(date -u +'%Y-%m-%d %H:%M UTC'), checkout at $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)$( ((quick)) && echo ', --quick'))"
echo
echo "Binaries from $build_dir. Proxy on core 0; simulator + load client on core 1. Stream: $stream_tokens chunks ${stream_interval_ms} ms apart, TTFT 0 ms; ${duration_s} s per cell; load average at start $start_load."
echo
echo "| target | mode | c | req/s | proxy CPU µs/req | TTFT p50 µs | TTFT p99 µs | +TTFT p50 vs direct µs | total p50 ms | total p99 ms | errors |"
echo "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
for mode in "${modes[@]}"; do
  for c in "${concurrencies[@]}"; do
    direct_ttft=$(field direct "$mode" "$c" ttft_p50_us)
    for scenario in "${scenarios[@]}"; do
      cpu="–"
      [[ $scenario == direct ]] || cpu=$(cpu_per_request_us "$scenario" "$mode" "$c")
      jq -r '[.concurrency, .rps, .ttft_p50_us, .ttft_p99_us, .total_p50_us, .total_p99_us, .errors] | @tsv' \
        "$work/results/$scenario-$mode-$c.json" |
        awk -F'\t' -v s="$scenario" -v m="$mode" -v d="$direct_ttft" -v cpu="$cpu" '{
          added = s == "direct" ? "–" : sprintf("%.0f", $3 - d)
          printf "| %s | %s | %d | %.0f | %s | %.0f | %.0f | %s | %.2f | %.2f | %d |\n", s, m, $1, $2, cpu, $3, $4, added, $5 / 1000, $6 / 1000, $7
        }'
    done
  done
done
echo
echo "| target | RSS idle MB | RSS holding $hold_streams streams MB | streams opened |"
echo "|---|--:|--:|--:|"
awk -v a="$llm_idle_kib" -v b="$llm_peak_kib" -v n="$llm_opened" 'BEGIN { printf "| llmroute | %.1f | %.1f | %d |\n", a / 1024, b / 1024, n }'
awk -v a="$nginx_idle_kib" -v b="$nginx_peak_kib" -v n="$nginx_opened" 'BEGIN { printf "| nginx (master + worker) | %.1f | %.1f | %d |\n", a / 1024, b / 1024, n }'
echo

echo "| variant (stream) | c | req/s | vs llmroute req/s | proxy CPU µs/req | vs llmroute CPU | TTFT p50 µs | +TTFT p50 vs llmroute µs | errors |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
for c in "${variant_concurrencies[@]}"; do
  for variant in "${variant_names[@]}"; do
    base_cpu=$(cpu_per_request_us "base-for-$variant" stream "$c")
    cpu=$(cpu_per_request_us "$variant" stream "$c")
    jq -r '[.rps, .ttft_p50_us, .errors] | @tsv' "$work/results/$variant-stream-$c.json" |
      awk -F'\t' -v v="$variant" -v c="$c" -v cpu="$cpu" -v bcpu="$base_cpu" \
        -v brps="$(field "base-for-$variant" stream "$c" rps)" -v bttft="$(field "base-for-$variant" stream "$c" ttft_p50_us)" '{
        printf "| %s | %d | %.0f | %.2f× | %s | %.2f× | %.0f | %+.0f | %d |\n", v, c, $1, (brps > 0 ? $1 / brps : 0), cpu, (bcpu > 0 ? cpu / bcpu : 0), $2, $2 - bttft, $3
      }'
  done
done
echo

# PASS when the numeric comparison holds (awk, because bash has no floating point).
pass_if() { if awk "BEGIN { exit !($1) }"; then echo PASS; else echo FAIL; fi; }

failed=0
verdict() {  # verdict PASS|FAIL|INCONCLUSIVE line; a markdown list item, so the output pastes as is
  echo "- $1: $2"
  [[ $1 != FAIL ]] || failed=1
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
# added_c1 SCENARIO DIRECT: the scenario's TTFT p50 at c=1 over the direct cell of the same round.
added_c1() { awk -v a="$(field "$1" stream 1 ttft_p50_us)" -v d="$(field "$2" stream 1 ttft_p50_us)" 'BEGIN { printf "%.1f", a - d }'; }

direct_c1=$(field direct stream 1 ttft_p50_us)
llm_added=$(added_c1 llmroute direct)
nginx_added=$(added_c1 nginx direct)
llm_rounds=("$llm_added") nginx_rounds=("$nginx_added") round_pairs="$llm_added/$nginx_added"
for ((round = 1; round <= extra_rounds; round++)); do
  llm_rounds+=("$(added_c1 "llmroute-round$round" "direct-round$round")")
  nginx_rounds+=("$(added_c1 "nginx-round$round" "direct-round$round")")
  round_pairs+=", ${llm_rounds[-1]}/${nginx_rounds[-1]}"
done
llm_median=$(median "${llm_rounds[@]}")
nginx_median=$(median "${nginx_rounds[@]}")
ttft_rounds="$((extra_rounds + 1)) alternating rounds (llmroute/nginx µs: $round_pairs; the table's cells are the first)"
if [[ $(pass_if "$nginx_median > 0") == PASS ]]; then
  ratio=$(awk -v l="$llm_median" -v n="$nginx_median" 'BEGIN { printf "%.2f", l / n }')
  result=$(pass_if "$ratio <= 0.5")
  verdict "$result" "added TTFT p50 at c=1: median llmroute $llm_median µs vs nginx $nginx_median µs → ratio $ratio over $ttft_rounds (target ≤ 0.5)"
else
  verdict INCONCLUSIVE "added TTFT p50 at c=1: median llmroute $llm_median µs vs nginx $nginx_median µs over $ttft_rounds → nginx added nothing measurable; rerun on a quiet machine (target ≤ 0.5)"
fi

relay_added=$(awk -v a="$(field tcp-relay stream 1 ttft_p50_us)" -v d="$direct_c1" 'BEGIN { printf "%.1f", a - d }')
echo "- info: the floor: llmroute-tcp-relay, which copies bytes and does nothing else, adds $relay_added µs TTFT p50 at c=1 (its ratio to nginx: $(awk -v l="$relay_added" -v n="$nginx_added" 'BEGIN { printf "%.2f", (n > 0 ? l / n : 0) }'))"
poll_relay_added=$(awk -v a="$(field tcp-relay-poll stream 1 ttft_p50_us)" -v d="$direct_c1" 'BEGIN { printf "%.1f", a - d }')
echo "- info: the same relay polling 250 µs after any bytes moved adds $poll_relay_added µs (its ratio to nginx: $(awk -v l="$poll_relay_added" -v n="$nginx_added" 'BEGIN { printf "%.2f", (n > 0 ? l / n : 0) }')): what llmroute adds beyond that is its own work per request and what that work costs in wake-ups of core 1 (bench/wake_cliff.sh)"
busy_off_added=$(awk -v a="$(field no-busy-poll stream 1 ttft_p50_us)" -v b="$(field base-for-no-busy-poll stream 1 ttft_p50_us)" 'BEGIN { printf "%+.0f", a - b }')
echo "- info: with busy polling off (server.busy_poll_us: 0) llmroute's TTFT p50 at c=1 changes by $busy_off_added µs (variants table)"

llm_rps=$(field llmroute stream 256 rps)
nginx_rps=$(field nginx stream 256 rps)
pair_ratios=$(awk -v l="$llm_rps" -v n="$nginx_rps" 'BEGIN { printf "%.2f", (n > 0 ? l / n : 0) }')
for ((round = 1; round <= extra_rounds; round++)); do
  pair_ratios+=" $(awk -v l="$(field "llmroute-round$round" stream 256 rps)" -v n="$(field "nginx-round$round" stream 256 rps)" \
    'BEGIN { printf "%.2f", (n > 0 ? l / n : 0) }')"
done
# shellcheck disable=SC2086 # one ratio per word
ratio=$(median $pair_ratios)
result=$(pass_if "$ratio >= 1.0")
verdict "$result" "streaming req/s at c=256: llmroute/nginx median $ratio over $((extra_rounds + 1)) alternating pairs (${pair_ratios// /, }; the table's cell: $llm_rps vs $nginx_rps req/s) (target ≥ 1.0)"

llm_peak_mb=$(awk -v k="$llm_peak_kib" 'BEGIN { printf "%.1f", k / 1024 }')
if ((llm_opened < hold_streams)); then
  verdict FAIL "RSS at $hold_streams streams: only $llm_opened streams opened through llmroute (peak $llm_peak_mb MB)"
else
  result=$(pass_if "$llm_peak_mb <= 64")
  verdict "$result" "RSS at $hold_streams streams: $llm_peak_mb MB (target ≤ 64 MB; nginx $(awk -v k="$nginx_peak_kib" 'BEGIN { printf "%.1f", k / 1024 }') MB)"
fi

llm_cpu=$(cpu_per_request_us llmroute stream 256)
nginx_cpu=$(cpu_per_request_us nginx stream 256)
echo "- info: proxy CPU per streaming request at c=256: llmroute $llm_cpu µs vs nginx $nginx_cpu µs (less sensitive to a busy machine than req/s)"
# Primary latency with shadowing on vs off, from the neighbouring cells of the variants table.
ratio_of() { awk -v a="$(field "$1" stream "$3" "$2")" -v b="$(field "base-for-$1" stream "$3" "$2")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
echo "- info: primary latency with shadowing on vs off (10 % sampled, ≤ 2 shadows in flight, 2 judges × 2 orders per pair, all on the same simulator): TTFT p50 ratio $(ratio_of shadowing ttft_p50_us 1) at c=1, $(ratio_of shadowing ttft_p50_us 256) at c=256; total p50 ratio $(ratio_of shadowing total_p50_us 1) at c=1, $(ratio_of shadowing total_p50_us 256) at c=256 ($shadows_started shadows, $shadows_capped sampled requests stopped by the in-flight cap, $pairs_judged pairs judged with $judge_calls judge calls; the backlog took ${shadow_settle_s[1]} s after the c=1 cell and ${shadow_settle_s[256]} s after the c=256 cell to finish)"
redis_requests=0
for c in "${variant_concurrencies[@]}"; do
  read -r _ warmup <"$work/results/quotas-redis-stream-$c.cpu"
  redis_requests=$((redis_requests + $(field quotas-redis stream "$c" requests) + warmup))
done
awk -v ns="$redis_cpu" -v n="$redis_requests" 'BEGIN {
  printf "- info: redis-server (core 1, not in the proxy CPU column) used %.0f µs of CPU per request of the quotas-redis variant\n", (n > 0 ? ns / 1000 / n : 0)
}'

if ((stored_records == finished_requests && dropped_records == 0)); then
  verdict PASS "records: $stored_records stored of $finished_requests requests llmroute finished (c up to 256, stopped with SIGTERM): 0 lost"
else
  verdict FAIL "records: $stored_records stored of $finished_requests requests llmroute finished ($dropped_records counted as dropped)"
fi

errors=$(jq -s 'map(.errors) | add' "$work"/results/*-*-*.json)
if ((errors > 0)); then
  verdict FAIL "$errors requests failed across the runs (see the errors column)"
fi
exit "$failed"
