#!/usr/bin/env bash
# Compares (a) the classical HotSpot detector, (b) HotSpot proposals verified by the model and
# (c) the model alone on the four standard evaluation clips (sim::thermal::evaluation_clips,
# rendered in process), at several thresholds: precision/recall by target size, false alarms per
# frame and time per frame. Then the criterion benchmark of ONNX inference.
#
#   tools/train_detector/measure.sh [MODEL.onnx] [FRAMES_PER_CLIP]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
export ORT_DYLIB_PATH=${ORT_DYLIB_PATH:-$PWD/.cache/onnxruntime-1.31.1/libonnxruntime.so}
SEAWARDEN_ONNX_MODEL=$(readlink -f "${1:-assets/models/seawarden-ir-boat.onnx}") \
SEAWARDEN_EVAL_FRAMES=${2:-150} \
  cargo test --release --test it -- --ignored --exact onnx::measure_detectors --nocapture --test-threads 1
cargo bench --bench onnx_detect -- --noplot
