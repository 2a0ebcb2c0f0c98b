_base_ = ['../../../_base_/data/cocktail14-384x288.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('x', neck=True, pretrained='https://download.openmmlab.com/mmpose/v1/'
                    'wholebody_2d_keypoint/rtmpose/ubody/'
                    'rtmpose-x_simcc-ucoco_pt-aic-coco_270e-384x288-f5b50679_20230822.pth')
