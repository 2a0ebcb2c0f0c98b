"""Registration: the stack fixes of :mod:`rtmpose_plugin.compat`, then our modules into
mmpose's registries (``MODELS``, ``KEYPOINT_CODECS``, ``TRANSFORMS``) under names of
their own: ``RTMSimCCHead``, ``RTMWSimCCHead``, ``GAUBlock``, ``KLDiscreteLoss``, ``ScaleNorm``,
``RTMSimCCLabel``, ``RandomCutout``, ``RandomBoxBlur``, ``RandomMedianBlur``, and our
MMDeploy rewriters where MMDeploy is installed.

Importing it imports the training stack (torch, mmengine, mmpose). ``import
rtmpose_plugin`` imports it too when mmengine is already loaded, which is the case
when a config's ``custom_imports`` names ``rtmpose_plugin``.
"""
import importlib.util as _importlib_util

from .compat import apply_all as _apply_compat_fixes

_apply_compat_fixes()

from .codecs import RTMSimCCLabel  # noqa: E402
from .datasets.transforms import RandomBoxBlur, RandomCutout, RandomMedianBlur  # noqa: E402
from .models import GAUBlock, KLDiscreteLoss, RTMSimCCHead, RTMWSimCCHead, ScaleNorm  # noqa: E402

if _importlib_util.find_spec('mmdeploy') is not None:
    from .deploy import rewriters as _rewriters  # noqa: E402,F401

__all__ = [
    'RTMSimCCLabel', 'RTMSimCCHead', 'RTMWSimCCHead', 'GAUBlock', 'KLDiscreteLoss', 'ScaleNorm',
    'RandomBoxBlur', 'RandomCutout', 'RandomMedianBlur'
]
