# RTMPose on AIC + COCO jointly: AIC keypoints mapped to COCO order, batches
# drawn half from each set (MultiSourceSampler); val on COCO.
_base_ = ['./coco.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

data_root = 'data/'
train_dataloader = dict(
    sampler=dict(_delete_=True, type='MultiSourceSampler', batch_size=_base_.train_batch_size,
                 source_ratio=[1, 1], shuffle=True),
    dataset=dict(
        _delete_=True,
        type='CombinedDataset',
        metainfo=dict(from_file='configs/_base_/datasets/coco.py'),
        datasets=[
            dict(type='CocoDataset', data_root=data_root, data_mode=_base_.data_mode,
                 ann_file='coco/annotations/person_keypoints_train2017.json',
                 data_prefix=dict(img='coco/train2017/'), pipeline=[]),
            dict(type='AicDataset', data_root=data_root, data_mode=_base_.data_mode,
                 ann_file='aic/annotations/aic_train.json',
                 data_prefix=dict(img='aic/keypoint_train_images_20170902/'),
                 pipeline=[dict(type='KeypointConverter', num_keypoints=17,
                                mapping=recipe.AIC_TO_COCO)]),
        ],
        pipeline=_base_.train_pipeline,
        test_mode=False))
val_dataloader = dict(dataset=dict(data_root=data_root,
                                   ann_file='coco/annotations/person_keypoints_val2017.json',
                                   data_prefix=dict(img='coco/val2017/')))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'coco/annotations/person_keypoints_val2017.json')
test_evaluator = val_evaluator
