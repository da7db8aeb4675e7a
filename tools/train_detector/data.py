"""Training frames written by the Rust simulator, and the AGC that the Rust detector applies.

The dataset directory holds `index-*.jsonl` (one line per frame: file name, size, scene seed and
the renderer's exact target labels) and one raw little-endian uint16 file per frame. It is
written by `tools/train_detector/make_dataset.sh`, which renders frames with Seawarden's own
thermal renderer (`seawarden::sim::thermal::Renderer`), so training sees the same sea clutter,
whitecaps, glint, haze, coast lights and boats as the evaluation clips.
"""

import json
import os

import numpy as np

# Must match src/ingest/thermal/onnx/agc.rs (Agc::default()).
LOW_PERCENTILE = 0.5
HIGH_PERCENTILE = 99.9
MIN_SPAN_COUNTS = 64.0

# A label whose peak contrast (after haze and sub-pixel dilution) is below this many counts is
# not visible above the sensor noise (NETD 2-8 counts): it is neither a positive nor a negative.
MIN_VISIBLE_CONTRAST = 12.0


def agc_window(frame, low=LOW_PERCENTILE, high=HIGH_PERCENTILE):
    """(lo, span) exactly as the Rust AgcState::window: percentiles of every second pixel of
    every second row, the smallest value whose cumulative count reaches p% of the samples."""
    sub = np.sort(frame[::2, ::2].reshape(-1))
    n = sub.size

    def pct(p):
        target = max(int(np.ceil(p / 100.0 * n)), 1)
        return float(sub[target - 1])

    lo, hi = pct(low), pct(high)
    hi = max(hi, lo)
    if hi - lo < MIN_SPAN_COUNTS:
        mid = 0.5 * (lo + hi)
        lo, hi = mid - 0.5 * MIN_SPAN_COUNTS, mid + 0.5 * MIN_SPAN_COUNTS
    return lo, hi - lo


def normalise(frame, window):
    lo, span = window
    return np.clip((frame.astype(np.float32) - lo) / span, 0.0, 1.0)


class Dataset:
    """All frames of one dataset directory in memory (uint16), with their labels."""

    def __init__(self, root):
        self.root = root
        self.frames = []
        self.labels = []
        self.scenes = []
        # index-FIRST.jsonl per shard of make_dataset.sh (index.jsonl from older writers).
        lines = []
        for name in sorted(n for n in os.listdir(root) if n.startswith("index") and n.endswith(".jsonl")):
            with open(os.path.join(root, name)) as f:
                lines.extend(f)
        for line in lines:
            if not line.strip():
                continue
            rec = json.loads(line)
            w, h = rec["width"], rec["height"]
            px = np.fromfile(os.path.join(root, rec["file"]), dtype="<u2").reshape(h, w)
            self.frames.append(px)
            self.labels.append(rec["targets"])
            self.scenes.append(rec["scene"])
        self.windows = [agc_window(f) for f in self.frames]

    def __len__(self):
        return len(self.frames)

    def boxes(self, i):
        """(N, 5) float32: x0, y0, x1, y1, visible (1) or ignore (0)."""
        out = np.zeros((len(self.labels[i]), 5), np.float32)
        for k, t in enumerate(self.labels[i]):
            out[k] = (t["x"], t["y"], t["x"] + t["w"], t["y"] + t["h"], float(t["contrast"] >= MIN_VISIBLE_CONTRAST))
        return out
