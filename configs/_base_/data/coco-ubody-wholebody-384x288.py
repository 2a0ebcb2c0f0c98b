# COCO-WholeBody + UBody at 384x288, batch 32: codec, head, pipelines and the stage
# switch for that size.
_base_ = ['./coco-ubody-wholebody.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

input_size = (288, 384)
codec = recipe.codec(input_size)
(model, train_pipeline, train_pipeline_stage2, custom_hooks, val_pipeline, train_dataloader,
 val_dataloader) = recipe.at_size(codec, _base_.stage1_aug, _base_.stage2_aug,
                                  _base_.switch_epoch, _base_.ema, batch_size=32)
test_dataloader = val_dataloader
