"""What a config's ``custom_imports = ['rtmpose_plugin']`` runs.

What a config's ``custom_imports = ['rtmpose_plugin']`` runs (and ``import
rtmpose_plugin`` once mmengine or mmpose is loaded): :func:`rtmpose_plugin.build.register`
(the stack fixes of :mod:`rtmpose_plugin.compat`, then our modules into mmpose's
registries under names of their own: ``RTMSimCCHead``, ``RTMWSimCCHead``, ``GAUBlock``,
``KLDiscreteLoss``, ``ScaleNorm``, ``RTMSimCCLabel``, ``RandomCutout``, ``RandomBoxBlur``,
``RandomMedianBlur``), and our MMDeploy rewriters where MMDeploy is installed, so that
MMDeploy's own scripts export our modules.

Importing it imports the training stack (torch, mmengine, mmpose).
"""
import importlib.util as _importlib_util

from .build import register

register()

from .codecs import RTMSimCCLabel  # noqa: E402
from .datasets.transforms import RandomBoxBlur, RandomCutout, RandomMedianBlur  # noqa: E402
from .models import GAUBlock, KLDiscreteLoss, RTMSimCCHead, RTMWSimCCHead, ScaleNorm  # noqa: E402

if _importlib_util.find_spec('mmdeploy') is not None:
    from .deploy import rewriters as _rewriters  # noqa: E402,F401

__all__ = [
    'register', 'RTMSimCCLabel', 'RTMSimCCHead', 'RTMWSimCCHead', 'GAUBlock', 'KLDiscreteLoss',
    'ScaleNorm', 'RandomBoxBlur', 'RandomCutout', 'RandomMedianBlur'
]
