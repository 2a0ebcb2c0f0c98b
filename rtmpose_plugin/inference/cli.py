"""``tools/pose.py``: pose estimation over images, folders, videos or a camera.

    python tools/pose.py INPUT --pose MODEL [--det DETECTOR | --bundled-dets DETS ANN]
        [--det-interval K] [--backend onnxruntime|pytorch] [--out DIR]

MODEL: an exported ``.onnx`` or ncnn ``.param``, a model name (``rtmpose-m``; the
official checkpoint is downloaded once), or a config with ``--pose-checkpoint``.
DETECTOR: an MMDeploy-exported RTMDet ``.onnx``, or a name (``rtmdet-nano``, exported
once). Writes ``results.jsonl`` (one line per frame, as it goes) and annotated output.
"""
from __future__ import annotations

import argparse
import os
import os.path as osp
from typing import Callable, Optional, Sequence

CACHE = osp.join(osp.expanduser('~'), '.cache', 'rtmpose_plugin')


def build_pose_model(spec: str, checkpoint: Optional[str], backend: str, threads: int):
    from ..deploy import NcnnPoseModel, OnnxPoseModel
    from .pipeline import TorchPoseModel
    if spec.endswith('.onnx'):
        return OnnxPoseModel(spec, threads=threads)
    if spec.endswith('.param'):
        return NcnnPoseModel(spec, spec[:-len('.param')] + '.bin', threads=threads)
    from .models import resolve
    config, ckpt = resolve(spec, checkpoint)
    if backend == 'pytorch':
        return TorchPoseModel(config, ckpt)
    out = osp.join(CACHE, 'onnx', osp.splitext(osp.basename(ckpt))[0])
    onnx_path = osp.join(out, 'end2end.onnx')
    if not osp.isfile(onnx_path):
        from ..deploy import deploy
        deploy(config, ckpt, out, sdk_meta=False)
    return OnnxPoseModel(onnx_path, threads=threads)


def build_detector(spec: Optional[str], checkpoint: Optional[str], size: int,
                   threads: int) -> Optional[Callable]:
    if not spec:
        return None
    from .detector import OnnxDetector
    if spec.endswith('.onnx'):
        return OnnxDetector(spec, size=size, threads=threads)
    from .models import resolve
    config, ckpt = resolve(spec, checkpoint)
    out = osp.join(CACHE, 'onnx', osp.splitext(osp.basename(ckpt))[0])
    onnx_path = osp.join(out, 'end2end.onnx')
    if not osp.isfile(onnx_path):
        from mmdeploy.apis import torch2onnx
        from mmengine.config import Config

        import numpy as np

        from ..apis.runner import find_config
        deploy_cfg = Config.fromfile(find_config('detection_onnxruntime_dynamic.py'))
        os.makedirs(out, exist_ok=True)
        torch2onnx(np.full((size, size, 3), 114, np.uint8), out, 'end2end.onnx', deploy_cfg,
                   Config.fromfile(config), ckpt, 'cpu')
    return OnnxDetector(onnx_path, size=size, threads=threads)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('input', help='image, folder of images, video, or camera index')
    parser.add_argument('--pose', required=True, help='.onnx, .param, model name or config')
    parser.add_argument('--pose-checkpoint', help='checkpoint for a config (path or URL)')
    parser.add_argument('--backend', default='onnxruntime', choices=['onnxruntime', 'pytorch'],
                        help='for a model name or config: run exported (default) or in PyTorch')
    parser.add_argument('--det', help='detector: .onnx or rtmdet-nano / rtmdet-m')
    parser.add_argument('--det-checkpoint')
    parser.add_argument('--det-size', type=int, default=None,
                        help='detector input size (320 for nano, 640 for m)')
    parser.add_argument('--bundled-dets', nargs=2, metavar=('DETS', 'ANN'),
                        help='COCO detection results and the annotation file naming the images')
    parser.add_argument('--det-interval', type=int, default=1, help='detect every K frames')
    parser.add_argument('--det-thr', type=float, default=0.5)
    parser.add_argument('--kpt-thr', type=float, default=0.3)
    parser.add_argument('--no-smooth', action='store_true', help='no One-Euro filter')
    parser.add_argument('--no-track', action='store_true')
    parser.add_argument('--threads', type=int, default=0)
    parser.add_argument('--max-frames', type=int)
    parser.add_argument('--out', default='outputs/pose')
    parser.add_argument('--no-progress', action='store_true')
    args = parser.parse_args(argv)
    if not args.det and not args.bundled_dets:
        parser.error('give a detector (--det) or bundled detections (--bundled-dets)')

    from ..demo import coco_skeleton
    from .pipeline import PosePipeline
    from .runner import coco_detections, run
    pose = build_pose_model(args.pose, args.pose_checkpoint, args.backend, args.threads)
    size = args.det_size or (320 if args.det and 'nano' in args.det else 640)
    detector = build_detector(args.det, args.det_checkpoint, size, args.threads)
    boxes_for = coco_detections(*args.bundled_dets, score_thr=args.det_thr) \
        if args.bundled_dets else None
    pipeline = PosePipeline(pose, detector, det_interval=args.det_interval,
                            det_score_thr=args.det_thr, kpt_thr=args.kpt_thr,
                            smoothing=None if args.no_smooth else dict(min_cutoff=1.0,
                                                                      beta=0.02),
                            track=not args.no_track)
    return run(pipeline, args.input, args.out, skeleton=coco_skeleton(), boxes_for=boxes_for,
               progress=not args.no_progress, max_frames=args.max_frames)
