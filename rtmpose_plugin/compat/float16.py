"""onnxconverter-common's fp16 block list: float32 kept between two blocked nodes.

Upstream problem: ``float16.convert_float_to_float16(..., node_block_list=...)`` keeps a
blocked node in float32 by casting its inputs up and its outputs down, and treats every
tensor between nodes as float16, so a tensor from one blocked node to the next still
goes float32 -> float16 -> float32: a value past 65504 becomes inf there although
both nodes were meant to stay in float32 (onnxconverter-common 1.16; measured on an
RTMPose head whose 7x7 conv outputs 1e9, which ScaleNorm then divides by its norm:
mean OKS 0.0005 against fp32 with the conv and ScaleNorm blocked, 1.0 with this fix).

:func:`drop_float16_round_trips` removes each such pair of casts (a Cast to float16 whose
every consumer is a Cast back to float32), the consumers reading the float32 tensor.
"""
from __future__ import annotations

from onnx import TensorProto


def _cast_to(node) -> int:
    return next((a.i for a in node.attribute if a.name == 'to'), -1)


def drop_float16_round_trips(model) -> int:
    """Remove float32 -> float16 -> float32 cast pairs from an ONNX model, in place.

    Returns how many float16 casts were removed.
    """
    graph = model.graph
    outputs = {o.name for o in graph.output}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    removed, dropped = set(), 0
    for node in list(graph.node):
        if node.op_type != 'Cast' or _cast_to(node) != TensorProto.FLOAT16:
            continue
        down = node.output[0]
        users = consumers.get(down, [])
        if down in outputs or not users or not all(
                u.op_type == 'Cast' and _cast_to(u) == TensorProto.FLOAT for u in users):
            continue
        source = node.input[0]
        for up in users:  # whatever read the float32 copy now reads the original
            for other in graph.node:
                for i, name in enumerate(other.input):
                    if name == up.output[0]:
                        other.input[i] = source
            for o in graph.output:
                if o.name == up.output[0]:  # keep the graph output's name: an Identity
                    up.op_type, up.input[0] = 'Identity', source
                    del up.attribute[:]
                    break
            else:
                removed.add(id(up))
        removed.add(id(node))
        dropped += 1
    kept = [n for n in graph.node if id(n) not in removed]
    del graph.node[:]
    graph.node.extend(kept)
    return dropped
