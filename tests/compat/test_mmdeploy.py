"""rtmpose_plugin.compat.mmdeploy: MMDeploy's codec dispatch, its OpenVINO and its ncnn
conversion on today's stack; each test fails without its fix. MMDeploy's own scripts run
end to end in tests/deploy/test_mmdeploy_scripts.py."""
import numpy as np
import onnx
import pytest
from mmengine.config import Config
from onnx import TensorProto, helper, numpy_helper

import rtmpose_plugin.register  # noqa: F401
from rtmpose_plugin import compat
from rtmpose_plugin.compat import mmdeploy as fix
from rtmpose_plugin.config import find_config, load_config

SMOKE = 'rtmpose-t_1xb4-120e_coco-sample-256x192.py'


# --- the codec dispatch ------------------------------------------------------------------

def test_our_codec_decodes_as_its_mmpose_equivalent():
    """The SimCCLabel MMDeploy is shown decodes exactly as our codec (the reference)."""
    from mmpose.registry import KEYPOINT_CODECS
    cfg = load_config(SMOKE)
    ours = KEYPOINT_CODECS.build(cfg.codec)
    shown = fix.mmpose_codec(cfg.codec)
    assert shown['type'] == 'SimCCLabel'
    np.testing.assert_allclose(shown['sigma'], ours.sigma)
    theirs = KEYPOINT_CODECS.build(shown)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(3, 17, 384)), rng.normal(size=(3, 17, 512))
    for a, b in zip(ours.decode(x, y), theirs.decode(x, y)):
        np.testing.assert_array_equal(a, b)


def test_codecs_mmdeploy_knows_and_unknown_ones_are_left_alone():
    known = dict(type='UDPHeatmap', input_size=(192, 256), heatmap_size=(48, 64), sigma=2)
    assert fix.mmpose_codec(known) is known
    unknown = dict(type='NoSuchCodec')
    assert fix.mmpose_codec(unknown) is unknown


def test_sdk_postprocess_of_our_codec(tmp_path):
    """deploy.py --dump-info's postprocess: SimCCLabelDecode; upstream raises."""
    from mmdeploy.apis.utils import build_task_processor
    assert compat.applied()['mmdeploy_codec_dispatch'] is True
    deploy_cfg = Config.fromfile(find_config(
        'pose-detection_simcc_onnxruntime_dynamic-256x192.py'))
    task = build_task_processor(load_config(SMOKE), deploy_cfg, 'cpu')
    post = task.get_postprocess()
    assert post['type'] == 'SimCCLabelDecode' and post['params']['type'] == 'SimCCLabel'
    assert task.model_cfg.codec.type == 'RTMSimCCLabel'  # the task's config is untouched
    with pytest.raises(RuntimeError, match='Unsupported codecs type: RTMSimCCLabel'):
        type(task).get_postprocess.__wrapped__(task)


def test_backend_model_decodes_both_axes(tmp_path):
    """MMDeploy's End2EndModel on our codec: both SimCC outputs reach our decoder."""
    import torch
    from mmdeploy.codebase.mmpose.deploy.pose_detection_model import End2EndModel
    from mmengine.structures import InstanceData
    from mmpose.structures import PoseDataSample
    model = End2EndModel.__new__(End2EndModel)
    torch.nn.Module.__init__(model)
    from mmpose.models import builder
    cfg = load_config(SMOKE)
    model.head = builder.build_head(cfg.model.head)
    model.model_cfg = fix.with_mmpose_codec(cfg)
    model.deploy_cfg = Config.fromfile(find_config(
        'pose-detection_simcc_onnxruntime_dynamic-256x192.py'))
    model.device = 'cpu'
    x, y = torch.zeros(1, 17, 384), torch.zeros(1, 17, 512)
    x[..., 100], y[..., 300] = 1.0, 1.0

    class Wrapper:
        def __call__(self, inputs):
            return dict(simcc_x=x, simcc_y=y)

        def output_to_list(self, outputs):
            return [outputs['simcc_x'], outputs['simcc_y']]

    model.wrapper, model.input_name = Wrapper(), 'input'
    sample = PoseDataSample(metainfo=dict(input_size=(192, 256), input_center=np.array(
        [96., 128.]), input_scale=np.array([192., 256.])))
    sample.gt_instances = InstanceData(bboxes=np.array([[0., 0., 192., 256.]]),
                                       bbox_scores=np.ones(1))
    out = model.forward(torch.zeros(1, 3, 256, 192), [sample])
    np.testing.assert_allclose(out[0].pred_instances.keypoints[0, 0], [50., 150.])
    # what End2EndModel.__init__ now shows forward; upstream's config fails there
    assert End2EndModel.__init__.__wrapped__ is not None
    model.model_cfg = cfg
    with pytest.raises(TypeError, match='simcc_y'):
        model.forward(torch.zeros(1, 3, 256, 192), [sample])


# --- OpenVINO ----------------------------------------------------------------------------

def small_onnx(path, ops='conv'):
    """A (1, 3, 8, 8) -> (1, 4, 1, 1) model: conv, MMDeploy's ncnn average pool, and a
    Gemm over (1, 2, 2) tokens as MMDeploy's ncnn linear writes it."""
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(rng.normal(size=(4, 3, 3, 3)).astype(np.float32), 'w')
    nodes = [helper.make_node('Conv', ['input', 'w'], ['c'], pads=[1, 1, 1, 1])]
    inits = [w]
    if ops == 'conv':
        nodes.append(helper.make_node('GlobalAveragePool', ['c'], ['output']))
        out = helper.make_tensor_value_info('output', TensorProto.FLOAT, [1, 4, 1, 1])
        opsets = [helper.make_opsetid('', 11)]
    else:
        size = numpy_helper.from_array(np.array([1, 1], np.int64), 'size')
        gw = numpy_helper.from_array(rng.normal(size=(3, 2)).astype(np.float32), 'gw')
        inits += [size, gw]
        nodes += [helper.make_node('AdaptiveAvgPool2d', ['c', 'size'], ['p'], domain='mmdeploy'),
                  helper.make_node('Reshape', ['p', 'shape'], ['t']),
                  helper.make_node('Gemm', ['t', 'gw'], ['output'], transB=1)]
        inits.append(numpy_helper.from_array(np.array([1, 2, 2], np.int64), 'shape'))
        out = helper.make_tensor_value_info('output', TensorProto.FLOAT, [1, 2, 3])
        opsets = [helper.make_opsetid('', 11), helper.make_opsetid('mmdeploy', 1)]
    graph = helper.make_graph(nodes, 'g', [helper.make_tensor_value_info(
        'input', TensorProto.FLOAT, [1, 3, 8, 8])], [out], inits)
    onnx.save(helper.make_model(graph, opset_imports=opsets), str(path))
    return str(path)


def test_openvino_conversion_without_the_model_optimizer(tmp_path):
    import onnxruntime as ort
    from mmdeploy.backend.base import get_backend_manager
    from mmdeploy.backend.openvino.onnx2openvino import get_mo_command
    assert compat.applied()['mmdeploy_openvino_without_mo'] is True
    assert fix.model_optimizer_present()  # MMDeploy's check now passes ...
    assert get_mo_command() == 'openvino.convert_model'
    path = small_onnx(tmp_path / 'end2end.onnx')
    xml = fix.openvino_from_onnx(path, str(tmp_path / 'ov'), {'input': [1, 3, 8, 8]},
                                 ['output'])
    assert xml.endswith('ov/end2end.xml')
    wrapper = get_backend_manager('openvino').build_wrapper([xml], output_names=['output'])
    import torch
    x = torch.from_numpy(np.random.default_rng(1).normal(size=(1, 3, 8, 8)).astype(np.float32))
    got = wrapper({'input': x})['output'].numpy()
    want = ort.InferenceSession(path).run(None, {'input': x.numpy()})[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


# --- ncnn --------------------------------------------------------------------------------

def test_mmdeploy_ncnn_ops_as_standard_onnx(tmp_path):
    """Upstream's ONNX for ncnn does not load in ONNX Runtime (so not in pnnx); its standard
    form computes the pool and the token Gemm as MMDeploy means them."""
    import onnxruntime as ort
    path = small_onnx(tmp_path / 'm.onnx', ops='mmdeploy')
    with pytest.raises(Exception):
        ort.InferenceSession(path)
    model = fix.standard_onnx(onnx.load(path))
    x = np.random.default_rng(1).normal(size=(1, 3, 8, 8)).astype(np.float32)
    got = ort.InferenceSession(model.SerializeToString()).run(None, {'input': x})[0]
    conv = ort.InferenceSession(small_onnx(tmp_path / 'c.onnx')).run(None, {'input': x})[0]
    gw = numpy_helper.to_array([i for i in onnx.load(path).graph.initializer
                                if i.name == 'gw'][0])
    np.testing.assert_allclose(got, conv.reshape(1, 2, 2) @ gw.T, rtol=1e-5, atol=1e-6)


def test_ncnn_blobs_named_as_the_onnx_model():
    import tempfile
    text = ('7767517\n3 3\nInput in0 0 1 in0\nConvolution conv 1 1 in0 1 0=4\n'
            'Split s 1 2 1 out0 out1\n')
    with tempfile.NamedTemporaryFile('w+', suffix='.param', delete=False) as f:
        f.write(text)
    fix.rename_ncnn_blobs(f.name, {'in0': 'input', 'out0': 'simcc_x', 'out1': 'simcc_y'})
    lines = open(f.name).read().splitlines()
    assert lines[2] == 'Input in0 0 1 input'
    assert lines[3] == 'Convolution conv 1 1 input 1 0=4'
    assert lines[4] == 'Split s 1 2 1 simcc_x simcc_y'


def test_ncnn_conversion_without_mmdeploy_onnx2ncnn():
    from mmdeploy.backend.ncnn import backend_manager
    assert not fix.onnx2ncnn_present()  # the binary MMDeploy calls is absent here
    assert compat.applied()['mmdeploy_ncnn_without_onnx2ncnn'] is True
    assert backend_manager.NCNNManager.to_backend.__func__.__wrapped__ is not None
