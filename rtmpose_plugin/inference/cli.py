"""``tools/pose.py``: pose estimation over images, folders, videos or a camera.

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


def open_models(args):
    """(pose model, detector or None, backend, precision) for the parsed arguments."""
    from .models import open_detector, open_pose_model
    backend, precision, reason = choose_backend(args.backend, args.precision,
                                                args.calibration, args.pose, args.device)
    logger.info(f'backend: {backend} {precision} ({reason})')
    calibration = None
    if args.calibration:
        from ..datasets.samples import calibration_crops
        calibration = functools.partial(calibration_crops, args.calibration)
    pose = open_pose_model(args.pose, args.pose_checkpoint, backend, precision, args.device,
                           args.threads, args.keypoints, calibration,
                           calibration_id=osp.abspath(args.calibration or ''))
    for note in pose.meta.assumed:
        logger.warning(f'pose model: assumed {note}')
    detector = None
    if args.det:
        det_backend = 'openvino' if backend == 'openvino' else 'onnxruntime'
        det_precision = 'fp32'
        if det_backend == 'openvino':
            from ..runtime.cpu import capabilities_allow
            det_precision = precision if precision in ('fp32', 'bf16') else (
                'bf16' if capabilities_allow('openvino', 'bf16') else 'fp32')
        detector = open_detector(args.det, args.det_checkpoint, det_backend, det_precision,
                                 args.device if det_backend == 'onnxruntime' else 'cpu',
                                 args.threads, args.det_size)
        for note in detector.meta.assumed:
            logger.warning(f'detector: assumed {note}')
    return pose, detector, backend, pose.precision


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


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """Run the CLI; returns the run's summary."""
    p = parser()
    args = p.parse_args(argv)
    if not args.det and not args.bundled_dets:
        p.error('give a detector (--det) or bundled detections (--bundled-dets)')
    if args.det_interval < 1:
        p.error(f'--det-interval must be >= 1, got {args.det_interval}')

    from .pipeline import PosePipeline
    from .runner import check_out_dir, check_source, coco_detections, run
    try:
        choose_backend(args.backend, args.precision, args.calibration, args.pose, args.device)
    except ValueError as e:
        p.error(str(e))
    check_source(args.input, args.reference)  # the input and --out first: nothing is opened or made before
    check_out_dir(args.out)
    pose, detector, backend, precision = open_models(args)
    boxes_for = coco_detections(*args.bundled_dets, score_thr=args.det_thr) \
        if args.bundled_dets else None
    pipeline = PosePipeline(pose, detector, det_interval=args.det_interval,
                            det_score_thr=args.det_thr, kpt_thr=args.kpt_thr,
                            smoothing=None if args.no_smooth else dict(min_cutoff=1.0,
                                                                      beta=0.02),
                            track=not args.no_track, redetect_iou=args.redetect_iou)
    summary = run(pipeline, args.input, args.out, boxes_for=boxes_for,
                  progress=not args.no_progress, max_frames=args.max_frames,
                  reference=args.reference)
    summary.update(backend=backend, precision=precision, keypoints=pose.keypoints.name,
                   num_keypoints=pose.num_keypoints)
    return summary


#: what the CLI reports as one line rather than a traceback (a refused checkpoint is a
#: pickle.UnpicklingError)
EXPECTED_ERRORS = (FileNotFoundError, ValueError, RuntimeError, pickle.UnpicklingError)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f'signal {signum}')


def run_cli(argv: Optional[Sequence[str]] = None) -> Tuple[int, str]:
    """``tools/pose.py``: (exit code, the line to print).

    0 and the run's summary; 1 and an expected error as one line (a missing file, a model
    that is not what it should be, a bad value; :class:`~.errors.InputError` and
    :class:`~rtmpose_plugin.runtime.ModelError` are ValueErrors), or with ``--debug`` the
    error raised; 130 when interrupted (Ctrl-C, or SIGTERM as ``timeout``, systemd and
    ``docker stop`` send, handled alike: results flushed, the video finalised); usage
    errors exit 2 (argparse).
    """
    import signal
    import threading
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        summary = main(argv)
    except KeyboardInterrupt:
        return 130, 'interrupted before the run started; nothing was written'
    except EXPECTED_ERRORS as e:
        if argv is not None and '--debug' in argv:
            raise
        return 1, f'error: {e}'
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    line = (f"{summary['frames']} frames, {summary['people']} people "
            f"({summary['num_keypoints']} {summary['keypoints']} keypoints each), "
            f"{summary['errors']} unreadable, {summary['fps']} frames/s -> "
            f"{summary['results']}")
    if summary.get('video_note'):
        line += f"; {summary['video_note']}"
    if summary.get('interrupted'):
        return 130, f'interrupted: {line}'
    return 0, line
