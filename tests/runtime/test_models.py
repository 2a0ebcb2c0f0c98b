"""Opening models (SDK folder, zip, file, config), checking them, the real detector, and
the content-keyed export cache."""
import os
import shutil

import cv2
import numpy as np
import pytest

from rtmpose_plugin.inference.opener import open_detector, open_pose_model
from rtmpose_plugin.runtime import ModelError

from ..conftest import random_checkpoint, shared

pytestmark = pytest.mark.slow

CONFIG = 'rtmpose-t_8xb256-420e_coco-256x192.py'
DET = 'models/rtmdet-nano-person'


@pytest.fixture(scope='module')
def pose_sdk(tmp_path_factory):
    from rtmpose_plugin.deploy import deploy
    tmp = tmp_path_factory.mktemp('pose_sdk')
    deploy(CONFIG, random_checkpoint(CONFIG, str(tmp / 'random.pth')), str(tmp / 'sdk'))
    return str(tmp / 'sdk')


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv('RTMPOSE_PLUGIN_HOME', str(tmp_path / 'cache'))


def classifier(tmp_path) -> str:
    """A bare ONNX model with an image input of RTMPose's size and one (B, 3) output."""
    import onnx
    from onnx import TensorProto, helper
    graph = helper.make_graph(
        [helper.make_node('ReduceMean', ['input'], ['logits'], axes=[2, 3], keepdims=0)],
        'classifier', [helper.make_tensor_value_info('input', TensorProto.FLOAT,
                                                     [1, 3, 256, 192])],
        [helper.make_tensor_value_info('logits', TensorProto.FLOAT, [1, 3])])
    path = str(tmp_path / 'classifier.onnx')
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    model.ir_version = 8  # one this onnxruntime reads
    onnx.save(model, path)
    return path


def crops(n=3):
    image = cv2.imread(shared('coco', '000000196141.jpg'))
    return np.stack([cv2.resize(image[i * 50:i * 50 + 300, :250], (192, 256)) for i in range(n)])


def test_the_real_detector_finds_the_people_as_rtmlib_does():
    import contextlib
    import io

    from rtmlib import RTMDet
    det = open_detector(shared(DET))
    assert det.meta.assumed == [] and det.input_size == (320, 320)
    with contextlib.redirect_stdout(io.StringIO()):
        ref = RTMDet(shared(DET, 'end2end.onnx'), model_input_size=(320, 320))
    for name in ('000000196141.jpg', '000000000785.jpg'):
        image = cv2.imread(shared('coco', name))
        boxes = det(image)
        people = boxes[boxes[:, 4] > 0.3]
        assert len(people) >= 1
        h, w = image.shape[:2]
        assert np.all(people[:, 2] <= w + 1) and np.all(people[:, 3] <= h + 1)
        ref_boxes = np.asarray(ref(image), np.float32).reshape(-1, 4)
        for box in ref_boxes:  # rtmlib keeps boxes over 0.3: each is one of ours
            assert np.abs(people[:, :4] - box).max(1).min() < 1.0


def test_a_bare_detector_says_what_it_assumed():
    det = open_detector(shared(DET, 'end2end.onnx'), size=320)
    assert any('RTMDet mean/std' in a for a in det.meta.assumed)
    image = cv2.imread(shared('coco', '000000196141.jpg'))
    np.testing.assert_allclose(det(image), open_detector(shared(DET))(image), atol=1e-3)


def test_pose_model_from_sdk_folder_file_and_zip_agree(pose_sdk, tmp_path):
    from_folder = open_pose_model(pose_sdk)
    assert from_folder.num_keypoints == 17 and from_folder.meta.assumed == []
    kp, scores = from_folder(crops())
    assert kp.shape == (3, 17, 2) and scores.shape == (3, 17)
    from_file = open_pose_model(os.path.join(pose_sdk, 'end2end.onnx'))
    np.testing.assert_array_equal(from_file(crops())[0], kp)
    nested = tmp_path / 'zip' / '20230831' / 'rtmpose_onnx' / 'rtmpose-t'
    shutil.copytree(pose_sdk, nested)
    archive = shutil.make_archive(str(tmp_path / 'rtmpose-t'), 'zip', tmp_path / 'zip')
    from_zip = open_pose_model(archive)
    np.testing.assert_array_equal(from_zip(crops())[0], kp)
    assert open_pose_model(archive).session  # unpacked once, then from the cache


def test_backends_decode_alike(pose_sdk):
    ort = open_pose_model(pose_sdk, backend='onnxruntime')
    ov = open_pose_model(pose_sdk, backend='openvino', precision='fp32')
    a, b = ort.logits(crops()), ov.logits(crops())
    np.testing.assert_allclose(a[0], b[0], atol=1e-3)
    assert ov.backend == 'openvino' and ov.precision == 'fp32'


def test_models_are_checked_when_opened(pose_sdk, tmp_path):
    with pytest.raises(ModelError, match='is a detection model, not a pose model'):
        open_pose_model(shared(DET))
    with pytest.raises(ModelError, match='is a detection model, not a pose model.*dets, '
                       'labels'):  # named as what it is, not as a pose model without meta
        open_pose_model(shared(DET, 'end2end.onnx'), keypoints='coco')
    with pytest.raises(ModelError, match='two outputs of an RTMPose export'):
        open_pose_model(classifier(tmp_path), keypoints='coco')
    with pytest.raises(ModelError, match='is a pose model, not a detection model'):
        open_detector(pose_sdk)
    text = tmp_path / 'notes.onnx'
    text.write_text('not a model\n')
    with pytest.raises(ModelError, match='not an ONNX model'):
        open_pose_model(str(text), keypoints='coco')
    with pytest.raises(ModelError, match='not an MMDeploy SDK folder'):
        open_pose_model(str(tmp_path))
    with pytest.raises(FileNotFoundError, match='does not exist'):
        open_pose_model(str(tmp_path / 'missing.onnx'))


def test_outputs_that_disagree_with_the_meta_are_refused(pose_sdk, tmp_path):
    """A model whose meta names another keypoint set than its outputs have."""
    from rtmpose_plugin.deploy.embed import embed_meta, file_meta
    from rtmpose_plugin.runtime import keypoint_set
    path = str(tmp_path / 'wrong.onnx')
    shutil.copy(os.path.join(pose_sdk, 'end2end.onnx'), path)
    meta = file_meta(path)
    meta.keypoints = keypoint_set('crowdpose')
    embed_meta(path, meta)
    with pytest.raises(ModelError, match='14 crowdpose keypoints'):
        open_pose_model(path)(crops(1))


def test_the_cache_follows_the_checkpoint_content_not_its_name(tmp_path):
    import torch

    from rtmpose_plugin.compat import load_checkpoint_file
    ckpt = random_checkpoint(CONFIG, str(tmp_path / 'epoch_120.pth'))
    first = open_pose_model(CONFIG, ckpt)
    kp1, _ = first(crops())
    again = open_pose_model(CONFIG, ckpt)  # the same content: the same export
    assert again.name == first.name
    state = load_checkpoint_file(ckpt)
    for k, v in state['state_dict'].items():
        if k.endswith('.weight') and v.dim() > 1:
            v.mul_(-1.5)
    torch.save(state, ckpt)  # retrained under the same name
    retrained = open_pose_model(CONFIG, ckpt)
    assert retrained.name != first.name
    assert not np.array_equal(retrained(crops())[0], kp1)


def test_int8_and_fp16_conversions_are_cached_by_content(pose_sdk, tmp_path):
    calib = crops(4)
    calls = []

    def calibration(size):
        calls.append(size)
        return calib

    # random weights: INT8 drifts past the precision gate's bound (kept, and recorded so)
    m1 = open_pose_model(pose_sdk, backend='onnxruntime', precision='int8',
                         calibration=calibration, calibration_id='four crops',
                         gate=dict(allow_drift=True))
    m2 = open_pose_model(pose_sdk, backend='onnxruntime', precision='int8',
                         calibration=calibration, calibration_id='four crops',
                         gate=dict(allow_drift=True))
    assert len(calls) == 1  # quantized once
    assert m1.precision_check == m2.precision_check and m1.precision_check.crops == 4
    assert m1.meta == m2.meta and m1.num_keypoints == 17
    fp16 = open_pose_model(pose_sdk, backend='onnxruntime', precision='fp16')
    kp, _ = fp16(crops())
    assert kp.shape == (3, 17, 2)


def test_direct_calls_refuse_what_is_not_crops_or_an_image(pose_sdk):
    from rtmpose_plugin.errors import InputError
    pose, det = open_pose_model(pose_sdk), open_detector(shared(DET))
    w, h = pose.input_size
    for bad in ([[0]], None, np.zeros((1, h, w, 3), bool), np.zeros((1, h, w, 3), complex),
                np.zeros((1, h // 2, w, 3), np.uint8), np.zeros((h, w, 3), np.uint8)):
        with pytest.raises(InputError, match=f'expected crops \\(B, {h}, {w}, 3\\) uint8'):
            pose(bad)
    kp, sc = pose(np.zeros((0, h, w, 3), np.uint8))
    assert kp.shape == (0, pose.num_keypoints, 2) and sc.shape == (0, pose.num_keypoints)
    for bad in ([[0]], None, np.zeros((10, 10, 3), bool), np.zeros((10, 10), np.uint8),
                np.zeros((0, 10, 3), np.uint8), np.zeros((10, 10, 4), np.uint8)):
        with pytest.raises(InputError, match='expected an \\(H, W, 3\\) uint8 BGR image'):
            det(bad)


@pytest.mark.parametrize('backend', ['onnxruntime', 'openvino'])
def test_a_truncated_model_in_an_sdk_folder_is_named_truncated(tmp_path, backend):
    folder = tmp_path / 'sdk'
    shutil.copytree(shared(DET), folder)
    data = (folder / 'end2end.onnx').read_bytes()
    (folder / 'end2end.onnx').write_bytes(data[:len(data) // 2])
    for opener in (open_detector, open_pose_model):
        with pytest.raises(ModelError, match='is not an ONNX model \\(it does not parse: a '
                                             'truncated download'):
            opener(str(folder), backend=backend)
