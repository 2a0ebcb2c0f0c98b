"""Gated Attention Unit over keypoint tokens.

Gated Attention Unit (Hua et al., "Transformer Quality in Linear Time", 2022,
arXiv:2202.10447) as used over keypoint tokens by RTMPose (Jiang et al., 2023,
arXiv:2303.07399).

Reference implementation: mmpose 1.3.2 ``mmpose/models/utils/rtmcc_block.py``
(``RTMCCBlock``); our own code, parameter-for-parameter compatible and equal in forward
and gradients (tests/models/test_gau.py, test_rtmcc_head.py). Where the paper and that
code differ, the code is the default (see ../shared/docs/paper-vs-code.md and the README).

Note:
    B: crops, K: tokens (keypoints), D: token size, E = D * expansion_factor,
    S: attention feature size (128 in RTMPose).

Parameter names are mmpose's (``uv``, ``gamma``, ``beta``, ``o``, ``ln.g``,
``res_scale.scale``, ``w``), so RTMPose checkpoints load with ``strict=True``.
"""
from __future__ import annotations

import math
from typing import Union

import torch
import torch.nn.functional as F
from mmpose.registry import MODELS
from torch import nn

from .position import relative_position_bias, rotary_embedding
from .scale_norm import ScaleNorm

_ACTIVATIONS = {'SiLU': nn.SiLU, 'ReLU': nn.ReLU}


class LayerScale(nn.Module):
    """Multiply the last dimension by a learned vector (``scale``, init 1)."""

    def __init__(self, dim: int, init_value: float = 1.0) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.full((dim, ), float(init_value)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.scale


class DropPath(nn.Module):
    """Drop the whole residual branch per sample with probability ``p`` (training only)."""

    def __init__(self, p: float) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f'drop path probability must be in [0, 1), got {p!r}')
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        keep = 1.0 - self.p
        mask = x.new_empty((x.shape[0], ) + (1, ) * (x.dim() - 1)).bernoulli_(keep)
        return x * mask / keep


@MODELS.register_module()
class GAUBlock(nn.Module):
    """Self-attention Gated Attention Unit over K tokens.

    ``x -> ScaleNorm -> act(Linear) -> u (E), v (E), z (S)``;
    ``q = z * gamma_0 + beta_0``, ``k = z * gamma_1 + beta_1`` (optionally
    rotary-encoded); ``A = relu((q k^T + b) / sqrt(S))^2``;
    ``out = Linear(u * (A v))``, plus ``res_scale * x`` when D_in == D_out.

    Args:
        num_tokens: K, the number of keypoints (sizes the relative bias).
        in_dims: D_in.
        out_dims: D_out; the residual is used only when equal to ``in_dims``.
        expansion_factor: E = D_in * expansion_factor.
        s: S, the shared q/k size.
        eps: ScaleNorm's lower bound.
        dropout_rate: Dropout on the attention matrix.
        drop_path: Stochastic depth of the attention branch.
        act_fn: ``'SiLU'`` (every RTMPose config) or ``'ReLU'``.
        bias: Biases in the two Linear layers.
        use_rel_bias: Add a learned relative position bias ``b`` (the paper's
            form; RTMPose configs turn it off).
        pos_enc: Rotary position encoding of q and k (off in RTMPose configs).
        attn_norm_by_tokens: Divide A by K, the paper's ``(1/n) relu^2(.)``.
            Off by default: mmpose's code, and so every official checkpoint,
            has no 1/n.

    Shape: (B, K, D_in) -> (B, K, D_out).
    """

    def __init__(self,
                 num_tokens: int,
                 in_dims: int,
                 out_dims: int,
                 expansion_factor: Union[int, float] = 2,
                 s: int = 128,
                 eps: float = 1e-5,
                 dropout_rate: float = 0.0,
                 drop_path: float = 0.0,
                 act_fn: str = 'SiLU',
                 bias: bool = False,
                 use_rel_bias: bool = True,
                 pos_enc: bool = False,
                 attn_norm_by_tokens: bool = False) -> None:
        super().__init__()
        if act_fn not in _ACTIVATIONS:
            raise ValueError(f'act_fn must be one of {sorted(_ACTIVATIONS)}, got {act_fn!r}')
        if pos_enc and s % 2:
            raise ValueError(f'rotary encoding needs an even s, got s={s}')
        self.num_tokens = num_tokens
        self.s = s
        self.e = int(in_dims * expansion_factor)
        self.use_rel_bias = use_rel_bias
        self.pos_enc = pos_enc
        self.attn_norm_by_tokens = attn_norm_by_tokens
        self.sqrt_s = math.sqrt(s)

        self.ln = ScaleNorm(in_dims, eps=eps)
        self.uv = nn.Linear(in_dims, 2 * self.e + s, bias=bias)
        self.act_fn = _ACTIVATIONS[act_fn](inplace=True)
        self.gamma = nn.Parameter(torch.rand((2, s)))
        self.beta = nn.Parameter(torch.rand((2, s)))
        if use_rel_bias:
            self.w = nn.Parameter(torch.rand(2 * num_tokens - 1))
        self.o = nn.Linear(self.e, out_dims, bias=bias)
        self.dropout = nn.Dropout(dropout_rate) if dropout_rate > 0 else nn.Identity()
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()
        self.shortcut = in_dims == out_dims
        if self.shortcut:
            self.res_scale = LayerScale(in_dims)
        nn.init.xavier_uniform_(self.uv.weight)

    def attention(self, x: torch.Tensor) -> torch.Tensor:
        """The gated attention branch, (B, K, D_in) -> (B, K, D_out)."""
        uv = self.act_fn(self.uv(self.ln(x)))
        u, v, z = torch.split(uv, [self.e, self.e, self.s], dim=-1)
        # q and k from one broadcast (B, K, 2, s): the gradients of gamma and beta then
        # sum in the order mmpose's do, so training steps round alike
        qk = z.unsqueeze(-2) * self.gamma + self.beta
        if self.pos_enc:
            qk = rotary_embedding(qk, seq_dim=1)
        q, k = torch.unbind(qk, dim=-2)
        logits = torch.matmul(q, k.transpose(-1, -2))  # (B, K, K)
        if self.use_rel_bias:
            logits = logits + relative_position_bias(self.w, q.shape[1])
        attn = torch.square(F.relu(logits / self.sqrt_s))
        if self.attn_norm_by_tokens:
            attn = attn / q.shape[1]
        attn = self.dropout(attn)
        return self.o(u * torch.matmul(attn, v))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.drop_path(self.attention(x))
        return self.res_scale(x) + out if self.shortcut else out
