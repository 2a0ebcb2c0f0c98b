_base_ = ['../../../_base_/data/aic-coco.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('s')
optim_wrapper = dict(optimizer=dict(weight_decay=0.))  # the official RTMPose-s recipe
