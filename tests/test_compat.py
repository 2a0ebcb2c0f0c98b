"""The stack fixes of rtmpose_plugin.compat: each test fails without its fix."""
import collections
import fractions
import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import rtmpose_plugin.register  # noqa: F401
from rtmpose_plugin import compat
from rtmpose_plugin.compat.checkpoint import TRUSTED_ENV, UntrustedCheckpointError



# --- torchvision -------------------------------------------------------------------------

def test_torchvision_stays_absent_and_the_fix_knows_it():
    assert importlib.util.find_spec('torchvision') is None
    assert 'torchvision' not in sys.modules
    assert compat.applied()['mmpose_visualization_without_torchvision'] is True


def test_mmpose_visualization_imports_and_draws_simcc_heatmaps():
    from mmengine.structures import InstanceData, PixelData
    from mmpose.structures import PoseDataSample
    from mmpose.visualization import PoseLocalVisualizer

    vis = PoseLocalVisualizer(name='compat_test_vis')
    vis.set_dataset_meta(dict(skeleton_links=[(0, 1)], keypoint_colors=np.zeros((2, 3)),
                              skeleton_link_colors=np.zeros((1, 3)), num_keypoints=2))
    sample = PoseDataSample()
    sample.pred_instances = InstanceData(keypoints=np.array([[[10., 20.], [40., 50.]]]),
                                         keypoint_scores=np.ones((1, 2)))
    heat = torch.zeros(2, 64, 48)
    heat[0, 20, 10] = heat[1, 50, 40] = 1.0
    sample.pred_fields = PixelData(heatmaps=heat)
    image = np.full((64, 48, 3), 128, np.uint8)
    out = vis.add_datasample('x', image, sample, draw_gt=False, draw_heatmap=True, show=False)
    assert out.shape[0] == 2 * 64 and out.shape[2] == 3  # image above its heatmap drawing
    assert out[64:].std() > 0  # the heatmap half is not blank


def test_collect_env_works_without_torchvision():
    from mmengine.utils.dl_utils import collect_env
    env = collect_env()
    assert 'PyTorch' in env and 'TorchVision' not in env


def test_upstream_problem_is_real_without_the_fix():
    """mmpose.visualization alone (no rtmpose_plugin) fails here: the fix is needed."""
    proc = subprocess.run([sys.executable, '-c', 'import mmpose.visualization'],
                          capture_output=True, text=True, cwd='/')
    assert proc.returncode != 0 and 'torchvision' in proc.stderr


# --- checkpoints -------------------------------------------------------------------------

def mmengine_like_checkpoint():
    from mmengine.logging import HistoryBuffer
    buf = HistoryBuffer()
    buf.update(0.5)
    return dict(
        meta=dict(epoch=3, dataset_meta=dict(sigmas=np.array([0.026, 0.025], np.float32),
                                             flip_indices=[1, 0]),
                  seed=np.int64(21)),
        state_dict=collections.OrderedDict(w=torch.ones(2)),
        message_hub=dict(log_scalars={'train/loss': buf}))


def test_mmengine_checkpoints_load_through_mmengine(tmp_path):
    from mmengine.runner.checkpoint import _load_checkpoint
    path = tmp_path / 'epoch_3.pth'
    torch.save(mmengine_like_checkpoint(), path)
    ckpt = _load_checkpoint(str(path), map_location='cpu')
    assert ckpt['meta']['epoch'] == 3
    np.testing.assert_allclose(ckpt['meta']['dataset_meta']['sigmas'], [0.026, 0.025])
    assert ckpt['message_hub']['log_scalars']['train/loss'].current() == 0.5


def test_numpy1_pickles_of_official_checkpoints_load(tmp_path):
    """Official RTMPose checkpoints were saved under NumPy 1 (numpy.core.multiarray)."""
    from mmengine.runner.checkpoint import _load_checkpoint
    path = tmp_path / 'legacy.pth'
    torch.save(mmengine_like_checkpoint(), path, _use_new_zipfile_serialization=False)
    raw = path.read_bytes()
    assert b'numpy._core.multiarray' in raw or b'numpy.core.multiarray' in raw
    path.write_bytes(raw.replace(b'numpy._core.multiarray', b'numpy.core.multiarray'))
    assert b'numpy.core.multiarray' in path.read_bytes()
    ckpt = _load_checkpoint(str(path), map_location='cpu')
    np.testing.assert_allclose(ckpt['meta']['dataset_meta']['sigmas'], [0.026, 0.025])


class Evil:

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}', ))


def test_malicious_checkpoint_is_refused_and_not_run(tmp_path):
    from mmengine.runner.checkpoint import _load_checkpoint
    marker = tmp_path / 'pwned'
    evil = Evil()
    evil.marker = marker
    path = tmp_path / 'evil.pth'
    torch.save(dict(state_dict={}, payload=evil), path)
    with pytest.raises(UntrustedCheckpointError) as info:
        _load_checkpoint(str(path), map_location='cpu')
    message = str(info.value)
    assert 'system' in message and TRUSTED_ENV in message and 'trust_checkpoint' in message
    assert not marker.exists()


def test_explicit_opt_in_loads_a_trusted_file(tmp_path, monkeypatch):
    from mmengine.runner.checkpoint import _load_checkpoint
    path = tmp_path / 'fraction.pth'
    torch.save(dict(value=fractions.Fraction(1, 3)), path)
    with pytest.raises(UntrustedCheckpointError, match='fractions.Fraction'):
        _load_checkpoint(str(path))
    monkeypatch.setenv(TRUSTED_ENV, str(path))
    assert _load_checkpoint(str(path))['value'] == fractions.Fraction(1, 3)
    monkeypatch.delenv(TRUSTED_ENV)
    compat.trust_checkpoint(path)
    assert _load_checkpoint(str(path))['value'] == fractions.Fraction(1, 3)


def test_missing_checkpoint_is_a_clear_error(tmp_path):
    from mmengine.runner.checkpoint import _load_checkpoint
    with pytest.raises(FileNotFoundError, match='nothere.pth'):
        _load_checkpoint(str(tmp_path / 'nothere.pth'))


def test_failed_download_says_what_to_do(tmp_path):
    from rtmpose_plugin.compat.checkpoint import download_checkpoint
    with pytest.raises(RuntimeError, match='copy it to .*x.pth'):
        download_checkpoint('http://127.0.0.1:9/x.pth', str(tmp_path))


# --- ONNX export -------------------------------------------------------------------------

def test_mmdeploy_onnx_export_uses_the_torchscript_exporter(tmp_path):
    from mmdeploy.apis.onnx import export
    assert compat.applied()['onnx_export_torchscript'] is True
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU()).eval()
    out = tmp_path / 'm'
    export(model, torch.rand(1, 3, 8, 8), str(out), backend='onnxruntime',
           input_names=['input'], output_names=['output'])
    import onnxruntime as ort
    sess = ort.InferenceSession(str(out) + '.onnx', providers=['CPUExecutionProvider'])
    x = np.random.rand(1, 3, 8, 8).astype(np.float32)
    np.testing.assert_allclose(sess.run(None, {'input': x})[0],
                               model(torch.from_numpy(x)).detach().numpy(), atol=1e-5)


def test_torch_onnx_export_is_untouched_outside_mmdeploy():
    import inspect
    assert inspect.signature(torch.onnx.export).parameters['dynamo'].default is True


def test_import_applies_only_needed_fixes_and_is_idempotent():
    before = compat.applied()
    assert compat.apply_all() == before
    assert set(before) == {'mmpose_visualization_without_torchvision',
                           'checkpoint_weights_only', 'onnx_export_torchscript',
                           'opencv_visualizer_radius_numpy2', 'distributed_cpu'}
    assert rtmpose_plugin.__version__


def test_opencv_pose_visualizer_draws_keypoints_on_numpy2():
    """PoseLocalVisualizer (OpenCV backend) draws keypoints with int(np.array([r]))."""
    from mmengine.structures import InstanceData
    from mmpose.structures import PoseDataSample
    from mmpose.visualization import PoseLocalVisualizer

    assert compat.applied()['opencv_visualizer_radius_numpy2'] is \
        compat.fixes.numpy_refuses_int_of_1d_arrays()
    vis = PoseLocalVisualizer(name='radius_test_vis', radius=4)
    vis.set_dataset_meta(dict(skeleton_links=[(0, 1)], keypoint_colors=np.full((2, 3), 255),
                              skeleton_link_colors=np.full((1, 3), 255), num_keypoints=2))
    sample = PoseDataSample()
    sample.pred_instances = InstanceData(keypoints=np.array([[[10., 20.], [40., 50.]]]),
                                         keypoint_scores=np.ones((1, 2)))
    out = vis.add_datasample('x', np.zeros((64, 64, 3), np.uint8), sample, draw_gt=False,
                             show=False)
    assert out[20, 10].max() > 0 and out[50, 40].max() > 0  # both keypoints drawn


def test_distributed_fix_only_where_cuda_is_missing(monkeypatch):
    from rtmpose_plugin.compat import distributed
    assert compat.applied()['distributed_cpu'] is True  # this machine: no CUDA
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    assert distributed.needs_fix() is False
