_base_ = ['../../../_base_/cspnext_udp_aic-coco.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('l', pretrained='imagenet')
