_base_ = ['../../../_base_/data/face6.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('s', pretrained='imagenet')
# mmpose's s recipe: no weight decay, the recipe's stage 2
optim_wrapper = dict(optimizer=dict(weight_decay=0.))
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    _base_.codec, _base_.stage1_aug, _base_.small_stage2_aug, _base_.switch_epoch, _base_.ema,
    **_base_.common_aug)
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
