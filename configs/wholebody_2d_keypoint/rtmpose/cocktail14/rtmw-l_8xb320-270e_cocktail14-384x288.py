_base_ = ['../../../_base_/data/cocktail14-384x288.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('l', neck=True, pretrained='https://download.openmmlab.com/mmpose/v1/'
                    'projects/rtmposev1/rtmpose-l_simcc-ucoco_dw-ucoco_270e-256x192-4d6dfc62_20230728.pth')
