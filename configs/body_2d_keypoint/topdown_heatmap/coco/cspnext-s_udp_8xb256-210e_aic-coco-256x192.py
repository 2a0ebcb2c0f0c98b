_base_ = ['../../../_base_/cspnext_udp_aic-coco.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('s', pretrained='imagenet')
optim_wrapper = dict(optimizer=dict(weight_decay=0.0))  # mmpose's s pre-training: no decay
