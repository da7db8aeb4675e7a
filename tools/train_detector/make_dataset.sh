#!/usr/bin/env bash
# Renders the training frames with Seawarden's own thermal renderer (seawarden::sim::thermal),
# deterministically: `training_scene(i)` in tests/it/onnx.rs draws lens, mast, heading, horizon,
# sea state, haze, land, lights, glint and traffic from seed 1 000 000 + i; four labelled frames
# per scene. Two shards run at once (one per core); each writes index-FIRST.jsonl.
#
#   tools/train_detector/make_dataset.sh [OUT_DIR] [SCENES]   (default .cache/train-data, 100)
#
# The dev-profile test binary is used (a release build of the whole workspace takes far longer
# than the rendering); the frames are bit-identical either way.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
out=$(mkdir -p "${1:-.cache/train-data}" && readlink -f "${1:-.cache/train-data}")
scenes=${2:-100}
cargo test --no-run --test it
half=$((scenes / 2))
SEAWARDEN_TRAIN_DIR=$out SEAWARDEN_TRAIN_FIRST=0 SEAWARDEN_TRAIN_SCENES=$half \
  cargo test --test it -- --ignored --exact onnx::write_training_set --nocapture &
first=$!
SEAWARDEN_TRAIN_DIR=$out SEAWARDEN_TRAIN_FIRST=$half SEAWARDEN_TRAIN_SCENES=$scenes \
  cargo test --test it -- --ignored --exact onnx::write_training_set --nocapture
wait "$first"
