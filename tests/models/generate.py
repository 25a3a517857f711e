#!/usr/bin/python3
"""Builds the sidecar's test models with onnx.helper and computes their reference outputs with numpy.

Run with Debian's python3-onnx: `/usr/bin/python3 tests/models/generate.py`. Output is deterministic (fixed
seed), so regenerating leaves the committed files unchanged.

Weights and inputs are small multiples of powers of two, so every product and partial sum of the linear
layers is exactly representable in float32: numpy, ONNX Runtime, batched and unbatched runs must then agree
bit for bit whatever order they sum in. Only Softmax (exp) is compared with a tolerance.
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = [helper.make_opsetid("", 13)]
rng = np.random.default_rng(20241122)


def dyadic(shape, scale=8, lo=-8, hi=8):
    return (rng.integers(lo, hi + 1, size=shape) / scale).astype(np.float32)


def save(model, name):
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name + ".onnx"))


def encode(array):
    """One tensor as JSON: KServe datatype name, shape, flat data."""
    kinds = {
        np.float32: "FP32", np.float64: "FP64", np.float16: "FP16", np.int8: "INT8", np.int16: "INT16",
        np.int32: "INT32", np.int64: "INT64", np.uint8: "UINT8", np.uint16: "UINT16", np.uint32: "UINT32",
        np.uint64: "UINT64", np.bool_: "BOOL", np.object_: "BYTES",
    }
    datatype = kinds[array.dtype.type]
    flat = array.reshape(-1)
    if datatype == "BYTES":
        data = [s.decode("utf-8") if isinstance(s, bytes) else s for s in flat]
    elif datatype == "BOOL":
        data = [bool(v) for v in flat]
    elif datatype.startswith("FP"):
        data = [float(v) for v in flat]  # float32/float16 -> exact double
    else:
        data = [int(v) for v in flat]
    return {"datatype": datatype, "shape": list(array.shape), "data": data}


def write_reference(name, inputs, outputs):
    doc = {"inputs": {k: encode(v) for k, v in inputs.items()}, "outputs": {k: encode(v) for k, v in outputs.items()}}
    with open(os.path.join(HERE, name + ".reference.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def mlp():
    w1, b1 = dyadic((16, 32)), dyadic((32,))
    w2, b2 = dyadic((32, 4)), dyadic((4,))
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["input", "w1"], ["h0"]),
            helper.make_node("Add", ["h0", "b1"], ["h1"]),
            helper.make_node("Relu", ["h1"], ["h2"]),
            helper.make_node("MatMul", ["h2", "w2"], ["h3"]),
            helper.make_node("Add", ["h3", "b2"], ["logits"]),
            helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
        ],
        "mlp",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 16])],
        [
            helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 4]),
            helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 4]),
        ],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(b1, "b1"),
         numpy_helper.from_array(w2, "w2"), numpy_helper.from_array(b2, "b2")],
    )
    save(helper.make_model(graph, opset_imports=OPSET, producer_name="mloperator-tests"), "mlp")
    x = dyadic((3, 16), scale=16)
    logits = (np.maximum(x @ w1 + b1, 0) @ w2 + b2).astype(np.float32)
    write_reference("mlp", {"input": x}, {"logits": logits, "probabilities": softmax(logits)})


def conv2d_same(x, w, b):
    n, c, h, wd = x.shape
    k = w.shape[0]
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros((n, k, h, wd), dtype=x.dtype)
    for i in range(h):
        for j in range(wd):
            patch = padded[:, :, i:i + 3, j:j + 3].reshape(n, -1)
            out[:, :, i, j] = patch @ w.reshape(k, -1).T
    return out + b.reshape(1, k, 1, 1)


def cnn():
    wc, bc = dyadic((8, 1, 3, 3)), dyadic((8,))
    wd, bd = dyadic((8 * 8 * 8, 10), scale=16), dyadic((10,))
    graph = helper.make_graph(
        [
            helper.make_node("Conv", ["image", "wc", "bc"], ["c0"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
            helper.make_node("Relu", ["c0"], ["c1"]),
            helper.make_node("MaxPool", ["c1"], ["c2"], kernel_shape=[2, 2], strides=[2, 2]),
            helper.make_node("Flatten", ["c2"], ["c3"], axis=1),
            helper.make_node("MatMul", ["c3", "wd"], ["c4"]),
            helper.make_node("Add", ["c4", "bd"], ["scores"]),
        ],
        "cnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 1, 16, 16])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["batch", 10])],
        [numpy_helper.from_array(wc, "wc"), numpy_helper.from_array(bc, "bc"),
         numpy_helper.from_array(wd, "wd"), numpy_helper.from_array(bd, "bd")],
    )
    save(helper.make_model(graph, opset_imports=OPSET, producer_name="mloperator-tests"), "cnn")
    x = dyadic((2, 1, 16, 16), scale=16)
    c = np.maximum(conv2d_same(x, wc, bc), 0)
    pooled = c.reshape(2, 8, 8, 2, 8, 2).max(axis=(3, 5))
    scores = (pooled.reshape(2, -1) @ wd + bd).astype(np.float32)
    write_reference("cnn", {"image": x}, {"scores": scores})


def multi_io():
    graph = helper.make_graph(
        [
            helper.make_node("Add", ["x", "y"], ["sum"]),
            helper.make_node("Mul", ["x", "y"], ["product"]),
            helper.make_node("Cast", ["x"], ["x_double"], to=TensorProto.DOUBLE),
            helper.make_node("Cast", ["x"], ["x_half"], to=TensorProto.FLOAT16),
            helper.make_node("Mul", ["k", "two"], ["k_doubled"]),
        ],
        "multi_io",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4]),
            helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4]),
            helper.make_tensor_value_info("k", TensorProto.INT32, ["batch", 2]),
        ],
        [
            helper.make_tensor_value_info("sum", TensorProto.FLOAT, ["batch", 4]),
            helper.make_tensor_value_info("product", TensorProto.FLOAT, ["batch", 4]),
            helper.make_tensor_value_info("x_double", TensorProto.DOUBLE, ["batch", 4]),
            helper.make_tensor_value_info("x_half", TensorProto.FLOAT16, ["batch", 4]),
            helper.make_tensor_value_info("k_doubled", TensorProto.INT32, ["batch", 2]),
        ],
        [numpy_helper.from_array(np.array([2], dtype=np.int32), "two")],
    )
    save(helper.make_model(graph, opset_imports=OPSET, producer_name="mloperator-tests"), "multi_io")
    x, y = dyadic((2, 4), scale=4), dyadic((2, 4), scale=4)
    k = rng.integers(-1000, 1000, size=(2, 2)).astype(np.int32)
    write_reference("multi_io", {"x": x, "y": y, "k": k}, {
        "sum": x + y, "product": x * y, "x_double": x.astype(np.float64), "x_half": x.astype(np.float16),
        "k_doubled": k * 2})


# Every element type the sidecar accepts, one pass-through (or trivial op) each.
TYPES = [
    ("f32", TensorProto.FLOAT, np.float32), ("f64", TensorProto.DOUBLE, np.float64),
    ("f16", TensorProto.FLOAT16, np.float16), ("i8", TensorProto.INT8, np.int8),
    ("i16", TensorProto.INT16, np.int16), ("i32", TensorProto.INT32, np.int32),
    ("u8", TensorProto.UINT8, np.uint8), ("u16", TensorProto.UINT16, np.uint16),
    ("u32", TensorProto.UINT32, np.uint32), ("u64", TensorProto.UINT64, np.uint64),
]


def types():
    nodes = [helper.make_node("Mul", ["i64", "three"], ["i64_tripled"]),
             helper.make_node("Not", ["flag"], ["flag_negated"]),
             helper.make_node("Identity", ["text"], ["text_echo"])]
    inputs = [helper.make_tensor_value_info("i64", TensorProto.INT64, ["batch", 3]),
              helper.make_tensor_value_info("flag", TensorProto.BOOL, ["batch", 3]),
              helper.make_tensor_value_info("text", TensorProto.STRING, ["batch", 3])]
    outputs = [helper.make_tensor_value_info("i64_tripled", TensorProto.INT64, ["batch", 3]),
               helper.make_tensor_value_info("flag_negated", TensorProto.BOOL, ["batch", 3]),
               helper.make_tensor_value_info("text_echo", TensorProto.STRING, ["batch", 3])]
    for name, proto, _ in TYPES:
        nodes.append(helper.make_node("Identity", [name], [name + "_echo"]))
        inputs.append(helper.make_tensor_value_info(name, proto, ["batch", 3]))
        outputs.append(helper.make_tensor_value_info(name + "_echo", proto, ["batch", 3]))
    graph = helper.make_graph(nodes, "types", inputs, outputs,
                              [numpy_helper.from_array(np.array([3], dtype=np.int64), "three")])
    save(helper.make_model(graph, opset_imports=OPSET, producer_name="mloperator-tests"), "types")
    feeds = {
        "i64": np.array([[1, -2, 3_000_000_000_000], [-(2 ** 40), 0, 7]], dtype=np.int64),
        "flag": np.array([[True, False, True], [False, False, True]]),
        "text": np.array([["héllo", "", "wörld"], ["a b", "ünïcode ✓", "z"]], dtype=object),
    }
    extremes = {
        np.float32: [1.5, -0.25, 3.4e38], np.float64: [1e-300, -2.5, 1.7976931348623157e308],
        np.float16: [0.5, -1024.0, 65504.0], np.int8: [-128, 0, 127], np.int16: [-32768, 1, 32767],
        np.int32: [-(2 ** 31), 2, 2 ** 31 - 1], np.uint8: [0, 128, 255], np.uint16: [0, 1, 65535],
        np.uint32: [0, 7, 2 ** 32 - 1], np.uint64: [0, 9, 2 ** 64 - 1],
    }
    for name, _, dtype in TYPES:
        row = extremes[dtype]
        feeds[name] = np.array([row, list(reversed(row))], dtype=dtype)
    results = {"i64_tripled": feeds["i64"] * 3, "flag_negated": ~feeds["flag"], "text_echo": feeds["text"]}
    for name, _, _ in TYPES:
        results[name + "_echo"] = feeds[name]
    write_reference("types", feeds, results)


def quantised(name, values, scale, tile=1):
    """An int8 initializer and the nodes that turn it into float32 (ORT constant-folds them at load), so a
    large weight matrix costs little repository space: a quarter, and 1/tile more when its columns repeat."""
    q = numpy_helper.from_array(values.astype(np.int8), name + "_q")
    s = numpy_helper.from_array(np.array(1.0 / scale, dtype=np.float32), name + "_s")
    scaled = name if tile == 1 else name + "_m"
    nodes = [helper.make_node("Cast", [name + "_q"], [name + "_f"], to=TensorProto.FLOAT),
             helper.make_node("Mul", [name + "_f", name + "_s"], [scaled])]
    inits = [q, s]
    if tile > 1:
        inits.append(numpy_helper.from_array(np.array([1, tile], dtype=np.int64), name + "_t"))
        nodes.append(helper.make_node("Tile", [scaled, name + "_t"], [name]))
    return nodes, inits, np.tile(values.astype(np.float64) / scale, (1, tile))


def cnn_bench():
    """Benchmark-only CNN (not used by the behaviour tests): a VGG-style conv stem and a dense head.
    Batch 1 costs milliseconds, mostly streaming the 16M-weight (64 MB) dense layer from memory; a batch reads
    those weights once for all its rows, which is what makes dynamic batching pay off on such models."""
    bench_rng = np.random.default_rng(7)

    def ints(shape):
        return bench_rng.integers(-8, 9, size=shape)

    nodes, inits, w = [], [], {}
    for name, shape, scale, tile in [("wc1", (16, 3, 3, 3), 8, 1), ("bc1", (16,), 8, 1), ("wc2", (64, 16, 3, 3), 32, 1),
                                     ("bc2", (64,), 8, 1), ("wd1", (4096, 512), 256, 8), ("bd1", (4096,), 8, 1),
                                     ("wd2", (4096, 10), 128, 1), ("bd2", (10,), 8, 1)]:
        n, i, v = quantised(name, ints(shape), scale, tile)
        nodes += n
        inits += i
        w[name] = v
    nodes += [
        helper.make_node("Conv", ["image", "wc1", "bc1"], ["a0"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["a0"], ["a1"]),
        helper.make_node("MaxPool", ["a1"], ["a2"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["a2", "wc2", "bc2"], ["a3"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["a3"], ["a4"]),
        helper.make_node("MaxPool", ["a4"], ["a5"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["a5"], ["a6"], axis=1),
        helper.make_node("MatMul", ["a6", "wd1"], ["a7"]),
        helper.make_node("Add", ["a7", "bd1"], ["a8"]),
        helper.make_node("Relu", ["a8"], ["a9"]),
        helper.make_node("MatMul", ["a9", "wd2"], ["a10"]),
        helper.make_node("Add", ["a10", "bd2"], ["scores"]),
    ]
    graph = helper.make_graph(
        nodes, "cnn_bench",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, 32, 32])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["batch", 10])],
        inits,
    )
    save(helper.make_model(graph, opset_imports=OPSET, producer_name="mloperator-bench"), "cnn_bench")
    x = (bench_rng.integers(-16, 17, size=(2, 3, 32, 32)) / 16).astype(np.float32)

    def pool(c):
        n, k, h, wd = c.shape
        return c.reshape(n, k, h // 2, 2, wd // 2, 2).max(axis=(3, 5))

    c = pool(np.maximum(conv2d_same(x.astype(np.float64), w["wc1"], w["bc1"]), 0))
    c = pool(np.maximum(conv2d_same(c, w["wc2"], w["bc2"]), 0))
    h = np.maximum(c.reshape(2, -1) @ w["wd1"] + w["bd1"], 0)
    scores = (h @ w["wd2"] + w["bd2"]).astype(np.float32)
    write_reference("cnn_bench", {"image": x}, {"scores": scores})


def int_mod():
    """Mod on int64: fine on real inputs, but a synthetic warm-up on zeros divides by zero."""
    a = helper.make_tensor_value_info("a", TensorProto.INT64, [-1])
    b = helper.make_tensor_value_info("b", TensorProto.INT64, [-1])
    r = helper.make_tensor_value_info("remainder", TensorProto.INT64, [-1])
    graph = helper.make_graph([helper.make_node("Mod", ["a", "b"], ["remainder"], fmod=0)], "int_mod", [a, b], [r])
    save(helper.make_model(graph, opset_imports=OPSET, producer_name="mloperator-tests"), "int_mod")
    x = np.array([7, -7, 9, 100], dtype=np.int64)
    y = np.array([3, 3, -4, 7], dtype=np.int64)
    write_reference("int_mod", {"a": x, "b": y}, {"remainder": np.mod(x, y)})


def bf16():
    """bfloat16 in and out: x (BF16) -> as_float = Cast(x) (FP32), doubled = Cast(2 * as_float) (BF16). Opset 13 Cast
    covers bfloat16 on ONNX Runtime's CPU provider. No reference file: numpy has no bfloat16; the tests give values."""
    x = helper.make_tensor_value_info("x", TensorProto.BFLOAT16, [-1, 3])
    as_float = helper.make_tensor_value_info("as_float", TensorProto.FLOAT, [-1, 3])
    doubled = helper.make_tensor_value_info("doubled", TensorProto.BFLOAT16, [-1, 3])
    two = numpy_helper.from_array(np.array(2.0, dtype=np.float32), "two")
    nodes = [
        helper.make_node("Cast", ["x"], ["as_float"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["as_float", "two"], ["twice"]),
        helper.make_node("Cast", ["twice"], ["doubled"], to=TensorProto.BFLOAT16),
    ]
    graph = helper.make_graph(nodes, "bf16", [x], [as_float, doubled], [two])
    save(helper.make_model(graph, opset_imports=OPSET, producer_name="mloperator-tests"), "bf16")


def mlp_bench():
    """The benchmark MLP: 64 -> 256 (ReLU) -> 10, the shape the issue's measurements used."""
    w1, b1 = dyadic((64, 256), scale=64), dyadic((256,), scale=64)
    w2, b2 = dyadic((256, 10), scale=64), dyadic((10,), scale=64)
    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, [-1, 64])
    y = helper.make_tensor_value_info("logits", TensorProto.FLOAT, [-1, 10])
    nodes = [
        helper.make_node("Gemm", ["input", "w1", "b1"], ["h"]),
        helper.make_node("Relu", ["h"], ["hr"]),
        helper.make_node("Gemm", ["hr", "w2", "b2"], ["logits"]),
    ]
    inits = [numpy_helper.from_array(a, n) for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))]
    graph = helper.make_graph(nodes, "mlp_bench", [x], [y], inits)
    save(helper.make_model(graph, opset_imports=OPSET, producer_name="mloperator-bench"), "mlp_bench")
    inp = dyadic((1, 64))
    out = (np.maximum(inp @ w1 + b1, 0) @ w2 + b2).astype(np.float32)
    write_reference("mlp_bench", {"input": inp}, {"logits": out})


if __name__ == "__main__":
    mlp()
    cnn()
    multi_io()
    types()
    cnn_bench()
    int_mod()
    mlp_bench()
    bf16()
    print("models written to", HERE)
