"""A compact anchor-free YOLO-style detector for small hot boats in thermal frames.

Backbone strides 2-4-8-16, a top-down neck back to stride 4 (P2: a boat of two pixels still
owns a grid cell of its own), and one head at stride 4. The exported graph ends the
way Ultralytics YOLOv8/YOLO11 exports do: one output [1, 4 + C, N] with, per anchor, the box
centre and size in input pixels and the sigmoid class scores, N = (H / 4) * (W / 4). Input is
[1, 1, H, W] grey in [0, 1] (H and W free, multiples of 16).

Shaped for onnxruntime's CPU kernels (issue #5: 60 frames/s with decoding on two cores): ReLU,
which onnxruntime fuses into the convolution (SiLU cost a separate pass over every activation);
16 channels at strides 2 and 4 (one 16-float NCHWc block: 24 channels are padded to 32 and cost
as much); residual blocks whose last convolution is linear, so the residual add fuses into it;
one shared depthwise-separable head for boxes and scores. The options reproduce the candidates
measured in assets/models/MODEL.md; the defaults are the shipped model.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

STRIDE = 4


def make_act(act):
    """The activation module for a name: "relu" (shipped), "silu" (the first model) or "none"."""
    return {"silu": nn.SiLU, "relu": nn.ReLU, "none": nn.Identity}[act]()


class Conv(nn.Module):
    def __init__(self, c_in, c_out, k=3, s=1, groups=1, act="silu", pad=None):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, k, s, k // 2 if pad is None else pad, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(c_out)
        self.act = make_act(act)

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class DwSep(nn.Module):
    """Depthwise 3x3 + pointwise 1x1: cheap at the high-resolution levels."""

    def __init__(self, c_in, c_out, act="silu", last_act=None):
        super().__init__()
        self.dw = Conv(c_in, c_in, 3, 1, groups=c_in, act=act)
        self.pw = Conv(c_in, c_out, 1, act=act if last_act is None else last_act)

    def forward(self, x):
        return self.pw(self.dw(x))


class Res(nn.Module):
    def __init__(self, c, n=2, dw=False, act="silu", linear=False):
        super().__init__()
        blocks = []
        for i in range(n):
            last = "none" if linear and i == n - 1 else act
            blocks.append(DwSep(c, c, act=act, last_act=last) if dw else Conv(c, c, 3, act=last))
        self.m = nn.Sequential(*blocks)

    def forward(self, x):
        return x + self.m(x)


class BoatNet(nn.Module):
    """stem: "conv" (3x3 s2 + 3x3 s2, shipped), "patch22" (2x2 s2 twice) or "patch4" (one 4x4 s4 conv);
    width: channels at strides 2, 4, 8, 16 (patch4 has no stride-2 level); linear_res: no activation
    after a residual block's last convolution; shared_head: one DwSep + 1x1 for boxes and scores.
    """

    def __init__(self, classes=1, width=(16, 16, 48, 96), act="relu", linear_res=True, stem="conv", shared_head=True):
        super().__init__()
        c1, c2, c3, c4 = width
        self.classes = classes
        self.shared_head = shared_head
        a, lin = act, linear_res
        if stem == "conv":
            self.stem = Conv(1, c1, 3, 2, act=a)  # /2
            self.down2 = Conv(c1, c2, 3, 2, act=a)  # /4
        elif stem == "patch22":
            self.stem = Conv(1, c1, 2, 2, act=a, pad=0)  # /2
            self.down2 = Conv(c1, c2, 2, 2, act=a, pad=0)  # /4
        elif stem == "patch4":
            self.stem = Conv(1, c2, 4, 4, act=a, pad=0)  # /4
            self.down2 = nn.Identity()
        else:
            raise ValueError(stem)
        self.p2 = Res(c2, 1, dw=True, act=a, linear=lin)
        self.down3 = Conv(c2, c3, 3, 2, act=a)  # /8
        self.p3 = Res(c3, 2, act=a, linear=lin)
        self.down4 = Conv(c3, c4, 3, 2, act=a)  # /16
        self.p4 = Res(c4, 2, act=a, linear=lin)
        self.lat3 = Conv(c4 + c3, c3, 1, act=a)
        self.top3 = Res(c3, 1, act=a, linear=lin)
        self.lat2 = Conv(c3 + c2, c2, 1, act=a)
        self.top2 = Res(c2, 1, dw=True, act=a, linear=lin)
        if shared_head:
            self.head = DwSep(c2, c2, act=a)
            self.out = nn.Conv2d(c2, 4 + classes, 1)
            nn.init.constant_(self.out.bias, 0.0)
            with torch.no_grad():
                self.out.bias[4:] = -4.6
        else:
            self.box = nn.Sequential(DwSep(c2, c2, act=a), nn.Conv2d(c2, 4, 1))
            self.cls = nn.Sequential(DwSep(c2, c2, act=a), nn.Conv2d(c2, classes, 1))
            # Rare positives: start the class logits near p = 0.01 (RetinaNet's prior).
            nn.init.constant_(self.cls[-1].bias, -4.6)
            nn.init.constant_(self.box[-1].bias, 0.0)

    def features(self, x):
        x = self.stem(x)
        p2 = self.p2(self.down2(x))
        p3 = self.p3(self.down3(p2))
        p4 = self.p4(self.down4(p3))
        t3 = self.top3(self.lat3(torch.cat([F.interpolate(p4, scale_factor=2.0, mode="nearest"), p3], 1)))
        t2 = self.top2(self.lat2(torch.cat([F.interpolate(t3, scale_factor=2.0, mode="nearest"), p2], 1)))
        return t2

    def raw(self, x):
        """Training outputs: box distances (B, 4, h, w) in pixels (l, t, r, b) and class logits."""
        f = self.features(x)
        if self.shared_head:
            o = self.out(self.head(f))
            return F.softplus(o[:, :4]) * STRIDE, o[:, 4:]
        ltrb = F.softplus(self.box(f)) * STRIDE
        return ltrb, self.cls(f)

    def forward(self, x):
        """Export: [B, 4 + C, N] with cx, cy, w, h in input pixels and sigmoid scores."""
        ltrb, logits = self.raw(x)
        b, _, h, w = ltrb.shape
        ys = (torch.arange(h, dtype=x.dtype, device=x.device) + 0.5) * STRIDE
        xs = (torch.arange(w, dtype=x.dtype, device=x.device) + 0.5) * STRIDE
        gy = ys.view(1, h, 1).expand(1, h, w)
        gx = xs.view(1, 1, w).expand(1, h, w)
        l, t, r, bt = ltrb[:, 0], ltrb[:, 1], ltrb[:, 2], ltrb[:, 3]
        x0, y0, x1, y1 = gx - l, gy - t, gx + r, gy + bt
        box = torch.stack([(x0 + x1) * 0.5, (y0 + y1) * 0.5, x1 - x0, y1 - y0], 1)
        out = torch.cat([box, torch.sigmoid(logits)], 1)
        return out.flatten(2)


def anchor_centres(h, w, device=None):
    ys = (torch.arange(h, device=device) + 0.5) * STRIDE
    xs = (torch.arange(w, device=device) + 0.5) * STRIDE
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    return gx, gy
