"""rtmpose_plugin: RTMPose (Jiang et al., 2023) as an MMPose plugin.

Three doors:

- the API (:mod:`rtmpose_plugin.api`, :mod:`rtmpose_plugin.solutions`): ``RTMPose``
  (a pose model and a detector by name, file, SDK folder, zip or config; results and a
  ``.stream``) and rtmlib's ``Body``, ``BodyWithFeet``, ``Wholebody``, ``Hand``,
  ``Animal``, ``Custom`` and ``PoseTracker``; ``extract`` (:mod:`rtmpose_plugin.corpus`),
  pose over a whole corpus on a process pool or Ray;
- the plugin (:mod:`rtmpose_plugin.register`): our GAU, RTMCC head, SimCC codec, KL loss
  and transforms registered into mmpose's registries, with the stack fixes;
- the runtime (:mod:`rtmpose_plugin.runtime`): exported models on ONNX Runtime,
  OpenVINO, ncnn or TensorRT with NumPy and OpenCV only.

Importing the package imports none of torch, mmcv, mmengine, mmpose, mmdet or mmdeploy.
Registration never depends on the import order: where mmengine or mmpose is already
loaded (a config's ``custom_imports``, a training process) importing this package
registers everything; otherwise the first import of mmpose does, before anything of
mmpose's is used (an import hook), so ``Config.fromfile`` of one of our configs and
``mmpose.apis.init_model`` work after a plain ``import rtmpose_plugin`` too.

Our classes are also reachable as attributes (``rtmpose_plugin.RTMSimCCHead``), which
registers them on first use; so are the API's (``rtmpose_plugin.Body``).
"""
import sys as _sys

__version__ = '0.1.0'

_REGISTERED = ('RTMSimCCLabel', 'RTMSimCCHead', 'RTMWSimCCHead', 'GAUBlock', 'KLDiscreteLoss',
               'ScaleNorm', 'RandomBoxBlur', 'RandomCutout', 'RandomMedianBlur')
_API = {'RTMPose': 'api', 'PoseResult': 'api', 'Body': 'solutions',
        'BodyWithFeet': 'solutions', 'Wholebody': 'solutions', 'Hand': 'solutions',
        'Animal': 'solutions', 'Custom': 'solutions', 'PoseTracker': 'solutions',
        'draw_skeleton': 'solutions', 'extract': 'corpus'}
__all__ = list(_REGISTERED) + list(_API)


def _initializing(module) -> bool:
    return bool(getattr(getattr(module, '__spec__', None), '_initializing', False))


def _ours_mid_import() -> list:
    """Our modules being imported right now (their code is running).

    Registering then would re-enter them half made.
    """
    return [m for n, m in list(_sys.modules.items())
            if n.startswith(__name__ + '.') and _initializing(m)]


def _register_now_or_soon() -> None:
    """Register, unless one of our modules is mid-import (our own code importing mmpose).

    Then at the first import made once those are done.
    """
    waiting = _ours_mid_import()
    if waiting:
        _sys.meta_path.insert(0, _RegisterAfterMMPose(waiting))
    else:
        from . import register  # noqa: F401  (the stack fixes, then our modules)


class _RegisterAfterMMPose:  # a sys.meta_path finder (importlib.abc costs 20 ms to import)
    """Registers our modules once mmpose has been imported.

    Registers our modules right after ``mmpose/__init__.py`` has run, the first time
    mmpose is imported in this process (then leaves ``sys.meta_path``); with ``waiting``
    (our modules mid-import then), at the first import of anything once they are done."""

    def __init__(self, waiting: list = ()) -> None:
        self.waiting = list(waiting)

    def find_spec(self, fullname, path=None, target=None):
        if self.waiting:
            if not any(_initializing(m) for m in self.waiting):
                _sys.meta_path.remove(self)
                from . import register  # noqa: F401
            return None
        if fullname != 'mmpose':
            return None
        _sys.meta_path.remove(self)  # once; and the real finders answer below
        import importlib.util
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenRegister(spec.loader)
        return spec


class _ThenRegister:  # an importlib loader
    """mmpose's own loader, then our registration (everything else is the loader's)."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _register_now_or_soon()


if 'mmengine' in _sys.modules or 'mmpose' in _sys.modules:
    from . import register as _register  # noqa: F401
elif not any(isinstance(f, _RegisterAfterMMPose) for f in _sys.meta_path):
    _sys.meta_path.insert(0, _RegisterAfterMMPose())


def __getattr__(name):
    if name in _REGISTERED:
        from . import register
        return getattr(register, name)
    if name in _API:
        import importlib
        return getattr(importlib.import_module(f'.{_API[name]}', __name__), name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
