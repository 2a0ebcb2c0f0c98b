"""Every config of ours that mmpose 1.3.2 also ships, compared field by field with mmpose's.

Both configs are brought to one canonical form: every transform, codec, head, loss and
backbone with its constructor's defaults filled in (so a value left at its default
equals the same value written out), our class names translated to mmpose's, dataset
paths joined with their data root. Then every field of the recipe must be equal:
optimizer, per-parameter rules and gradient clipping; LR schedule, epochs and auto LR
scaling; EMA and the stage-switch epoch; both stages' augmentation; codec (top level,
head decoder, both stages' targets); model and loss; batch sizes, samplers, datasets
and evaluators.

The differences allowed are ALLOWED below, each with its reason; nothing else may differ.
"""
import glob
import inspect
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from rtmpose_plugin.config import mmpose_config_root
from rtmpose_plugin.core.simcc import auto_sigma

from .conftest import ROOT

#: What may differ, and why. The canonical form below applies exactly these.
ALLOWED = {
    'class names': 'our own modules, registered beside mmpose\'s: RTMSimCCLabel for '
    'SimCCLabel, RTMSimCCHead and RTMWSimCCHead (GAU arguments flat, not in gau_cfg) for '
    'RTMCCHead and RTMWHead, '
    'KLDiscreteLoss for KLDiscretLoss; each is tested equal to its twin',
    'sigma': "sigma='auto' (sqrt(W_S / 16) per axis, the paper's rule) where mmpose "
    'writes it rounded to two decimals, e.g. (4.9, 5.66) for (4.899, 5.657)',
    'augmentation classes': 'RandomBoxBlur, RandomMedianBlur and RandomCutout for mmpose\'s '
    'Albumentation(Blur, MedianBlur, CoarseDropout), which breaks on albumentations 2.x; '
    'compared here by the parameters albumentations 1.4.24 resolves (tests/datasets/'
    'test_transforms.py compares outputs and distributions)',
    'image folders': 'the folders above each image folder: mmpose\'s configs point at '
    "OpenMMLab's internal storage layout (data/detection/coco/train2017/), ours at the "
    'layout of mmpose\'s dataset docs (data/coco/train2017/); annotation files are equal',
    'storage': "mmpose's rtmpose-m Body8 Halpe-26 384x288 config reads its images from "
    "OpenMMLab's internal petrel storage; every config of ours reads local files",
    'UBody val path': "mmpose's UBody configs give COCO-WholeBody's val annotations as "
    "data/coco/annotations/... under data_root data/UBody/, which mmengine joins to "
    "data/UBody/data/coco/annotations/... (a folder no layout has; its evaluator reads "
    "data/coco/annotations/...); ours read data/coco/annotations/..., as the evaluator",
    'runtime': 'not compared: logging, workers, dist backend (gloo, for CPU machines), '
    'custom_imports (ours loads the plugin), visualisation',
}

#: mmpose's internal name of a dataset root that is the image folder -> the docs' name
ROOT_FOLDERS = {'JHMDB': 'jhmdb', 'PoseChallenge2018': 'posetrack18', 'OneHand10K': 'onehand10k',
                'FreiHand': 'freihand', 'RHD': 'rhd',
                # RTMW's Human-Art: its annotations name images from the data root
                # (HumanArt/images/...), which is data/pose/ in mmpose's layout
                'pose': ''}

#: ALLOWED['UBody val path']: mmpose's joined path -> the file it means
MEANT_PATHS = {'data/UBody/data/coco/annotations/coco_wholebody_val_v1.0.json':
               'data/coco/annotations/coco_wholebody_val_v1.0.json'}

#: Our class -> mmpose's twin
TWINS = {'RTMSimCCLabel': 'SimCCLabel', 'RTMSimCCHead': 'RTMCCHead',
         'RTMWSimCCHead': 'RTMWHead', 'KLDiscreteLoss': 'KLDiscretLoss'}
GAU_KEYS = ('hidden_dims', 's', 'expansion_factor', 'dropout_rate', 'drop_path', 'act_fn',
            'use_rel_bias', 'pos_enc')


def twin_configs():
    root = mmpose_config_root()
    pairs = []
    for path in sorted(glob.glob(osp.join(ROOT, 'configs', '**', '*.py'), recursive=True)):
        rel = osp.relpath(path, osp.join(ROOT, 'configs'))
        if osp.isfile(osp.join(root, rel)) and '_base_' not in rel:
            pairs.append(rel)
    return pairs


TWIN_CONFIGS = twin_configs()


# ---------------------------------------------------------------- canonical form

def plain(node):
    """Tuples as lists, ConfigDicts as dicts, recursively."""
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [plain(v) for v in node]
    return node


def with_defaults(registry, cfg: dict) -> dict:
    """``cfg`` with every constructor argument it leaves out at its default."""
    cls = registry.get(cfg['type'])
    assert cls is not None, f'{cfg["type"]} is not registered'
    filled = {
        name: p.default for name, p in inspect.signature(cls.__init__).parameters.items()
        if name != 'self' and p.default is not inspect.Parameter.empty
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    filled.update(cfg)
    filled['type'] = TWINS.get(cls.__name__, cls.__name__)
    return plain(filled)


def canon_codec(cfg):
    from mmpose.registry import KEYPOINT_CODECS
    if cfg is None:
        return None
    out = with_defaults(KEYPOINT_CODECS, cfg)
    if cfg['type'] == 'RTMSimCCLabel':
        assert out.pop('drop_outside') is False, 'drop_outside is not mmpose\'s rule'
        out['label_smooth_weight'] = out.pop('label_smoothing')
        out['smoothing_type'] = 'gaussian'
        if out['sigma'] == 'auto':  # ALLOWED['sigma']
            sx, sy = auto_sigma(out['input_size'], out['simcc_split_ratio'])
            out['sigma'] = [round(sx, 2), round(sy, 2)]
    if out['type'] == 'SimCCLabel' and not isinstance(out['sigma'], list):
        out['sigma'] = [float(out['sigma'])] * 2
    return out


def canon_loss(cfg):
    from mmpose.registry import MODELS
    out = with_defaults(MODELS, cfg)
    if cfg['type'] == 'KLDiscreteLoss':
        assert out.pop('loss_weight') == 1.0, 'KLDiscretLoss has no loss_weight'
    return out


def canon_head(cfg):
    from mmpose.registry import MODELS
    cfg = plain(cfg)
    if cfg['type'] in ('RTMSimCCHead', 'RTMWSimCCHead'):  # ALLOWED['class names']: flat GAU
        cls = MODELS.get(cfg['type'])
        defaults = inspect.signature(cls.__init__).parameters
        gau = {k: cfg.pop(k, defaults[k].default) for k in GAU_KEYS}
        assert cfg.pop('attn_norm_by_tokens', False) is False, 'not mmpose\'s attention'
        gau.update(cfg.pop('gau_cfg', None) or {})
        cfg['gau_cfg'] = gau
        cfg['type'] = TWINS[cfg['type']]
    out = with_defaults(MODELS, cfg)
    out['loss'] = canon_loss(out['loss'])
    out['decoder'] = canon_codec(out['decoder'])
    return out


def canon_model(cfg):
    from mmpose.registry import MODELS
    cfg = plain(cfg)
    return dict(type=cfg['type'], data_preprocessor=cfg['data_preprocessor'],
                backbone=with_defaults(MODELS, cfg['backbone']),
                neck=cfg.get('neck'), head=canon_head(cfg['head']),
                test_cfg=cfg.get('test_cfg'), train_cfg=cfg.get('train_cfg'))


def canon_albumentation(step):
    """mmpose's Albumentation as the parameters albumentations 1.4.24 resolves."""
    import albumentations as A
    out = []
    for t in step['transforms']:
        args = {k: v for k, v in t.items() if k != 'type'}
        obj = getattr(A, t['type'])(**args)
        if t['type'] in ('Blur', 'MedianBlur'):
            out.append(dict(type=t['type'], p=obj.p, blur_limit=list(obj.blur_limit)))
        elif t['type'] == 'CoarseDropout':
            out.append(dict(type='CoarseDropout', p=obj.p, num_holes=list(obj.num_holes_range),
                            height=list(obj.hole_height_range),
                            width=list(obj.hole_width_range), fill=obj.fill))
        else:
            raise AssertionError(f'no canonical form for albumentations {t["type"]}')
    return out


def canon_pipeline(steps):
    from mmpose.registry import TRANSFORMS
    out = []
    for step in plain(steps or []):
        kind = step['type']
        if kind == 'Albumentation':  # ALLOWED['augmentation classes']
            out += canon_albumentation(step)
        elif kind in ('RandomBoxBlur', 'RandomMedianBlur'):
            s = with_defaults(TRANSFORMS, step)
            out.append(dict(type='Blur' if kind == 'RandomBoxBlur' else 'MedianBlur', p=s['p'],
                            blur_limit=s['kernel_range']))
        elif kind == 'RandomCutout':
            s = with_defaults(TRANSFORMS, step)
            out.append(dict(type='CoarseDropout', p=s['p'], num_holes=s['num_holes'],
                            height=s['height_range'], width=s['width_range'],
                            fill=float(s['fill'])))
        elif kind == 'LoadImage' and (step.get('backend_args') or {}).get('backend') == 'petrel':
            out.append(with_defaults(TRANSFORMS, dict(step, backend_args=dict(backend='local'))))
        elif kind == 'GenerateTarget':
            s = with_defaults(TRANSFORMS, step)
            s['encoder'] = canon_codec(s['encoder'])
            out.append(s)
        else:
            out.append(with_defaults(TRANSFORMS, step))
    return out


def joined(root, path):
    return osp.normpath(osp.join(root or '', path)) if path else path


def canon_dataset(cfg, root=None, top=True):
    cfg = plain(cfg)
    kind = cfg['type']
    if kind == 'CombinedDataset':
        return dict(type=kind, metainfo=cfg.get('metainfo'),
                    datasets=[canon_dataset(d, top=False) for d in cfg['datasets']])
    if kind == 'RepeatDataset':
        return dict(type=kind, times=cfg['times'], dataset=canon_dataset(cfg['dataset'], top=top))
    root = cfg.get('data_root', root)
    image_dir = joined(root, (cfg.get('data_prefix') or {}).get('img', ''))
    # BaseCocoStyleDataset's default data_mode
    return dict(type=kind, data_mode=cfg.get('data_mode', 'topdown'),
                metainfo=cfg.get('metainfo'),
                ann_file=MEANT_PATHS.get(*[joined(root, cfg.get('ann_file'))] * 2),
                sample_interval=cfg.get('sample_interval'),
                camera_param_file=joined(root, cfg.get('camera_param_file')),
                joint_file=joined(root, cfg.get('joint_file')),
                bbox_file=cfg.get('bbox_file'), test_mode=cfg.get('test_mode', False),
                filter_cfg=cfg.get('filter_cfg'),
                # ALLOWED['image folders']: only the image folder itself
                image_folder=ROOT_FOLDERS.get(osp.basename(image_dir.rstrip('/')),
                                              osp.basename(image_dir.rstrip('/'))),
                # a top-level dataset's pipeline is the stage's, compared on its own
                converters=None if top else canon_pipeline(cfg.get('pipeline')))


def canon_loader(cfg):
    cfg = plain(cfg)
    return dict(batch_size=cfg['batch_size'], sampler=cfg['sampler'],
                drop_last=cfg.get('drop_last', False), dataset=canon_dataset(cfg['dataset']))


def canon_evaluator(cfg):
    cfg = plain(cfg)
    evaluators = cfg if isinstance(cfg, list) else [cfg]
    return [dict(e, ann_file=joined(None, e['ann_file'])) if e.get('ann_file') else e
            for e in evaluators]


def stage_pipelines(cfg):
    """(stage-1 pipeline, stage-2 pipeline, switch epoch, EMA hook, other hooks)."""
    hooks = plain(cfg.get('custom_hooks', []))
    by_type = {h['type'].split('.')[-1]: h for h in hooks}
    switch = by_type.get('PipelineSwitchHook')
    ema = by_type.get('EMAHook')
    others = sorted(t for t in by_type
                    if t not in ('PipelineSwitchHook', 'EMAHook', 'SyncBuffersHook'))
    return (cfg.train_dataloader.dataset.get('pipeline'),
            switch and switch['switch_pipeline'], switch and switch['switch_epoch'], ema, others)


def canonical(cfg: Config) -> dict:
    """The recipe of a loaded config, one canonical field per entry."""
    stage1, stage2, switch_epoch, ema, hooks = stage_pipelines(cfg)
    optim = plain(cfg.optim_wrapper)
    optim.setdefault('clip_grad', None)
    checkpoint = plain(cfg.default_hooks.get('checkpoint', {}))
    return {
        'optimizer': optim,
        'param_scheduler': plain(cfg.param_scheduler),
        'train_cfg': plain(cfg.train_cfg),
        'auto_scale_lr': plain(cfg.get('auto_scale_lr')),
        # what mmengine's Runner.from_cfg does without one
        'randomness': plain(cfg.get('randomness', dict(seed=None))),
        'ema': ema,
        'switch_epoch': switch_epoch,
        'other_custom_hooks': hooks,
        'stage1_pipeline': canon_pipeline(stage1),
        'stage2_pipeline': canon_pipeline(stage2),
        'val_pipeline': canon_pipeline(cfg.val_dataloader.dataset.get('pipeline')),
        'codec': canon_codec(cfg.get('codec')),
        'model': canon_model(cfg.model),
        'train_dataloader': canon_loader(cfg.train_dataloader),
        'val_dataloader': canon_loader(cfg.val_dataloader),
        'test_dataloader': canon_loader(cfg.test_dataloader),
        'val_evaluator': canon_evaluator(cfg.val_evaluator),
        'test_evaluator': canon_evaluator(cfg.test_evaluator),
        'checkpoint_hook': dict(save_best=checkpoint.get('save_best'),
                                rule=checkpoint.get('rule'),
                                interval=checkpoint.get('interval')),
    }


def differences(ours, theirs, path=''):
    """Every leaf where two canonical forms differ, as 'path: ours != mmpose's'."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        out = []
        for key in sorted(set(ours) | set(theirs), key=str):
            out += differences(ours.get(key, '<absent>'), theirs.get(key, '<absent>'),
                               f'{path}.{key}' if path else str(key))
        return out
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        out = []
        for i, (a, b) in enumerate(zip(ours, theirs)):
            out += differences(a, b, f'{path}[{i}]')
        return out
    if ours == theirs or (isinstance(ours, float) and isinstance(theirs, (int, float))
                          and abs(ours - theirs) <= 1e-12 * max(1, abs(theirs))):
        return []
    return [f'{path}: ours {ours!r} != mmpose {theirs!r}']


# ---------------------------------------------------------------- tests

def test_every_config_with_an_mmpose_twin_is_compared():
    ours = {osp.relpath(p, osp.join(ROOT, 'configs'))
            for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'), recursive=True)}
    assert len(TWIN_CONFIGS) >= 19
    # the configs without a twin are ours only: the 4-image sample, RTMDet, deploy configs,
    # and rtmpose-x on AIC+COCO (mmpose ships rtmpose-x for Body8 only)
    lonely = {r for r in ours - set(TWIN_CONFIGS)
              if not r.startswith(('_base_', 'deploy', 'rtmdet'))}
    assert lonely == {'body_2d_keypoint/rtmpose/coco/rtmpose-t_1xb4-120e_coco-sample-256x192.py',
                      'body_2d_keypoint/rtmpose/coco/rtmpose-x_8xb256-420e_aic-coco-384x288.py'}


@pytest.mark.parametrize('rel', TWIN_CONFIGS)
def test_config_equals_mmpose(rel):
    init_default_scope('mmpose')
    import rtmpose_plugin.register  # noqa: F401
    ours = canonical(Config.fromfile(osp.join(ROOT, 'configs', rel)))
    theirs = canonical(Config.fromfile(osp.join(mmpose_config_root(), rel)))
    diff = differences(ours, theirs)
    assert not diff, f'{len(diff)} differences from mmpose\'s {rel}:\n' + '\n'.join(diff)


def test_the_comparison_sees_a_changed_field():
    """The canonical form is not blind: one changed value anywhere is a difference."""
    init_default_scope('mmpose')
    import rtmpose_plugin.register  # noqa: F401
    rel = 'body_2d_keypoint/rtmpose/coco/rtmpose-t_8xb256-420e_coco-256x192.py'
    base = canonical(Config.fromfile(osp.join(ROOT, 'configs', rel)))
    for change in [
        dict(optim_wrapper=dict(clip_grad=dict(max_norm=35, norm_type=2))),
        dict(auto_scale_lr=dict(base_batch_size=512)),
        dict(model=dict(head=dict(s=64))),
    ]:
        cfg = Config.fromfile(osp.join(ROOT, 'configs', rel))
        cfg.merge_from_dict(change)
        assert differences(canonical(cfg), base), change
    cfg = Config.fromfile(osp.join(ROOT, 'configs', rel))
    cfg.custom_hooks[-1].switch_pipeline[-3].p = 0.4  # stage 2 Cutout probability
    diff = differences(canonical(cfg), base)
    assert diff == ['stage2_pipeline[9].p: ours 0.4 != mmpose 0.5'], diff
