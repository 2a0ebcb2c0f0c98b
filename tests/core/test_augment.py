"""The augmentation functions behind our Cutout and blur transforms (the recipe's
albumentations-free augmentations): blurs against OpenCV, Cutout's holes."""
import cv2
import numpy as np

from rtmpose_plugin.core.augment import box_blur, cutout, median_blur


def image(h=64, w=48, dtype=np.uint8):
    return (np.random.default_rng(0).random((h, w, 3)) * 255).astype(dtype)


def test_blurs_equal_opencv():
    img = image()
    np.testing.assert_array_equal(box_blur(img, 5), cv2.blur(img, (5, 5)))
    np.testing.assert_array_equal(median_blur(img, 7), cv2.medianBlur(img, 7))
    assert median_blur(img.astype(np.float32), 7).dtype == np.float32  # float: 5 at most


def test_cutout_fills_holes_and_leaves_the_rest():
    img = image()
    out = cutout(img.copy(), np.random.default_rng(3))
    changed = np.any(out != img, axis=-1)
    assert changed.any() and not changed.all()
    assert np.all(out[changed] == 0)  # holes filled with 0
