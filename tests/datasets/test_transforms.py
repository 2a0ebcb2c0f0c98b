"""Our Cutout and blur transforms (the recipe's albumentations-free augmentations)."""
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
