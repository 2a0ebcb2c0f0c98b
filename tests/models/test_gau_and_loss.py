"""GAU block and KL loss against mmpose's RTMCCBlock and KLDiscretLoss."""
import pytest
import torch
from mmpose.models.losses import KLDiscretLoss
from mmpose.models.utils.rtmcc_block import RTMCCBlock, ScaleNorm as RefScaleNorm
from mmpose.models.utils.rtmcc_block import rope as ref_rope

from rtmpose_plugin.models import GAUBlock, KLDiscreteLoss, ScaleNorm
from rtmpose_plugin.models.layers import relative_position_bias, rotary_embedding


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


def test_position_functions_equal_mmpose():
    x = torch.randn(2, 17, 2, 128)
    torch.testing.assert_close(rotary_embedding(x, 1), ref_rope(x, 1), rtol=0, atol=1e-5)
    y = torch.randn(2, 17, 64)
    torch.testing.assert_close(rotary_embedding(y, 1), ref_rope(y, 1), rtol=0, atol=1e-5)
    block = RTMCCBlock(17, 32, 32, s=16, use_rel_bias=True)
    torch.testing.assert_close(relative_position_bias(block.w, 17),
                               block.rel_pos_bias(17)[0, :17, :17])


def test_scale_norm_equals_mmpose():
    x = torch.randn(4, 17, 48)
    ref, ours = RefScaleNorm(48), ScaleNorm(48)
    with torch.no_grad():
        ref.g.fill_(1.7)
        ours.g.fill_(1.7)
    torch.testing.assert_close(ours(x), ref(x))
    torch.testing.assert_close(ours(torch.zeros(2, 48)), torch.zeros(2, 48))  # eps clamp


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


def simcc_batch(n=4, k=17, wx=384, wy=512, seed=0):
    g = torch.Generator().manual_seed(seed)
    pred = (torch.randn(n, k, wx, generator=g), torch.randn(n, k, wy, generator=g))
    gt = (torch.rand(n, k, wx, generator=g), torch.rand(n, k, wy, generator=g))
    weight = (torch.rand(n, k, generator=g) > 0.3).float()
    return pred, gt, weight


@pytest.mark.parametrize('kwargs', [
    dict(beta=10., label_softmax=True),
    dict(beta=10., label_softmax=True, label_beta=5.),
    dict(beta=1., label_softmax=False),
    dict(beta=10., label_softmax=True, use_target_weight=False),
    dict(beta=10., label_softmax=True, mask=[0, 5, 9], mask_weight=3.),
])
def test_kl_loss_equals_mmpose(kwargs):
    pred, gt, weight = simcc_batch()
    ours = KLDiscreteLoss(**kwargs)(pred, gt, weight)
    ref = KLDiscretLoss(**kwargs)(pred, gt, weight)
    assert ours.item() == pytest.approx(ref.item(), rel=1e-5)


def test_kl_loss_gradient_equals_mmpose():
    pred, gt, weight = simcc_batch()
    p1 = [p.clone().requires_grad_() for p in pred]
    p2 = [p.clone().requires_grad_() for p in pred]
    KLDiscreteLoss()(p1, gt, weight).backward()
    KLDiscretLoss(beta=10., label_softmax=True)(p2, gt, weight).backward()
    for a, b in zip(p1, p2):
        torch.testing.assert_close(a.grad, b.grad, rtol=1e-4, atol=1e-8)


def test_kl_loss_zero_when_prediction_equals_label():
    labels = torch.softmax(torch.randn(2, 17, 64), -1)
    logits = torch.log(labels) / 10.0  # softmax(10 * logits) == labels
    loss = KLDiscreteLoss(label_softmax=False)((logits, logits), (labels, labels),
                                              torch.ones(2, 17))
    assert abs(loss.item()) < 1e-6


def test_kl_loss_errors():
    pred, gt, weight = simcc_batch()
    with pytest.raises(ValueError, match='beta'):
        KLDiscreteLoss(beta=0)
    with pytest.raises(ValueError, match='target_weight'):
        KLDiscreteLoss()(pred, gt, None)
    with pytest.raises(ValueError, match='shapes differ'):
        KLDiscreteLoss()(pred, (gt[0][..., :10], gt[1]), weight)
    with pytest.raises(ValueError, match='mask'):
        KLDiscreteLoss(mask=[17])(pred, gt, weight)
