# RTMW on Cocktail14 at 384x288, batch 320: codec (decoding visibility too, as
# mmpose's 384x288 RTMW configs do), head, pipelines and the stage switch for that size.
_base_ = ['./cocktail14.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

input_size = (288, 384)
train_batch_size = 320
codec = recipe.codec(input_size, decode_visibility=True)
(model, train_pipeline, train_pipeline_stage2, custom_hooks, val_pipeline, train_dataloader,
 val_dataloader) = recipe.at_size(codec, _base_.stage1_aug, _base_.stage2_aug,
                                  _base_.switch_epoch, _base_.ema, batch_size=train_batch_size,
                                  **_base_.common_aug)
test_dataloader = val_dataloader
auto_scale_lr = dict(base_batch_size=2560)
