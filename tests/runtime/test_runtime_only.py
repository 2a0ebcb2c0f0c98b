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


def test_runtime_venv_runs_an_exported_model(coco_sdk, tmp_path):
    """A fresh venv with the package and its ``runtime`` extra only (from PyPI)."""
    venv = tmp_path / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', str(venv)], check=True)
    py = str(venv / 'bin' / 'python')
    wheels = tmp_path / 'wheels'
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps',
                    '--no-build-isolation', '-w', str(wheels), ROOT], check=True,
                   cwd=str(tmp_path))
    wheel = next(str(wheels / f) for f in os.listdir(wheels) if f.endswith('.whl'))
    install = subprocess.run([py, '-m', 'pip', 'install', '-q', '--disable-pip-version-check',
                              f'{wheel}[runtime]'], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-3000:]
    listed = subprocess.run([py, '-m', 'pip', 'list', '--format=freeze'], capture_output=True,
                            text=True).stdout.lower()
    assert not {n for n in TRAINING_STACK if re.search(rf'^{n}==', listed, re.M)}
    out = tmp_path / 'out'
    proc = subprocess.run([py, osp.join(ROOT, 'tools', 'pose.py'),
                           shared('coco', '000000196141.jpg'), '--pose', coco_sdk, '--det',
                           shared('models', 'rtmdet-nano-person'), '--out', str(out),
                           '--no-progress'], capture_output=True, text=True, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert '17 coco keypoints each' in proc.stdout and (out / 'results.jsonl').is_file()
