"""RTMDet exported by MMDeploy (``end2end.onnx``, NMS in the graph) on ONNX Runtime or
OpenVINO.

Note: the image is letterboxed to ``size`` x ``size`` (keep ratio, pad 114) and
normalised as mmdet's RTMDet (BGR, mean 103.53/116.28/123.675, std 57.375/57.12/58.395);
boxes come back in image pixels as (N, 5) x1 y1 x2 y2 score.
"""
from __future__ import annotations

import os.path as osp
from typing import Optional, Tuple

import cv2
import numpy as np

MEAN = np.array([103.53, 116.28, 123.675], np.float32)
STD = np.array([57.375, 57.12, 58.395], np.float32)


def letterbox(image: np.ndarray, size: int) -> Tuple[np.ndarray, float]:
    """BGR image -> (1, 3, size, size) normalised network input and the resize scale."""
    h, w = image.shape[:2]
    scale = min(size / h, size / w)
    resized = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))))
    canvas = np.full((size, size, 3), 114, np.uint8)
    canvas[:resized.shape[0], :resized.shape[1]] = resized
    x = ((canvas.astype(np.float32) - MEAN) / STD).transpose(2, 0, 1)[None]
    return np.ascontiguousarray(x), scale


def export_detector(config: str, checkpoint: Optional[str], out_dir: str, size: int) -> str:
    """MMDeploy ``torch2onnx`` of an RTMDet config (NMS in the graph), once: returns
    ``out_dir/end2end.onnx``. ``checkpoint`` None keeps the initial weights."""
    onnx_path = osp.join(out_dir, 'end2end.onnx')
    if osp.isfile(onnx_path):
        return onnx_path
    import os

    from mmdeploy.apis import torch2onnx
    from mmengine.config import Config

    from ..apis.runner import find_config
    deploy_cfg = Config.fromfile(find_config('detection_onnxruntime_dynamic.py'))
    os.makedirs(out_dir, exist_ok=True)
    torch2onnx(np.full((size, size, 3), 114, np.uint8), out_dir, 'end2end.onnx', deploy_cfg,
               Config.fromfile(find_config(config)), checkpoint, 'cpu')
    return onnx_path


class _RTMDet:
    """Letterbox, run, keep the person class, boxes back to image pixels."""
    size: int

    def _run(self, x: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def __call__(self, image: np.ndarray) -> np.ndarray:
        x, scale = letterbox(image, self.size)
        dets, labels = self._run(x)
        dets = dets[0][labels[0] == 0].astype(np.float32)
        dets[:, :4] /= scale
        return dets


class OnnxDetector(_RTMDet):

    def __init__(self, path: str, size: int = 640, threads: int = 0) -> None:
        from ..deploy.onnx import cpu_session
        self.session = cpu_session(path, threads, 'detector model')
        self.input_name = self.session.get_inputs()[0].name
        self.size = size

    def _run(self, x):
        dets, labels = self.session.run(None, {self.input_name: x})
        return dets, labels


class OpenVINODetector(_RTMDet):
    """The same MMDeploy ONNX file (or its IR) on OpenVINO, ``fp32`` or ``bf16``."""

    def __init__(self, path: str, size: int = 640, threads: int = 0,
                 precision: Optional[str] = None) -> None:
        from ..deploy.openvino import OpenVINOModel
        if not osp.isfile(path):
            raise FileNotFoundError(f'detector model {path} does not exist')
        # a static input: OpenVINO runs RTMDet-nano ~40% faster than with a dynamic one
        self.net = OpenVINOModel(path, precision, threads, input_shape=(1, 3, size, size))
        self.precision = self.net.precision
        self.size = size

    def _run(self, x):
        dets, labels = self.net.run(x)
        return dets, labels
