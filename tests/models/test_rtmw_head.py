"""Our RTMWSimCCHead against mmpose's RTMWHead: same settings, same weights, same inputs.

The settings are those of mmpose's RTMW configs (Cocktail14, 133 COCO-WholeBody
keypoints, the KL loss with the face keypoints masked at half weight)."""
import pytest
import torch
from mmpose.datasets.datasets.utils import parse_pose_metainfo
from mmpose.registry import MODELS

from rtmpose_plugin.config import mmpose_config_root
from rtmpose_plugin.models import RTMSimCCHead, RTMWSimCCHead

from . import reference
from .reference import assert_same_loss_and_grads, assert_same_predictions, data_samples

#: coarse-map channels of the RTMW sizes (the neck's last output)
CHANNELS = dict(m=768, l=1024, x=1280)
CASES = [(size, inp) for size in 'mlx' for inp in [(192, 256), (288, 384)]]
K = 133
#: the RTMW configs' loss: beta 1, the 68 face keypoints at half weight
LOSS = dict(use_target_weight=True, beta=1., label_softmax=True, label_beta=10.,
            mask=list(range(23, 91)), mask_weight=0.5)


def wholebody_flip_indices():
    import os.path as osp
    meta = parse_pose_metainfo(dict(from_file=osp.join(
        mmpose_config_root(), '_base_', 'datasets', 'coco_wholebody.py')))
    return list(meta['flip_indices'])


def head_pair(size, input_size):
    return reference.head_pair(size, input_size, num_kpts=K, channels=CHANNELS[size],
                               types=('RTMWHead', 'RTMWSimCCHead'), loss=LOSS)


def features(size, input_size, batch=2, seed=1):
    """(fine (B, C/2, 2fh, 2fw), coarse (B, C, fh, fw)), as CSPNeXtPAFPN gives them."""
    g = torch.Generator().manual_seed(seed)
    c, fw, fh = CHANNELS[size], input_size[0] // 32, input_size[1] // 32
    return (torch.randn(batch, c // 2, 2 * fh, 2 * fw, generator=g),
            torch.randn(batch, c, fh, fw, generator=g))


def samples(input_size):
    out = data_samples(input_size, num_kpts=K)
    flip = wholebody_flip_indices()
    for s in out:
        s.set_metainfo(dict(flip_indices=flip))
    return out


def test_registered_beside_mmpose_head():
    assert MODELS.get('RTMWSimCCHead') is RTMWSimCCHead
    assert MODELS.get('RTMWHead') is not RTMWSimCCHead
    assert issubclass(RTMWSimCCHead, RTMSimCCHead)


@pytest.mark.parametrize('size, input_size', CASES)
def test_state_dict_keys_and_shapes_equal_mmpose(size, input_size):
    ref, ours = head_pair(size, input_size)
    ref_sd, our_sd = ref.state_dict(), ours.state_dict()
    assert set(ref_sd) == set(our_sd)
    assert {k: tuple(v.shape) for k, v in ref_sd.items()} == \
        {k: tuple(v.shape) for k, v in our_sd.items()}


@pytest.mark.parametrize('size, input_size', CASES)
def test_forward_loss_and_gradients_equal_mmpose(size, input_size):
    ref, ours = head_pair(size, input_size)
    feats = features(size, input_size)
    with torch.no_grad():
        for a, b in zip(ref(feats), ours(feats)):
            assert a.shape == b.shape
            assert (a - b).abs().max().item() <= 1e-5

    assert_same_loss_and_grads(ref, ours, feats, samples(input_size))
    # training mode updates BN statistics alike
    ref_buf = dict(ref.named_buffers())
    for name, b in ours.named_buffers():
        if b.dtype.is_floating_point:
            assert torch.allclose(b, ref_buf[name], atol=1e-6), name


@pytest.mark.parametrize('size, input_size', CASES)
@pytest.mark.parametrize('flip_test', [False, True])
def test_predict_equals_mmpose(size, input_size, flip_test):
    ref, ours = head_pair(size, input_size)
    feats = features(size, input_size)
    batch = samples(input_size)
    if flip_test:
        feats = [feats, features(size, input_size, seed=7)]
    assert_same_predictions(ref, ours, feats, batch, flip_test, K)


def test_one_feature_map_is_a_clear_error():
    _, ours = head_pair('m', (192, 256))
    with pytest.raises(ValueError, match='last two feature maps'):
        ours(features('m', (192, 256))[1:])
    with pytest.raises(ValueError, match='multiple of 8'):
        RTMWSimCCHead(764, K, (192, 256), (6, 8))
