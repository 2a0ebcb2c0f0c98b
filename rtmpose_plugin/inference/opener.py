"""The model opener.

What ``--pose`` / ``--det`` name, resolved once into a :class:`ModelSpec` (model file,
SDK folder, backend, precision), then opened as a
:class:`~rtmpose_plugin.runtime.PoseModel` or :class:`~rtmpose_plugin.runtime.Detector`
on one session of the backend table (:mod:`rtmpose_plugin.runtime.backends`), whose meta
is read from that session. The one place for the pipeline, the CLI, the API, the demo
and the benchmarks.

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
from dataclasses import dataclass, replace
from typing import Callable, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from .. import hub
from ..errors import ModelError
from ..runtime.backends import (BACKENDS, backend_for, check_precision, model_suffixes,
                                open_session, read_meta)
from ..runtime.estimators import Detector, PoseModel, task_of
from ..runtime.meta import ModelMeta, is_sdk_folder, resolve_meta, sdk_model_file
from ..zoo import (DETECTOR_SIZES, NAMES, keypoint_set_name, name_hint, name_of_zip, resolve,
                   sdk_zip_url)


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
    """The SDK folder of a config and checkpoint, exported once into the cache.

    The SDK folder of a config + checkpoint, exported once (ONNX Runtime fp32) into the
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
    """(model file, SDK folder, keypoint set) of a model name.

    Its published zip, or its checkpoint exported (with the training stack).
    """
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

class Located(NamedTuple):
    """Where a ``--pose`` / ``--det`` led.

    Found once, then passed on, never looked up again (the backend choice reads its file's
    kind, the resolver takes it as it is).

    Attributes:
        file: the model file.
        folder: its SDK folder, or None.
        keypoints: the keypoint set a model name implies, or None.
    """
    file: str
    folder: Optional[str]
    keypoints: Optional[str]


def locate(spec: str, checkpoint: Optional[str] = None, task: str = 'pose',
           det_size: int = 640) -> Tuple[str, Optional[str]]:
    """(model file, SDK folder or None) for what ``--pose`` / ``--det`` was given."""
    return locate_model(spec, checkpoint, task, det_size)[:2]


def locate_model(spec: str, checkpoint: Optional[str] = None, task: str = 'pose',
                 det_size: int = 640) -> Located:
    """Where what ``--pose`` / ``--det`` was given leads (a :class:`Located`).

    Raises:
        FileNotFoundError: a path that does not exist.
        ModelError: a folder that is no SDK folder, a file of an unknown kind.
    """
    return Located(*_locate(spec, checkpoint, task, det_size))


def _locate(spec: str, checkpoint: Optional[str], task: str,
            det_size: int) -> Tuple[str, Optional[str], Optional[str]]:
    named = name_of_zip(spec) if spec.endswith('.zip') and not checkpoint else None
    if named is not None and spec.startswith(('http://', 'https://')):
        return _locate_name(named, None, task, det_size)  # a published zip, by its URL
    if spec.startswith(('http://', 'https://')):
        if not spec.endswith(('.zip', ) + model_suffixes()):
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
    if spec.endswith(model_suffixes()) and not spec.endswith('.py'):
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
                         f'{"/".join(s for s in model_suffixes() if s != ".py")} file, a config or '
                         'a model name')
    raise FileNotFoundError(f'{spec!r} is neither a file, a folder nor a model name '
                            f'({name_hint(spec)})')


# ---------------------------------------------------------------- resolving, once

@dataclass(frozen=True)
class ModelSpec:
    """What a ``--pose`` / ``--det`` resolved to, once: the value the opener passes down.

    Attributes:
        task: ``pose`` or ``detection``.
        file: the model file (a config for PyTorch).
        folder: its SDK folder, or None.
        backend, precision: what it runs on and in (precision None: as the file records).
        device: ``cpu`` or ``cuda:N``.
        keypoints: the keypoint set a model name implies or the caller named, or None.
        checkpoint: PyTorch's weights.
        size: a detector's letterbox size asked for, or None.
    """
    task: str
    file: str
    folder: Optional[str]
    backend: str
    precision: Optional[str]
    device: str = 'cpu'
    keypoints: Optional[str] = None
    checkpoint: Optional[str] = None
    size: Optional[int] = None

    @property
    def name(self) -> str:
        return self.folder or self.file

    @property
    def converted(self) -> bool:
        """An ONNX file run in a precision it is converted to first (fp16, INT8)."""
        return self.file.endswith('.onnx') and self.precision in ('fp16', 'int8')


def runs_files(backend: str) -> bool:
    """Whether a backend runs a located model file.

    Whether ``backend`` (or ``auto``) runs a located model file (PyTorch runs a
    config with its checkpoint instead)."""
    return backend == 'auto' or bool(BACKENDS[backend].files)


def resolve_model(spec: Union[str, Located], checkpoint: Optional[str] = None, task: str = 'pose',
                  backend: str = 'auto', precision: Optional[str] = None,
                  device: str = 'cpu', keypoints: Optional[str] = None,
                  size: Optional[int] = None) -> ModelSpec:
    """Locate ``spec`` and check it against the backend table.

    ``spec`` (see the module note, or a :class:`Located` already) located and checked
    against the backend table.

    Raises:
        FileNotFoundError, ValueError, ModelError: with what was expected and found.
    """
    if backend != 'auto' and backend not in BACKENDS:
        raise ValueError(f'unknown backend {backend!r}; known: auto, {", ".join(BACKENDS)}')
    if not runs_files(backend):  # PyTorch: config + checkpoint
        if isinstance(spec, Located):
            raise ValueError(f'the {backend} backend runs a config with a checkpoint, or a '
                             f'model name; {spec.file} is a model file')
        if task != 'pose':
            raise ValueError(f'the detector runs on an exported model, not on {backend}')
        if spec not in NAMES and not spec.endswith('.py'):
            raise ValueError(f'the {backend} backend runs a config with a checkpoint, or a '
                             f'model name; {spec!r} is neither')
        check_precision(BACKENDS[backend], precision)
        config, ckpt = resolve(spec, checkpoint)
        return ModelSpec(task, config, None, backend, precision or 'fp32', device,
                         keypoints, ckpt)
    model_file, folder, named = spec if isinstance(spec, Located) else \
        locate_model(spec, checkpoint, task, size or 640)
    chosen = backend_for(model_file, backend)
    if precision is None and chosen.name != 'openvino':
        precision = 'fp32'
    check_precision(chosen, precision)
    return ModelSpec(task, model_file, folder, chosen.name, precision, device,
                     keypoints or (named if task == 'pose' else None), size=size)


# ---------------------------------------------------------------- opening

def calibration_id(calibration: Optional[str]) -> str:
    """Names calibration data in a conversion's cache key: its path, size and time."""
    if not calibration:
        return ''
    path = osp.abspath(calibration)
    try:
        st = os.stat(path)
        return f'{path}:{st.st_size}:{st.st_mtime_ns}'
    except OSError:
        return path


def check_calibration(precision: Optional[str], calibration: bool) -> None:
    """Refuse to make INT8 without calibration data.

    Raises ValueError where INT8 is to be made without calibration data (an INT8 IR,
    made already, needs none)."""
    if precision == 'int8' and not calibration:
        raise ValueError('int8 needs calibration data: --calibration DATA (a folder of '
                         'images, a video, or a folder laid out like the sample data)')


def open_model(spec: ModelSpec, threads: int = 0,
               calibration: Optional[Callable[[Sequence[int]], np.ndarray]] = None,
               calibration_id: str = '', gate: Optional[dict] = None):
    """The :class:`PoseModel` or :class:`Detector` of a resolved spec.

    One session, its meta read from it (an ONNX file converted first where its precision
    asks for it, through the precision gate where there are crops to check it on:
    ``gate``, :func:`rtmpose_plugin.deploy.precision.gate`'s options). A pose model's
    ``precision_check`` is what its folder records (None where nothing was checked).
    """
    model_file = spec.file
    if spec.converted:
        check_calibration(spec.precision, calibration is not None)
        model_file = _convert(spec, calibration, calibration_id, gate or {})
    session = open_session(model_file, spec.backend, spec.precision, spec.device, threads,
                           checkpoint=spec.checkpoint)
    found = task_of(session)
    if found is not None and found != spec.task:  # before its meta, which would mislead
        raise ModelError(f'{spec.name} is a {found} model, not a {spec.task} model (its '
                         f'outputs: {", ".join(session.output_names)})')
    if spec.task == 'pose':
        model = PoseModel(session, read_meta(session, spec.folder, spec.keypoints),
                          name=spec.name)
        from ..deploy.precision import read_check
        model.precision_check = read_check(osp.dirname(model_file) if spec.converted
                                           else spec.folder)
        return model
    meta = _sized(read_meta(session, spec.folder, task='detection', size=spec.size), spec.size)
    if spec.backend == 'openvino':
        # a static input: OpenVINO runs RTMDet-nano much faster than with a dynamic one
        w, h = meta.input_size
        session.reshape((1, 3, h, w))
    return Detector(session, meta, name=spec.name)


def _sized(meta: ModelMeta, size: Optional[int]) -> ModelMeta:
    if size and tuple(meta.input_size) != (size, size):  # asked for, over what it says
        meta = replace(meta, input_size=(size, size),
                       assumed=meta.assumed + [f'input {size}x{size} (asked for)'])
    return meta


def _file_meta(spec: ModelSpec) -> ModelMeta:
    """A pose model's meta read from its file, for its conversion.

    A pose model's meta before it is opened, for its conversion (read with the onnx
    package, which a conversion needs anyway)."""
    from ..deploy.embed import file_meta
    shape = None
    embedded = file_meta(spec.file)
    if embedded is None and spec.folder is None and spec.file.endswith('.onnx'):
        import onnx
        dims = onnx.load(spec.file, load_external_data=False).graph.input[0].type.tensor_type
        shape = tuple(d.dim_value or None for d in dims.shape.dim)
    return resolve_meta(embedded, spec.file, spec.folder, spec.keypoints, spec.task, shape)


def _convert(spec: ModelSpec, calibration: Optional[Callable[[Sequence[int]], np.ndarray]],
             calibration_id: str, gate: dict) -> str:
    """A converted copy of an ONNX pose model, made once into the cache.

    A converted copy of an ONNX pose model (ORT fp16 / INT8, OpenVINO INT8 IR), made
    once into the cache, keyed by the ONNX file's content and how it is converted; the
    meta (a named keypoint set included) embedded in it. Where there are crops (always
    for INT8), it passes the precision gate first, against the ONNX file in fp32, and
    its folder's ``detail.json`` records the check."""
    from ..deploy import export as exp
    from ..deploy.openvino import INT8_RECIPE, to_openvino
    from ..deploy.precision import DEFAULT_BOUND, make_gated, write_check
    backend, precision, onnx_path = spec.backend, spec.precision, spec.file
    recipe = INT8_RECIPE if backend == 'openvino' else 'ort-qdq-minmax'
    gate = dict(dict(bound=DEFAULT_BOUND, allow_drift=False, fallback=True), **gate)
    key = _key(file_digest(onnx_path), backend, precision, calibration_id,
               recipe if precision == 'int8' else '', spec.keypoints or '', spec.folder or '',
               json.dumps({k: v for k, v in gate.items() if k != 'log'} if calibration
                          else {}, sort_keys=True))
    name = 'end2end_int8.xml' if backend == 'openvino' else f'end2end_{precision}.onnx'
    folder = osp.join(cache_dir(), backend, key)

    def make(tmp):
        meta = _file_meta(spec)
        crops = calibration(meta.input_size) if calibration else None
        if backend == 'openvino':
            def convert(keep, path):
                return to_openvino(onnx_path, path, 'int8', crops, meta=meta, keep_fp32=keep)
        elif precision == 'fp16':
            def convert(keep, path):
                return exp.to_fp16(onnx_path, path, meta, keep_fp32=keep)
        else:
            def convert(keep, path):
                return exp.quantize_int8(onnx_path, path, crops, meta, keep_fp32=keep)
        if crops is None:  # fp16 without data to check it on
            convert((), osp.join(tmp, name))
            return
        _, check = make_gated(convert, osp.join(tmp, name), onnx_path, 'onnxruntime', backend,
                              precision, meta, crops, **gate)
        write_check(tmp, check)

    return osp.join(_cached(folder, name, make), name)


def open_pose_model(spec: str, checkpoint: Optional[str] = None, backend: str = 'auto',
                    precision: Optional[str] = None, device: str = 'cpu', threads: int = 0,
                    keypoints: Optional[str] = None,
                    calibration: Optional[Callable[[Sequence[int]], np.ndarray]] = None,
                    calibration_id: str = '', gate: Optional[dict] = None) -> PoseModel:
    """A pose model ready for the pipeline: :func:`resolve_model` then :func:`open_model`.

    Args:
        spec: See the module note.
        checkpoint: For a config (or to override a model name's official checkpoint).
        backend: ``auto`` (by the file's kind, ONNX Runtime for ONNX) or a backend of
            :data:`rtmpose_plugin.runtime.backends.BACKENDS` (``pytorch``: a config or a
            name).
        precision: one of the backend's; ``int8`` quantizes an ONNX model once (cached),
            calibrated on ``calibration(input_size)`` crops. None: as an OpenVINO IR
            records it, else fp32.
        device: ``cpu`` or ``cuda:N`` where the backend has it.
        keypoints: the keypoint set of a model that carries none (a foreign model).
        calibration_id: names the calibration data in the cache key.
        gate: the precision gate's options of a conversion
            (:func:`rtmpose_plugin.deploy.precision.gate`: bound, allow_drift, fallback).

    Raises:
        FileNotFoundError, ValueError, ModelError: with what was expected and found.
    """
    return open_model(resolve_model(spec, checkpoint, 'pose', backend, precision, device,
                                    keypoints), threads, calibration, calibration_id, gate)


def open_detector(spec: str, checkpoint: Optional[str] = None, backend: str = 'onnxruntime',
                  precision: str = 'fp32', device: str = 'cpu', threads: int = 0,
                  size: Optional[int] = None) -> Detector:
    """An RTMDet for the pipeline: ``spec`` as for :func:`open_pose_model`.

    ONNX Runtime (fp32) or OpenVINO (``fp32`` / ``bf16``). ``size``: the letterbox size,
    where the model does not say it (a bare ONNX file) or to override it.
    """
    if backend not in ('onnxruntime', 'openvino'):
        raise ValueError(f'the detector runs on onnxruntime or openvino, not {backend}')
    return open_model(resolve_model(spec, checkpoint, 'detection', backend, precision, device,
                                    size=size), threads)
