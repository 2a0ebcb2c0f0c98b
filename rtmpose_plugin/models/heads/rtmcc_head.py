"""The RTMPose head: large-kernel conv, keypoint tokens, GAU, SimCC classifiers.

Paper: RTMPose: Jiang et al., "RTMPose: Real-Time Multi-Person Pose Estimation based on MMPose",
2023, arXiv:2303.07399.
Reference implementation: mmpose 1.3.2 ``mmpose/models/heads/coord_cls_heads/rtmcc_head.py``
(``RTMCCHead``); this head is our own code, state-dict compatible with it (official
checkpoints load with ``strict=True``) and equal to it in forward, loss, gradients and
flip test (tests/models/test_rtmcc_head.py).

Note:
    B: crops, C: backbone channels, (fw, fh): feature map size (input / 32),
    K: keypoints, D: token size (256), (w, h): input size, r: split ratio,
    Wx = round(w r), Wy = round(h r).

Module names (``final_layer``, ``mlp``, ``gau``, ``cls_x``, ``cls_y``) and every
parameter shape are those of mmpose's ``RTMCCHead``, so official RTMPose
checkpoints load into this head with ``strict=True``.
"""
from __future__ import annotations

from typing import Any, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.structures import PixelData
from mmpose.models.heads.base_head import BaseHead
from mmpose.registry import KEYPOINT_CODECS, MODELS
from torch import Tensor, nn

from ...core.accuracy import simcc_pck_accuracy
from ...core.flip import flip_simcc
from ...core.simcc import simcc_bins
from ..layers.gau import GAUBlock
from ..layers.scale_norm import ScaleNorm

_GAU_KEYS = ('hidden_dims', 's', 'expansion_factor', 'dropout_rate', 'drop_path', 'act_fn',
             'use_rel_bias', 'pos_enc', 'attn_norm_by_tokens')


@MODELS.register_module()
class RTMSimCCHead(BaseHead):
    """Top-down SimCC head of RTMPose (Jiang et al., 2023).

    ``feats[-1] (B, C, fh, fw) -> conv k x k -> (B, K, fh * fw) -> ScaleNorm +
    Linear -> (B, K, D) -> GAU -> Linear -> x logits (B, K, Wx), y logits (B, K, Wy)``.

    Args:
        in_channels: C.
        out_channels: K.
        input_size: (w, h) of the model input.
        in_featuremap_size: (fw, fh).
        simcc_split_ratio: r.
        final_layer_kernel_size: Size of the first conv (7 in RTMPose).
        hidden_dims: D.
        s, expansion_factor, dropout_rate, drop_path, act_fn, use_rel_bias,
        pos_enc, attn_norm_by_tokens: The GAU's, see :class:`GAUBlock`.
            Defaults are those of the RTMPose configs (SiLU, no relative bias,
            no rotary encoding, no 1/n).
        gau_cfg: Optional mapping with any of the GAU keys above, as mmpose's
            ``RTMCCHead`` takes them; overrides the keyword arguments, so a
            config written for ``RTMCCHead`` works by changing its ``type``.
        loss: Loss config; RTMPose's KL loss with temperature by default.
        decoder: Codec config used by :meth:`predict`.
        init_cfg: mmengine init config; mmpose's head initialisation by default.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 input_size: Tuple[int, int],
                 in_featuremap_size: Tuple[int, int],
                 simcc_split_ratio: float = 2.0,
                 final_layer_kernel_size: int = 7,
                 hidden_dims: int = 256,
                 s: int = 128,
                 expansion_factor: int = 2,
                 dropout_rate: float = 0.0,
                 drop_path: float = 0.0,
                 act_fn: str = 'SiLU',
                 use_rel_bias: bool = False,
                 pos_enc: bool = False,
                 attn_norm_by_tokens: bool = False,
                 gau_cfg: Optional[Mapping[str, Any]] = None,
                 loss: Mapping = dict(type='KLDiscreteLoss', use_target_weight=True, beta=10.,
                                      label_softmax=True),
                 decoder: Optional[Mapping] = None,
                 init_cfg: Optional[Union[Mapping, List[Mapping]]] = None) -> None:
        super().__init__(init_cfg if init_cfg is not None else self.default_init_cfg)
        if not isinstance(in_channels, int):
            raise ValueError(f'{type(self).__name__} takes one feature map: in_channels must '
                             f'be an int, got {in_channels!r}')
        gau = dict(hidden_dims=hidden_dims, s=s, expansion_factor=expansion_factor,
                   dropout_rate=dropout_rate, drop_path=drop_path, act_fn=act_fn,
                   use_rel_bias=use_rel_bias, pos_enc=pos_enc,
                   attn_norm_by_tokens=attn_norm_by_tokens)
        unknown = set(gau_cfg or {}) - set(_GAU_KEYS)
        if unknown:
            raise ValueError(f'gau_cfg has unknown keys {sorted(unknown)}; known: {_GAU_KEYS}')
        gau.update(gau_cfg or {})

        self.in_channels = in_channels
        self.out_channels = out_channels
        self.input_size = tuple(input_size)
        self.in_featuremap_size = tuple(in_featuremap_size)
        self.simcc_split_ratio = simcc_split_ratio
        num_x, num_y = simcc_bins(self.input_size, simcc_split_ratio)
        flat = self.in_featuremap_size[0] * self.in_featuremap_size[1]
        hidden = gau.pop('hidden_dims')

        self.loss_module = MODELS.build(loss)
        self.decoder = KEYPOINT_CODECS.build(decoder) if decoder is not None else None
        self._build_tokenizer(in_channels, out_channels, final_layer_kernel_size, flat, hidden)
        self.gau = GAUBlock(out_channels, hidden, hidden, **gau)
        self.cls_x = nn.Linear(hidden, num_x, bias=False)
        self.cls_y = nn.Linear(hidden, num_y, bias=False)

    @property
    def default_init_cfg(self) -> List[dict]:
        return [
            dict(type='Normal', layer=['Conv2d'], std=0.001),
            dict(type='Constant', layer='BatchNorm2d', val=1),
            dict(type='Normal', layer=['Linear'], std=0.01, bias=0),
        ]

    def _build_tokenizer(self, in_channels: int, out_channels: int, kernel_size: int,
                         flat: int, hidden: int) -> None:
        """The layers of :meth:`tokens`: conv k x k, then ScaleNorm + Linear."""
        self.final_layer = nn.Conv2d(in_channels, out_channels, kernel_size,
                                     padding=kernel_size // 2)
        self.mlp = nn.Sequential(ScaleNorm(flat), nn.Linear(flat, hidden, bias=False))

    def tokens(self, feats: Sequence[Tensor]) -> Tensor:
        """Last feature map (B, C, fh, fw) -> keypoint tokens (B, K, D)."""
        return self.mlp(self.final_layer(feats[-1]).flatten(2))

    def forward(self, feats: Sequence[Tensor]) -> Tuple[Tensor, Tensor]:
        """Features -> x (B, K, Wx), y (B, K, Wy) logits (tokens, GAU, classifiers)."""
        x = self.gau(self.tokens(feats))
        return self.cls_x(x), self.cls_y(x)

    def _logits(self, feats: Any, test_cfg: Mapping,
                batch_data_samples: Sequence) -> Tuple[Tensor, Tensor]:
        if not test_cfg.get('flip_test', False):
            return self.forward(feats)
        if not (isinstance(feats, (list, tuple)) and len(feats) == 2):
            raise ValueError('flip_test expects feats = [features, features of the flipped '
                             'input], as TopdownPoseEstimator passes them')
        pred_x, pred_y = self.forward(feats[0])
        flip_x, flip_y = flip_simcc(*self.forward(feats[1]),
                                    batch_data_samples[0].metainfo['flip_indices'])
        return (pred_x + flip_x) * 0.5, (pred_y + flip_y) * 0.5

    def predict(self, feats: Any, batch_data_samples: Sequence,
                test_cfg: Mapping = {}) -> Any:
        """Decoded predictions, one ``InstanceData`` per crop.

        With ``test_cfg['flip_test']``, ``feats`` is ``[feats, flipped feats]``
        and the logits of the flipped crop are mapped back
        (:func:`~rtmpose_plugin.core.flip.flip_simcc`) and averaged. Keypoints
        are in input space; the pose estimator maps them to the image.
        With ``test_cfg['output_heatmaps']``, also returns per crop the
        (K, Wy, Wx) outer product of the x and y logits, clipped at 0 and
        scaled to a maximum of 1 per keypoint, for visualisation.
        """
        pred_x, pred_y = self._logits(feats, test_cfg, batch_data_samples)
        preds = self.decode((pred_x, pred_y))
        if not test_cfg.get('output_heatmaps', False):
            return preds
        norm_x, norm_y = _unit_max(pred_x), _unit_max(pred_y)
        maps = norm_y.unsqueeze(-1) * norm_x.unsqueeze(-2)  # (B, K, Wy, Wx)
        for inst, x, y in zip(preds, norm_x.cpu().numpy(), norm_y.cpu().numpy()):
            inst.keypoint_x_labels = x[None]
            inst.keypoint_y_labels = y[None]
        return preds, [PixelData(heatmaps=m) for m in maps.detach()]

    def loss(self, feats: Sequence[Tensor], batch_data_samples: Sequence,
             train_cfg: Mapping = {}) -> dict:
        """``loss_kpt`` (the KL loss) and ``acc_pose`` (SimCC PCK, for the log)."""
        pred_x, pred_y = self.forward(feats)
        labels = [d.gt_instance_labels for d in batch_data_samples]
        gt_x = torch.cat([lab.keypoint_x_labels for lab in labels])
        gt_y = torch.cat([lab.keypoint_y_labels for lab in labels])
        weights = torch.cat([lab.keypoint_weights for lab in labels])
        loss = self.loss_module((pred_x, pred_y), (gt_x, gt_y), weights)
        with torch.no_grad():
            acc = simcc_pck_accuracy((pred_x, pred_y), (gt_x, gt_y), self.simcc_split_ratio,
                                     weights > 0)
        return dict(loss_kpt=loss, acc_pose=acc)


def _unit_max(logits: Tensor) -> Tensor:
    """Clip at 0 and divide each (.., W) row by its maximum (rows of zeros stay 0)."""
    pos = logits.detach().clamp(min=0)
    return pos / pos.amax(dim=-1, keepdim=True).clamp(min=np.finfo(np.float32).tiny)
