"""The SimCC codec with a separate sigma per axis, registered in mmpose.

Papers: SimCC (Li et al., 2022, arXiv:2107.03332); RTMPose's Gaussian labels with
sigma = sqrt(W_S / 16) per axis (Jiang et al., 2023, arXiv:2303.07399). Reference
implementation: mmpose 1.3.2 ``mmpose/codecs/simcc_label.py`` (``SimCCLabel``); the
encoding and decoding are our own (:mod:`rtmpose_plugin.core.simcc`), tested against it
(tests/codecs/test_simcc_label.py).
"""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

import numpy as np
import torch
from mmpose.codecs.base import BaseKeypointCodec
from mmpose.registry import KEYPOINT_CODECS

from ..core.simcc import (SigmaLike, dark_kernel_size, decode_simcc, encode_simcc,
                          resolve_sigma, simcc_bins, simcc_visibility)


@KEYPOINT_CODECS.register_module()
class RTMSimCCLabel(BaseKeypointCodec):
    """SimCC labels (Li et al., 2022) as RTMPose trains them.

    Note:
        N: instances, K: keypoints, (w, h): input size, r: split ratio,
        Wx = round(w r), Wy = round(h r). Coordinates are in input space.

    Encoded:
        - keypoint_x_labels: (N, K, Wx) Gaussian labels, sigma_x
        - keypoint_y_labels: (N, K, Wy) Gaussian labels, sigma_y
        - keypoint_weights: (N, K) visibility; 0 for a labelled keypoint whose
          3-sigma window misses the input (mmpose's rule)

    Args:
        input_size: (w, h).
        sigma: One number, an (x, y) pair, or ``'auto'``: the paper's
            ``sqrt(W_S / 16)`` per axis, (4.9, 5.66) at 192x256.
        simcc_split_ratio: r, bins per pixel.
        normalize: Divide labels by ``sigma * sqrt(2 pi)``. RTMPose: False.
        label_smoothing: Mix this much of a uniform distribution into labels.
        use_dark: Refine decoded locations with DARK.
        drop_outside: Off (the default) encodes exactly as mmpose's
            ``SimCCLabel``: a keypoint just outside the input whose Gaussian
            still reaches into it keeps its weight and a truncated label. On:
            the stricter rule, where any keypoint whose bin lies outside the
            input gets weight 0 and no label (see docs/fidelity.md).
        decode_visibility: Decoding also returns each keypoint's visibility
            (:func:`~rtmpose_plugin.core.simcc.simcc_visibility`), as the RTMW
            384x288 configs ask of mmpose's ``SimCCLabel``; scores become
            ``(scores, visibility)``.
        decode_beta: The visibility's sharpening factor.

    Decoding returns (keypoints (N, K, 2), scores (N, K)); the score is the
    smaller of the x and y logit maxima, as mmpose's ``SimCCLabel``.
    """

    label_mapping_table = dict(
        keypoint_x_labels='keypoint_x_labels',
        keypoint_y_labels='keypoint_y_labels',
        keypoint_weights='keypoint_weights',
    )

    def __init__(self,
                 input_size: Tuple[int, int],
                 sigma: SigmaLike = 'auto',
                 simcc_split_ratio: float = 2.0,
                 normalize: bool = False,
                 label_smoothing: float = 0.0,
                 use_dark: bool = False,
                 drop_outside: bool = False,
                 decode_visibility: bool = False,
                 decode_beta: float = 150.0) -> None:
        super().__init__()
        self.input_size = tuple(input_size)
        self.simcc_split_ratio = simcc_split_ratio
        self.num_bins = simcc_bins(self.input_size, simcc_split_ratio)
        self.sigma = np.array(resolve_sigma(sigma, self.input_size, simcc_split_ratio))
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(f'label_smoothing must be in [0, 1), got {label_smoothing!r}')
        self.normalize = normalize
        self.label_smoothing = label_smoothing
        self.use_dark = use_dark
        self.drop_outside = drop_outside
        self.decode_visibility = decode_visibility
        self.decode_beta = decode_beta

    def mmpose_equivalent(self) -> dict:
        """The config of mmpose's ``SimCCLabel`` that decodes as this codec does.

        The config of mmpose's ``SimCCLabel`` that decodes as this codec does (sigma
        written out per axis): what MMDeploy, which knows codecs by mmpose's type names,
        is shown (:mod:`rtmpose_plugin.compat.mmdeploy`)."""
        return dict(type='SimCCLabel', input_size=tuple(self.input_size),
                    sigma=tuple(float(s) for s in self.sigma),
                    simcc_split_ratio=self.simcc_split_ratio, normalize=self.normalize,
                    use_dark=self.use_dark, decode_visibility=self.decode_visibility,
                    decode_beta=self.decode_beta)

    def encode(self,
               keypoints: np.ndarray,
               keypoints_visible: Optional[np.ndarray] = None) -> dict:
        """Labels for (N, K, D) input-space keypoints with (N, K) visibility."""
        x_labels, y_labels, weights = encode_simcc(keypoints, keypoints_visible,
                                                   self.input_size, tuple(self.sigma),
                                                   self.simcc_split_ratio, self.normalize,
                                                   self.label_smoothing, self.drop_outside)
        return dict(keypoint_x_labels=x_labels, keypoint_y_labels=y_labels,
                    keypoint_weights=weights)

    @property
    def dark_kernel(self) -> Optional[Tuple[int, int]]:
        if not self.use_dark:
            return None
        return dark_kernel_size(self.sigma[0]), dark_kernel_size(self.sigma[1])

    def decode(self, simcc_x: np.ndarray, simcc_y: np.ndarray) -> Tuple[np.ndarray, Any]:
        """Decode SimCC logits into keypoints and scores.

        (K, W) or (N, K, W) logits -> keypoints (N, K, 2), scores (N, K) (with
        ``decode_visibility``: (scores, visibility (N, K)))."""
        simcc_x, simcc_y = np.asarray(simcc_x), np.asarray(simcc_y)
        if simcc_x.ndim not in (2, 3) or simcc_x.ndim != simcc_y.ndim:
            raise ValueError('simcc_x and simcc_y must both be (K, W) or (N, K, W), got '
                             f'{simcc_x.shape} and {simcc_y.shape}')
        if simcc_x.ndim == 2:
            simcc_x, simcc_y = simcc_x[None], simcc_y[None]
        keypoints, scores = decode_simcc(simcc_x, simcc_y, self.simcc_split_ratio,
                                         self.dark_kernel)
        if self.decode_visibility:
            return keypoints, (scores, self._visibility(simcc_x, simcc_y))
        return keypoints, scores

    def _visibility(self, simcc_x: np.ndarray, simcc_y: np.ndarray) -> np.ndarray:
        return simcc_visibility(simcc_x, simcc_y, tuple(self.sigma), self.decode_beta)

    def batch_decode(self, simcc_x: torch.Tensor, simcc_y: torch.Tensor) -> Tuple[List, Any]:
        """Decode a batch of head outputs, crop by crop.

        (B, K, W) head outputs -> per crop, keypoints (1, K, 2) and scores (1, K)
        (with ``decode_visibility``: (scores, visibilities), each a list of (1, K))."""
        simcc_x, simcc_y = _to_numpy(simcc_x), _to_numpy(simcc_y)
        keypoints, scores = decode_simcc(simcc_x, simcc_y, self.simcc_split_ratio,
                                         self.dark_kernel)
        if self.decode_visibility:
            visible = self._visibility(simcc_x, simcc_y)
            return list(keypoints[:, None]), (list(scores[:, None]), list(visible[:, None]))
        return list(keypoints[:, None]), list(scores[:, None])


def _to_numpy(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().float().cpu().numpy()
    return np.asarray(x)
