"""Deployment parity on real person crops from ../shared/data: the smoke-trained
RTMPose-t in PyTorch against each backend it is exported to. Slow: ~1 min."""
import json
import os.path as osp
import time

import numpy as np
import pytest
import torch

from rtmpose_plugin.inference.opener import open_pose_model

from rtmpose_plugin.deploy import deploy

from .parity import INPUT, assert_parity, deviation

pytestmark = pytest.mark.slow


def test_there_are_enough_real_crops(crops, pytorch):
    assert crops.shape[0] >= 15 and crops.shape[1:] == (256, 192, 3)
    assert np.mean(pytorch['scores'] > 0.3) > 0.5  # a trained model, confident keypoints


def test_onnxruntime_fp32_parity(export, crops, pytorch):
    out = export('onnxruntime')
    kp, scores = open_pose_model(out['model'])(crops)
    assert deviation(kp, pytorch).max() <= 0.5
    np.testing.assert_allclose(scores, pytorch['scores'], atol=1e-3)


def test_onnxruntime_fp16_parity(export, crops, pytorch):
    out = export('onnxruntime', 'fp16')
    import onnx
    assert any(t.data_type == onnx.TensorProto.FLOAT16
               for t in onnx.load(out['model']).graph.initializer)
    kp, _ = open_pose_model(out['model'])(crops)
    assert_parity(kp, pytorch, 1.0)


def test_onnxruntime_int8_deviation_and_latency_recorded(export, crops, pytorch, record_property):
    out = export('onnxruntime', 'int8')
    model = open_pose_model(out['model'], threads=1)
    kp, _ = model(crops)
    dev = deviation(kp, pytorch)[pytorch['scores'] > 0.3]
    start = time.perf_counter()
    for c in crops[:8]:
        model(c[None])
    ms = (time.perf_counter() - start) / 8 * 1e3
    record_property('int8_mean_px', float(dev.mean()))
    record_property('int8_ms_per_crop_1_thread', ms)
    print(f'INT8: mean {dev.mean():.2f} px, max {dev.max():.2f} px, {ms:.1f} ms/crop (1 thread)')
    assert np.isfinite(dev).all() and dev.mean() < 8.0  # quantised, yet still the same poses


def test_decode_in_graph_equals_the_training_decode(export, crops, pytorch):
    out = export('onnxruntime', decode=True)
    model = open_pose_model(out['model'])
    assert model.session.output_names == ['keypoints', 'scores'] and model.decoded_in_graph
    kp, scores = model(crops)
    np.testing.assert_allclose(kp, pytorch['keypoints'], atol=0.5)
    np.testing.assert_allclose(scores, pytorch['scores'], atol=1e-3)


@pytest.mark.parametrize('precision, bound', [('fp32', 0.5), ('fp16', 1.0)])
def test_ncnn_parity(export, crops, pytorch, precision, bound):
    out = export('ncnn', precision)
    model = open_pose_model(osp.dirname(out['param']), precision=precision)
    assert model.backend == 'ncnn' and model.num_keypoints == 17
    kp, scores = model(crops)
    assert_parity(kp, pytorch, bound)
    if precision == 'fp32':
        assert deviation(kp, pytorch).max() <= bound
        np.testing.assert_allclose(scores, pytorch['scores'], atol=1e-3)


@pytest.mark.parametrize('backend, precision', [('onnxruntime', 'fp32'), ('onnxruntime', 'int8'),
                                                ('ncnn', 'fp32'), ('openvino', 'fp32')])
def test_every_export_is_an_sdk_folder_whose_model_describes_itself(export, backend, precision):
    from rtmpose_plugin.deploy.embed import file_meta
    from rtmpose_plugin.runtime.meta import sdk_meta, sdk_model_file
    out = export(backend, precision)
    folder = osp.dirname(out['model'])
    for name in ('deploy.json', 'pipeline.json', 'detail.json'):
        assert osp.isfile(out[name])
    assert osp.samefile(sdk_model_file(folder), out['model'])
    pipeline = json.dumps(json.load(open(out['pipeline.json'])))
    assert 'SimCCLabelDecode' in pipeline and 'TopDownAffine' in pipeline
    assert '4.89897' in pipeline and '5.65685' in pipeline  # sigma='auto' written out
    meta = file_meta(out['model'])
    from_sdk = sdk_meta(folder)
    assert meta.input_size == from_sdk.input_size == INPUT
    assert (meta.mean, meta.std, meta.to_rgb) == (from_sdk.mean, from_sdk.std, from_sdk.to_rgb)
    assert meta.split_ratio == from_sdk.split_ratio == 2.0
    kps = meta.keypoints
    assert kps.name == 'coco' and kps.num_keypoints == 17 and kps.names[0] == 'nose'
    assert (1, 2) in kps.flip_pairs and len(kps.skeleton) == 19
    assert len(kps.keypoint_colors) == 17 and len(kps.link_colors) == 19


@pytest.mark.skipif(not torch.cuda.is_available(), reason='TensorRT needs a CUDA GPU')
@pytest.mark.parametrize('precision, bound', [('fp32', 0.5), ('fp16', 1.0)])
def test_tensorrt_parity(export, crops, pytorch, precision, bound):
    out = export('tensorrt', precision)
    model = open_pose_model(osp.dirname(out['model']), device='cuda:0')
    assert model.backend == 'tensorrt'
    kp, _ = model(crops)
    assert_parity(kp, pytorch, bound)


def test_errors_say_what_is_wrong(trained_smoke, tmp_path):
    with pytest.raises(ValueError, match='not supported'):
        deploy(trained_smoke['config'], trained_smoke['checkpoint'], str(tmp_path),
               backend='ncnn', precision='int8')
    with pytest.raises(ValueError, match='calibration'):
        deploy(trained_smoke['config'], trained_smoke['checkpoint'], str(tmp_path),
               precision='int8')
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match='CUDA GPU'):
            deploy(trained_smoke['config'], trained_smoke['checkpoint'], str(tmp_path),
                   backend='tensorrt')


