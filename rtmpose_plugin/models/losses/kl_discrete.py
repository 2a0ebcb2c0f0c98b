"""KL divergence between SimCC logits and soft labels, with temperature.

Papers: SimCC (Li et al., "SimCC: a Simple Coordinate Classification Perspective for
Human Pose Estimation", 2022, arXiv:2107.03332) and RTMPose (Jiang et al., 2023,
arXiv:2303.07399). Reference implementation: mmpose 1.3.2
``mmpose/models/losses/classification_loss.py`` (``KLDiscretLoss``); our own code, equal
in value and gradient (tests/models/test_kl_discrete.py, test_rtmcc_head.py).

Note:
    N: crops, K: keypoints, W: bins of one axis.
"""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmpose.registry import MODELS
from torch import nn


def kl_discrete(pred: torch.Tensor,
                target: torch.Tensor,
                beta: float = 10.0,
                label_softmax: bool = True,
                label_beta: float = 10.0) -> torch.Tensor:
    """Per-keypoint KL(target || softmax(beta * pred)), averaged over bins.

    Args:
        pred: (N, K, W) logits.
        target: (N, K, W) soft labels; with ``label_softmax`` they are turned
            into a distribution by ``softmax(label_beta * target)``.
        beta: 1 / tau, the temperature of the prediction softmax.

    Returns:
        (N, K) losses.
    """
    # the operations and their order are mmpose's, so that a training step rounds as
    # mmpose's does (tests/test_training_step.py): Adam's first step moves a weight by
    # about lr whatever its gradient's size, so even a last-bit difference in a
    # near-zero gradient would show after a few iterations
    log_p = F.log_softmax(pred * beta, dim=-1)
    if label_softmax:
        target = F.softmax(target * label_beta, dim=-1)
    return F.kl_div(log_p, target, reduction='none').mean(dim=-1)


@MODELS.register_module()
class KLDiscreteLoss(nn.Module):
    """The RTMPose loss: KL divergence with temperature on both SimCC axes.

    ``loss = sum over n, k, axis of w[n, k] * m[k] * KL_axis[n, k] / K``: summed
    over crops (not divided by the batch size) and divided by K, as mmpose's
    ``KLDiscretLoss``, whose values it reproduces for the same arguments.

    Args:
        beta: 1 / tau of the prediction softmax (10 in RTMPose).
        label_softmax: Softmax the labels with ``label_beta`` (True in RTMPose).
        label_beta: 1 / tau of the label softmax.
        use_target_weight: Weight each keypoint by ``target_weight``.
        mask: Indices of keypoints whose loss is scaled by ``mask_weight``.
        mask_weight: That scale.
        loss_weight: Overall scale.

    Defaults are RTMPose's (mmpose's class defaults are beta 1, no label
    softmax, and its docstring says label_beta 1 where the code uses 10).
    """

    def __init__(self,
                 beta: float = 10.0,
                 label_softmax: bool = True,
                 label_beta: float = 10.0,
                 use_target_weight: bool = True,
                 mask: Optional[Sequence[int]] = None,
                 mask_weight: float = 1.0,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if beta <= 0 or label_beta <= 0:
            raise ValueError(f'beta and label_beta must be > 0, got {beta!r}, {label_beta!r}')
        self.beta = beta
        self.label_softmax = label_softmax
        self.label_beta = label_beta
        self.use_target_weight = use_target_weight
        self.mask = None if mask is None else list(mask)
        self.mask_weight = mask_weight
        self.loss_weight = loss_weight

    def forward(self, pred_simcc: Tuple[torch.Tensor, torch.Tensor],
                gt_simcc: Tuple[torch.Tensor, torch.Tensor],
                target_weight: Optional[torch.Tensor] = None) -> torch.Tensor:
        """The loss of (x, y) logits (N, K, Wx), (N, K, Wy) against labels alike, weights (N, K)."""
        n, k = pred_simcc[0].shape[:2]
        if self.use_target_weight and target_weight is None:
            raise ValueError('use_target_weight=True needs target_weight (N, K)')
        if self.mask is not None and (max(self.mask) >= k or min(self.mask) < -k):
            raise ValueError(f'mask {self.mask} indexes outside the {k} keypoints')
        # each axis weighted and summed on its own, then added: mmpose's order
        loss = 0
        for pred, target in zip(pred_simcc, gt_simcc):
            if pred.shape != target.shape:
                raise ValueError(f'prediction {tuple(pred.shape)} and label '
                                 f'{tuple(target.shape)} shapes differ')
            axis = kl_discrete(pred, target, self.beta, self.label_softmax, self.label_beta)
            if self.use_target_weight:
                axis = axis * target_weight.reshape(n, k)
            if self.mask is not None:
                scale = torch.ones(k, dtype=axis.dtype, device=axis.device)
                scale[self.mask] = self.mask_weight
                axis = axis * scale
            loss = loss + axis.sum()
        return loss / k * self.loss_weight
