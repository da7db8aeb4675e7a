#!/usr/bin/env bash
# Renders the training frames with Seawarden's own thermal renderer (seawarden::sim::thermal),
# deterministically: `training_scene(i)` in tests/it/onnx.rs draws lens, mast, heading, horizon,
# sea state, haze, land, lights, glint and traffic from seed 1 000 000 + i.
#
#   tools/train_detector/make_dataset.sh [OUT_DIR] [SCENES]   (default .cache/train-data, 300)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
out=${1:-.cache/train-data}
scenes=${2:-300}
mkdir -p "$out"
SEAWARDEN_TRAIN_DIR=$(readlink -f "$out") SEAWARDEN_TRAIN_SCENES=$scenes \
  cargo test --release --test it -- --ignored --exact onnx::write_training_set --nocapture
