"""Network inputs from images: normalisation and letterboxing, NumPy and OpenCV only.

Note: B images; images are (h, w, 3) uint8 BGR, as OpenCV reads them; network inputs
are (B, 3, h, w) float32. ``mean`` / ``std`` are per channel in the order the network
wants (RGB when ``to_rgb``), as in MMDeploy's ``Normalize`` transform.
"""
from __future__ import annotations

from typing import Sequence, Tuple

import cv2
import numpy as np

#: the file suffixes read as images and as videos (lower case)
IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')
VIDEO_EXTS = ('.mp4', '.avi', '.mov', '.mkv', '.webm')


def normalize(images_bgr: np.ndarray, mean: Sequence[float], std: Sequence[float],
              to_rgb: bool) -> np.ndarray:
    """Crops to network input: (B, h, w, 3) uint8 BGR -> (B, 3, h, w) float32.

    (B, h, w, 3) uint8 BGR -> (B, 3, h, w) float32 ``(x - mean) / std``, channels
    reversed first when ``to_rgb``.

    Transposed while still uint8 and normalised in place, which is several times faster
    than converting to float first (docs/benchmarks.md).
    """
    if images_bgr.ndim != 4 or images_bgr.shape[-1] != 3:
        raise ValueError(f'expected (B, h, w, 3) images, got {images_bgr.shape}')
    x = images_bgr.transpose(0, 3, 1, 2)
    if to_rgb:
        x = x[:, ::-1]
    x = np.ascontiguousarray(x).astype(np.float32)
    x -= np.asarray(mean, np.float32).reshape(1, 3, 1, 1)
    x *= (1.0 / np.asarray(std, np.float32)).reshape(1, 3, 1, 1)
    return x


def letterbox(image: np.ndarray, size: Tuple[int, int], pad_value: float = 114.0,
              keep_ratio: bool = True) -> Tuple[np.ndarray, Tuple[float, float]]:
    """Resize an image into ``size``, keeping its aspect ratio and padding.

    Resize an (h, w, 3) image into ``size`` (w, h), keeping its aspect ratio and
    padding the right and bottom with ``pad_value`` (mmdet's ``Resize(keep_ratio=True)``
    + ``Pad``); without ``keep_ratio``, stretch it.

    Returns:
        (the (h, w, 3) canvas, (x scale, y scale) from image to canvas pixels).
    """
    h, w = image.shape[:2]
    out_w, out_h = int(size[0]), int(size[1])
    if keep_ratio:
        sx = sy = min(out_w / w, out_h / h)
    else:
        sx, sy = out_w / w, out_h / h
    new_w, new_h = max(1, min(out_w, round(w * sx))), max(1, min(out_h, round(h * sy)))
    resized = cv2.resize(image, (new_w, new_h))
    if (new_w, new_h) == (out_w, out_h):
        return resized, (sx, sy)
    canvas = np.full((out_h, out_w, 3), pad_value, image.dtype)
    canvas[:new_h, :new_w] = resized
    return canvas, (sx, sy)
