"""SimCC decode as tensor operations, for decoding inside an exported graph.

The same rule as :func:`rtmpose_plugin.core.simcc.decode_simcc` (argmax bin / split
ratio, score = min of the axis maxima, (-1, -1) where the score is <= 0), written in
ops every backend has (ReduceMax, ArgMax, Min, Where).

Note: B crops, K keypoints, Wx / Wy bins.
"""
from __future__ import annotations

from typing import Tuple

import torch


def decode_simcc_tensor(simcc_x: torch.Tensor, simcc_y: torch.Tensor,
                        split_ratio: float) -> Tuple[torch.Tensor, torch.Tensor]:
    """(B, K, Wx), (B, K, Wy) logits -> keypoints (B, K, 2) in input space, scores (B, K)."""
    max_x, arg_x = simcc_x.max(dim=2)
    max_y, arg_y = simcc_y.max(dim=2)
    scores = torch.minimum(max_x, max_y)
    keypoints = torch.stack([arg_x, arg_y], dim=2).to(simcc_x.dtype) / split_ratio
    keypoints = torch.where(scores.unsqueeze(2) > 0, keypoints,
                            torch.full_like(keypoints, -1.0))
    return keypoints, scores
