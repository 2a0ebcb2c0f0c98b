"""Opening a model for the pipeline, the CLI, the demo and the benchmarks: one place.

What ``--pose`` and ``--det`` accept (:func:`open_pose_model`, :func:`open_detector`):

- an MMDeploy SDK folder (``deploy.json`` naming the model file, ``pipeline.json``,
  ``detail.json``), as ``tools/deploy.py`` writes and OpenMMLab publishes;
- an SDK zip as OpenMMLab publishes them (unpacked once into the cache);
- a model file: ``.onnx``, OpenVINO ``.xml``, ncnn ``.param``, TensorRT ``.engine``;
- a model name (``body``, ``rtmpose-m``, ``rtmdet-nano``; ``rtmpose models`` lists
  them): OpenMMLab's published ONNX SDK zip where there is one, downloaded once
  (:mod:`rtmpose_plugin.hub`), with no training stack; else the official checkpoint,
  exported once into the cache as an SDK folder (this needs the training stack);
- a config of ours (or a path) with a checkpoint: exported likewise.

The cache (:func:`rtmpose_plugin.hub.home`) is keyed by content:
an export by the hashes of the checkpoint and of the resolved config and the export
options; a conversion (fp16, INT8, OpenVINO IR) by the hash of the ONNX file, the
calibration data and the recipe. A retrained checkpoint under the same name is exported
anew.
"""
from __future__ import annotations

import hashlib
import json
import os
import os.path as osp
from dataclasses import replace
from typing import Callable, Optional, Sequence, Tuple

import numpy as np

from ..runtime.meta import (ModelError, ModelMeta, is_sdk_folder, read_meta, sdk_model_file)
from ..runtime.models import Detector, PoseModel
from ..runtime.sessions import EXPORT_PRECISIONS
from .. import hub
from ..zoo import (DETECTOR_SIZES, NAMES, keypoint_set_name, name_of_zip, resolve,
                   name_hint, sdk_zip_url)

MODEL_FILES = ('.onnx', '.xml', '.param', '.engine')
#: backend -> precisions it runs: what each exports to, and PyTorch
PRECISIONS = dict(EXPORT_PRECISIONS, pytorch=('fp32', ))


def cache_dir() -> str:
    """The model cache (:func:`rtmpose_plugin.hub.home`)."""
    return hub.home()


file_digest = hub.file_digest


def config_digest(config: str) -> str:
    """The hash of a config as resolved (its bases included), not of its file."""
    from mmengine.config import Config
    cfg = Config.fromfile(config)
    text = json.dumps(cfg.to_dict(), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _key(*parts: str) -> str:
    return hashlib.sha256('\0'.join(parts).encode()).hexdigest()[:16]


_cached = hub.make_once


def export_cached(config: str, checkpoint: str, task: str = 'pose',
                  det_size: int = 640) -> str:
    """The SDK folder of a config + checkpoint, exported once (ONNX Runtime fp32) into the
    cache, keyed by the checkpoint's and the resolved config's content."""
    from ..config import find_config
    from ..deploy import export as exp
    config = find_config(config)
    options = f'{task}:{det_size if task == "detection" else ""}'
    key = _key(file_digest(checkpoint), config_digest(config), options)
    folder = osp.join(cache_dir(), 'export',
                      f'{osp.splitext(osp.basename(checkpoint))[0]}_{key}')

    def make(tmp):
        if task == 'pose':
            exp.deploy(config, checkpoint, tmp)
        else:
            exp.deploy_detector(config, checkpoint, tmp, det_size)

    return _cached(folder, 'deploy.json', make)


def unpack_sdk_zip(path: str) -> str:
    """The SDK folder inside an SDK zip, unpacked once into the cache (by content).

    Raises:
        ModelError: not a zip, or no ``deploy.json`` in it.
    """
    return hub.unpack_sdk_zip(path, ModelError)


def training_stack_missing() -> list:
    """The packages an export needs that are not installed (none: it can export)."""
    import importlib.util
    return [m for m in ('torch', 'mmengine', 'mmcv', 'mmpose', 'mmdeploy')
            if importlib.util.find_spec(m) is None]


def _locate_name(name: str, checkpoint: Optional[str], task: str,
                 det_size: int) -> Tuple[str, str, Optional[str]]:
    """(model file, SDK folder, keypoint set) of a model name: its published zip, or
    its checkpoint exported (with the training stack)."""
    if (name in DETECTOR_SIZES) != (task == 'detection'):
        raise ModelError(f'{name!r} is a {"detector" if name in DETECTOR_SIZES else "pose"}'
                         f' model name, given as the {task} model')
    url = None if checkpoint else sdk_zip_url(name)
    keypoints = None if task == 'detection' else keypoint_set_name(name)
    if url is not None:
        try:
            folder = unpack_sdk_zip(hub.download(url))
        except hub.DownloadError as e:
            raise ModelError(f'{e}; or give an SDK folder or zip for {name!r}') from None
        return sdk_model_file(folder), folder, keypoints
    if NAMES[name][0] is None:
        raise ModelError(f'{name!r} is published as an ONNX SDK zip only: give the zip or '
                         'its folder to use other weights')
    missing = training_stack_missing()
    if missing:
        raise ModelError(
            f'{name!r} has no published ONNX SDK zip, and exporting its checkpoint needs the '
            f'training stack ({", ".join(missing)} not installed): install it '
            '(tools/setup_env.sh), or give an SDK folder or zip exported elsewhere')
    config, ckpt = resolve(name, checkpoint)
    folder = export_cached(config, ckpt, task, DETECTOR_SIZES.get(name, det_size))
    return sdk_model_file(folder), folder, None


# ---------------------------------------------------------------- locating a model

def locate(spec: str, checkpoint: Optional[str] = None, task: str = 'pose',
           det_size: int = 640) -> Tuple[str, Optional[str]]:
    """(model file, SDK folder or None) for what ``--pose`` / ``--det`` was given."""
    return locate_model(spec, checkpoint, task, det_size)[:2]


def locate_model(spec: str, checkpoint: Optional[str] = None, task: str = 'pose',
                 det_size: int = 640) -> Tuple[str, Optional[str], Optional[str]]:
    """(model file, SDK folder or None, keypoint set a model name implies or None) for
    what ``--pose`` / ``--det`` was given.

    Raises:
        FileNotFoundError: a path that does not exist.
        ModelError: a folder that is no SDK folder, a file of an unknown kind.
    """
    named = name_of_zip(spec) if spec.endswith('.zip') and not checkpoint else None
    if named is not None and spec.startswith(('http://', 'https://')):
        return _locate_name(named, None, task, det_size)  # a published zip, by its URL
    if spec.startswith(('http://', 'https://')):
        if not spec.endswith(('.zip', ) + MODEL_FILES):
            raise ModelError(f'{spec}: a URL must name an SDK zip or a model file')
        try:
            spec = hub.download(spec)
        except hub.DownloadError as e:
            raise ModelError(str(e)) from None
    if spec.endswith('.zip'):
        if not osp.isfile(spec):
            raise FileNotFoundError(f'SDK zip {spec} does not exist')
        folder = unpack_sdk_zip(spec)
        return (sdk_model_file(folder), folder,
                keypoint_set_name(named) if named and task == 'pose' else None)
    if osp.isdir(spec):
        if not is_sdk_folder(spec):
            raise ModelError(f'{spec} is a folder but not an MMDeploy SDK folder (no '
                             'deploy.json): give the folder tools/deploy.py wrote, or a model '
                             'file')
        return sdk_model_file(spec), spec, None
    if spec.endswith(MODEL_FILES):
        if not osp.isfile(spec):
            raise FileNotFoundError(f'model file {spec} does not exist')
        return spec, None, None
    if spec in NAMES:
        return _locate_name(spec, checkpoint, task, det_size)
    if spec.endswith('.py'):
        if not checkpoint:
            raise ValueError(f'the config {spec} needs a checkpoint (--pose-checkpoint / '
                             '--det-checkpoint)')
        config, ckpt = resolve(spec, checkpoint)
        folder = export_cached(config, ckpt, task, det_size)
        return sdk_model_file(folder), folder, None
    if osp.exists(spec):
        raise ModelError(f'{spec} is not a model: expected an SDK folder or zip, a '
                         f'{"/".join(MODEL_FILES)} file, a config or a model name')
    raise FileNotFoundError(f'{spec!r} is neither a file, a folder nor a model name '
                            f'({name_hint(spec)})')


def _backend_of(path: str, backend: str) -> str:
    """The backend a model file runs on; ``auto`` picks by the file's kind."""
    by_ext = {'.xml': 'openvino', '.param': 'ncnn', '.engine': 'tensorrt'}
    ext = osp.splitext(path)[1]
    if backend == 'auto':
        return by_ext.get(ext, 'onnxruntime')
    if ext in by_ext and by_ext[ext] != backend:
        raise ValueError(f'{osp.basename(path)} is a {by_ext[ext]} model; it cannot run on '
                         f'{backend}')
    if ext == '.onnx' and backend in ('ncnn', 'tensorrt'):
        raise ValueError(f'{backend} runs a converted model: tools/deploy.py --backend '
                         f'{backend}, then give its SDK folder')
    return backend


def _convert(onnx_path: str, meta: ModelMeta, backend: str, precision: str,
             calibration: Optional[Callable[[], np.ndarray]], calibration_id: str) -> str:
    """A converted copy of an ONNX pose model (ORT fp16 / INT8, OpenVINO INT8 IR), made
    once into the cache, keyed by the ONNX file's content and how it is converted."""
    from ..deploy import export as exp
    from ..deploy.openvino import INT8_RECIPE, to_openvino
    recipe = INT8_RECIPE if backend == 'openvino' else 'ort-qdq-minmax'
    key = _key(file_digest(onnx_path), backend, precision, calibration_id,
               recipe if precision == 'int8' else '')
    name = 'end2end_int8.xml' if backend == 'openvino' else f'end2end_{precision}.onnx'
    folder = osp.join(cache_dir(), backend, key)

    def make(tmp):
        out = osp.join(tmp, name)
        if backend == 'openvino':
            to_openvino(onnx_path, out, 'int8', calibration(), meta=meta)
        elif precision == 'fp16':
            exp.to_fp16(onnx_path, out)
        else:
            exp.quantize_int8(onnx_path, out, calibration(), meta)

    return osp.join(_cached(folder, name, make), name)


# ---------------------------------------------------------------- opening

def open_pose_model(spec: str, checkpoint: Optional[str] = None, backend: str = 'auto',
                    precision: Optional[str] = None, device: str = 'cpu', threads: int = 0,
                    keypoints: Optional[str] = None,
                    calibration: Optional[Callable[[Sequence[int]], np.ndarray]] = None,
                    calibration_id: str = '') -> PoseModel:
    """A pose model ready for the pipeline.

    Args:
        spec: See the module note.
        checkpoint: For a config (or to override a model name's official checkpoint).
        backend: ``auto`` (by the file's kind, ONNX Runtime for ONNX), ``onnxruntime``,
            ``openvino``, ``ncnn``, ``tensorrt`` or ``pytorch`` (a config or a name).
        precision: one of :data:`PRECISIONS` of the backend; ``int8`` quantizes an ONNX
            model once (cached), calibrated on ``calibration(input_size)`` crops. None:
            as an OpenVINO IR records it, else fp32.
        device: ``cpu`` or ``cuda:N`` where the backend has it.
        keypoints: the keypoint set of a model that carries none (a foreign model).
        calibration_id: names the calibration data in the cache key.

    Raises:
        FileNotFoundError, ValueError, ModelError: with what was expected and found.
    """
    from ..runtime import sessions
    if backend == 'pytorch':
        if precision not in (None, 'fp32'):
            raise ValueError('the PyTorch backend runs fp32 only')
        if spec not in NAMES and not spec.endswith('.py'):
            raise ValueError('the PyTorch backend runs a config with a checkpoint, or a model '
                             f'name; {spec!r} is neither')
        from ..deploy.meta import pose_meta_from_config
        config, ckpt = resolve(spec, checkpoint)
        session = sessions.TorchSession(config, ckpt, device)
        return PoseModel(session, pose_meta_from_config(session.config), name=spec)
    model_file, folder, named_keypoints = locate_model(spec, checkpoint, 'pose')
    keypoints = keypoints or named_keypoints
    backend = _backend_of(model_file, backend)
    if precision is None and backend != 'openvino':
        precision = 'fp32'
    if precision is not None and precision not in PRECISIONS[backend]:
        raise ValueError(f'{backend} has no {precision}; it has '
                         f'{", ".join(PRECISIONS[backend])}')
    # ONNX Runtime fp32 runs the file as it is: its session is opened once, and a bare
    # file's input shape read from it rather than from a second session
    session = _pose_session(model_file, backend, precision, device, threads) \
        if backend == 'onnxruntime' and precision == 'fp32' else None
    meta = read_meta(model_file, folder, keypoints, 'pose',
                     input_shape=(lambda: session.input_shape) if session else
                     (lambda: _input_shape(model_file)))
    name = folder or model_file
    if model_file.endswith('.onnx') and (precision in ('fp16', 'int8')):
        if precision == 'int8' and calibration is None:
            raise ValueError('int8 needs calibration data: --calibration DATA (a folder laid '
                             'out like the sample data, with coco/test_coco.json)')
        model_file = _convert(model_file, meta, backend, precision,
                              (lambda: calibration(meta.input_size)) if calibration else None,
                              calibration_id)
    if session is None:
        session = _pose_session(model_file, backend, precision, device, threads)
    return PoseModel(session, meta, name=name)


def _pose_session(model_file: str, backend: str, precision: Optional[str], device: str,
                  threads: int):
    from ..runtime import sessions
    if backend == 'onnxruntime':
        session = sessions.OnnxRuntimeSession(model_file, device, threads)
        if precision == 'int8':  # a QDQ model: float inputs and outputs
            session.precision = 'int8'
        return session
    if backend == 'openvino':
        return sessions.OpenVINOSession(model_file, precision, threads, device=device)
    if backend == 'ncnn':
        return sessions.NcnnSession(model_file, threads=threads, fp16=precision == 'fp16',
                                    device=device)
    return sessions.TensorRTSession(model_file, device)


def _input_shape(model_file: str):
    """A bare ONNX file's input shape (for its assumed meta); None for other files."""
    if not model_file.endswith('.onnx'):
        return None
    from ..runtime.sessions import OnnxRuntimeSession
    return OnnxRuntimeSession(model_file).input_shape


def open_detector(spec: str, checkpoint: Optional[str] = None, backend: str = 'onnxruntime',
                  precision: str = 'fp32', device: str = 'cpu', threads: int = 0,
                  size: Optional[int] = None) -> Detector:
    """An RTMDet for the pipeline: ``spec`` as for :func:`open_pose_model`; ONNX Runtime
    (fp32) or OpenVINO (``fp32`` / ``bf16``). ``size``: the letterbox size, where the
    model does not say it (a bare ONNX file) or to override it."""
    from ..runtime import sessions
    model_file, folder, _ = locate_model(spec, checkpoint, 'detection', size or 640)
    if backend not in ('onnxruntime', 'openvino'):
        raise ValueError(f'the detector runs on onnxruntime or openvino, not {backend}')
    # on ONNX Runtime the session is opened once, and a bare file's shape read from it
    session = sessions.OnnxRuntimeSession(model_file, device, threads) \
        if backend == 'onnxruntime' else None
    meta = read_meta(model_file, folder, task='detection',
                     input_shape=(lambda: session.input_shape) if session else
                     (lambda: _input_shape(model_file)), size=size)
    if size and tuple(meta.input_size) != (size, size):  # asked for, over what it says
        meta = replace(meta, input_size=(size, size),
                       assumed=meta.assumed + [f'input {size}x{size} (asked for)'])
    w, h = meta.input_size
    if backend == 'openvino':
        # a static input: OpenVINO runs RTMDet-nano much faster than with a dynamic one
        session = sessions.OpenVINOSession(model_file, precision, threads,
                                           input_shape=(1, 3, h, w), device=device)
    return Detector(session, meta, name=folder or model_file)

