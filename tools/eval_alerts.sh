#!/usr/bin/env bash
# Anomaly evaluation across the labelled scenarios: sim → analyze → eval-alerts, one table.
#
#   tools/eval_alerts.sh [OUT_DIR]        (default: target/eval-alerts)
#
# Uses $SEAWARDEN, else target/release/seawarden, else target/debug/seawarden. Scenarios run two
# at a time. The pooled table (per-rule and overall precision/recall, time to alert) is printed
# and saved as OUT_DIR/table.txt; quiet-day's false alerts per site-hour are in the first block.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/eval-alerts}
BIN=${SEAWARDEN:-}
if [[ -z "$BIN" ]]; then
  if [[ -x target/release/seawarden ]]; then BIN=target/release/seawarden; else BIN=target/debug/seawarden; fi
fi
SCENARIOS=(${SCENARIOS:-quiet-day night-smuggling smuggling-wave rendezvous dusk-harbour drifting-boat busy-harbour})
mkdir -p "$OUT"
run_one() {
  local s=$1 d="$OUT/$1"
  "$BIN" sim --scenario "$s" --out "$d" >"$d.sim.log" 2>&1
  "$BIN" analyze --input "$d/measurements.jsonl" --output "$d/alerts.jsonl" --site hac-sa >"$d.analyze.log" 2>&1
  echo "done $s: $(tail -1 "$d.analyze.log")"
}
export -f run_one
export BIN OUT
printf '%s\n' "${SCENARIOS[@]}" | xargs -P "${JOBS:-2}" -I{} bash -c 'run_one {}'
args=()
for s in "${SCENARIOS[@]}"; do args+=(--scenario "$OUT/$s"); done
"$BIN" eval-alerts "${args[@]}" ${DETAILS:+--details} | tee "$OUT/table.txt"
