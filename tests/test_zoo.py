"""The model zoo: model names resolved, official checkpoints found, and the README's
table up to date."""
import os.path as osp
import re

import pytest

from rtmpose_plugin.zoo import NAMES, official_models, pose_configs, resolve

from .conftest import ROOT


def test_official_results_are_read_from_mmpose_metafiles():
    official = official_models()
    m = official['rtmpose-m_8xb256-420e_coco-256x192.py']
    assert m.metric == 'AP' and m.value == 0.746
    assert m.weights.endswith('rtmpose-m_simcc-coco_pt-aic-coco_420e-256x192-d8dd5ca4_20230127.pth')
    assert official['rtmpose-m_8xb64-210e_mpii-256x256.py'].metric == 'PCKh@0.5'


def test_readme_lists_every_pose_config():
    readme = open(osp.join(ROOT, 'README.md')).read()
    table = readme.split('<!-- zoo:begin -->')[1].split('<!-- zoo:end -->')[0]
    listed = set(re.findall(r'^\| (rtmpose-\S+\.py) \|', table, re.M))
    assert listed == set(pose_configs())


def test_model_names_resolve_to_configs_and_cached_checkpoints(tmp_path, monkeypatch):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path))
    config, url = NAMES['rtmdet-nano']
    cached = tmp_path / 'hub' / 'checkpoints' / osp.basename(url)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b'x')
    cfg_path, ckpt = resolve('rtmdet-nano')  # cached: no network
    assert cfg_path.endswith(config) and ckpt == str(cached)
    cfg_path, ckpt = resolve('rtmpose-t', checkpoint=str(cached))  # a local path
    assert cfg_path.endswith('rtmpose-t_8xb256-420e_coco-256x192.py')
    with pytest.raises(ValueError, match='not a model name'):
        resolve('no-such-model')
    with pytest.raises(FileNotFoundError, match='does not exist'):
        resolve('rtmpose-t', checkpoint=str(tmp_path / 'missing.pth'))
