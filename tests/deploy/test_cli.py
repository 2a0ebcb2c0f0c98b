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


def test_int8_from_a_plain_image_folder_checked_and_recorded(trained_smoke, tmp_path, capsys):
    """A user's folder of whole images, people found by a real detector: calibrated, gated,
    and the check written into detail.json."""
    import glob
    import json
    import shutil

    from ..conftest import shared
    images = tmp_path / 'my_images'
    images.mkdir()
    for path in sorted(glob.glob(osp.join(shared('coco'), '*.jpg')))[:4]:
        shutil.copy(path, images)
    # the bound: the smoke model's own INT8 drifts to about 0.97-0.99 on these crops
    out = main([trained_smoke['config'], trained_smoke['checkpoint'], '--precision', 'int8',
                '--calib-data', str(images), '--calib-det', shared('models', 'rtmdet-nano-person'),
                '--precision-bound', '0.95', '--work-dir', str(tmp_path / 'sdk')])
    check = json.load(open(out['detail.json']))['precision_check']
    assert check['passed'] and check['mean_oks'] >= check['bound'] == 0.95
    assert check['crops'] > 4  # the people in the images, not the images
    assert 'mean OKS' in capsys.readouterr().out  # each measurement said as it goes
    for bad in (['--precision-bound', '1.5'], ['--precision', 'fp16'],  # no data to check on
                ['--precision', 'int8', '--calib-data', str(tmp_path / 'missing')]):
        with pytest.raises(SystemExit) as e:
            main([trained_smoke['config'], trained_smoke['checkpoint'], '--work-dir',
                  str(tmp_path / 'bad'), *bad])
        assert e.value.code == 2
    assert not (tmp_path / 'bad').exists()
