"""Training-time accuracy of SimCC outputs, in torch (no host round trip).

Note: N crops, K keypoints, Wx / Wy bins, r split ratio.
"""
from __future__ import annotations

import torch


def simcc_locations(simcc_x: torch.Tensor, simcc_y: torch.Tensor) -> torch.Tensor:
    """(N, K, 2) argmax bins; (-1, -1) where min(max x, max y) <= 0 (as the decode)."""
    max_x, arg_x = simcc_x.max(dim=-1)
    max_y, arg_y = simcc_y.max(dim=-1)
    locs = torch.stack([arg_x, arg_y], dim=-1).float()
    return torch.where((torch.minimum(max_x, max_y) <= 0)[..., None], -1.0, locs)


def simcc_pck_accuracy(pred: tuple, target: tuple, split_ratio: float, mask: torch.Tensor,
                       thr: float = 0.05) -> torch.Tensor:
    """Mean PCK over keypoints with a valid target, as mmpose computes it.

    Mean PCK@thr over keypoints that have a valid target, as mmpose's
    ``simcc_pck_accuracy`` computes it (x distances divided by the input height
    and y by the width, the normalisation mmpose uses).

    Args:
        pred: x (N, K, Wx) and y (N, K, Wy) logits.
        target: the labels, same shapes.
        split_ratio: r.
        mask: (N, K) bool, keypoints to count.

    Returns:
        A 0-dim float tensor; 0 when no keypoint is valid.
    """
    wx, wy = pred[0].shape[-1], pred[1].shape[-1]
    norm = torch.tensor([int(wy / split_ratio), int(wx / split_ratio)], dtype=torch.float32,
                        device=pred[0].device)
    diff = (simcc_locations(*pred) - simcc_locations(*target)) / split_ratio
    dist = torch.linalg.vector_norm(diff / norm, dim=-1)  # (N, K)
    hits = ((dist < thr) & mask).sum(dim=0).float()
    counts = mask.sum(dim=0).float()
    valid = counts > 0
    if not bool(valid.any()):
        return torch.zeros((), device=pred[0].device)
    return (hits[valid] / counts[valid]).mean()
