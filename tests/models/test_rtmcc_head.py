"""Our RTMSimCCHead against mmpose's RTMCCHead: same settings, same weights, same inputs."""
import pytest
import torch
from mmpose.registry import MODELS

from rtmpose_plugin.models import RTMSimCCHead

from .reference import (SIZES, assert_same_loss_and_grads, assert_same_predictions,
                        data_samples, features, head_pair)

CASES = [(size, inp) for size in 'tsmlx' for inp in SIZES]


def assert_close(a, b, atol=1e-5):
    assert a.shape == b.shape
    diff = (a - b).abs().max().item()
    assert diff <= atol, f'max abs diff {diff:.3g} > {atol}'


def test_registered_beside_mmpose_head():
    assert MODELS.get('RTMSimCCHead') is RTMSimCCHead
    assert MODELS.get('RTMCCHead') is not RTMSimCCHead


@pytest.mark.parametrize('size, input_size', CASES)
def test_state_dict_keys_and_shapes_equal_mmpose(size, input_size):
    ref, ours = head_pair(size, input_size)
    ref_sd, our_sd = ref.state_dict(), ours.state_dict()
    assert list(ref_sd) == list(our_sd) or set(ref_sd) == set(our_sd)
    assert {k: tuple(v.shape) for k, v in ref_sd.items()} == \
        {k: tuple(v.shape) for k, v in our_sd.items()}


@pytest.mark.parametrize('size, input_size', CASES)
@pytest.mark.parametrize('rel_bias, rope', [(False, False), (True, False), (False, True),
                                            (True, True)])
def test_forward_loss_grad_equal_mmpose(size, input_size, rel_bias, rope):
    ref, ours = head_pair(size, input_size, use_rel_bias=rel_bias, pos_enc=rope)
    feats = features(size, input_size)
    with torch.no_grad():
        for a, b in zip(ref(feats), ours(feats)):
            assert_close(a, b)

    assert_same_loss_and_grads(ref, ours, feats, data_samples(input_size))


@pytest.mark.parametrize('size, input_size', CASES)
def test_loss_and_gradients_are_mmpose_bit_for_bit_in_the_rtmpose_setting(size, input_size):
    """With the RTMPose configs' head (no relative bias, no rotary encoding), loss and
    every gradient are mmpose's to the last bit: what makes a training run step as
    mmpose's does (tests/test_training_step.py), since Adam amplifies any last-bit
    difference in a near-zero gradient."""
    ref, ours = head_pair(size, input_size)
    feats = features(size, input_size)
    samples = data_samples(input_size)
    ref.train(), ours.train()
    loss_ref, loss_ours = ref.loss(feats, samples), ours.loss(feats, samples)
    assert torch.equal(loss_ours['loss_kpt'], loss_ref['loss_kpt'])
    loss_ref['loss_kpt'].backward()
    loss_ours['loss_kpt'].backward()
    ref_params = dict(ref.named_parameters())
    for name, p in ours.named_parameters():
        assert torch.equal(p.grad, ref_params[name].grad), name


@pytest.mark.parametrize('size, input_size', CASES)
@pytest.mark.parametrize('flip_test', [False, True])
def test_predict_equals_mmpose(size, input_size, flip_test):
    ref, ours = head_pair(size, input_size)
    feats = features(size, input_size)
    samples = data_samples(input_size)
    if flip_test:
        feats = [feats, features(size, input_size, seed=7)]
    assert_same_predictions(ref, ours, feats, samples, flip_test, 17)


def test_output_heatmaps_for_visualisation():
    _, ours = head_pair('t', (192, 256))
    with torch.no_grad():
        preds, fields = ours.predict(features('t', (192, 256)), data_samples((192, 256)),
                                     dict(output_heatmaps=True))
    assert fields[0].heatmaps.shape == (17, 512, 384)
    assert float(fields[0].heatmaps.max()) == pytest.approx(1.0)
    assert preds[0].keypoint_x_labels.shape == (1, 17, 384)


def test_gau_cfg_mapping_as_mmpose_configs_write_it():
    head = RTMSimCCHead(384, 17, (192, 256), (6, 8),
                        gau_cfg=dict(hidden_dims=128, s=64, expansion_factor=2, dropout_rate=0.,
                                     drop_path=0., act_fn='SiLU', use_rel_bias=False,
                                     pos_enc=False),
                        decoder=dict(type='RTMSimCCLabel', input_size=(192, 256)))
    assert head.cls_x.in_features == 128 and head.gau.s == 64
    with pytest.raises(ValueError, match='unknown keys'):
        RTMSimCCHead(384, 17, (192, 256), (6, 8), gau_cfg=dict(attn_type='cross-attn'))
    with pytest.raises(ValueError, match='in_channels'):
        RTMSimCCHead([384, 768], 17, (192, 256), (6, 8))


def test_flip_test_without_flipped_features_is_a_clear_error():
    _, ours = head_pair('t', (192, 256))
    with pytest.raises(ValueError, match='flip_test'):
        ours.predict(features('t', (192, 256)), data_samples((192, 256)), dict(flip_test=True))
