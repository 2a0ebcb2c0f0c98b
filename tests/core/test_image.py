"""core.assignment against SciPy; core.image against mmcv's transforms."""
import numpy as np
import pytest

from rtmpose_plugin.core.image import letterbox, normalize


@pytest.mark.parametrize('to_rgb', [True, False])
def test_normalize_equals_mmcv(to_rgb):
    import mmcv
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (3, 32, 24, 3), dtype=np.uint8)
    mean, std = np.array([123.675, 116.28, 103.53]), np.array([58.395, 57.12, 57.375])
    ours = normalize(images, mean, std, to_rgb)
    ref = np.stack([mmcv.imnormalize(i, mean, std, to_rgb) for i in images]).transpose(0, 3, 1, 2)
    np.testing.assert_allclose(ours, ref, rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize('hw', [(480, 640), (640, 427), (100, 100), (37, 400)])
def test_letterbox_equals_mmcv_rescale_and_pad(hw):
    import mmcv
    image = np.random.default_rng(1).integers(0, 256, (*hw, 3), dtype=np.uint8)
    canvas, (sx, sy) = letterbox(image, (320, 320), 114)
    resized, scale = mmcv.imrescale(image, (320, 320), return_scale=True)
    ref = mmcv.impad(resized, shape=(320, 320), pad_val=(114, 114, 114))  # as mmdet's Pad
    assert canvas.shape == (320, 320, 3) and sx == sy == pytest.approx(scale)
    np.testing.assert_array_equal(canvas, ref)
