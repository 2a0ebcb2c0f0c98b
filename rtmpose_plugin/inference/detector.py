"""RTMDet exported by MMDeploy (``end2end.onnx``, NMS in the graph) on ONNX Runtime.

Note: the image is letterboxed to ``size`` x ``size`` (keep ratio, pad 114) and
normalised as mmdet's RTMDet (BGR, mean 103.53/116.28/123.675, std 57.375/57.12/58.395);
boxes come back in image pixels as (N, 5) x1 y1 x2 y2 score.
"""
from __future__ import annotations

import os.path as osp

import cv2
import numpy as np

MEAN = np.array([103.53, 116.28, 123.675], np.float32)
STD = np.array([57.375, 57.12, 58.395], np.float32)


class OnnxDetector:

    def __init__(self, path: str, size: int = 640, threads: int = 0) -> None:
        import onnxruntime as ort
        if not osp.isfile(path):
            raise FileNotFoundError(f'detector model {path} does not exist')
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        self.session = ort.InferenceSession(path, opts, providers=['CPUExecutionProvider'])
        self.input_name = self.session.get_inputs()[0].name
        self.size = size

    def __call__(self, image: np.ndarray) -> np.ndarray:
        h, w = image.shape[:2]
        scale = min(self.size / h, self.size / w)
        resized = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))))
        canvas = np.full((self.size, self.size, 3), 114, np.uint8)
        canvas[:resized.shape[0], :resized.shape[1]] = resized
        x = ((canvas.astype(np.float32) - MEAN) / STD).transpose(2, 0, 1)[None]
        dets, labels = self.session.run(None, {self.input_name: np.ascontiguousarray(x)})
        dets = dets[0][labels[0] == 0].astype(np.float32)
        dets[:, :4] /= scale
        return dets
