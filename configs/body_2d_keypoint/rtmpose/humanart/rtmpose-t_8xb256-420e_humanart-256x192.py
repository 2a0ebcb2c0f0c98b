_base_ = ['../../../_base_/data/humanart.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

# the UDP backbone at the address mmpose's Human-Art configs name (projects/rtmpose/)
model = recipe.size('t', pretrained='udp-v0')
# the official RTMPose-t recipe: no weight decay, no EMA
optim_wrapper = dict(optimizer=dict(weight_decay=0.))
custom_hooks = recipe.custom_hooks(_base_.max_epochs - _base_.stage2_num_epochs,
                                   _base_.train_pipeline_stage2, ema=None)
