"""The RTMW head: RTMPose's SimCC head with keypoint tokens from two feature scales.

Paper: RTMW: Jiang et al., "RTMW: Real-Time Multi-Person 2D and 3D Whole-body Pose
Estimation", 2024, arXiv:2407.08634.
Reference implementation: mmpose 1.3.2 ``mmpose/models/heads/coord_cls_heads/rtmw_head.py``
(``RTMWHead``); this head is our own code, state-dict compatible with it (official
checkpoints load with ``strict=True``) and equal to it in forward, loss, gradients and
flip test (tests/models/test_rtmw_head.py).

Note:
    B: crops, C: channels of the coarse map, (fw, fh): its size (input / 32),
    K: keypoints, D: token size (256).

The head takes the last two maps of the neck (CSPNeXtPAFPN, ``out_indices=(1, 2)``): a
fine one (B, C/2, 2fh, 2fw) and a coarse one (B, C, fh, fw). Each gives half of a
keypoint token:

- coarse: ``conv k x k (BN, ReLU) -> (B, K, fh fw) -> ScaleNorm + Linear -> (B, K, D/2)``;
- fine: the coarse map pixel-shuffled to (B, C/4, 2fh, 2fw), ``conv (BN, ReLU)``,
  concatenated with the fine map, ``conv k x k (BN, ReLU) -> ScaleNorm + Linear ->
  (B, K, D/2)``.

The two halves are concatenated and go through the GAU and the two SimCC classifiers
as in :class:`~rtmpose_plugin.models.heads.rtmcc_head.RTMSimCCHead`, whose loss,
prediction, flip test and export rewriter this head shares. Module names
(``ps``, ``conv_dec``, ``final_layer``, ``final_layer2``, ``mlp``, ``mlp2``, ``gau``,
``cls_x``, ``cls_y``) and shapes are those of mmpose's ``RTMWHead``.
"""
from __future__ import annotations

from typing import Sequence

import torch
from mmpose.registry import MODELS
from torch import Tensor, nn

from ..layers.scale_norm import ScaleNorm
from .rtmcc_head import RTMSimCCHead

#: pixel-shuffle factor from the coarse map to the fine one
_SHUFFLE = 2


class ConvBNReLU(nn.Module):
    """Conv + BatchNorm + ReLU named as mmcv's ``ConvModule``.

    Conv (no bias) + BatchNorm + ReLU, with the child names of mmcv's ``ConvModule``
    (``conv``, ``bn``) so that its checkpoints load."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size,
                              padding=kernel_size // 2, bias=False)
        self.bn = nn.BatchNorm2d(out_channels)
        self.activate = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        return self.activate(self.bn(self.conv(x)))


@MODELS.register_module()
class RTMWSimCCHead(RTMSimCCHead):
    """Top-down SimCC head of RTMW (Jiang et al., 2024), two-scale keypoint tokens.

    Takes the arguments of :class:`RTMSimCCHead` (flat GAU arguments or mmpose's
    ``gau_cfg``); ``in_channels`` is C, the coarse map's channels. Defaults are those
    of the RTMW configs (7x7 convs, SiLU GAU).
    """

    def _build_tokenizer(self, in_channels: int, out_channels: int, kernel_size: int,
                         flat: int, hidden: int) -> None:
        if in_channels % (2 * _SHUFFLE**2):
            raise ValueError(f'{type(self).__name__}: in_channels must be a multiple of '
                             f'{2 * _SHUFFLE**2}, got {in_channels}')
        if hidden % 2:
            raise ValueError(f'{type(self).__name__}: hidden_dims must be even, got {hidden}')
        self.ps = nn.PixelShuffle(_SHUFFLE)
        self.conv_dec = ConvBNReLU(in_channels // _SHUFFLE**2, in_channels // 4, kernel_size)
        self.final_layer = ConvBNReLU(in_channels, out_channels, kernel_size)
        self.final_layer2 = ConvBNReLU(in_channels // 2 + in_channels // 4, out_channels,
                                       kernel_size)
        self.mlp = nn.Sequential(ScaleNorm(flat), nn.Linear(flat, hidden // 2, bias=False))
        fine = flat * _SHUFFLE**2
        self.mlp2 = nn.Sequential(ScaleNorm(fine), nn.Linear(fine, hidden // 2, bias=False))

    def tokens(self, feats: Sequence[Tensor]) -> Tensor:
        """(fine (B, C/2, 2fh, 2fw), coarse (B, C, fh, fw)) -> tokens (B, K, D)."""
        if len(feats) < 2:
            raise ValueError(f'{type(self).__name__} takes the last two feature maps of the '
                             f'neck (fine, coarse), got {len(feats)} map(s); use '
                             'CSPNeXtPAFPN with out_indices=(1, 2) as the RTMW configs do')
        fine, coarse = feats[-2], feats[-1]
        coarse_tokens = self.mlp(self.final_layer(coarse).flatten(2))
        fine = torch.cat([self.conv_dec(self.ps(coarse)), fine], dim=1)
        fine_tokens = self.mlp2(self.final_layer2(fine).flatten(2))
        return torch.cat([coarse_tokens, fine_tokens], dim=2)
