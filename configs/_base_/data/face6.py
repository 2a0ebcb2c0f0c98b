# RTMPose on Face6 (LaPa's 106 face keypoints), 256x256: six datasets mapped to LaPa
# (LaPa, COCO-WholeBody-Face, WFLW, 300W, COFW, Halpe's faces; two eyelid points of
# the 68-point faces are midpoints), from the ImageNet backbone. 120 epochs, batch 256,
# gradient clipping, cosine from epoch 30 down to 0.005 x lr; half-body crops and
# dataset keypoint weights in both stages, a stronger first stage (scale 0.5-1.5, blur
# 0.2). Val on LaPa's test split, test on all six (NME).
_base_ = ['./face.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402
from rtmpose_plugin.core import keypoint_maps as maps  # noqa: E402

max_epochs = 120
switch_epoch = max_epochs - _base_.stage2_num_epochs
train_batch_size = 256
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = recipe.schedule(_base_.base_lr, max_epochs, final_factor=0.005,
                                  cosine_begin=30)
optim_wrapper = dict(clip_grad=dict(max_norm=35, norm_type=2))
model = dict(head=dict(out_channels=106))

stage1_aug = dict(_base_.stage1_aug, scale_factor=(0.5, 1.5), blur_p=0.2)
stage2_aug = dict(_base_.stage2_aug, scale_factor=(0.5, 1.5), rotate_factor=80)
small_stage2_aug = _base_.stage2_aug  # the t and s configs: the recipe's stage 2
common_aug = dict(half_body=True, keypoint_weights=True)
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    _base_.codec, stage1_aug, stage2_aug, switch_epoch, _base_.ema, **common_aug)

# (dataset, annotations, images, its keypoints -> LaPa's) under data/
train_sets = [
    ('LapaDataset', 'LaPa/annotations/lapa_trainval.json', 'LaPa/', None),
    ('CocoWholeBodyFaceDataset', 'coco/annotations/coco_wholebody_train_v1.0.json',
     'coco/train2017/', maps.FACE68_TO_LAPA),
    ('WFLWDataset', 'wflw/annotations/face_landmarks_wflw_train.json', 'wflw/images/',
     maps.WFLW_TO_LAPA),
    ('Face300WDataset', '300w/annotations/face_landmarks_300w_train.json', '300w/images/',
     maps.FACE68_TO_LAPA),
    ('COFWDataset', 'cofw/annotations/cofw_train.json', 'cofw/images/', maps.COFW_TO_LAPA),
    ('HalpeDataset', 'halpe/annotations/halpe_train_133kpt.json',
     'halpe/hico_20160224_det/images/train2015/', maps.HALPE_TO_LAPA),
]
test_sets = [
    ('LapaDataset', 'LaPa/annotations/lapa_test.json', 'LaPa/', None),
    ('CocoWholeBodyFaceDataset', 'coco/annotations/coco_wholebody_val_v1.0.json',
     'coco/val2017/', maps.FACE68_TO_LAPA),
    ('WFLWDataset', 'wflw/annotations/face_landmarks_wflw_test.json', 'wflw/images/',
     maps.WFLW_TO_LAPA),
    ('Face300WDataset', '300w/annotations/face_landmarks_300w_test.json', '300w/images/',
     maps.FACE68_TO_LAPA),
    ('COFWDataset', 'cofw/annotations/cofw_test.json', 'cofw/images/', maps.COFW_TO_LAPA),
    ('HalpeDataset', 'halpe/annotations/halpe_val_v1.json', 'coco/val2017/', maps.HALPE_TO_LAPA),
]
data_root = 'data/'
metainfo = dict(from_file='configs/_base_/datasets/lapa.py')
train_dataloader = dict(
    batch_size=train_batch_size,
    dataset=dict(_delete_=True, type='CombinedDataset', metainfo=metainfo, test_mode=False,
                 pipeline=train_pipeline,
                 datasets=[recipe.dataset(*d, num_keypoints=106) for d in train_sets]))
val_dataloader = dict(dataset=dict(type='LapaDataset', data_root=data_root,
                                   ann_file='LaPa/annotations/lapa_test.json',
                                   data_prefix=dict(img='LaPa/')))
test_dataloader = dict(
    dataset=dict(_delete_=True, type='CombinedDataset', metainfo=metainfo, test_mode=True,
                 pipeline=_base_.val_pipeline,
                 datasets=[recipe.dataset(*d, num_keypoints=106) for d in test_sets]))
