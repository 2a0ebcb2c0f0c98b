# RTMPose on a face landmark dataset, 256x256 (WFLW here; COCO-WholeBody-Face and
# LaPa inherit): 60 epochs, 10 in stage 2, no half-body crops, validated every epoch
# with NME normalised by the keypoint distance.
_base_ = ['./square-256x256.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

max_epochs = 60
stage2_num_epochs = 10
switch_epoch = max_epochs - stage2_num_epochs
auto_scale_lr = dict(base_batch_size=512)
train_cfg = dict(max_epochs=max_epochs, val_interval=1)
param_scheduler = recipe.schedule(_base_.base_lr, max_epochs)
model = dict(head=dict(out_channels=98))
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    _base_.codec, _base_.stage1_aug, _base_.stage2_aug, switch_epoch, _base_.ema,
    half_body=False)
dataset_type = 'WFLWDataset'
data_root = 'data/wflw/'
loader = dict(num_workers=10, persistent_workers=True)
train_dataloader = dict(
    batch_size=_base_.train_batch_size, **loader,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, data_mode=_base_.data_mode,
                 ann_file='annotations/face_landmarks_wflw_train.json',
                 data_prefix=dict(img='images/'), pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=_base_.val_batch_size, **loader, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(type=dataset_type, data_root=data_root, data_mode=_base_.data_mode,
                 ann_file='annotations/face_landmarks_wflw_test.json',
                 data_prefix=dict(img='images/'), test_mode=True,
                 pipeline=_base_.val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='NME', norm_mode='keypoint_distance')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='NME', rule='less', interval=1))
