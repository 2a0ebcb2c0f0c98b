"""Shared fixtures: the sample data beside the checkout, and small helpers."""
from __future__ import annotations

import os
import os.path as osp
import shutil
import sys

import pytest

from rtmpose_plugin.testing import random_checkpoint  # noqa: F401  (the tests' one)

# albumentations 1.4 (the reference recipe's) checks PyPI for updates when imported
os.environ.setdefault('NO_ALBUMENTATIONS_UPDATE', '1')

# the plugin half: our modules registered and the stack fixes applied in the test process
import rtmpose_plugin.register  # noqa: E402,F401

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SHARED_DATA = os.environ.get('RTMPOSE_SHARED_DATA', osp.join(osp.dirname(ROOT), 'shared', 'data'))
PYTHON = sys.executable


def shared(*parts: str) -> str:
    """A path in the read-only sample data; fails the test if it is missing."""
    path = osp.join(SHARED_DATA, *parts)
    if not osp.exists(path):
        pytest.fail(f'sample data {path} is missing: the tests need ../shared/data beside the '
                    'checkout (or RTMPOSE_SHARED_DATA)')
    return path


@pytest.fixture
def coco_copy(tmp_path):
    """A writable copy of the COCO sample folder."""
    dst = tmp_path / 'coco'
    shutil.copytree(shared('coco'), dst)
    return str(dst)


@pytest.fixture(scope='session')
def trained_smoke(tmp_path_factory):
    """RTMPose-t trained by the smoke config on the COCO samples, once per session:
    dict(config, checkpoint, seconds (wall), cpu_seconds (this process, all threads),
    metrics)."""
    import time

    from rtmpose_plugin.build import smoke_runner
    work = tmp_path_factory.mktemp('smoke')
    runner, config, checkpoint = smoke_runner(shared('coco'), str(work))
    start, cpu_start = time.perf_counter(), time.process_time()
    runner.train()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    metrics = runner.test()
    return dict(config=config, checkpoint=checkpoint, seconds=seconds,
                cpu_seconds=cpu_seconds, metrics=metrics)


@pytest.fixture(scope='session', autouse=True)
def model_cache(tmp_path_factory):
    """Exports and conversions go to a cache of this test session, not the user's."""
    os.environ['RTMPOSE_PLUGIN_HOME'] = str(tmp_path_factory.mktemp('model_cache'))


@pytest.fixture(scope='session')
def coco_sdk(tmp_path_factory):
    """RTMPose-t (COCO) with random weights, exported as an SDK folder, once."""
    from rtmpose_plugin.deploy import deploy
    tmp = tmp_path_factory.mktemp('coco_sdk')
    config = 'rtmpose-t_8xb256-420e_coco-256x192.py'
    deploy(config, random_checkpoint(config, str(tmp / 'random.pth')), str(tmp / 'sdk'))
    return str(tmp / 'sdk')
