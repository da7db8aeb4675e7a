"""Writes the two malformed models the integration tests load (assets/models/testdata/):
wrong_output.onnx (input [1,1,32,32], output [1,4,256]: no class scores) and
wrong_input_rank.onnx (input [1,40,32], output [1,5,256]). A few hundred bytes each."""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

out = sys.argv[1] if len(sys.argv) > 1 else "assets/models/testdata"
os.makedirs(out, exist_ok=True)


def reshape_model(name, in_shape, out_shape):
    shape = helper.make_tensor("shape", TensorProto.INT64, [len(out_shape)], out_shape)
    node = helper.make_node("Reshape", ["images", "shape"], ["output0"])
    graph = helper.make_graph(
        [node],
        name,
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, in_shape)],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, out_shape)],
        initializer=[shape],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="seawarden-testdata")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, name + ".onnx"))


reshape_model("wrong_output", [1, 1, 32, 32], [1, 4, 256])
reshape_model("wrong_input_rank", [1, 40, 32], [1, 5, 256])
