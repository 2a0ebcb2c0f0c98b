"""The options of ``rtmpose pose`` and the one opener of its models.

The options of ``rtmpose pose`` / ``tools/pose.py`` (pose estimation over images,
folders, videos or a camera), and the one opener of models that it and the API use;
the command itself is :func:`rtmpose_plugin.console.pose_main`.

    python tools/pose.py INPUT --pose MODEL [--det DETECTOR | --bundled-dets DETS ANN]
        [--det-interval K] [--backend auto|onnxruntime|openvino|ncnn|tensorrt|pytorch]
        [--precision auto|fp32|fp16|bf16|int8] [--calibration DATA] [--device cpu|cuda:N]
        [--keypoints SET] [--out DIR]

MODEL and DETECTOR: an MMDeploy SDK folder or zip, a model file (``.onnx``, ``.xml``,
``.param``, ``.engine``), a model name (``rtmpose-m``, ``rtmdet-nano``) or a config with
``--pose-checkpoint`` / ``--det-checkpoint`` (see :mod:`.opener`). Exported models run
without the training stack. ``--backend auto`` runs the fastest CPU backend and
precision this machine supports (:mod:`rtmpose_plugin.runtime.cpu`) and says which.
Writes ``results.jsonl`` (one line per frame, as it goes) and annotated output.
"""
from __future__ import annotations

import argparse
import functools
import logging
from typing import Optional, Tuple

from ..checks import arg_type, integer, probability
from ..errors import EXPECTED_ERRORS  # noqa: F401  (the CLI's one-line errors)
from ..runtime.cpu import Choice

#: RTMDet's largest stride: a letterbox size must be a multiple of it
DET_STRIDE = 32
#: the largest ``--det-size`` taken
MAX_DET_SIZE = 4096

#: what ``--precision`` takes
PRECISION_CHOICES = ('auto', 'fp32', 'fp16', 'bf16', 'int8')

logger = logging.getLogger('rtmpose_plugin.pose')


def backend_names() -> Tuple[str, ...]:
    """What ``--backend`` takes: ``auto`` and the backend table's names."""
    from ..runtime.backends import BACKENDS
    return ('auto', ) + tuple(BACKENDS)


def check_flags(backend: str, precision: str) -> None:
    """Check ``--backend`` and ``--precision`` alone, before a model is located.

    What ``--backend`` and ``--precision`` say checked alone, before a model is
    located (a name may mean a download): a known backend that has the precision.

    Raises:
        ValueError: an unknown backend, or a precision it does not have.
    """
    from ..runtime.backends import check_precision, get_backend
    if backend != 'auto':
        check_precision(get_backend(backend), None if precision == 'auto' else precision)


def choose_backend(backend: str, precision: str, calibration: Optional[str] = None,
                   model='', device: str = 'cpu', threads: int = 0,
                   measure: bool = False) -> Choice:
    """The backend and precision from the command line's choices.

    ``auto`` for both on a CPU and an ONNX model: the decision measured on this CPU, model
    and thread count (:mod:`.measure`), where one is cached or ``measure`` asks for it
    now; else the fastest the CPU's flags say it supports (the prior).
    ``auto`` picks the fastest this CPU supports (or ONNX Runtime on a CUDA device), a model
    file of one backend's own kind picks that backend. ``model``: a
    :class:`~rtmpose_plugin.inference.opener.Located` (its file's kind is read, nothing is
    looked up again), a path, or '' for none. Nothing is opened: an INT8 OpenVINO IR runs as
    INT8 whatever is chosen, and the opener says so.

    Raises:
        ValueError: an unknown backend, a precision the backend does not have, or int8
            without calibration.
    """
    from ..runtime.backends import BACKENDS, check_precision, owner_of
    from ..runtime.cpu import pick_cpu_backend
    from ..runtime.meta import is_sdk_folder, sdk_model_file
    from .opener import Located
    check_flags(backend, precision)
    folder = keypoints = None
    if isinstance(model, Located):
        model, folder, keypoints = model.file, model.folder, model.keypoints
    elif isinstance(model, str) and is_sdk_folder(model):
        model, folder = sdk_model_file(model), model
    owner = owner_of(model) if isinstance(model, str) and model else None
    if owner is not None and owner.name != 'onnxruntime' and backend == 'auto':
        backend = owner.name  # an IR, an ncnn or TensorRT file runs on its own backend
    if device != 'cpu':
        backend = 'onnxruntime' if backend == 'auto' else backend
        precision = 'fp32' if precision == 'auto' else precision
        reason = f'{device} asked for'
    else:
        best = pick_cpu_backend(calibration=bool(calibration))
        if backend == 'auto' and precision == 'auto':
            if isinstance(model, str) and model.endswith('.onnx'):
                from .measure import cached_choice, measure_choice
                measured = cached_choice(model, threads, bool(calibration))
                if measured is None and measure:
                    measured = measure_choice(model, threads, calibration, folder=folder,
                                              keypoints=keypoints)
                if measured is not None:
                    return measured
            return best
        if backend == 'auto':
            backend = best.backend if precision in BACKENDS[best.backend].precisions else \
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
    check_precision(BACKENDS[backend], precision)
    if not model.endswith('.xml'):
        from .opener import check_calibration
        check_calibration(precision, bool(calibration))
    return Choice(backend, precision, reason)


def check_open_options(threads=0, det_size=None) -> None:
    """Check :func:`open_models`' numbers (``--threads``, ``--det-size``' rules).

    Raises:
        ValueError: naming the option, the value and what is allowed.
    """
    integer('threads', threads, 0, 1024)
    integer('det_size', det_size, 32, MAX_DET_SIZE, none=True, multiple_of=DET_STRIDE)


def open_models(pose: str, det: Optional[str] = None, backend='auto',
                precision: str = 'auto', device: str = 'cpu', threads: int = 0,
                pose_checkpoint: Optional[str] = None, det_checkpoint: Optional[str] = None,
                keypoints: Optional[str] = None, calibration: Optional[str] = None,
                det_size: Optional[int] = None, log=None, precision_bound: Optional[float] = None,
                allow_drift: bool = False, calibration_first_frames: bool = False):
    """(pose model, detector or None, backend, precision): the one opener of the CLI and the API.

    ``calibration``: person crops for INT8 and the precision gate of a conversion: a
    folder of images or a video (whose whole frames go through the detector, when there
    is one), or the sample-data folder (:func:`rtmpose_plugin.deploy.calibration.calibration_data`).
    ``precision_bound`` / ``allow_drift``: the gate's (:mod:`rtmpose_plugin.deploy.precision`);
    its check is said in one line. ``calibration_first_frames``: a video's first frames
    rather than frames spread over it.

    ``pose``: what ``--pose`` takes, or where it was located
    (:class:`~rtmpose_plugin.inference.opener.Located`). ``backend`` / ``precision``
    ``auto`` pick as :func:`choose_backend` does (``backend`` may be its :class:`Choice`,
    made by a caller with ``pose`` located), said in one line once the model is open; the
    detector follows on the same backend.
    """
    from ..runtime.cpu import capabilities_allow
    from .opener import (Located, calibration_id, locate_model, open_model, resolve_model,
                         runs_files)
    log = log or logger
    check_open_options(threads, det_size)
    if not isinstance(backend, Choice):
        check_flags(backend, precision)
        if runs_files(backend) and not isinstance(pose, Located):
            pose = locate_model(pose, pose_checkpoint, 'pose')  # located once, here
        backend = choose_backend(backend, precision, calibration, pose, device, threads)
    choice = backend
    gate = dict(allow_drift=bool(allow_drift))
    if precision_bound is not None:
        from ..deploy.precision import check_bound
        gate['bound'] = check_bound(precision_bound)

    def open_detector():
        det_backend = 'openvino' if choice.backend == 'openvino' else 'onnxruntime'
        det_precision = 'fp32'
        if det_backend == 'openvino':
            det_precision = choice.precision if choice.precision in ('fp32', 'bf16') else (
                'bf16' if capabilities_allow('openvino', 'bf16') else 'fp32')
        opened = open_model(resolve_model(det, det_checkpoint, 'detection', det_backend,
                                          det_precision,
                                          device if det_backend == 'onnxruntime' else 'cpu',
                                          size=det_size), threads)
        for note in opened.meta.assumed:
            log.warning(f'detector: assumed {note}')
        return opened

    # the detector first where it finds the people of calibration frames, else the pose
    # model first (its errors said before the detector's)
    detector = open_detector() if det and calibration else None
    crops = None
    if calibration:
        from ..deploy.calibration import calibration_data
        crops = functools.partial(calibration_data, calibration, detector=detector,
                                  first_frames=calibration_first_frames)
    pose_model = open_model(resolve_model(pose, pose_checkpoint, 'pose', choice.backend,
                                          choice.precision, device, keypoints),
                            threads, crops, calibration_id=calibration_id(calibration),
                            gate=gate)
    reason = choice.reason if pose_model.precision == choice.precision else \
        f'an {pose_model.precision.upper()} model'
    log.info(f'backend: {choice.backend} {pose_model.precision} ({reason})')
    if pose_model.precision_check is not None:
        log.info(pose_model.precision_check.line())
    elif pose_model.precision != 'fp32':
        log.info(f'precision check: none recorded for this {pose_model.precision} model '
                 '(check it with --calibration DATA)')
    for note in pose_model.meta.assumed:
        log.warning(f'pose model: assumed {note}')
    if det and detector is None:
        detector = open_detector()
    return pose_model, detector, choice.backend, pose_model.precision


def model_options(p: argparse.ArgumentParser,
                  threads_help: str = 'inference threads (0: all cores)') -> None:
    """The pose model, detector, backend and pipeline options (``pose`` and ``extract``)."""
    from ..runtime.meta import keypoint_set_names
    p.add_argument('--pose', required=True,
                   help='SDK folder or zip, .onnx/.xml/.param/.engine, model name or config')
    p.add_argument('--pose-checkpoint', help='checkpoint for a config (path or URL)')
    p.add_argument('--keypoints', choices=keypoint_set_names(),
                   help='the keypoint set of a pose model that does not say it (a model not '
                        'exported by rtmpose_plugin)')
    p.add_argument('--backend', default='auto', choices=backend_names(),
                   help='auto (default): the fastest CPU backend this machine supports')
    p.add_argument('--precision', default='auto', choices=PRECISION_CHOICES,
                   help='auto (default): the fastest this CPU supports on the backend')
    p.add_argument('--device', default='cpu', help='cpu (default) or cuda:N')
    p.add_argument('--calibration', metavar='DATA',
                   help='person crops for int8 and the precision check of a conversion: a '
                        'folder of images or a video (the detector finds the people), or a '
                        'folder laid out like the sample data (coco/test_coco.json); '
                        '`pose` with int8 and none calibrates on its own input')
    p.add_argument('--precision-bound', type=arg_type(probability), default=None,
                   help='the least mean OKS against fp32 a converted model keeps, in [0, 1] '
                        '(default 0.99)')
    p.add_argument('--allow-drift', action='store_true',
                   help='keep a converted model that fails the precision check')
    p.add_argument('--measure', action='store_true',
                   help='with --backend auto --precision auto: measure the candidates on this '
                        'CPU now where no decision is cached (rtmpose measure does it ahead)')
    p.add_argument('--det', help='detector: SDK folder or zip, .onnx, or rtmdet-nano / rtmdet-m')
    p.add_argument('--det-checkpoint')
    p.add_argument('--det-size', type=arg_type(integer, int, low=32, high=MAX_DET_SIZE,
                                              multiple_of=DET_STRIDE), default=None,
                   help=f'detector input size, where the model does not say it (a multiple '
                        f'of {DET_STRIDE}, at most {MAX_DET_SIZE})')
    p.add_argument('--det-interval', type=arg_type(integer, int, low=1), default=1,
                   help='detect every K frames')
    p.add_argument('--redetect-iou', type=arg_type(probability), default=None,
                   help='between detections, detect anyway when two pose-derived boxes '
                        'overlap by more than this IoU (crossings; e.g. 0.8)')
    p.add_argument('--det-thr', type=arg_type(probability), default=0.5,
                   help='minimum detection score, in [0, 1]')
    p.add_argument('--kpt-thr', type=arg_type(probability), default=0.3,
                   help='keypoint score that counts, in [0, 1]')
    p.add_argument('--no-smooth', action='store_true', help='no One-Euro filter')
    p.add_argument('--no-track', action='store_true')
    p.add_argument('--threads', type=arg_type(integer, int, low=0, high=1024), default=0,
                   help=threads_help)


def model_kwargs(args: argparse.Namespace) -> dict:
    """RTMPose's keyword arguments from the flags of :func:`model_options`.

    ``pose`` and ``det`` aside; backend and precision as given."""
    return dict(backend=args.backend, precision=args.precision, device=args.device,
                threads=args.threads, pose_checkpoint=args.pose_checkpoint,
                det_checkpoint=args.det_checkpoint, keypoints=args.keypoints,
                calibration=args.calibration, det_size=args.det_size,
                precision_bound=args.precision_bound, allow_drift=args.allow_drift,
                det_interval=args.det_interval, det_thr=args.det_thr, kpt_thr=args.kpt_thr,
                redetect_iou=args.redetect_iou, smoothing=not args.no_smooth,
                track=not args.no_track)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('input', help='image, folder of images, video, or camera index')
    model_options(p)
    p.add_argument('--bundled-dets', nargs=2, metavar=('DETS', 'ANN'),
                   help='COCO detection results and the annotation file naming the images')
    p.add_argument('--max-frames', type=arg_type(integer, int, low=1),
                   help='stop after this many frames')
    p.add_argument('--reference', metavar='VIDEO',
                   help='a complete video from the same camera or encoder, to salvage the '
                   'frames of an MP4 cut before its index (a partial download)')
    p.add_argument('--keep-all-frames', action='store_true',
                   help='a camera or stream faster than the pipeline keeps every frame '
                   '(and lags); by default the frames it cannot keep up with are dropped')
    p.add_argument('--sequential', action='store_true',
                   help='read, estimate and write one step after another, in one thread '
                   '(by default reading and writing overlap the inference)')
    p.add_argument('--out', default='outputs/pose')
    p.add_argument('--no-progress', action='store_true')
    p.add_argument('--debug', action='store_true', help='a traceback on errors')
    return p



