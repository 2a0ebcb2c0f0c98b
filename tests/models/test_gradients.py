"""Every public module: forward and backward, every parameter gets a gradient, no NaN."""
import pytest
import torch

from rtmpose_plugin.models import GAUBlock, KLDiscreteLoss, RTMSimCCHead, ScaleNorm


def _modules():
    yield 'ScaleNorm', ScaleNorm(32), lambda m: m(torch.randn(2, 5, 32)).square().sum()
    for rel, rope in [(False, False), (True, True)]:
        yield (f'GAUBlock(rel={rel},rope={rope})',
               GAUBlock(17, 64, 64, s=32, use_rel_bias=rel, pos_enc=rope, drop_path=0.1,
                        dropout_rate=0.1),
               lambda m: m(torch.randn(2, 17, 64)).square().sum())
    yield ('GAUBlock(no residual)', GAUBlock(17, 64, 32, s=32),
           lambda m: m(torch.randn(2, 17, 64)).square().sum())
    head = RTMSimCCHead(64, 17, (192, 256), (6, 8), use_rel_bias=True, pos_enc=True)
    head.init_weights()
    yield 'RTMSimCCHead', head, lambda m: sum(o.square().sum() for o in m((torch.randn(
        2, 64, 8, 6), )))


@pytest.mark.parametrize('name, module, loss_fn', list(_modules()), ids=lambda v: v
                         if isinstance(v, str) else '')
def test_every_parameter_gets_a_finite_gradient(name, module, loss_fn):
    torch.manual_seed(0)
    module.train()
    loss = loss_fn(module)
    loss.backward()
    assert torch.isfinite(loss)
    for pname, p in module.named_parameters():
        assert p.grad is not None, f'{name}.{pname} got no gradient'
        assert torch.isfinite(p.grad).all(), f'{name}.{pname} has a non-finite gradient'
        assert p.grad.abs().sum() > 0, f'{name}.{pname} has an all-zero gradient'


def test_kl_loss_gradient_is_finite_with_extreme_logits():
    pred = (torch.tensor([[[1e4, -1e4, 0.]]], requires_grad=True),
            torch.tensor([[[0., 50., -50.]]], requires_grad=True))
    gt = (torch.tensor([[[0., 1., 0.]]]), torch.tensor([[[1., 0., 0.]]]))
    loss = KLDiscreteLoss()(pred, gt, torch.ones(1, 1))
    loss.backward()
    assert torch.isfinite(loss) and all(torch.isfinite(p.grad).all() for p in pred)
