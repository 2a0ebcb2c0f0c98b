"""A whole RTMPose model saved from mmpose's own config loads into ours (strict)."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import load_checkpoint, save_checkpoint

from rtmpose_plugin.config import find_config, mmpose_config_root

MMPOSE_CONFIGS = mmpose_config_root()

PAIRS = [
    ('body_2d_keypoint/rtmpose/coco/rtmpose-t_8xb256-420e_coco-256x192.py',
     'rtmpose-t_1xb4-120e_coco-sample-256x192.py'),
]


def build(path, **head_overrides):
    cfg = Config.fromfile(path)
    cfg.model.backbone.pop('init_cfg', None)
    cfg.model.backbone.norm_cfg = dict(type='BN')
    init_default_scope('mmpose')
    from mmpose.registry import MODELS
    return MODELS.build(cfg.model)


@pytest.mark.parametrize('mmpose_cfg, ours_cfg', PAIRS)
def test_mmpose_checkpoint_loads_strictly_and_predicts_the_same(mmpose_cfg, ours_cfg, tmp_path):
    ref = build(osp.join(MMPOSE_CONFIGS, mmpose_cfg)).eval()
    ours = build(find_config(ours_cfg)).eval()
    path = str(tmp_path / 'official.pth')
    save_checkpoint(dict(state_dict=ref.state_dict(), meta=dict(epoch=420)), path)
    load_checkpoint(ours, path, strict=True)
    x = torch.randn(2, 3, 256, 192)
    with torch.no_grad():
        for a, b in zip(ref._forward(x), ours._forward(x)):
            assert (a - b).abs().max().item() <= 1e-5
