#!/usr/bin/env bash
# The whole reproducible recipe for assets/models/seawarden-ir-boat.onnx:
# venv with pinned packages → rendered training frames → training → float ONNX export
# (seawarden-ir-boat-fp32.onnx) → int8 quantization of its stride-8/16 blocks (quantize.py, the
# shipped seawarden-ir-boat.onnx: 1.9x faster than the float export on one core, 2x faster than the
# first SiLU model at the same evaluation recall, see MODEL.md).
#
#   tools/train_detector/train.sh            (about 12 min rendering + 15-30 min training, 4800 steps, on the shared 2 cores)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
venv=.cache/train-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r tools/train_detector/requirements.txt
fi
ls .cache/train-data/index-*.jsonl >/dev/null 2>&1 || tools/train_detector/make_dataset.sh .cache/train-data 100
cd tools/train_detector
models=../../assets/models
../../$venv/bin/python train.py --data ../../.cache/train-data --out $models/seawarden-ir-boat-fp32.onnx "$@"
mv $models/seawarden-ir-boat-fp32.train.json $models/seawarden-ir-boat.train.json
../../$venv/bin/python quantize.py $models/seawarden-ir-boat-fp32.onnx $models/seawarden-ir-boat.onnx --data ../../.cache/train-data
