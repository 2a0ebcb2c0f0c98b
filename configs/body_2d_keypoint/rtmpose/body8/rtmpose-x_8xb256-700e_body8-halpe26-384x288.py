_base_ = ['../../../_base_/data/body8-halpe26-384x288.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('x', pretrained='https://download.openmmlab.com/mmpose/v1/projects/'
                    'rtmposev1/cspnext-x_udp-body7_210e-384x288-d28b58e6_20230529.pth')
stage2_num_epochs = 20
train_batch_size = 256
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    _base_.codec, _base_.stage1_aug, _base_.stage2_aug, _base_.max_epochs - stage2_num_epochs,
    _base_.ema, **_base_.common_aug)
train_dataloader = dict(batch_size=train_batch_size, dataset=dict(pipeline=train_pipeline))
