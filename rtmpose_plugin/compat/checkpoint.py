"""Loading mmengine checkpoints under ``torch.load(weights_only=True)``.

Upstream problem: torch >= 2.6 loads with ``weights_only=True`` by default, and
mmengine 0.10.7 calls ``torch.load(filename, map_location=...)``. Checkpoints
that mmengine saves pickle NumPy arrays (dataset meta), ``HistoryBuffer`` and
NumPy scalars (message hub), so every ``load_from``, ``--resume``, ``mim test``
and MMDeploy model load fails with ``Unsupported global:
numpy._core.multiarray._reconstruct``.

The fix keeps ``weights_only`` safety: the exact globals found in mmengine
checkpoints (ours and the official RTMPose ones, saved under NumPy 1) are on an
allow-list; a checkpoint that needs anything else is refused with
:class:`UntrustedCheckpointError`, which names the globals and the explicit
opt-in for a file the user trusts (:func:`trust_checkpoint` or the
``RTMPOSE_PLUGIN_TRUSTED_CHECKPOINTS`` environment variable).
"""
from __future__ import annotations

import os
import os.path as osp
import pickle
from typing import IO, Any, Callable, List, Set, Tuple, Union

import numpy as np
import torch

TRUSTED_ENV = 'RTMPOSE_PLUGIN_TRUSTED_CHECKPOINTS'
_trusted: Set[str] = set()

FileLike = Union[str, os.PathLike, IO[bytes]]


class UntrustedCheckpointError(pickle.UnpicklingError):
    """A checkpoint needs pickle globals outside the allow-list."""


def _numpy_globals() -> List[Union[Callable, Tuple[Callable, str]]]:
    """NumPy objects that array and scalar pickles reference.

    NumPy 1 pickled them as ``numpy.core.multiarray.*``; NumPy 2 as
    ``numpy._core.multiarray.*``. Both spellings are allowed, bound to the
    objects of the NumPy that is installed.
    """
    multiarray = np._core.multiarray if hasattr(np, '_core') else np.core.multiarray
    entries: List[Union[Callable, Tuple[Callable, str]]] = [np.ndarray, np.dtype]
    for name in ('_reconstruct', 'scalar'):
        obj = getattr(multiarray, name)
        entries.append((obj, f'numpy._core.multiarray.{name}'))
        entries.append((obj, f'numpy.core.multiarray.{name}'))
    # dtype pickles reference their DType class (numpy >= 1.25)
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        for name in dir(dtypes):
            obj = getattr(dtypes, name)
            if isinstance(obj, type) and name.endswith('DType'):
                entries.append(obj)
    return entries


def _history_buffer_method(obj: Any, name: str) -> Callable:
    """Stands in for ``getattr`` when unpickling.

    mmengine's ``HistoryBuffer`` pickles its statistics methods as ``getattr(HistoryBuffer,
    'mean')``. Only that lookup is allowed, not ``getattr`` on anything else.
    """
    from mmengine.logging.history_buffer import HistoryBuffer
    if obj is HistoryBuffer and isinstance(name, str) and not name.startswith('_') \
            and callable(getattr(HistoryBuffer, name, None)):
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(
        f'checkpoint asks for getattr({obj!r}, {name!r}); only HistoryBuffer statistics '
        'methods are allowed')


def allowed_globals() -> List[Union[Callable, Tuple[Callable, str]]]:
    """The allow-list: every global an mmengine checkpoint may reference."""
    from mmengine.logging.history_buffer import HistoryBuffer
    return _numpy_globals() + [
        HistoryBuffer,
        (_history_buffer_method, 'builtins.getattr'),
        (_history_buffer_method, '__builtin__.getattr'),
    ]


def trust_checkpoint(path: Union[str, os.PathLike]) -> None:
    """Opt in, explicitly, to load ``path`` with full unpickling.

    Only for a file from a source you trust: unpickling can run arbitrary code.
    The same opt-in from the shell: ``RTMPOSE_PLUGIN_TRUSTED_CHECKPOINTS=path``
    (several paths separated by ``os.pathsep``).
    """
    _trusted.add(osp.realpath(os.fspath(path)))


def _is_trusted(f: FileLike) -> bool:
    if not isinstance(f, (str, os.PathLike)):
        return False
    path = osp.realpath(os.fspath(f))
    env = [osp.realpath(p) for p in os.environ.get(TRUSTED_ENV, '').split(os.pathsep) if p]
    return path in _trusted or path in env


def pickle_globals(path: str) -> List[str]:
    """The globals a legacy torch file's or a pickle's pickles reference, unpickling nothing.

    The globals (``module.name``) that the pickles of a legacy (non-zip) torch file or
    a plain pickle file reference, read with ``pickletools`` without unpickling. A legacy
    torch file is several pickles followed by raw storage bytes: reading stops there."""
    import pickletools
    names: List[str] = []
    with open(path, 'rb') as f:
        while True:
            strings: List[str] = []
            try:
                for op, arg, _ in pickletools.genops(f):
                    if 'UNICODE' in op.name or 'STRING' in op.name:
                        strings.append(arg.decode('latin-1') if isinstance(arg, bytes)
                                       else str(arg))
                    elif op.name == 'GLOBAL':
                        names.append(str(arg).replace(' ', '.'))
                    elif op.name == 'STACK_GLOBAL' and len(strings) >= 2:
                        names.append(f'{strings[-2]}.{strings[-1]}')
            except Exception:  # the storage bytes after the pickles, or a damaged file
                break
            if not f.read(1):
                break
            f.seek(-1, os.SEEK_CUR)
    return list(dict.fromkeys(names))


class NotACheckpointError(ValueError):
    """A file given as a checkpoint that is no checkpoint at all (not a torch file)."""


def _looks_like_checkpoint(path: str) -> bool:
    """Whether ``path`` is a torch zip (with a ``data.pkl``) or starts as a pickle does."""
    import pickletools
    import zipfile
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                return any(n.endswith('data.pkl') for n in z.namelist())
        with open(path, 'rb') as f:
            head = f.read(2)
            if len(head) == 2 and head[0] == 0x80 and 2 <= head[1] <= 5:  # PROTO n
                return True
            if head[:1] not in (b'(', b'c', b'}', b']'):  # how protocol 0 / 1 pickles start
                return False
            f.seek(0)
            return any(op.name == 'STOP' for op, _, _ in pickletools.genops(f))
    except (OSError, ValueError, zipfile.BadZipFile):
        return False


def _unsafe_globals(f: FileLike) -> List[str]:
    import zipfile
    try:
        if zipfile.is_zipfile(f):
            names = torch.serialization.get_unsafe_globals_in_checkpoint(f)
        else:
            names = pickle_globals(os.fspath(f))
    except Exception:  # a stream that cannot be re-read
        return []
    allowed = {
        e[1] if isinstance(e, tuple) else f'{e.__module__}.{e.__qualname__}'
        for e in allowed_globals()
    }
    return [n for n in names if n not in allowed]


def load_checkpoint_file(f: FileLike, map_location: Any = None) -> Any:
    """``torch.load`` with ``weights_only=True`` and the mmengine allow-list.

    Args:
        f: A path or a binary file object.
        map_location: As for :func:`torch.load`.

    Returns:
        The unpickled checkpoint.

    Raises:
        UntrustedCheckpointError: The file needs globals outside the allow-list
            and was not marked trusted with :func:`trust_checkpoint`.
    """
    if _is_trusted(f):
        # The explicit opt-in for a file the user trusts, and nothing else.
        return torch.load(f, map_location=map_location, weights_only=False)
    try:
        with torch.serialization.safe_globals(allowed_globals()):
            return torch.load(f, map_location=map_location, weights_only=True)
    except (EOFError, RuntimeError) as err:  # an empty file, a zip that is no torch file
        if isinstance(f, (str, os.PathLike)) and not _looks_like_checkpoint(os.fspath(f)):
            raise NotACheckpointError(
                f'{os.fspath(f)!r} is not a checkpoint: neither a torch zip nor a pickle '
                f'(torch said: {str(err).splitlines()[0] if str(err) else type(err).__name__})'
            ) from None
        raise
    except pickle.UnpicklingError as err:
        name = os.fspath(f) if isinstance(f, (str, os.PathLike)) else repr(f)
        if isinstance(f, (str, os.PathLike)) and not _looks_like_checkpoint(os.fspath(f)):
            raise NotACheckpointError(
                f'{name!r} is not a checkpoint: neither a torch zip nor a pickle (torch '
                f'said: {str(err).splitlines()[0]})') from None
        bad = _unsafe_globals(f) if isinstance(f, (str, os.PathLike)) else []
        what = ', '.join(bad) if bad else 'a global outside the allow-list'
        raise UntrustedCheckpointError(
            f'Refused to load checkpoint {name!r}: it needs {what}, which is not on '
            'rtmpose_plugin\'s allow-list of checkpoint globals, and unpickling it '
            'could run arbitrary code. If you trust this file, opt in for it '
            f'explicitly: `{TRUSTED_ENV}={name}` in the environment or '
            f'`rtmpose_plugin.compat.trust_checkpoint({name!r})` in Python. '
            f'(torch said: {str(err).splitlines()[0]})') from err


def checkpoint_cache_dir() -> str:
    """Where downloaded checkpoints are kept: ``<torch hub dir>/checkpoints``."""
    return osp.join(torch.hub.get_dir(), 'checkpoints')


def download_checkpoint(url: str, cache_dir: str | None = None) -> str:
    """Download ``url`` once into the checkpoint cache and return the local path.

    A file already in the cache is used as it is, offline. A failed download
    raises :class:`rtmpose_plugin.hub.DownloadError` (a ``RuntimeError``) naming
    the URL, the error and where to put the file by hand.
    """
    from ..hub import download
    return download(url, dest=cache_dir or checkpoint_cache_dir())
