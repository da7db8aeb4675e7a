"""Static int8 quantization of the exported float detector's stride-8/16 blocks (QDQ, standard ONNX).

    .cache/train-venv/bin/python tools/train_detector/quantize.py FLOAT.onnx OUT.onnx [--data DIR] [--frames N]

Why: the detector must keep up with 60 frames/s on one core (issue #5). On the deployment CPU
(AVX512-VNNI) onnxruntime runs the dense 3x3 convolutions at strides 8 and 16 (most of the model's
convolution time) about 3x faster in int8. The stride-2 and stride-4 parts are memory-bound (16
channels, many pixels): there int8 was measured slower than float (the extra
QuantizeLinear/DequantizeLinear passes, the slow int8 depthwise kernel), so they stay float.

What: onnxruntime.quantization.quantize_static, QDQ format (QuantizeLinear/DequantizeLinear pairs
around the original operators, so any ONNX runtime reads it and the input/output stay float32:
the Rust detector feeds it exactly as the float model), int8 weights per output channel, uint8
activations calibrated by min/max over N training frames normalised by the same
AGC as the Rust detector (data.py). Quantized: down3, p3, down4, p4, lat3, top3 (convolutions,
ReLU, residual adds) and the nearest upsampling from stride 16 to 8 (exact in uint8). Everything
else stays float, in particular the stem (a faint boat is a few hundredths above the sea in the
AGC'd input) and the output (one uint8 scale cannot hold box pixels and scores).

Three exact rewrites first (same function, float rounding aside):
  - the box head's Softplus → Relu(x) + Log(1 + Exp(-|x|)): onnxruntime's Softplus kernel is
    scalar (1 ms a 640x512 frame, the rewrite 0.3 ms);
  - lat2, a 1x1 conv over Concat(Upsample(top3), p2) → Upsample(Conv1x1(top3)) + Conv1x1(p2):
    no concatenation at stride 4, and the upsampling moves 48 → 16 channels;
  - lat3 the same way at stride 8 (no concatenation, the upsampling moves 48 channels instead of 96).
Calibration frames come from the training scenes only (scene index not a multiple of 10, as
train.py's validation split), evenly spaced, so the held-out and evaluation clips stay unseen.
"""

import argparse
import os
import sys
import tempfile

import numpy as np
import onnx
from onnxruntime.quantization import (
    CalibrationDataReader,
    CalibrationMethod,
    QuantFormat,
    QuantType,
    quantize_static,
)
from onnxruntime.quantization.shape_inference import quant_pre_process

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import Dataset, normalise  # noqa: E402

# What is quantized (see the module docstring), by the node names of model.py's export.
QUANTIZED_PREFIXES = ("/down3/", "/p3/", "/down4/", "/p4/", "/lat3/", "/top3/")
QUANTIZED_NODES = {"/Resize"}  # the nearest upsampling from stride 16 to 8
QUANTIZED_OPS = ["Conv", "Sigmoid", "Mul", "Add", "Concat", "Resize"]


def keep_float(graph):
    """Names of the nodes left in float: all but the quantized blocks."""
    return [
        n.name for n in graph.node if not (n.name.startswith(QUANTIZED_PREFIXES) or n.name in QUANTIZED_NODES)
    ]


def rewrite_softplus(model):
    """Softplus(x) → Relu(x) + Log(1 + Exp(-Abs(x))), in place (see the module docstring)."""
    g = model.graph
    one = "softplus_rewrite_one"
    g.initializer.append(onnx.helper.make_tensor(one, onnx.TensorProto.FLOAT, [], [1.0]))
    out = []
    for n in g.node:
        if n.op_type != "Softplus":
            out.append(n)
            continue
        (x,), (y,), p = n.input, n.output, n.name
        mk = onnx.helper.make_node
        out += [
            mk("Abs", [x], [p + "_abs"], name=p + "/Abs"),
            mk("Neg", [p + "_abs"], [p + "_neg"], name=p + "/Neg"),
            mk("Exp", [p + "_neg"], [p + "_exp"], name=p + "/Exp"),
            mk("Add", [p + "_exp", one], [p + "_1p"], name=p + "/Add1"),
            mk("Log", [p + "_1p"], [p + "_log"], name=p + "/Log"),
            mk("Relu", [x], [p + "_relu"], name=p + "/Relu"),
            mk("Add", [p + "_relu", p + "_log"], [y], name=p + "/Sum"),
        ]
    del g.node[:]
    g.node.extend(out)


def rewrite_lateral(model, resize="/Resize_1", concat="/Concat_1", conv="/lat2/conv/Conv"):
    """Conv1x1(Concat(Upsample(t), p)) → Upsample(Conv1x1(t, W_t)) + Conv1x1(p, W_p, b), in place.

    The same function (a 1x1 convolution commutes with nearest upsampling), without the
    concatenation and with the upsampling on the output channels instead of the input's.
    """
    g = model.graph
    nodes = {n.name: n for n in g.node}
    rs, cat, cv = nodes[resize], nodes[concat], nodes[conv]
    assert list(cat.input)[0] == rs.output[0] and cv.input[0] == cat.output[0], "not a BoatNet neck"
    init = {i.name: i for i in g.initializer}
    w = onnx.numpy_helper.to_array(init[cv.input[1]])
    shapes = onnx.shape_inference.infer_shapes(model)
    dims = {v.name: v.type.tensor_type.shape.dim for v in shapes.graph.value_info}
    c_up = dims[rs.input[0]][1].dim_value
    assert 0 < c_up < w.shape[1], f"upsampled channels {c_up} of {w.shape[1]}"
    w_up, w_lat = cv.input[1] + "_up", cv.input[1] + "_lateral"
    g.initializer.extend(
        [onnx.numpy_helper.from_array(w[:, :c_up].copy(), w_up), onnx.numpy_helper.from_array(w[:, c_up:].copy(), w_lat)]
    )
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in cv.attribute}
    mk = onnx.helper.make_node
    out = []
    for n in g.node:
        if n.name == resize:
            out.append(mk("Conv", [rs.input[0], w_up], [conv + "_up_output_0"], name=conv + "_up", **attrs))
            up = onnx.NodeProto()
            up.CopyFrom(n)
            up.input[0] = conv + "_up_output_0"
            out.append(up)
        elif n.name == concat:
            continue
        elif n.name == conv:
            lateral = [cat.input[1], w_lat] + list(cv.input[2:])
            out.append(mk("Conv", lateral, [conv + "_lateral_output_0"], name=conv, **attrs))
            out.append(mk("Add", [rs.output[0], conv + "_lateral_output_0"], [cv.output[0]], name=conv + "_sum"))
        else:
            out.append(n)
    del g.node[:]
    g.node.extend(out)
    del g.value_info[:]
    used = {i for n in g.node for i in n.input}
    kept = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(kept)


class Frames(CalibrationDataReader):
    def __init__(self, ds, indices, input_name):
        self.ds, self.it, self.name = ds, iter(indices), input_name

    def get_next(self):
        i = next(self.it, None)
        if i is None:
            return None
        return {self.name: normalise(self.ds.frames[i], self.ds.windows[i])[None, None].astype(np.float32)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "../../.cache/train-data"))
    ap.add_argument("--frames", type=int, default=16)
    args = ap.parse_args()

    ds = Dataset(args.data)
    train = [i for i in range(len(ds)) if ds.scenes[i] % 10 != 0]
    step = max(1, len(train) // args.frames)
    indices = train[::step][: args.frames]
    src = onnx.load(args.model)
    input_name = src.graph.input[0].name
    names = {node.name for node in src.graph.node}
    if not QUANTIZED_NODES <= names or "/stem/conv/Conv" not in names:
        sys.exit(f"{args.model}: not a BoatNet export (model.py): no nodes {sorted(QUANTIZED_NODES - names)}")
    with tempfile.TemporaryDirectory() as tmp:
        rewritten, pre = os.path.join(tmp, "rewritten.onnx"), os.path.join(tmp, "pre.onnx")
        model = onnx.load(args.model)
        rewrite_softplus(model)
        rewrite_lateral(model)
        rewrite_lateral(model, resize="/Resize", concat="/Concat", conv="/lat3/conv/Conv")
        onnx.save(model, rewritten)
        # Shape inference only: no onnxruntime-specific graph fusions in the shipped file.
        quant_pre_process(rewritten, pre, skip_optimization=True, skip_symbolic_shape=True)
        quantize_static(
            pre,
            args.out,
            Frames(ds, indices, input_name),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.MinMax,
            op_types_to_quantize=QUANTIZED_OPS,
            nodes_to_exclude=keep_float(model.graph),
            extra_options={},
        )
    # Keep the float model's metadata (names, imgsz, training settings) and say what was done.
    out = onnx.load(args.out)
    meta = {p.key: p.value for p in src.metadata_props}
    meta["quantization"] = (
        f"int8 QDQ (tools/train_detector/quantize.py): per-channel int8 weights, uint8 activations, "
        f"min/max on {len(indices)} training frames; int8: the stride-8/16 blocks, the rest float"
    )
    del out.metadata_props[:]
    for k, v in meta.items():
        out.metadata_props.add(key=k, value=v)
    out.producer_name, out.producer_version = src.producer_name, src.producer_version
    onnx.checker.check_model(out)
    onnx.save(out, args.out)
    domains = {n.domain for n in out.graph.node} - {""}
    print(f"{args.out}: {os.path.getsize(args.out) / 1e6:.2f} MB, calibrated on {len(indices)} frames, "
          f"ops {sorted({n.op_type for n in out.graph.node})}, custom domains {sorted(domains) or 'none'}")


if __name__ == "__main__":
    main()
