# The recipe at 256x256 (MPII, AP-10K): codec, head, pipelines and the stage
# switch derived for that size; 210 epochs, batch 64, val batch 32 (the official configs').
_base_ = ['../rtmpose_recipe.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

max_epochs = 210
train_batch_size = 64
val_batch_size = 32
input_size = (256, 256)
half_body = True
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = recipe.schedule(_base_.base_lr, max_epochs)
codec = recipe.codec(input_size)
model = dict(head=recipe.head_geometry(codec))
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    codec, _base_.stage1_aug, _base_.stage2_aug, max_epochs - _base_.stage2_num_epochs,
    _base_.ema, half_body=half_body)
val_pipeline = recipe.val_pipeline(codec)
