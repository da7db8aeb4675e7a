#!/usr/bin/env python3
"""Score `seawarden detect` output against a synthetic clip's labels.

Usage: score.py LABELS.jsonl DETS.jsonl

Matching, per frame: greedy by centre distance; a detection matches a label when its box centre
lies within max(3 px, half the label's longest side) of the label's centre, one-to-one.
Size classes use the label's longest side: < 4 px, 4-10 px, > 10 px (an unmatched detection is
classed by its own longest side). Reports precision/recall per size, false alarms per frame and,
when the detections carry bearing/range (run with --calibration), bearing and range errors of the
matched detections and the detection range (largest range bin with recall >= 50 %).
"""
import json
import math
import sys
from collections import defaultdict


def size_class(n):
    return "<4px" if n < 4 else ("4-10px" if n <= 10 else ">10px")


def main(labels_path, dets_path):
    frames = {}
    with open(labels_path) as f:
        for line in f:
            rec = json.loads(line)
            frames[rec["frame"]] = rec["targets"]
    dets = defaultdict(list)
    with open(dets_path) as f:
        for line in f:
            d = json.loads(line)
            dets[d["frame"]].append(d)
    tp = defaultdict(int)
    n_labels = defaultdict(int)
    fp = defaultdict(int)
    bearing_err, range_err = [], []
    range_bins = defaultdict(lambda: [0, 0])  # km bin -> [labels, hits]
    for frame, labels in frames.items():
        ds = dets.get(frame, [])
        used = [False] * len(ds)
        for lab in labels:
            cls = size_class(max(lab["w"], lab["h"]))
            n_labels[cls] += 1
            lx, ly = lab["x"] + lab["w"] / 2, lab["y"] + lab["h"] / 2
            gate = max(3.0, 0.5 * max(lab["w"], lab["h"]))
            best, best_d = None, None
            for i, d in enumerate(ds):
                if used[i]:
                    continue
                dist = math.hypot(d["x"] + d["w"] / 2 - lx, d["y"] + d["h"] / 2 - ly)
                if dist <= gate and (best_d is None or dist < best_d):
                    best, best_d = i, dist
            rb = range_bins[int(lab["range_m"] // 1000)]
            rb[0] += 1
            if best is not None:
                used[best] = True
                tp[cls] += 1
                rb[1] += 1
                d = ds[best]
                if "bearing_deg" in d:
                    e = (d["bearing_deg"] - lab["bearing_deg"] + 180) % 360 - 180
                    bearing_err.append(e)
                if "range_m" in d:
                    range_err.append((lab["range_m"], d["range_m"] - lab["range_m"]))
        for i, d in enumerate(ds):
            if not used[i]:
                fp[size_class(max(d["w"], d["h"]))] += 1
    n_frames = len(frames)
    print(f"frames {n_frames}, labels {sum(n_labels.values())}, detections {sum(len(v) for v in dets.values())}")
    print(f"{'size':>8} {'labels':>7} {'recall':>7} {'precision':>9} {'false/frame':>11}")
    for cls in ["<4px", "4-10px", ">10px"]:
        n, t, f_ = n_labels[cls], tp[cls], fp[cls]
        rec = t / n if n else float("nan")
        prec = t / (t + f_) if t + f_ else float("nan")
        print(f"{cls:>8} {n:>7} {rec:>7.3f} {prec:>9.3f} {f_ / n_frames:>11.3f}")
    t, n, f_ = sum(tp.values()), sum(n_labels.values()), sum(fp.values())
    print(f"{'all':>8} {n:>7} {t / max(n, 1):>7.3f} {t / max(t + f_, 1):>9.3f} {f_ / n_frames:>11.3f}")
    if bearing_err:
        bearing_err.sort()
        rms = math.sqrt(sum(e * e for e in bearing_err) / len(bearing_err))
        med = bearing_err[len(bearing_err) // 2]
        print(f"bearing error: rms {rms:.4f} deg, median {med:+.4f} deg, n {len(bearing_err)}")
    if range_err:
        by_bin = defaultdict(list)
        for r, e in range_err:
            by_bin[int(r // 1000)].append(e / r)
        print("range error by truth range (relative): bin_km n median_rel rms_rel")
        for b in sorted(by_bin):
            es = sorted(by_bin[b])
            rms = math.sqrt(sum(e * e for e in es) / len(es))
            print(f"  {b:>2}-{b + 1:<2} km {len(es):>5} {es[len(es) // 2]:+.3f} {rms:.3f}")
    print("recall by truth range: bin_km labels recall")
    det_range = 0
    for b in sorted(range_bins):
        n, h = range_bins[b]
        print(f"  {b:>2}-{b + 1:<2} km {n:>6} {h / n:.3f}")
        if h / n >= 0.5:
            det_range = b + 1
    print(f"detection range (largest 1-km bin with recall >= 0.5): {det_range} km")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
