"""GAU block and KL loss against mmpose's RTMCCBlock and KLDiscretLoss."""
import torch
from mmpose.models.utils.rtmcc_block import ScaleNorm as RefScaleNorm

from rtmpose_plugin.models import ScaleNorm


def test_scale_norm_equals_mmpose():
    x = torch.randn(4, 17, 48)
    ref, ours = RefScaleNorm(48), ScaleNorm(48)
    with torch.no_grad():
        ref.g.fill_(1.7)
        ours.g.fill_(1.7)
    torch.testing.assert_close(ours(x), ref(x))
    torch.testing.assert_close(ours(torch.zeros(2, 48)), torch.zeros(2, 48))  # eps clamp
