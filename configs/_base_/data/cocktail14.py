# RTMW on Cocktail14 (COCO-WholeBody's 133 keypoints), 256x192: fourteen datasets
# mapped to COCO-WholeBody (whole-body: COCO-WholeBody, Halpe, UBody; body: AIC,
# CrowdPose, MPII, JHMDB, PoseTrack18, Human-Art; face: WFLW, 300W, COFW, LaPa; hand:
# InterHand2.6M), faces and hands seen in enlarged boxes. The RTMW model: CSPNeXt with
# BN, a CSPNeXtPAFPN neck over the last two scales, the RTMW head, the KL loss at
# beta 1 with the face at half weight. 270 epochs, lr 5e-4, weight decay 0.1, gradient
# clipping; stage 1 with photometric distortion (no HSV), stage 2 (last 10 epochs)
# without it and without cutout. Val and test as COCO-WholeBody.
_base_ = ['./coco-wholebody.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402
from rtmpose_plugin.core import keypoint_maps as maps  # noqa: E402

num_keypoints = 133
data_root = 'data/'  # the mixture's root (COCO-WholeBody's val and test under data/coco/)
base_lr = 5e-4
stage2_num_epochs = 10
switch_epoch = _base_.max_epochs - stage2_num_epochs
train_batch_size = 1024
optim_wrapper = dict(optimizer=dict(lr=base_lr, weight_decay=0.1),
                     clip_grad=dict(max_norm=35, norm_type=2))
param_scheduler = recipe.schedule(base_lr, _base_.max_epochs)
auto_scale_lr = dict(base_batch_size=8192)

stage1_aug = dict(shift_factor=0.16, scale_factor=(0.5, 1.5), rotate_factor=90, cutout_p=0.5,
                  photometric=True)
stage2_aug = dict(shift_factor=0., scale_factor=(0.5, 1.5), rotate_factor=90, cutout_p=None)
common_aug = dict(hsv=False, keypoint_weights=True)
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    _base_.codec, stage1_aug, stage2_aug, switch_epoch, _base_.ema, **common_aug)

model = dict(
    backbone=dict(
        _delete_=True,
        type='CSPNeXt',
        arch='P5',
        expand_ratio=0.5,
        deepen_factor=1.,
        widen_factor=1.,
        channel_attention=True,
        norm_cfg=dict(type='BN'),
        act_cfg=dict(type='SiLU'),
        init_cfg=dict(type='Pretrained', prefix='backbone.', checkpoint=None)),
    neck=dict(
        type='CSPNeXtPAFPN',
        in_channels=[256, 512, 1024],
        out_channels=None,
        out_indices=(1, 2),
        num_csp_blocks=2,
        expand_ratio=0.5,
        norm_cfg=dict(type='SyncBN'),
        act_cfg=dict(type='SiLU', inplace=True)),
    head=dict(
        type='RTMWSimCCHead',
        loss=dict(type='KLDiscreteLoss', use_target_weight=True, beta=1., label_softmax=True,
                  label_beta=10., mask=list(range(23, 91)), mask_weight=0.5)))

# (dataset, annotations, images, its keypoints -> COCO-WholeBody's, more arguments)
# under data/
wholebody_metainfo = dict(from_file='configs/_base_/datasets/coco_wholebody.py')
ubody = dict(
    type='CombinedDataset', metainfo=dict(from_file='configs/_base_/datasets/ubody2d.py'),
    test_mode=False, pipeline=[],
    datasets=recipe.ubody('Ubody/annotations', 'UBody/images/'))
face_crop = recipe.part_crop()
hand_crop = recipe.part_crop()
groups = dict(
    wholebody=[
        ('CocoWholeBodyDataset', 'coco/annotations/coco_wholebody_train_v1.0.json',
         'coco/train2017/', None),
        ('HalpeDataset', 'halpe/annotations/halpe_train_v1.json',
         'halpe/hico_20160224_det/images/train2015', maps.HALPE_TO_COCO_WHOLEBODY),
    ],
    body=[
        ('AicDataset', 'aic/annotations/aic_train.json', 'aic/keypoint_train_images_20170902/',
         maps.AIC_TO_COCO),
        ('CrowdPoseDataset', 'crowdpose/annotations/mmpose_crowdpose_trainval.json',
         'crowdpose/images/', maps.CROWDPOSE_TO_COCO),
        ('MpiiDataset', 'mpii/annotations/mpii_train.json', 'mpii/images/', maps.MPII_TO_COCO),
        ('JhmdbDataset', 'jhmdb/annotations/Sub1_train.json', 'jhmdb/', maps.JHMDB_TO_COCO),
        ('PoseTrack18Dataset', 'posetrack18/annotations/posetrack18_train.json',
         'posetrack18/', maps.POSETRACK_TO_COCO),
        ('HumanArt21Dataset', 'HumanArt/annotations/training_humanart.json', '',
         maps.HUMANART_TO_COCO_WHOLEBODY, dict(filter_cfg=dict(scenes=['real_human']))),
    ],
    face=[
        ('WFLWDataset', 'wflw/annotations/face_landmarks_wflw_train.json', 'wflw/images/',
         maps.WFLW_TO_COCO_WHOLEBODY, dict(then=face_crop)),
        ('Face300WDataset', '300w/annotations/face_landmarks_300w_train.json', '300w/images/',
         maps.FACE68_TO_COCO_WHOLEBODY, dict(then=face_crop)),
        ('COFWDataset', 'cofw/annotations/cofw_train.json', 'cofw/images/',
         maps.COFW_TO_COCO_WHOLEBODY, dict(then=face_crop)),
        ('LapaDataset', 'LaPa/annotations/lapa_trainval.json', 'LaPa/',
         maps.LAPA_TO_COCO_WHOLEBODY, dict(then=face_crop)),
    ],
    hand=[
        ('InterHand2DDoubleDataset', 'interhand26m/annotations/all/InterHand2.6M_train_data.json',
         'interhand2.6m/images/train/', maps.INTERHAND_TO_COCO_WHOLEBODY,
         dict(then=hand_crop, sample_interval=10,
              camera_param_file='interhand26m/annotations/all/InterHand2.6M_train_camera.json',
              joint_file='interhand26m/annotations/all/InterHand2.6M_train_joint_3d.json')),
    ],
)


def _group(name, extra=()):
    sets = [recipe.dataset(*d[:4], num_keypoints=num_keypoints, **(d[4] if len(d) > 4 else {}))
            for d in groups[name]]
    return dict(type='CombinedDataset', metainfo=wholebody_metainfo, test_mode=False,
                pipeline=[], datasets=sets + list(extra))


train_dataloader = dict(
    batch_size=train_batch_size,
    dataset=dict(_delete_=True, type='CombinedDataset', metainfo=wholebody_metainfo,
                 test_mode=False, pipeline=train_pipeline,
                 datasets=[_group('wholebody', [ubody]), _group('body'), _group('face'),
                           _group('hand')]))
