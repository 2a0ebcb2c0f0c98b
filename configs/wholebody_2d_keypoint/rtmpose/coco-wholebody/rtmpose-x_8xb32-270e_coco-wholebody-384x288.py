_base_ = ['../../../_base_/data/coco-wholebody-384x288.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('x')
