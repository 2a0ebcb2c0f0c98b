_base_ = ['../../../_base_/data/lapa.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('m')
