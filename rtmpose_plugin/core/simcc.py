"""SimCC coordinate classification: label encoding and decoding, NumPy only.

Note:
    - N: instances, K: keypoints
    - (w, h): model input size in pixels; keypoints are in input space
    - r: split ratio, bins per pixel; Wx = round(w * r), Wy = round(h * r)

A keypoint at input-space x lands in bin ``round(x * r)``; decoding divides the
bin index by ``r``, so encode-then-decode is exact to 0.5 / r px.

These functions back :class:`rtmpose_plugin.codecs.RTMSimCCLabel`, the head's
decode and the deployment pipeline, so training and deployment decode alike.
"""
from __future__ import annotations

import functools
import math
from typing import Optional, Sequence, Tuple, Union

import cv2
import numpy as np

SigmaLike = Union[float, Sequence[float], str]


def simcc_bins(input_size: Sequence[int], split_ratio: float) -> Tuple[int, int]:
    """Number of x and y bins, ``(Wx, Wy)``, for an input size ``(w, h)``."""
    w, h = _check_input_size(input_size)
    if not split_ratio > 0:
        raise ValueError(f'split_ratio must be > 0, got {split_ratio!r}')
    return int(np.around(w * split_ratio)), int(np.around(h * split_ratio))


def auto_sigma(input_size: Sequence[int], split_ratio: float = 2.0) -> Tuple[float, float]:
    """The paper's separate sigma per axis: ``sqrt(W_S / 16)``, W_S the bin count.

    (4.90, 5.66) at 192x256 (w, h), (6.0, 6.93) at 288x384, (5.66, 5.66) at 256x256.
    """
    wx, wy = simcc_bins(input_size, split_ratio)
    return math.sqrt(wx / 16.0), math.sqrt(wy / 16.0)


def resolve_sigma(sigma: SigmaLike, input_size: Sequence[int],
                  split_ratio: float) -> Tuple[float, float]:
    """``sigma`` as an (x, y) pair: a number, a pair, or ``'auto'`` (:func:`auto_sigma`).

    Raises:
        ValueError: ``sigma`` is not positive, not a pair, or an unknown string.
    """
    if isinstance(sigma, str):
        if sigma != 'auto':
            raise ValueError(f"sigma must be a number, an (x, y) pair or 'auto', got {sigma!r}")
        return auto_sigma(input_size, split_ratio)
    pair = np.broadcast_to(np.asarray(sigma, dtype=np.float64), (2, )) if np.ndim(sigma) == 0 \
        else np.asarray(sigma, dtype=np.float64)
    if pair.shape != (2, ):
        raise ValueError(f'sigma must be a number or an (x, y) pair, got {sigma!r}')
    if not np.all(np.isfinite(pair)) or np.any(pair <= 0):
        raise ValueError(f'sigma must be positive and finite, got {sigma!r}')
    return float(pair[0]), float(pair[1])


def _check_input_size(input_size: Sequence[int]) -> Tuple[int, int]:
    if len(input_size) != 2 or any(int(s) != s or s <= 0 for s in input_size):
        raise ValueError(f'input_size must be two positive integers (w, h), got {input_size!r}')
    return int(input_size[0]), int(input_size[1])


@functools.lru_cache(maxsize=64)
def gaussian_table(num_bins: int, sigma: float, normalize: bool, margin: int = 0) -> np.ndarray:
    """Rows of a Gaussian label for every centre bin, as a strided view (cached).

    Args:
        margin: Also give rows for centres up to ``margin`` bins outside either end.

    Returns:
        A read-only (num_bins + 2 * margin + num_bins, num_bins) float32 view ``T``
        with ``T[num_bins - 1 + margin - mu]`` the label of centre bin ``mu``
        (-margin <= mu < num_bins + margin) and the last row all zeros. Values are
        computed in float64 and rounded once to float32 (normalised ones twice:
        after the exponential and after the division), as mmpose's ``SimCCLabel``
        rounds them.
    """
    reach = num_bins - 1 + margin
    offsets = np.arange(-reach, reach + 1, dtype=np.float64)
    values = np.exp(-offsets**2 / (2 * float(sigma)**2)).astype(np.float32)
    if normalize:
        # a float64 divisor, so the division runs in float64 as mmpose's does
        values = (values / np.float64(sigma * math.sqrt(2 * math.pi))).astype(np.float32)
    # padded[j] = g(j - reach); window row i, bin b is padded[i + b] = g(b - (reach - i)):
    # the label centred on bin reach - i. The last row reads only the zero tail.
    padded = np.concatenate([values, np.zeros(num_bins, np.float32)])
    padded.setflags(write=False)
    return np.lib.stride_tricks.sliding_window_view(padded, num_bins)


def encode_simcc(keypoints: np.ndarray,
                 keypoints_visible: Optional[np.ndarray],
                 input_size: Sequence[int],
                 sigma: Tuple[float, float],
                 split_ratio: float = 2.0,
                 normalize: bool = False,
                 label_smoothing: float = 0.0,
                 drop_outside: bool = False) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gaussian SimCC labels with a separate sigma per axis, all instances at once.

    By default this is mmpose's ``SimCCLabel`` rule: a labelled keypoint (visibility
    >= 0.5) keeps its weight and a Gaussian label, truncated at the input's edge,
    as long as its 3-sigma window reaches into the input (centre bin ``mu`` with
    ``mu - 3 sigma < W`` and ``mu + 3 sigma + 1 >= 0`` on both axes); beyond that its
    weight is 0. A keypoint with visibility < 0.5 gets an all-zero label and keeps
    its visibility as weight, wherever it is.

    Args:
        keypoints: (N, K, D) input-space coordinates, D >= 2 (x, y first).
        keypoints_visible: (N, K) visibility in [0, 1], or None for all visible.
        input_size: (w, h) of the model input.
        sigma: (sigma_x, sigma_y) in bins.
        split_ratio: Bins per pixel.
        normalize: Divide labels by ``sigma * sqrt(2 pi)`` (unit area).
        label_smoothing: Mix ``eps`` of a uniform distribution into each label:
            ``(1 - eps) * gaussian + eps / bins``.
        drop_outside: The stricter rule (not mmpose's): a keypoint whose centre
            bin is outside the input gets no label and weight 0, whatever its
            visibility; no label is ever truncated.

    Returns:
        (x_labels (N, K, Wx), y_labels (N, K, Wy), weights (N, K)), float32.

    Raises:
        ValueError: on shapes that do not fit or out-of-range arguments.
    """
    keypoints = np.asarray(keypoints)
    if keypoints.ndim != 3 or keypoints.shape[2] < 2:
        raise ValueError(f'keypoints must have shape (N, K, D>=2), got {keypoints.shape}')
    n, k = keypoints.shape[:2]
    if keypoints_visible is None:
        visible = np.ones((n, k), np.float32)
    else:
        visible = np.asarray(keypoints_visible, dtype=np.float32)
        if visible.shape != (n, k):
            raise ValueError(f'keypoints_visible must have shape (N, K) = {(n, k)} to match '
                             f'keypoints {keypoints.shape}, got {visible.shape}')
    if not 0.0 <= label_smoothing < 1.0:
        raise ValueError(f'label_smoothing must be in [0, 1), got {label_smoothing!r}')
    sigma_x, sigma_y = resolve_sigma(sigma, input_size, split_ratio)
    wx, wy = simcc_bins(input_size, split_ratio)

    with np.errstate(invalid='ignore'):
        mu = np.around(keypoints[..., :2] * split_ratio)  # (N, K, 2), NaN stays NaN
        if drop_outside:
            margin = 0
            in_reach = ((mu[..., 0] >= 0) & (mu[..., 0] < wx) & (mu[..., 1] >= 0) &
                        (mu[..., 1] < wy))
        else:
            margin = int(math.ceil(3 * max(sigma_x, sigma_y))) + 2
            rx, ry = 3 * sigma_x, 3 * sigma_y
            in_reach = ((mu[..., 0] - rx < wx) & (mu[..., 0] + rx + 1 >= 0) &
                        (mu[..., 1] - ry < wy) & (mu[..., 1] + ry + 1 >= 0))
    labelled = in_reach & (visible >= 0.5)
    if drop_outside:
        weights = np.where(in_reach, visible, np.float32(0)).astype(np.float32)
    else:
        weights = np.where((visible >= 0.5) & ~in_reach, np.float32(0),
                           visible).astype(np.float32)

    mu_int = np.where(labelled[..., None], mu, 0).astype(np.int64)
    table_x = gaussian_table(wx, sigma_x, normalize, margin)
    table_y = gaussian_table(wy, sigma_y, normalize, margin)
    row_x = np.where(labelled, wx - 1 + margin - mu_int[..., 0], len(table_x) - 1)
    row_y = np.where(labelled, wy - 1 + margin - mu_int[..., 1], len(table_y) - 1)
    x_labels = table_x[row_x]
    y_labels = table_y[row_y]
    if label_smoothing > 0:
        mask = labelled[..., None]
        x_labels = np.where(mask, x_labels * (1 - label_smoothing) + label_smoothing / wx, 0)
        y_labels = np.where(mask, y_labels * (1 - label_smoothing) + label_smoothing / wy, 0)
    return x_labels.astype(np.float32, copy=False), y_labels.astype(np.float32,
                                                                    copy=False), weights


def simcc_argmax(simcc_x: np.ndarray, simcc_y: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Bin of the maximum per axis, and the keypoint score.

    Args:
        simcc_x: (..., K, Wx) x logits or probabilities.
        simcc_y: (..., K, Wy), same leading shape.

    Returns:
        (bins (..., K, 2) float32 in bin units, scores (..., K)): the score is
        the smaller of the x and y maxima, as in mmpose.
    """
    if simcc_x.shape[:-1] != simcc_y.shape[:-1]:
        raise ValueError(f'simcc_x {simcc_x.shape} and simcc_y {simcc_y.shape} must share '
                         'their leading (N, K) shape')
    bins = np.stack([simcc_x.argmax(-1), simcc_y.argmax(-1)], axis=-1).astype(np.float32)
    scores = np.minimum(simcc_x.max(-1), simcc_y.max(-1))
    return bins, scores


def simcc_visibility(simcc_x: np.ndarray, simcc_y: np.ndarray, sigma: Tuple[float, float],
                     beta: float = 150.0) -> np.ndarray:
    """Keypoint visibility from SimCC logits (RTMW's ``decode_visibility``).

    The peak probability of ``softmax(beta * sigma_axis * logits)`` on each axis, the
    smaller of the two: ``1 / sum(exp(z - max z))``, computed without the softmax.

    Args:
        simcc_x: (..., K, Wx) x logits.
        simcc_y: (..., K, Wy), same leading shape.
        sigma: (sigma_x, sigma_y) of the labels.
        beta: Sharpening factor (mmpose's ``decode_beta``).

    Returns:
        (..., K) visibilities in (0, 1].
    """
    peaks = []
    for simcc, s in zip((simcc_x, simcc_y), sigma):
        z = simcc * np.float32(beta * s)
        peaks.append(1.0 / np.exp(z - z.max(-1, keepdims=True)).sum(-1))
    return np.minimum(*peaks)


def dark_kernel_size(sigma: float) -> int:
    """Odd Gaussian blur size for DARK refinement of labels of this sigma (as mmpose)."""
    size = int((sigma * 20 - 7) // 3)
    return size - 1 if size % 2 == 0 else size


def refine_dark_1d(bins: np.ndarray, simcc: np.ndarray, kernel_size: int) -> np.ndarray:
    """Sub-bin refinement (DARK, Zhang et al. 2020) of 1-D argmax locations.

    The distribution is blurred with a Gaussian of ``kernel_size`` (zero
    padding, each row rescaled to its original maximum), log-transformed, and
    the location moves by ``-f'/f''`` from finite differences around it.

    Args:
        bins: (M, ) argmax bins.
        simcc: (M, W) distributions.
        kernel_size: Odd blur size, :func:`dark_kernel_size`.

    Returns:
        (M, ) refined bins (a new array).
    """
    if kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError(f'kernel_size must be a positive odd integer, got {kernel_size}')
    rows = np.ascontiguousarray(simcc, dtype=np.float32)
    peak = rows.max(axis=1, keepdims=True)
    kernel = cv2.getGaussianKernel(kernel_size, 0).astype(np.float32)
    blurred = cv2.sepFilter2D(rows, -1, kernel, np.ones((1, 1), np.float32),
                              borderType=cv2.BORDER_CONSTANT)
    with np.errstate(divide='ignore', invalid='ignore'):
        blurred = blurred * (peak / blurred.max(axis=1, keepdims=True))
    logp = np.log(np.clip(blurred, 1e-3, 50.0))
    logp = np.pad(logp, ((0, 0), (2, 2)), mode='edge')
    centre = (bins + 2.5).astype(np.int64)[:, None]
    at = lambda d: np.take_along_axis(logp, centre + d, axis=1)[:, 0]  # noqa: E731
    first = 0.5 * (at(1) - at(-1))
    second = 1e-9 + 0.25 * (at(2) - 2 * at(0) + at(-2))
    return bins - first / second


def decode_simcc(simcc_x: np.ndarray,
                 simcc_y: np.ndarray,
                 split_ratio: float = 2.0,
                 dark_kernel: Optional[Tuple[int, int]] = None) -> Tuple[np.ndarray, np.ndarray]:
    """Keypoints and scores from SimCC outputs, any leading shape.

    Args:
        simcc_x: (..., K, Wx) x logits.
        simcc_y: (..., K, Wy) y logits.
        split_ratio: Bins per pixel.
        dark_kernel: (x, y) blur sizes to refine with DARK, or None.

    Returns:
        (keypoints (..., K, 2) in input space, scores (..., K)). A keypoint whose
        score is <= 0 is at (-1, -1) (mmpose marks it -1 in bin space, which
        becomes -1 / split_ratio).
    """
    bins, scores = simcc_argmax(simcc_x, simcc_y)
    if dark_kernel is not None:
        for axis, simcc in enumerate((simcc_x, simcc_y)):
            flat = bins[..., axis].reshape(-1)
            refined = refine_dark_1d(flat, simcc.reshape(flat.shape[0], -1), dark_kernel[axis])
            bins[..., axis] = refined.reshape(bins.shape[:-1])
    keypoints = bins / np.float32(split_ratio)
    keypoints[scores <= 0] = -1
    return keypoints, scores
