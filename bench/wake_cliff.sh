#!/usr/bin/env bash
# What a proxy's own work per forward costs in added TTFT at c=1 on this machine: the polling do-nothing
# relay (llmroute-tcp-relay, 250 µs busy polling) is given SPIN_US of busy work before each forward, and its
# added TTFT p50 over direct access is measured for each SPIN_US, alternating relay and direct rounds.
#
# A request's first token is forwarded twice (the request, then the first chunk), so the spin alone adds
# 2 × SPIN_US to what the relay adds without it (the first SPINS value, 0 by default: the floor). What is
# measured beyond both ("penalty") is what the machine charges for the proxy's slowness:
# on a VM whose idle vCPUs halt, the simulator's core goes idle while the proxy works, and waking it again
# costs tens of microseconds once the proxy takes longer than a few microseconds per forward.
#
#   bench/wake_cliff.sh                 spins 0 5 10 15 20 30 40 60 µs, 3 rounds (about 2 minutes)
#   SPINS="0 20" ROUNDS=5 bench/wake_cliff.sh
#   BUILD_DIR=build bench/wake_cliff.sh
#
# Exit status: 0 when it measured, 2 when it could not run. It has no target: it explains overhead.sh's.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

for arg in "$@"; do
  case "$arg" in
    --help | -h) usage; exit 0 ;;
    *) echo "wake_cliff.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
script_name=wake_cliff.sh
# shellcheck source=bench/processes.sh
source "$repo/bench/processes.sh"
find_binaries
for tool in jq taskset ss awk; do
  command -v "$tool" >/dev/null || die "'$tool' is required"
done
[[ $(nproc) -ge 2 ]] || die "needs 2 cores (relay on core 0, simulator and load client on core 1)"

read -r -a spins <<<"${SPINS:-0 5 10 15 20 30 40 60}"
rounds=${ROUNDS:-3}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive whole number, found '$rounds'"
for spin in "${spins[@]}"; do
  if ! [[ $spin =~ ^[0-9]+$ ]] || ((spin > 10000)); then
    die "each of SPINS must be microseconds in 0-10000, found '$spin'"
  fi
done
duration_s=2 port_deadline_s=10 poll_us=250

work=$(mktemp -d "${TMPDIR:-/tmp}/llmroute-wake-cliff.XXXXXX")
children=()
trap cleanup EXIT
trap 'exit 130' INT TERM

# TTFT p50 in µs of one c=1 streaming round against URL.
ttft_p50() {
  local result="$work/round.json"
  taskset -c 1 "$load" --url "$1" --concurrency 1 --duration-s "$duration_s" --warmup 20 --stream on --json \
    >"$result" 2>"$work/round.err" || { cat "$work/round.err" >&2; die "load client failed against $1"; }
  jq -r '.ttft_p50_us' "$result"
}

median() { tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# The same simulator as overhead.sh: first chunk at once, 20 chunks 1 ms apart.
start_simulator sim 20 1
direct_url="http://127.0.0.1:$sim_port/v1/chat/completions"

rows=()
for spin in "${spins[@]}"; do
  start_tcp_relay "$sim_port" "$poll_us" "$spin"
  log "spin $spin µs"
  added=()
  for _ in $(seq "$rounds"); do
    direct=$(ttft_p50 "$direct_url")
    relayed=$(ttft_p50 "http://127.0.0.1:$relay_port/v1/chat/completions")
    added+=("$(awk -v r="$relayed" -v d="$direct" 'BEGIN { printf "%.1f", r - d }')")
  done
  require_alive "$relay_pid" llmroute-tcp-relay
  stop_child "$relay_pid"
  rows+=("$spin $(echo "${added[*]}" | median) ${added[*]}")
done

read -r floor_spin floor_added _ <<<"${rows[0]}"
echo "| spin per forward | added TTFT p50, median (rounds) | floor + 2 × spin | penalty beyond that |"
echo "|---:|---:|---:|---:|"
for row in "${rows[@]}"; do
  read -r spin added_median list <<<"$row"
  awk -v s="$spin" -v a="$added_median" -v list="$list" -v fs="$floor_spin" -v fa="$floor_added" \
    'BEGIN { e = fa + 2 * (s - fs); printf "| %d µs | %.0f µs (%s) | %.0f µs | %.0f µs |\n", s, a, list, e, a - e }'
done
echo
echo "- floor: the relay with ${floor_spin} µs spin adds ${floor_added} µs; busy polling ${poll_us} µs after any bytes moved, on core 0"
