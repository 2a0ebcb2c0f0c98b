# RTMW on Cocktail14 at 384x288, batch 320: codec (decoding visibility too, as
# mmpose's 384x288 RTMW configs do), head, pipelines and the stage switch for that size.
_base_ = ['./cocktail14.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

input_size = (288, 384)
codec = recipe.codec(input_size, decode_visibility=True)
model = dict(head=recipe.head_geometry(codec))
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    codec, _base_.stage1_aug, _base_.stage2_aug, _base_.switch_epoch, _base_.ema,
    **_base_.common_aug)
val_pipeline = recipe.val_pipeline(codec)
train_batch_size = 320
auto_scale_lr = dict(base_batch_size=2560)
train_dataloader = dict(batch_size=train_batch_size, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
