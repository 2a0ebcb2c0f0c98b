# RTMPose on COCO-WholeBody (133 keypoints), 256x192: 270 epochs, batch 64, val batch
# 32, auto-LR base batch 512; val and test on the person detector's boxes (AP_H 56).
_base_ = ['./coco.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

max_epochs = 270
train_batch_size = 64
val_batch_size = 32
auto_scale_lr = dict(base_batch_size=512)
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = recipe.schedule(_base_.base_lr, max_epochs)
custom_hooks = recipe.custom_hooks(max_epochs - _base_.stage2_num_epochs,
                                   _base_.train_pipeline_stage2, _base_.ema)
model = dict(head=dict(out_channels=133))

dataset_type = 'CocoWholeBodyDataset'
train_dataloader = dict(batch_size=train_batch_size,
                        dataset=dict(type=dataset_type,
                                     ann_file='annotations/coco_wholebody_train_v1.0.json'))
val_dataloader = dict(
    batch_size=val_batch_size,
    dataset=dict(type=dataset_type, ann_file='annotations/coco_wholebody_val_v1.0.json',
                 bbox_file=_base_.data_root +
                 'person_detection_results/COCO_val2017_detections_AP_H_56_person.json'))
test_dataloader = val_dataloader
val_evaluator = dict(type='CocoWholeBodyMetric',
                     ann_file=_base_.data_root + 'annotations/coco_wholebody_val_v1.0.json')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='coco-wholebody/AP'))
