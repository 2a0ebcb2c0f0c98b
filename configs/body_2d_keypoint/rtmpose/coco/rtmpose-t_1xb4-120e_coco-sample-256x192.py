# Smoke recipe: RTMPose-t on the 4 COCO sample images (../shared/data/coco), from
# scratch (no download), flip augmentation only and a short schedule: it learns
# them (COCO AP 1.0 with flip test) in about a minute on 2 CPU cores. Used by the
# tests and `make demo`; the rest of the recipe (SyncBN, the stage switch, the
# schedule's shape) is inherited.
_base_ = ['../../../_base_/data/coco.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

max_epochs = 120
base_lr = 1e-3  # 2e-3 and above learn these 12 people far more slowly from scratch
data_root = '../shared/data/coco/'

model = recipe.size('t')
model['backbone']['init_cfg'] = None
train_cfg = dict(max_epochs=max_epochs, val_interval=20)
# seeded: the demo's and the tests' model is the same from run to run
randomness = dict(seed=0)
optim_wrapper = dict(optimizer=dict(lr=base_lr, weight_decay=0.))
param_scheduler = recipe.schedule(base_lr, max_epochs, warmup_iters=10)
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='TopdownAffine', input_size=_base_.codec['input_size']),
    dict(type='GenerateTarget', encoder=_base_.codec),
    dict(type='PackPoseInputs'),
]
custom_hooks = recipe.custom_hooks(max_epochs - 1, train_pipeline, ema=None)

train_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False,
    dataset=dict(data_root=data_root, ann_file='test_coco.json', data_prefix=dict(img=''),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False,
    dataset=dict(data_root=data_root, ann_file='test_coco.json', data_prefix=dict(img='')))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'test_coco.json')
test_evaluator = val_evaluator
default_hooks = dict(logger=dict(interval=10),
                     checkpoint=dict(interval=20, save_best='coco/AP', max_keep_ckpts=2))
