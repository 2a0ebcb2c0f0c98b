"""The precision gate over every CPU backend and reduced precision, for checkpoints.

Each (backend, precision) exported by ``deploy`` with its gate (drift allowed, so that a
failure is a row rather than a refusal), on the sample people as calibration and gate
crops: the pure reduced model's mean OKS against fp32, the fallback groups kept in fp32,
the mean OKS, p99 and max drift (input px) of the model kept, and the kept model's speed
over the pure reduced model's (same run).
"""
from __future__ import annotations

import os.path as osp
import tempfile
from typing import List, Sequence, Tuple

#: the reduced precisions of the CPU backends, in the table's order
VARIANTS = [('onnxruntime', 'fp16'), ('onnxruntime', 'int8'), ('openvino', 'bf16'),
            ('openvino', 'int8'), ('ncnn', 'fp16')]
HEADER = ('| model | backend | precision | pure mean OKS | fp32 layers | kept mean OKS | '
          'p99 px | max px | passed (0.99) | kept / pure speed |\n'
          '|---|---|---|---|---|---|---|---|---|---|')


def precision_rows(label: str, config, checkpoint: str, crops,
                   variants: Sequence[Tuple[str, str]] = VARIANTS) -> List[str]:
    """One markdown row per (backend, precision): the gate's check of each export."""
    from rtmpose_plugin.deploy import deploy
    from rtmpose_plugin.deploy.precision import read_check
    from rtmpose_plugin.runtime.cpu import capabilities_allow
    rows = []
    for backend, precision in variants:
        if not capabilities_allow(backend, precision):
            rows.append(f'| {label} | {backend} | {precision} | not on this CPU | | | | | | |')
            continue
        with tempfile.TemporaryDirectory() as work:
            sdk = osp.join(work, 'sdk')
            deploy(config, checkpoint, sdk, backend, precision, calibration=crops,
                   allow_drift=True)
            c = read_check(sdk)
        speed = f'{c.fallback_speed:.2f}x' if c.fallback_speed else '-'
        rows.append(f'| {label} | {backend} | {precision} | {c.attempts[0]["mean_oks"]:.4f} | '
                    f'{", ".join(c.fp32_layers) or "-"} | {c.mean_oks:.4f} | {c.p99_px:.2f} | '
                    f'{c.max_px:.2f} | {"yes" if c.passed else "no"} | {speed} |')
    return rows
