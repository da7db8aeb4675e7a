"""Inference speed of an ONNX detector in onnxruntime at 640×512 (the deployment camera's size):
median milliseconds per run and frames per second, with 1 and 2 intra-op threads.

    .cache/train-venv/bin/python tools/train_detector/ort_speed.py [MODEL.onnx] [RUNS]

The Rust detector adds AGC, letterbox, decode and NMS (benches/onnx_detect.rs measures the lot).
"""

import statistics
import sys
import time

import numpy as np
import onnxruntime as ort

model = sys.argv[1] if len(sys.argv) > 1 else "assets/models/seawarden-ir-boat.onnx"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 50
x = np.random.default_rng(0).random((1, 1, 512, 640), dtype=np.float32)
for threads in (1, 2):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    for _ in range(3):
        sess.run(None, {name: x})
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = sess.run(None, {name: x})[0]
        times.append(time.perf_counter() - t)
    ms = 1e3 * statistics.median(times)
    print(f"{model}: 640x512, {threads} thread(s): median {ms:.1f} ms/frame = {1e3 / ms:.1f} fps (best {1e3 * min(times):.1f} ms); output {list(out.shape)}")
