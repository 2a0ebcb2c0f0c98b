_base_ = ['../../../_base_/data/body8-halpe26.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('m', pretrained='https://download.openmmlab.com/mmpose/v1/projects/'
                    'rtmposev1/rtmpose-m_simcc-body7_pt-body7_420e-256x192-e48f03d0_20230504.pth')
# mmpose's m 256x192 config alone trains without the per-keypoint weights
train_pipeline, train_pipeline_stage2, custom_hooks = recipe.stages(
    _base_.codec, _base_.stage1_aug, _base_.stage2_aug, _base_.switch_epoch, _base_.ema,
    **dict(_base_.common_aug, keypoint_weights=False))
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
