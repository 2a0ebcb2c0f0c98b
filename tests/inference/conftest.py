"""Fixtures of the inference tests: the smoke-trained RTMPose-t exported for ONNX
Runtime, the bundled detections of the COCO samples, a sample image, a model cache of
each test's own."""
import cv2
import pytest

from rtmpose_plugin.deploy import deploy
from rtmpose_plugin.inference import coco_detections, open_pose_model

from ..conftest import shared


@pytest.fixture(scope='session')
def onnx_model(trained_smoke, tmp_path_factory):
    """The smoke model's ONNX export (its path), once."""
    return deploy(trained_smoke['config'], trained_smoke['checkpoint'],
                  str(tmp_path_factory.mktemp('pipeline_onnx')))['model']


@pytest.fixture(scope='module')
def pose_model(onnx_model):
    return open_pose_model(onnx_model)


@pytest.fixture
def bundled():
    return coco_detections(shared('coco', 'test_coco_det_AP_H_56.json'),
                           shared('coco', 'test_coco.json'))


def image(name='000000196141.jpg'):
    return cv2.imread(shared('coco', name))


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv('RTMPOSE_PLUGIN_HOME', str(tmp_path / 'cache'))
