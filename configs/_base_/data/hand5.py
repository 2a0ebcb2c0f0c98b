# RTMPose on Hand5 (21 hand keypoints), 256x256: COCO-WholeBody-Hand, OneHand10K,
# FreiHAND, RHD and Halpe's hands together, batch 256; the hand recipe with stronger
# blur in stage 2; val and test on all five.
_base_ = ['./coco-wholebody-hand.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402
from rtmpose_plugin.core import keypoint_maps as maps  # noqa: E402

train_batch_size = 256
stage2_num_epochs = 10
stage2_aug = dict(_base_.stage2_aug, blur_p=0.2)
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    _base_.codec, _base_.stage1_aug, stage2_aug, _base_.max_epochs - stage2_num_epochs,
    _base_.ema, half_body=False, flip_last=True)
# (dataset, annotations, images, its keypoints -> COCO-WholeBody-Hand's) under data/
train_sets = [
    ('CocoWholeBodyHandDataset', 'coco/annotations/coco_wholebody_train_v1.0.json',
     'coco/train2017/'),
    ('OneHand10KDataset', 'onehand10k/annotations/onehand10k_train.json', 'onehand10k/'),
    ('FreiHandDataset', 'freihand/annotations/freihand_train.json', 'freihand/'),
    ('Rhd2DDataset', 'rhd/annotations/rhd_train.json', 'rhd/', maps.RHD_TO_COCO_HAND),
    ('HalpeHandDataset', 'halpe/annotations/halpe_train_v1.json',
     'halpe/hico_20160224_det/images/train2015/'),
]
test_sets = [
    ('CocoWholeBodyHandDataset', 'coco/annotations/coco_wholebody_val_v1.0.json',
     'coco/val2017/'),
    ('OneHand10KDataset', 'onehand10k/annotations/onehand10k_test.json', 'onehand10k/'),
    ('FreiHandDataset', 'freihand/annotations/freihand_test.json', 'freihand/'),
    ('Rhd2DDataset', 'rhd/annotations/rhd_test.json', 'rhd/', maps.RHD_TO_COCO_HAND),
    ('HalpeHandDataset', 'halpe/annotations/halpe_val_v1.json', 'coco/val2017/'),
]
data_root = 'data/'
metainfo = dict(from_file='configs/_base_/datasets/coco_wholebody_hand.py')
train_dataloader = dict(
    batch_size=train_batch_size,
    dataset=dict(_delete_=True, type='CombinedDataset', metainfo=metainfo, test_mode=False,
                 datasets=[recipe.dataset(*d, num_keypoints=21) for d in train_sets], pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(_delete_=True, type='CombinedDataset', metainfo=metainfo, test_mode=True,
                 datasets=[recipe.dataset(*d, num_keypoints=21) for d in test_sets],
                 pipeline=_base_.val_pipeline))
test_dataloader = val_dataloader
