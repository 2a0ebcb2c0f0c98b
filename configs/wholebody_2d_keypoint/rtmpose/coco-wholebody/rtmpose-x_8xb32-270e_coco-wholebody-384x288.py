_base_ = ['../../../_base_/data/coco-wholebody-384x288.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('x')

# mmpose's rtmpose-x whole-body recipe differs from the other sizes': gradient clipping,
# and wider scale and rotation in both stages
optim_wrapper = dict(clip_grad=dict(max_norm=35, norm_type=2))
stage1_aug = dict(_base_.stage1_aug, scale_factor=(0.5, 1.5), rotate_factor=90)
stage2_aug = dict(_base_.stage2_aug, scale_factor=(0.5, 1.5), rotate_factor=90)
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    _base_.codec, stage1_aug, stage2_aug, _base_.max_epochs - _base_.stage2_num_epochs,
    _base_.ema)
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
