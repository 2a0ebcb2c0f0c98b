"""``tools/deploy.py``: export an RTMPose model to a backend as an MMDeploy SDK folder.

    python tools/deploy.py CONFIG CHECKPOINT --backend onnxruntime|ncnn|tensorrt|openvino
        [--precision fp32|fp16|bf16|int8] [--work-dir DIR] [--decode-in-graph]
        [--calib-data IMAGES|VIDEO|SAMPLES [--calib-det DETECTOR]] [--batch N]
        [--deploy-config CFG] [--precision-bound OKS] [--allow-drift] [--no-fallback]

Every precision but fp32 is checked against fp32 on the calibration crops before it is
kept (:mod:`.precision`), and made again with layers kept in fp32 where it drifts.
"""
from __future__ import annotations

import argparse
from typing import Dict, Optional, Sequence

from ..runtime.backends import BACKENDS
from .export import EXPORTERS, deploy


def parser() -> argparse.ArgumentParser:
    from .precision import DEFAULT_BOUND
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
    p.add_argument('--calib-data', default=None,
                   help='person crops for int8 calibration and the precision check of '
                        'fp16 / bf16 / int8: a folder of images, a video, or a folder laid '
                        'out like the sample data (coco/test_coco.json)')
    p.add_argument('--calib-det', default=None,
                   help='a detector (SDK folder or .onnx) that finds the people in whole '
                        'frames of --calib-data; without one each image is a crop')
    p.add_argument('--precision-bound', type=float, default=DEFAULT_BOUND,
                   help=f'the least mean OKS against fp32 a reduced precision keeps, in '
                        f'[0, 1] (default {DEFAULT_BOUND})')
    p.add_argument('--allow-drift', action='store_true',
                   help='keep a model that fails the precision check (it is recorded)')
    p.add_argument('--no-fallback', action='store_true',
                   help='do not make a drifting model again with layers kept in fp32')
    return p


def open_calibration_detector(spec: str, threads: int = 0):
    """A detector (SDK folder or model file) for calibration frames, fp32 on ONNX Runtime."""
    from ..runtime.backends import open_session, read_meta
    from ..runtime.estimators import Detector
    from ..runtime.meta import is_sdk_folder, sdk_model_file
    folder = spec if is_sdk_folder(spec) else None
    session = open_session(sdk_model_file(spec) if folder else spec, 'auto', 'fp32',
                           threads=threads)
    return Detector(session, read_meta(session, folder, task='detection'), name=spec)


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, str]:
    """Export as the arguments say.

    Returns the paths written. A backend or precision that cannot be had is a usage error
    (exit 2) naming what can.
    """
    p = parser()
    args = p.parse_args(argv)
    from .precision import PrecisionError, check_bound
    try:
        check_bound(args.precision_bound)
        if args.precision != 'fp32' and not args.calib_data:
            raise ValueError(f'{args.precision} is checked against fp32 on person crops (and '
                             'int8 calibrated on them): give --calib-data (a folder of '
                             'images, a video, or the sample-data folder)')
    except ValueError as e:
        p.error(str(e))
    from ..config import load_config
    cfg = load_config(args.config)  # read once: the calibration crops and the export
    try:
        calib = None
        if args.precision != 'fp32':
            from .calibration import calibration_data
            det = open_calibration_detector(args.calib_det) if args.calib_det else None
            calib = calibration_data(args.calib_data, cfg.codec['input_size'], det)
        return deploy(cfg, args.checkpoint, args.work_dir, args.backend, args.precision,
                      decode_in_graph=args.decode_in_graph, calibration=calib, batch=args.batch,
                      deploy_config=args.deploy_config, bound=args.precision_bound,
                      allow_drift=args.allow_drift, fallback=not args.no_fallback,
                      log=print)
    except PrecisionError as e:  # measured, not a usage error
        raise SystemExit(f'error: {e}')
    except (ValueError, RuntimeError, FileNotFoundError) as e:
        p.error(str(e))
