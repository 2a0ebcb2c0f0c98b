"""Our codec against mmpose's SimCCLabel on the same inputs."""
import numpy as np
import pytest
import torch
from mmpose.codecs import SimCCLabel
from mmpose.registry import KEYPOINT_CODECS

import rtmpose_plugin.register  # noqa: F401
from rtmpose_plugin.codecs import RTMSimCCLabel
from rtmpose_plugin.core.simcc import auto_sigma

SETTINGS = [((192, 256), (4.9, 5.66)), ((288, 384), (6.0, 6.93)), ((256, 256), (5.66, 5.66))]


def in_range_keypoints(size, n=20, k=17, seed=0):
    rng = np.random.default_rng(seed)
    kp = rng.uniform(0, 1, (n, k, 2)) * (np.array(size) - 0.5)
    vis = (rng.random((n, k)) > 0.25).astype(np.float32)
    return kp.astype(np.float32), vis


def test_registered_beside_mmpose_codec():
    assert KEYPOINT_CODECS.get('RTMSimCCLabel') is RTMSimCCLabel
    assert KEYPOINT_CODECS.get('SimCCLabel') is SimCCLabel


@pytest.mark.parametrize('size, sigma', SETTINGS)
@pytest.mark.parametrize('normalize', [False, True])
def test_encode_equals_mmpose_inside_the_input(size, sigma, normalize):
    kp, vis = in_range_keypoints(size)
    ours = RTMSimCCLabel(size, sigma=sigma, normalize=normalize).encode(kp, vis)
    ref = SimCCLabel(size, sigma=sigma, normalize=normalize).encode(kp, vis)
    for key in ('keypoint_x_labels', 'keypoint_y_labels', 'keypoint_weights'):
        np.testing.assert_allclose(ours[key], ref[key], atol=1e-6, err_msg=key)


def around_keypoints(size, k, seed, n=24):
    """Keypoints in and around the crop: up to 15% of the size outside each border,
    visibility 0, 1 or fractional (as after a keypoint converter), a few exactly on
    the 3-sigma edge of the kept window."""
    rng = np.random.default_rng(seed)
    size = np.array(size, np.float64)
    kp = rng.uniform(-0.15, 1.15, (n, k, 2)) * size
    vis = rng.choice([0.0, 1.0, 1.0, 1.0, 0.3, 0.5, 0.7], (n, k)).astype(np.float32)
    return kp.astype(np.float32), vis


@pytest.mark.parametrize('k', [17, 133])
@pytest.mark.parametrize('size', [s for s, _ in SETTINGS])
@pytest.mark.parametrize('normalize', [False, True])
def test_encode_equals_mmpose_in_and_around_the_crop(size, k, normalize):
    sigma = auto_sigma(size)
    kp, vis = around_keypoints(size, k, seed=k + size[0])
    ours = RTMSimCCLabel(size, sigma='auto', normalize=normalize).encode(kp, vis)
    ref = SimCCLabel(size, sigma=sigma, normalize=normalize).encode(kp, vis)
    for key in ('keypoint_x_labels', 'keypoint_y_labels', 'keypoint_weights'):
        np.testing.assert_array_equal(ours[key], ref[key], err_msg=key)
    # the inputs reach every case: kept outside with a truncated label, dropped
    # outside, invisible outside
    mu = np.around(kp * 2)
    outside = ((mu < 0) | (mu >= np.array(size) * 2)).any(-1)
    kept = ref['keypoint_weights'] > 0
    assert (outside & kept & (vis >= 0.5)).sum() > 10
    assert (outside & ~kept & (vis >= 0.5)).sum() > 10
    assert (outside & (vis < 0.5) & (vis > 0)).sum() > 0
    # and the default-None visibility matches too
    none = RTMSimCCLabel(size, sigma='auto', normalize=normalize).encode(kp)
    ref_none = SimCCLabel(size, sigma=sigma, normalize=normalize).encode(kp)
    np.testing.assert_array_equal(none['keypoint_weights'], ref_none['keypoint_weights'])
    np.testing.assert_array_equal(none['keypoint_x_labels'], ref_none['keypoint_x_labels'])


@pytest.mark.parametrize('size', [s for s, _ in SETTINGS])
def test_strict_option_drops_every_keypoint_outside(size):
    kp, vis = around_keypoints(size, 17, seed=5)
    strict = RTMSimCCLabel(size, drop_outside=True).encode(kp, vis)
    default = RTMSimCCLabel(size).encode(kp, vis)
    mu = np.around(kp * 2)
    outside = ((mu < 0) | (mu >= np.array(size) * 2)).any(-1)
    assert not strict['keypoint_weights'][outside].any()
    assert not strict['keypoint_x_labels'][outside].any()
    inside = ~outside
    for key in ('keypoint_x_labels', 'keypoint_y_labels', 'keypoint_weights'):
        np.testing.assert_array_equal(strict[key][inside], default[key][inside])
    assert default['keypoint_weights'][outside].any()


def test_auto_sigma_codec_equals_the_hand_written_config_values():
    kp, vis = in_range_keypoints((192, 256))
    ours = RTMSimCCLabel((192, 256), sigma='auto').encode(kp, vis)
    ref = SimCCLabel((192, 256), sigma=(4.9, 5.66), normalize=False).encode(kp, vis)
    # 4.899 vs 4.9 and 5.657 vs 5.66: labels agree to 1e-3
    np.testing.assert_allclose(ours['keypoint_x_labels'], ref['keypoint_x_labels'], atol=1e-3)


@pytest.mark.parametrize('use_dark', [False, True])
@pytest.mark.parametrize('size, sigma', SETTINGS)
def test_decode_equals_mmpose(size, sigma, use_dark):
    rng = np.random.default_rng(3)
    wx, wy = int(size[0] * 2), int(size[1] * 2)
    # realistic logits: a peak near a random location plus noise
    kp, _ = in_range_keypoints(size, n=4)
    codec_ref = SimCCLabel(size, sigma=sigma, normalize=False, use_dark=use_dark)
    enc = codec_ref.encode(kp, np.ones(kp.shape[:2]))
    x = enc['keypoint_x_labels'] + rng.normal(0, 0.05, (4, 17, wx)).astype(np.float32)
    y = enc['keypoint_y_labels'] + rng.normal(0, 0.05, (4, 17, wy)).astype(np.float32)
    ours = RTMSimCCLabel(size, sigma=sigma, use_dark=use_dark)
    kp_ours, s_ours = ours.decode(x.copy(), y.copy())
    kp_ref, s_ref = codec_ref.decode(x.copy(), y.copy())
    np.testing.assert_allclose(s_ours, s_ref, atol=1e-6)
    np.testing.assert_allclose(kp_ours, kp_ref, atol=1e-4)
    # batched decode (what the head uses) gives the same per crop
    bk, bs = ours.batch_decode(torch.from_numpy(x), torch.from_numpy(y))
    assert len(bk) == 4 and bk[0].shape == (1, 17, 2) and bs[0].shape == (1, 17)
    np.testing.assert_allclose(np.concatenate(bk), kp_ours, atol=1e-6)


@pytest.mark.parametrize('size, sigma', SETTINGS)
def test_decode_visibility_equals_mmpose(size, sigma):
    """RTMW's 384x288 configs decode visibility; ours equals mmpose's per keypoint."""
    rng = np.random.default_rng(5)
    kp, _ = in_range_keypoints(size, n=3)
    codec_ref = SimCCLabel(size, sigma=sigma, normalize=False, decode_visibility=True)
    enc = codec_ref.encode(kp, np.ones(kp.shape[:2]))
    # peaks of varied height and sharpness, so visibilities spread over (0, 1]
    scale = rng.uniform(0.0, 0.02, (3, 17, 1)).astype(np.float32)
    x = enc['keypoint_x_labels'] * scale * 10 + rng.normal(0, 1, enc['keypoint_x_labels'].shape
                                                           ).astype(np.float32) * scale
    y = enc['keypoint_y_labels'] * scale * 10 + rng.normal(0, 1, enc['keypoint_y_labels'].shape
                                                           ).astype(np.float32) * scale
    ours = RTMSimCCLabel(size, sigma=sigma, decode_visibility=True)
    kp_ref, (s_ref, v_ref) = codec_ref.decode(x.copy(), y.copy())
    kp_ours, (s_ours, v_ours) = ours.decode(x.copy(), y.copy())
    assert v_ref.std() > 0.05, 'the visibilities should spread for the test to mean much'
    np.testing.assert_allclose(v_ours, v_ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(s_ours, s_ref, atol=1e-6)
    np.testing.assert_allclose(kp_ours, kp_ref, atol=1e-4)
    bk, (bs, bv) = ours.batch_decode(torch.from_numpy(x), torch.from_numpy(y))
    assert len(bv) == 3 and bv[0].shape == (1, 17)
    np.testing.assert_allclose(np.concatenate(bv), v_ref, rtol=1e-5, atol=1e-6)


def test_single_instance_decode_adds_the_instance_axis():
    codec = RTMSimCCLabel((192, 256))
    kp, s = codec.decode(np.random.rand(17, 384), np.random.rand(17, 512))
    assert kp.shape == (1, 17, 2) and s.shape == (1, 17)


def test_encode_decode_round_trip_and_outside_weight():
    codec = RTMSimCCLabel((192, 256))
    kp = np.array([[[10.2, 20.7], [191.6, 0.1], [200.0, 5.0], [5.0, -3.0], [230., 5.]]],
                  np.float32)
    enc = codec.encode(kp, np.ones((1, 5)))
    # 8 px right of the edge (16 bins) is past 3 sigma_x; 3 px above is within 3 sigma_y
    np.testing.assert_array_equal(enc['keypoint_weights'], [[1, 1, 0, 1, 0]])
    dec, _ = codec.decode(enc['keypoint_x_labels'], enc['keypoint_y_labels'])
    assert np.abs(dec[0, :2] - kp[0, :2]).max() <= 0.25 + 1e-6


@pytest.mark.parametrize('kwargs, message', [
    (dict(sigma=0), 'positive'),
    (dict(sigma=(4.9, -1)), 'positive'),
    (dict(label_smoothing=-0.1), 'label_smoothing'),
    (dict(simcc_split_ratio=0), 'split_ratio'),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RTMSimCCLabel((192, 256), **kwargs)


def test_bad_shapes():
    codec = RTMSimCCLabel((192, 256))
    with pytest.raises(ValueError, match='keypoints_visible'):
        codec.encode(np.zeros((2, 17, 2)), np.ones((17, )))
    with pytest.raises(ValueError, match=r'\(K, W\) or \(N, K, W\)'):
        codec.decode(np.zeros((384, )), np.zeros((512, )))
