"""Inference speed of ONNX detectors in onnxruntime at 640×H (the deployment camera is 640×512):
per model, the best and median milliseconds per run, as wall time and as the calling thread's CPU
time, with one intra-op thread (and two with --two-threads). Several models are run alternately,
run by run, so a busy shared machine slows them alike and their ratio stays meaningful.

    .cache/train-venv/bin/python tools/train_detector/ort_speed.py [MODEL.onnx ...] [--runs N] [--height H]

The Rust detector adds AGC, letterbox, decode and NMS (benches/onnx_detect.rs measures the lot).
"""

import argparse
import statistics
import time

import numpy as np
import onnxruntime as ort

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("models", nargs="*", default=["assets/models/seawarden-ir-boat.onnx"])
ap.add_argument("--runs", type=int, default=50)
ap.add_argument("--height", type=int, default=512, help="input rows (a multiple of 32; 448 = the sea below a typical calibrated horizon)")
ap.add_argument("--two-threads", action="store_true", help="also measure two intra-op threads")
args = ap.parse_args()

x = np.random.default_rng(0).random((1, 1, args.height, 640), dtype=np.float32)
for threads in (1, 2) if args.two_threads else (1,):
    sessions = []
    for model in args.models:
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        sess = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
        name = sess.get_inputs()[0].name
        for _ in range(3):
            sess.run(None, {name: x})
        sessions.append((model, sess, name, [], []))
    for _ in range(args.runs):
        for _, sess, name, wall, cpu in sessions:
            t, c = time.perf_counter(), time.thread_time()
            out = sess.run(None, {name: x})[0]
            cpu.append(time.thread_time() - c)
            wall.append(time.perf_counter() - t)
    for model, _, _, wall, cpu in sessions:
        ms = 1e3 * statistics.median(wall)
        print(
            f"{model}: 640x{args.height}, {threads} thread(s): median {ms:.1f} ms/frame = {1e3 / ms:.1f} fps, "
            f"best {1e3 * min(wall):.1f} ms; thread CPU median {1e3 * statistics.median(cpu):.1f}, "
            f"best {1e3 * min(cpu):.1f} ms; output {list(out.shape)}"
        )
