# RTMDet-nano person detector (one class) at 320x320: depthwise CSPNeXt,
# width 0.25, depth 0.33; the smallest detector of the RTMPose pipeline.
_base_ = 'mmdet::rtmdet/rtmdet_tiny_8xb32-300e_coco.py'
custom_imports = dict(imports=['rtmpose_plugin'], allow_failed_imports=False)

input_shape = 320
metainfo = dict(classes=('person', ))
model = dict(
    backbone=dict(deepen_factor=0.33, widen_factor=0.25, use_depthwise=True, init_cfg=None),
    neck=dict(in_channels=[64, 128, 256], out_channels=64, num_csp_blocks=1, use_depthwise=True),
    bbox_head=dict(in_channels=64, feat_channels=64, share_conv=False, exp_on_reg=False,
                   use_depthwise=True, num_classes=1),
    test_cfg=dict(nms_pre=1000, min_bbox_size=0, score_thr=0.05,
                  nms=dict(type='nms', iou_threshold=0.6), max_per_img=100))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='CachedMosaic', img_scale=(input_shape, input_shape), pad_val=114.0,
         max_cached_images=20, random_pop=False),
    dict(type='RandomResize', scale=(input_shape * 2, input_shape * 2), ratio_range=(0.5, 1.5),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=(input_shape, input_shape)),
    dict(type='YOLOXHSVRandomAug'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='Pad', size=(input_shape, input_shape), pad_val=dict(img=(114, 114, 114))),
    dict(type='PackDetInputs'),
]
train_pipeline_stage2 = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='RandomResize', scale=(input_shape, input_shape), ratio_range=(0.5, 1.5),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=(input_shape, input_shape)),
    dict(type='YOLOXHSVRandomAug'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='Pad', size=(input_shape, input_shape), pad_val=dict(img=(114, 114, 114))),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(input_shape, input_shape), keep_ratio=True),
    dict(type='Pad', size=(input_shape, input_shape), pad_val=dict(img=(114, 114, 114))),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]
train_dataloader = dict(dataset=dict(metainfo=metainfo, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(metainfo=metainfo, pipeline=test_pipeline))
test_dataloader = val_dataloader
custom_hooks = [
    dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.0002, update_buffers=True,
         priority=49),
    dict(type='PipelineSwitchHook', switch_epoch=_base_.max_epochs - _base_.stage2_num_epochs,
         switch_pipeline=train_pipeline_stage2),
]
load_from = ('https://download.openmmlab.com/mmpose/v1/projects/rtmpose/'
             'rtmdet_nano_8xb32-100e_coco-obj365-person-05d8511e.pth')
