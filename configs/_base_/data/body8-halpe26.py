# RTMPose on Body8 with Halpe's 26 keypoints (body and feet), 256x192: the Body8
# mixture mapped to Halpe-26 (COCO-WholeBody for COCO, for its feet), fine-tuned
# from the Body8 models for 700 epochs (30 in stage 2) with gradient clipping and no
# HSV jitter; val and test on all eight datasets with PCK and AUC.
_base_ = ['./body8.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402
from rtmpose_plugin.core import keypoint_maps as maps  # noqa: E402

num_keypoints = 26
max_epochs = 700
stage2_num_epochs = 30
switch_epoch = max_epochs - stage2_num_epochs
train_batch_size = 512
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = recipe.schedule(_base_.base_lr, max_epochs)
optim_wrapper = dict(clip_grad=dict(max_norm=35, norm_type=2))
model = dict(head=dict(out_channels=num_keypoints))
# the t and s configs: COCO's strength in both stages
small_stage1_aug = dict(_base_.small_stage1_aug)
small_stage2_aug = dict(small_stage1_aug, shift_factor=0., cutout_p=0.5, photometric=False)
# both stages of every size: no HSV jitter, targets weighted by the dataset's weights
common_aug = dict(hsv=False, keypoint_weights=True)
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    _base_.codec, _base_.stage1_aug, _base_.stage2_aug, switch_epoch, _base_.ema, **common_aug)

to_halpe26 = {
    'CocoWholeBodyDataset': maps.COCO_WHOLEBODY_TO_HALPE26, 'AicDataset': maps.AIC_TO_HALPE26,
    'CrowdPoseDataset': maps.CROWDPOSE_TO_HALPE26, 'MpiiDataset': maps.MPII_TO_HALPE26,
    'JhmdbDataset': maps.JHMDB_TO_HALPE26, 'HalpeDataset': maps.identity(26),
    'OCHumanDataset': maps.identity(17), 'PoseTrack18Dataset': maps.POSETRACK_TO_HALPE26}
coco_wholebody = {'coco/annotations/person_keypoints_train2017.json':
                  'coco/annotations/coco_wholebody_train_v1.0.json',
                  'coco/annotations/person_keypoints_val2017.json':
                  'coco/annotations/coco_wholebody_val_v1.0.json'}
train_sets = [('CocoWholeBodyDataset' if kind == 'CocoDataset' else kind,
               coco_wholebody.get(ann, ann), img) for kind, ann, img, _ in _base_.train_sets]
test_sets = [('CocoWholeBodyDataset' if kind == 'CocoDataset' else kind,
              coco_wholebody.get(ann, ann), img) for kind, ann, img, _ in _base_.test_sets]
metainfo = dict(from_file='configs/_base_/datasets/halpe26.py')
train_dataloader = dict(
    batch_size=train_batch_size, pin_memory=True,
    dataset=dict(metainfo=metainfo, pipeline=train_pipeline, datasets=[
        recipe.dataset(*d, mapping=to_halpe26[d[0]], num_keypoints=num_keypoints)
        for d in train_sets]))
val_dataloader = dict(
    _delete_=True, **_base_.eval_loader,
    dataset=dict(type='CombinedDataset', metainfo=metainfo, test_mode=True,
                 pipeline=_base_.val_pipeline, datasets=[
                     recipe.dataset(*d, mapping=to_halpe26[d[0]], num_keypoints=num_keypoints)
                     for d in test_sets]))
test_dataloader = val_dataloader
test_evaluator = [dict(type='PCKAccuracy', thr=0.1), dict(type='AUC')]
val_evaluator = test_evaluator
default_hooks = dict(checkpoint=dict(save_best='AUC'))
