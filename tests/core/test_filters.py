import math

import numpy as np
import pytest

from rtmpose_plugin.core.filters import OneEuroFilter
from rtmpose_plugin.runtime import keypoint_set

COCO = keypoint_set('coco').sigma_array


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
    with pytest.raises(ValueError, match=r'min_cutoff must be a finite number > 0, got 0'):
        OneEuroFilter(min_cutoff=0)
    for bad in (dict(beta=-1), dict(beta=float('nan')), dict(d_cutoff=float('inf')),
                dict(min_cutoff='1'), dict(beta=True)):
        with pytest.raises(ValueError, match=next(iter(bad))):
            OneEuroFilter(**bad)
    f = OneEuroFilter()
    f(np.zeros(2), 1.0)
    with pytest.raises(ValueError, match='time must increase'):
        f(np.zeros(2), 0.5)
    with pytest.raises(ValueError, match='shape'):
        f(np.zeros(3), 2.0)


def test_one_euro_steps_too_small_to_divide_by_are_no_time_passed():
    f = OneEuroFilter(min_cutoff=1.0, beta=0.5)
    f(np.array([10.0, 20.0]), 0.0)
    assert np.array_equal(f(np.array([500.0, -500.0]), 0.0), [10.0, 20.0])  # the same time
    for t in (5e-324, 1e-300, 1e-12):  # subnormal and tiny steps: state kept, finite
        out = f(np.array([1e6, -1e6]), t)
        assert np.all(np.isfinite(out)) and np.array_equal(out, [10.0, 20.0])
    out = f(np.array([11.0, 21.0]), 1e-3)  # a real step filters as before
    assert np.all(np.isfinite(out)) and 10.0 < out[0] <= 11.0
