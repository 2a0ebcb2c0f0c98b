"""Shared fixtures: the sample data beside the checkout, and small helpers."""
from __future__ import annotations

import os
import os.path as osp
import shutil
import sys

import pytest

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
