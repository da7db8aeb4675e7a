#!/usr/bin/env bash
# Compares (a) the classical HotSpot detector, (b) HotSpot proposals verified by the model and
# (c) the model alone on the four standard evaluation clips (sim::thermal::evaluation_clips,
# rendered in process), at several thresholds: precision/recall by target size and false alarms
# per frame. Then onnxruntime's inference speed at 640×512, and (with BENCH=1) the criterion
# benchmark of the whole Rust detector (release build: slow to compile).
#
#   tools/train_detector/measure.sh [MODEL.onnx] [FRAMES_PER_CLIP]      (default shipped, 60)
#
# The comparison runs the dev-profile test binary: its ms/frame column is not a speed figure.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
export ORT_DYLIB_PATH=${ORT_DYLIB_PATH:-$PWD/.cache/onnxruntime-1.31.1/libonnxruntime.so}
model=$(readlink -f "${1:-assets/models/seawarden-ir-boat.onnx}")
SEAWARDEN_ONNX_MODEL=$model SEAWARDEN_EVAL_FRAMES=${2:-60} \
  cargo test --test it -- --ignored --exact onnx::measure_detectors --nocapture --test-threads 1
.cache/train-venv/bin/python tools/train_detector/ort_speed.py "$model"
if [ "${BENCH:-0}" = 1 ]; then
  cargo bench --bench onnx_detect -- --noplot
fi
