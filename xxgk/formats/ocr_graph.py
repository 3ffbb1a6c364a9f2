"""The PP-OCRv4 models' graphs made fast on onnxruntime's CPU kernels, computing the same function.

Why: Paddle's ONNX export writes every block of the models' PP-LCNetV3 backbone as a convolution followed
by eight element-wise operators (a learnt scalar scale and shift, hard-swish spelt as ``x * clip(x + 3,
0, 6) / 6``, a second scalar scale and shift). onnxruntime fuses none of them, and each one makes it leave
its blocked (NCHWc) layout for the convolution after: on a page of tables the recogniser spent half its
time outside the convolutions. Rewritten, the recogniser costs about half as much CPU and the detector
two thirds (measured on this 2-core machine, bench/bench_ocr.py); outputs agree to ~1e-6
(tests/test_ocr.py checks it on a page).

Three rewrites, each exact in real arithmetic (only float rounding differs):

* ``Conv → Mul(a) → Add(b)`` with scalars a, b: the convolution's weights times a, its bias a·bias + b;
* ``x + 3 → Clip(0, 6) → x · → / 6`` (hard-swish): ``x · HardSigmoid(x)``, which onnxruntime fuses into
  the convolution before it;
* ``Mul(a) → Add(b)`` read only by convolutions: folded into them when none pads (weights·a, bias +
  b·Σweights); else a per-channel 1×1 convolution, which stays in the blocked layout.

The model file is protobuf; onnxruntime already depends on ``protobuf``, so the few ONNX messages the
rewrite touches are declared here rather than adding the ``onnx`` package. Fields not declared (shapes,
metadata, the alphabet) survive parsing as unknown fields and are written back as read. Anything
unexpected leaves the model as it was.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

_FLOAT = 1  # TensorProto.FLOAT
_ATTR_FLOAT, _ATTR_INT, _ATTR_STRING, _ATTR_INTS = 1, 2, 3, 7  # AttributeProto.AttributeType

# (message, [(field name, number, type, repeated, message type)]): the part of onnx.proto read or written
_FIELDS: list[tuple[str, list[tuple[str, int, str, bool, str]]]] = [
    ("Tensor", [("dims", 1, "int64", True, ""), ("data_type", 2, "int32", False, ""),
                ("float_data", 4, "float", True, ""), ("name", 8, "string", False, ""),
                ("raw_data", 9, "bytes", False, "")]),
    ("Attribute", [("name", 1, "string", False, ""), ("f", 2, "float", False, ""),
                   ("i", 3, "int64", False, ""), ("s", 4, "bytes", False, ""),
                   ("t", 5, "message", False, "Tensor"), ("ints", 8, "int64", True, ""),
                   ("type", 20, "int32", False, "")]),
    ("Node", [("input", 1, "string", True, ""), ("output", 2, "string", True, ""),
              ("name", 3, "string", False, ""), ("op_type", 4, "string", False, ""),
              ("attribute", 5, "message", True, "Attribute"), ("domain", 7, "string", False, "")]),
    ("Graph", [("node", 1, "message", True, "Node"), ("initializer", 5, "message", True, "Tensor")]),
    ("Model", [("graph", 7, "message", False, "Graph")]),
]  # fmt: skip


def _model_class() -> Any:
    """The ``ModelProto`` class of the subset above, in a pool of its own (no clash with ``onnx``)."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    fd = descriptor_pb2.FileDescriptorProto(
        name="xxgk_onnx_subset.proto", package="xxgk_onnx", syntax="proto2"
    )
    kinds = descriptor_pb2.FieldDescriptorProto
    for message, fields in _FIELDS:
        msg = fd.message_type.add(name=message)
        for name, number, kind, repeated, ref in fields:
            field = msg.field.add(name=name, number=number, type=getattr(kinds, f"TYPE_{kind.upper()}"))
            field.label = kinds.LABEL_REPEATED if repeated else kinds.LABEL_OPTIONAL
            if ref:
                field.type_name = f".xxgk_onnx.{ref}"
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fd)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("xxgk_onnx.Model"))


def _array(t: Any) -> np.ndarray | None:
    if t.data_type != _FLOAT:
        return None
    raw = np.frombuffer(t.raw_data, dtype="<f4") if t.raw_data else np.array(t.float_data, dtype=np.float32)
    return raw.astype(np.float32).reshape(tuple(t.dims))


def _attr(node: Any, name: str, default: Any = None) -> Any:
    for a in node.attribute:
        if a.name == name:
            kinds = {_ATTR_FLOAT: a.f, _ATTR_INT: a.i, _ATTR_STRING: a.s, _ATTR_INTS: list(a.ints)}
            return kinds.get(a.type, a)  # another kind: a value no caller expects
    return default


def _copy(message: Any) -> Any:
    out = type(message)()
    out.CopyFrom(message)
    return out


class _Rewriter:
    """The three rewrites over one graph. Nodes are compared by identity: ``self.nodes`` holds the
    graph's node objects for the whole rewrite, and new nodes stay detached until ``finish``."""

    def __init__(self, graph: Any) -> None:
        self.g = graph
        self.nodes = list(graph.node)
        self.node_class = type(self.nodes[0])
        self.values: dict[str, np.ndarray] = {}
        for n in self.nodes:
            value = n.attribute[0] if n.op_type == "Constant" and n.attribute else None
            if value is not None and value.name == "value" and (v := _array(value.t)) is not None:
                self.values[n.output[0]] = v
        for t in graph.initializer:
            if (v := _array(t)) is not None:
                self.values[t.name] = v
        self.readers: dict[str, list[Any]] = defaultdict(list)
        for n in self.nodes:
            for i in n.input:
                self.readers[i].append(n)
        self.gone: set[int] = set()  # id() of nodes replaced
        self.rename: dict[str, str] = {}
        self.added: dict[int, list[Any]] = {}  # id(replaced node) → the nodes in its place
        self.fresh = 0

    def scalar(self, n: Any, op: str) -> tuple[float, str] | None:
        """(the constant, the other input) when ``n`` is ``op`` with one input a one-element constant."""
        if n.op_type != op or n.domain or len(n.input) != 2 or id(n) in self.gone:
            return None
        for k, x in ((1, n.input[0]), (0, n.input[1])):
            v = self.values.get(n.input[k])
            if v is not None and v.size == 1 and (k == 1 or op in ("Mul", "Add")):
                return float(v.reshape(())), x
        return None

    def only_reader(self, name: str) -> Any | None:
        readers = self.readers.get(name, [])
        return readers[0] if len(readers) == 1 else None

    def tensor(self, value: np.ndarray, hint: str) -> str:
        self.fresh += 1
        name = f"xxgk.{hint}.{self.fresh}"
        value = np.ascontiguousarray(value, dtype=np.float32)
        self.g.initializer.add(name=name, data_type=_FLOAT, dims=value.shape, raw_data=value.tobytes())
        self.values[name] = value
        return name

    def conv_weights(self, conv: Any) -> tuple[np.ndarray, np.ndarray] | None:
        w = self.values.get(conv.input[1]) if len(conv.input) > 1 else None
        if w is None or w.ndim != 4:
            return None
        b = self.values.get(conv.input[2]) if len(conv.input) > 2 else np.zeros(w.shape[0], np.float32)
        return (w, b) if b is not None else None

    def set_weights(self, conv: Any, w: np.ndarray, b: np.ndarray) -> None:
        x = conv.input[0]
        del conv.input[:]
        conv.input.extend([x, self.tensor(w, "w"), self.tensor(b, "b")])

    def fold_into_conv(self) -> None:
        for conv in self.nodes:
            if conv.op_type != "Conv" or conv.domain or (wb := self.conv_weights(conv)) is None:
                continue
            mul = self.only_reader(conv.output[0])
            sa = self.scalar(mul, "Mul") if mul is not None else None
            add = self.only_reader(mul.output[0]) if mul is not None and sa is not None else None
            sb = self.scalar(add, "Add") if add is not None else None
            if mul is None or add is None or sa is None or sb is None:
                continue
            (a, _), (b, _), (w, bias) = sa, sb, wb
            self.set_weights(conv, w * a, bias * a + b)
            self.gone.update((id(mul), id(add)))
            self.rename[add.output[0]] = conv.output[0]

    def hard_swish(self) -> None:
        for add in self.nodes:
            s = self.scalar(add, "Add")
            clip = self.only_reader(add.output[0]) if s is not None and s[0] == 3.0 else None
            if clip is None or clip.op_type != "Clip" or len(clip.input) != 3 or s is None:
                continue
            bounds = [self.values.get(i) for i in clip.input[1:]]
            if [float(v.reshape(())) if v is not None and v.size == 1 else None for v in bounds] != [0, 6]:
                continue
            x, mul = s[1], self.only_reader(clip.output[0])
            if mul is None or mul.op_type != "Mul" or sorted(mul.input) != sorted([x, clip.output[0]]):
                continue
            div = self.only_reader(mul.output[0])
            d = self.scalar(div, "Div") if div is not None else None
            if div is None or d is None or d[0] != 6.0:
                continue
            gate = f"{div.output[0]}.gate"
            sig = self.node_class(op_type="HardSigmoid", input=[x], output=[gate])
            sig.attribute.add(name="alpha", f=1 / 6, type=_ATTR_FLOAT)
            sig.attribute.add(name="beta", f=0.5, type=_ATTR_FLOAT)
            prod = self.node_class(op_type="Mul", input=[x, gate], output=[div.output[0]])
            self.gone.update((id(add), id(clip), id(mul), id(div)))
            self.added[id(div)] = [sig, prod]

    def fold_into_readers(self) -> None:
        for mul in self.nodes:
            sa = self.scalar(mul, "Mul")
            add = self.only_reader(mul.output[0]) if sa is not None else None
            sb = self.scalar(add, "Add") if add is not None else None
            convs = self.readers.get(add.output[0], []) if add is not None else []
            if sa is None or sb is None or add is None or not convs:
                continue
            weights = [
                self.conv_weights(c)
                if c.op_type == "Conv" and not c.domain and c.input[0] == add.output[0]
                else None
                for c in convs
            ]
            if any(wb is None for wb in weights):
                continue
            (a, x), (b, _) = sa, sb
            unpadded = all(
                not any(_attr(c, "pads", [])) and _attr(c, "auto_pad", b"NOTSET") == b"NOTSET" for c in convs
            )
            if unpadded:
                for c, wb in zip(convs, weights, strict=True):
                    w, bias = wb  # type: ignore[misc]
                    self.set_weights(c, w * a, bias + b * w.sum(axis=(1, 2, 3)))
                self.gone.update((id(mul), id(add)))
                self.rename[add.output[0]] = x
                continue
            w0 = weights[0][0]  # type: ignore[index]
            channels = w0.shape[1] * int(_attr(convs[0], "group", 1))
            scale = self.tensor(np.full((channels, 1, 1, 1), a, np.float32), "scale")
            shift = self.tensor(np.full(channels, b, np.float32), "shift")
            affine = self.node_class(op_type="Conv", input=[x, scale, shift], output=[add.output[0]])
            affine.attribute.add(name="group", i=channels, type=_ATTR_INT)
            affine.attribute.add(name="kernel_shape", ints=[1, 1], type=_ATTR_INTS)
            self.gone.update((id(mul), id(add)))
            self.added[id(add)] = [affine]

    def finish(self) -> None:
        """Nodes in order, each replaced one swapped for what replaces it (``added``) or dropped; then
        the constants no node reads any more dropped (the folded scales, the old weights)."""
        nodes = [m for n in self.nodes for m in (self.added.get(id(n), []) if id(n) in self.gone else [n])]
        for n in nodes:
            n.input[:] = [self.rename.get(i, i) for i in n.input]
        read = {i for n in nodes for i in n.input}
        nodes = [n for n in nodes if n.op_type != "Constant" or n.output[0] in read]
        kept = [t for t in self.g.initializer if t.name in read or not t.name.startswith("xxgk.")]
        nodes, kept = [_copy(n) for n in nodes], [_copy(t) for t in kept]  # detached before the clear
        del self.g.node[:]
        del self.g.initializer[:]
        self.g.node.extend(nodes)
        self.g.initializer.extend(kept)


def faster(model: bytes) -> bytes:
    """The model's bytes rewritten as the module docstring says, or the bytes as given when the graph is
    not what the rewrite expects."""
    try:
        proto = _model_class()()
        proto.ParseFromString(model)
        if not proto.graph.node:
            return model
        r = _Rewriter(proto.graph)
        r.fold_into_conv()
        r.hard_swish()
        r.fold_into_readers()
        if not r.gone:
            return model
        r.finish()
        out: bytes = proto.SerializeToString()
        return out
    except Exception:  # a model of another shape or an unexpected protobuf: run it as it is
        return model
