"""Train BoatNet on Seawarden's synthetic thermal frames and export it to ONNX.

    python tools/train_detector/train.py --data .cache/train-data --out assets/models/seawarden-ir-boat.onnx

Reproducible: every random choice comes from --seed (crops, flips, AGC jitter, initial weights),
torch runs deterministic single-process CPU kernels, and the data are rendered deterministically
by make_dataset.sh. Scenes whose index is a multiple of 10 are held out for validation.
"""

import argparse
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

from data import MIN_VISIBLE_CONTRAST, Dataset, normalise
from model import STRIDE, BoatNet

CLASSES = ["boat"]


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=20260)
    p.add_argument("--steps", type=int, default=4800)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--crop", type=int, default=128)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--threads", type=int, default=1, help="torch threads; 1 is fastest on a shared 2-core machine")
    p.add_argument("--arch", default="{}", help="BoatNet keyword arguments as JSON (experiments; the default is the shipped architecture)")
    p.add_argument("--max-minutes", type=float, default=0.0, help="stop early after this long (0: no limit)")
    return p.parse_args()


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


class Sampler:
    """Random training crops: 60 % centred near a visible boat, 40 % anywhere (hard negatives:
    whitecaps, glint, coast lights, land edges)."""

    def __init__(self, ds, indices, crop, rng):
        self.ds, self.indices, self.crop, self.rng = ds, indices, crop, rng
        self.targets = [(i, k) for i in indices for k, b in enumerate(ds.boxes(i)) if b[4] > 0]

    def sample(self, batch):
        c = self.crop
        imgs = np.zeros((batch, 1, c, c), np.float32)
        boxes = []
        for b in range(batch):
            if self.targets and self.rng.random() < 0.6:
                i, k = self.targets[self.rng.integers(len(self.targets))]
                bx = self.ds.boxes(i)[k]
                cx = 0.5 * (bx[0] + bx[2]) + self.rng.uniform(-0.4, 0.4) * c
                cy = 0.5 * (bx[1] + bx[3]) + self.rng.uniform(-0.4, 0.4) * c
            else:
                i = self.indices[self.rng.integers(len(self.indices))]
                h, w = self.ds.frames[i].shape
                cx, cy = self.rng.uniform(0, w), self.rng.uniform(0, h)
            frame = self.ds.frames[i]
            h, w = frame.shape
            x0 = int(np.clip(round(cx - c / 2), 0, w - c))
            y0 = int(np.clip(round(cy - c / 2), 0, h - c))
            lo, span = self.ds.windows[i]
            # AGC jitter: other cameras and other AGC settings stretch the same scene differently.
            lo = lo + self.rng.normal(0, 0.03) * span
            span = span * math.exp(self.rng.normal(0, 0.25))
            img = normalise(frame[y0 : y0 + c, x0 : x0 + c], (lo, span))
            bxs = self.ds.boxes(i).copy()
            bxs[:, [0, 2]] -= x0
            bxs[:, [1, 3]] -= y0
            # Boxes cut by the crop edge: keep if mostly inside, else ignore.
            area = (bxs[:, 2] - bxs[:, 0]) * (bxs[:, 3] - bxs[:, 1])
            cl = bxs.copy()
            cl[:, [0, 2]] = cl[:, [0, 2]].clip(0, c)
            cl[:, [1, 3]] = cl[:, [1, 3]].clip(0, c)
            inside = (cl[:, 2] - cl[:, 0]).clip(0) * (cl[:, 3] - cl[:, 1]).clip(0)
            keep = inside > 0
            cl[:, 4] = np.where(inside >= 0.6 * area, cl[:, 4], 0.0)
            cl = cl[keep]
            if self.rng.random() < 0.5:
                img = img[:, ::-1]
                cl[:, [0, 2]] = c - cl[:, [2, 0]]
            imgs[b, 0] = img
            boxes.append(torch.from_numpy(np.ascontiguousarray(cl)))
        return torch.from_numpy(imgs), boxes


def assign(boxes, h, w):
    """Per grid cell (h × w, stride 4): target box index or -1, and a mask of cells to ignore.

    A cell is positive for a visible box when its centre lies inside the box widened to at least
    ±2 px and within 2.5 cells of the box centre (centre sampling), and the cell nearest the
    centre always is; a cell claimed by several boxes goes to the smallest. Cells that would be
    positive for a box too faint to see are ignored, neither positive nor negative.
    """
    gy = (torch.arange(h) + 0.5) * STRIDE
    gx = (torch.arange(w) + 0.5) * STRIDE
    gy, gx = torch.meshgrid(gy, gx, indexing="ij")
    target = torch.full((h, w), -1, dtype=torch.long)
    best_area = torch.full((h, w), float("inf"))
    ignore = torch.zeros((h, w), dtype=torch.bool)
    for k, (x0, y0, x1, y1, vis) in enumerate(boxes.tolist()):
        cx, cy, bw, bh = 0.5 * (x0 + x1), 0.5 * (y0 + y1), x1 - x0, y1 - y0
        rx, ry = max(bw / 2, 2.0), max(bh / 2, 2.0)
        m = ((gx - cx).abs() <= rx) & ((gy - cy).abs() <= ry)
        m &= ((gx - cx).abs() <= 2.5 * STRIDE) & ((gy - cy).abs() <= 2.5 * STRIDE)
        iy = int(min(max(cy // STRIDE, 0), h - 1))
        ix = int(min(max(cx // STRIDE, 0), w - 1))
        m[iy, ix] = True
        if vis <= 0:
            ignore |= m
            continue
        area = bw * bh
        claim = m & (area < best_area)
        target[claim] = k
        best_area[claim] = area
    ignore &= target < 0
    return target, ignore


def giou(a, b):
    """Generalised IoU of (N, 4) boxes x0, y0, x1, y1."""
    ix0, iy0 = torch.max(a[:, 0], b[:, 0]), torch.max(a[:, 1], b[:, 1])
    ix1, iy1 = torch.min(a[:, 2], b[:, 2]), torch.min(a[:, 3], b[:, 3])
    inter = (ix1 - ix0).clamp(min=0) * (iy1 - iy0).clamp(min=0)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a + area_b - inter + 1e-7
    iou = inter / union
    cx0, cy0 = torch.min(a[:, 0], b[:, 0]), torch.min(a[:, 1], b[:, 1])
    cx1, cy1 = torch.max(a[:, 2], b[:, 2]), torch.max(a[:, 3], b[:, 3])
    hull = (cx1 - cx0) * (cy1 - cy0) + 1e-7
    return iou - (hull - union) / hull, iou


def loss_fn(model, imgs, boxes):
    ltrb, logits = model.raw(imgs)
    b, _, h, w = ltrb.shape
    gy = (torch.arange(h) + 0.5) * STRIDE
    gx = (torch.arange(w) + 0.5) * STRIDE
    gy, gx = torch.meshgrid(gy, gx, indexing="ij")
    cls_t = torch.zeros_like(logits)
    weight = torch.ones_like(logits)
    pred_boxes, gt_boxes = [], []
    for i in range(b):
        target, ignore = assign(boxes[i], h, w)
        pos = target >= 0
        weight[i, :, ignore] = 0.0
        if pos.any():
            cls_t[i, 0, pos] = 1.0
            t = boxes[i][target[pos]][:, :4]
            l, tp, r, bt = ltrb[i, 0][pos], ltrb[i, 1][pos], ltrb[i, 2][pos], ltrb[i, 3][pos]
            px, py = gx[pos], gy[pos]
            pred_boxes.append(torch.stack([px - l, py - tp, px + r, py + bt], 1))
            gt_boxes.append(t)
    n_pos = max(sum(len(p) for p in pred_boxes), 1)
    # Focal loss (Lin et al. 2017), alpha 0.25, gamma 2.
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, cls_t, reduction="none")
    p_t = p * cls_t + (1 - p) * (1 - cls_t)
    alpha = 0.25 * cls_t + 0.75 * (1 - cls_t)
    cls_loss = (alpha * (1 - p_t) ** 2 * ce * weight).sum() / n_pos
    if pred_boxes:
        g, _ = giou(torch.cat(pred_boxes), torch.cat(gt_boxes))
        box_loss = (1 - g).sum() / n_pos
    else:
        box_loss = logits.sum() * 0.0
    return cls_loss + 2.0 * box_loss, cls_loss.item(), box_loss.item()


def nms(boxes, scores, thr=0.45):
    order = np.argsort(-scores)
    keep = []
    while order.size:
        i = order[0]
        keep.append(i)
        xx0 = np.maximum(boxes[i, 0], boxes[order[1:], 0])
        yy0 = np.maximum(boxes[i, 1], boxes[order[1:], 1])
        xx1 = np.minimum(boxes[i, 2], boxes[order[1:], 2])
        yy1 = np.minimum(boxes[i, 3], boxes[order[1:], 3])
        inter = (xx1 - xx0).clip(0) * (yy1 - yy0).clip(0)
        area = lambda b: (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
        iou = inter / (area(boxes[i]) + area(boxes[order[1:]]) - inter + 1e-9)
        order = order[1:][iou <= thr]
    return keep


def evaluate(model, ds, indices, thresholds=(0.25, 0.35, 0.5)):
    """Precision / recall on whole held-out frames, matched as tools/thermal/score.py does."""
    model.eval()
    stats = {t: [0, 0, 0, 0] for t in thresholds}  # tp, dets, found, labels
    by_size = {t: [[0, 0] for _ in range(4)] for t in thresholds}  # per size class, then visible: found, labels
    with torch.no_grad():
        for i in indices:
            img = torch.from_numpy(normalise(ds.frames[i], ds.windows[i]))[None, None]
            out = model(img)[0].numpy()  # (5, N)
            labels = ds.labels[i]
            for t in thresholds:
                sel = out[4] >= t
                cx, cy, bw, bh = out[0, sel], out[1, sel], out[2, sel], out[3, sel]
                bx = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], 1)
                keep = nms(bx, out[4, sel]) if sel.any() else []
                dets = bx[keep]
                used = np.zeros(len(dets), bool)
                s = stats[t]
                for lab in labels:
                    lx, ly = lab["x"] + lab["w"] / 2, lab["y"] + lab["h"] / 2
                    gate = max(3.0, 0.5 * max(lab["w"], lab["h"]))
                    s[3] += 1
                    size = by_size[t][0 if max(lab["w"], lab["h"]) < 4 else 1 if max(lab["w"], lab["h"]) <= 10 else 2]
                    size[1] += 1
                    vis = by_size[t][3] if lab["contrast"] >= MIN_VISIBLE_CONTRAST else [0, 0]
                    vis[1] += 1
                    if len(dets) == 0:
                        continue
                    d = np.hypot((dets[:, 0] + dets[:, 2]) / 2 - lx, (dets[:, 1] + dets[:, 3]) / 2 - ly)
                    d[used] = np.inf
                    j = int(np.argmin(d))
                    if d[j] <= gate:
                        used[j] = True
                        s[0] += 1
                        s[2] += 1
                        size[0] += 1
                        vis[0] += 1
                s[1] += len(dets)
    model.train()
    return {
        t: (s[0] / max(s[1], 1), s[2] / max(s[3], 1), (s[1] - s[0]) / max(len(indices), 1), [f / max(n, 1) for f, n in by_size[t]], s[3])
        for t, s in stats.items()
    }


def export(model, path, meta):
    model.eval()
    x = torch.zeros(1, 1, 512, 640)
    torch.onnx.export(
        model,
        (x,),
        path,
        input_names=["images"],
        output_names=["output0"],
        opset_version=17,
        dynamic_axes={"images": {2: "height", 3: "width"}, "output0": {2: "anchors"}},
        dynamo=False,
    )
    import onnx

    m = onnx.load(path)
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    m.producer_name = "seawarden tools/train_detector"
    onnx.checker.check_model(m)
    onnx.save(m, path)


def main():
    args = parse_args()
    seed_everything(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    t_load = time.time()
    ds = Dataset(args.data)
    val = [i for i in range(len(ds)) if ds.scenes[i] % 10 == 0]
    train = [i for i in range(len(ds)) if ds.scenes[i] % 10 != 0]
    n_labels = sum(len(ds.labels[i]) for i in train)
    print(f"{len(ds)} frames ({len(train)} train, {len(val)} val), {n_labels} train labels, loaded in {time.time() - t_load:.0f} s", flush=True)
    sampler = Sampler(ds, train, args.crop, rng)
    # channels_last: PyTorch's CPU depthwise kernels are several times faster in it.
    arch = json.loads(args.arch)
    model = BoatNet(classes=len(CLASSES), **arch).to(memory_format=torch.channels_last)
    ema = BoatNet(classes=len(CLASSES), **arch)
    ema.load_state_dict(model.state_dict())
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    warmup = 100
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(s, args.steps) / args.steps))
    )
    start = time.time()
    steps_done = 0
    for step in range(args.steps):
        imgs, boxes = sampler.sample(args.batch)
        loss, lc, lb = loss_fn(model, imgs.to(memory_format=torch.channels_last), boxes)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        sched.step()
        d = 0.998 * (1 - math.exp(-(step + 1) / 200))
        with torch.no_grad():
            for pe, pm in zip(ema.state_dict().values(), model.state_dict().values()):
                if pe.dtype.is_floating_point:
                    pe.mul_(d).add_(pm.detach(), alpha=1 - d)
                else:
                    pe.copy_(pm)
        steps_done = step + 1
        if step % 50 == 0:
            el = time.time() - start
            print(f"step {step:5d} loss {loss.item():.4f} (cls {lc:.4f} box {lb:.4f}) lr {sched.get_last_lr()[0]:.2e} {el:.0f} s", flush=True)
        if args.max_minutes and time.time() - start > 60 * args.max_minutes:
            print(f"stopping at step {step + 1}: --max-minutes reached", flush=True)
            break
    train_s = time.time() - start
    res = evaluate(ema, ds, val)
    for t, (p, r, fa, rs, n) in res.items():
        print(
            f"val ≥ {t}: precision {p:.3f} recall {r:.3f} (<4 px {rs[0]:.3f}, 4-10 px {rs[1]:.3f}, >10 px {rs[2]:.3f}; visible {rs[3]:.3f}; {n} labels) "
            f"false alarms/frame {fa:.3f}",
            flush=True,
        )
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    meta = {
        "names": "{0: 'boat'}",
        "stride": "32",
        "task": "detect",
        "imgsz": "[512, 640]",
        "normalisation": "16-bit: percentile AGC p0.5..p99.9 to [0,1] (src/ingest/thermal/onnx/agc.rs); 8-bit: /255",
        "description": "Seawarden small-boat detector for thermal sea surveillance (synthetic training data)",
        "train": json.dumps({"seed": args.seed, "steps": steps_done, "batch": args.batch, "crop": args.crop, "lr": args.lr}),
    }
    torch.save(ema.state_dict(), os.path.splitext(args.out)[0] + ".pt.tmp")
    export(ema, args.out, meta)
    os.remove(os.path.splitext(args.out)[0] + ".pt.tmp")
    # The exported graph must agree with PyTorch.
    import onnxruntime as ort

    sess = ort.InferenceSession(args.out, providers=["CPUExecutionProvider"])
    x = torch.from_numpy(normalise(ds.frames[val[0]], ds.windows[val[0]]))[None, None]
    ref = ema(x).detach().numpy()
    got = sess.run(None, {"images": x.numpy()})[0]
    print(f"onnx vs torch max abs diff {np.abs(ref - got).max():.2e}; {os.path.getsize(args.out)} bytes; trained {train_s / 60:.1f} min", flush=True)
    summary = {
        "val": {
            str(t): {"precision": p, "recall": r, "recall_by_size": {"<4": rs[0], "4-10": rs[1], ">10": rs[2]}, "recall_visible": rs[3], "labels": n, "false_alarms_per_frame": fa}
            for t, (p, r, fa, rs, n) in res.items()
        },
        "steps": steps_done,
        "train_minutes": train_s / 60,
        "frames": {"train": len(train), "val": len(val)},
    }
    with open(os.path.splitext(args.out)[0] + ".train.json", "w") as f:
        json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
