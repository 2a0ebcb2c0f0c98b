# RTMPose on MPII (16 keypoints), 256x256; PCKh@0.5 with the head boxes.
_base_ = ['./square-256x256.py']

model = dict(head=dict(out_channels=16))
randomness = dict(seed=None)  # mmpose's MPII config sets no seed
dataset_type = 'MpiiDataset'
data_root = 'data/mpii/'
train_dataloader = dict(
    batch_size=_base_.train_batch_size, num_workers=10, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, data_mode=_base_.data_mode,
                 ann_file='annotations/mpii_train.json', data_prefix=dict(img='images/'),
                 pipeline=_base_.train_pipeline))
val_dataloader = dict(
    batch_size=_base_.val_batch_size, num_workers=10, persistent_workers=True, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(type=dataset_type, data_root=data_root, data_mode=_base_.data_mode,
                 ann_file='annotations/mpii_val.json',
                 headbox_file=data_root + 'annotations/mpii_gt_val.mat',
                 data_prefix=dict(img='images/'), test_mode=True,
                 pipeline=_base_.val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='MpiiPCKAccuracy')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='PCK'))
