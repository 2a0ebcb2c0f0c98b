import pytest
import torch
from mmpose.evaluation.functional import simcc_pck_accuracy as ref_accuracy

from rtmpose_plugin.core.accuracy import simcc_pck_accuracy


@pytest.mark.parametrize('seed', range(5))
def test_equals_mmpose(seed):
    g = torch.Generator().manual_seed(seed)
    n, k = 8, 17
    gt = (torch.zeros(n, k, 384), torch.zeros(n, k, 512))
    gx = torch.randint(0, 384, (n, k), generator=g)
    gy = torch.randint(0, 512, (n, k), generator=g)
    gt[0].scatter_(2, gx[..., None], 1.0)
    gt[1].scatter_(2, gy[..., None], 1.0)
    # predictions near the target for some, far for others, negative maxima for a few
    pred = (torch.randn(n, k, 384, generator=g) * 0.1, torch.randn(n, k, 512, generator=g) * 0.1)
    near = torch.rand(n, k, generator=g) > 0.5
    off = torch.randint(-30, 30, (n, k), generator=g)
    pred[0].scatter_(2, (gx + near * off).clamp(0, 383)[..., None], 5.0)
    pred[1].scatter_(2, gy[..., None], 5.0)
    pred[1][0, :3] = -1.0
    mask = torch.rand(n, k, generator=g) > 0.3
    _, ref, _ = ref_accuracy(tuple(p.numpy() for p in pred), tuple(t.numpy() for t in gt), 2.0,
                             mask.numpy())
    ours = simcc_pck_accuracy(pred, gt, 2.0, mask)
    assert ours.item() == pytest.approx(ref, abs=1e-6)


def test_no_valid_keypoint_gives_zero():
    x, y = torch.rand(2, 17, 384), torch.rand(2, 17, 512)
    assert simcc_pck_accuracy((x, y), (x, y), 2.0, torch.zeros(2, 17, dtype=torch.bool)) == 0
    assert simcc_pck_accuracy((x, y), (x, y), 2.0, torch.ones(2, 17, dtype=torch.bool)) == 1
