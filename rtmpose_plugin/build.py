"""Registration and the builders that need it.

Our modules into mmpose's registries with the stack fixes (:func:`register`,
idempotent), a model from a config, a pose model with its checkpoint, the smoke training
runner. Every builder registers first, in whatever process it runs (a worker, a
subprocess), as a config's ``custom_imports`` would.

Importing this module imports nothing of the training stack; its functions do.
"""
from __future__ import annotations

import os.path as osp

from .config import find_config, load_config

_registered = False


def register() -> None:
    """Register the stack fixes and our modules, once per process.

    The stack fixes (:mod:`rtmpose_plugin.compat`), then our modules into mmpose's
    registries (``MODELS``, ``KEYPOINT_CODECS``, ``TRANSFORMS``); once per process.
    MMDeploy's rewriters of our modules are :mod:`rtmpose_plugin.deploy`'s."""
    global _registered
    if _registered:
        return
    from .compat import apply_all
    apply_all()
    from . import codecs, models  # noqa: F401  (registered on import)
    from .datasets import transforms  # noqa: F401
    # as mmpose's register_all_modules(init_default_scope=True): a model built from one of
    # our configs (default_scope mmpose) finds mmpose's parts (PoseDataPreprocessor) when
    # no scope has been set; a scope already set is kept
    from mmengine.registry import DefaultScope, init_default_scope
    if DefaultScope.get_current_instance() is None:
        init_default_scope('mmpose')
    _registered = True


def build_model(config, cfg=None):
    """The model of a config, built on CPU in eval mode (SyncBN as BN, no weights loaded)."""
    from mmengine.registry import MODELS, init_default_scope

    register()
    cfg = cfg or load_config(config)
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    model_cfg = cfg.model
    for part in ('backbone', 'neck'):  # RTMW's neck has SyncBN too
        if (model_cfg.get(part) or {}).get('norm_cfg', {}).get('type') == 'SyncBN':
            model_cfg[part].norm_cfg = dict(type='BN')
    return MODELS.build(model_cfg).eval(), cfg


def init_pose_model(config, checkpoint: str, device: str = 'cpu'):
    """A pose model from a config and checkpoint, in eval mode.

    A pose model built from a config (loaded, a path or one of ours) with a
    checkpoint, in eval mode on ``device`` (mmpose's ``init_model``, after
    :func:`register`)."""
    register()
    from mmpose.apis import init_model
    if isinstance(config, str):
        config = find_config(config)
    return init_model(config, checkpoint, device=device).eval()


def smoke_runner(coco_dir: str, work_dir: str):
    """The smoke training runner (RTMPose-t on the COCO samples).

    (runner, config path, final checkpoint path) of the smoke config (RTMPose-t on
    the COCO samples), quiet, validating and saving once at the end."""
    from mmengine.runner import Runner

    from .config import replace_data_root
    from .datasets.samples import SMOKE_CONFIG
    register()
    config = find_config(SMOKE_CONFIG)
    cfg = replace_data_root(load_config(config), coco_dir)
    cfg.work_dir = work_dir
    epochs = cfg.train_cfg.max_epochs  # the schedule is computed for it: not overridden
    cfg.train_cfg.val_interval = epochs
    cfg.default_hooks.checkpoint.interval = epochs
    cfg.default_hooks.logger.interval = 10
    cfg.log_level = 'WARNING'
    return Runner.from_cfg(cfg), config, osp.join(work_dir, f'epoch_{epochs}.pth')
