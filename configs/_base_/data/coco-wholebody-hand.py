# RTMPose on COCO-WholeBody's hands (21 keypoints), 256x256: hands rotate freely
# (180 degrees in both stages), no half-body crops; PCK@0.2, AUC, EPE.
_base_ = ['./square-256x256.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

train_batch_size = 32
auto_scale_lr = dict(base_batch_size=256)
model = dict(head=dict(out_channels=21))
stage1_aug = dict(_base_.stage1_aug, scale_factor=(0.5, 1.5), rotate_factor=180)
stage2_aug = dict(_base_.stage2_aug, rotate_factor=180)
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    _base_.codec, stage1_aug, stage2_aug, _base_.max_epochs - _base_.stage2_num_epochs,
    _base_.ema, half_body=False, flip_last=True)
dataset_type = 'CocoWholeBodyHandDataset'
data_root = 'data/coco/'
loader = dict(num_workers=10, persistent_workers=True)
train_dataloader = dict(
    batch_size=train_batch_size, **loader, sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, data_mode=_base_.data_mode,
                 ann_file='annotations/coco_wholebody_train_v1.0.json',
                 data_prefix=dict(img='train2017/'), pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=_base_.val_batch_size, **loader, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(type=dataset_type, data_root=data_root, data_mode=_base_.data_mode,
                 ann_file='annotations/coco_wholebody_val_v1.0.json',
                 data_prefix=dict(img='val2017/'), test_mode=True,
                 pipeline=_base_.val_pipeline))
test_dataloader = val_dataloader
val_evaluator = [dict(type='PCKAccuracy', thr=0.2), dict(type='AUC'), dict(type='EPE')]
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='AUC'))
