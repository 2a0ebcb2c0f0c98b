"""GAU block and KL loss against mmpose's RTMCCBlock and KLDiscretLoss."""
import torch
from mmpose.models.utils.rtmcc_block import RTMCCBlock
from mmpose.models.utils.rtmcc_block import rope as ref_rope

from rtmpose_plugin.models.layers import relative_position_bias, rotary_embedding


def test_position_functions_equal_mmpose():
    x = torch.randn(2, 17, 2, 128)
    torch.testing.assert_close(rotary_embedding(x, 1), ref_rope(x, 1), rtol=0, atol=1e-5)
    y = torch.randn(2, 17, 64)
    torch.testing.assert_close(rotary_embedding(y, 1), ref_rope(y, 1), rtol=0, atol=1e-5)
    block = RTMCCBlock(17, 32, 32, s=16, use_rel_bias=True)
    torch.testing.assert_close(relative_position_bias(block.w, 17),
                               block.rel_pos_bias(17)[0, :17, :17])
