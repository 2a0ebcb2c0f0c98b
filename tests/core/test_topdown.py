"""Top-down crops against mmpose's GetBBoxCenterScale + TopdownAffine (test time), and
the way back to image pixels."""
import numpy as np
import pytest

from rtmpose_plugin.core.topdown import box_to_center_scale, crop_person, keypoints_to_image

from ..conftest import shared


@pytest.mark.parametrize('input_size', [(192, 256), (288, 384), (256, 256)])
@pytest.mark.parametrize('bbox', [(120., 40., 90., 260.), (10., 300., 300., 80.), (0., 0., 5., 5.)])
def test_crop_equals_mmpose_topdown_affine(input_size, bbox):
    import cv2
    from mmpose.datasets.transforms import GetBBoxCenterScale, TopdownAffine
    image = cv2.imread(shared('coco', '000000196141.jpg'))
    x, y, w, h = bbox
    results = dict(img=image.copy(), bbox=np.array([[x, y, x + w, y + h]], np.float32),
                   img_shape=image.shape[:2])
    results = TopdownAffine(input_size)(GetBBoxCenterScale(padding=1.25)(results))
    crop, (center, scale) = crop_person(image, np.array(bbox, np.float32), input_size)
    np.testing.assert_allclose(center, results['bbox_center'][0], atol=1e-4)
    np.testing.assert_allclose(scale, results['bbox_scale'][0], rtol=1e-5)
    assert crop.shape == results['img'].shape
    assert np.abs(crop.astype(int) - results['img'].astype(int)).max() <= 1


def test_keypoints_go_back_to_where_they_were_cropped_from():
    rng = np.random.default_rng(0)
    input_size = (192, 256)
    boxes = rng.uniform(20, 300, (5, 4)).astype(np.float32)
    centers, scales = box_to_center_scale(boxes, input_size)
    kp_image = centers[:, None] + rng.uniform(-0.5, 0.5, (5, 17, 2)) * scales[:, None]
    # image -> input space by the crop's affine matrix, then back
    from rtmpose_plugin.core.topdown import crop_matrix
    kp_input = np.stack([
        (np.c_[k, np.ones(17)] @ crop_matrix(c, s, input_size).T)
        for k, c, s in zip(kp_image, centers, scales)])
    back = keypoints_to_image(kp_input, centers, scales, input_size)
    np.testing.assert_allclose(back, kp_image, rtol=1e-5, atol=1e-3)


def test_aspect_is_fixed_to_the_input():
    center, scale = box_to_center_scale(np.array([0, 0, 100, 100], np.float32), (192, 256))
    np.testing.assert_allclose(center, [50, 50])
    np.testing.assert_allclose(scale[0] / scale[1], 192 / 256, rtol=1e-6)
    assert scale[1] == pytest.approx(125 * 256 / 192)  # widened box grown to the aspect
