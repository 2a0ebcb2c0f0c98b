# RTMPose on CrowdPose (14 keypoints), 256x192: 210 epochs, lr 5e-4 (the official
# config's), val batch 32, auto-LR base batch 512; AP easy / medium / hard by crowd index.
_base_ = ['../rtmpose_recipe.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

max_epochs = 210
base_lr = 5e-4
train_batch_size = 64
val_batch_size = 32
auto_scale_lr = dict(base_batch_size=512)
train_cfg = dict(max_epochs=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=base_lr))
param_scheduler = recipe.schedule(base_lr, max_epochs)
custom_hooks = recipe.custom_hooks(max_epochs - _base_.stage2_num_epochs,
                                   _base_.train_pipeline_stage2, _base_.ema)
model = dict(head=dict(out_channels=14))

dataset_type = 'CrowdPoseDataset'
data_root = 'data/crowdpose/'
train_dataloader = dict(
    batch_size=train_batch_size, num_workers=10, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, data_mode=_base_.data_mode,
                 ann_file='annotations/mmpose_crowdpose_trainval.json',
                 data_prefix=dict(img='images/'), pipeline=_base_.train_pipeline))
val_dataloader = dict(
    batch_size=val_batch_size, num_workers=10, persistent_workers=True, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(type=dataset_type, data_root=data_root, data_mode=_base_.data_mode,
                 ann_file='annotations/mmpose_crowdpose_test.json',
                 bbox_file=data_root + 'annotations/det_for_crowd_test_0.1_0.5.json',
                 data_prefix=dict(img='images/'), test_mode=True,
                 pipeline=_base_.val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='CocoMetric', ann_file=data_root + 'annotations/mmpose_crowdpose_test.json',
                     use_area=False, iou_type='keypoints_crowd', prefix='crowdpose')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='crowdpose/AP'))
