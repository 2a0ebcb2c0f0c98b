_base_ = ['../../../_base_/data/body8-halpe26-384x288.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

model = recipe.size('m', pretrained='https://download.openmmlab.com/mmpose/v1/projects/'
                    'rtmposev1/rtmpose-m_simcc-body7_pt-body7_420e-384x288-65e718c4_20230504.pth')
