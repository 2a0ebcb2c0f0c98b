_base_ = ['../../../_base_/data/aic-coco-384x288.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('m')
