"""A new user's path (issue 2): mim train / mim test / --resume from any directory with
the smoke config, then MMDeploy export of that checkpoint to ONNX and ONNX Runtime on a
real person crop. Slow: about a minute."""
import json
import os
import os.path as osp
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from ..conftest import ROOT, shared

CONFIG = 'rtmpose-t_1xb4-120e_coco-sample-256x192.py'
MIM = osp.join(osp.dirname(sys.executable), 'mim')


def run(cmd, cwd):
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900,
                          env=dict(os.environ, PYTHONWARNINGS='ignore'))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f'{" ".join(cmd)} failed:\n{out[-4000:]}'
    return out


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """mim train for 2 epochs from an unrelated directory; the work dir."""
    cwd = tmp_path_factory.mktemp('elsewhere')
    data = cwd / 'coco'
    shutil.copytree(shared('coco'), data)
    work = cwd / 'work'
    out = run([MIM, 'train', 'rtmpose_plugin', CONFIG, '--work-dir', str(work), '--data-root',
               str(data), '--cfg-options', 'train_cfg.max_epochs=2', 'train_cfg.val_interval=2',
               'default_hooks.checkpoint.interval=1'], cwd=str(cwd))
    assert osp.isfile(work / 'epoch_2.pth'), out[-3000:]
    return cwd, work, data, out


@pytest.mark.slow
def test_mim_train_saves_checkpoints_and_validates(trained):
    _, work, _, out = trained
    assert 'coco/AP' in out
    assert re.search(r'Epoch\(train\) \[2\]', out)


@pytest.mark.slow
def test_mim_test_loads_the_checkpoint_and_prints_coco_ap(trained):
    cwd, work, data, _ = trained
    out = run([MIM, 'test', 'rtmpose_plugin', CONFIG, '--checkpoint', str(work / 'epoch_2.pth'),
               '--data-root', str(data), '--work-dir', str(cwd / 'test_work')], cwd=str(cwd))
    match = re.search(r'coco/AP: (\d\.\d+)', out)
    assert match, out[-3000:]
    assert 0.0 <= float(match.group(1)) <= 1.0


@pytest.mark.slow
def test_resume_continues_from_the_last_checkpoint(trained):
    cwd, work, data, _ = trained
    out = run([MIM, 'train', 'rtmpose_plugin', CONFIG, '--work-dir', str(work), '--data-root',
               str(data), '--resume', '--cfg-options', 'train_cfg.max_epochs=3',
               'train_cfg.val_interval=3'], cwd=str(cwd))
    assert re.search(r'resumed epoch: 2', out), out[-3000:]
    assert 'Epoch(train) [1]' not in out  # nothing redone
    assert osp.isfile(work / 'epoch_3.pth')


@pytest.mark.slow
def test_mmdeploy_exports_the_checkpoint_and_onnxruntime_runs_a_crop(trained, tmp_path):
    import torch
    from mmpose.apis import init_model

    from rtmpose_plugin.config import find_config
    from rtmpose_plugin.core.topdown import crop_person
    from rtmpose_plugin.deploy import deploy
    from rtmpose_plugin.inference import open_pose_model

    _, work, data, _ = trained
    onnx_path = deploy(find_config(CONFIG), str(work / 'epoch_2.pth'), str(tmp_path))['model']
    assert osp.isfile(onnx_path)

    ann = json.load(open(osp.join(data, 'test_coco.json')))
    a = next(a for a in ann['annotations'] if a['num_keypoints'] > 5)
    img_info = next(i for i in ann['images'] if i['id'] == a['image_id'])
    import cv2
    image = cv2.imread(osp.join(data, img_info['file_name']))
    crop, _ = crop_person(image, np.array(a['bbox'], np.float32), (192, 256))

    ort_model = open_pose_model(str(tmp_path))  # the SDK folder
    kp_ort, s_ort = ort_model(crop[None])

    model = init_model(find_config(CONFIG), str(work / 'epoch_2.pth'), device='cpu')
    mean = np.array([123.675, 116.28, 103.53], np.float32)
    std = np.array([58.395, 57.12, 57.375], np.float32)
    x = torch.from_numpy(((crop[..., ::-1] - mean) / std).transpose(2, 0, 1)[None].copy())
    with torch.no_grad():
        sx, sy = model.head(model.extract_feat(x))
    from rtmpose_plugin.core import decode_simcc
    kp_pt, s_pt = decode_simcc(sx.numpy(), sy.numpy())
    assert kp_ort.shape == (1, 17, 2)
    assert np.abs(kp_ort - kp_pt).max() <= 0.5
    np.testing.assert_allclose(s_ort, s_pt, atol=1e-3)


@pytest.mark.slow
def test_resume_skips_a_corrupted_last_checkpoint(trained, tmp_path):
    """A run killed while saving leaves a broken newest checkpoint: --resume says so and
    goes on from the newest one that loads."""
    cwd, work, data, _ = trained
    copy = tmp_path / 'work'
    shutil.copytree(work, copy)
    numbers = sorted(int(f[6:-4]) for f in os.listdir(copy) if re.fullmatch(r'epoch_\d+\.pth', f))
    newest = copy / f'epoch_{numbers[-1]}.pth'
    newest.write_bytes(newest.read_bytes()[:1000])  # truncated
    out = run([sys.executable, osp.join(ROOT, 'tools', 'train.py'), CONFIG, '--work-dir',
               str(copy), '--data-root', str(data), '--resume', '--cfg-options',
               f'train_cfg.max_epochs={numbers[-1] + 1}',
               f'train_cfg.val_interval={numbers[-1] + 1}'], cwd=str(cwd))
    assert f'--resume: skipped epoch_{numbers[-1]}.pth: it does not load' in out
    assert f'resumed epoch: {numbers[-2]}' in out, out[-3000:]


@pytest.mark.slow
def test_an_untrusted_checkpoint_is_refused_in_one_line(trained, tmp_path):
    import pickle
    cwd, work, data, _ = trained
    evil = tmp_path / 'evil.pth'
    with open(evil, 'wb') as f:
        pickle.dump(dict(state_dict={}, run=print), f)  # any global off the allow-list
    proc = subprocess.run([sys.executable, osp.join(ROOT, 'tools', 'test.py'), CONFIG,
                           str(evil), '--data-root', str(data), '--work-dir',
                           str(tmp_path / 'w')], cwd=str(cwd), capture_output=True, text=True,
                          env=dict(os.environ, PYTHONWARNINGS='ignore'))
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('error: Refused to load checkpoint') and 'builtins.print' in last
    assert 'Traceback' not in proc.stderr
