_base_ = ['../../../_base_/data/face6.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('m', pretrained='imagenet')
