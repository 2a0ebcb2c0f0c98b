# Stage one of the RTMPose recipe: CSPNeXt pre-trained as a UDP heatmap model on
# AIC + COCO (19 keypoints: COCO's 17 plus AIC's head top and neck), from the
# ImageNet backbone; 210 epochs, the same schedule and augmentation. Evaluated on
# COCO's 17. Its backbone is what the RTMPose configs start from.
_base_ = ['./data/aic-coco.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

max_epochs = 210
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = recipe.schedule(_base_.base_lr, max_epochs)

udp_codec = dict(type='UDPHeatmap', input_size=(192, 256), heatmap_size=(48, 64), sigma=2)
codec = dict(_delete_=True, **udp_codec)  # not merged with the base's SimCC codec
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    udp_codec, _base_.stage1_aug, _base_.stage2_aug, max_epochs - _base_.stage2_num_epochs,
    _base_.ema, use_udp=True)
val_pipeline = recipe.val_pipeline(udp_codec, use_udp=True)

coco_keypoints = [(i, i) for i in range(17)]
aic_keypoints = recipe.AIC_TO_COCO + [(12, 17), (13, 18)]
model = dict(
    head=dict(_delete_=True, type='HeatmapHead', out_channels=19,
              loss=dict(type='KeypointMSELoss', use_target_weight=True), decoder=udp_codec),
    test_cfg=dict(_delete_=True, flip_test=False,
                  output_keypoint_indices=[j for _, j in coco_keypoints]))

train_dataloader = dict(dataset=dict(
    metainfo=dict(from_file='configs/_base_/datasets/coco_aic.py'),
    datasets=[
        dict(type='RepeatDataset', times=_base_.coco_repeats, dataset=dict(
            type='CocoDataset', data_root=_base_.data_root, data_mode=_base_.data_mode,
            ann_file='coco/annotations/person_keypoints_train2017.json',
            data_prefix=dict(img='coco/train2017/'),
            pipeline=[dict(type='KeypointConverter', num_keypoints=19,
                           mapping=coco_keypoints)])),
        dict(type='AicDataset', data_root=_base_.data_root, data_mode=_base_.data_mode,
             ann_file='aic/annotations/aic_train.json',
             data_prefix=dict(img='aic/keypoint_train_images_20170902/'),
             pipeline=[dict(type='KeypointConverter', num_keypoints=19,
                            mapping=aic_keypoints)]),
    ],
    pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
