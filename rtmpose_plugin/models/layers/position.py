"""Position terms for attention over keypoint tokens: pure tensor functions.

Papers: rotary embedding (Su et al., "RoFormer", 2021, arXiv:2104.09864) and the GAU's
relative position bias (Hua et al., 2022, arXiv:2202.10447). Reference implementation:
mmpose 1.3.2 ``mmpose/models/utils/rtmcc_block.py`` (``rope``, ``RTMCCBlock.rel_pos_bias``);
RTMPose configs use neither (``pos_enc=False``, ``use_rel_bias=False``).

Note:
    B: crops, K: tokens (keypoints), S: feature size.
"""
from __future__ import annotations

import torch


def rotary_embedding(x: torch.Tensor, seq_dim: int = 1) -> torch.Tensor:
    """Rotary position encoding (RoFormer) along ``seq_dim`` of ``x``.

    The last dimension (size S, even) is split into halves (x1, x2) that are
    rotated by angle ``p * f_i`` at position p, ``f_i = 10000 ** (i / (S/2))``.
    These frequencies grow with i (RoFormer's decay as ``10000 ** (-i/(S/2))``):
    that is what mmpose 1.3.2 computes, and so what RTMPose checkpoints trained
    with ``pos_enc=True`` expect.

    Args:
        x: (..., S) with the positions on ``seq_dim``; dimensions between
            ``seq_dim`` and the last share a position.

    Returns:
        Tensor of the shape of ``x``.
    """
    seq_dim = seq_dim % x.dim()
    half = x.shape[-1] // 2
    position = torch.arange(x.shape[seq_dim], dtype=torch.float32, device=x.device)
    freq = torch.pow(10000.0, torch.arange(half, dtype=torch.float32, device=x.device) / half)
    angle = position[:, None] * freq[None, :]  # (K, S/2)
    angle = angle.reshape(angle.shape[:1] + (1, ) * (x.dim() - seq_dim - 2) + angle.shape[1:])
    sin, cos = torch.sin(angle), torch.cos(angle)
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


def relative_position_bias(weights: torch.Tensor, num_tokens: int) -> torch.Tensor:
    """Toeplitz bias ``bias[i, j] = weights[j - i + K - 1]``.

    Args:
        weights: (2K' - 1, ) learned biases, K' >= K.
        num_tokens: K.

    Returns:
        (K, K) bias to add to the attention logits.
    """
    idx = torch.arange(num_tokens, device=weights.device)
    return weights[idx[None, :] - idx[:, None] + num_tokens - 1]
