"""Config helpers: the parts of the RTMPose recipe that follow from the input size.

The recipe's values (epochs, learning rate, augmentation strengths, EMA) are stated
once, in ``configs/_base_/rtmpose_recipe.py``; configs import this module to derive
what depends on the input size (codec, head geometry, pipelines, the stage switch),
so that a variant at another size passes its size and the base's values instead of
restating pipelines::

    input_size = (288, 384)
    codec = recipe.codec(input_size)
    train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
        codec, _base_.stage1_aug, _base_.stage2_aug, switch_epoch, _base_.ema)

Every function returns plain dicts and lists, as a config would spell them out.
"""
from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from .core import keypoint_maps

Size = Tuple[int, int]

_RTMPOSE = 'https://download.openmmlab.com/mmpose/v1/projects/rtmposev1/'
_RSB = 'https://download.openmmlab.com/mmdetection/v3.0/rtmdet/cspnext_rsb_pretrain/'

#: CSPNeXt sizes: (deepen_factor, widen_factor, output channels, the official
#: UDP-pre-trained backbone the RTMPose configs start from, the ImageNet
#: backbone the pre-training starts from)
SIZES = {
    't': (0.167, 0.375, 384, _RTMPOSE + 'cspnext-tiny_udp-aic-coco_210e-256x192-cbed682d_20230130.pth',
          _RSB + 'cspnext-tiny_imagenet_600e-3a2dd350.pth'),
    's': (0.33, 0.5, 512, _RTMPOSE + 'cspnext-s_udp-aic-coco_210e-256x192-92f5a029_20230130.pth',
          _RSB + 'cspnext-s_imagenet_600e-ea671761.pth'),
    'm': (0.67, 0.75, 768, _RTMPOSE + 'cspnext-m_udp-aic-coco_210e-256x192-f2f7d6f6_20230130.pth',
          _RSB + 'cspnext-m_8xb256-rsb-a1-600e_in1k-ecb3bbd9.pth'),
    'l': (1.0, 1.0, 1024, _RTMPOSE + 'cspnext-l_udp-aic-coco_210e-256x192-273b7631_20230130.pth',
          _RSB + 'cspnext-l_8xb256-rsb-a1-600e_in1k-6a760974.pth'),
    'x': (1.33, 1.25, 1280, _RTMPOSE + 'cspnext-x_udp-body7_210e-384x288-d28b58e6_20230529.pth',
          None),
}

#: AI Challenger keypoint i -> COCO keypoint j (the AIC + COCO configs)
AIC_TO_COCO = keypoint_maps.AIC_TO_COCO


def size(name: str, pretrained: str = 'udp', neck: bool = False, **head: object) -> dict:
    """``model`` entries of an RTMPose size.

    Backbone factors and initialisation, head input channels (plus any ``head`` arguments
    given).

    Args:
        name: t, s, m, l or x.
        pretrained: ``'udp'``: the official UDP-pre-trained backbone (RTMPose
            training); ``'udp-v0'``: the same file at its first address
            (``projects/rtmpose/``, as mmpose's Human-Art, Hand5 and UBody configs
            name it); ``'imagenet'``: the ImageNet one (the pre-training stage);
            or the URL of another official checkpoint (Body7 backbones, whole
            models a family fine-tunes).
        neck: Also the input channels of the neck over the last three stages
            (RTMW's CSPNeXtPAFPN).
    """
    if name not in SIZES:
        raise ValueError(f'RTMPose size must be one of {sorted(SIZES)}, got {name!r}')
    deepen, widen, channels, udp_url, imagenet_url = SIZES[name]
    v0_url = udp_url.replace('/projects/rtmposev1/', '/projects/rtmpose/')
    url = {'udp': udp_url, 'udp-v0': v0_url, 'imagenet': imagenet_url}.get(pretrained, pretrained)
    model = dict(backbone=dict(deepen_factor=deepen, widen_factor=widen,
                               init_cfg=dict(checkpoint=url)),
                 head=dict(in_channels=channels, **head))
    if neck:
        model['neck'] = dict(in_channels=[channels // 4, channels // 2, channels])
    return model


def codec(input_size: Size, split_ratio: float = 2.0, **extra: object) -> dict:
    """The SimCC codec: separate sigma per axis from the paper's rule (``sigma='auto'``).

    ``extra``: other :class:`~rtmpose_plugin.codecs.RTMSimCCLabel` arguments.
    """
    return dict(type='RTMSimCCLabel', input_size=tuple(input_size), sigma='auto',
                simcc_split_ratio=split_ratio, normalize=False, use_dark=False, **extra)


def head_geometry(codec_cfg: dict) -> dict:
    """The head's input-size-dependent arguments (CSPNeXt downsamples by 32)."""
    w, h = codec_cfg['input_size']
    return dict(input_size=(w, h), in_featuremap_size=(w // 32, h // 32),
                simcc_split_ratio=codec_cfg['simcc_split_ratio'], decoder=codec_cfg)


def schedule(base_lr: float, max_epochs: int, warmup_iters: int = 1000,
             final_factor: float = 0.05, cosine_begin: Optional[int] = None) -> List[dict]:
    """The learning-rate schedule: linear warm-up, flat, then cosine.

    Linear warm-up over ``warmup_iters``, flat, then cosine from ``cosine_begin``
    (the second half by default) down to ``final_factor * base_lr``."""
    begin = max_epochs // 2 if cosine_begin is None else cosine_begin
    return [
        dict(type='LinearLR', start_factor=1.0e-5, by_epoch=False, begin=0, end=warmup_iters),
        dict(type='CosineAnnealingLR', eta_min=base_lr * final_factor, begin=begin,
             end=max_epochs, T_max=max_epochs - begin, by_epoch=True,
             convert_to_iter_based=True),
    ]


def train_pipeline(codec_cfg: dict, shift_factor: float, scale_factor: Sequence[float],
                   rotate_factor: float, cutout_p: Optional[float], blur_p: float = 0.1,
                   half_body: bool = True, use_udp: bool = False, hsv: bool = True,
                   photometric: bool = False, keypoint_weights: bool = False,
                   flip_last: bool = False,
                   backend_args: Optional[dict] = None) -> List[dict]:
    """A top-down training pipeline of the recipe at one augmentation strength.

    Args:
        shift_factor, scale_factor, rotate_factor: ``RandomBBoxTransform``'s.
        cutout_p: Probability of one 0.2-0.4 hole (``RandomCutout``); None: no cutout.
        blur_p: Probability of each of mean and median blur.
        half_body: ``RandomHalfBody`` (body datasets; off for animals, hands).
        use_udp: Unbiased affine for UDP heatmap codecs (backbone pre-training).
        hsv: YOLOX's HSV jitter; photometric: mmcv's PhotometricDistortion after it
            (the Body8, LaPa and Cocktail14 recipes' first stage).
        keypoint_weights: Targets weighted by the dataset's per-keypoint weights
            (the mixtures of several keypoint sets).
        flip_last: Flip after the box transform (the hand recipes' order).
    """
    flip = [dict(type='RandomFlip', direction='horizontal')]
    steps = [
        dict(type='LoadImage', backend_args=backend_args or dict(backend='local')),
        dict(type='GetBBoxCenterScale'),
    ] + ([] if flip_last else flip)
    if half_body:
        steps.append(dict(type='RandomHalfBody'))
    steps += [
        dict(type='RandomBBoxTransform', shift_factor=shift_factor,
             scale_factor=list(scale_factor), rotate_factor=rotate_factor),
    ] + (flip if flip_last else []) + [
        dict(type='TopdownAffine', input_size=tuple(codec_cfg['input_size']), use_udp=use_udp),
    ]
    if hsv:
        steps.append(dict(type='mmdet.YOLOXHSVRandomAug'))
    if photometric:
        steps.append(dict(type='PhotometricDistortion'))
    steps += [dict(type='RandomBoxBlur', p=blur_p), dict(type='RandomMedianBlur', p=blur_p)]
    if cutout_p is not None:
        steps.append(dict(type='RandomCutout', p=cutout_p))
    target = dict(type='GenerateTarget', encoder=codec_cfg)
    if keypoint_weights:
        target['use_dataset_keypoint_weights'] = True
    steps += [target, dict(type='PackPoseInputs')]
    return steps


def stages(codec_cfg: dict, stage1: dict, stage2: dict, switch_epoch: int,
           ema: Optional[dict] = None, **common) -> Tuple[List[dict], List[dict], List[dict]]:
    """Both stages of the recipe at one input size.

    (stage-1 pipeline, stage-2 pipeline, custom hooks switching between them at
    ``switch_epoch``).

    ``stage1`` and ``stage2`` are :func:`train_pipeline` arguments (the augmentation
    strengths); ``common`` are those both stages share (``half_body``, ``hsv``).
    """
    first = train_pipeline(codec_cfg, **{**common, **stage1})
    second = train_pipeline(codec_cfg, **{**common, **stage2})
    return first, second, custom_hooks(switch_epoch, second, ema)


def at_size(codec_cfg: dict, stage1: dict, stage2: dict, switch_epoch: int,
            ema: Optional[dict] = None, batch_size: Optional[int] = None, **common) -> tuple:
    """What a variant at another input size overrides, for ``codec_cfg``'s size.

    ``(model, train_pipeline, train_pipeline_stage2, custom_hooks, val_pipeline,
    train_dataloader, val_dataloader)``, the loaders as partial dicts that set the pipelines
    (and the train batch size, if given) of the base's loaders. Arguments as :func:`stages`.
    """
    first, second, hooks = stages(codec_cfg, stage1, stage2, switch_epoch, ema, **common)
    val = val_pipeline(codec_cfg)
    train_loader = dict(dataset=dict(pipeline=first))
    if batch_size is not None:
        train_loader['batch_size'] = batch_size
    return (dict(head=head_geometry(codec_cfg)), first, second, hooks, val, train_loader,
            dict(dataset=dict(pipeline=val)))


def dataset(kind: str, ann_file: str, img: str, mapping: Optional[Sequence] = None,
            num_keypoints: int = 17, data_root: str = 'data/', then: Sequence[dict] = (),
            **extra) -> dict:
    """One dataset of a mixture under ``data_root``.

    Its keypoints mapped to the mixture's set by ``KeypointConverter`` when ``mapping`` is
    given (pairs of (its index, the mixture's index)), then the steps ``then`` (e.g.
    :func:`part_crop`).
    """
    pipeline = [] if mapping is None else [
        dict(type='KeypointConverter', num_keypoints=num_keypoints, mapping=list(mapping))]
    pipeline += list(then)
    return dict(type=kind, data_root=data_root, data_mode='topdown', ann_file=ann_file,
                data_prefix=dict(img=img), pipeline=pipeline, **extra)


def part_crop(padding: float = 1.25, scale_factor: Sequence[float] = (1.5, 2.0)) -> List[dict]:
    """A face or hand dataset inside a whole-body mixture (RTMW).

    Its box padded and enlarged 1.5-2x before the mixture's pipeline, so the part is seen
    with its surroundings. The mixture's pipeline then loads the image again, and its
    ``GetBBoxCenterScale`` keeps this box and pads it once more (mmpose's rule for a box
    already set).
    """
    return [
        dict(type='LoadImage', backend_args=dict(backend='local')),
        dict(type='GetBBoxCenterScale', padding=padding),
        dict(type='RandomBBoxTransform', shift_factor=0., scale_factor=list(scale_factor),
             rotate_factor=0),
    ]


#: UBody's fifteen scenes, each a dataset of its own (its annotation folder's name)
UBODY_SCENES = ('Magic_show', 'Entertainment', 'ConductMusic', 'Online_class', 'TalkShow',
                'Speech', 'Fitness', 'Interview', 'Olympic', 'TVShow', 'Singing',
                'SignLanguage', 'Movie', 'LiveVlog', 'VideoConference')


def ubody(ann_dir: str, img: str, sample_interval: int = 10, data_root: str = 'data/') -> list:
    """UBody's scenes as datasets.

    UBody's scenes as datasets (``ann_dir/<scene>/train_annotations.json``), each
    video sampled every ``sample_interval`` frames."""
    return [dataset('UBody2dDataset', f'{ann_dir}/{scene}/train_annotations.json', img,
                    data_root=data_root, sample_interval=sample_interval)
            for scene in UBODY_SCENES]


def val_pipeline(codec_cfg: dict, use_udp: bool = False,
                 backend_args: Optional[dict] = None) -> List[dict]:
    """Test-time pipeline: the box, padded 1.25x, warped to the input."""
    return [
        dict(type='LoadImage', backend_args=backend_args or dict(backend='local')),
        dict(type='GetBBoxCenterScale'),
        dict(type='TopdownAffine', input_size=tuple(codec_cfg['input_size']), use_udp=use_udp),
        dict(type='PackPoseInputs'),
    ]


def custom_hooks(switch_epoch: int, stage2_pipeline: List[dict],
                 ema: Optional[dict] = None) -> List[dict]:
    """EMA (if given), the switch to the weak pipeline, and BN buffer sync."""
    hooks = [dict(type='SyncBuffersHook')]
    if ema:
        hooks.append(ema)
    hooks.append(dict(type='mmdet.PipelineSwitchHook', switch_epoch=switch_epoch,
                      switch_pipeline=stage2_pipeline))
    return hooks
