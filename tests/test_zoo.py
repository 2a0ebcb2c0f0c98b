"""The model zoo: model names resolved, official checkpoints found, and the README's
table up to date."""
import os.path as osp
import re

import pytest

from rtmpose_plugin.zoo import (FAMILIES, NAMES, SDK_ZIPS, official_models, official_url,
                                pose_configs, resolve, sdk_zip_url)

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
    listed = set(re.findall(r'^\| (rtm\S+\.py) \|', table, re.M))
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


#: mmpose's metafile aliases we give to another config, and why
ALIAS_CHOICES = {
    'wholebody': 'mmpose gives it to both RTMW-m and RTMPose-m on COCO-WholeBody; ours is '
    'RTMW, as rtmlib\'s Wholebody (RTMPose-m is wholebody-rtmpose)',
    'face': 'mmpose gives it to both RTMPose-m on LaPa and on Face6; ours is Face6',
    'rtmpose-l': 'our name for RTMPose-l on COCO since before; mmpose\'s (Body8 384x288) is '
    'body-l-384',
}


def metafile_aliases():
    import glob

    import yaml

    from rtmpose_plugin.config import mmpose_config_root
    out = []
    for path in glob.glob(osp.join(mmpose_config_root(), '**', '*.yml'), recursive=True):
        for model in (yaml.safe_load(open(path)) or {}).get('Models', []):
            alias = model.get('Alias') or []
            for a in [alias] if isinstance(alias, str) else alias:
                if 'rtmpose' in path:
                    out.append((a, osp.basename(model['Config'])))
    return out


def test_every_mmpose_alias_names_the_same_model_here_or_is_a_stated_choice():
    aliases = metafile_aliases()
    assert {a for a, _ in aliases} >= {'body', 'human', 'body17', 'body26', 'wholebody', 'hand',
                                        'face', 'animal'}
    for alias, config in aliases:
        assert alias in NAMES, alias
        if NAMES[alias][0] != config:
            assert alias in ALIAS_CHOICES, (alias, config, NAMES[alias][0])
    assert NAMES['wholebody'][0] == 'rtmw-m_8xb1024-270e_cocktail14-256x192.py'
    assert NAMES['face'][0] == 'rtmpose-m_8xb256-120e_face6-256x256.py'


def test_family_names_cover_every_config_of_their_family():
    for tag, (family, _) in FAMILIES.items():
        configs = {c for c in pose_configs()
                   if re.match(rf'^rtm\w*-\w_[^_]+_{re.escape(tag)}-\d+x\d+\.py$', c)}
        assert configs, tag
        named = {c for n, (c, _) in NAMES.items() if n == family or n.startswith(family + '-')}
        assert configs <= named, (family, sorted(configs - named))
    assert NAMES['body-l-384'][0] == 'rtmpose-l_8xb256-420e_body8-384x288.py'
    assert NAMES['body26-x-384'][0] == 'rtmpose-x_8xb256-700e_body8-halpe26-384x288.py'
    assert NAMES['wholebody-x-384'][0] == 'rtmw-x_8xb320-270e_cocktail14-384x288.py'


def test_names_resolve_to_metafile_checkpoints_and_published_onnx_zips():
    official = official_models()
    for name, (config, url) in NAMES.items():
        if url is None and config in official:
            assert official_url(name) == official[config].weights
    assert official_url('body').endswith(
        'rtmpose-m_simcc-body7_pt-body7_420e-256x192-e48f03d0_20230504.pth')
    assert sdk_zip_url('body') == (
        'https://download.openmmlab.com/mmpose/v1/projects/rtmposev1/onnx_sdk/'
        'rtmpose-m_simcc-body7_pt-body7_420e-256x192-e48f03d0_20230504.zip')
    assert sdk_zip_url('wholebody-l-384') == (
        'https://download.openmmlab.com/mmpose/v1/projects/rtmw/onnx_sdk/'
        'rtmw-dw-x-l_simcc-cocktail14_270e-384x288_20231122.zip')
    # RTMW-m's checkpoint and rtmlib's lightweight Wholebody zip are one model (rtmw-dw-l-m);
    # OpenMMLab's other RTMW-m zip (rtmw-dw-m-s) is another
    assert sdk_zip_url('wholebody') == (
        'https://download.openmmlab.com/mmpose/v1/projects/rtmw/onnx_sdk/'
        'rtmw-dw-l-m_simcc-cocktail14_270e-256x192_20231122.zip')
    # every published zip belongs to a name's official checkpoint
    checkpoints = {osp.basename(official_url(n) or '') for n in NAMES}
    assert set(SDK_ZIPS) <= checkpoints, sorted(set(SDK_ZIPS) - checkpoints)


def test_a_config_without_an_official_checkpoint_asks_for_one():
    assert official_url('wholebody-ubody') is None
    with pytest.raises(ValueError, match='publishes no checkpoint'):
        resolve('wholebody-ubody')
