"""Configs, the one place.

Finding one (ours by file name, or mmpose's), loading one and rewriting its data root.
Building from one is :mod:`rtmpose_plugin.build`'s.

Importing this module imports nothing of the training stack; its functions do.
"""
from __future__ import annotations

import os
import os.path as osp
from typing import Any


def config_roots() -> list:
    """Where our configs live.

    The installed package's ``.mim/configs`` (what mim reads) and the source tree's
    ``configs/``.
    """
    pkg = osp.dirname(osp.abspath(__file__))
    return [osp.join(pkg, '.mim', 'configs'), osp.join(osp.dirname(pkg), 'configs')]


def find_config(name: str) -> str:
    """A config path.

    ``name`` itself if it exists, else the config of that file name among ours
    (:func:`config_roots`).

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


def mmpose_config(rel: str) -> str:
    """The path of one of mmpose's own configs.

    The path of one of mmpose's own configs, e.g.
    ``body_2d_keypoint/rtmpose/coco/rtmpose-t_8xb256-420e_coco-256x192.py``."""
    return osp.join(mmpose_config_root(), rel)


def mmpose_config_root() -> str:
    """Where mmpose keeps its configs (and metafiles) in its installed package."""
    import mmpose
    return osp.join(osp.dirname(mmpose.__file__), '.mim', 'configs')


def load_config(config: str):
    """An mmengine ``Config`` of a config path or one of ours (by file name)."""
    from mmengine.config import Config
    return Config.fromfile(find_config(config))


def replace_data_root(cfg, new_root: str):
    """Point every path under ``cfg.data_root`` at ``new_root``.

    Point every path under ``cfg.data_root`` (datasets, annotation files,
    evaluators, detection results) at ``new_root`` instead.

    A config states its data location once as ``data_root``; this is the
    ``--data-root`` override of the train and test tools.
    """
    old = cfg.get('data_root')
    if not old:
        raise ValueError('The config has no top-level data_root to replace')
    new = new_root.rstrip('/') + '/'
    old_norm = old.rstrip('/') + '/'

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            if node == old or node.startswith(old_norm):
                return new + node[len(old_norm):] if node.startswith(old_norm) else new
            return node
        if isinstance(node, dict):
            for key in list(node.keys()):
                node[key] = walk(node[key])
            return node
        if isinstance(node, (list, tuple)):
            return type(node)(walk(v) for v in node)
        return node

    data = cfg.to_dict() if hasattr(cfg, 'to_dict') else dict(cfg)
    walk(data)
    data['data_root'] = new
    from mmengine.config import Config
    return Config(data, filename=cfg.filename)
