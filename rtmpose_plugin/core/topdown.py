"""Top-down crops: person box -> model input and back, NumPy and OpenCV only.

Note:
    Boxes are (x, y, w, h) or (x1, y1, x2, y2) in image pixels; the model
    input is (w_in, h_in); a crop covers ``padding`` times the box, widened or
    heightened to the input's aspect ratio, without rotation (as mmpose's
    ``GetBBoxCenterScale`` + ``TopdownAffine`` at test time).
"""
from __future__ import annotations

from typing import Sequence, Tuple

import cv2
import numpy as np


def box_to_center_scale(bbox_xywh: np.ndarray, input_size: Sequence[int],
                        padding: float = 1.25) -> Tuple[np.ndarray, np.ndarray]:
    """(..., 4) xywh boxes -> centres (..., 2) and crop sizes (..., 2), aspect-fixed."""
    box = np.asarray(bbox_xywh, np.float32)
    center = box[..., :2] + box[..., 2:] * 0.5
    scale = box[..., 2:] * padding
    aspect = input_size[0] / input_size[1]
    w, h = scale[..., 0], scale[..., 1]
    scale = np.stack([np.maximum(w, h * aspect), np.maximum(h, w / aspect)], axis=-1)
    return center, scale


def crop_matrix(center: np.ndarray, scale: np.ndarray, input_size: Sequence[int]) -> np.ndarray:
    """2x3 affine matrix taking the image region (center, scale) to the input."""
    s = input_size[0] / max(float(scale[0]), 1e-6)
    return np.array([[s, 0, input_size[0] * 0.5 - s * center[0]],
                     [0, s, input_size[1] * 0.5 - s * center[1]]], np.float32)


def crop_person(image: np.ndarray, bbox_xywh: np.ndarray, input_size: Sequence[int],
                padding: float = 1.25) -> Tuple[np.ndarray, Tuple[np.ndarray, np.ndarray]]:
    """Crop one person for the model.

    Returns:
        (crop (h_in, w_in, C) of the image's dtype, (center, scale)) to pass
        to :func:`keypoints_to_image`.
    """
    center, scale = box_to_center_scale(bbox_xywh, input_size, padding)
    crop = cv2.warpAffine(image, crop_matrix(center, scale, input_size),
                          (int(input_size[0]), int(input_size[1])), flags=cv2.INTER_LINEAR)
    return crop, (center, scale)


def keypoints_to_image(keypoints: np.ndarray, center: np.ndarray, scale: np.ndarray,
                       input_size: Sequence[int]) -> np.ndarray:
    """(..., K, 2) input-space keypoints -> image pixels, for crops (center, scale) (..., 2)."""
    size = np.asarray(input_size, np.float32)
    center = np.asarray(center, np.float32)[..., None, :]
    scale = np.asarray(scale, np.float32)[..., None, :]
    return (keypoints - size * 0.5) * (scale / size) + center
