"""Every training config of ours: it parses, imports the plugin, avoids mmpose's broken
Albumentation transform, and builds its model and pipelines."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from .conftest import ROOT

CONFIGS = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in p and osp.sep + 'deploy' + osp.sep not in p)


def uses_type(node, name):
    if isinstance(node, dict):
        return node.get('type') == name or any(uses_type(v, name) for v in node.values())
    if isinstance(node, (list, tuple)):
        return any(uses_type(v, name) for v in node)
    return False


def test_there_are_configs():
    assert CONFIGS


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, ROOT))
def test_config_builds(path):
    cfg = Config.fromfile(path)
    assert 'rtmpose_plugin' in cfg.custom_imports['imports']
    assert not uses_type(cfg.to_dict(), 'Albumentation'), \
        'mmpose\'s Albumentation transform breaks on albumentations 2.x'
    init_default_scope(cfg.default_scope)
    from mmengine.registry import MODELS, TRANSFORMS
    model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) > 0
    for key in ('train_dataloader', 'val_dataloader'):
        for step in cfg[key].dataset.get('pipeline', []):
            TRANSFORMS.build(step)
