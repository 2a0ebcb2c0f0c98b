"""The options of ``rtmpose pose`` / ``tools/pose.py`` (pose estimation over images,
folders, videos or a camera), and the one opener of models that it and the API use;
the command itself is :func:`rtmpose_plugin.console.pose_main`.

    python tools/pose.py INPUT --pose MODEL [--det DETECTOR | --bundled-dets DETS ANN]
        [--det-interval K] [--backend auto|onnxruntime|openvino|ncnn|tensorrt|pytorch]
        [--precision auto|fp32|fp16|bf16|int8] [--calibration DATA] [--device cpu|cuda:N]
        [--keypoints SET] [--out DIR]

MODEL and DETECTOR: an MMDeploy SDK folder or zip, a model file (``.onnx``, ``.xml``,
``.param``, ``.engine``), a model name (``rtmpose-m``, ``rtmdet-nano``) or a config with
``--pose-checkpoint`` / ``--det-checkpoint`` (see :mod:`.models`). Exported models run
without the training stack. ``--backend auto`` runs the fastest CPU backend and
precision this machine supports (:mod:`rtmpose_plugin.runtime.cpu`) and says which.
Writes ``results.jsonl`` (one line per frame, as it goes) and annotated output.
"""
from __future__ import annotations

import argparse
import functools
import logging
import os.path as osp
import pickle
from typing import Optional, Sequence, Tuple

BACKENDS = ('auto', 'onnxruntime', 'openvino', 'ncnn', 'tensorrt', 'pytorch')
PRECISIONS = ('auto', 'fp32', 'fp16', 'bf16', 'int8')

logger = logging.getLogger('rtmpose_plugin.pose')


def _model_file(spec: str) -> str:
    """The model file a spec names, where that is known without opening it."""
    from ..runtime.meta import is_sdk_folder, sdk_model_file
    if is_sdk_folder(spec):
        return sdk_model_file(spec)
    return spec


def choose_backend(backend: str, precision: str, calibration: Optional[str] = None,
                   model: str = '', device: str = 'cpu'):
    """(backend, precision, reason) from the command line's choices; ``auto`` picks the
    fastest this CPU supports (or ONNX Runtime on a CUDA device).

    Raises:
        ValueError: a precision the backend does not have, or int8 without calibration.
    """
    from ..runtime.cpu import pick_cpu_backend
    from .models import PRECISIONS as BACKEND_PRECISIONS
    model = _model_file(model)
    if model.endswith('.param'):
        backend = 'ncnn' if backend == 'auto' else backend
    elif model.endswith('.engine'):
        backend = 'tensorrt' if backend == 'auto' else backend
    elif model.endswith('.xml'):
        backend = 'openvino' if backend == 'auto' else backend
        if precision == 'auto' and osp.isfile(model):
            import openvino as ov

            from ..runtime.sessions import openvino_saved_precision
            if openvino_saved_precision(ov.Core().read_model(model)) == 'int8':
                return 'openvino', 'int8', 'an INT8 model'
    if device != 'cpu':
        backend = 'onnxruntime' if backend == 'auto' else backend
        precision = 'fp32' if precision == 'auto' else precision
        reason = f'{device} asked for'
    else:
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
            reason = f'{backend} asked for' + (f'; {best.reason}' if backend == best.backend
                                               else '')
        else:
            reason = 'asked for'
    if precision not in BACKEND_PRECISIONS.get(backend, ()):
        raise ValueError(f'{backend} has no {precision}; it has '
                         f'{", ".join(BACKEND_PRECISIONS.get(backend, ()))}')
    if precision == 'int8' and not calibration and not model.endswith('.xml'):
        raise ValueError('int8 needs calibration data: --calibration DATA (a folder laid '
                         'out like the sample data, with coco/test_coco.json)')
    return backend, precision, reason


def open_models(pose: str, det: Optional[str] = None, backend: str = 'auto',
                precision: str = 'auto', device: str = 'cpu', threads: int = 0,
                pose_checkpoint: Optional[str] = None, det_checkpoint: Optional[str] = None,
                keypoints: Optional[str] = None, calibration: Optional[str] = None,
                det_size: Optional[int] = None, log=None):
    """(pose model, detector or None, backend, precision): the one opener of the CLI
    and the API. ``backend`` / ``precision`` ``auto`` pick as :func:`choose_backend`
    does and say which in one line; the detector follows on the same backend."""
    from .models import open_detector, open_pose_model
    log = log or logger
    backend, precision, reason = choose_backend(backend, precision, calibration, pose, device)
    log.info(f'backend: {backend} {precision} ({reason})')
    crops = None
    if calibration:
        from ..datasets.samples import calibration_crops
        crops = functools.partial(calibration_crops, calibration)
    pose_model = open_pose_model(pose, pose_checkpoint, backend, precision, device, threads,
                                 keypoints, crops, calibration_id=osp.abspath(calibration or ''))
    for note in pose_model.meta.assumed:
        log.warning(f'pose model: assumed {note}')
    detector = None
    if det:
        det_backend = 'openvino' if backend == 'openvino' else 'onnxruntime'
        det_precision = 'fp32'
        if det_backend == 'openvino':
            from ..runtime.cpu import capabilities_allow
            det_precision = precision if precision in ('fp32', 'bf16') else (
                'bf16' if capabilities_allow('openvino', 'bf16') else 'fp32')
        detector = open_detector(det, det_checkpoint, det_backend, det_precision,
                                 device if det_backend == 'onnxruntime' else 'cpu', threads,
                                 det_size)
        for note in detector.meta.assumed:
            log.warning(f'detector: assumed {note}')
    return pose_model, detector, backend, pose_model.precision


def parser() -> argparse.ArgumentParser:
    from ..runtime.meta import keypoint_set_names
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('input', help='image, folder of images, video, or camera index')
    p.add_argument('--pose', required=True,
                   help='SDK folder or zip, .onnx/.xml/.param/.engine, model name or config')
    p.add_argument('--pose-checkpoint', help='checkpoint for a config (path or URL)')
    p.add_argument('--keypoints', choices=keypoint_set_names(),
                   help='the keypoint set of a pose model that does not say it (a model not '
                        'exported by rtmpose_plugin)')
    p.add_argument('--backend', default='auto', choices=BACKENDS,
                   help='auto (default): the fastest CPU backend this machine supports')
    p.add_argument('--precision', default='auto', choices=PRECISIONS,
                   help='auto (default): the fastest this CPU supports on the backend')
    p.add_argument('--device', default='cpu', help='cpu (default) or cuda:N')
    p.add_argument('--calibration', metavar='DATA',
                   help='person crops for int8: a folder laid out like the sample data '
                        '(coco/test_coco.json and its images)')
    p.add_argument('--det', help='detector: SDK folder or zip, .onnx, or rtmdet-nano / rtmdet-m')
    p.add_argument('--det-checkpoint')
    p.add_argument('--det-size', type=int, default=None,
                   help='detector input size, where the model does not say it')
    p.add_argument('--bundled-dets', nargs=2, metavar=('DETS', 'ANN'),
                   help='COCO detection results and the annotation file naming the images')
    p.add_argument('--det-interval', type=int, default=1, help='detect every K frames')
    p.add_argument('--redetect-iou', type=float, default=None,
                   help='between detections, detect anyway when two pose-derived boxes '
                        'overlap by more than this IoU (crossings; e.g. 0.8)')
    p.add_argument('--det-thr', type=float, default=0.5)
    p.add_argument('--kpt-thr', type=float, default=0.3)
    p.add_argument('--no-smooth', action='store_true', help='no One-Euro filter')
    p.add_argument('--no-track', action='store_true')
    p.add_argument('--threads', type=int, default=0)
    p.add_argument('--max-frames', type=int)
    p.add_argument('--reference', metavar='VIDEO',
                   help='a complete video from the same camera or encoder, to salvage the '
                   'frames of an MP4 cut before its index (a partial download)')
    p.add_argument('--out', default='outputs/pose')
    p.add_argument('--no-progress', action='store_true')
    p.add_argument('--debug', action='store_true', help='a traceback on errors')
    return p


#: what the CLI reports as one line rather than a traceback (a refused checkpoint is a
#: pickle.UnpicklingError)
EXPECTED_ERRORS = (FileNotFoundError, ValueError, RuntimeError, pickle.UnpicklingError)
