_base_ = ['../../../_base_/data/coco-ubody-wholebody.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('x')  # from the Body7 UDP backbone
optim_wrapper = dict(clip_grad=dict(max_norm=35, norm_type=2))
