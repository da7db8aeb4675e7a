#!/usr/bin/env bash
# The whole reproducible recipe for assets/models/seawarden-ir-boat.onnx:
# venv with pinned packages → rendered training frames → training → ONNX export.
#
#   tools/train_detector/train.sh            (about 12 min rendering + 20 min training on the shared 2 cores)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
venv=.cache/train-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r tools/train_detector/requirements.txt
fi
ls .cache/train-data/index-*.jsonl >/dev/null 2>&1 || tools/train_detector/make_dataset.sh .cache/train-data 100
cd tools/train_detector
../../$venv/bin/python train.py --data ../../.cache/train-data --out ../../assets/models/seawarden-ir-boat.onnx "$@"
