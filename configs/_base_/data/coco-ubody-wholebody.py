# RTMPose on COCO-WholeBody + UBody (133 keypoints), 256x192: COCO-WholeBody with
# UBody's fifteen scenes (every 10th frame), the recipe with wider scale (0.5-1.5) and
# rotation (90) in both stages; val and test as COCO-WholeBody.
_base_ = ['./coco-wholebody.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

data_root = 'data/'  # COCO-WholeBody under data/coco/, UBody under data/UBody/
stage1_aug = dict(_base_.stage1_aug, scale_factor=(0.5, 1.5), rotate_factor=90)
stage2_aug = dict(_base_.stage2_aug, scale_factor=(0.5, 1.5), rotate_factor=90)
switch_epoch = _base_.max_epochs - _base_.stage2_num_epochs
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    _base_.codec, stage1_aug, stage2_aug, switch_epoch, _base_.ema)
train_dataloader = dict(dataset=dict(
    _delete_=True, type='CombinedDataset', test_mode=False, pipeline=train_pipeline,
    metainfo=dict(from_file='configs/_base_/datasets/coco_wholebody.py'),
    datasets=[recipe.dataset('CocoWholeBodyDataset',
                             'coco/annotations/coco_wholebody_train_v1.0.json', 'coco/train2017/')]
    + recipe.ubody('UBody/annotations', 'UBody/images/')))
