"""Configs: finding one of ours by file name, and building a pose model from one.

Importing this module imports nothing of the training stack; its functions do.
"""
from __future__ import annotations

import os
import os.path as osp


def config_roots() -> list:
    """Where our configs live: the installed package's ``.mim/configs`` (what mim reads)
    and the source tree's ``configs/``."""
    pkg = osp.dirname(osp.abspath(__file__))
    return [osp.join(pkg, '.mim', 'configs'), osp.join(osp.dirname(pkg), 'configs')]


def find_config(name: str) -> str:
    """A config path: ``name`` itself if it exists, else the config of that file name
    among ours (:func:`config_roots`).

    Raises:
        FileNotFoundError: naming where it looked.
    """
    if osp.isfile(name):
        return name
    base = osp.basename(name)
    roots = config_roots()
    for root in roots:
        for dirpath, _, files in os.walk(root, followlinks=True):
            if base in files:
                return osp.join(dirpath, base)
    raise FileNotFoundError(f'config {name!r} is neither a file nor a config of rtmpose_plugin '
                            f'(looked in {", ".join(r for r in roots if osp.isdir(r))}); ours '
                            'are the .py files under configs/')


def init_pose_model(config: str, checkpoint: str, device: str = 'cpu'):
    """A pose model built from a config (path or one of ours) with a checkpoint, in eval
    mode on ``device`` (mmpose's ``init_model``, after our registration)."""
    from . import register  # noqa: F401  (our modules and the stack fixes)
    from mmpose.apis import init_model
    return init_model(find_config(config), checkpoint, device=device).eval()
