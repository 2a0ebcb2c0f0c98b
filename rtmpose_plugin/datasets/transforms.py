"""The recipe's image augmentations as mmpose transforms.

The recipe's image augmentations as mmpose transforms (thin classes over
:mod:`rtmpose_plugin.core.augment`), registered in mmpose's ``TRANSFORMS``.

Randomness comes from NumPy's global generator, which mmengine seeds per worker.
"""
from __future__ import annotations

from typing import Tuple

import numpy as np
from mmcv.transforms import BaseTransform
from mmpose.registry import TRANSFORMS

from ..core.augment import _odd_kernel, box_blur, cutout, median_blur


def _rng() -> np.random.Generator:
    return np.random.default_rng(np.random.randint(0, 2**31 - 1))


class _RandomImageTransform(BaseTransform):

    def __init__(self, p: float) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f'p must be in [0, 1], got {p!r}')
        self.p = p

    def apply(self, image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def transform(self, results: dict) -> dict:
        if self.p > 0 and np.random.rand() < self.p:
            results['img'] = self.apply(results['img'], _rng())
        return results

    def __repr__(self) -> str:
        args = ', '.join(f'{k}={v!r}' for k, v in vars(self).items())
        return f'{type(self).__name__}({args})'


@TRANSFORMS.register_module()
class RandomBoxBlur(_RandomImageTransform):
    """Mean blur with an odd kernel drawn from ``kernel_range`` (albumentations' ``Blur``).

    Args:
        p: Probability. RTMPose: 0.1.
        kernel_range: (min, max) odd kernel size; RTMPose: (3, 7).
    """

    def __init__(self, p: float = 0.1, kernel_range: Tuple[int, int] = (3, 7)) -> None:
        super().__init__(p)
        _odd_kernel(np.random.default_rng(0), *kernel_range)  # validate
        self.kernel_range = tuple(kernel_range)

    def apply(self, image, rng):
        return box_blur(image, _odd_kernel(rng, *self.kernel_range))


@TRANSFORMS.register_module()
class RandomMedianBlur(RandomBoxBlur):
    """Median blur with an odd kernel from ``kernel_range`` (albumentations' ``MedianBlur``)."""

    def apply(self, image, rng):
        return median_blur(image, _odd_kernel(rng, *self.kernel_range))


@TRANSFORMS.register_module()
class RandomCutout(_RandomImageTransform):
    """Coarse dropout: ``num_holes`` rectangles filled with ``fill``.

    Args:
        p: Probability. RTMPose: 1.0 in stage 1, 0.5 in stage 2.
        num_holes: (min, max) holes; RTMPose: (1, 1).
        height_range, width_range: hole size as a fraction of the image; RTMPose: (0.2, 0.4).
        fill: Pixel value of the holes.
    """

    def __init__(self, p: float = 1.0, num_holes: Tuple[int, int] = (1, 1),
                 height_range: Tuple[float, float] = (0.2, 0.4),
                 width_range: Tuple[float, float] = (0.2, 0.4), fill: float = 0) -> None:
        super().__init__(p)
        cutout(np.zeros((4, 4), np.uint8), np.random.default_rng(0), num_holes, height_range,
               width_range, fill)  # validate
        self.num_holes = tuple(num_holes)
        self.height_range = tuple(height_range)
        self.width_range = tuple(width_range)
        self.fill = fill

    def apply(self, image, rng):
        return cutout(image, rng, self.num_holes, self.height_range, self.width_range, self.fill)
