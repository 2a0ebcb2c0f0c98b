"""Export through MMDeploy to ONNX.

Export through MMDeploy to ONNX (the graph outputs SimCC logits; the runtime decodes
them with :func:`rtmpose_plugin.core.decode_simcc`, the function training uses)."""
from __future__ import annotations

import copy
import os
import os.path as osp
from typing import Optional, Sequence

import numpy as np

DEPLOY_CONFIG = 'pose-detection_simcc_onnxruntime_dynamic-256x192.py'


def export_onnx(model_config, checkpoint: str, work_dir: str, deploy_config=None,
                input_size: Optional[Sequence[int]] = None,
                sample_image: Optional[np.ndarray] = None) -> str:
    """MMDeploy ``torch2onnx`` of a pose model; returns the ``end2end.onnx`` path.

    Args:
        model_config: Training config of the model: a loaded ``Config`` (MMDeploy
            rewrites the test pipeline of the config it gets, so it gets a copy), a path
            or the name of one of ours.
        checkpoint: Its checkpoint.
        work_dir: Output folder.
        deploy_config: MMDeploy config (loaded, a path or a name of ours); ours for ONNX
            Runtime by default.
        input_size: (w, h); the model config's codec input size by default.
        sample_image: BGR image to trace with; a grey image by default.
    """
    from mmdeploy.apis import torch2onnx
    from mmengine import Config

    from ..build import register
    from ..config import find_config, load_config
    register()
    from . import rewriters  # noqa: F401  (MMDeploy rewriters of our head and GAU)
    if not isinstance(deploy_config, Config):
        deploy_config = Config.fromfile(find_config(deploy_config or DEPLOY_CONFIG))
    deploy_cfg = copy.deepcopy(deploy_config)
    model_cfg = copy.deepcopy(model_config) if isinstance(model_config, Config) else \
        load_config(model_config)
    if input_size is None:
        input_size = model_cfg.codec['input_size']
    deploy_cfg.onnx_config.input_shape = list(input_size)
    os.makedirs(work_dir, exist_ok=True)
    if sample_image is None:
        sample_image = np.full((int(input_size[1]), int(input_size[0]), 3), 128, np.uint8)
    save_file = deploy_cfg.onnx_config.save_file
    torch2onnx(sample_image, work_dir, save_file, deploy_cfg, model_cfg, checkpoint, 'cpu')
    return osp.join(work_dir, save_file)
