_base_ = ['../../../_base_/data/body8-halpe26-384x288.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('l', pretrained='https://download.openmmlab.com/mmpose/v1/projects/'
                    'rtmposev1/rtmpose-l_simcc-body7_pt-body7_420e-384x288-3f5a1437_20230504.pth')
