_base_ = ['../../../_base_/data/humanart.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

# the UDP backbone at the address mmpose's Human-Art configs name (projects/rtmpose/)
model = recipe.size('s', pretrained='udp-v0')
optim_wrapper = dict(optimizer=dict(weight_decay=0.))  # the official RTMPose-s recipe
