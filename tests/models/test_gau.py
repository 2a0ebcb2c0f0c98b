"""GAU block and KL loss against mmpose's RTMCCBlock and KLDiscretLoss."""
import pytest
import torch
from mmpose.models.utils.rtmcc_block import RTMCCBlock

from rtmpose_plugin.models import GAUBlock


@pytest.mark.parametrize('rel_bias', [False, True])
@pytest.mark.parametrize('rope', [False, True])
@pytest.mark.parametrize('act', ['SiLU', 'ReLU'])
@pytest.mark.parametrize('dims', [(256, 256), (256, 128)])
def test_gau_equals_rtmcc_block(rel_bias, rope, act, dims):
    torch.manual_seed(0)
    ref = RTMCCBlock(17, dims[0], dims[1], s=128, act_fn=act, use_rel_bias=rel_bias,
                     pos_enc=rope).eval()
    ours = GAUBlock(17, dims[0], dims[1], s=128, act_fn=act, use_rel_bias=rel_bias,
                    pos_enc=rope).eval()
    ours.load_state_dict(ref.state_dict(), strict=True)
    x = torch.randn(3, 17, dims[0])
    assert (ours(x) - ref(x)).abs().max().item() <= 1e-5


def test_paper_form_divides_attention_by_tokens():
    torch.manual_seed(0)
    code = GAUBlock(17, 64, 64, s=32).eval()
    paper = GAUBlock(17, 64, 64, s=32, attn_norm_by_tokens=True).eval()
    paper.load_state_dict(code.state_dict())
    x = torch.randn(2, 17, 64)
    assert not torch.allclose(code(x), paper(x))
    # only the attention branch changes, and by exactly 1/K in A v
    with torch.no_grad():
        code.o.weight.copy_(torch.eye(64, 128))
        paper.o.weight.copy_(torch.eye(64, 128))
        a = code.attention(x)
        b = paper.attention(x)
    torch.testing.assert_close(b, a / 17, rtol=1e-5, atol=1e-6)


def test_gau_bad_arguments():
    with pytest.raises(ValueError, match='act_fn'):
        GAUBlock(17, 64, 64, act_fn='GELU')
    with pytest.raises(ValueError, match='even s'):
        GAUBlock(17, 64, 64, s=33, pos_enc=True)
    with pytest.raises(ValueError, match='drop path'):
        GAUBlock(17, 64, 64, drop_path=1.0)


def test_drop_path_drops_whole_samples_in_training_only():
    torch.manual_seed(0)
    block = GAUBlock(17, 32, 32, s=16, drop_path=0.5, use_rel_bias=False)
    x = torch.randn(64, 17, 32)
    block.train()
    out = block(x) - block.res_scale(x)
    dropped = (out.abs().amax(dim=(1, 2)) == 0).float().mean().item()
    assert 0.25 < dropped < 0.75
    block.eval()
    assert (block(x) - block.res_scale(x)).abs().amax(dim=(1, 2)).min() > 0


