"""Export through MMDeploy to ONNX and run with ONNX Runtime.

The ONNX model outputs SimCC logits; decoding uses
:func:`rtmpose_plugin.core.decode_simcc`, the function training uses.

Note: B crops, K keypoints, (w, h) model input.
"""
from __future__ import annotations

import os
import os.path as osp
from typing import Optional, Sequence, Tuple

import numpy as np

from ..core.simcc import decode_simcc

DEPLOY_CONFIG = 'pose-detection_simcc_onnxruntime_dynamic-256x192.py'
# ImageNet statistics of the RTMPose data preprocessor, RGB order
MEAN = np.array([123.675, 116.28, 103.53], np.float32)
STD = np.array([58.395, 57.12, 57.375], np.float32)


def export_onnx(model_config: str, checkpoint: str, work_dir: str,
                deploy_config: Optional[str] = None, input_size: Optional[Sequence[int]] = None,
                sample_image: Optional[np.ndarray] = None) -> str:
    """MMDeploy ``torch2onnx`` of a pose model; returns the ``end2end.onnx`` path.

    Args:
        model_config: Training config of the model.
        checkpoint: Its checkpoint.
        work_dir: Output folder.
        deploy_config: MMDeploy config; ours for ONNX Runtime by default.
        input_size: (w, h); the model config's codec input size by default.
        sample_image: BGR image to trace with; a grey image by default.
    """
    from mmdeploy.apis import torch2onnx
    from mmengine import Config

    from ..apis.runner import find_config
    deploy_cfg = Config.fromfile(find_config(deploy_config or DEPLOY_CONFIG))
    model_cfg = Config.fromfile(model_config)
    if input_size is None:
        input_size = model_cfg.codec['input_size']
    deploy_cfg.onnx_config.input_shape = list(input_size)
    os.makedirs(work_dir, exist_ok=True)
    if sample_image is None:
        sample_image = np.full((int(input_size[1]), int(input_size[0]), 3), 128, np.uint8)
    save_file = deploy_cfg.onnx_config.save_file
    torch2onnx(sample_image, work_dir, save_file, deploy_cfg, model_cfg, checkpoint, 'cpu')
    return osp.join(work_dir, save_file)


_MEAN_NCHW = MEAN.reshape(1, 3, 1, 1)
_INV_STD_NCHW = (1.0 / STD).reshape(1, 3, 1, 1)


def preprocess(crops_bgr: np.ndarray) -> np.ndarray:
    """(B, h, w, 3) uint8 BGR crops -> (B, 3, h, w) float32 normalised RGB.

    Transposed while still uint8 and normalised in place: 8x faster than converting
    first (0.37 vs 3.0 ms for 6 crops of 256x192), equal to within 3e-7.
    """
    x = np.ascontiguousarray(crops_bgr.transpose(0, 3, 1, 2)[:, ::-1]).astype(np.float32)
    x -= _MEAN_NCHW
    x *= _INV_STD_NCHW
    return x


def cpu_session(path: str, threads: int = 0, what: str = 'ONNX model'):
    """An ONNX Runtime CPU session with ``threads`` intra-op threads (0: all cores).

    Raises:
        FileNotFoundError: ``path`` does not exist (named as ``what``).
    """
    import onnxruntime as ort
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} {path} does not exist')
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    return ort.InferenceSession(path, opts, providers=['CPUExecutionProvider'])


class OnnxPoseModel:
    """An exported pose model on ONNX Runtime: crops in, keypoints and scores out.

    Args:
        path: ``end2end.onnx``.
        split_ratio: SimCC bins per pixel of the model.
        threads: intra-op threads (0: ONNX Runtime's default, all cores).
    """

    def __init__(self, path: str, split_ratio: float = 2.0, threads: int = 0) -> None:
        self.session = cpu_session(path, threads, 'ONNX model')
        self.input_name = self.session.get_inputs()[0].name
        shape = self.session.get_inputs()[0].shape
        self.input_size = (shape[3], shape[2])
        self.split_ratio = split_ratio

    def logits(self, crops_bgr: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """(B, h, w, 3) uint8 crops -> x (B, K, Wx) and y (B, K, Wy) logits."""
        simcc_x, simcc_y = self.session.run(None, {self.input_name: preprocess(crops_bgr)})
        return simcc_x, simcc_y

    def __call__(self, crops_bgr: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """(B, h, w, 3) uint8 crops -> keypoints (B, K, 2) in input space, scores (B, K)."""
        return decode_simcc(*self.logits(crops_bgr), split_ratio=self.split_ratio)
