"""A torchvision-free stand-in for ``mmpose.visualization.simcc_vis``.

mmpose 1.3.2's module imports ``torchvision.transforms.ToPILImage`` only to turn
a [0, 1] float map into an 8-bit image; this module does that with NumPy and
OpenCV and keeps the class name and the method ``PoseLocalVisualizer`` calls
(``draw_instance_xy_heatmap``). It is installed by
:func:`rtmpose_plugin.compat.fixes.fix_mmpose_visualization` only where
torchvision cannot be imported.

Shapes: K keypoints, a SimCC "heatmap" is the outer product of the 1-D x and y
distributions, (K, H, W) in input-image pixels.
"""
from __future__ import annotations

from typing import Optional, Union

import cv2
import numpy as np
import torch

ArrayLike = Union[np.ndarray, torch.Tensor]

_STRIP = 15  # thickness in px of each drawn 1-D distribution
_GAP = 10


def to_uint8(values: ArrayLike) -> np.ndarray:
    """Map a [0, 1] float map to uint8, values outside clipped."""
    arr = values.detach().cpu().numpy() if isinstance(values, torch.Tensor) else values
    return (np.clip(np.asarray(arr, dtype=np.float32), 0.0, 1.0) * 255).astype(np.uint8)


def colorize(values: ArrayLike) -> np.ndarray:
    """A (H, W) or (L,) float map in [0, 1] as a BGR JET image (H, W, 3)."""
    img = to_uint8(values)
    if img.ndim == 1:
        img = img[None]
    return cv2.applyColorMap(img, cv2.COLORMAP_JET)


class SimCCVisualizer:
    """Draws the 2-D SimCC map of an instance and each keypoint's x/y profile."""

    def draw_instance_xy_heatmap(self,
                                 heatmap: ArrayLike,
                                 overlaid_image: Optional[np.ndarray],
                                 n: int = 20,
                                 mix: bool = True,
                                 weight: float = 0.5) -> np.ndarray:
        """Draw the maps of one instance.

        Args:
            heatmap: (K, H, W) maps in [0, 1].
            overlaid_image: (H, W, 3) image to blend under the 2-D map, or None.
            n: Draw the 1-D profiles of at most ``n`` keypoints.
            mix: Blend the 2-D map with ``overlaid_image``.
            weight: Weight of the map in the blend.

        Returns:
            A uint8 (H', W', 3) canvas: the 2-D map at the top left, the x
            profiles below it and the y profiles to its right.
        """
        maps = heatmap.detach().cpu().numpy() if isinstance(heatmap, torch.Tensor) \
            else np.asarray(heatmap)
        num_kpts, h, w = maps.shape
        k = min(num_kpts, n)
        map2d = colorize(maps.max(axis=0))
        if mix and overlaid_image is not None:
            map2d = cv2.addWeighted(overlaid_image, 1 - weight, map2d, weight, 0)
        step = _STRIP + _GAP
        canvas = np.full((h + _GAP + k * step, w + _GAP + k * step, 3), 255, np.uint8)
        canvas[:h, :w] = map2d
        for i in range(k):
            x_profile = cv2.resize(colorize(maps[i].max(axis=0)), (w, _STRIP))
            y_profile = cv2.resize(colorize(maps[i].max(axis=1)[None]).transpose(1, 0, 2),
                                   (_STRIP, h))
            top = h + _GAP + i * step
            left = w + _GAP + i * step
            canvas[top:top + _STRIP, :w] = x_profile
            canvas[:h, left:left + _STRIP] = y_profile
        return canvas
