import numpy as np
import pytest

from rtmpose_plugin.core.simcc import (auto_sigma, decode_simcc, encode_simcc, resolve_sigma,
                                       simcc_bins)

SIZE = (192, 256)


def brute_force(kp, vis, size, sigma, ratio):
    """The strict rule (``drop_outside=True``), one keypoint at a time."""
    wx, wy = simcc_bins(size, ratio)
    n, k = kp.shape[:2]
    x, y = np.zeros((n, k, wx)), np.zeros((n, k, wy))
    w = np.zeros((n, k))
    for i in range(n):
        for j in range(k):
            mu = np.around(kp[i, j] * ratio)
            inside = 0 <= mu[0] < wx and 0 <= mu[1] < wy
            w[i, j] = vis[i, j] if inside else 0
            if inside and vis[i, j] >= 0.5:
                x[i, j] = np.exp(-(np.arange(wx) - mu[0])**2 / (2 * sigma[0]**2))
                y[i, j] = np.exp(-(np.arange(wy) - mu[1])**2 / (2 * sigma[1]**2))
    return x, y, w


def test_auto_sigma_is_the_papers_rule():
    assert auto_sigma((192, 256)) == pytest.approx((4.9, 5.66), abs=0.01)
    assert auto_sigma((288, 384)) == pytest.approx((6.0, 6.93), abs=0.01)
    assert auto_sigma((256, 256)) == pytest.approx((5.66, 5.66), abs=0.01)
    assert resolve_sigma('auto', (192, 256), 2.0) == auto_sigma((192, 256))


@pytest.mark.parametrize('ratio', [1.0, 2.0, 3.0])
def test_strict_encode_matches_brute_force_and_decodes_within_half_a_bin(ratio):
    rng = np.random.default_rng(1)
    kp = rng.uniform(-30, 280, (6, 17, 2)).astype(np.float32)
    vis = (rng.random((6, 17)) > 0.2).astype(np.float32)
    sigma = auto_sigma(SIZE, ratio)
    x, y, w = encode_simcc(kp, vis, SIZE, sigma, ratio, drop_outside=True)
    bx, by, bw = brute_force(kp, vis, SIZE, sigma, ratio)
    np.testing.assert_allclose(x, bx, atol=1e-6)
    np.testing.assert_allclose(y, by, atol=1e-6)
    np.testing.assert_array_equal(w, bw)
    assert x.dtype == np.float32 and w.dtype == np.float32
    decoded, scores = decode_simcc(x, y, ratio)
    ok = (w > 0) & (vis >= 0.5)
    assert ok.sum() > 20
    assert np.abs(decoded[ok] - kp[ok]).max() <= 0.5 / ratio + 1e-5
    assert np.all(scores[ok] == pytest.approx(1.0))


BORDER_KP = np.array([[[0, 0], [191.7, 255.7], [50, 50], [-0.2, 10], [192.0, 10], [10, 256.0],
                       [-7.0, 10], [-8.0, 10], [10, 264.0], [10, 265.0]]], np.float32)
BORDER_VIS = np.array([[1, 1, 0, 1, 1, 1, 1, 1, 1, 1]], np.float32)


def test_borders_strict_rule():
    # x on the first and last bin, one invisible, one just outside each border
    x, y, w = encode_simcc(BORDER_KP, BORDER_VIS, SIZE, (4.9, 5.66), drop_outside=True)
    np.testing.assert_array_equal(w, [[1, 1, 0, 1, 0, 0, 0, 0, 0, 0]])  # -0.2 rounds to bin 0
    assert x[0, 0].argmax() == 0 and x[0, 1].argmax() == 383 and y[0, 1].argmax() == 511
    assert not x[0, 2].any() and not y[0, 2].any()  # invisible: no label, weight 0
    assert not x[0, 4].any() and not x[0, 5].any()  # outside: no label, weight 0
    dec, _ = decode_simcc(x[:, :2], y[:, :2])
    np.testing.assert_allclose(dec[0], [[0, 0], [191.5, 255.5]])


def test_borders_default_rule_keeps_truncated_labels_within_three_sigma():
    # 3 sigma = 14.7 bins in x, 16.98 in y: x = -7 px (bin -14) is kept, -8 px (bin -16)
    # is not; y = 264 px (bin 528 = 512 + 16) is kept, 265 px (bin 530) is not
    x, y, w = encode_simcc(BORDER_KP, BORDER_VIS, SIZE, (4.9, 5.66))
    np.testing.assert_array_equal(w, [[1, 1, 0, 1, 1, 1, 1, 0, 1, 0]])
    assert x[0, 4].argmax() == 383 and x[0, 4, 383] == pytest.approx(np.exp(-1 / (2 * 4.9**2)))
    assert y[0, 5].argmax() == 511 and x[0, 6].argmax() == 0
    assert 0 < x[0, 6, 0] < 0.02  # the tail of a Gaussian centred 14 bins to the left
    assert not x[0, 7].any() and not y[0, 9].any()
    assert not x[0, 2].any()  # invisible: no label, weight stays its visibility (0)


def test_nan_keypoints_get_weight_zero():
    kp = np.full((1, 2, 2), np.nan, np.float32)
    kp[0, 1] = (10, 10)
    _, _, w = encode_simcc(kp, None, SIZE, (4.9, 5.66))
    np.testing.assert_array_equal(w, [[0, 1]])


def test_normalize_and_label_smoothing():
    kp = np.array([[[96, 128]]], np.float32)
    x, _, _ = encode_simcc(kp, None, SIZE, (4.9, 5.66), normalize=True)
    assert x.sum() == pytest.approx(1.0, rel=1e-3)
    xs, _, _ = encode_simcc(kp, None, SIZE, (4.9, 5.66), label_smoothing=0.1)
    plain, _, _ = encode_simcc(kp, None, SIZE, (4.9, 5.66))
    np.testing.assert_allclose(xs, 0.9 * plain + 0.1 / 384, rtol=1e-6)


def test_decode_scores_are_min_of_axis_maxima_and_nonpositive_is_invalid():
    x = np.zeros((1, 2, 8), np.float32)
    y = np.zeros((1, 2, 6), np.float32)
    x[0, 0, 3], y[0, 0, 2] = 0.9, 0.4
    x[0, 1, 5], y[0, 1, 1] = 0.7, -0.2
    y[0, 1] -= 1  # every y value negative
    kp, s = decode_simcc(x, y, 2.0)
    np.testing.assert_allclose(s, [[0.4, -1.0]])  # y maxima: 0.4 and -1.0
    np.testing.assert_allclose(kp[0, 0], [1.5, 1.0])
    np.testing.assert_array_equal(kp[0, 1], [-1, -1])


@pytest.mark.parametrize('kwargs, message', [
    (dict(sigma=(0.0, 1.0)), 'positive'),
    (dict(sigma=-1.0), 'positive'),
    (dict(sigma=(1.0, 2.0, 3.0)), 'pair'),
    (dict(sigma='big'), "'auto'"),
    (dict(input_size=(192, )), 'input_size'),
    (dict(input_size=(0, 256)), 'input_size'),
    (dict(split_ratio=0), 'split_ratio'),
    (dict(label_smoothing=1.0), 'label_smoothing'),
])
def test_bad_arguments_say_what_is_wrong(kwargs, message):
    args = dict(input_size=SIZE, sigma=(4.9, 5.66), split_ratio=2.0)
    args.update(kwargs)
    smoothing = args.pop('label_smoothing', 0.0)
    with pytest.raises(ValueError, match=message):
        encode_simcc(np.zeros((1, 17, 2)), None, args['input_size'], args['sigma'],
                     args['split_ratio'], label_smoothing=smoothing)


def test_bad_shapes_say_what_is_wrong():
    with pytest.raises(ValueError, match=r'\(N, K, D>=2\)'):
        encode_simcc(np.zeros((17, 2)), None, SIZE, (4.9, 5.66))
    with pytest.raises(ValueError, match='keypoints_visible'):
        encode_simcc(np.zeros((2, 17, 2)), np.ones((2, 16)), SIZE, (4.9, 5.66))
    with pytest.raises(ValueError, match='leading'):
        decode_simcc(np.zeros((1, 17, 8)), np.zeros((1, 16, 8)))
