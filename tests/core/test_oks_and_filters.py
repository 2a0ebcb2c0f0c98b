import math

import numpy as np
import pytest
from mmpose.evaluation.functional import oks_nms as ref_oks_nms
from mmpose.evaluation.functional.nms import oks_iou

from rtmpose_plugin.core.filters import OneEuroFilter
from rtmpose_plugin.core.oks import oks_matrix, oks_nms
from rtmpose_plugin.runtime import keypoint_set

COCO = keypoint_set('coco').sigma_array


def poses(n=12, seed=0, k=17):
    rng = np.random.default_rng(seed)
    base = rng.uniform(50, 400, (n // 3, 1, 2)) + rng.normal(0, 30, (n // 3, k, 2))
    kpts = np.concatenate([base + rng.normal(0, s, base.shape) for s in (0, 3, 20)])
    scores = rng.random(n)
    kscores = rng.random((n, k))
    areas = rng.uniform(2000, 20000, n)
    return kpts, scores, kscores, areas


@pytest.mark.parametrize('vis_thr', [None, 0.3])
@pytest.mark.parametrize('dataset', ['coco', 'crowdpose', 'coco_wholebody', 'ap10k'])
def test_oks_equals_mmpose(vis_thr, dataset):
    sigmas = keypoint_set(dataset).sigma_array
    kpts, _, ks, areas = poses(k=len(sigmas))
    flat = np.concatenate([kpts, ks[..., None]], -1).reshape(len(kpts), -1)
    ours = oks_matrix(kpts, kpts, areas, areas, sigmas, vis_a=ks, vis_b=ks, vis_thr=vis_thr)
    for i in range(len(kpts)):
        np.testing.assert_allclose(ours[i], oks_iou(flat[i], flat, areas[i], areas,
                                                    sigmas=sigmas, vis_thr=vis_thr),
                                   rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('thr', [0.5, 0.9])
def test_oks_nms_equals_mmpose(thr):
    kpts, scores, ks, areas = poses(seed=3)
    db = [dict(keypoints=np.concatenate([k, s[:, None]], -1), score=sc, area=a)
          for k, s, sc, a in zip(kpts, ks, scores, areas)]
    np.testing.assert_array_equal(oks_nms(kpts, scores, areas, thr, COCO), ref_oks_nms(db, thr))


def test_oks_nms_drops_duplicates_keeps_distinct():
    kpts, scores, _, areas = poses(n=12, seed=1)
    keep = oks_nms(kpts, scores, areas, 0.9, COCO)
    assert 4 <= len(keep) < 12  # near-copies (noise 0 and 3 px) collapse
    assert oks_nms(kpts[:0], scores[:0], areas[:0], 0.9, COCO).shape == (0, )
    with pytest.raises(ValueError, match='sigmas'):
        oks_matrix(kpts[:, :5], kpts[:, :5], areas, areas, COCO)


def scalar_one_euro(xs, ts, min_cutoff, beta, d_cutoff):
    """The paper's algorithm, one scalar at a time."""
    def alpha(c, dt):
        return 1 / (1 + 1 / (2 * math.pi * c) / dt)
    out, x_prev, dx_prev, t_prev = [], None, 0.0, None
    for x, t in zip(xs, ts):
        if x_prev is None:
            x_prev, t_prev = x, t
            out.append(x)
            continue
        dt = t - t_prev
        dx = alpha(d_cutoff, dt) * (x - x_prev) / dt + (1 - alpha(d_cutoff, dt)) * dx_prev
        a = alpha(min_cutoff + beta * abs(dx), dt)
        x_prev, dx_prev, t_prev = a * x + (1 - a) * x_prev, dx, t
        out.append(x_prev)
    return np.array(out)


def test_one_euro_equals_the_papers_algorithm_elementwise():
    rng = np.random.default_rng(0)
    ts = np.cumsum(rng.uniform(0.02, 0.05, 50))
    xs = rng.normal(0, 1, (50, 3, 17, 2)).cumsum(0)
    f = OneEuroFilter(min_cutoff=1.5, beta=0.3, d_cutoff=1.0)
    ours = np.stack([f(x, t) for x, t in zip(xs, ts)])
    ref = scalar_one_euro(xs[:, 1, 5, 0], ts, 1.5, 0.3, 1.0)
    np.testing.assert_allclose(ours[:, 1, 5, 0], ref, rtol=1e-10)


def test_one_euro_smooths_jitter_and_follows_motion():
    t = np.arange(200) / 30.0
    truth = 100 * np.sin(t)
    noisy = truth + np.random.default_rng(1).normal(0, 2, t.shape)
    f = OneEuroFilter(min_cutoff=1.0, beta=0.005)
    out = np.array([f(np.array([x]), s)[0] for x, s in zip(noisy, t)])
    jitter = lambda s: np.abs(np.diff(s, 2)).mean()  # noqa: E731
    assert jitter(out) < 0.3 * jitter(noisy)
    assert np.abs(out - truth)[30:].mean() < 6.0  # lag on a 100 px swing


def test_one_euro_errors():
    with pytest.raises(ValueError, match='cutoffs'):
        OneEuroFilter(min_cutoff=0)
    f = OneEuroFilter()
    f(np.zeros(2), 1.0)
    with pytest.raises(ValueError, match='time must increase'):
        f(np.zeros(2), 1.0)
    with pytest.raises(ValueError, match='shape'):
        f(np.zeros(3), 2.0)
