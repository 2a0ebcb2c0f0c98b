"""Our modules against mmpose's: SimCC encode and head forward + backward.

Run with ``python tools/benchmark_modules.py``; results are recorded in
``docs/benchmarks.md`` with the command.
"""
from __future__ import annotations

from typing import List

import numpy as np
import torch

from .timing import Comparison, compare

CHANNELS = dict(t=384, s=512, m=768, l=1024, x=1280)


def bench_encode(num_instances: int, num_keypoints: int, input_size=(192, 256),
                 repeats: int = 50) -> Comparison:
    """RTMSimCCLabel.encode vs mmpose SimCCLabel.encode (same sigma, normalize=False)."""
    from mmpose.codecs import SimCCLabel

    from rtmpose_plugin.codecs import RTMSimCCLabel
    rng = np.random.default_rng(0)
    kp = (rng.random((num_instances, num_keypoints, 2)) * np.array(input_size)).astype(np.float32)
    vis = (rng.random((num_instances, num_keypoints)) > 0.2).astype(np.float32)
    ours = RTMSimCCLabel(input_size, sigma=(4.9, 5.66))
    ref = SimCCLabel(input_size, sigma=(4.9, 5.66), normalize=False)
    return compare(f'SimCC encode {num_instances}x{num_keypoints} @{input_size[1]}x{input_size[0]}',
                   lambda: ours.encode(kp, vis), lambda: ref.encode(kp, vis), repeats=repeats)


def bench_head(size: str, batch: int = 32, input_size=(192, 256), repeats: int = 20,
               threads: int = 0) -> Comparison:
    """RTMSimCCHead vs mmpose RTMCCHead: forward + KL loss + backward, same weights."""
    from mmengine.registry import DefaultScope
    from mmengine.structures import InstanceData
    from mmpose.registry import MODELS
    from mmpose.structures import PoseDataSample

    from rtmpose_plugin.codecs import RTMSimCCLabel
    if threads:
        torch.set_num_threads(threads)
    common = dict(in_channels=CHANNELS[size], out_channels=17, input_size=input_size,
                  in_featuremap_size=(input_size[0] // 32, input_size[1] // 32),
                  simcc_split_ratio=2.0, final_layer_kernel_size=7)
    gau = dict(hidden_dims=256, s=128, expansion_factor=2, dropout_rate=0., drop_path=0.,
               act_fn='SiLU', use_rel_bias=False, pos_enc=False)
    loss = dict(use_target_weight=True, beta=10., label_softmax=True)
    with DefaultScope.overwrite_default_scope('mmpose'):  # whatever scope was current
        ref = MODELS.build(dict(type='RTMCCHead', gau_cfg=gau,
                                loss=dict(type='KLDiscretLoss', **loss), **common))
        ours = MODELS.build(dict(type='RTMSimCCHead', loss=dict(type='KLDiscreteLoss', **loss),
                                 **common))
    ours.load_state_dict(ref.state_dict())
    feats = (torch.randn(batch, CHANNELS[size], input_size[1] // 32, input_size[0] // 32), )
    codec = RTMSimCCLabel(input_size, sigma=(4.9, 5.66))
    rng = np.random.default_rng(0)
    samples = []
    for _ in range(batch):
        enc = codec.encode((rng.random((1, 17, 2)) * np.array(input_size)).astype(np.float32))
        s = PoseDataSample()
        s.gt_instance_labels = InstanceData(**{k: torch.from_numpy(v) for k, v in enc.items()})
        samples.append(s)

    def step(head):

        def run():
            head.zero_grad(set_to_none=True)
            head.loss(feats, samples)['loss_kpt'].backward()

        return run

    return compare(f'head fwd+bwd RTMPose-{size} batch {batch} @{input_size[1]}x{input_size[0]}',
                   step(ours), step(ref), repeats=repeats, warmup=3)


def run_all(quick: bool = False) -> List[Comparison]:
    """Every case of the issue: encode 20x17 and 20x133, head t and m."""
    reps = 3 if quick else 50
    results = [bench_encode(20, 17, repeats=reps), bench_encode(20, 133, repeats=reps)]
    for size in ('t', 'm'):
        results.append(bench_head(size, batch=4 if quick else 32, repeats=2 if quick else 40))
    return results
