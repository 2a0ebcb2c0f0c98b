"""Build mmpose's RTMCCHead and ours from the same settings, with shared weights."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData
from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

import rtmpose_plugin.register  # noqa: F401

# in_channels of the CSPNeXt output for each RTMPose size
CHANNELS = dict(t=384, s=512, m=768, l=1024, x=1280)
# input (w, h) -> the hand-written sigma of the official configs
SIZES = {(192, 256): (4.9, 5.66), (288, 384): (6.0, 6.93), (256, 256): (5.66, 5.66)}
COCO_FLIP = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]


def head_pair(size: str, input_size, use_rel_bias=False, pos_enc=False, num_kpts=17,
              seed=0, channels=None, types=('RTMCCHead', 'RTMSimCCHead'), loss=None):
    """(mmpose head, our head), same weights, in eval mode.

    ``types``: (mmpose's head, its twin of ours); ``channels``: in_channels (the
    CSPNeXt output of ``size`` by default); ``loss``: KL loss arguments."""
    sigma = SIZES[tuple(input_size)]
    common = dict(in_channels=channels or CHANNELS[size], out_channels=num_kpts,
                  input_size=input_size, in_featuremap_size=tuple(s // 32 for s in input_size),
                  simcc_split_ratio=2.0, final_layer_kernel_size=7)
    gau = dict(hidden_dims=256, s=128, expansion_factor=2, dropout_rate=0., drop_path=0.,
               act_fn='SiLU', use_rel_bias=use_rel_bias, pos_enc=pos_enc)
    loss = loss or dict(use_target_weight=True, beta=10., label_softmax=True)
    torch.manual_seed(seed)
    ref = MODELS.build(dict(type=types[0], gau_cfg=gau, **common,
                            loss=dict(type='KLDiscretLoss', **loss),
                            decoder=dict(type='SimCCLabel', input_size=input_size, sigma=sigma,
                                         simcc_split_ratio=2.0, normalize=False)))
    ref.init_weights()
    # BN statistics other than the identity, so that eval mode tests them too
    for m in ref.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    ours = MODELS.build(dict(type=types[1], **common, **gau,
                             loss=dict(type='KLDiscreteLoss', **loss),
                             decoder=dict(type='RTMSimCCLabel', input_size=input_size,
                                          sigma=sigma)))
    ours.load_state_dict(ref.state_dict(), strict=True)
    return ref.eval(), ours.eval()


def assert_same_loss_and_grads(ref, ours, feats, samples):
    """Training-mode loss, accuracy and every gradient of ``ours`` equal ``ref``'s."""
    ref.train(), ours.train()
    ref.zero_grad(), ours.zero_grad()
    loss_ref, loss_ours = ref.loss(feats, samples), ours.loss(feats, samples)
    assert loss_ours['loss_kpt'].item() == pytest.approx(loss_ref['loss_kpt'].item(), rel=1e-5)
    assert loss_ours['acc_pose'].item() == pytest.approx(loss_ref['acc_pose'].item())
    loss_ref['loss_kpt'].backward()
    loss_ours['loss_kpt'].backward()
    ref_params = dict(ref.named_parameters())
    for name, p in ours.named_parameters():
        g_ref = ref_params[name].grad
        scale = max(g_ref.abs().max().item(), 1e-8)
        assert (p.grad - g_ref).abs().max().item() <= 1e-4 * scale + 1e-7, name


def assert_same_predictions(ref, ours, feats, samples, flip_test, num_kpts):
    """``predict`` of both heads: same scores, same keypoints where the score is > 0."""
    cfg = dict(flip_test=flip_test)
    with torch.no_grad():
        p_ref = ref.predict(feats, samples, cfg)
        p_ours = ours.predict(feats, samples, cfg)
    assert len(p_ref) == len(p_ours) == len(samples)
    for a, b in zip(p_ref, p_ours):
        assert b.keypoints.shape == a.keypoints.shape == (1, num_kpts, 2)
        np.testing.assert_allclose(b.keypoint_scores, a.keypoint_scores, atol=1e-5)
        valid = a.keypoint_scores > 0
        np.testing.assert_array_equal(valid, b.keypoint_scores > 0)
        np.testing.assert_allclose(b.keypoints[valid], a.keypoints[valid], atol=1e-4)
        assert np.all(b.keypoints[~valid] == -1)


def features(size: str, input_size, batch=2, seed=1):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(batch, CHANNELS[size], input_size[1] // 32, input_size[0] // 32,
                        generator=g), )


def data_samples(input_size, batch=2, num_kpts=17, seed=2):
    """Samples with SimCC labels of random keypoints and flip metainfo."""
    from rtmpose_plugin.codecs import RTMSimCCLabel
    g = torch.Generator().manual_seed(seed)
    codec = RTMSimCCLabel(input_size, sigma=SIZES[tuple(input_size)])
    samples = []
    for _ in range(batch):
        kp = (torch.rand(1, num_kpts, 2, generator=g) * torch.tensor(input_size)).numpy()
        vis = (torch.rand(1, num_kpts, generator=g) > 0.2).float().numpy()
        enc = codec.encode(kp, vis)
        s = PoseDataSample(metainfo=dict(flip_indices=COCO_FLIP[:num_kpts] if num_kpts == 17
                                         else list(range(num_kpts)), input_size=input_size))
        s.gt_instance_labels = InstanceData(**{k: torch.from_numpy(v) for k, v in enc.items()})
        samples.append(s)
    return samples
