"""tools/deploy.py's logic: an SDK folder out; what cannot be had is a usage error."""
import os.path as osp

import pytest

from rtmpose_plugin.deploy.cli import main

from ..conftest import random_checkpoint

pytestmark = pytest.mark.slow
CONFIG = 'rtmpose-t_8xb256-420e_coco-256x192.py'


def test_deploy_cli_writes_an_sdk_folder(tmp_path):
    ckpt = random_checkpoint(CONFIG, str(tmp_path / 'random.pth'))
    out = main([CONFIG, ckpt, '--work-dir', str(tmp_path / 'sdk')])
    assert out['model'].endswith('end2end.onnx')
    assert all(osp.isfile(out[k]) for k in ('deploy.json', 'pipeline.json', 'detail.json'))
    with pytest.raises(SystemExit) as e:  # ncnn has no int8: said, with what it has
        main([CONFIG, ckpt, '--backend', 'ncnn', '--precision', 'int8', '--work-dir',
              str(tmp_path / 'x')])
    assert e.value.code == 2
