"""``tools/pose.py``: pose estimation over images, folders, videos or a camera.

    python tools/pose.py INPUT --pose MODEL [--det DETECTOR | --bundled-dets DETS ANN]
        [--det-interval K] [--backend auto|onnxruntime|openvino|ncnn|pytorch]
        [--precision auto|fp32|fp16|bf16|int8] [--calibration DATA] [--out DIR]

MODEL: an exported ``.onnx``, OpenVINO ``.xml`` or ncnn ``.param``, a model name
(``rtmpose-m``; the official checkpoint is downloaded once), or a config with
``--pose-checkpoint``. DETECTOR: an MMDeploy-exported RTMDet ``.onnx``, or a name
(``rtmdet-nano``, exported once). ``--backend auto`` (the default) runs the fastest CPU
backend and precision this machine supports (:mod:`rtmpose_plugin.deploy.cpu`) and
says which. Writes ``results.jsonl`` (one line per frame, as it goes) and annotated
output.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import os.path as osp
from typing import Callable, Optional, Sequence

CACHE = osp.join(osp.expanduser('~'), '.cache', 'rtmpose_plugin')
BACKENDS = ('auto', 'onnxruntime', 'openvino', 'ncnn', 'pytorch')
PRECISIONS = ('auto', 'fp32', 'fp16', 'bf16', 'int8')


def _key(path: str, *parts: str) -> str:
    """A cache folder name for a model file and what was made of it."""
    stat = os.stat(path)
    digest = hashlib.sha1(f'{osp.abspath(path)}:{stat.st_size}:{stat.st_mtime_ns}:{parts}'
                          .encode()).hexdigest()[:10]
    return f'{osp.splitext(osp.basename(path))[0]}_{"_".join(parts)}_{digest}'


def choose_backend(backend: str, precision: str, calibration: Optional[str] = None,
                   model: str = ''):
    """(backend, precision, reason) from the command line's choices; ``auto`` picks the
    fastest this CPU supports.

    Raises:
        ValueError: a precision the backend does not have, or int8 without calibration.
    """
    from ..deploy.cpu import pick_cpu_backend
    from ..deploy.export import PRECISIONS as BACKEND_PRECISIONS
    if model.endswith('.param'):
        backend = 'ncnn' if backend == 'auto' else backend
    elif model.endswith('.xml'):
        backend = 'openvino' if backend == 'auto' else backend
        if precision == 'auto' and osp.isfile(model):
            import openvino as ov

            from ..deploy.openvino import saved_precision
            if saved_precision(ov.Core().read_model(model)) == 'int8':
                return 'openvino', 'int8', 'an INT8 model'
    best = pick_cpu_backend(calibration=bool(calibration))
    if backend == 'auto' and precision == 'auto':
        return best.backend, best.precision, best.reason
    if backend == 'auto':
        backend = best.backend if precision in BACKEND_PRECISIONS[best.backend] else \
            'onnxruntime'
        reason = f'{precision} asked for'
    elif precision == 'auto':
        precision = best.precision if backend == best.backend else 'fp32'
        if backend == 'openvino' and precision == 'int8' and not calibration:
            precision = 'fp32'
        reason = f'{backend} asked for' + (f'; {best.reason}' if backend == best.backend else '')
    else:
        reason = 'asked for'
    if backend == 'pytorch':
        if precision != 'fp32':
            raise ValueError('the PyTorch backend runs fp32 only')
        return backend, precision, reason
    if precision not in BACKEND_PRECISIONS.get(backend, ()):
        raise ValueError(f'{backend} has no {precision}; it has '
                         f'{", ".join(BACKEND_PRECISIONS.get(backend, ()))}')
    if precision == 'int8' and not calibration and not model.endswith('.xml'):
        raise ValueError('int8 needs calibration data: --calibration DATA (a folder laid '
                         'out like the sample data, with coco/test_coco.json)')
    return backend, precision, reason


def _onnx_for(spec: str, checkpoint: Optional[str]) -> str:
    """The ONNX file of a pose model given as .onnx, name or config (exported once)."""
    if spec.endswith('.onnx'):
        if not osp.isfile(spec):
            raise FileNotFoundError(f'ONNX model {spec} does not exist')
        return spec
    from .models import resolve
    config, ckpt = resolve(spec, checkpoint)
    out = osp.join(CACHE, 'onnx', osp.splitext(osp.basename(ckpt))[0])
    onnx_path = osp.join(out, 'end2end.onnx')
    if not osp.isfile(onnx_path):
        from ..deploy import deploy
        deploy(config, ckpt, out, sdk_meta=False)
    return onnx_path


def build_pose_model(spec: str, checkpoint: Optional[str], backend: str, threads: int,
                     precision: str = 'fp32', calibration: Optional[str] = None):
    """A pose model for the pipeline on a resolved backend and precision (see
    :func:`choose_backend`); converted and quantized models are cached."""
    from ..deploy import NcnnPoseModel, OnnxPoseModel
    from .pipeline import TorchPoseModel
    if spec.endswith('.param') or backend == 'ncnn':
        if not spec.endswith('.param'):
            raise ValueError('ncnn runs a converted .param/.bin pair: see tools/deploy.py')
        return NcnnPoseModel(spec, spec[:-len('.param')] + '.bin', threads=threads,
                             fp16=precision == 'fp16')
    if spec.endswith('.xml'):
        from ..deploy.openvino import OpenVINOPoseModel
        return OpenVINOPoseModel(spec, precision, threads)
    if backend == 'pytorch':
        from .models import resolve
        return TorchPoseModel(*resolve(spec, checkpoint))
    onnx_path = _onnx_for(spec, checkpoint)

    def crops():
        from ..deploy.export import calibration_crops
        return calibration_crops(calibration, OnnxPoseModel(onnx_path).input_size)

    made_of = (precision, calibration or '')
    if backend == 'openvino':
        from ..deploy.openvino import INT8_RECIPE, OpenVINOPoseModel, to_openvino
        if precision != 'int8':
            return OpenVINOPoseModel(onnx_path, precision, threads)
        # the recipe in the key: a model quantized by an older recipe is not reused
        xml = osp.join(CACHE, backend, _key(onnx_path, *made_of, INT8_RECIPE),
                       'end2end_int8.xml')
        if not osp.isfile(xml):
            to_openvino(onnx_path, xml, 'int8', crops())
        return OpenVINOPoseModel(xml, 'int8', threads)
    if precision == 'fp32':
        return OnnxPoseModel(onnx_path, threads=threads)
    from ..deploy.export import quantize_int8, to_fp16
    cached = osp.join(CACHE, backend, _key(onnx_path, *made_of))
    path = osp.join(cached, f'end2end_{precision}.onnx')
    if not osp.isfile(path):
        os.makedirs(cached, exist_ok=True)
        if precision == 'fp16':
            to_fp16(onnx_path, path)
        else:
            quantize_int8(onnx_path, path, crops())
    return OnnxPoseModel(path, threads=threads)


def build_detector(spec: Optional[str], checkpoint: Optional[str], size: int,
                   threads: int, backend: str = 'onnxruntime',
                   precision: str = 'fp32') -> Optional[Callable]:
    """RTMDet on ONNX Runtime, or on OpenVINO (``fp32`` / ``bf16``; an INT8 pose model
    runs next to a bf16 detector where the CPU has bf16)."""
    if not spec:
        return None
    from .detector import OnnxDetector, OpenVINODetector, export_detector
    if spec.endswith('.onnx'):
        onnx_path = spec
    else:
        from .models import resolve
        config, ckpt = resolve(spec, checkpoint)
        onnx_path = export_detector(config, ckpt, osp.join(
            CACHE, 'onnx', osp.splitext(osp.basename(ckpt))[0]), size)
    if backend == 'openvino':
        if precision not in ('fp32', 'bf16'):
            from ..deploy.export import capabilities_allow
            precision = 'bf16' if capabilities_allow('openvino', 'bf16') else 'fp32'
        return OpenVINODetector(onnx_path, size=size, threads=threads, precision=precision)
    return OnnxDetector(onnx_path, size=size, threads=threads)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('input', help='image, folder of images, video, or camera index')
    parser.add_argument('--pose', required=True, help='.onnx, .param, model name or config')
    parser.add_argument('--pose-checkpoint', help='checkpoint for a config (path or URL)')
    parser.add_argument('--backend', default='auto', choices=BACKENDS,
                        help='auto (default): the fastest CPU backend this machine supports')
    parser.add_argument('--precision', default='auto', choices=PRECISIONS,
                        help='auto (default): the fastest this CPU supports on the backend')
    parser.add_argument('--calibration', metavar='DATA',
                        help='person crops for int8: a folder laid out like the sample data '
                             '(coco/test_coco.json and its images)')
    parser.add_argument('--det', help='detector: .onnx or rtmdet-nano / rtmdet-m')
    parser.add_argument('--det-checkpoint')
    parser.add_argument('--det-size', type=int, default=None,
                        help='detector input size (320 for nano, 640 for m)')
    parser.add_argument('--bundled-dets', nargs=2, metavar=('DETS', 'ANN'),
                        help='COCO detection results and the annotation file naming the images')
    parser.add_argument('--det-interval', type=int, default=1, help='detect every K frames')
    parser.add_argument('--redetect-iou', type=float, default=None,
                        help='between detections, detect anyway when two pose-derived boxes '
                             'overlap by more than this IoU (crossings; e.g. 0.8)')
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
    try:
        backend, precision, reason = choose_backend(args.backend, args.precision,
                                                    args.calibration, args.pose)
    except ValueError as e:
        parser.error(str(e))
    from mmengine.logging import MMLogger
    MMLogger.get_instance('rtmpose_plugin.pose').info(f'backend: {backend} {precision} ({reason})')
    pose = build_pose_model(args.pose, args.pose_checkpoint, backend, args.threads, precision,
                            args.calibration)
    size = args.det_size or (320 if args.det and 'nano' in args.det else 640)
    detector = build_detector(args.det, args.det_checkpoint, size, args.threads,
                              'openvino' if backend == 'openvino' else 'onnxruntime', precision)
    boxes_for = coco_detections(*args.bundled_dets, score_thr=args.det_thr) \
        if args.bundled_dets else None
    pipeline = PosePipeline(pose, detector, det_interval=args.det_interval,
                            det_score_thr=args.det_thr, kpt_thr=args.kpt_thr,
                            smoothing=None if args.no_smooth else dict(min_cutoff=1.0,
                                                                      beta=0.02),
                            track=not args.no_track, redetect_iou=args.redetect_iou)
    summary = run(pipeline, args.input, args.out, skeleton=coco_skeleton(), boxes_for=boxes_for,
                  progress=not args.no_progress, max_frames=args.max_frames)
    summary.update(backend=backend, precision=precision)
    return summary
