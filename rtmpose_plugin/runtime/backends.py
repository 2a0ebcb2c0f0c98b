"""The backends, one table.

For each its name, the files it runs, its devices and precisions, how its session is
made and how a model's meta is read from that session. :func:`open_session` is the only
dispatch from a file to a session; a backend is added with one :func:`add_backend` (its
exporter is one entry in :data:`rtmpose_plugin.deploy.export.EXPORTERS`).

============  =========================  ==================  ===========================
backend       file                       devices             precisions
============  =========================  ==================  ===========================
onnxruntime   ``.onnx``                  cpu, cuda:N         fp32, fp16, int8 (the file's)
openvino      ``.xml`` or ``.onnx``      cpu                 fp32, bf16, int8 (an INT8 IR)
ncnn          ``.param`` + ``.bin``      cpu                 fp32, fp16
tensorrt      ``.engine``                cuda:N              fp32, fp16 (as built)
pytorch       config + checkpoint        cpu, cuda:N         fp32
============  =========================  ==================  ===========================
"""
from __future__ import annotations

import os.path as osp
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Tuple

from ..errors import ModelError
from . import sessions
from .meta import META_KEY, RT_INFO_PATH, ModelMeta, resolve_meta, sidecar_path
from .sessions import Session


@dataclass(frozen=True)
class Backend:
    """One backend.

    Attributes:
        name: as ``--backend`` takes it.
        suffixes: the model files it runs; the first is its own kind (``auto`` picks
            this backend for it), the others it reads too (OpenVINO reads ONNX).
        devices: ``cpu`` and / or ``cuda``.
        precisions: what it runs in (and what its exporter makes).
        session: ``(path, precision, device, threads, **options) -> Session``;
            precision None: as the file says.
        meta: the meta a session's model carries itself (JSON text), or None.
        files: False where it runs no model file (PyTorch: a config and a checkpoint).
    """
    name: str
    suffixes: Tuple[str, ...]
    devices: Tuple[str, ...]
    precisions: Tuple[str, ...]
    session: Callable[..., Session]
    meta: Callable[[Session], Optional[str]]
    files: bool = True

    def runs_on(self, device: str) -> bool:
        return ('cpu' if device == 'cpu' else 'cuda') in self.devices


BACKENDS: Dict[str, Backend] = {}


def add_backend(backend: Backend) -> Backend:
    """Add (or replace) a backend in the table."""
    BACKENDS[backend.name] = backend
    return backend


def get_backend(name: str) -> Backend:
    """Raises ValueError naming the backends for an unknown one."""
    if name not in BACKENDS:
        raise ValueError(f'unknown backend {name!r}; known: {", ".join(BACKENDS)}')
    return BACKENDS[name]


def model_suffixes() -> Tuple[str, ...]:
    """Every model file any backend runs (``.onnx``, ``.xml``, ...)."""
    return tuple(dict.fromkeys(s for b in BACKENDS.values() for s in b.suffixes))


def owner_of(path: str) -> Optional[Backend]:
    """The backend whose own kind of file ``path`` is, or None."""
    ext = osp.splitext(path)[1].lower()
    return next((b for b in BACKENDS.values()
                 if b.files and b.suffixes and b.suffixes[0] == ext), None)


def backend_for(path: str, backend: str = 'auto') -> Backend:
    """The backend a model file runs on: ``auto`` picks by the file's kind.

    Raises:
        ValueError: an unknown backend, or a file it cannot run (with what to do).
    """
    owner = owner_of(path)
    if backend == 'auto':
        if owner is None:
            raise ModelError(f'{osp.basename(path)} is not a model file of any backend '
                             f'({", ".join(model_suffixes())})')
        return owner
    chosen = get_backend(backend)
    ext = osp.splitext(path)[1].lower()
    if ext in chosen.suffixes:
        return chosen
    if ext == '.onnx' and chosen.files:  # ONNX is what every exporter converts from
        raise ValueError(f'{chosen.name} runs a converted model: tools/deploy.py --backend '
                         f'{chosen.name}, then give its SDK folder')
    raise ValueError(f'{osp.basename(path)} is a {owner.name if owner else "foreign"} model; '
                     f'it cannot run on {chosen.name}')


def check_precision(backend: Backend, precision: Optional[str]) -> None:
    """Raises ValueError for a precision the backend does not have."""
    if precision is not None and precision not in backend.precisions:
        raise ValueError(f'{backend.name} has no {precision}; it has '
                         f'{", ".join(backend.precisions)}')


def open_session(path: str, backend: str = 'auto', precision: Optional[str] = None,
                 device: str = 'cpu', threads: int = 0, **options) -> Session:
    """The session of a model file on a backend (``auto``: by the file's kind).

    Args:
        precision: one of the backend's; None: as the file says (fp32 for most).
        options: the backend's own (OpenVINO ``input_shape``; PyTorch ``checkpoint``).

    Raises:
        ValueError: a backend, precision or device it does not have.
        FileNotFoundError, ModelError: no such file, or not a model the backend loads.
    """
    chosen = backend_for(path, backend)
    check_precision(chosen, precision)
    if not chosen.runs_on(device):
        raise ValueError(f'the {chosen.name} backend runs on {" or ".join(chosen.devices)}, '
                         f'not {device!r}')
    session = chosen.session(path, precision, device, threads, **options)
    session.path = path
    return session


def meta_of(session: Session) -> Optional[ModelMeta]:
    """The meta a session's model carries itself (or in its sidecar file), or None."""
    text = BACKENDS[session.backend].meta(session)
    if text is None and session.path and osp.isfile(sidecar_path(session.path)):
        with open(sidecar_path(session.path)) as f:
            text = f.read()
    return ModelMeta.from_json(text) if text else None


def read_meta(session, folder: Optional[str] = None, keypoints: Optional[str] = None,
              task: str = 'pose', size: Optional[int] = None) -> ModelMeta:
    """The meta of an open model (a :class:`~.sessions.Session`).

    Embedded (:func:`meta_of`), else its SDK folder's, else assumed from its input shape;
    see :func:`~.meta.resolve_meta`.
    """
    return resolve_meta(meta_of(session), session.path or 'the model', folder,
                        keypoints, task, session.input_shape, size)


# ---------------------------------------------------------------- the table

def _onnxruntime(path, precision, device, threads, **_):
    session = sessions.OnnxRuntimeSession(path, device, threads)
    if precision == 'int8':  # a QDQ model: float inputs and outputs
        session.precision = 'int8'
    return session


def _onnx_meta(session) -> Optional[str]:
    return session.session.get_modelmeta().custom_metadata_map.get(META_KEY)


def _openvino(path, precision, device, threads, input_shape=None, **_):
    return sessions.OpenVINOSession(path, precision, threads, input_shape=input_shape,
                                    device=device)


def _openvino_meta(session) -> Optional[str]:
    model = session.model
    # an IR records it under RT_INFO_PATH; an ONNX file's metadata_props OpenVINO keeps
    # under 'framework'
    for path in (RT_INFO_PATH, ['framework', META_KEY]):
        if model.has_rt_info(path):
            return str(model.get_rt_info(path).astype(str))
    return None


def _ncnn(path, precision, device, threads, **_):
    return sessions.NcnnSession(path, threads=threads, fp16=precision == 'fp16',
                                device=device)


def _tensorrt(path, precision, device, threads, **_):
    return sessions.TensorRTSession(path, device)


def _pytorch(path, precision, device, threads, checkpoint=None, **_):
    return sessions.TorchSession(path, checkpoint, device)


def _pytorch_meta(session) -> Optional[str]:
    from .meta import pose_meta_from_config
    return pose_meta_from_config(session.config).to_json()


def _sidecar(session) -> None:
    return None  # read beside the file by meta_of


add_backend(Backend('onnxruntime', ('.onnx', ), ('cpu', 'cuda'), ('fp32', 'fp16', 'int8'),
                    _onnxruntime, _onnx_meta))
add_backend(Backend('openvino', ('.xml', '.onnx'), ('cpu', ), ('fp32', 'bf16', 'int8'),
                    _openvino, _openvino_meta))
add_backend(Backend('ncnn', ('.param', ), ('cpu', ), ('fp32', 'fp16'), _ncnn, _sidecar))
add_backend(Backend('tensorrt', ('.engine', ), ('cuda', ), ('fp32', 'fp16'), _tensorrt,
                    _sidecar))
add_backend(Backend('pytorch', ('.py', ), ('cpu', 'cuda'), ('fp32', ), _pytorch, _pytorch_meta,
                    files=False))

__all__ = ['Backend', 'BACKENDS', 'add_backend', 'get_backend', 'backend_for', 'open_session',
           'meta_of', 'read_meta', 'model_suffixes', 'check_precision']
