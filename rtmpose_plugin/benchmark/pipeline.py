"""The pipeline's quality on the synthetic video, and its speed against rtmlib.

Speed: the same RTMPose ONNX model on ONNX Runtime, the same boxes (the synthetic
video's true boxes, so detection costs nothing for anyone), frames/s of: our pipeline
(all crops in one batched forward, with NMS, tracking and smoothing), our pipeline one
crop at a time, and rtmlib's ``RTMPose`` (one crop at a time), in one process.
"""
from __future__ import annotations

import time
from typing import Dict, List

import numpy as np

from .synthetic import Scene, evaluate, truth_detector

SMOOTHING = dict(min_cutoff=1.0, beta=0.02)


def quality(scene: Scene) -> List[Dict]:
    rows = []
    for k in (1, 5):
        for smooth in (False, True):
            m = evaluate(scene, k, SMOOTHING if smooth else None)
            rows.append(dict(det_interval=k, one_euro=smooth, **m))
    return rows


class _OneByOne:
    """A pose model called one crop at a time (what a per-box loop costs)."""

    def __init__(self, model):
        self.model, self.input_size = model, model.input_size

    def __call__(self, crops):
        outs = [self.model(c[None]) for c in crops]
        return np.concatenate([o[0] for o in outs]), np.concatenate([o[1] for o in outs])


def speed(onnx_path: str, scene: Scene, det_interval: int = 1, repeats: int = 2) -> Dict:
    """Frames/s of ours (batched, one by one) and rtmlib on the scene's frames."""
    from ..deploy import OnnxPoseModel
    from ..inference.pipeline import PosePipeline
    model = OnnxPoseModel(onnx_path)
    detect, state = truth_detector(scene)
    frames = scene.frames

    def ours(pose_model) -> float:
        pipe = PosePipeline(pose_model, detector=detect, det_interval=det_interval,
                            smoothing=SMOOTHING)
        t0 = time.perf_counter()
        for f, img in enumerate(frames):
            state['frame'] = f
            pipe(img)
        return len(frames) / (time.perf_counter() - t0)

    def rtmlib_fps() -> float:
        import os
        import sys
        from rtmlib import RTMPose
        devnull = open(os.devnull, 'w')
        stdout, sys.stdout = sys.stdout, devnull  # rtmlib prints on load
        try:
            pose = RTMPose(onnx_path, model_input_size=model.input_size, backend='onnxruntime')
        finally:
            sys.stdout = stdout
        t0 = time.perf_counter()
        for f, img in enumerate(frames):
            state['frame'] = f
            pose(img, bboxes=detect(img)[:, :4].tolist())
        return len(frames) / (time.perf_counter() - t0)

    results = dict(batched=[], one_by_one=[], rtmlib=[])
    for _ in range(repeats):  # interleaved
        results['batched'].append(ours(model))
        results['one_by_one'].append(ours(_OneByOne(model)))
        results['rtmlib'].append(rtmlib_fps())
    fps = {k: float(np.median(v)) for k, v in results.items()}
    fps['ratio_vs_rtmlib'] = fps['batched'] / fps['rtmlib']
    return fps
