"""Our deploy configs (configs/deploy/): one per backend, precision and input size, with the
model's shapes in it, and none that nothing selects."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

from rtmpose_plugin.config import find_config
from rtmpose_plugin.deploy.export import (DEPLOY_CONFIG_KINDS, DETECTOR_DEPLOY_CONFIG,
                                          deploy_config_name)

from ..conftest import ROOT

DEPLOY = osp.join(ROOT, 'configs', 'deploy')


def model_input_sizes():
    """(w, h) of every pose model config we ship."""
    sizes = set()
    for path in glob.glob(osp.join(ROOT, 'configs', '*_keypoint', '**', '*.py'), recursive=True):
        cfg = Config.fromfile(path)
        if cfg.get('codec') is not None:
            codec = cfg.codec[-1] if isinstance(cfg.codec, (list, tuple)) else cfg.codec
            sizes.add(tuple(codec['input_size']))
    return sorted(sizes)


SIZES = model_input_sizes()


def test_every_model_size_is_found():
    assert set(SIZES) == {(192, 256), (256, 256), (288, 384)}


@pytest.mark.parametrize('size', SIZES, ids=lambda s: f'{s[1]}x{s[0]}')
@pytest.mark.parametrize('backend, precision', sorted(DEPLOY_CONFIG_KINDS))
def test_the_chosen_config_carries_the_model_shapes(backend, precision, size):
    w, h = size
    cfg = Config.fromfile(find_config(deploy_config_name(backend, precision, size)))
    assert cfg.backend_config.type == backend
    assert list(cfg.onnx_config.input_shape) == [w, h]
    if backend == 'tensorrt':
        shapes = cfg.backend_config.model_inputs[0].input_shapes.input
        assert [s[2:] for s in shapes.values()] == [[h, w]] * 3
        assert cfg.backend_config.common_config.fp16_mode == (precision == 'fp16')
    elif backend == 'openvino':
        assert cfg.backend_config.model_inputs[0].opt_shapes.input[2:] == [h, w]
    elif backend == 'ncnn':
        assert cfg.onnx_config.dynamic_axes is None
        assert cfg.backend_config.precision == precision.upper()
    else:
        assert cfg.backend_config.get('precision', 'fp32') == ('fp16' if precision == 'fp16'
                                                               else 'fp32')


def test_the_384x288_tensorrt_profile_is_384x288():
    cfg = Config.fromfile(find_config(deploy_config_name('tensorrt', 'fp16', (288, 384))))
    shapes = cfg.backend_config.model_inputs[0].input_shapes.input
    assert shapes.min_shape == [1, 3, 384, 288] and shapes.max_shape == [32, 3, 384, 288]
    assert cfg.backend_config.common_config.fp16_mode is True


def test_decode_in_graph_configs_follow_the_size_too():
    cfg = Config.fromfile(find_config(deploy_config_name('onnxruntime', 'fp32', (288, 384),
                                                         decode_in_graph=True)))
    assert cfg.codebase_config.export_postprocess is True
    assert list(cfg.onnx_config.input_shape) == [288, 384]


def test_every_deploy_config_is_selected():
    chosen = {deploy_config_name(b, p, s, d) for b, p in DEPLOY_CONFIG_KINDS for s in SIZES
              for d in ((False, True) if b == 'onnxruntime' else (False,))}
    chosen.add(DETECTOR_DEPLOY_CONFIG)
    present = {osp.basename(p) for p in glob.glob(osp.join(DEPLOY, '*.py'))}
    assert present == chosen


def test_what_cannot_be_chosen_is_said_in_one_line():
    with pytest.raises(ValueError, match='input size 240x320.*--deploy-config'):
        deploy_config_name('onnxruntime', 'fp32', (320, 240))
    with pytest.raises(ValueError, match='for ONNX Runtime, not ncnn'):
        deploy_config_name('ncnn', 'fp32', (192, 256), decode_in_graph=True)
    with pytest.raises(ValueError, match='not supported'):
        deploy_config_name('ncnn', 'int8', (192, 256))
