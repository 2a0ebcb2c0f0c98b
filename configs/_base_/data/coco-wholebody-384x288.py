# COCO-WholeBody at 384x288, batch 32: codec, head, pipelines and stage switch for that size.
_base_ = ['./coco-wholebody.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

input_size = (288, 384)
codec = recipe.codec(input_size)
model = dict(head=recipe.head_geometry(codec))
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    codec, _base_.stage1_aug, _base_.stage2_aug, _base_.max_epochs - _base_.stage2_num_epochs,
    _base_.ema)
val_pipeline = recipe.val_pipeline(codec)
train_dataloader = dict(batch_size=32, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
