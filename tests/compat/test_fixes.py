"""The stack fixes of rtmpose_plugin.compat: each test fails without its fix."""
import importlib.util
import subprocess
import sys

import numpy as np
import torch

import rtmpose_plugin.register  # noqa: F401
from rtmpose_plugin import compat


# --- torchvision -------------------------------------------------------------------------

def test_torchvision_stays_absent_and_the_fix_knows_it():
    assert importlib.util.find_spec('torchvision') is None
    assert 'torchvision' not in sys.modules
    assert compat.applied()['mmpose_visualization_without_torchvision'] is True


def test_collect_env_works_without_torchvision():
    from mmengine.utils.dl_utils import collect_env
    env = collect_env()
    assert 'PyTorch' in env and 'TorchVision' not in env


def test_upstream_problem_is_real_without_the_fix():
    """mmpose.visualization alone (no rtmpose_plugin) fails here: the fix is needed."""
    proc = subprocess.run([sys.executable, '-c', 'import mmpose.visualization'],
                          capture_output=True, text=True, cwd='/')
    assert proc.returncode != 0 and 'torchvision' in proc.stderr


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
                           'opencv_visualizer_radius_numpy2', 'distributed_cpu',
                           'keypoint_converter_wholebody', 'mmdeploy_codec_dispatch',
                           'mmdeploy_openvino_without_mo', 'mmdeploy_ncnn_without_onnx2ncnn'}
    assert rtmpose_plugin.__version__


def test_distributed_fix_only_where_cuda_is_missing(monkeypatch):
    from rtmpose_plugin.compat import distributed
    assert compat.applied()['distributed_cpu'] is True  # this machine: no CUDA
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    assert distributed.needs_fix() is False


# --- KeypointConverter on COCO-WholeBody ---------------------------------------------------

def wholebody_instance():
    return dict(keypoints=np.random.rand(1, 133, 2).astype(np.float32),
                keypoints_visible=np.ones((1, 133), np.float32), keypoints_3d=None)


def test_keypoint_converter_fails_upstream_on_wholebody_instances():
    """mmpose's own transform, unpatched, cannot convert a COCO-WholeBody instance."""
    from mmpose.datasets.transforms.converting import KeypointConverter
    original = KeypointConverter.transform.__wrapped__
    converter = KeypointConverter(num_keypoints=26, mapping=[(i, i) for i in range(17)])
    try:
        original(converter, wholebody_instance())
    except AttributeError as e:
        assert 'shape' in str(e)
    else:
        raise AssertionError('mmpose converts keypoints_3d=None now: the fix can go')


def test_keypoint_converter_maps_wholebody_instances_with_the_fix():
    from mmpose.datasets.transforms.converting import KeypointConverter
    assert compat.applied()['keypoint_converter_wholebody'] is True
    sample = wholebody_instance()
    body = sample['keypoints'][0, :17].copy()
    out = KeypointConverter(num_keypoints=26, mapping=[(i, i) for i in range(17)])(sample)
    assert out['keypoints'].shape == (1, 26, 2)
    np.testing.assert_array_equal(out['keypoints'][0, :17], body)
    assert out['keypoints_visible'][0, 17:].sum() == 0
