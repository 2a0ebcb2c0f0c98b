# RTMPose on AP-10K animal keypoints (17), 256x256; COCO-style AP.
_base_ = ['./square-256x256.py']

dataset_type = 'AP10KDataset'
data_root = 'data/ap10k/'
auto_scale_lr = dict(base_batch_size=512)
train_dataloader = dict(
    batch_size=_base_.train_batch_size, num_workers=10, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, data_mode=_base_.data_mode,
                 ann_file='annotations/ap10k-train-split1.json', data_prefix=dict(img='data/'),
                 pipeline=_base_.train_pipeline))
val_dataloader = dict(
    batch_size=_base_.val_batch_size, num_workers=10, persistent_workers=True, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(type=dataset_type, data_root=data_root, data_mode=_base_.data_mode,
                 ann_file='annotations/ap10k-val-split1.json', data_prefix=dict(img='data/'),
                 test_mode=True, pipeline=_base_.val_pipeline))
# tested on the test split (val on the val split), as mmpose's
test_dataloader = dict(val_dataloader, dataset=dict(val_dataloader['dataset'],
                                                    ann_file='annotations/ap10k-test-split1.json'))
val_evaluator = dict(type='CocoMetric', ann_file=data_root + 'annotations/ap10k-val-split1.json')
test_evaluator = dict(type='CocoMetric', ann_file=data_root + 'annotations/ap10k-test-split1.json')
