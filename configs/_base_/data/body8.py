# RTMPose on Body8 (COCO's 17 keypoints), 256x192: trained on seven datasets (COCO,
# AIC, CrowdPose, MPII, JHMDB, Halpe, PoseTrack18) mapped to COCO's keypoints, from
# the Body7 UDP backbone; val on COCO with the person detector's boxes, test on all
# eight (OCHuman too) with PCK, AUC and EPE. Stronger augmentation than COCO's
# (scale 0.5-1.5, rotation 90, photometric distortion in stage 1; the t and s
# configs keep COCO's), 20 epochs in stage 2.
_base_ = ['../rtmpose_recipe.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402
from rtmpose_plugin.core import keypoint_maps as maps  # noqa: E402

stage2_num_epochs = 20
switch_epoch = _base_.max_epochs - stage2_num_epochs
stage1_aug = dict(shift_factor=0.16, scale_factor=(0.5, 1.5), rotate_factor=90, cutout_p=1.0,
                  photometric=True)
stage2_aug = dict(shift_factor=0., scale_factor=(0.5, 1.5), rotate_factor=90, cutout_p=0.5)
# the t and s configs: COCO's strengths, photometric distortion kept
small_stage1_aug = dict(_base_.stage1_aug, photometric=True)
small_stage2_aug = _base_.stage2_aug
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    _base_.codec, stage1_aug, stage2_aug, switch_epoch, _base_.ema)

# (dataset, annotations, images, its keypoints -> COCO's) under data/
train_sets = [
    ('CocoDataset', 'coco/annotations/person_keypoints_train2017.json', 'coco/train2017/', None),
    ('AicDataset', 'aic/annotations/aic_train.json',
     'aic/keypoint_train_images_20170902/',
     maps.AIC_TO_COCO),
    ('CrowdPoseDataset', 'crowdpose/annotations/mmpose_crowdpose_trainval.json',
     'crowdpose/images/', maps.CROWDPOSE_TO_COCO),
    ('MpiiDataset', 'mpii/annotations/mpii_train.json', 'mpii/images/', maps.MPII_TO_COCO),
    ('JhmdbDataset', 'jhmdb/annotations/Sub1_train.json', 'jhmdb/', maps.JHMDB_TO_COCO),
    ('HalpeDataset', 'halpe/annotations/halpe_train_v1.json',
     'halpe/hico_20160224_det/images/train2015', maps.identity(17)),
    ('PoseTrack18Dataset', 'posetrack18/annotations/posetrack18_train.json', 'posetrack18/',
     maps.POSETRACK_TO_COCO),
]
test_sets = [
    ('CocoDataset', 'coco/annotations/person_keypoints_val2017.json', 'coco/val2017/', None),
    ('AicDataset', 'aic/annotations/aic_val.json',
     'aic/keypoint_validation_images_20170911/',
     maps.AIC_TO_COCO),
    ('CrowdPoseDataset', 'crowdpose/annotations/mmpose_crowdpose_test.json',
     'crowdpose/images/', maps.CROWDPOSE_TO_COCO),
    ('MpiiDataset', 'mpii/annotations/mpii_val.json', 'mpii/images/', maps.MPII_TO_COCO),
    ('JhmdbDataset', 'jhmdb/annotations/Sub1_test.json', 'jhmdb/', maps.JHMDB_TO_COCO),
    ('HalpeDataset', 'halpe/annotations/halpe_val_v1.json', 'coco/val2017/', maps.identity(17)),
    ('OCHumanDataset', 'ochuman/annotations/ochuman_coco_format_val_range_0.00_1.00.json',
     'ochuman/images/', maps.identity(17)),
    ('PoseTrack18Dataset', 'posetrack18/annotations/posetrack18_val.json', 'posetrack18/',
     maps.POSETRACK_TO_COCO),
]
data_root = 'data/'
metainfo = dict(from_file='configs/_base_/datasets/coco.py')
loader = dict(num_workers=10, persistent_workers=True)
train_dataloader = dict(
    batch_size=_base_.train_batch_size, **loader,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='CombinedDataset', metainfo=metainfo, test_mode=False,
                 datasets=[recipe.dataset(*d) for d in train_sets], pipeline=train_pipeline))
eval_loader = dict(batch_size=_base_.val_batch_size, **loader, drop_last=False,
                   sampler=dict(type='DefaultSampler', shuffle=False, round_up=False))
val_dataloader = dict(
    **eval_loader,
    dataset=dict(type='CocoDataset', data_root=data_root, data_mode=_base_.data_mode,
                 ann_file='coco/annotations/person_keypoints_val2017.json',
                 bbox_file=data_root + 'coco/person_detection_results/'
                 'COCO_val2017_detections_AP_H_56_person.json',
                 data_prefix=dict(img='coco/val2017/'), test_mode=True,
                 pipeline=_base_.val_pipeline))
test_dataloader = dict(
    **eval_loader,
    dataset=dict(type='CombinedDataset', metainfo=metainfo, test_mode=True,
                 datasets=[recipe.dataset(*d) for d in test_sets],
                 pipeline=_base_.val_pipeline))
val_evaluator = dict(type='CocoMetric',
                     ann_file=data_root + 'coco/annotations/person_keypoints_val2017.json')
test_evaluator = [dict(type='PCKAccuracy', thr=0.1), dict(type='AUC'), dict(type='EPE')]
