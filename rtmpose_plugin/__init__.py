"""rtmpose_plugin: RTMPose (Jiang et al., 2023) as an MMPose plugin.

Importing the package applies the stack fixes of :mod:`rtmpose_plugin.compat`
and registers our modules into mmpose's registries (``MODELS``,
``KEYPOINT_CODECS``) under names of their own: ``RTMSimCCHead``, ``GAUBlock``,
``KLDiscreteLoss``, ``RTMSimCCLabel``, and the transforms ``RandomCutout``,
``RandomBoxBlur``, ``RandomMedianBlur`` (``TRANSFORMS``). Configs load it with
``custom_imports = dict(imports=['rtmpose_plugin'])``.
"""
from .compat import apply_all as _apply_compat_fixes

_apply_compat_fixes()

from .codecs import RTMSimCCLabel  # noqa: E402
from .datasets import RandomBoxBlur, RandomCutout, RandomMedianBlur  # noqa: E402
from .models import GAUBlock, KLDiscreteLoss, RTMSimCCHead, ScaleNorm  # noqa: E402

import importlib.util as _importlib_util  # noqa: E402

if _importlib_util.find_spec('mmdeploy') is not None:
    # MMDeploy rewriters for our head and GAU (export to ONNX, ncnn, TensorRT)
    from .deploy import rewriters as _rewriters  # noqa: E402,F401

__version__ = '0.1.0'
__all__ = [
    'RTMSimCCLabel', 'RTMSimCCHead', 'GAUBlock', 'KLDiscreteLoss', 'ScaleNorm', 'RandomBoxBlur',
    'RandomCutout', 'RandomMedianBlur'
]
