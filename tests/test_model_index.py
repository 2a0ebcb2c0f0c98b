"""Our metafiles and model-index.yml: what the generator makes now from mmpose's results
and our configs, the README's table, read without mmpose, and used by mim's own search
and download (against a local server)."""
import glob
import os
import os.path as osp
import re
import shutil
import subprocess
import sys

import pytest

from rtmpose_plugin import model_index, zoo

from .conftest import ROOT
from .model_server import ModelServer

MIM = osp.join(osp.dirname(sys.executable), 'mim')


def test_the_committed_metafiles_are_what_the_generator_makes():
    made = model_index.metafiles()
    committed = {osp.relpath(p, ROOT): open(p).read() for p in glob.glob(
        osp.join(ROOT, 'configs', '**', model_index.METAFILE), recursive=True)}
    committed[model_index.INDEX] = open(osp.join(ROOT, model_index.INDEX)).read()
    assert set(made) == set(committed), 'run python tools/model_zoo.py --write'
    stale = [p for p in made if made[p] != committed[p]]
    assert not stale, f'{stale}: run python tools/model_zoo.py --write'


def test_the_readme_table_and_the_metafiles_agree():
    readme = open(osp.join(ROOT, 'README.md')).read()
    table = readme.split('<!-- zoo:begin -->')[1].split('<!-- zoo:end -->')[0]
    official = zoo.official_models()
    rows = re.findall(r'^\| (rtm\S+\.py) \| [^|]* \| [^|]* \| [^|]* \| [^|]* \| ([^|]*) \| '
                      r'([^|]*) \|$', table, re.M)
    assert len(rows) == len(zoo.pose_configs())
    for config, result, weights in rows:
        if config not in official:
            assert result.strip() == 'no official checkpoint', config
            continue
        ref = official[config]
        assert result.strip() == f'{ref.metric} {ref.value:.3f}', config
        assert f'({ref.weights})' in weights, config


def test_names_resolve_from_our_metafiles_without_mmpose():
    code = ('import sys; from rtmpose_plugin import zoo; '
            "print(zoo.keypoint_set_name('body'), zoo.keypoint_set_name('wholebody-l'), "
            "zoo.keypoint_set_name('hand'), zoo.keypoint_set_name('face'), "
            "zoo.sdk_zip_url('body').rsplit('/', 1)[1], len(zoo.official_models()), "
            "sorted({m.split('.')[0] for m in sys.modules} & {'mmpose', 'mmengine', 'torch'}))")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    body, whole, hand, face, zip_name, count, heavy = out.stdout.split(' ', 6)
    assert (body, whole, hand, face) == ('coco', 'coco_wholebody', 'coco_wholebody_hand', 'lapa')
    assert zip_name == 'rtmpose-m_simcc-body7_pt-body7_420e-256x192-e48f03d0_20230504.zip'
    assert heavy.strip() == '[]'
    # every config of ours that mmpose publishes a checkpoint for
    published = set(zoo.mmpose_official_models()) & set(zoo.pose_configs())
    assert int(count) == len(published) and set(zoo.official_models()) == published


def installed_package() -> str:
    """The installed copy of the package (what mim reads), not the checkout."""
    out = subprocess.run([sys.executable, '-c', 'import rtmpose_plugin, os; '
                          'print(os.path.dirname(rtmpose_plugin.__file__))'],
                         capture_output=True, text=True, cwd='/')
    path = out.stdout.strip()
    if out.returncode or osp.realpath(path) == osp.realpath(osp.join(ROOT, 'rtmpose_plugin')):
        pytest.fail('rtmpose_plugin is not installed (make env installs it)')
    return path


def test_mim_search_lists_our_configs_with_results_and_weights(tmp_path):
    import json
    out = tmp_path / 'search.json'
    proc = subprocess.run([MIM, 'search', 'rtmpose_plugin', '--json', str(out)],
                          capture_output=True, text=True, cwd='/')
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = json.load(open(out))
    name = 'rtmpose-m_8xb256-420e_coco-256x192'
    assert found['weight'][name].endswith(
        'rtmpose-m_simcc-coco_pt-aic-coco_420e-256x192-d8dd5ca4_20230127.pth')
    assert found['coco/ap'][name] == 0.746 and found['keypoint_set'][name] == 'coco'
    assert len(found['config']) == len(zoo.official_models())
    shown = subprocess.run([MIM, 'search', 'rtmpose_plugin', '--config', name], cwd='/',
                           capture_output=True, text=True)
    assert shown.returncode == 0 and f'config id: {name}' in shown.stdout


def test_mim_download_fetches_the_config_and_checkpoint(tmp_path):
    """mim's own download against a mirror: the installed package copied with its
    metafiles' host pointed at a local server (as a mirror's user would), and a
    checkpoint served where the metafile says."""
    pkg = installed_package()
    site = tmp_path / 'site'
    shutil.copytree(pkg, site / 'rtmpose_plugin', symlinks=False)
    for info in glob.glob(osp.join(osp.dirname(pkg), 'rtmpose_plugin-*.dist-info')):
        shutil.copytree(info, site / osp.basename(info))
    name = 'rtmpose-t_8xb256-420e_coco-256x192'
    weights = zoo.official_models()[name + '.py'].weights
    served = tmp_path / 'served'
    ckpt = served / weights.split('://', 1)[1].split('/', 1)[1]
    ckpt.parent.mkdir(parents=True)
    ckpt.write_bytes(os.urandom(4096))
    with ModelServer(str(served)) as server:
        for meta in glob.glob(str(site / 'rtmpose_plugin' / '.mim' / '**' / '*.yml'),
                              recursive=True):
            text = open(meta).read().replace('https://download.openmmlab.com', server.url)
            open(meta, 'w').write(text)
        env = dict(os.environ, PYTHONPATH=str(site))
        dest = tmp_path / 'dest'
        proc = subprocess.run([MIM, 'download', 'rtmpose_plugin', '--config', name, '--dest',
                               str(dest)], capture_output=True, text=True, cwd='/', env=env)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    assert (dest / osp.basename(weights)).read_bytes() == ckpt.read_bytes()
    dumped = (dest / f'{name}.py').read_text()
    assert 'RTMSimCCHead' in dumped and 'RTMSimCCLabel' in dumped
