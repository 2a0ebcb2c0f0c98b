"""The model zoo: official checkpoints found, and the README's table up to date."""
import os.path as osp
import re

from rtmpose_plugin.zoo import official_models, pose_configs

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
