"""GAU block and KL loss against mmpose's RTMCCBlock and KLDiscretLoss."""
import pytest
import torch
from mmpose.models.losses import KLDiscretLoss

from rtmpose_plugin.models import KLDiscreteLoss


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
