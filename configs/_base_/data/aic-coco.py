# RTMPose on AIC + COCO jointly, as mmpose's configs: COCO repeated 3 times (about
# 450k instances) beside AIC (about 380k), AIC keypoints mapped to COCO order, one
# shuffled sampler over both; val on COCO.
_base_ = ['./coco.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

data_root = 'data/'
coco_repeats = 3
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='CombinedDataset',
        metainfo=dict(from_file='configs/_base_/datasets/coco.py'),
        datasets=[
            dict(type='RepeatDataset', times=coco_repeats, dataset=dict(
                type='CocoDataset', data_root=data_root, data_mode=_base_.data_mode,
                ann_file='coco/annotations/person_keypoints_train2017.json',
                data_prefix=dict(img='coco/train2017/'), pipeline=[])),
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
