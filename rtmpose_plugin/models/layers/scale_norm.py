"""ScaleNorm (Nguyen & Salazar, "Transformers without Tears", 2019, arXiv:1910.05895).

``g * x / max(||x|| / sqrt(d), eps)``, as RTMPose (Jiang et al., 2023) uses it in the
GAU.

Reference implementation: mmpose 1.3.2 ``mmpose/models/utils/rtmcc_block.py``
(``ScaleNorm``); our own code, parameter-compatible (``g``).
"""
from __future__ import annotations

import torch
from torch import nn


class ScaleNorm(nn.Module):
    """Scale the last dimension to unit RMS, times one learned scalar ``g``.

    Args:
        dim: Size of the normalised (last) dimension, d.
        eps: Lower bound of the RMS.

    Shape: (..., d) -> (..., d). Parameter ``g`` keeps mmpose's name, so
    RTMPose checkpoints load.
    """

    def __init__(self, dim: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.dim = dim
        self.scale = dim**-0.5
        self.eps = eps
        self.g = nn.Parameter(torch.ones(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rms = torch.linalg.vector_norm(x, dim=-1, keepdim=True) * self.scale
        return x / rms.clamp(min=self.eps) * self.g

    def extra_repr(self) -> str:
        return f'{self.dim}, eps={self.eps}'
