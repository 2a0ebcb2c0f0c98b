# Body8 Halpe-26 at 384x288: codec, head, pipelines and the stage switch for that size.
_base_ = ['./body8-halpe26.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

input_size = (288, 384)
codec = recipe.codec(input_size)
(model, train_pipeline, train_pipeline_stage2, custom_hooks, val_pipeline, train_dataloader,
 val_dataloader) = recipe.at_size(codec, _base_.stage1_aug, _base_.stage2_aug,
                                  _base_.switch_epoch, _base_.ema, **_base_.common_aug)
test_dataloader = val_dataloader
