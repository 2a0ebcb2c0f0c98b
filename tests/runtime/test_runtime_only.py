"""Exported models run without the training stack: tools/pose.py imports none of torch,
mmcv, mmengine, mmpose, mmdet or mmdeploy, and runs in a venv holding only
``rtmpose_plugin[runtime]``."""
import os
import os.path as osp
import re
import subprocess
import sys

import pytest

from ..conftest import ROOT, shared

pytestmark = pytest.mark.slow

TRAINING_STACK = {'torch', 'mmcv', 'mmengine', 'mmpose', 'mmdet', 'mmdeploy', 'scipy', 'onnx'}


def imported_top_level(stderr: str) -> set:
    """Top-level packages in ``python -X importtime``'s report."""
    names = set()
    for line in stderr.splitlines():
        m = re.match(r'import time:\s+\d+ \|\s+\d+ \|\s*(\S+)', line)
        if m:
            names.add(m.group(1).split('.')[0])
    return names


@pytest.mark.parametrize('backend', ['onnxruntime', 'openvino'])
def test_pose_cli_on_an_export_imports_no_training_stack(coco_sdk, tmp_path, backend):
    proc = subprocess.run(
        [sys.executable, '-X', 'importtime', osp.join(ROOT, 'tools', 'pose.py'),
         shared('coco', '000000196141.jpg'), '--pose', coco_sdk, '--det',
         shared('models', 'rtmdet-nano-person'), '--backend', backend, '--out',
         str(tmp_path), '--no-progress'], capture_output=True, text=True, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = imported_top_level(proc.stderr)
    assert {'rtmpose_plugin', 'numpy', 'cv2'} <= loaded
    assert not loaded & TRAINING_STACK, sorted(loaded & TRAINING_STACK)
    assert '17 coco keypoints each' in proc.stdout


@pytest.fixture(scope='module')
def runtime_venv(tmp_path_factory):
    """A fresh venv with the package and its ``runtime`` extra only (from PyPI): the
    path of its bin folder."""
    tmp = tmp_path_factory.mktemp('runtime_venv')
    venv = tmp / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', str(venv)], check=True)
    py = str(venv / 'bin' / 'python')
    wheels = tmp / 'wheels'
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps',
                    '--no-build-isolation', '-w', str(wheels), ROOT], check=True,
                   cwd=str(tmp))
    wheel = next(str(wheels / f) for f in os.listdir(wheels) if f.endswith('.whl'))
    install = subprocess.run([py, '-m', 'pip', 'install', '-q', '--disable-pip-version-check',
                              f'{wheel}[runtime]'], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-3000:]
    listed = subprocess.run([py, '-m', 'pip', 'list', '--format=freeze'], capture_output=True,
                            text=True).stdout.lower()
    assert not {n for n in TRAINING_STACK if re.search(rf'^{n}==', listed, re.M)}
    return venv / 'bin'


def test_runtime_venv_runs_an_exported_model(runtime_venv, coco_sdk, tmp_path):
    out = tmp_path / 'out'
    proc = subprocess.run([str(runtime_venv / 'python'), osp.join(ROOT, 'tools', 'pose.py'),
                           shared('coco', '000000196141.jpg'), '--pose', coco_sdk, '--det',
                           shared('models', 'rtmdet-nano-person'), '--out', str(out),
                           '--no-progress'], capture_output=True, text=True, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert '17 coco keypoints each' in proc.stdout and (out / 'results.jsonl').is_file()


def readme_examples():
    """The README's Python examples (the fenced blocks after ``<!-- example -->``)."""
    text = open(osp.join(ROOT, 'README.md')).read()
    return re.findall(r'<!-- example -->\s*```python\n(.*?)```', text, re.S)


def test_runtime_venv_opens_models_by_name_from_a_mirror(runtime_venv, coco_sdk, tmp_path):
    """The front door on a machine with no training stack: names resolve to published
    SDK zips, fetched from $RTMPOSE_PLUGIN_MODEL_BASE_URL (a local server laid out as
    download.openmmlab.com) into $RTMPOSE_PLUGIN_HOME, with no export. Served: our
    random-weight RTMPose-t export under the ``body`` zip's name, its keypoint meta
    stripped as OpenMMLab's carry none (the set comes from the name); the real RTMDet-nano
    SDK folder under its own zip name, and under YOLOX-m's (``Body()``'s default detector,
    as rtmlib's; no YOLOX weights can be had here)."""
    from rtmpose_plugin import zoo

    from ..model_server import OPENMMLAB_ZIPS, ModelServer, zip_sdk_folder
    root = tmp_path / 'served'
    for name, folder, strip in (('body', coco_sdk, True),
                                ('rtmdet-nano', shared('models', 'rtmdet-nano-person'), False),
                                ('yolox-m', shared('models', 'rtmdet-nano-person'), False)):
        url = zoo.sdk_zip_url(name)
        zip_sdk_folder(folder, str(root) + url.split('download.openmmlab.com', 1)[1], strip)
    image = shared('coco', '000000196141.jpg')
    examples = readme_examples()
    assert len(examples) >= 2
    with ModelServer(str(root)) as server:
        env = dict(os.environ, RTMPOSE_PLUGIN_MODEL_BASE_URL=server.url,
                   RTMPOSE_PLUGIN_HOME=str(tmp_path / 'home'))
        out = tmp_path / 'out'
        cli = subprocess.run([str(runtime_venv / 'rtmpose'), 'pose', image, '--pose', 'body',
                              '--det', 'rtmdet-nano', '--out', str(out), '--no-progress'],
                             capture_output=True, text=True, cwd=str(tmp_path), env=env)
        assert cli.returncode == 0, cli.stderr[-3000:]
        assert '17 coco keypoints each' in cli.stdout and (out / 'results.jsonl').is_file()
        listed = subprocess.run([str(runtime_venv / 'rtmpose'), 'models', 'body26'],
                                capture_output=True, text=True, env=env)
        assert listed.returncode == 0 and 'halpe26' in listed.stdout
        for example in examples:
            code = example.replace("'person.jpg'", repr(image))
            proc = subprocess.run([str(runtime_venv / 'python'), '-c', code], capture_output=True,
                                  text=True, cwd=str(tmp_path), env=env)
            assert proc.returncode == 0, (example, proc.stderr[-3000:])
            assert re.search(r'\(\d+, 17, 2\) \(\d+, 17\)', proc.stdout), proc.stdout
        hits = dict(server.hits)
    # each zip fetched once, then used from the cache (no export: no training stack here)
    assert all(v == 1 for v in hits.values()), hits
    assert len(hits) == 3
