"""``tools/deploy.py``: export an RTMPose model to a backend as an MMDeploy SDK folder.

    python tools/deploy.py CONFIG CHECKPOINT --backend onnxruntime|ncnn|tensorrt|openvino
        [--precision fp32|fp16|bf16|int8] [--work-dir DIR] [--decode-in-graph]
        [--calib-data ../shared/data] [--batch N] [--deploy-config CFG]
"""
from __future__ import annotations

import argparse
from typing import Dict, Optional, Sequence

from ..runtime.backends import BACKENDS
from .export import EXPORTERS, deploy


def parser() -> argparse.ArgumentParser:
    from ..datasets.samples import default_data_root
    p = argparse.ArgumentParser(description='Export an RTMPose model as an MMDeploy SDK folder')
    p.add_argument('config', help='training config (path or one of ours)')
    p.add_argument('checkpoint')
    p.add_argument('--backend', default='onnxruntime', choices=sorted(EXPORTERS))
    p.add_argument('--precision', default='fp32', choices=sorted({p for b in EXPORTERS for p in BACKENDS[b].precisions}))
    p.add_argument('--batch', type=int, default=None,
                   help='OpenVINO: a static batch size (default: dynamic)')
    p.add_argument('--work-dir', default='work_dirs/deploy')
    p.add_argument('--decode-in-graph', action='store_true',
                   help='output keypoints and scores instead of SimCC logits')
    p.add_argument('--deploy-config', default=None,
                   help='an MMDeploy deploy config instead of ours for the backend, '
                        'precision and input size (configs/deploy/)')
    p.add_argument('--calib-data', default=default_data_root(),
                   help='sample data folder with coco/ and aic/ for int8 calibration')
    return p


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, str]:
    """Export as the arguments say.

    Returns the paths written. A backend or precision that cannot be had is a usage error
    (exit 2) naming what can.
    """
    p = parser()
    args = p.parse_args(argv)
    from ..config import load_config
    cfg = load_config(args.config)  # read once: the calibration crops and the export
    calib = None
    if args.precision == 'int8':
        from ..datasets.samples import calibration_crops
        calib = calibration_crops(args.calib_data, cfg.codec['input_size'])
    try:
        return deploy(cfg, args.checkpoint, args.work_dir, args.backend, args.precision,
                      decode_in_graph=args.decode_in_graph, calibration=calib, batch=args.batch,
                      deploy_config=args.deploy_config)
    except (ValueError, RuntimeError) as e:
        p.error(str(e))
