"""rtmpose_plugin: RTMPose (Jiang et al., 2023) as an MMPose plugin.

Two halves:

- the plugin (:mod:`rtmpose_plugin.register`): our GAU, RTMCC head, SimCC codec, KL loss
  and transforms registered into mmpose's registries, with the stack fixes. Configs load
  it with ``custom_imports = dict(imports=['rtmpose_plugin'])``: mmengine has been
  imported by then, and importing this package registers everything;
- the runtime (:mod:`rtmpose_plugin.runtime`): exported models on ONNX Runtime,
  OpenVINO, ncnn or TensorRT with NumPy and OpenCV only. Importing the package alone,
  as the runtime does, imports none of torch, mmcv, mmengine, mmpose, mmdet or mmdeploy.

Our classes are also reachable as attributes (``rtmpose_plugin.RTMSimCCHead``), which
registers them on first use.
"""
import sys as _sys

__version__ = '0.1.0'

_REGISTERED = ('RTMSimCCLabel', 'RTMSimCCHead', 'RTMWSimCCHead', 'GAUBlock', 'KLDiscreteLoss',
               'ScaleNorm', 'RandomBoxBlur', 'RandomCutout', 'RandomMedianBlur')
__all__ = list(_REGISTERED)

if 'mmengine' in _sys.modules:  # a config's custom_imports, or a training process
    from . import register as _register  # noqa: F401


def __getattr__(name):
    if name in _REGISTERED:
        from . import register
        return getattr(register, name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
