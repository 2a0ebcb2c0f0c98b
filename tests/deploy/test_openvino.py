"""OpenVINO on real person crops from ../shared/data: the smoke-trained RTMPose-t in
PyTorch against OpenVINO f32, bf16 and INT8; static and dynamic batch; clear errors.
Slow: ~1 min."""
import numpy as np
import pytest

from tools.benchmarks.accuracy import (CALIBRATION_FOLDERS, coco_keypoint_ap,
                                               coco_people)
from rtmpose_plugin.datasets.samples import calibration_crops
from rtmpose_plugin.deploy import deploy
from rtmpose_plugin.inference.opener import open_pose_model
from rtmpose_plugin.runtime.sessions import (OpenVINOSession, openvino_capabilities,
                                             openvino_compile)

from ..conftest import SHARED_DATA

pytestmark = pytest.mark.slow
INPUT = (192, 256)
HAS_BF16 = 'BF16' in openvino_capabilities()


def OpenVINOPoseModel(path, precision=None):
    return open_pose_model(path, backend='openvino', precision=precision)


@pytest.fixture(scope='module')
def people():
    return coco_people(SHARED_DATA, INPUT)


@pytest.fixture(scope='module')
def reference(trained_smoke, people):
    """PyTorch fp32 keypoints, scores and COCO AP on the COCO sample people."""
    kp, scores = open_pose_model(trained_smoke['config'], trained_smoke['checkpoint'],
                                 backend='pytorch')(people.crops)
    return dict(keypoints=kp, scores=scores, ap=coco_keypoint_ap(people, kp, scores, INPUT))


@pytest.fixture(scope='module')
def export(trained_smoke, tmp_path_factory):
    done = {}

    def run(precision='fp32', batch=None):
        key = (precision, batch)
        if key not in done:
            work = tmp_path_factory.mktemp(f'openvino_{precision}_{batch}')
            calibration = None
            if precision != 'fp32':  # int8's calibration, and the precision gate's data
                calibration = calibration_crops(SHARED_DATA, INPUT, folders=CALIBRATION_FOLDERS)
            # the gate measures and records; each test holds the precision to its own bound
            done[key] = deploy(trained_smoke['config'], trained_smoke['checkpoint'], str(work),
                               backend='openvino', precision=precision, batch=batch,
                               calibration=calibration, allow_drift=True)
        return done[key]

    return run


def confident_deviation(kp, reference):
    dev = np.linalg.norm(kp - reference['keypoints'], axis=-1)
    return dev[reference['scores'] > 0.3]


def test_the_reference_is_a_trained_model(reference):
    assert reference['ap'] > 0.9 and np.mean(reference['scores'] > 0.3) > 0.5


def test_openvino_fp32_parity(export, people, reference):
    out = export('fp32')
    assert out['model'].endswith('.xml')
    model = OpenVINOPoseModel(out['model'])
    assert model.precision == 'fp32' and model.input_size == INPUT
    kp, scores = model(people.crops)
    assert np.linalg.norm(kp - reference['keypoints'], axis=-1).max() <= 0.5
    np.testing.assert_allclose(scores, reference['scores'], atol=1e-3)


@pytest.mark.skipif(not HAS_BF16, reason='this CPU has no bf16 (OpenVINO capabilities)')
def test_openvino_bf16_within_one_pixel_and_the_same_ap(export, people, reference):
    """The accuracy guard of the bf16 path: mean deviation <= 1 px, AP within 0.01."""
    out = export('bf16')
    bf16 = OpenVINOPoseModel(out['model'])
    assert bf16.precision == 'bf16'  # as recorded in the IR at deployment
    f32 = OpenVINOPoseModel(out['model'], precision='fp32')
    # bf16 really ran: its logits are not float32's
    assert np.abs(bf16.logits(people.crops[:2])[0] - f32.logits(people.crops[:2])[0]).max() > 1e-4
    kp, scores = bf16(people.crops)
    dev = confident_deviation(kp, reference)
    assert dev.mean() <= 1.0, f'bf16 mean deviation {dev.mean():.3f} px'
    ap = coco_keypoint_ap(people, kp, scores, INPUT)
    assert abs(ap - reference['ap']) <= 0.01


def test_openvino_int8_is_quantized_and_keeps_the_poses(export, people, reference,
                                                        record_property):
    import openvino as ov
    out = export('int8')
    model = OpenVINOPoseModel(out['model'])
    assert model.precision == 'int8'
    ops = {op.get_type_name() for op in ov.Core().read_model(out['model']).get_ops()}
    assert 'FakeQuantize' in ops
    # SiLU fused into Swish before quantization: left as Sigmoid + Multiply, NNCF puts
    # FakeQuantize between them and RTMPose-m runs 9.5 instead of 8 ms (docs/benchmarks.md)
    assert 'Swish' in ops and 'Sigmoid' not in ops
    kp, scores = model(people.crops)
    dev = confident_deviation(kp, reference)
    record_property('openvino_int8_mean_px', float(dev.mean()))
    # an INT8 IR stays INT8 whatever float precision is asked, and the CLI says so
    from rtmpose_plugin.inference.cli import choose_backend, open_models
    assert OpenVINOSession(out['model'], precision='bf16' if HAS_BF16 else 'fp32').precision \
        == 'int8'
    assert choose_backend('openvino', 'int8', model=out['model'])[:2] == ('openvino', 'int8')
    lines = []
    log = type('Log', (), dict(info=lines.append, warning=lines.append))()
    pose, _, backend, precision = open_models(out['model'], backend='auto', log=log)
    assert (backend, precision, pose.precision) == ('openvino', 'int8', 'int8')
    assert lines[0] == 'backend: openvino int8 (an INT8 model)'
    # the INT8 bound: mean deviation <= 2 px (2.5 px with NNCF's default
    # activation ranges, the mean over crops of each crop's min / max)
    assert dev.mean() <= 2.0, f'INT8 mean deviation {dev.mean():.3f} px'
    assert np.median(dev) <= 1.0 and np.mean(dev <= 5.0) >= 0.95
    assert coco_keypoint_ap(people, kp, scores, INPUT) >= reference['ap'] - 0.05


def test_static_batch_is_fed_in_chunks(export, people):
    static = OpenVINOPoseModel(export('fp32', batch=2)['model'])
    assert static.session.static_batch == 2
    dynamic = OpenVINOPoseModel(export('fp32')['model'])
    crops = people.crops[:5]  # two full chunks and a padded one
    np.testing.assert_allclose(static(crops)[0], dynamic(crops)[0], atol=1e-3)


def test_dynamic_batch_compiles_each_batch_size_once(export, people):
    model = OpenVINOPoseModel(export('fp32')['model'])
    batch = model.logits(people.crops[:3])
    one = model.logits(people.crops[:1])
    assert set(model.session._compiled) == {1, 3}
    np.testing.assert_allclose(batch[0][:1], one[0], atol=1e-4)
    model.logits(people.crops[:3])
    assert len(model.session._compiled) == 2


def test_clear_errors(export, trained_smoke, tmp_path, monkeypatch):
    with pytest.raises(ValueError, match='calibration'):
        deploy(trained_smoke['config'], trained_smoke['checkpoint'], str(tmp_path),
               backend='openvino', precision='int8')
    with pytest.raises(ValueError, match='not supported'):
        deploy(trained_smoke['config'], trained_smoke['checkpoint'], str(tmp_path),
               backend='openvino', precision='fp16')
    fp32 = export('fp32')['model']
    with pytest.raises(ValueError, match='not an INT8 model'):
        OpenVINOSession(fp32, precision='int8')
    with pytest.raises(FileNotFoundError, match='does not exist'):
        OpenVINOSession(str(tmp_path / 'missing.xml'))
    with pytest.raises(ValueError, match='precision must be one of'):
        openvino_compile(fp32, 'fp8')
    import rtmpose_plugin.runtime.sessions as sessions
    monkeypatch.setattr(sessions, 'openvino_capabilities', lambda: ('FP32', 'INT8'))
    with pytest.raises(RuntimeError, match='no bf16'):
        OpenVINOSession(fp32, precision='bf16')


def test_compiled_models_are_cached_and_reused(coco_sdk, tmp_path, monkeypatch):
    """OpenVINO's CACHE_DIR: the first session writes its compiled model into the package's
    cache, a second one (a later run) loads it and computes the same; 0 turns it off."""
    import os
    import os.path as osp
    monkeypatch.setenv('RTMPOSE_PLUGIN_HOME', str(tmp_path / 'home'))
    monkeypatch.delenv('RTMPOSE_PLUGIN_OPENVINO_CACHE', raising=False)
    x = np.random.default_rng(0).random((2, 3, 256, 192), np.float32)
    model = osp.join(coco_sdk, 'end2end.onnx')
    first = OpenVINOSession(model, 'fp32').run(x)
    cache = tmp_path / 'home' / 'openvino'
    blobs = sorted(os.listdir(cache))
    assert any(name.endswith('.blob') for name in blobs)
    stamps = {n: os.stat(cache / n).st_mtime_ns for n in blobs}
    second = OpenVINOSession(model, 'fp32').run(x)
    assert sorted(os.listdir(cache)) == blobs  # loaded, not compiled and written again
    assert {n: os.stat(cache / n).st_mtime_ns for n in blobs} == stamps
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    monkeypatch.setenv('RTMPOSE_PLUGIN_OPENVINO_CACHE', '0')
    monkeypatch.setenv('RTMPOSE_PLUGIN_HOME', str(tmp_path / 'other'))
    OpenVINOSession(model, 'fp32').run(x)
    assert not (tmp_path / 'other').exists()
