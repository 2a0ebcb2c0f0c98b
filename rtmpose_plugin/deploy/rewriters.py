"""MMDeploy rewriters for our head and GAU.

MMDeploy rewriters for our head and GAU (MMDeploy's own are keyed by the names of
mmpose's classes, so they never apply to ours).

- every backend: with ``codebase_config.export_postprocess=True`` the head returns
  decoded ``(keypoints (B, K, 2), scores (B, K))`` instead of SimCC logits, decoded as
  in training (:mod:`rtmpose_plugin.core.simcc_tensor`);
- ncnn: ScaleNorm and the GAU in forms ncnn converts well: positive axes, no
  ``split``/``unbind`` (slices instead), 4-D broadcasting for the norm.

Registered when ``rtmpose_plugin`` is imported with MMDeploy installed.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from mmdeploy.core import FUNCTION_REWRITER
from mmdeploy.utils import get_codebase_config

from ..core.simcc_tensor import decode_simcc_tensor

_HEAD = 'rtmpose_plugin.models.heads.rtmcc_head.RTMSimCCHead.forward'
_GAU = 'rtmpose_plugin.models.layers.gau.GAUBlock.attention'
_NORM = 'rtmpose_plugin.models.layers.scale_norm.ScaleNorm.forward'


@FUNCTION_REWRITER.register_rewriter(_HEAD)
def rtmsimcc_head__forward(self, feats):
    """SimCC logits, or decoded keypoints and scores with ``export_postprocess``."""
    ctx = FUNCTION_REWRITER.get_context()
    simcc_x, simcc_y = ctx.origin_func(self, feats)
    if not get_codebase_config(ctx.cfg).get('export_postprocess', False):
        return simcc_x, simcc_y
    return decode_simcc_tensor(simcc_x, simcc_y, self.simcc_split_ratio)


@FUNCTION_REWRITER.register_rewriter(_NORM, backend='ncnn')
def scale_norm__forward__ncnn(self, x):
    """ReduceL2 over a positive axis, the division broadcast in 4-D (ncnn binary ops)."""
    dim = x.dim() - 1
    norm = torch.norm(x, p=2, dim=dim, keepdim=True) * self.scale
    norm = norm.clamp(min=self.eps)
    return (x.unsqueeze(dim) / norm.unsqueeze(dim)).squeeze(dim) * self.g


@FUNCTION_REWRITER.register_rewriter(_GAU, backend='ncnn')
def gau__attention__ncnn(self, x):
    """The GAU branch with slices instead of split/unbind and positive axes."""
    uv = self.act_fn(self.uv(self.ln(x)))
    e, s = self.e, self.s
    u = uv[:, :, :e]
    v = uv[:, :, e:2 * e]
    z = uv[:, :, 2 * e:2 * e + s]
    q = z * self.gamma[0:1] + self.beta[0:1]
    k = z * self.gamma[1:2] + self.beta[1:2]
    if self.pos_enc:
        from ..models.layers.position import rotary_embedding
        q = rotary_embedding(q, seq_dim=1)
        k = rotary_embedding(k, seq_dim=1)
    logits = torch.matmul(q, k.permute(0, 2, 1))
    if self.use_rel_bias:
        from ..models.layers.position import relative_position_bias
        logits = logits + relative_position_bias(self.w, q.shape[1])
    attn = torch.square(F.relu(logits / self.sqrt_s))
    if self.attn_norm_by_tokens:
        attn = attn / q.shape[1]
    return self.o(u * torch.matmul(attn, v))
