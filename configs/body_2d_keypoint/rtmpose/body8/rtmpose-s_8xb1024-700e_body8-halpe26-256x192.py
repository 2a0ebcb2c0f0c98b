_base_ = ['../../../_base_/data/body8-halpe26.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('s', pretrained='https://download.openmmlab.com/mmpose/v1/projects/'
                    'rtmposev1/rtmpose-s_simcc-body7_pt-body7_420e-256x192-acd4a1ef_20230504.pth')
train_batch_size = 1024
optim_wrapper = dict(optimizer=dict(weight_decay=0.))
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    _base_.codec, _base_.small_stage1_aug, _base_.small_stage2_aug, _base_.switch_epoch, _base_.ema,
    **_base_.common_aug)
train_dataloader = dict(batch_size=train_batch_size, dataset=dict(pipeline=train_pipeline))
