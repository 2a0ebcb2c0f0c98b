"""Deployment parity on real person crops from ../shared/data: the smoke-trained
RTMPose-t in PyTorch against each backend it is exported to. Slow: ~1 min."""
import json
import os.path as osp
import time

import numpy as np
import pytest
import torch

from rtmpose_plugin.core import decode_simcc
from rtmpose_plugin.core.image import normalize
from rtmpose_plugin.datasets.samples import calibration_crops
from rtmpose_plugin.deploy import deploy
from rtmpose_plugin.inference.models import open_pose_model

from ..conftest import SHARED_DATA

pytestmark = pytest.mark.slow
INPUT = (192, 256)


def preprocess(crops):
    """The RTMPose data preprocessor's normalisation (ImageNet, RGB)."""
    return normalize(crops, (123.675, 116.28, 103.53), (58.395, 57.12, 57.375), True)


@pytest.fixture(scope='module')
def crops():
    return calibration_crops(SHARED_DATA, INPUT)


@pytest.fixture(scope='module')
def pytorch(trained_smoke, crops):
    """PyTorch logits, keypoints and scores of the crops."""
    from mmpose.apis import init_model
    model = init_model(trained_smoke['config'], trained_smoke['checkpoint'], device='cpu')
    with torch.no_grad():
        sx, sy = model.head(model.extract_feat(torch.from_numpy(preprocess(crops))))
    kp, scores = decode_simcc(sx.numpy(), sy.numpy())
    return dict(x=sx.numpy(), y=sy.numpy(), keypoints=kp, scores=scores)


@pytest.fixture(scope='module')
def export(trained_smoke, tmp_path_factory, crops):
    done = {}

    def run(backend, precision='fp32', decode=False):
        key = (backend, precision, decode)
        if key not in done:
            work = tmp_path_factory.mktemp(f'{backend}_{precision}_{int(decode)}')
            done[key] = deploy(trained_smoke['config'], trained_smoke['checkpoint'], str(work),
                               backend=backend, precision=precision, decode_in_graph=decode,
                               calibration=crops if precision == 'int8' else None)
        return done[key]

    return run


def deviation(kp, ref):
    return np.linalg.norm(kp - ref['keypoints'], axis=-1)


def clear_peaks(ref, margin=0.01, window=8):
    """(N, K) True where, on both axes, the best logit beats every logit more than
    ``window`` bins away by ``margin`` (relative). Elsewhere two peaks that far apart tie
    (seen: 0.6080 vs 0.6079, 73 bins apart; and 0.552 vs 0.540, 3 bins apart, in a
    flat-topped peak) and any change of precision may pick the other one; such
    keypoints are counted, not bounded."""
    ok = ref['scores'] > 0.3
    for logits in (ref['x'], ref['y']):
        best = logits.argmax(-1)
        bins = np.arange(logits.shape[-1])
        far = np.abs(bins - best[..., None]) > window
        second = np.where(far, logits, -np.inf).max(-1)
        top = logits.max(-1)
        ok &= (top - second) > margin * np.abs(top)
    return ok


def assert_parity(kp, ref, bound):
    """Within ``bound`` px wherever the peak is clear, and for >= 99% of all keypoints."""
    dev = deviation(kp, ref)
    # bounded: keypoints whose peak beats every bin more than ``bound`` px (2 bound bins
    # at split ratio 2) away, as only such a tie can move a keypoint past the bound
    clear = clear_peaks(ref, window=int(round(2 * bound)))
    assert clear.mean() > 0.5
    assert dev[clear].max() <= bound, f'max {dev[clear].max():.2f} px'
    assert np.mean(dev <= bound) >= 0.99, f'{np.mean(dev <= bound):.3f} within {bound} px'


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
    from rtmpose_plugin.runtime.meta import embedded_meta, sdk_meta, sdk_model_file
    out = export(backend, precision)
    folder = osp.dirname(out['model'])
    for name in ('deploy.json', 'pipeline.json', 'detail.json'):
        assert osp.isfile(out[name])
    assert osp.samefile(sdk_model_file(folder), out['model'])
    pipeline = json.dumps(json.load(open(out['pipeline.json'])))
    assert 'SimCCLabelDecode' in pipeline and 'TopDownAffine' in pipeline
    assert '4.89897' in pipeline and '5.65685' in pipeline  # sigma='auto' written out
    meta = embedded_meta(out['model'])
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


