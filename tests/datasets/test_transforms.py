"""Our Cutout and blur transforms (the recipe's albumentations-free augmentations)."""
import os

import numpy as np
import pytest
from mmpose.registry import TRANSFORMS

import rtmpose_plugin.register  # noqa: F401
from rtmpose_plugin.core.augment import cutout


def image(h=64, w=48, dtype=np.uint8):
    return (np.random.default_rng(0).random((h, w, 3)) * 255).astype(dtype)


def test_registered_under_their_own_names():
    for name in ('RandomCutout', 'RandomBoxBlur', 'RandomMedianBlur'):
        assert TRANSFORMS.get(name) is not None


@pytest.mark.parametrize('seed', range(20))
def test_cutout_makes_one_hole_of_the_paper_size(seed):
    img = image() + 1  # no zero pixel before
    out = cutout(img, np.random.default_rng(seed))
    holes = np.all(out == 0, axis=-1)
    ys, xs = np.nonzero(holes)
    h, w = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
    assert holes.sum() == h * w  # one rectangle
    assert 0.2 * 64 - 1 <= h <= 0.4 * 64 and 0.2 * 48 - 1 <= w <= 0.4 * 48
    assert np.array_equal(out[~holes], img[~holes])
    assert img.min() > 0  # the input is untouched


@pytest.mark.parametrize('name', ['RandomCutout', 'RandomBoxBlur', 'RandomMedianBlur'])
def test_probability_zero_and_one(name):
    img = image()
    never = TRANSFORMS.build(dict(type=name, p=0.0))
    always = TRANSFORMS.build(dict(type=name, p=1.0))
    assert never(dict(img=img.copy()))['img'] is not None
    np.testing.assert_array_equal(never(dict(img=img.copy()))['img'], img)
    assert not np.array_equal(always(dict(img=img.copy()))['img'], img)


def test_seeded_runs_repeat():
    t = TRANSFORMS.build(dict(type='RandomCutout', p=0.5))
    runs = []
    for _ in range(2):
        np.random.seed(3)
        runs.append([t(dict(img=image()))['img'] for _ in range(5)])
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize('cfg, message', [
    (dict(type='RandomCutout', p=1.5), 'p must be'),
    (dict(type='RandomCutout', height_range=(0.5, 0.2)), 'hole size'),
    (dict(type='RandomCutout', num_holes=(0, 1)), 'num_holes'),
    (dict(type='RandomBoxBlur', kernel_range=(4, 7)), 'odd'),
])
def test_bad_arguments(cfg, message):
    with pytest.raises(ValueError, match=message):
        TRANSFORMS.build(cfg)


# ------------------------------------------------ against albumentations 1.4.24
# mmpose's recipe runs albumentations' Blur, MedianBlur and CoarseDropout (through its
# Albumentation wrapper); albumentations 1.4.24 is installed for this reference only.
# Where the algorithms coincide (the filter of a given kernel, the fill of a given
# hole) outputs must be equal; where each draws its own random numbers (kernel size,
# hole count, size and place, whether to apply) the distributions over N draws must
# agree. Statistical bound: seeds are fixed, so each test is deterministic; each
# two-sample comparison (chi-square for kernel sizes, Kolmogorov-Smirnov for hole
# sizes and corners, two-proportion z for the probability of applying) must have
# p >= 0.001, which a correct twin fails with probability 0.1% on fresh seeds, and
# each probability must lie within 4 binomial standard deviations of the configured p.
N = 10_000
P_MIN = 1e-3


def albu():
    os.environ.setdefault('NO_ALBUMENTATIONS_UPDATE', '1')
    import albumentations as A
    assert A.__version__ == '1.4.24', A.__version__
    return A


def coarse_dropout(A, p=1.0, holes=1):
    """CoarseDropout as mmpose's RTMPose configs spell it."""
    return A.CoarseDropout(max_holes=holes, max_height=0.4, max_width=0.4, min_holes=1,
                           min_height=0.2, min_width=0.2, p=p)


def test_reference_is_the_recipe_config():
    """The albumentations objects built from mmpose's config values are the ones
    compared here (kernel range 3-7, one hole of 0.2-0.4, fill 0)."""
    A = albu()
    assert A.Blur(p=0.1).blur_limit == (3, 7)
    assert A.MedianBlur(p=0.1).blur_limit == (3, 7)
    t = coarse_dropout(A)
    assert (t.num_holes_range, t.hole_height_range, t.hole_width_range, t.fill) == \
        ((1, 1), (0.2, 0.4), (0.2, 0.4), 0)


@pytest.mark.parametrize('kernel', [3, 5, 7])
@pytest.mark.parametrize('channels', [1, 3])
def test_blurs_equal_albumentations_for_a_given_kernel(kernel, channels):
    from rtmpose_plugin.core.augment import box_blur, median_blur
    A = albu()
    img = image(61, 47)[..., :channels].copy()
    if channels == 1:
        img = img[..., 0]
    np.testing.assert_array_equal(box_blur(img, kernel), A.Blur().apply(img, kernel=kernel))
    np.testing.assert_array_equal(median_blur(img, kernel),
                                  A.MedianBlur().apply(img, kernel=kernel))


@pytest.mark.parametrize('seed', range(5))
def test_cutout_fill_equals_albumentations_for_given_holes(seed):
    from rtmpose_plugin.core.augment import fill_holes, sample_holes
    A = albu()
    img = image(256, 192)
    holes = sample_holes(np.random.default_rng(seed), img.shape, num_holes=(1, 3))
    ref = coarse_dropout(A, holes=3).apply(img, holes=holes, seed=0)
    np.testing.assert_array_equal(fill_holes(img, holes, 0), ref)


def two_sample_p(a, b, kind):
    from scipy import stats
    if kind == 'chi2':
        values = sorted(set(a) | set(b))
        table = [[list(a).count(v) for v in values], [list(b).count(v) for v in values]]
        return stats.chi2_contingency(table)[1]
    return stats.ks_2samp(a, b).pvalue


def test_kernel_size_distribution_equals_albumentations():
    from rtmpose_plugin.core.augment import _odd_kernel
    A = albu()
    rng = np.random.default_rng(1)
    ours = [_odd_kernel(rng, 3, 7) for _ in range(N)]
    for t in (A.Blur(p=1), A.MedianBlur(p=1)):
        t.set_random_seed(1)
        theirs = [t.get_params()['kernel'] for _ in range(N)]
        assert set(ours) == set(theirs) == {3, 5, 7}
        assert two_sample_p(ours, theirs, 'chi2') >= P_MIN
        for k in (3, 5, 7):  # each kernel with probability 1/3
            assert abs(theirs.count(k) - N / 3) < 4 * np.sqrt(N * 2 / 9)
            assert abs(ours.count(k) - N / 3) < 4 * np.sqrt(N * 2 / 9)


@pytest.mark.parametrize('shape', [(256, 192, 3), (384, 288, 3), (31, 17, 3)])
def test_hole_distribution_equals_albumentations(shape):
    from rtmpose_plugin.core.augment import sample_holes
    A = albu()
    t = coarse_dropout(A)
    t.set_random_seed(2)
    theirs = np.concatenate([t.get_params_dependent_on_data({'shape': shape}, {})['holes']
                             for _ in range(N)])
    rng = np.random.default_rng(2)
    ours = np.concatenate([sample_holes(rng, shape) for _ in range(N)])
    assert len(ours) == len(theirs) == N  # one hole, always
    for name, col in (('width', lambda h: h[:, 2] - h[:, 0]),
                      ('height', lambda h: h[:, 3] - h[:, 1]),
                      ('x', lambda h: h[:, 0]), ('y', lambda h: h[:, 1])):
        a, b = col(ours), col(theirs)
        if name in ('width', 'height'):  # dense: every size is drawn by both
            assert (a.min(), a.max()) == (b.min(), b.max()), name
        assert two_sample_p(a, b, 'ks') >= P_MIN, name
    # every hole inside the image
    assert ours[:, :2].min() >= 0 and ours[:, 2].max() <= shape[1] and \
        ours[:, 3].max() <= shape[0]


@pytest.mark.parametrize('ours_cfg, albu_type, p', [
    (dict(type='RandomBoxBlur', p=0.1), 'Blur', 0.1),
    (dict(type='RandomMedianBlur', p=0.1), 'MedianBlur', 0.1),
    (dict(type='RandomCutout', p=0.5), 'CoarseDropout', 0.5),
])
def test_probability_of_applying_equals_albumentations(ours_cfg, albu_type, p):
    A = albu()
    img = image(24, 20) + 1  # noise, no zero: any blur or hole changes it
    ours_t = TRANSFORMS.build(ours_cfg)
    np.random.seed(3)
    ours = sum(not np.array_equal(ours_t(dict(img=img.copy()))['img'], img) for _ in range(N))
    twin = coarse_dropout(A, p) if albu_type == 'CoarseDropout' else getattr(A, albu_type)(p=p)
    compose = A.Compose([twin], seed=3)
    theirs = sum(not np.array_equal(compose(image=img.copy())['image'], img) for _ in range(N))
    sd = np.sqrt(N * p * (1 - p))
    assert abs(ours - N * p) < 4 * sd and abs(theirs - N * p) < 4 * sd, (ours, theirs)
    pooled = (ours + theirs) / (2 * N)
    z = abs(ours - theirs) / N / np.sqrt(2 * pooled * (1 - pooled) / N)
    from scipy import stats
    assert 2 * stats.norm.sf(z) >= P_MIN, (ours, theirs)
