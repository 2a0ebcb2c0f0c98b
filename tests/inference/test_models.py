"""Opening models by name and config: RTMDet exported through MMDeploy into the cache,
run on ONNX Runtime and OpenVINO. (Files, SDK folders and zips: tests/runtime/.)"""
import numpy as np
import pytest

from ..conftest import shared

pytestmark = pytest.mark.slow


def test_rtmdet_exports_through_mmdeploy_and_detects_in_image_pixels(tmp_path):
    """RTMDet-nano with random weights: MMDeploy ONNX with NMS, our ONNX Runtime runner."""
    from rtmpose_plugin.inference import open_detector
    from rtmpose_plugin.testing import random_checkpoint

    def scoring(model):  # make some boxes score above the threshold
        for conv in model.bbox_head.rtm_cls:
            conv.bias.fill_(2.0)

    ckpt = random_checkpoint('rtmdet_nano_320-8xb32_coco-person.py', str(tmp_path / 'nano.pth'),
                             adjust=scoring)
    det = open_detector('rtmdet-nano', ckpt)
    assert det.input_size == (320, 320) and det.meta.assumed == []
    import cv2
    image = cv2.imread(shared('coco', '000000196141.jpg'))
    boxes = det(image)
    assert boxes.ndim == 2 and boxes.shape[1] == 5 and len(boxes) > 0
    h, w = image.shape[:2]
    assert boxes[:, 2].max() <= w * 1.05 and boxes[:, 3].max() <= h * 1.05  # image pixels
    # the same MMDeploy file on OpenVINO: the same boxes
    ov_det = open_detector('rtmdet-nano', ckpt, backend='openvino', precision='fp32')
    ov_boxes = ov_det(image)
    assert len(ov_boxes) == len(boxes)
    nearest = np.abs(boxes[:, None, :4] - ov_boxes[None, :, :4]).max(-1).min(1)
    assert np.mean(nearest < 1.0) >= 0.95
    np.testing.assert_allclose(np.sort(ov_boxes[:, 4]), np.sort(boxes[:, 4]), atol=1e-3)
