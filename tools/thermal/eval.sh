#!/usr/bin/env bash
# Thermal pipeline evaluation: generate the standard synthetic clips, run `seawarden detect` on
# each (with and without calibration), score against the labels, and time detect vs decode-only.
#
#   tools/thermal/eval.sh [OUT_DIR]        (default target/thermal-eval; needs a release build)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
out=${1:-target/thermal-eval}
mkdir -p "$out"
cargo build --release --bin seawarden
bin=target/release/seawarden
if [ ! -f "$out/calm_night.mkv" ]; then
  SEAWARDEN_THERMAL_EVAL_DIR=$(readlink -f "$out") cargo test --release --test it -- \
    --ignored --exact thermal::generate_evaluation_clips --nocapture
fi
for clip in calm_night rough_night hazy_headland dawn_glint; do
  echo "== $clip (no calibration: horizon and land from the image)"
  "$bin" detect --input "$out/$clip.mkv" --output "$out/$clip.dets.jsonl"
  python3 tools/thermal/score.py "$out/$clip.labels.jsonl" "$out/$clip.dets.jsonl"
  echo "== $clip (calibrated)"
  "$bin" detect --input "$out/$clip.mkv" --calibration "$out/$clip.site.toml" --output "$out/$clip.cal.jsonl"
  python3 tools/thermal/score.py "$out/$clip.labels.jsonl" "$out/$clip.cal.jsonl"
done
echo "== throughput on $out/calm_night.mkv (640x512 GRAY16_LE FFV1)"
for i in 1 2 3; do
  /usr/bin/time -f "decode only: %e s" gst-launch-1.0 -q filesrc location="$out/calm_night.mkv" ! matroskademux ! avdec_ffv1 ! fakesink
  /usr/bin/time -f "seawarden detect: %e s" "$bin" detect --input "$out/calm_night.mkv" --output /dev/null
done
