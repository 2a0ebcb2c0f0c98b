"""core.assignment against SciPy; core.image against mmcv's transforms."""
import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment as scipy_lsa

from rtmpose_plugin.core.assignment import linear_sum_assignment
from rtmpose_plugin.core.image import letterbox, normalize


@pytest.mark.parametrize('shape', [(1, 1), (3, 3), (4, 7), (7, 4), (12, 12), (0, 3), (3, 0)])
def test_assignment_equals_scipy(shape):
    rng = np.random.default_rng(sum(shape))
    for _ in range(50):
        cost = rng.random(shape)
        if rng.random() < 0.3:  # ties, as OKS of identical poses give
            cost = np.round(cost, 1)
        rows, cols = linear_sum_assignment(cost)
        ref_rows, ref_cols = scipy_lsa(cost)
        assert len(rows) == len(ref_rows) == min(shape)
        assert np.all(np.diff(rows) > 0) and len(set(cols)) == len(cols)
        assert cost[rows, cols].sum() == pytest.approx(cost[ref_rows, ref_cols].sum(), abs=1e-12)


def test_assignment_rejects_what_is_no_cost_matrix():
    with pytest.raises(ValueError, match='2-D'):
        linear_sum_assignment(np.zeros(3))
    with pytest.raises(ValueError, match='finite'):
        linear_sum_assignment(np.array([[0.0, np.nan]]))


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
