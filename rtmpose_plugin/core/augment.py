"""Image augmentations of the RTMPose recipe, NumPy and OpenCV only.

They replace mmpose's ``Albumentation`` wrapper (broken on albumentations 2.x) with
the parameters the RTMPose configs pass to albumentations 1.x: ``Blur`` and
``MedianBlur`` with kernel sizes 3 to 7, ``CoarseDropout`` with one hole of 0.2 to
0.4 of the image height and width, filled with 0. Images are (H, W) or (H, W, C)
arrays of any dtype; keypoints are not changed.
"""
from __future__ import annotations

from typing import Tuple

import cv2
import numpy as np


def _odd_kernel(rng: np.random.Generator, low: int, high: int) -> int:
    if low < 3 or high < low or low % 2 == 0 or high % 2 == 0:
        raise ValueError(f'kernel sizes must be odd and >= 3 with low <= high, got ({low}, {high})')
    return int(rng.choice(np.arange(low, high + 1, 2)))


def box_blur(image: np.ndarray, kernel: int) -> np.ndarray:
    """Mean filter of size ``kernel`` x ``kernel``."""
    return cv2.blur(image, (kernel, kernel))


def median_blur(image: np.ndarray, kernel: int) -> np.ndarray:
    """Median filter.

    OpenCV supports kernels > 5 only for uint8, so other dtypes use 5 at most.
    (albumentations converts other dtypes to uint8 instead; the recipe's images are uint8,
    where both are OpenCV's median.)
    """
    if image.dtype != np.uint8:
        kernel = min(kernel, 5)
        image = image.astype(np.float32)
    return cv2.medianBlur(image, kernel)


def sample_holes(rng: np.random.Generator, shape: Tuple[int, ...],
                 num_holes: Tuple[int, int] = (1, 1),
                 height_range: Tuple[float, float] = (0.2, 0.4),
                 width_range: Tuple[float, float] = (0.2, 0.4)) -> np.ndarray:
    """Random holes for an image of ``shape``: (N, 4) int rows ``x1, y1, x2, y2``.

    The number of holes is uniform in ``num_holes``; each hole's height (width) is
    ``int(H * u)`` (``int(W * u)``), u uniform in the range, at least 1 px, and its
    corner uniform over the positions that keep it inside the image (albumentations
    1.4's ``CoarseDropout`` rule for fractional sizes).
    """
    for lo, hi in (height_range, width_range):
        if not 0 < lo <= hi <= 1:
            raise ValueError(f'hole size fractions must satisfy 0 < low <= high <= 1, '
                             f'got ({lo}, {hi})')
    if not 0 < num_holes[0] <= num_holes[1]:
        raise ValueError(f'num_holes must be 0 < low <= high, got {num_holes}')
    h, w = shape[:2]
    holes = []
    for _ in range(int(rng.integers(num_holes[0], num_holes[1] + 1))):
        hh = max(1, int(h * rng.uniform(*height_range)))
        ww = max(1, int(w * rng.uniform(*width_range)))
        y = int(rng.integers(0, h - hh + 1))
        x = int(rng.integers(0, w - ww + 1))
        holes.append((x, y, x + ww, y + hh))
    return np.array(holes, dtype=np.int64).reshape(-1, 4)


def fill_holes(image: np.ndarray, holes: np.ndarray, fill: float = 0) -> np.ndarray:
    """A copy of ``image`` with each ``x1, y1, x2, y2`` rectangle set to ``fill``."""
    out = image.copy()
    for x1, y1, x2, y2 in np.asarray(holes, dtype=np.int64).reshape(-1, 4):
        out[y1:y2, x1:x2] = fill
    return out


def cutout(image: np.ndarray, rng: np.random.Generator, num_holes: Tuple[int, int] = (1, 1),
           height_range: Tuple[float, float] = (0.2, 0.4),
           width_range: Tuple[float, float] = (0.2, 0.4), fill: float = 0) -> np.ndarray:
    """Set ``num_holes`` random rectangles to ``fill`` (a copy of the image).

    :func:`sample_holes` then :func:`fill_holes`.
    """
    return fill_holes(image, sample_holes(rng, image.shape, num_holes, height_range,
                                          width_range), fill)
