"""Every RTMPose model mmpose 1.3.2 ships: its weights load into our config of the same
name (strict) and predict the same.

mmpose's model is built from mmpose's own config and randomly initialised (no official
weights can be downloaded here); its state dict is saved as a checkpoint, loaded into
ours with ``strict=True``, and both models run on the same input at the config's size.
"""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import load_checkpoint, save_checkpoint

from rtmpose_plugin.config import find_config, mmpose_config_root

from ..conftest import ROOT

MMPOSE_CONFIGS = mmpose_config_root()


def mmpose_rtmpose_configs():
    """mmpose's RTMPose-family configs (RTMPose and RTMW; DWPose distillation aside)."""
    found = glob.glob(osp.join(MMPOSE_CONFIGS, '*', 'rtmpose', '**', 'rtm*.py'), recursive=True)
    return sorted(osp.relpath(p, MMPOSE_CONFIGS) for p in found)


ALL = mmpose_rtmpose_configs()
OURS = [rel for rel in ALL if osp.isfile(osp.join(ROOT, 'configs', rel))]
#: mmpose's configs we do not have (none)
NOT_YET = set()


def build(path):
    cfg = Config.fromfile(path)
    cfg.model.backbone.pop('init_cfg', None)
    cfg.model.backbone.norm_cfg = dict(type='BN')
    if cfg.model.get('neck'):
        cfg.model.neck.norm_cfg = dict(type='BN')
    init_default_scope('mmpose')
    from mmpose.registry import MODELS
    return MODELS.build(cfg.model)


def test_every_mmpose_rtmpose_config_is_ours_or_listed():
    assert len(ALL) == 54
    assert set(ALL) - set(OURS) == NOT_YET


def check_same_model(mmpose_path, ours_path, tmp_path):
    ref = build(mmpose_path).eval()
    ours = build(ours_path).eval()
    torch.manual_seed(1)
    for m in ref.modules():  # BN statistics of a trained model, not the identity
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    path = str(tmp_path / 'official.pth')
    save_checkpoint(dict(state_dict=ref.state_dict(), meta=dict(epoch=1)), path)
    load_checkpoint(ours, path, strict=True)
    w, h = Config.fromfile(ours_path).codec['input_size']
    torch.manual_seed(0)
    x = torch.randn(1, 3, h, w)
    with torch.no_grad():
        outs = list(zip(ref._forward(x), ours._forward(x)))
    assert len(outs) == 2
    for a, b in outs:
        assert a.shape == b.shape
        assert (a - b).abs().max().item() <= 1e-4


@pytest.mark.parametrize('rel', OURS)
def test_mmpose_weights_load_strictly_and_predict_the_same(rel, tmp_path):
    check_same_model(osp.join(MMPOSE_CONFIGS, rel), osp.join(ROOT, 'configs', rel), tmp_path)


def test_the_sample_config_takes_rtmpose_t_weights(tmp_path):
    check_same_model(
        osp.join(MMPOSE_CONFIGS, 'body_2d_keypoint/rtmpose/coco/rtmpose-t_8xb256-420e_coco-256x192.py'),
        find_config('rtmpose-t_1xb4-120e_coco-sample-256x192.py'), tmp_path)
