"""Flip-test helpers for SimCC outputs.

Note:
    B: crops, K: keypoints, Wx / Wy: x / y bins.
"""
from __future__ import annotations

from typing import Sequence, Tuple

import torch


def flip_simcc(simcc_x: torch.Tensor, simcc_y: torch.Tensor,
               flip_indices: Sequence[int]) -> Tuple[torch.Tensor, torch.Tensor]:
    """Map SimCC outputs of a horizontally flipped crop back to the original.

    Left and right keypoints swap (``flip_indices[k]`` is the mirror of k); the x
    bins are reversed, the y bins are not. No half-pixel shift (as mmpose).

    Args:
        simcc_x: (B, K, Wx). simcc_y: (B, K, Wy).
        flip_indices: K indices.
    """
    if len(flip_indices) != simcc_x.shape[1] or simcc_x.shape[1] != simcc_y.shape[1]:
        raise ValueError(f'flip_indices has {len(flip_indices)} entries; simcc_x '
                         f'{tuple(simcc_x.shape)} and simcc_y {tuple(simcc_y.shape)} must both '
                         'have that many keypoints')
    index = torch.as_tensor(list(flip_indices), device=simcc_x.device)
    return simcc_x.index_select(1, index).flip(-1), simcc_y.index_select(1, index)
