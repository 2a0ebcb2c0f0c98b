_base_ = ['../../../_base_/cspnext_udp_aic-coco.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('t', pretrained='imagenet')
# mmpose's tiny pre-training: no weight decay, and no EMA
optim_wrapper = dict(optimizer=dict(weight_decay=0.0))
custom_hooks = recipe.custom_hooks(_base_.max_epochs - _base_.stage2_num_epochs,
                                   _base_.train_pipeline_stage2)
