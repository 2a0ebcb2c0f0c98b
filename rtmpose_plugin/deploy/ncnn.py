"""An exported pose model on ncnn (converted by pnnx): crops in, keypoints and scores out,
decoded by the training-time decode.

Note: B crops, K keypoints, (w, h) the model input. ncnn runs one crop at a time.
"""
from __future__ import annotations

import os.path as osp
from typing import Tuple

import numpy as np

from ..core.simcc import decode_simcc
from .onnx import preprocess


class NcnnPoseModel:
    """Args: ``param`` / ``bin`` files, split ratio, threads (0: all cores), ``fp16``
    storage and arithmetic (as converted)."""

    def __init__(self, param: str, bin_path: str, split_ratio: float = 2.0, threads: int = 0,
                 fp16: bool = False) -> None:
        import ncnn
        for path in (param, bin_path):
            if not osp.isfile(path):
                raise FileNotFoundError(f'ncnn model file {path} does not exist')
        self.net = ncnn.Net()
        opt = self.net.opt
        opt.use_vulkan_compute = False
        if threads:
            opt.num_threads = threads
        opt.use_fp16_packed = opt.use_fp16_storage = opt.use_fp16_arithmetic = fp16
        self.net.load_param(param)
        self.net.load_model(bin_path)
        self.input_name = self.net.input_names()[0]
        self.output_names = list(self.net.output_names())
        self.split_ratio = split_ratio

    def logits(self, crops_bgr: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """(B, h, w, 3) uint8 crops -> x (B, K, Wx), y (B, K, Wy) logits."""
        import ncnn
        xs, ys = [], []
        for tensor in preprocess(crops_bgr):
            ex = self.net.create_extractor()
            ex.input(self.input_name, ncnn.Mat(np.ascontiguousarray(tensor)))
            outs = [np.array(ex.extract(name)[1]) for name in self.output_names]
            xs.append(outs[0])
            ys.append(outs[1])
        return np.stack(xs), np.stack(ys)

    def __call__(self, crops_bgr: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """(B, h, w, 3) uint8 crops -> keypoints (B, K, 2) in input space, scores (B, K)."""
        return decode_simcc(*self.logits(crops_bgr), split_ratio=self.split_ratio)
